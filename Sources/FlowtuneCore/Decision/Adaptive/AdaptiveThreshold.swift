/// A threshold that learns from outcomes, as a workflow step declares it: a rolling quantile
/// (such as "escalate after the recent p90 response time") or a seasonal band (such as "alert
/// when the exception rate leaves its usual band").
///
/// ```yaml
/// escalate_after:
///   adaptive: p90
///   of: response_time
///   window: 7d            # or 200, or { count: 500, age: 1d }
///   min_samples: 50
///   static: 4h            # until min_samples
///   floor: 15m
///   ceiling: 8h
///   min_change: 5%
/// ```
///
/// ```swift
/// let threshold = AdaptiveThreshold(
///     name: "claims.assess.escalate_after", metric: "response_time",
///     rule: .quantile(QuantileThreshold(quantile: 0.9, window: SampleWindow(age: 7 * 86_400),
///                                       minimumSamples: 50, configuredValue: 4 * 3600,
///                                       floor: 900, ceiling: 8 * 3600)))
/// var state = threshold.makeState()
/// if let signal = state.observe(2_700, at: completedAt) { /* record it as an event */ }
/// ```
public struct AdaptiveThreshold: Sendable, Hashable, Codable {
    /// The threshold's name, unique within its workspace, such as `claims.assess.escalate_after`.
    public var name: String
    /// What it is for, in the operator's words.
    public var description: String?
    /// The measure it learns from, such as `response_time` or `exception_rate`.
    public var metric: String
    /// How it learns.
    public var rule: Rule

    /// How an adaptive threshold learns.
    public enum Rule: Sendable, Hashable, Codable {
        /// A rolling quantile of recent outcomes, within a floor and a ceiling.
        case quantile(QuantileThreshold)
        /// An EWMA ± k·σ band per seasonal slot.
        case band(SeasonalBand)
    }

    /// Creates a threshold.
    public init(name: String, description: String? = nil, metric: String, rule: Rule) {
        self.name = name
        self.description = description
        self.metric = metric
        self.rule = rule
    }

    /// The state of this threshold before any outcome.
    public func makeState() -> AdaptiveThresholdState {
        switch rule {
        case .quantile(let quantile): .quantile(QuantileThresholdState(quantile))
        case .band(let band): .band(SeasonalBandState(band))
        }
    }

    /// Everything wrong with the declaration, by YAML field; empty when it can be used.
    public func problems() -> [AdaptiveThresholdProblem] {
        var problems: [AdaptiveThresholdProblem] = []
        if name.isEmpty { problems.append(.init(field: "name", message: "must not be empty")) }
        if metric.isEmpty { problems.append(.init(field: "of", message: "name the measure, such as response_time")) }
        switch rule {
        case .quantile(let quantile): problems += quantile.problems()
        case .band(let band): problems += band.problems()
        }
        return problems
    }
}

/// The live state of an ``AdaptiveThreshold``, whichever its rule.
///
/// Keep one per declared threshold in workspace state, keyed by name, and fold each outcome of
/// its metric into it with ``observe(_:at:)``.
public enum AdaptiveThresholdState: Sendable, Hashable, Codable {
    /// A rolling quantile's window and published value.
    case quantile(QuantileThresholdState)
    /// A seasonal band's statistics and open alert.
    case band(SeasonalBandState)

    /// Folds in one observation and returns what changed, if anything.
    public mutating func observe(_ value: Double, at time: Double) -> AdaptiveSignal? {
        switch self {
        case .quantile(var state):
            let change = state.observe(value, at: time)
            self = .quantile(state)
            return change.map(AdaptiveSignal.changed)
        case .band(var state):
            let signal = state.observe(value, at: time)
            self = .band(state)
            return signal.map(AdaptiveSignal.band)
        }
    }

    /// Moves time forward without an observation: a rolling quantile drops outcomes that aged
    /// out of its window; a band has nothing to do.
    public mutating func advance(to time: Double) -> AdaptiveSignal? {
        guard case .quantile(var state) = self else { return nil }
        let change = state.advance(to: time)
        self = .quantile(state)
        return change.map(AdaptiveSignal.changed)
    }

    /// The published value of a rolling quantile; nil for a band, which has no single value.
    public var value: Double? {
        if case .quantile(let state) = self { return state.value }
        return nil
    }
}

/// What an observation changed in an adaptive threshold: record it as an event.
public enum AdaptiveSignal: Sendable, Hashable, Codable {
    /// A rolling quantile published a new value.
    case changed(ThresholdChange)
    /// A band raised an alert or a recovery.
    case band(BandSignal)
}
