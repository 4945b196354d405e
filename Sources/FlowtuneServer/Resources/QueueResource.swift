import FlowtuneCore
import Foundation

/// A queue as the API shows it: the fields of its definition as a definition file writes them,
/// so that what a GET returns can be PUT back, and how many tasks wait in it.
struct QueueResource: Encodable, Sendable {
    var id: String
    var name: String
    var priority: Int
    var serviceLevel: ServiceLevel
    var offerTimeout: String
    var requirement: RequirementResource
    var relaxation: [Stage]
    /// Tasks waiting in the queue now.
    var waiting: Int

    struct ServiceLevel: Encodable, Sendable {
        var percent: Double
        var within: String
    }

    struct Stage: Encodable, Sendable {
        var after: String
        var requirement: RequirementResource

        func encode(to encoder: any Encoder) throws {
            // A definition file writes a stage's requirement inline, beside `after`.
            var container = encoder.container(keyedBy: AnyKey.self)
            try container.encode(after, forKey: AnyKey("after"))
            try container.encode(requirement.skills, forKey: AnyKey("skills"))
            try container.encode(requirement.certifications, forKey: AnyKey("certifications"))
            try container.encode(requirement.teams, forKey: AnyKey("teams"))
            try container.encode(requirement.attributes, forKey: AnyKey("attributes"))
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, priority, requirement, relaxation, waiting
        case serviceLevel = "service_level"
        case offerTimeout = "offer_timeout"
    }

    init(_ record: QueueRecord) {
        let queue = record.queue
        id = queue.id.rawValue
        name = queue.name
        priority = queue.priority
        serviceLevel = ServiceLevel(percent: queue.serviceLevel.percent, within: DurationText.format(queue.serviceLevel.within))
        offerTimeout = DurationText.format(queue.offerTimeout)
        requirement = RequirementResource(queue.requirement)
        relaxation = queue.relaxation.map { Stage(after: DurationText.format($0.after), requirement: RequirementResource($0.requirement)) }
        waiting = record.waitingCount
    }
}

/// What a worker needs to serve a queue, as a definition file writes it.
struct RequirementResource: Encodable, Sendable {
    var skills: [String: Int]
    var certifications: [String]
    var teams: [String]
    var attributes: [String: String]

    init(_ requirement: Requirement) {
        skills = requirement.skills
        certifications = requirement.certifications
        teams = requirement.teams
        attributes = requirement.attributes
    }
}

/// A coding key made from any string, for shapes whose keys are data.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
