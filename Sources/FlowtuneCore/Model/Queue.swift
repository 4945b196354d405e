import Foundation

/// Where tasks wait for a worker.
public struct Queue: Sendable, Hashable, Codable {
    /// The queue's identifier.
    public var id: QueueID
    /// A human-readable name.
    public var name: String
    /// The queue's priority, 1 being the most urgent, 9 the least.
    public var priority: Int
    /// The service-level promise, "X% within T".
    public var serviceLevel: ServiceLevelTarget
    /// What a worker needs to serve the queue.
    public var requirement: Requirement
    /// Lower requirements that apply once a task has waited long enough, in order of `after`.
    public var relaxation: [RelaxationStage]
    /// How long a worker has to accept an offer from this queue.
    public var offerTimeout: TimeInterval

    /// Creates a queue.
    public init(
        id: QueueID, name: String? = nil, priority: Int = 5,
        serviceLevel: ServiceLevelTarget = ServiceLevelTarget(percent: 80, within: 300),
        requirement: Requirement = Requirement(), relaxation: [RelaxationStage] = [],
        offerTimeout: TimeInterval = 60
    ) {
        self.offerTimeout = offerTimeout
        self.id = id
        self.name = name ?? id.rawValue
        self.priority = priority
        self.serviceLevel = serviceLevel
        self.requirement = requirement
        self.relaxation = relaxation.sorted { $0.after < $1.after }
    }

    /// The requirement in force for a task that has waited `wait` seconds.
    public func requirement(afterWaiting wait: TimeInterval) -> Requirement {
        var current = requirement
        for stage in relaxation where wait >= stage.after {
            current = stage.requirement
        }
        return current
    }

    /// How well `worker` covers the queue's skills: the mean of its levels over the required skills,
    /// scaled to 0...1. Zero when the queue requires no skill.
    public func skillFit(of worker: Worker) -> Double {
        guard !requirement.skills.isEmpty else { return 0 }
        let total = requirement.skills.keys.reduce(0) { $0 + min(max(worker.skills[$1] ?? 0, 0), 10) }
        return Double(total) / Double(10 * requirement.skills.count)
    }

    /// How long a task must wait before `worker` may serve it, or nil if never.
    ///
    /// Zero when the worker meets the base requirement.
    public func eligibilityDelay(for worker: Worker) -> TimeInterval? {
        if requirement.isMet(by: worker) { return 0 }
        return relaxation.first { $0.requirement.isMet(by: worker) }?.after
    }
}

/// A service-level promise: `percent` of tasks answered within `within` seconds.
public struct ServiceLevelTarget: Sendable, Hashable, Codable {
    /// The share of tasks, 0–100, that must start within the threshold.
    public var percent: Double
    /// The threshold, in seconds of waiting.
    public var within: TimeInterval

    /// Creates a target.
    public init(percent: Double, within: TimeInterval) {
        self.percent = percent
        self.within = within
    }
}

/// What a worker must have to serve a queue.
public struct Requirement: Sendable, Hashable, Codable {
    /// Minimum level, 0–10, per skill.
    public var skills: [String: Int]
    /// Certifications the worker must hold.
    public var certifications: [String]
    /// Teams the worker must belong to; empty means any team.
    public var teams: [String]
    /// Worker attributes that must match exactly, such as `language: fr`.
    public var attributes: [String: String]

    /// Creates a requirement.
    public init(
        skills: [String: Int] = [:], certifications: [String] = [], teams: [String] = [],
        attributes: [String: String] = [:]
    ) {
        self.skills = skills
        self.certifications = certifications
        self.teams = teams
        self.attributes = attributes
    }

    /// Whether `worker` meets every part of the requirement.
    public func isMet(by worker: Worker) -> Bool {
        unmet(by: worker) == nil
    }

    /// The first part of the requirement `worker` does not meet, described for an explanation.
    public func unmet(by worker: Worker) -> String? {
        for (skill, level) in skills.sorted(by: { $0.key < $1.key }) {
            let has = worker.skills[skill] ?? -1
            if has < level {
                return has < 0 ? "lacks skill \(skill)" : "skill \(skill) \(has) < \(level)"
            }
        }
        for certification in certifications where !worker.certifications.contains(certification) {
            return "lacks certification \(certification)"
        }
        if !teams.isEmpty, !teams.contains(worker.team) {
            return "team \(worker.team) not in \(teams.joined(separator: ","))"
        }
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) where worker.attributes[key] != value {
            return "attribute \(key) is not \(value)"
        }
        return nil
    }
}

/// A lower requirement that applies once a task has waited `after` seconds.
public struct RelaxationStage: Sendable, Hashable, Codable {
    /// Seconds of waiting after which the stage applies.
    public var after: TimeInterval
    /// The requirement in force from then on.
    public var requirement: Requirement

    /// Creates a stage.
    public init(after: TimeInterval, requirement: Requirement) {
        self.after = after
        self.requirement = requirement
    }
}
