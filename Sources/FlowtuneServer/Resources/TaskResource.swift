import FlowtuneCore
import Foundation

/// A task as the API shows it.
struct TaskResource: Codable, Sendable {
    var id: String
    var workflow: String
    var workflowVersion: Int
    var step: String
    var queue: String
    var lane: String
    var priority: Int
    var state: String
    var worker: String?
    var offerExpiresAt: Date?
    var channel: String
    var attributes: JSONValue
    var createdAt: Date
    var stepEnteredAt: Date
    var queuedAt: Date
    var escalationLevel: Int
    var exception: ExceptionResource?

    init(_ task: WorkTask) {
        id = task.id.rawValue
        workflow = task.workflow.rawValue
        workflowVersion = task.workflowVersion
        step = task.step.rawValue
        queue = task.queue.rawValue
        lane = task.lane.rawValue
        priority = task.priority
        state = task.state.name
        worker = task.state.worker?.rawValue
        if case .offered(_, let expiresAt) = task.state { offerExpiresAt = expiresAt }
        channel = task.channel.rawValue
        attributes = task.attributes
        createdAt = task.createdAt
        stepEnteredAt = task.stepEnteredAt
        queuedAt = task.queuedAt
        escalationLevel = task.escalationLevel
        exception = task.exception.map(ExceptionResource.init)
    }
}

/// An exception item as the API shows it.
struct ExceptionResource: Codable, Sendable {
    var owner: String
    var due: Date
    var reason: String
    var context: [String: String]
    var recommendedAction: String
    var claimedBy: String?

    init(_ item: ExceptionItem) {
        owner = item.owner
        due = item.due
        reason = item.reason
        context = item.context
        recommendedAction = item.recommendedAction
        claimedBy = item.claimedBy
    }
}

/// An event as the API shows it: its place in the log, type, time, actor, cause and data.
struct EventResource: Codable, Sendable {
    var sequence: Int64
    var type: String
    var time: Date
    var actor: String
    var cause: String?
    var task: String?
    var data: JSONValue

    init(_ stored: StoredEventView) {
        sequence = stored.sequence
        type = stored.event.type
        time = stored.event.time
        actor = stored.event.actor
        cause = stored.event.cause
        task = stored.event.taskID?.rawValue
        data = Self.data(of: stored.event.payload)
    }

    /// The payload's fields as a JSON object, without the enum's case wrapper.
    static func data(of payload: EventPayload) -> JSONValue {
        guard let encoded = try? JSONEncoder.api.encode(payload),
            let value = try? JSONDecoder().decode(JSONValue.self, from: encoded),
            case .object(let wrapper) = value, let inner = wrapper.values.first
        else { return .null }
        if case .object(let fields) = inner, fields.count == 1, let only = fields["_0"] { return only }
        return inner
    }
}

/// The parts of a stored event the API shows.
struct StoredEventView {
    var sequence: Int64
    var event: Event
}

extension JSONEncoder {
    /// The API's encoder: ISO 8601 times with milliseconds, sorted keys.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(APITime.format(date))
        }
        return encoder
    }
}

/// ISO 8601 times with milliseconds, in UTC.
enum APITime {
    static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) {
            return date
        }
        return try? Date(text, strategy: .iso8601)
    }
}
