import Foundation

/// How the engine's real-time reallocation pass runs. Off by default: a workspace reallocates
/// only when an operator turns it on.
///
/// ```swift
/// await engine.configureReallocation(ReallocationConfiguration(enabled: true, automaticCostLimit: 5))
/// ```
public struct ReallocationConfiguration: Sendable, Hashable, Codable {
    /// Whether the pass runs at all.
    public var enabled: Bool
    /// Seconds of the engine's clock between passes.
    public var period: TimeInterval
    /// Moves costing at most this are applied at once; dearer ones wait for an operator.
    public var automaticCostLimit: Double
    /// The length of each forecast interval, in seconds.
    public var intervalLength: TimeInterval
    /// How many intervals the prediction looks ahead.
    public var horizonIntervals: Int
    /// The time constant, in seconds, of the exponentially weighted arrival rate: the weight of
    /// arrivals halves every `arrivalTimeConstant × ln 2`.
    public var arrivalTimeConstant: TimeInterval
    /// The mean handling time assumed for a queue until completions measure one, in seconds.
    public var defaultHandlingTime: TimeInterval
    /// The weight of each new completion in a queue's smoothed handling time.
    public var handlingSmoothing: Double
    /// How many losing candidates each move's explanation names.
    public var explainedCandidates: Int

    /// A configuration; every pass a minute apart, looking four 15-minute intervals ahead.
    public init(
        enabled: Bool = false, period: TimeInterval = 60, automaticCostLimit: Double = 0,
        intervalLength: TimeInterval = 900, horizonIntervals: Int = 4, arrivalTimeConstant: TimeInterval = 900,
        defaultHandlingTime: TimeInterval = 300, handlingSmoothing: Double = 0.1, explainedCandidates: Int = 5
    ) {
        self.enabled = enabled
        self.period = period
        self.automaticCostLimit = automaticCostLimit
        self.intervalLength = intervalLength
        self.horizonIntervals = horizonIntervals
        self.arrivalTimeConstant = arrivalTimeConstant
        self.defaultHandlingTime = defaultHandlingTime
        self.handlingSmoothing = handlingSmoothing
        self.explainedCandidates = explainedCandidates
    }

    /// The first setting that cannot work, as a field name and a reason; nil when all can.
    public var problem: (field: String, reason: String)? {
        if !(period > 0 && period.isFinite) { return ("period", "must be a positive number of seconds") }
        if !(automaticCostLimit >= 0 && automaticCostLimit.isFinite) { return ("automatic_cost_limit", "must be zero or more") }
        if !(intervalLength > 0 && intervalLength.isFinite) { return ("interval", "must be a positive number of seconds") }
        if horizonIntervals < 1 { return ("horizon_intervals", "must be at least 1") }
        if !(arrivalTimeConstant > 0 && arrivalTimeConstant.isFinite) {
            return ("arrival_time_constant", "must be a positive number of seconds")
        }
        if !(defaultHandlingTime > 0 && defaultHandlingTime.isFinite) {
            return ("default_handling_time", "must be a positive number of seconds")
        }
        if !(handlingSmoothing > 0 && handlingSmoothing <= 1) { return ("handling_smoothing", "must be in (0, 1]") }
        if explainedCandidates < 0 { return ("explained_candidates", "must be zero or more") }
        return nil
    }
}
