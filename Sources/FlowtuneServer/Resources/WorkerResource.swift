import FlowtuneCore
import Foundation

/// A worker as the API shows it: its profile as a definition file writes it, so that what a GET
/// returns can be PUT back, and its live load.
struct WorkerResource: Encodable, Sendable {
    var id: String
    var name: String
    var kind: String
    var team: String
    var skills: [String: Int]
    var certifications: [String]
    var channels: [String: Int]
    var costPerHour: Double
    var attributes: [String: String]
    var status: String
    /// The one queue the worker serves; nil for every queue it is eligible for.
    var servingQueue: String?
    /// Whether real-time reallocation may move the worker.
    var flexible: Bool
    /// What one move of the worker costs.
    var moveCost: Double
    /// Offered and assigned tasks per channel.
    var load: [String: Int]
    /// All tasks offered to or held by the worker.
    var totalLoad: Int
    /// When the worker last became free of all work; nil while it holds any.
    var idleSince: Date?

    enum CodingKeys: String, CodingKey {
        case id, name, kind, team, skills, certifications, channels, attributes, status, load
        case costPerHour = "cost_per_hour"
        case totalLoad = "total_load"
        case idleSince = "idle_since"
        case servingQueue = "serving_queue"
        case moveCost = "move_cost"
        case flexible
    }

    init(_ record: WorkerRecord) {
        let worker = record.worker
        id = worker.id.rawValue
        name = worker.name
        kind = worker.kind.rawValue
        team = worker.team
        skills = worker.skills
        certifications = worker.certifications
        channels = Dictionary(uniqueKeysWithValues: worker.channels.map { ($0.key.rawValue, $0.value) })
        costPerHour = worker.costPerHour
        attributes = worker.attributes
        status = worker.status.rawValue
        servingQueue = worker.servingQueue?.rawValue
        flexible = worker.flexible
        moveCost = worker.moveCost
        load = Dictionary(uniqueKeysWithValues: record.load.filter { $0.value > 0 }.map { ($0.key.rawValue, $0.value) })
        totalLoad = record.totalLoad
        idleSince = record.totalLoad == 0 ? record.idleSince : nil
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(kind, forKey: .kind)
        try container.encode(team, forKey: .team)
        try container.encode(skills, forKey: .skills)
        try container.encode(certifications, forKey: .certifications)
        try container.encode(channels, forKey: .channels)
        try container.encode(costPerHour, forKey: .costPerHour)
        try container.encode(attributes, forKey: .attributes)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(servingQueue, forKey: .servingQueue)
        try container.encode(flexible, forKey: .flexible)
        try container.encode(moveCost, forKey: .moveCost)
        try container.encode(load, forKey: .load)
        try container.encode(totalLoad, forKey: .totalLoad)
        // Written as null rather than left out, so that clients see the field exists.
        try container.encode(idleSince, forKey: .idleSince)
    }
}
