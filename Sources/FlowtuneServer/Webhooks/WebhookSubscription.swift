import Foundation

/// A webhook subscription: where to send which events, the secret that signs them, and how far
/// through the log deliveries have got.
public struct WebhookSubscription: Sendable, Hashable {
    /// The subscription's id, `wh_` and random characters.
    public var id: String
    /// Where deliveries are POSTed.
    public var url: URL
    /// The event types delivered, such as `TaskRouted`; `*` for every type.
    public var events: [String]
    /// The HMAC-SHA256 key of the signatures; shown to the subscriber once, at creation.
    public var secret: String
    /// When it was created.
    public var createdAt: Date
    /// The log sequence of the last event handled: delivered, skipped as not subscribed, or
    /// given up on after the last attempt. Delivery resumes after it.
    public var cursor: Int64

    /// Creates a subscription.
    public init(id: String, url: URL, events: [String], secret: String, createdAt: Date, cursor: Int64) {
        self.id = id
        self.url = url
        self.events = events
        self.secret = secret
        self.createdAt = createdAt
        self.cursor = cursor
    }

    /// Whether events of `type` are delivered.
    public func wants(_ type: String) -> Bool {
        events.contains("*") || events.contains(type)
    }

    /// Every event type a subscription may name.
    public static let eventTypes: Set<String> = [
        "WorkflowDefined", "QueueDefined", "WorkerRegistered", "WorkerStatusChanged", "PolicyChanged",
        "SettingsChanged", "TaskCreated", "TaskRouted", "OfferAccepted", "OfferDeclined", "StepCompleted",
        "MovedToException", "ExceptionClaimed", "ExceptionResolved", "Escalated", "PriorityChanged",
        "OverrideApplied", "TaskCancelled",
    ]
}

/// One attempt to deliver an event to a subscription, as the delivery log keeps it.
public struct WebhookDelivery: Sendable, Hashable, Codable {
    /// The log entry's id, increasing.
    public var id: Int64
    /// The subscription.
    public var subscription: String
    /// The event's log sequence, sent as `Flowtune-Event-Id`.
    public var eventID: Int64
    /// The event's type.
    public var eventType: String
    /// 1 for the first attempt.
    public var attempt: Int
    /// The receiver's HTTP status, when it answered.
    public var status: Int?
    /// How long the attempt took, in milliseconds.
    public var durationMs: Double
    /// Why the attempt failed, when it did not get an answer or got a non-2xx one.
    public var error: String?
    /// When the attempt started.
    public var at: Date
    /// Whether the receiver took the event (a 2xx answer).
    public var delivered: Bool {
        status.map { (200..<300).contains($0) } ?? false
    }

    enum CodingKeys: String, CodingKey {
        case id, subscription, eventID = "eventId", eventType, attempt, status, durationMs, error, at, delivered
    }

    /// Creates a log entry.
    public init(
        id: Int64, subscription: String, eventID: Int64, eventType: String, attempt: Int, status: Int?,
        durationMs: Double, error: String?, at: Date
    ) {
        self.id = id
        self.subscription = subscription
        self.eventID = eventID
        self.eventType = eventType
        self.attempt = attempt
        self.status = status
        self.durationMs = durationMs
        self.error = error
        self.at = at
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int64.self, forKey: .id)
        subscription = try container.decode(String.self, forKey: .subscription)
        eventID = try container.decode(Int64.self, forKey: .eventID)
        eventType = try container.decode(String.self, forKey: .eventType)
        attempt = try container.decode(Int.self, forKey: .attempt)
        status = try container.decodeIfPresent(Int.self, forKey: .status)
        durationMs = try container.decode(Double.self, forKey: .durationMs)
        error = try container.decodeIfPresent(String.self, forKey: .error)
        at = try container.decode(Date.self, forKey: .at)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(subscription, forKey: .subscription)
        try container.encode(eventID, forKey: .eventID)
        try container.encode(eventType, forKey: .eventType)
        try container.encode(attempt, forKey: .attempt)
        try container.encodeIfPresent(status, forKey: .status)
        try container.encode(durationMs, forKey: .durationMs)
        try container.encodeIfPresent(error, forKey: .error)
        try container.encode(at, forKey: .at)
        try container.encode(delivered, forKey: .delivered)
    }
}
