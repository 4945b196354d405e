/// The cycle a ``SeasonalBand`` learns separately for each slot of.
///
/// Slots are taken in UTC shifted by the band's fixed offset; days start at 00:00 and weeks on
/// Monday 00:00 (ISO 8601). Daylight-saving shifts are not followed: a fixed offset keeps slots
/// a pure function of the time.
public enum Seasonality: String, Sendable, Hashable, Codable, CaseIterable {
    /// One band for every time: no seasonal pattern.
    case none
    /// One band per slot of the day, such as hour of day with 60-minute slots.
    case daily
    /// One band per slot of the week, such as hour of week with 60-minute slots, which learns
    /// the daily and the weekly pattern (quiet weekends) together.
    case weekly

    /// The length of the cycle in seconds, or nil for ``none``.
    public var period: Double? {
        switch self {
        case .none: nil
        case .daily: 86_400
        case .weekly: 604_800
        }
    }

    /// The number of slots in one cycle of slots `slotLength` seconds long (1 for ``none``).
    public func slotCount(slotLength: Double) -> Int {
        guard let period, slotLength > 0 else { return 1 }
        return Swift.max(1, Int((period / slotLength).rounded(.down)))
    }

    /// The slot that `time` (seconds since 1970, UTC) falls in, from 0: for daily hourly slots
    /// the hour of the day; for weekly hourly slots the hour of the week, 0 being Monday
    /// 00:00–01:00 and 167 Sunday 23:00–24:00.
    ///
    /// - Parameters:
    ///   - time: Seconds since 1970-01-01T00:00:00Z.
    ///   - slotLength: The slot length in seconds, such as 3600.
    ///   - utcOffset: Seconds added to UTC to get the local clock the slots follow, such as
    ///     −18,000 for UTC−5.
    public func slot(at time: Double, slotLength: Double, utcOffset: Double = 0) -> Int {
        guard let period, slotLength > 0 else { return 0 }
        // 1970-01-01 was a Thursday: shifting by 3 days puts a Monday at the start of each week.
        let epochShift: Double = self == .weekly ? 3 * 86_400 : 0
        let local = time + utcOffset + epochShift
        var intoCycle = local.truncatingRemainder(dividingBy: period)
        if intoCycle < 0 { intoCycle += period }
        let slot = Int((intoCycle / slotLength).rounded(.down))
        return Swift.min(slot, slotCount(slotLength: slotLength) - 1)
    }
}
