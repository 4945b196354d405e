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

    /// Creates a worker.
    public init(
        id: WorkerID, name: String? = nil, kind: Kind = .human, skills: [String: Int] = [:],
        certifications: [String] = [], channels: [Channel: Int] = [.default: 1], team: String = "default",
        costPerHour: Double = 0, attributes: [String: String] = [:], status: Status = .available
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
