/// How long raw text (task descriptions, messages) is kept once a model has read it. Features and
/// predictions are derived immediately; the retention applies to the text itself.
///
/// ```swift
/// let retention = TextRetention.keepDays(30)
/// let kept = retention.apply(to: records, now: now)   // texts older than 30 days become nil
/// ```
public enum TextRetention: Sendable, Hashable, Codable {
    /// Never keep raw text: features are computed and the text dropped at once.
    case keepNone
    /// Keep raw text for this many days after it was received.
    case keepDays(Int)

    /// True when text received at `receivedAt` may still be kept at `now` (both in seconds).
    public func keeps(receivedAt: Double, now: Double) -> Bool {
        switch self {
        case .keepNone: false
        case .keepDays(let days): now - receivedAt < Double(max(days, 0)) * 86_400
        }
    }

    /// The items whose text may still be kept.
    public func retained<Item>(_ items: [Item], now: Double, receivedAt: (Item) -> Double) -> [Item] {
        items.filter { keeps(receivedAt: receivedAt($0), now: now) }
    }

    /// The records with the text of those past retention removed; the rest of each record stays.
    public func apply(to records: [RawText], now: Double) -> [RawText] {
        records.map { record in
            var record = record
            if !keeps(receivedAt: record.receivedAt, now: now) { record.text = nil }
            return record
        }
    }
}

/// A raw text kept for retraining, and when it arrived.
public struct RawText: Sendable, Hashable, Codable {
    /// What the text belongs to, such as a task id and field.
    public var id: String
    /// The text, nil once retention has removed it.
    public var text: String?
    /// When it was received, in seconds.
    public var receivedAt: Double

    public init(id: String, text: String?, receivedAt: Double) {
        self.id = id
        self.text = text
        self.receivedAt = receivedAt
    }
}
