/// A quantity per fixed interval — arrivals per 15 minutes, mean handling time per hour — from a
/// start instant, the input and output of forecasting and staffing.
///
/// ```swift
/// let arrivals = IntervalSeries(counting: [0, 10, 900, 1000], start: 0, interval: 900, count: 2)
/// arrivals.values   // [2, 2]
/// ```
public struct IntervalSeries: Sendable, Hashable, Codable {
    /// The first interval's start, seconds since 1970 UTC.
    public var start: Double
    /// The length of each interval, in seconds (900, 1800 or 3600 for 15, 30, 60 minutes).
    public var interval: Double
    /// One value per interval.
    public var values: [Double]

    /// A series of `values` from `start`, one per `interval` seconds.
    public init(start: Double, interval: Double, values: [Double]) {
        precondition(interval > 0, "an interval is longer than zero")
        self.start = start
        self.interval = interval
        self.values = values
    }

    /// Counts of `timestamps` (seconds since 1970 UTC) per interval, over `count` intervals from
    /// `start`; timestamps outside the span are not counted.
    public init(counting timestamps: some Sequence<Double>, start: Double, interval: Double, count: Int) {
        precondition(interval > 0, "an interval is longer than zero")
        var values = [Double](repeating: 0, count: count)
        for time in timestamps {
            let index = ((time - start) / interval).rounded(.down)
            guard index >= 0, index < Double(count) else { continue }
            values[Int(index)] += 1
        }
        self.init(start: start, interval: interval, values: values)
    }

    /// How many intervals the series holds.
    public var count: Int { values.count }

    /// The start of interval `index`, seconds since 1970 UTC.
    public func time(ofInterval index: Int) -> Double { start + Double(index) * interval }

    /// Intervals per day at this interval length (96 for 15 minutes).
    public var intervalsPerDay: Int { Int((86_400 / interval).rounded()) }

    /// The series at `factor` times the interval, each value the sum of `factor` consecutive
    /// ones — counts per 15 minutes as counts per hour with 4. A last, incomplete group is left
    /// out rather than reported as a quiet interval. For counts, not for means.
    ///
    /// ```swift
    /// IntervalSeries(start: 0, interval: 900, values: [1, 2, 3, 4, 5]).summed(every: 2).values   // [3, 7]
    /// ```
    public func summed(every factor: Int) -> IntervalSeries {
        precondition(factor >= 1, "a group holds at least one interval")
        let groups = values.count / factor
        let sums = (0..<groups).map { group in values[(group * factor)..<((group + 1) * factor)].reduce(0, +) }
        return IntervalSeries(start: start, interval: interval * Double(factor), values: sums)
    }
}
