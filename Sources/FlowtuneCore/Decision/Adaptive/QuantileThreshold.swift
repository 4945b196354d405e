/// A threshold that follows a quantile of recent outcomes, such as "escalate after the recent
/// p90 response time", within a floor and a ceiling.
///
/// Until the window holds ``minimumSamples`` outcomes, the threshold is the operator's
/// ``configuredValue``. From then on it is the exact ``quantile`` of the window
/// (``Quantile/linear(_:p:)``, type 7), held between ``floor`` and ``ceiling``. A new value is
/// published only when it differs from the published one by at least ``minimumChange``
/// (relative), so a busy step produces a threshold event now and then rather than one per
/// outcome.
///
/// ```swift
/// // escalate_after: { adaptive: p90, of: response_time, window: 7d, min_samples: 50,
/// //                   floor: 15m, ceiling: 8h, static: 4h }
/// let threshold = QuantileThreshold(
///     quantile: 0.9, window: SampleWindow(age: 7 * 86_400), minimumSamples: 50,
///     configuredValue: 4 * 3600, floor: 15 * 60, ceiling: 8 * 3600)
/// var state = QuantileThresholdState(threshold)
/// if let change = state.observe(2_700, at: now) { /* record ThresholdChanged(change) */ }
/// ```
public struct QuantileThreshold: Sendable, Hashable, Codable {
    /// The probability of the quantile, in 0...1, such as 0.9 for p90.
    public var quantile: Double
    /// The outcomes the quantile is taken over.
    public var window: SampleWindow
    /// How many outcomes the window must hold before the quantile replaces ``configuredValue``.
    public var minimumSamples: Int
    /// The value in force while the window holds fewer than ``minimumSamples`` outcomes, such
    /// as the step's static response window. Used as written: floor and ceiling bound only the
    /// learned value.
    public var configuredValue: Double
    /// The least value the quantile may publish.
    public var floor: Double?
    /// The greatest value the quantile may publish.
    public var ceiling: Double?
    /// The least relative change, such as 0.05 for 5%, between the published value and a new
    /// quantile for the new one to be published. 0 publishes every change.
    public var minimumChange: Double

    /// Creates a declaration.
    public init(
        quantile: Double, window: SampleWindow, minimumSamples: Int = 30, configuredValue: Double,
        floor: Double? = nil, ceiling: Double? = nil, minimumChange: Double = 0.05
    ) {
        self.quantile = quantile
        self.window = window
        self.minimumSamples = minimumSamples
        self.configuredValue = configuredValue
        self.floor = floor
        self.ceiling = ceiling
        self.minimumChange = minimumChange
    }

    /// `value` held between ``floor`` and ``ceiling``, and which bound held it, if one did.
    public func bounded(_ value: Double) -> (value: Double, source: ThresholdBasis.Source) {
        if let floor, value < floor { return (floor, .floor) }
        if let ceiling, value > ceiling { return (ceiling, .ceiling) }
        return (value, .quantile)
    }

    /// Everything wrong with the declaration, by YAML field; empty when it can be used.
    public func problems() -> [AdaptiveThresholdProblem] {
        var problems: [AdaptiveThresholdProblem] = []
        if !(0...1).contains(quantile) {
            problems.append(.init(field: "adaptive", message: "the quantile must be between p0 and p100"))
        }
        if window.count == nil && window.age == nil {
            problems.append(.init(field: "window", message: "give a count of outcomes (200), an age (7d) or both"))
        }
        if let count = window.count, !(1...SampleWindow.maximumCount).contains(count) {
            problems.append(.init(
                field: "window", message: "the count must be between 1 and \(SampleWindow.maximumCount)"))
        }
        if let age = window.age, !(age > 0 && age.isFinite) {
            problems.append(.init(field: "window", message: "the age must be a positive duration"))
        }
        if minimumSamples < 1 {
            problems.append(.init(field: "min_samples", message: "must be at least 1"))
        } else if minimumSamples > window.capacity {
            problems.append(.init(
                field: "min_samples", message: "is more than the window can hold (\(window.capacity))"))
        }
        if !configuredValue.isFinite {
            problems.append(.init(field: "static", message: "must be a finite value"))
        }
        if let floor, !floor.isFinite { problems.append(.init(field: "floor", message: "must be a finite value")) }
        if let ceiling, !ceiling.isFinite {
            problems.append(.init(field: "ceiling", message: "must be a finite value"))
        }
        if let floor, let ceiling, floor > ceiling {
            problems.append(.init(field: "ceiling", message: "must not be below the floor"))
        }
        if !(minimumChange >= 0 && minimumChange.isFinite) {
            problems.append(.init(field: "min_change", message: "must be a fraction of at least 0, such as 5%"))
        }
        return problems
    }
}
