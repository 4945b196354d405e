/// A change of a published adaptive threshold: what it was, what it is, and why.
///
/// Meant to be recorded as an event, so an operator can see when "escalate after" moved from
/// 4h to 2h40m and that it did because p90 of the last 7 days' 63 outcomes was 2h40m.
public struct ThresholdChange: Sendable, Hashable, Codable {
    /// The value published before.
    public var from: Double
    /// The value published now.
    public var to: Double
    /// When the change was made, in seconds since 1970 (UTC): the time of the outcome or tick
    /// that moved it.
    public var time: Double
    /// Where the new value comes from.
    public var basis: ThresholdBasis

    /// Creates a change.
    public init(from: Double, to: Double, time: Double, basis: ThresholdBasis) {
        self.from = from
        self.to = to
        self.time = time
        self.basis = basis
    }
}

/// Where a published threshold value comes from.
public struct ThresholdBasis: Sendable, Hashable, Codable {
    /// Which of the declaration's rules gave the value.
    public enum Source: String, Sendable, Hashable, Codable, CaseIterable {
        /// The configured static value: the window held fewer than the minimum samples.
        case configured
        /// The window's quantile, inside floor and ceiling.
        case quantile
        /// The floor: the quantile was below it.
        case floor
        /// The ceiling: the quantile was above it.
        case ceiling
    }

    /// Which rule gave the value.
    public var source: Source
    /// The probability of the quantile, such as 0.9.
    public var quantile: Double
    /// The window's quantile before floor and ceiling, or nil when the window was empty. Given
    /// even while the configured value is in force, to show where the learned value stands.
    public var estimate: Double?
    /// How many outcomes the window held.
    public var sampleCount: Int
    /// The window as declared.
    public var window: SampleWindow
    /// The time of the oldest outcome in the window, or nil when it was empty.
    public var oldestSample: Double?

    /// Creates a basis.
    public init(
        source: Source, quantile: Double, estimate: Double?, sampleCount: Int, window: SampleWindow,
        oldestSample: Double?
    ) {
        self.source = source
        self.quantile = quantile
        self.estimate = estimate
        self.sampleCount = sampleCount
        self.window = window
        self.oldestSample = oldestSample
    }

    /// Whether the value was learned from outcomes (quantile, floor or ceiling) rather than
    /// configured.
    public var isLearned: Bool { source != .configured }
}
