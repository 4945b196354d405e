/// The band a ``SeasonalBand`` expects at a time: what a dashboard draws and what an
/// observation is judged against.
public struct ExpectedBand: Sendable, Hashable, Codable {
    /// The seasonal slot of the time.
    public var slot: Int
    /// The expected value (the slot's EWMA mean, blended with the level while the slot is young).
    public var mean: Double
    /// The standard deviation used for the band, at least the declared minimum.
    public var deviation: Double
    /// `mean − k·σ`.
    public var lower: Double
    /// `mean + k·σ`.
    public var upper: Double
    /// How many observations the slot has seen.
    public var slotSamples: Int
    /// The weight of the slot's own statistics, in 0...1; the rest is the non-seasonal level's.
    public var seasonalWeight: Double
    /// Whether an observation now may alert: the slot (or, when blending, the level) has warmed up.
    public var isArmed: Bool

    /// Creates a band.
    public init(
        slot: Int, mean: Double, deviation: Double, lower: Double, upper: Double, slotSamples: Int,
        seasonalWeight: Double, isArmed: Bool
    ) {
        self.slot = slot
        self.mean = mean
        self.deviation = deviation
        self.lower = lower
        self.upper = upper
        self.slotSamples = slotSamples
        self.seasonalWeight = seasonalWeight
        self.isArmed = isArmed
    }

    /// Which way `value` is out of the band, or nil when it is inside (bounds included).
    public func direction(of value: Double) -> BandSignal.Direction? {
        if value > upper { return .above }
        if value < lower { return .below }
        return nil
    }
}
