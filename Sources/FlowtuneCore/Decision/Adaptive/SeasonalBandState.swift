/// The learned statistics of a ``SeasonalBand`` and whether it is alerting.
///
/// A pure value: the same rates observed in the same order fold to an equal state, and it
/// encodes to JSON and back unchanged. It holds one ``EWMAStatistics`` per slot (24 for hourly
/// daily slots, 672 for 15-minute weekly slots) plus the non-seasonal level; an observation is
/// O(1).
///
/// Each observation is first judged against the band as it was, and only then folded into its
/// slot and the level, so an outlier is measured against the band it broke, not against one it
/// has already widened. It is folded in at full weight: a lasting shift moves the band over a
/// few cycles (and the alert recovers once the band has followed), while a lone spike widens
/// its slot's band for a while.
///
/// One alert is open at a time for the whole stream. An observation outside the band (on a
/// declared side) opens one if none is open, or replaces it when it leaves the other way; the
/// first observation back inside the band closes it with a recovery. An observation in a slot
/// that is still warming up neither opens nor closes an alert.
///
/// ```swift
/// var state = SeasonalBandState(band)
/// for (hourEnd, share) in hourlyExceptionShares {
///     if let signal = state.observe(share, at: hourEnd) { emit(signal) }
/// }
/// let now = state.expected(at: clock)      // draw mean, lower and upper on the dashboard
/// ```
public struct SeasonalBandState: Sendable, Hashable, Codable {
    /// The declaration this state follows.
    public private(set) var band: SeasonalBand
    /// The non-seasonal statistics over every observation.
    public private(set) var level: EWMAStatistics
    /// The statistics of each slot, indexed by ``SeasonalBand/slot(at:)``; empty without seasonality.
    public private(set) var slots: [EWMAStatistics]
    /// The open alert, or nil when the stream is inside its band.
    public private(set) var openAlert: BandSignal?

    /// Creates the state of a band that has seen nothing.
    public init(_ band: SeasonalBand) {
        self.band = band
        level = EWMAStatistics()
        // Without seasonality the level is the only statistics there are.
        slots = band.seasonality == .none ? [] : Array(repeating: EWMAStatistics(), count: band.slotCount)
        openAlert = nil
    }

    /// Whether an alert is open.
    public var isAlerting: Bool { openAlert != nil }

    /// The band expected at `time` (seconds since 1970, UTC), for dashboards and for judging the
    /// next observation.
    public func expected(at time: Double) -> ExpectedBand {
        let slot = band.slot(at: time)
        let own = slots.indices.contains(slot) ? slots[slot] : level
        let weight: Double
        if band.seasonality == .none {
            weight = 1
        } else if let blend = band.blendSamples, blend > 0 {
            weight = Swift.min(1, Double(own.count) / Double(blend))
        } else {
            weight = own.count > 0 ? 1 : 0
        }
        let mean = weight * own.mean + (1 - weight) * level.mean
        let variance = weight * own.variance + (1 - weight) * level.variance
        let deviation = Swift.max(variance.squareRoot(), band.minimumDeviation)
        let armed =
            own.count >= band.warmUp
            || (band.blendSamples != nil && band.seasonality != .none && level.count >= band.warmUp)
        return ExpectedBand(
            slot: slot, mean: mean, deviation: deviation, lower: mean - band.width * deviation,
            upper: mean + band.width * deviation, slotSamples: own.count, seasonalWeight: weight, isArmed: armed)
    }

    /// Judges `rate` against the band expected at `time`, then folds it into its slot and the
    /// level; returns an alert when it leaves the band and a recovery when it comes back.
    ///
    /// A non-finite rate is ignored.
    ///
    /// - Parameters:
    ///   - rate: The rate over one interval, such as the share of tasks that became exceptions
    ///     in an hour.
    ///   - time: The time the interval belongs to, in seconds since 1970 (UTC); use a time inside
    ///     the interval (its start) so it falls in that interval's slot.
    /// - Returns: The signal, or nil when nothing changed.
    public mutating func observe(_ rate: Double, at time: Double) -> BandSignal? {
        guard rate.isFinite, time.isFinite else { return nil }
        let expected = expected(at: time)
        let signal = expected.isArmed ? judge(rate, at: time, against: expected) : nil
        fold(rate, slot: expected.slot)
        return signal
    }

    private mutating func judge(_ rate: Double, at time: Double, against expected: ExpectedBand) -> BandSignal? {
        let outside = expected.direction(of: rate).flatMap { direction -> BandSignal.Direction? in
            switch (band.sides, direction) {
            case (.both, _), (.above, .above), (.below, .below): direction
            default: nil
            }
        }
        switch (openAlert, outside) {
        case (nil, let direction?):
            let alert = BandSignal(kind: .alert, direction: direction, value: rate, time: time, band: expected)
            openAlert = alert
            return alert
        case (let open?, let direction?) where direction != open.direction:
            let alert = BandSignal(kind: .alert, direction: direction, value: rate, time: time, band: expected)
            openAlert = alert
            return alert
        case (let open?, nil):
            openAlert = nil
            return BandSignal(
                kind: .recovery, direction: open.direction, value: rate, time: time, band: expected,
                alertSince: open.time)
        default:
            return nil
        }
    }

    private mutating func fold(_ rate: Double, slot: Int) {
        level.update(rate, smoothing: band.smoothing)
        if band.seasonality != .none, slots.indices.contains(slot) {
            slots[slot].update(rate, smoothing: band.smoothing)
        }
    }
}
