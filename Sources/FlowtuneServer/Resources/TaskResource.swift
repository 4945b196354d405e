import FlowtuneCore
import Foundation
import NIOCore

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
    /// `date` as `2026-11-22T10:28:19.123Z`.
    static func format(_ date: Date) -> String {
        let text = String(unsafeUninitializedCapacity: 24) { bytes in
            fill(date, UnsafeMutableRawBufferPointer(bytes)) ? 24 : 0
        }
        return text.isEmpty ? foundationFormat(date) : text
    }

    /// Writes ``format(_:)``'s text into `buffer`, without making a string.
    static func write(_ date: Date, into buffer: inout ByteBuffer) {
        let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 24) { bytes in fill(date, bytes) ? 24 : 0 }
        if written == 0 { buffer.writeString(foundationFormat(date)) }
    }

    /// Foundation's form, which ``fill(_:_:)`` reproduces digit for digit where it applies.
    static func foundationFormat(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }

    /// The 24 bytes of a time from 1900 to 9999, written here because every task and event in
    /// an answer carries several and Foundation's formatter was a tenth of the cost of a task
    /// answer; false outside that range (Foundation uses the Julian calendar before 1582).
    private static func fill(_ date: Date, _ out: UnsafeMutableRawBufferPointer) -> Bool {
        let reference = date.timeIntervalSinceReferenceDate
        // 1900-01-01 and 10000-01-01, in seconds from 2001-01-01.
        guard out.count >= 24, reference >= -3_187_296_000, reference < 252_423_993_600 else { return false }
        // Milliseconds truncated from the seconds since 2001, as Foundation takes them.
        let whole = reference.rounded(.down)
        let milliseconds = min(Int((reference - whole) * 1000), 999)
        let seconds = Int(whole) + 978_307_200
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilDate.civil(fromDays: days)
        func digits(_ value: Int, _ count: Int, at offset: Int) {
            var rest = value
            for position in stride(from: offset + count - 1, through: offset, by: -1) {
                out[position] = UInt8(48 + rest % 10)
                rest /= 10
            }
        }
        digits(year, 4, at: 0)
        out[4] = UInt8(ascii: "-")
        digits(month, 2, at: 5)
        out[7] = UInt8(ascii: "-")
        digits(day, 2, at: 8)
        out[10] = UInt8(ascii: "T")
        digits(secondOfDay / 3600, 2, at: 11)
        out[13] = UInt8(ascii: ":")
        digits(secondOfDay / 60 % 60, 2, at: 14)
        out[16] = UInt8(ascii: ":")
        digits(secondOfDay % 60, 2, at: 17)
        out[19] = UInt8(ascii: ".")
        digits(milliseconds, 3, at: 20)
        out[23] = UInt8(ascii: "Z")
        return true
    }

    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) {
            return date
        }
        return try? Date(text, strategy: .iso8601)
    }
}
