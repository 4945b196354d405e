/// A queue's forecast for the intervals after its history: a point and prediction bounds per
/// interval, the method the backtest chose, and the backtest every candidate was scored on — all
/// a CLI or report needs to print a table, CSV or JSON, or chart forecast against actual.
public struct Forecast: Sendable, Hashable, Codable {
    /// The method that produced the points: the candidate with the lowest backtest WAPE.
    public var method: ForecastMethod
    /// The first forecast interval's start, seconds since 1970 UTC (the history's end).
    public var start: Double
    /// The interval length in seconds.
    public var interval: Double
    /// One point per forecast interval, in order.
    public var points: [ForecastPoint]
    /// The smoothing weights fitted to the whole history, for a Holt–Winters method.
    public var parameters: HoltWinters.Parameters?
    /// How every candidate did over the backtest window.
    public var backtest: Backtest

    /// Creates a forecast.
    public init(
        method: ForecastMethod, start: Double, interval: Double, points: [ForecastPoint],
        parameters: HoltWinters.Parameters?, backtest: Backtest
    ) {
        self.method = method
        self.start = start
        self.interval = interval
        self.points = points
        self.parameters = parameters
        self.backtest = backtest
    }

    /// The point forecasts as a series, the input staffing takes.
    public var series: IntervalSeries {
        IntervalSeries(start: start, interval: interval, values: points.map(\.value))
    }
}

/// The forecast for one interval.
public struct ForecastPoint: Sendable, Hashable, Codable {
    /// The interval's start, seconds since 1970 UTC.
    public var start: Double
    /// The point forecast (never negative).
    public var value: Double
    /// Prediction bounds, one per configured level (80% and 95% by default), narrowest first.
    public var bounds: [PredictionBounds]

    /// Creates a point.
    public init(start: Double, value: Double, bounds: [PredictionBounds]) {
        self.start = start
        self.value = value
        self.bounds = bounds
    }

    /// The bounds at `level` (0.8 for 80%), if they were computed.
    public func bounds(at level: Double) -> PredictionBounds? {
        bounds.first { abs($0.level - level) < 1e-9 }
    }
}

/// A prediction interval: the actual count is expected within [lower, upper] with probability
/// `level`.
public struct PredictionBounds: Sendable, Hashable, Codable {
    /// The nominal coverage, such as 0.8.
    public var level: Double
    /// The lower bound (never negative).
    public var lower: Double
    /// The upper bound.
    public var upper: Double

    /// Creates bounds.
    public init(level: Double, lower: Double, upper: Double) {
        self.level = level
        self.lower = lower
        self.upper = upper
    }
}

/// A rolling-origin backtest: from each origin (the start of each of the last days of the
/// history) every candidate forecasts the horizon from what came before, and is scored against
/// what happened.
public struct Backtest: Sendable, Hashable, Codable {
    /// The origins' times, seconds since 1970 UTC, oldest first.
    public var origins: [Double]
    /// How many intervals each origin forecasts.
    public var horizon: Int
    /// MASE's scale: the weekly seasonal-naive mean absolute error over the history before the
    /// first origin; nil when that history is shorter than a week and a day's interval.
    public var scale: Double?
    /// Every candidate's scores, best first.
    public var scores: [BacktestScore]
    /// Candidates that could not be scored, with why.
    public var unavailable: [UnavailableMethod]
    /// The chosen method's forecasts over the window: each day as forecast from its origin (the
    /// first day of each horizon), for charting forecast against actual.
    public var forecasts: IntervalSeries

    /// Creates a backtest record.
    public init(
        origins: [Double], horizon: Int, scale: Double?, scores: [BacktestScore],
        unavailable: [UnavailableMethod], forecasts: IntervalSeries
    ) {
        self.origins = origins
        self.horizon = horizon
        self.scale = scale
        self.scores = scores
        self.unavailable = unavailable
        self.forecasts = forecasts
    }

    /// The score of `method`, if it was scored.
    public func score(of method: ForecastMethod) -> BacktestScore? {
        scores.first { $0.method == method }
    }
}

/// One candidate's accuracy over a backtest.
public struct BacktestScore: Sendable, Hashable, Codable {
    /// The candidate.
    public var method: ForecastMethod
    /// Σ|error| / Σ actual over every origin and horizon step; nil when every actual was 0.
    public var wape: Double?
    /// Mean absolute error over the backtest's scale; nil without a scale.
    public var mase: Double?
    /// The mean absolute error per interval, in arrivals.
    public var meanAbsoluteError: Double
    /// The mean error (actual − forecast) per interval: above 0, the method forecast too few.
    public var bias: Double
    /// How many (origin, step) pairs were scored.
    public var count: Int
    /// For Holt–Winters, the weights fitted to the history before the first origin (kept for
    /// the whole window, while the state follows the data).
    public var parameters: HoltWinters.Parameters?

    /// Creates a score.
    public init(
        method: ForecastMethod, wape: Double?, mase: Double?, meanAbsoluteError: Double, bias: Double, count: Int,
        parameters: HoltWinters.Parameters?
    ) {
        self.method = method
        self.wape = wape
        self.mase = mase
        self.meanAbsoluteError = meanAbsoluteError
        self.bias = bias
        self.count = count
        self.parameters = parameters
    }
}

/// A candidate left out of a backtest.
public struct UnavailableMethod: Sendable, Hashable, Codable {
    /// The candidate.
    public var method: ForecastMethod
    /// Why, e.g. the days of history it needs before the first origin.
    public var reason: String

    /// Creates a record.
    public init(method: ForecastMethod, reason: String) {
        self.method = method
        self.reason = reason
    }
}
