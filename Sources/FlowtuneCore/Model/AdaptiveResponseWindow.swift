import Foundation

/// A step's response window declared adaptive: it follows a quantile of the step's recent
/// response times (from a task entering the step to a worker accepting it) instead of staying
/// at the written value.
///
/// ```yaml
/// response_window:
///   adaptive: p90          # the quantile
///   of: response_time
///   window: 7d             # or a count (500), or { count: 500, age: 1d }
///   min_samples: 50
///   static: 4h             # in force until min_samples outcomes are seen
///   floor: 15m
///   ceiling: 8h
///   min_change: 5%
/// ```
///
/// The static value is the rule's ``OwnershipRule/responseWindow``, so a workflow that
/// ignores the declaration (an older Flowtune reading the log) still has a sound window.
public struct AdaptiveResponseWindow: Sendable, Hashable, Codable {
    /// The measure learned from; only ``responseTime`` is known.
    public var measure: String
    /// The probability of the quantile, such as 0.9 for `p90`.
    public var quantile: Double
    /// Which recent outcomes count.
    public var window: SampleWindow
    /// How many outcomes the window must hold before the quantile replaces the static window.
    public var minimumSamples: Int
    /// The least learned window.
    public var floor: TimeInterval?
    /// The greatest learned window.
    public var ceiling: TimeInterval?
    /// The least relative move, such as 0.05, for a learned window to be republished.
    public var minimumChange: Double

    /// The measure a response window learns from: from entering the step to an accepted offer.
    public static let responseTime = "response_time"

    /// Creates a declaration.
    public init(
        measure: String = Self.responseTime, quantile: Double, window: SampleWindow, minimumSamples: Int = 30,
        floor: TimeInterval? = nil, ceiling: TimeInterval? = nil, minimumChange: Double = 0.05
    ) {
        self.measure = measure
        self.quantile = quantile
        self.window = window
        self.minimumSamples = minimumSamples
        self.floor = floor
        self.ceiling = ceiling
        self.minimumChange = minimumChange
    }

    /// The rolling quantile this declaration asks for, with `staticWindow` in force until it has
    /// enough outcomes.
    public func threshold(staticWindow: TimeInterval) -> QuantileThreshold {
        QuantileThreshold(
            quantile: quantile, window: window, minimumSamples: minimumSamples, configuredValue: staticWindow,
            floor: floor, ceiling: ceiling, minimumChange: minimumChange)
    }

    /// Everything wrong with the declaration, by YAML field (`min_samples`, `ceiling`, ...).
    public func problems(staticWindow: TimeInterval) -> [AdaptiveThresholdProblem] {
        var problems: [AdaptiveThresholdProblem] = []
        if measure != Self.responseTime {
            problems.append(.init(field: "of", message: "unknown measure \"\(measure)\"; a response window learns from response_time"))
        }
        problems += threshold(staticWindow: staticWindow).problems()
        if let floor, !(floor > 0) { problems.append(.init(field: "floor", message: "must be longer than zero")) }
        return problems
    }
}

/// A step of a workflow, named across the workflow's versions: the key of what a workspace
/// learns about a step.
public struct WorkflowStep: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    /// The workflow.
    public var workflow: WorkflowID
    /// The step.
    public var step: StepID

    /// Creates a key.
    public init(workflow: WorkflowID, step: StepID) {
        self.workflow = workflow
        self.step = step
    }

    public static func < (lhs: WorkflowStep, rhs: WorkflowStep) -> Bool {
        (lhs.workflow, lhs.step) < (rhs.workflow, rhs.step)
    }

    /// `workflow/step`.
    public var description: String { "\(workflow)/\(step)" }
}

/// What a workflow watches and raises an alert on.
///
/// ```yaml
/// alerts:
///   exception_rate: { band: ewma, seasonality: weekly, slot: 60m, alpha: 0.2, k: 3, warm_up: 4, sides: above }
/// ```
public struct WorkflowAlerts: Sendable, Hashable, Codable {
    /// The band the share of entering tasks that reach the exception lane is expected to stay in.
    public var exceptionRate: SeasonalBand?

    /// Creates alerts.
    public init(exceptionRate: SeasonalBand? = nil) {
        self.exceptionRate = exceptionRate
    }
}
