import Foundation

/// A human or automated resource that performs steps.
public struct Worker: Sendable, Hashable, Codable {
    /// The worker's identifier.
    public var id: WorkerID
    /// A human-readable name.
    public var name: String
    /// Whether a person or an automation.
    public var kind: Kind
    /// Skill levels, 0–10.
    public var skills: [String: Int]
    /// Certifications held.
    public var certifications: [String]
    /// How many tasks the worker handles at once on each channel.
    public var channels: [Channel: Int]
    /// The worker's team.
    public var team: String
    /// Cost per hour of the worker's time.
    public var costPerHour: Double
    /// Free-form attributes a queue's requirement can match, such as `language`.
    public var attributes: [String: String]
    /// Whether the worker takes work.
    public var status: Status
    /// The one queue the worker is assigned to serve; nil serves every queue the worker is
    /// eligible for. Routing offers an assigned worker tasks from that queue only, and real-time
    /// reallocation moves flexible workers between queues by changing it.
    public var servingQueue: QueueID?
    /// Whether the worker agreed to be moved between queues during the day.
    public var flexible: Bool
    /// What one move of this worker to another queue costs, in the currency of `costPerHour`:
    /// moves up to the workspace's automatic limit happen at once, dearer ones wait for an operator.
    public var moveCost: Double

    /// Creates a worker.
    public init(
        id: WorkerID, name: String? = nil, kind: Kind = .human, skills: [String: Int] = [:],
        certifications: [String] = [], channels: [Channel: Int] = [.default: 1], team: String = "default",
        costPerHour: Double = 0, attributes: [String: String] = [:], status: Status = .available,
        servingQueue: QueueID? = nil, flexible: Bool = false, moveCost: Double = 0
    ) {
        self.id = id
        self.name = name ?? id.rawValue
        self.kind = kind
        self.skills = skills
        self.certifications = certifications
        self.channels = channels
        self.team = team
        self.costPerHour = costPerHour
        self.attributes = attributes
        self.status = status
        self.servingQueue = servingQueue
        self.flexible = flexible
        self.moveCost = moveCost
    }

    /// Decodes a worker; profiles recorded before workers had a serving queue, a flexible flag
    /// and a move cost read as serving any queue, not flexible, moving at no cost.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(WorkerID.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        kind = try container.decode(Kind.self, forKey: .kind)
        skills = try container.decode([String: Int].self, forKey: .skills)
        certifications = try container.decode([String].self, forKey: .certifications)
        channels = try container.decode([Channel: Int].self, forKey: .channels)
        team = try container.decode(String.self, forKey: .team)
        costPerHour = try container.decode(Double.self, forKey: .costPerHour)
        attributes = try container.decode([String: String].self, forKey: .attributes)
        status = try container.decode(Status.self, forKey: .status)
        servingQueue = try container.decodeIfPresent(QueueID.self, forKey: .servingQueue)
        flexible = try container.decodeIfPresent(Bool.self, forKey: .flexible) ?? false
        moveCost = try container.decodeIfPresent(Double.self, forKey: .moveCost) ?? 0
    }

    /// A person or an automation.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case human
        case automation
    }

    /// Whether a worker takes work.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Takes offers.
        case available
        /// On a break or in a meeting: keeps current work, takes no offers.
        case away
        /// Signed out.
        case offline
    }

    /// How many tasks the worker may hold at once on `channel`.
    public func capacity(on channel: Channel) -> Int {
        channels[channel] ?? 0
    }
}
