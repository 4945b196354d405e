/// A way to forecast a queue's arrivals per interval: the seasonal-naive baselines any forecast
/// has to beat, and Holt–Winters with a daily and a weekly cycle.
public enum ForecastMethod: String, Sendable, Hashable, Codable, CaseIterable {
    /// Each interval as it was at the same time yesterday.
    case sameIntervalYesterday = "same-interval-yesterday"
    /// Each interval as it was at the same time a week ago — the usual planner's baseline.
    case sameIntervalLastWeek = "same-interval-last-week"
    /// The mean of the same interval on the last four same weekdays (or as many as the history
    /// holds, at least one).
    case meanOfLastFourWeekdays = "mean-of-last-four-weekdays"
    /// Double-seasonal Holt–Winters (daily and weekly cycles), additive.
    case holtWintersAdditive = "holt-winters-additive"
    /// Double-seasonal Holt–Winters, multiplicative, on counts offset by one.
    case holtWintersMultiplicative = "holt-winters-multiplicative"

    /// Whether the method is a seasonal-naive baseline (no parameters to fit).
    public var isBaseline: Bool {
        switch self {
        case .sameIntervalYesterday, .sameIntervalLastWeek, .meanOfLastFourWeekdays: true
        case .holtWintersAdditive, .holtWintersMultiplicative: false
        }
    }

    /// How many days of history the method needs before it can forecast.
    public var minimumDays: Int {
        switch self {
        case .sameIntervalYesterday: 1
        case .sameIntervalLastWeek, .meanOfLastFourWeekdays: 7
        // One week to start from and one in which each weekly index is seen again.
        case .holtWintersAdditive, .holtWintersMultiplicative: 14
        }
    }
}

/// The seasonal-naive forecasts: copies of, or means over, the same interval one or more seasons
/// back.
///
/// ```swift
/// let history: [Double] = [1, 2, 3, 4, 5, 6]
/// SeasonalNaive.forecast(history, lag: 3, horizon: 4)              // [4, 5, 6, 4]
/// SeasonalNaive.meanOfLastSeasons(history, season: 3, seasons: 2, horizon: 3)  // [2.5, 3.5, 4.5]
/// ```
public enum SeasonalNaive {
    /// Step k of the horizon repeats the value `lag` intervals before it, wrapping onto the last
    /// `lag` values for steps beyond the first season: ŷ(n + k) = y(n − lag + k mod lag).
    public static func forecast(_ values: some RandomAccessCollection<Double>, lag: Int, horizon: Int) -> [Double] {
        precondition(lag >= 1 && values.count >= lag, "a seasonal-naive forecast needs one season of history")
        let base = values.index(values.endIndex, offsetBy: -lag)
        return (0..<horizon).map { values[values.index(base, offsetBy: $0 % lag)] }
    }

    /// Step k of the horizon is the mean of the same slot in the last `seasons` seasons of
    /// `season` intervals — fewer where the history is shorter, at least one.
    public static func meanOfLastSeasons(
        _ values: some RandomAccessCollection<Double>, season: Int, seasons: Int, horizon: Int
    ) -> [Double] {
        precondition(season >= 1 && seasons >= 1 && values.count >= season, "needs one season of history")
        let n = values.count
        return (0..<horizon).map { k in
            // The same slot's position in the last season, then in the ones before it.
            var position = n - season + k % season
            var sum = 0.0
            var used = 0
            while used < seasons, position >= 0 {
                sum += values[values.index(values.startIndex, offsetBy: position)]
                used += 1
                position -= season
            }
            return sum / Double(used)
        }
    }
}

/// Forecast accuracy measures over matching actual and forecast values.
///
/// ```swift
/// ForecastAccuracy.wape(actual: [10, 0, 30], forecast: [12, 1, 27])        // 6 / 40 = 0.15
/// ForecastAccuracy.seasonalNaiveScale([1, 2, 4, 3], lag: 2)                 // (3 + 1) / 2 = 2
/// ForecastAccuracy.mase(actual: [10, 0, 30], forecast: [12, 1, 27], scale: 2)  // 2 / 2 = 1
/// ```
public enum ForecastAccuracy {
    /// Weighted absolute percentage error Σ|y − ŷ| / Σ|y|: the share of the volume forecast
    /// wrongly, meaningful on intervals with zero counts (unlike MAPE). Nil when every actual is 0.
    public static func wape(actual: some Sequence<Double>, forecast: some Sequence<Double>) -> Double? {
        var error = 0.0
        var volume = 0.0
        for (y, f) in zip(actual, forecast) {
            error += abs(y - f)
            volume += abs(y)
        }
        return volume > 0 ? error / volume : nil
    }

    /// Mean absolute scaled error: the mean absolute error over `scale`, the in-sample mean
    /// absolute error of a seasonal-naive forecast (`seasonalNaiveScale`). Below 1, the forecast
    /// beats what repeating last season did in the history. Nil when the scale is 0 or there are
    /// no pairs.
    public static func mase(actual: some Sequence<Double>, forecast: some Sequence<Double>, scale: Double) -> Double? {
        var error = 0.0
        var count = 0
        for (y, f) in zip(actual, forecast) {
            error += abs(y - f)
            count += 1
        }
        guard count > 0, scale > 0 else { return nil }
        return error / Double(count) / scale
    }

    /// The mean absolute difference between each value and the one `lag` intervals before it —
    /// MASE's denominator (the weekly naive in-sample error for `lag` = one week of intervals).
    /// Nil when the history is not longer than `lag`.
    public static func seasonalNaiveScale(_ values: some RandomAccessCollection<Double>, lag: Int) -> Double? {
        guard lag >= 1, values.count > lag else { return nil }
        var sum = 0.0
        var index = values.index(values.startIndex, offsetBy: lag)
        var earlier = values.startIndex
        while index != values.endIndex {
            sum += abs(values[index] - values[earlier])
            values.formIndex(after: &index)
            values.formIndex(after: &earlier)
        }
        return sum / Double(values.count - lag)
    }
}
