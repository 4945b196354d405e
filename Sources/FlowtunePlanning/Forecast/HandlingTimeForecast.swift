import Foundation

/// Handling times observed per interval — how many tasks were handled, their total and their
/// sum of squared seconds — the history a handling-time forecast is made from.
///
/// ```swift
/// var history = HandlingTimeHistory(start: monday, interval: 900, count: 28 * 96)
/// history.add(seconds: 310, at: monday + 9 * 3600)   // a task handled in 310 s, started 09:00
/// ```
public struct HandlingTimeHistory: Sendable, Hashable, Codable {
    /// The first interval's start, seconds since 1970 UTC.
    public var start: Double
    /// The interval length in seconds.
    public var interval: Double
    /// Tasks handled per interval.
    public var counts: [Double]
    /// Their handling seconds, summed per interval.
    public var totals: [Double]
    /// Their squared handling seconds, summed per interval.
    public var squares: [Double]

    /// An empty history of `count` intervals from `start`.
    public init(start: Double, interval: Double, count: Int) {
        precondition(interval > 0, "an interval is longer than zero")
        self.start = start
        self.interval = interval
        counts = Array(repeating: 0, count: count)
        totals = counts
        squares = counts
    }

    /// A history of `count` intervals from `start` holding `observations` (when each task was
    /// handled, and for how many seconds); those outside the span are left out.
    public init(
        observations: some Sequence<(time: Double, seconds: Double)>, start: Double, interval: Double, count: Int
    ) {
        self.init(start: start, interval: interval, count: count)
        for observation in observations { add(seconds: observation.seconds, at: observation.time) }
    }

    /// Records one task handled in `seconds` at `time`; ignored outside the span.
    public mutating func add(seconds: Double, at time: Double) {
        let index = ((time - start) / interval).rounded(.down)
        guard index >= 0, index < Double(counts.count) else { return }
        let i = Int(index)
        counts[i] += 1
        totals[i] += seconds
        squares[i] += seconds * seconds
    }

    /// How many intervals the history covers.
    public var count: Int { counts.count }
}

/// Forecasts the mean handling time per interval as a seasonal mean per slot of the day, weighted
/// towards recent weeks and shrunk towards the overall mean where a slot has few observations.
///
/// A slot's estimate is Z·(its weighted mean) + (1 − Z)·(the overall weighted mean), with
/// credibility Z = W / (W + κ): W is the slot's recency-weighted number of observations and κ the
/// Bühlmann–Straub ratio of the variance within slots to the variance between slot means, both
/// estimated from the history. A slot seen thousands of times keeps its own mean; the 3 a.m. slot
/// with four tasks leans on the overall mean; and when slots do not differ by more than their
/// noise (κ infinite) every slot gets the overall mean. Slots are of the day, not of the week:
/// handling time moves with the time of day (the night shift, the evening mix) far more than
/// with the weekday, and a weekly slot would hold a seventh of the data.
///
/// ```swift
/// let forecast = try HandlingTimeForecaster().forecast(history, horizon: 96)
/// forecast.points[40].seconds       // mean handling time expected 10:00–10:15 tomorrow
/// forecast.points[40].credibility   // how much of it is that slot's own history
/// ```
public struct HandlingTimeForecaster: Sendable {
    /// How observations are weighted and shrunk.
    public struct Configuration: Sendable, Hashable, Codable {
        /// After how many days an observation counts half; nil weighs all the history alike.
        public var halfLifeDays: Double?
        /// The credibility constant κ in observations; nil to estimate it from the history.
        public var priorObservations: Double?

        /// A configuration: a four-week half-life and κ from the data by default.
        public init(halfLifeDays: Double? = 28, priorObservations: Double? = nil) {
            self.halfLifeDays = halfLifeDays
            self.priorObservations = priorObservations
        }
    }

    /// How observations are weighted and shrunk.
    public var configuration: Configuration

    /// A forecaster with `configuration`.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The mean handling time for each of the `horizon` intervals after `history` (one day when
    /// nil). Throws when the interval does not divide a day or the history holds no observation.
    public func forecast(_ history: HandlingTimeHistory, horizon: Int? = nil) throws -> HandlingTimeForecast {
        let perDayExact = 86_400 / history.interval
        guard perDayExact >= 1, perDayExact == perDayExact.rounded() else {
            throw ForecastError("An interval of \(history.interval) seconds does not divide a day")
        }
        let perDay = Int(perDayExact)
        let n = history.count
        guard history.counts.contains(where: { $0 > 0 }) else {
            throw ForecastError("The handling-time history holds no observation to forecast from")
        }
        if let bad = history.counts.indices.first(where: {
            !(history.counts[$0] >= 0) || !history.totals[$0].isFinite || history.totals[$0] < 0
        }) {
            throw ForecastError("Interval \(bad) of the handling-time history holds a negative or non-finite value")
        }

        // Recency-weighted sums per slot of the day, for the means.
        var weight = [Double](repeating: 0, count: perDay)
        var total = [Double](repeating: 0, count: perDay)
        // Unweighted sums per slot, for the variance components (decay would bias their degrees
        // of freedom, and κ is a property of the process, not of the recent weeks).
        var rawCount = [Double](repeating: 0, count: perDay)
        var rawTotal = [Double](repeating: 0, count: perDay)
        var rawSquares = [Double](repeating: 0, count: perDay)
        let decay = configuration.halfLifeDays.map { 1 / ($0 * Double(perDay)) }
        for t in 0..<n where history.counts[t] > 0 {
            let slot = t % perDay
            let w = decay.map { exp2(-Double(n - 1 - t) * $0) } ?? 1
            weight[slot] += w * history.counts[t]
            total[slot] += w * history.totals[t]
            rawCount[slot] += history.counts[t]
            rawTotal[slot] += history.totals[t]
            rawSquares[slot] += history.squares[t]
        }
        let overall = total.reduce(0, +) / weight.reduce(0, +)
        let kappa = configuration.priorObservations
            ?? Self.credibilityConstant(counts: rawCount, totals: rawTotal, squares: rawSquares)

        let estimates = (0..<perDay).map { slot -> (Double, Double, Double) in
            guard weight[slot] > 0 else { return (overall, 0, 0) }
            let z = kappa.isFinite ? weight[slot] / (weight[slot] + kappa) : 0
            return (z * total[slot] / weight[slot] + (1 - z) * overall, weight[slot], z)
        }
        let steps = horizon ?? perDay
        let points = (0..<steps).map { k in
            let (seconds, observations, z) = estimates[(n + k) % perDay]
            return HandlingTimePoint(
                start: history.start + Double(n + k) * history.interval, seconds: seconds,
                observations: observations, credibility: z)
        }
        return HandlingTimeForecast(
            start: history.start + Double(n) * history.interval, interval: history.interval, overallMean: overall,
            priorObservations: kappa, points: points)
    }

    /// Bühlmann–Straub's κ = σ² / τ² from per-slot counts, totals and squares: σ² the pooled
    /// variance within slots, τ² the variance of the slot means beyond what σ² explains. Infinite
    /// when τ² is not positive (slots indistinguishable from noise); 0 when there is no variance
    /// within slots to speak of.
    public static func credibilityConstant(counts: [Double], totals: [Double], squares: [Double]) -> Double {
        let slots = counts.indices.filter { counts[$0] > 0 }
        let n = slots.reduce(0) { $0 + counts[$1] }
        guard slots.count >= 2, n > 0 else { return .infinity }
        let mean = slots.reduce(0) { $0 + totals[$1] } / n
        var within = 0.0
        var freedom = 0.0
        var between = 0.0
        var squaredCounts = 0.0
        for j in slots {
            let slotMean = totals[j] / counts[j]
            within += max(0, squares[j] - totals[j] * slotMean)
            freedom += counts[j] - 1
            between += counts[j] * (slotMean - mean) * (slotMean - mean)
            squaredCounts += counts[j] * counts[j]
        }
        guard freedom > 0 else { return .infinity }
        let sigma2 = within / freedom
        let tau2 = (between - Double(slots.count - 1) * sigma2) / (n - squaredCounts / n)
        guard tau2 > 0 else { return .infinity }
        return sigma2 / tau2
    }
}

/// A handling-time forecast per interval.
public struct HandlingTimeForecast: Sendable, Hashable, Codable {
    /// The first forecast interval's start, seconds since 1970 UTC.
    public var start: Double
    /// The interval length in seconds.
    public var interval: Double
    /// The recency-weighted mean over the whole history, in seconds: what slots shrink towards.
    public var overallMean: Double
    /// The credibility constant κ used (infinite: every slot took the overall mean).
    public var priorObservations: Double
    /// One estimate per forecast interval.
    public var points: [HandlingTimePoint]

    /// Creates a forecast.
    public init(
        start: Double, interval: Double, overallMean: Double, priorObservations: Double, points: [HandlingTimePoint]
    ) {
        self.start = start
        self.interval = interval
        self.overallMean = overallMean
        self.priorObservations = priorObservations
        self.points = points
    }

    /// The mean handling seconds per interval as a series, the input staffing takes.
    public var series: IntervalSeries {
        IntervalSeries(start: start, interval: interval, values: points.map(\.seconds))
    }

    // κ can be infinite, which JSON cannot hold: it is written as null.
    enum CodingKeys: String, CodingKey {
        case start, interval, overallMean, priorObservations, points
    }

    /// Reads a forecast; a missing or null κ is infinite.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        start = try container.decode(Double.self, forKey: .start)
        interval = try container.decode(Double.self, forKey: .interval)
        overallMean = try container.decode(Double.self, forKey: .overallMean)
        priorObservations = try container.decodeIfPresent(Double.self, forKey: .priorObservations) ?? .infinity
        points = try container.decode([HandlingTimePoint].self, forKey: .points)
    }

    /// Writes the forecast, an infinite κ as no value.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(start, forKey: .start)
        try container.encode(interval, forKey: .interval)
        try container.encode(overallMean, forKey: .overallMean)
        try container.encodeIfPresent(priorObservations.isFinite ? priorObservations : nil, forKey: .priorObservations)
        try container.encode(points, forKey: .points)
    }
}

/// The handling-time forecast for one interval.
public struct HandlingTimePoint: Sendable, Hashable, Codable {
    /// The interval's start, seconds since 1970 UTC.
    public var start: Double
    /// The expected mean handling time, in seconds.
    public var seconds: Double
    /// The recency-weighted observations of this slot of the day behind it.
    public var observations: Double
    /// The weight Z its slot's own mean got against the overall mean, in [0, 1].
    public var credibility: Double

    /// Creates a point.
    public init(start: Double, seconds: Double, observations: Double, credibility: Double) {
        self.start = start
        self.seconds = seconds
        self.observations = observations
        self.credibility = credibility
    }
}
