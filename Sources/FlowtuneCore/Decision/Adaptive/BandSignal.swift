/// An observation leaving its expected band (an alert) or coming back into it (a recovery).
///
/// Meant to be recorded as an event: it carries the band the value was judged against, so the
/// alert explains itself ("exception rate 9.1% above 2.4% ± 3 × 0.9% for Monday 10:00").
public struct BandSignal: Sendable, Hashable, Codable {
    /// Whether the rate left or came back.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The value left the band.
        case alert
        /// The value is back inside the band after an alert.
        case recovery
    }

    /// Which way a value left the band.
    public enum Direction: String, Sendable, Hashable, Codable, CaseIterable {
        /// Above the upper bound.
        case above
        /// Below the lower bound.
        case below
    }

    /// Alert or recovery.
    public var kind: Kind
    /// For an alert, which way the value left; for a recovery, which way the ended alert was.
    public var direction: Direction
    /// The observed value.
    public var value: Double
    /// When it was observed, in seconds since 1970 (UTC).
    public var time: Double
    /// The band it was judged against: the one before this observation was folded in.
    public var band: ExpectedBand
    /// For a recovery, when the alert it ends began; nil for an alert.
    public var alertSince: Double?

    /// Creates a signal.
    public init(
        kind: Kind, direction: Direction, value: Double, time: Double, band: ExpectedBand,
        alertSince: Double? = nil
    ) {
        self.kind = kind
        self.direction = direction
        self.value = value
        self.time = time
        self.band = band
        self.alertSince = alertSince
    }
}
