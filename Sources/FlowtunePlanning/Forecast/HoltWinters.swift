/// Holt–Winters exponential smoothing with one or two seasonal cycles: the double-seasonal form of
/// Taylor (2003) for intraday data — a daily cycle (96 slots at 15 minutes) inside a weekly one
/// (672 slots) — and the classic single-season form for daily data or a quick check.
///
/// The components are a level, an optional additive trend, a daily seasonal index per slot of
/// the day and a weekly index per slot of the week, combined additively (ŷ = ℓ + b + d + w) or
/// multiplicatively (ŷ = (ℓ + b)·d·w). Two cycles rather than one weekly cycle of 7 × 96
/// indices, because the shape of a day is then learnt from every day rather than once a week; the
/// weekly index carries what differs by weekday (a quiet Saturday, a busy Monday morning).
///
/// The updates are in error-correction form, with e = y − ŷ and the seasonal indices corrected
/// from the previous level, as statsmodels' `ExponentialSmoothing` and Hyndman et al. write them
/// (Taylor's paper uses the new level; the two differ by a term in α·γ). Additively:
///
///     ℓ ← ℓ + b + α·e      b ← b + β·(ℓ_new − ℓ − b)      d ← d + γ·e      w ← w + ω·e
///
/// With a single cycle (`periods.count == 1`) these are exactly statsmodels' additive-trend,
/// additive-season equations. Multiplicatively, the seasonal indices follow statsmodels'
/// `seasonal="mul"`: d ← γ·y/((ℓ+b)·w) + (1−γ)·d, w ← ω·y/((ℓ+b)·d) + (1−ω)·w; but the level is
/// corrected by the error in arrivals, ℓ ← ℓ + b + α·e, not by the seasonally adjusted value
/// (the textbook ℓ ← α·y/(d·w) + (1−α)(ℓ+b)). For counts this matters: the textbook level settles
/// on the mean of y/(d·w), in which a single 3 a.m. arrival divided by a tiny night index weighs
/// as much as a busy hour, so the level (and with it the next day) jumps with the night's noise;
/// the error form settles on Σy / Σ(d·w), the Poisson maximum-likelihood level, to which every
/// interval contributes in proportion to its volume. The gain is capped at 1/(d·w), the textbook
/// model's full correction, which keeps a large α stable at peak slots.
///
/// Multiplicative seasonality and zero counts: a night with no arrivals drives a multiplicative
/// index towards zero, and the next arrival then divides by it. The model therefore runs on
/// y + `offset` (one arrival by default) and subtracts the offset from its forecasts: indices stay
/// positive and a night arrival moves them by a bounded factor, while for busy intervals the
/// offset is negligible.
///
/// ```swift
/// let model = HoltWinters(seasonality: .multiplicative, periods: [96, 672], trend: false)
/// let fit = try model.fit(history.values, criterion: .ahead(horizon: 96, every: 96))
/// let tomorrow = fit.forecast(96)
/// ```
public struct HoltWinters: Sendable, Hashable, Codable {
    /// How the seasonal indices combine with the level.
    public enum Seasonality: String, Sendable, Hashable, Codable, CaseIterable {
        /// ŷ = ℓ + b + d + w: seasonal swings of a fixed size.
        case additive
        /// ŷ = (ℓ + b)·d·w: seasonal swings that grow with the level.
        case multiplicative
    }

    /// The smoothing weights, each in [0, 1].
    public struct Parameters: Sendable, Hashable, Codable {
        /// Level.
        public var alpha: Double
        /// Trend; unused without a trend.
        public var beta: Double
        /// The first (daily) seasonal cycle.
        public var gamma: Double
        /// The second (weekly) seasonal cycle; unused with one cycle.
        public var omega: Double

        /// Weights for the level, trend and the two seasonal cycles.
        public init(alpha: Double, beta: Double = 0, gamma: Double, omega: Double = 0) {
            self.alpha = alpha
            self.beta = beta
            self.gamma = gamma
            self.omega = omega
        }
    }

    /// The model's components after some observations — what a forecast is made from.
    public struct State: Sendable, Hashable, Codable {
        /// The level ℓ (on the offset scale for a multiplicative model).
        public var level: Double
        /// The trend b per interval; 0 without a trend.
        public var trend: Double
        /// One array per seasonal cycle, indexed by slot: interval `t` uses slot `t % period`.
        public var seasonals: [[Double]]
        /// How many observations the state has taken in: the index of the next interval.
        public var time: Int

        /// A state from its components; `seasonals[k][j]` is the index of slot j of cycle k as
        /// it stands before interval `time`.
        public init(level: Double, trend: Double = 0, seasonals: [[Double]], time: Int = 0) {
            self.level = level
            self.trend = trend
            self.seasonals = seasonals
            self.time = time
        }
    }

    /// What the smoothing weights are fitted to.
    public enum FitCriterion: Sendable, Hashable, Codable {
        /// The sum of squared one-step errors over the whole history: the textbook criterion,
        /// statsmodels' `fit()`.
        case oneStep
        /// The sum of squared errors of the forecasts for the next `horizon` intervals made from
        /// every `every`-th interval (at or below zero counted as zero, as they are used), after
        /// the cycles the initial state was estimated from — the error of the forecasts the model
        /// is wanted for. One-step errors reward a level that chases the last hour, which a
        /// forecast for tomorrow pays for.
        case ahead(horizon: Int, every: Int)
    }

    /// Additive or multiplicative seasonal indices.
    public var seasonality: Seasonality
    /// The seasonal cycle lengths in intervals: one (`[7]`, `[96]`) or two, the second a multiple
    /// of the first (`[96, 672]`).
    public var periods: [Int]
    /// Whether the model has an additive trend.
    public var trend: Bool
    /// What a multiplicative model adds to every value before smoothing (see the type's notes).
    public var offset: Double
    /// How many cycles of the longest period the initial state is estimated from, at most.
    public var initialCycles: Int

    /// A model; `periods` holds one cycle length or two (the second a multiple of the first).
    public init(
        seasonality: Seasonality, periods: [Int], trend: Bool = true, offset: Double = 1, initialCycles: Int = 3
    ) {
        precondition(periods.count == 1 || periods.count == 2, "one or two seasonal cycles")
        precondition(periods.allSatisfy { $0 >= 1 }, "a seasonal cycle has at least one slot")
        precondition(periods.count == 1 || periods[1] % periods[0] == 0, "the second cycle is whole first cycles")
        precondition(offset >= 0 && initialCycles >= 1)
        self.seasonality = seasonality
        self.periods = periods
        self.trend = trend
        self.offset = seasonality == .multiplicative ? offset : 0
        self.initialCycles = initialCycles
    }

    /// The longest cycle: the history needs two of them for a fit.
    public var longestPeriod: Int { periods.max()! }

    // MARK: Initial state

    /// A starting state estimated from the first `cycles` cycles of the longest period in
    /// `values` (by default `initialCycles`, or as many as the values hold, at least one).
    ///
    /// Each value is taken relative to its cycle's mean (less it, or over it). The level is the
    /// first cycle's mean, moved back half a cycle along the trend; the trend is the change
    /// between the first and last cycles' means per interval; the daily index is the mean per
    /// slot of the day. With a weekly cycle, the weekly index is each weekday's mean of what the
    /// daily index leaves plus each slot's own deviation from it, shrunk by how much of that
    /// deviation is more than noise (see `weeklyIndices`), so the first weeks' noise is not frozen
    /// into 672 separate slots while a Saturday unlike the weekdays keeps its shape.
    public func initialState(for values: [Double], cycles: Int? = nil) throws -> State {
        let cycle = longestPeriod
        let cycles = min(values.count / cycle, cycles ?? initialCycles)
        guard cycles >= 1 else {
            throw ForecastError(
                "Holt–Winters needs at least one full cycle of \(cycle) intervals to start from; the history has \(values.count)")
        }
        let multiplicative = seasonality == .multiplicative
        let shifted = values.prefix(cycles * cycle).map { $0 + offset }
        var means = [Double]()
        for c in 0..<cycles {
            means.append(shifted[(c * cycle)..<((c + 1) * cycle)].reduce(0, +) / Double(cycle))
        }
        let slope = trend && cycles >= 2 ? (means[cycles - 1] - means[0]) / Double((cycles - 1) * cycle) : 0
        // The level before the first interval, so that ℓ + b·(t + 1) crosses the first cycle's
        // mean in that cycle's middle.
        let level = means[0] - slope * Double(cycle + 1) / 2
        let detrended = shifted.indices.map { t -> Double in
            let mean = means[t / cycle]
            if multiplicative { return mean > 0 ? shifted[t] / mean : 1 }
            return shifted[t] - mean
        }

        let first = periods[0]
        var sums = [Double](repeating: 0, count: first)
        for t in detrended.indices { sums[t % first] += detrended[t] }
        let perSlot = Double(detrended.count / first)
        let daily = normalised(sums.map { $0 / perSlot })
        var seasonals = [daily]
        if periods.count == 2 {
            let remainder = detrended.indices.map { t in
                multiplicative ? detrended[t] / daily[t % first] : detrended[t] - daily[t % first]
            }
            seasonals.append(normalised(Self.weeklyIndices(remainder, day: first, week: periods[1], cycles: cycles)))
        }
        return State(level: level, trend: slope, seasonals: seasonals, time: 0)
    }

    /// Indices centred on 0 (additive) or 1 (multiplicative), so the level carries the mean.
    func normalised(_ indices: [Double]) -> [Double] {
        let mean = indices.reduce(0, +) / Double(indices.count)
        guard seasonality == .multiplicative else { return indices.map { $0 - mean } }
        // An index of zero would divide by zero on the next arrival.
        return indices.map { mean > 0 ? max($0 / mean, 1e-6) : 1 }
    }

    /// The second cycle's starting indices from what the daily index leaves over `cycles` weeks:
    /// each weekday's mean, plus each slot's own deviation from it shrunk by how much of that
    /// deviation is more than noise — James–Stein, 1 − (noise variance / observed variance) per
    /// weekday, the noise measured by the spread of a slot between weeks. With one week there is
    /// no measure of noise and nothing is shrunk.
    static func weeklyIndices(_ remainder: [Double], day: Int, week: Int, cycles: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: week)
        var squares = [Double](repeating: 0, count: week)
        for t in remainder.indices {
            sums[t % week] += remainder[t]
            squares[t % week] += remainder[t] * remainder[t]
        }
        let k = Double(cycles)
        let means = sums.map { $0 / k }
        var indices = means
        for q in 0..<(week / day) {
            let slots = (q * day)..<((q + 1) * day)
            let dayMean = slots.reduce(0) { $0 + means[$1] } / Double(day)
            let observed = slots.reduce(0) { $0 + (means[$1] - dayMean) * (means[$1] - dayMean) } / Double(day)
            var shrink = 1.0
            if cycles >= 2 {
                // A slot's variance between weeks over k is the variance of its mean.
                let noise = slots.reduce(0) { $0 + max(0, squares[$1] - k * means[$1] * means[$1]) / (k - 1) / k }
                    / Double(day)
                shrink = observed > 0 ? max(0, 1 - noise / observed) : 0
            }
            for j in slots { indices[j] = dayMean + shrink * (means[j] - dayMean) }
        }
        return indices
    }

    // MARK: Smoothing

    /// Runs the model over `values` from `state`: the state after them and the sum of squared
    /// one-step errors.
    public func smooth(
        _ values: some Collection<Double>, from state: State, parameters: Parameters
    ) -> (state: State, sumOfSquaredErrors: Double) {
        smooth(values, from: state, parameters: parameters, fitted: nil)
    }

    /// `smooth`, writing each one-step forecast (on the values' scale, not clamped) to `fitted`.
    func smooth(
        _ values: some Collection<Double>, from state: State, parameters: Parameters,
        fitted: UnsafeMutableBufferPointer<Double>?
    ) -> (state: State, sumOfSquaredErrors: Double) {
        var state = state
        let sse = advance(&state, over: values, parameters: parameters, fitted: fitted)
        return (state, sse)
    }

    /// Moves `state` over `values` in place — the fitting loop calls this once a day for hundreds
    /// of trial weights, and updating the seasonal arrays in place spares a copy each time —
    /// returning the sum of squared one-step errors.
    func advance(
        _ state: inout State, over values: some Collection<Double>, parameters: Parameters,
        fitted: UnsafeMutableBufferPointer<Double>? = nil
    ) -> Double {
        let alpha = parameters.alpha
        let beta = trend ? parameters.beta : 0
        let gamma = parameters.gamma
        let two = periods.count == 2
        let omega = two ? parameters.omega : 0
        let m1 = periods[0]
        let m2 = two ? periods[1] : 1
        let multiplicative = seasonality == .multiplicative
        let offset = self.offset
        let neutral = multiplicative ? 1.0 : 0.0
        var level = state.level
        var slope = trend ? state.trend : 0
        // Take the arrays out of the state so that each has one owner and is written in place.
        var seasonals = state.seasonals
        state.seasonals = []
        var daily = seasonals[0]
        var weekly = two ? seasonals[1] : [neutral]
        seasonals = []
        var slot1 = state.time % m1
        var slot2 = state.time % m2
        var sse = 0.0
        var written = 0

        for raw in values {
            let y = raw + offset
            let base = level + slope
            let d = daily[slot1]
            let w = two ? weekly[slot2] : neutral
            let prediction: Double
            let newLevel: Double
            if multiplicative {
                // Floors keep a pathological trial (a trend driving the level below zero) from
                // turning into infinities; the optimiser sees a huge error and moves away.
                let safeBase = max(base, 1e-12)
                let season = d * w
                prediction = safeBase * season
                let error = y - prediction
                newLevel = base + error * alpha / max(1, alpha * season)
                daily[slot1] = gamma * y / max(safeBase * w, 1e-12) + (1 - gamma) * d
                if two { weekly[slot2] = omega * y / max(safeBase * d, 1e-12) + (1 - omega) * w }
            } else {
                prediction = base + d + w
                let error = y - prediction
                newLevel = base + alpha * error
                daily[slot1] = d + gamma * error
                if two { weekly[slot2] = w + omega * error }
            }
            let error = y - prediction
            sse += error * error
            if let fitted, written < fitted.count {
                fitted[written] = prediction - offset
                written += 1
            }
            slope = beta * (newLevel - level) + (1 - beta) * slope
            level = newLevel
            slot1 += 1
            if slot1 == m1 { slot1 = 0 }
            slot2 += 1
            if slot2 == m2 { slot2 = 0 }
        }
        state.level = level
        state.trend = slope
        state.seasonals = two ? [daily, weekly] : [daily]
        state.time += values.count
        return sse
    }

    /// The forecasts for the `horizon` intervals after `state`, on the values' scale and not
    /// clamped (an additive model can go below zero at night).
    public func forecast(from state: State, horizon: Int) -> [Double] {
        var out = [Double](repeating: 0, count: horizon)
        forecast(from: state, into: &out)
        return out
    }

    /// Fills `out` with the forecasts for the `out.count` intervals after `state`.
    func forecast(from state: State, into out: inout [Double]) {
        let slope = trend ? state.trend : 0
        let two = periods.count == 2
        let multiplicative = seasonality == .multiplicative
        for k in out.indices {
            let t = state.time + k
            let d = state.seasonals[0][t % periods[0]]
            let trended = state.level + Double(k + 1) * slope
            if multiplicative {
                out[k] = trended * d * (two ? state.seasonals[1][t % periods[1]] : 1) - offset
            } else {
                out[k] = trended + d + (two ? state.seasonals[1][t % periods[1]] : 0)
            }
        }
    }

    /// The one-step forecasts over `values` from `state`, with `parameters` (each forecast made
    /// before its value is seen).
    public func fittedValues(_ values: [Double], from state: State, parameters: Parameters) -> [Double] {
        var fitted = [Double](repeating: 0, count: values.count)
        fitted.withUnsafeMutableBufferPointer { buffer in
            _ = smooth(values, from: state, parameters: parameters, fitted: buffer)
        }
        return fitted
    }

    /// The value of `criterion` for `parameters` over `values` from `state`; `skip` intervals
    /// (those the state was estimated from) are smoothed but not scored by `.ahead`.
    public func criterion(
        _ criterion: FitCriterion, _ values: [Double], from state: State, parameters: Parameters, skip: Int = 0
    ) -> Double {
        switch criterion {
        case .oneStep:
            return smooth(values, from: state, parameters: parameters).sumOfSquaredErrors
        case let .ahead(horizon, every):
            precondition(horizon >= 1 && every >= 1)
            var current = state
            _ = advance(&current, over: values[0..<min(skip, values.count)], parameters: parameters)
            var sse = 0.0
            var ahead = [Double](repeating: 0, count: horizon)
            var t = current.time
            while t < values.count {
                forecast(from: current, into: &ahead)
                for k in 0..<min(horizon, values.count - t) {
                    let error = values[t + k] - max(0, ahead[k])
                    sse += error * error
                }
                let next = min(t + every, values.count)
                _ = advance(&current, over: values[t..<next], parameters: parameters)
                t = next
            }
            return sse
        }
    }

    // MARK: Fitting

    /// A model fitted to a history: its parameters and its state at the history's end.
    public struct Fit: Sendable, Hashable, Codable {
        /// The model.
        public var model: HoltWinters
        /// The smoothing weights.
        public var parameters: Parameters
        /// The state the smoothing started from.
        public var initial: State
        /// The state after the history.
        public var final: State
        /// The sum of squared one-step errors over the history.
        public var sumOfSquaredErrors: Double
        /// The fitted criterion's value at `parameters`.
        public var criterionValue: Double

        /// The forecasts for the `horizon` intervals after the history (not clamped).
        public func forecast(_ horizon: Int) -> [Double] {
            model.forecast(from: final, horizon: horizon)
        }
    }

    /// Fits the smoothing weights to `values` by minimising `criterion` with Nelder–Mead over
    /// [0, 1] for each weight, from the initial state `initialState(for:)` estimates (or
    /// `initial`, kept fixed).
    ///
    /// Nelder–Mead works on the square roots of the weights: good weights for intraday data span
    /// orders of magnitude (a level weight of 0.002 per interval is a week's memory) and the
    /// square root spreads the region near zero. It starts from three points (small, moderate and
    /// large weights) and keeps the best end, which guards against a local minimum on the box's
    /// faces. With `.ahead`, the initial state is estimated from at most all but the last cycle,
    /// so at least one cycle is left to score.
    ///
    /// Needs two cycles of the longest period: one to start from and one in which every seasonal
    /// index is updated at least once.
    public func fit(
        _ values: [Double], initial: State? = nil, criterion: FitCriterion = .oneStep, maxEvaluations: Int = 300
    ) throws -> Fit {
        let cycle = longestPeriod
        guard values.count >= 2 * cycle else {
            throw ForecastError(
                "Holt–Winters with a cycle of \(cycle) intervals needs at least \(2 * cycle) intervals of history; it has \(values.count)")
        }
        var skip = 0
        let start: State
        if let initial {
            start = initial
        } else if case .ahead = criterion {
            let cycles = max(1, min(initialCycles, values.count / cycle - 1))
            start = try initialState(for: values, cycles: cycles)
            skip = cycles * cycle
        } else {
            start = try initialState(for: values)
        }

        // The weights being fitted, in order: α, then β with a trend, γ, then ω with two cycles.
        let count = 2 + (trend ? 1 : 0) + (periods.count == 2 ? 1 : 0)
        func parameters(_ roots: [Double]) -> Parameters {
            let x = roots.map { $0 * $0 }
            let beta = trend ? x[1] : 0
            let gamma = x[trend ? 2 : 1]
            let omega = periods.count == 2 ? x[count - 1] : 0
            return Parameters(alpha: x[0], beta: beta, gamma: gamma, omega: omega)
        }
        var best: NelderMead.Result?
        for weight in [0.01, 0.1, 0.5] {
            let result = NelderMead.minimize(
                start: Array(repeating: weight.squareRoot(), count: count), lower: Array(repeating: 0, count: count),
                upper: Array(repeating: 1, count: count), step: 0.1, tolerance: 1e-7,
                maxEvaluations: maxEvaluations / 3
            ) { roots in
                self.criterion(criterion, values, from: start, parameters: parameters(roots), skip: skip)
            }
            if best == nil || result.value < best!.value { best = result }
        }
        let fitted = parameters(best!.point)
        let run = smooth(values, from: start, parameters: fitted)
        return Fit(
            model: self, parameters: fitted, initial: start, final: run.state, sumOfSquaredErrors: run.sumOfSquaredErrors,
            criterionValue: best!.value)
    }
}
