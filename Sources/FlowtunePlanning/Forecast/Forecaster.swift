import Foundation

/// Forecasts one queue's arrivals per interval (15, 30 or 60 minutes, or a day) from its
/// history, choosing the method by a rolling-origin backtest.
///
/// For each of the last `backtestDays` days (the origins), every candidate forecasts the next
/// `horizon` intervals from the history before that day; the candidate with the lowest WAPE over
/// all origins wins (ties go to the lower MASE, then to the earlier candidate — baselines come
/// first). Holt–Winters weights are fitted once, to the history before the first origin, and
/// kept through the window while the model's state follows the data; the winner is then refitted
/// to the whole history for the forecast itself. By default the weights are fitted to the
/// in-sample error of the horizon's forecasts from each day's start (`.horizon`), not to the
/// one-step error: on intraday counts the one-step optimum is a level that follows the last few
/// intervals, which tomorrow's forecast pays for (see `Fitting`).
///
/// Prediction bounds come from the winner's backtest errors: each error is divided by
/// √(forecast + 1) — the spread of a count grows with its mean, as a Poisson count's does, and
/// the 1 keeps night intervals forecast at zero from getting zero width — and the empirical
/// quantiles of these scaled errors, pooled over every origin and step, are scaled back by each
/// new forecast's √(forecast + 1). Lower bounds are clamped at zero, as are point forecasts.
///
/// The series is taken as consecutive intervals: a daily cycle is `intervalsPerDay` intervals,
/// whatever the calendar says. Build the series in the queue's local time if its days follow a
/// local clock, so that a change to or from summer time does not shift the daily profile by an
/// hour.
///
/// ```swift
/// let history = IntervalSeries(counting: arrivals, start: monday, interval: 900, count: 56 * 96)
/// let forecast = try Forecaster().forecast(history)
/// forecast.method                        // e.g. .holtWintersMultiplicative
/// forecast.points[40].value              // arrivals expected 10:00–10:15 tomorrow
/// forecast.points[40].bounds(at: 0.8)    // and the 80% prediction interval
/// forecast.backtest.scores               // every candidate's WAPE and MASE
/// ```
public struct Forecaster: Sendable {
    /// What to forecast and how to choose.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Intervals to forecast; nil for one day.
        public var horizon: Int?
        /// Days at the history's end the candidates are backtested over.
        public var backtestDays: Int
        /// Days of history kept before the first origin at least; the window shrinks to leave
        /// them. Candidates that need more are left out.
        public var minimumTrainingDays: Int
        /// The methods to choose from.
        public var candidates: [ForecastMethod]
        /// The coverage levels of the prediction bounds.
        public var levels: [Double]
        /// What the multiplicative model adds to each count before smoothing (see `HoltWinters`).
        public var multiplicativeOffset: Double
        /// Whether the Holt–Winters models carry a trend. Off by default: a day-ahead forecast from
        /// 8 weeks gains nothing from a fitted slope and loses when noise passes for one.
        public var trend: Bool
        /// What the Holt–Winters weights are fitted to.
        public var fitting: Fitting
        /// The cap on objective evaluations per Holt–Winters fit.
        public var maxEvaluations: Int

        /// A configuration; the defaults forecast one day from a 20-day backtest of every method,
        /// with 80% and 95% bounds.
        public init(
            horizon: Int? = nil, backtestDays: Int = 20, minimumTrainingDays: Int = 14,
            candidates: [ForecastMethod] = ForecastMethod.allCases, levels: [Double] = [0.8, 0.95],
            multiplicativeOffset: Double = 1, trend: Bool = false, fitting: Fitting = .horizon,
            maxEvaluations: Int = 600
        ) {
            self.horizon = horizon
            self.backtestDays = backtestDays
            self.minimumTrainingDays = minimumTrainingDays
            self.candidates = candidates
            self.levels = levels
            self.multiplicativeOffset = multiplicativeOffset
            self.trend = trend
            self.fitting = fitting
            self.maxEvaluations = maxEvaluations
        }
    }

    /// What Holt–Winters weights are fitted to.
    public enum Fitting: String, Sendable, Hashable, Codable {
        /// The sum of squared one-step errors (the textbook criterion).
        case oneStep = "one-step"
        /// The sum of squared errors of the horizon's forecasts made from the start of each day in
        /// the history — what the backtest scores.
        case horizon
    }

    /// How forecasts are made and chosen.
    public var configuration: Configuration

    /// A forecaster with `configuration`.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The Holt–Winters model `method` stands for at this interval length: a daily and a weekly
    /// cycle for intraday intervals, a weekly cycle alone for daily ones.
    public func model(_ method: ForecastMethod, intervalsPerDay: Int) -> HoltWinters? {
        let periods = intervalsPerDay > 1 ? [intervalsPerDay, 7 * intervalsPerDay] : [7]
        switch method {
        case .holtWintersAdditive:
            return HoltWinters(seasonality: .additive, periods: periods, trend: configuration.trend)
        case .holtWintersMultiplicative:
            return HoltWinters(
                seasonality: .multiplicative, periods: periods, trend: configuration.trend,
                offset: configuration.multiplicativeOffset)
        default:
            return nil
        }
    }

    /// The forecast for the intervals after `history`, by the method the backtest picks.
    ///
    /// Throws when the interval does not divide a day, a value is negative or not finite, or the
    /// history is too short for one day of backtest after `minimumTrainingDays`.
    public func forecast(_ history: IntervalSeries) throws -> Forecast {
        let perDay = try Self.validate(history)
        let values = history.values
        let n = values.count
        let horizon = configuration.horizon ?? perDay
        guard horizon >= 1 else { throw ForecastError("The horizon is at least one interval; it is \(horizon)") }
        guard !configuration.candidates.isEmpty else { throw ForecastError("No forecasting method to choose from") }
        if let level = configuration.levels.first(where: { !($0 > 0 && $0 < 1) }) {
            throw ForecastError("A prediction level is a share between 0 and 1, such as 0.8; \(level) is not")
        }
        let days = min(configuration.backtestDays, n / perDay - configuration.minimumTrainingDays)
        guard days >= 1 else {
            throw ForecastError(
                "The history holds \(n / perDay) whole days; a backtest needs \(configuration.minimumTrainingDays) days of history and at least one more day to test on")
        }
        let origins = (0..<days).map { n - (days - $0) * perDay }
        let training = origins[0]
        let scale = ForecastAccuracy.seasonalNaiveScale(values[0..<training], lag: 7 * perDay)

        var runs: [Run] = []
        var unavailable: [UnavailableMethod] = []
        for method in configuration.candidates where !runs.contains(where: { $0.method == method }) {
            guard training >= method.minimumDays * perDay else {
                unavailable.append(UnavailableMethod(
                    method: method,
                    reason: "needs \(method.minimumDays) days before the first origin; the history has \(training / perDay)"))
                continue
            }
            runs.append(try backtest(method, values: values, origins: origins, horizon: horizon, perDay: perDay))
        }

        guard !runs.isEmpty else {
            throw ForecastError(
                "No method can be backtested on this history: " + unavailable.map { "\($0.method.rawValue) \($0.reason)" }.joined(separator: "; "))
        }
        var scores = runs.map { $0.score(scale: scale) }
        let order = scores.indices.sorted { Self.better(scores[$0], scores[$1], $0, $1) }
        scores = order.map { scores[$0] }
        let winner = runs[order[0]]

        let (points, parameters) = try finalForecast(
            winner.method, values: values, horizon: horizon, perDay: perDay)
        let quantiles = configuration.levels.sorted().map { level in
            (level, Self.quantile(winner.scaledErrors, (1 - level) / 2), Self.quantile(winner.scaledErrors, (1 + level) / 2))
        }
        let forecastPoints = points.enumerated().map { k, value in
            let spread = (value + 1).squareRoot()
            return ForecastPoint(
                start: history.time(ofInterval: n + k), value: value,
                bounds: quantiles.map { level, low, high in
                    let lower = max(0, value + low * spread)
                    return PredictionBounds(level: level, lower: lower, upper: max(lower, value + high * spread))
                })
        }
        let window = IntervalSeries(
            start: history.time(ofInterval: training), interval: history.interval, values: winner.windowForecasts)
        let backtest = Backtest(
            origins: origins.map(history.time(ofInterval:)), horizon: horizon, scale: scale, scores: scores,
            unavailable: unavailable, forecasts: window)
        return Forecast(
            method: winner.method, start: history.time(ofInterval: n), interval: history.interval,
            points: forecastPoints, parameters: parameters, backtest: backtest)
    }

    /// One method's forecasts over the backtest origins.
    struct Run {
        var method: ForecastMethod
        var actual: [Double] = []
        var predicted: [Double] = []
        /// (actual − forecast) / √(forecast + 1) per scored pair.
        var scaledErrors: [Double] = []
        /// The first day of each origin's forecasts, end to end.
        var windowForecasts: [Double] = []
        var parameters: HoltWinters.Parameters?

        mutating func record(forecast: [Double], from origin: Int, values: [Double], perDay: Int) {
            let end = min(origin + forecast.count, values.count)
            for (k, t) in (origin..<end).enumerated() {
                actual.append(values[t])
                predicted.append(forecast[k])
                scaledErrors.append((values[t] - forecast[k]) / (forecast[k] + 1).squareRoot())
            }
            windowForecasts.append(contentsOf: forecast.prefix(perDay))
        }

        func score(scale: Double?) -> BacktestScore {
            var absolute = 0.0
            var signed = 0.0
            for (y, f) in zip(actual, predicted) {
                absolute += abs(y - f)
                signed += y - f
            }
            let count = Double(max(actual.count, 1))
            return BacktestScore(
                method: method, wape: ForecastAccuracy.wape(actual: actual, forecast: predicted),
                mase: scale.flatMap { ForecastAccuracy.mase(actual: actual, forecast: predicted, scale: $0) },
                meanAbsoluteError: absolute / count, bias: signed / count, count: actual.count,
                parameters: parameters)
        }
    }

    /// Forecasts from every origin with `method`, from the history before each.
    func backtest(_ method: ForecastMethod, values: [Double], origins: [Int], horizon: Int, perDay: Int) throws -> Run {
        var run = Run(method: method)
        if let model = model(method, intervalsPerDay: perDay) {
            let fit = try model.fit(
                Array(values[0..<origins[0]]), criterion: criterion(horizon: horizon, perDay: perDay),
                maxEvaluations: configuration.maxEvaluations)
            run.parameters = fit.parameters
            var state = fit.final
            for origin in origins {
                state = model.smooth(values[state.time..<origin], from: state, parameters: fit.parameters).state
                run.record(
                    forecast: model.forecast(from: state, horizon: horizon).map { max(0, $0) }, from: origin,
                    values: values, perDay: perDay)
            }
        } else {
            for origin in origins {
                run.record(
                    forecast: Self.baseline(method, values[0..<origin], horizon: horizon, perDay: perDay), from: origin,
                    values: values, perDay: perDay)
            }
        }
        return run
    }

    /// The chosen method's forecast from the whole history, with Holt–Winters refitted to it.
    func finalForecast(_ method: ForecastMethod, values: [Double], horizon: Int, perDay: Int) throws
        -> ([Double], HoltWinters.Parameters?)
    {
        guard let model = model(method, intervalsPerDay: perDay) else {
            return (Self.baseline(method, values[...], horizon: horizon, perDay: perDay), nil)
        }
        let fit = try model.fit(
            values, criterion: criterion(horizon: horizon, perDay: perDay), maxEvaluations: configuration.maxEvaluations)
        return (fit.forecast(horizon).map { max(0, $0) }, fit.parameters)
    }

    func criterion(horizon: Int, perDay: Int) -> HoltWinters.FitCriterion {
        switch configuration.fitting {
        case .oneStep: .oneStep
        case .horizon: .ahead(horizon: horizon, every: perDay)
        }
    }

    static func baseline(_ method: ForecastMethod, _ values: ArraySlice<Double>, horizon: Int, perDay: Int) -> [Double] {
        switch method {
        case .sameIntervalYesterday:
            SeasonalNaive.forecast(values, lag: perDay, horizon: horizon)
        case .sameIntervalLastWeek:
            SeasonalNaive.forecast(values, lag: 7 * perDay, horizon: horizon)
        case .meanOfLastFourWeekdays:
            SeasonalNaive.meanOfLastSeasons(values, season: 7 * perDay, seasons: 4, horizon: horizon)
        case .holtWintersAdditive, .holtWintersMultiplicative:
            preconditionFailure("\(method) is not a baseline")
        }
    }

    /// Lower WAPE first; then lower MASE; then the earlier candidate. A missing score loses.
    static func better(_ a: BacktestScore, _ b: BacktestScore, _ i: Int, _ j: Int) -> Bool {
        func compare(_ x: Double?, _ y: Double?) -> Bool? {
            switch (x, y) {
            case let (x?, y?) where x != y: x < y
            case (.some, nil): true
            case (nil, .some): false
            default: nil
            }
        }
        return compare(a.wape, b.wape) ?? compare(a.mase, b.mase) ?? (i < j)
    }

    /// The intervals per day of `history`, after checking that its interval divides a day and its
    /// values are counts.
    static func validate(_ history: IntervalSeries) throws -> Int {
        let perDay = 86_400 / history.interval
        guard perDay >= 1, perDay == perDay.rounded() else {
            throw ForecastError(
                "An interval of \(history.interval) seconds does not divide a day; use 15, 30 or 60 minutes or a day")
        }
        if let bad = history.values.firstIndex(where: { !$0.isFinite || $0 < 0 }) {
            throw ForecastError(
                "Interval \(bad) (starting \(Date(timeIntervalSince1970: history.time(ofInterval: bad)))) holds \(history.values[bad]); a count is finite and not negative")
        }
        return Int(perDay)
    }

    /// The `p` quantile of `values` by linear interpolation between order statistics
    /// (Hyndman–Fan type 7, as numpy's default); 0 for no values.
    static func quantile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let h = Double(sorted.count - 1) * min(max(p, 0), 1)
        let low = Int(h.rounded(.down))
        let high = min(low + 1, sorted.count - 1)
        return sorted[low] + (h - Double(low)) * (sorted[high] - sorted[low])
    }
}
