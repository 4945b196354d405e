/// A band that an observed rate is expected to stay in, learned per seasonal slot: "alert when
/// the exception rate leaves its EWMA ± k·σ band, with daily and weekly seasonality".
///
/// Each slot of the cycle (hour of day, or hour of week, or a 15/30-minute slot) keeps its own
/// exponentially weighted mean and variance (``EWMAStatistics``), and the stream as a whole keeps
/// a non-seasonal level. The band at a time is `mean ± width·σ` of that time's slot, where σ is
/// at least ``minimumDeviation``. A slot alerts once it has seen ``warmUp`` observations. With
/// ``blendSamples`` set, a slot that has seen fewer than that leans on the level: its mean and
/// variance are `w·slot + (1 − w)·level` with `w = samples / blendSamples`, and it may alert
/// as soon as the level has warmed up.
///
/// ```swift
/// // alert_when: { band: ewma, of: exception_rate, seasonality: weekly, slot: 60m,
/// //               alpha: 0.2, k: 3, warm_up: 4, blend: 8, sides: above }
/// let band = SeasonalBand(seasonality: .weekly, slotLength: 3600, smoothing: 0.2, width: 3,
///                         warmUp: 4, blendSamples: 8, sides: .above)
/// var state = SeasonalBandState(band)
/// if let signal = state.observe(exceptionShare, at: hourEnd) { emit(signal) }
/// ```
public struct SeasonalBand: Sendable, Hashable, Codable {
    /// The cycle learned slot by slot.
    public var seasonality: Seasonality
    /// The length of a slot in seconds: 900, 1800 or 3600 for 15, 30 or 60 minutes. Must
    /// divide a day.
    public var slotLength: Double
    /// The EWMA smoothing factor α, in (0, 1]: the weight of the newest observation.
    public var smoothing: Double
    /// The half-width of the band in standard deviations (k).
    public var width: Double
    /// How many observations a slot needs before it may alert.
    public var warmUp: Int
    /// How many observations a slot needs before its band is its own; below that it blends
    /// with the non-seasonal level. Nil never blends.
    public var blendSamples: Int?
    /// Which ways out of the band alert.
    public var sides: Sides
    /// The least σ used for the band, so a stream that has been constant (often 0 exceptions)
    /// does not alert on the first small change.
    public var minimumDeviation: Double
    /// Seconds added to UTC to get the clock the slots follow, such as 3600 for UTC+1.
    public var utcOffset: Double

    /// Which ways out of the band raise an alert.
    public enum Sides: String, Sendable, Hashable, Codable, CaseIterable {
        /// Above the upper or below the lower bound.
        case both
        /// Only above the upper bound, such as a rising exception rate.
        case above
        /// Only below the lower bound, such as falling throughput.
        case below
    }

    /// Creates a declaration.
    public init(
        seasonality: Seasonality, slotLength: Double = 3600, smoothing: Double = 0.2, width: Double = 3,
        warmUp: Int = 4, blendSamples: Int? = nil, sides: Sides = .both, minimumDeviation: Double = 0,
        utcOffset: Double = 0
    ) {
        self.seasonality = seasonality
        self.slotLength = slotLength
        self.smoothing = smoothing
        self.width = width
        self.warmUp = warmUp
        self.blendSamples = blendSamples
        self.sides = sides
        self.minimumDeviation = minimumDeviation
        self.utcOffset = utcOffset
    }

    /// The number of slots in one cycle.
    public var slotCount: Int { seasonality.slotCount(slotLength: slotLength) }

    /// The slot `time` (seconds since 1970, UTC) falls in.
    public func slot(at time: Double) -> Int {
        seasonality.slot(at: time, slotLength: slotLength, utcOffset: utcOffset)
    }

    /// Everything wrong with the declaration, by YAML field; empty when it can be used.
    public func problems() -> [AdaptiveThresholdProblem] {
        var problems: [AdaptiveThresholdProblem] = []
        let day = 86_400.0
        if !(slotLength >= 60 && slotLength <= day && day.truncatingRemainder(dividingBy: slotLength) == 0) {
            problems.append(.init(field: "slot", message: "must divide a day, such as 15m, 30m or 60m"))
        }
        if !(smoothing > 0 && smoothing <= 1) {
            problems.append(.init(field: "alpha", message: "must be greater than 0 and at most 1"))
        }
        if !(width > 0 && width.isFinite) {
            problems.append(.init(field: "k", message: "must be a positive number of standard deviations"))
        }
        if warmUp < 1 { problems.append(.init(field: "warm_up", message: "must be at least 1")) }
        if let blendSamples, blendSamples < 1 {
            problems.append(.init(field: "blend", message: "must be at least 1 sample"))
        }
        if !(minimumDeviation >= 0 && minimumDeviation.isFinite) {
            problems.append(.init(field: "min_sigma", message: "must be 0 or more"))
        }
        if !(abs(utcOffset) <= 14 * 3600) {
            problems.append(.init(field: "utc_offset", message: "must be between -14h and +14h"))
        }
        return problems
    }
}
