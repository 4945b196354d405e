import Foundation

/// Routes by predictions: the worker with the best expected net value gets the task, and a
/// freed worker takes the waiting task that best combines urgency, age and predicted fit.
///
/// The score of worker w for task t is ``PredictiveScore/fit`` (the net value of the pairing,
/// bounded to 0...1) in the `skillFit` slot of the weights, plus the usual ordering terms:
/// queue and task priority, service-level risk and age, and a small idle-time term. A pair with
/// no prediction falls back to the skill fit in the same slot. Because the fit is bounded like
/// the skill fit it replaces, ``RoutingWeights/agingBound`` holds unchanged:
/// (1 + 0.5 + 1 + 1) × 600 s / 1 = 2,100 s — once a task has waited 35 minutes, no task that
/// arrived later is served before it by a worker eligible for both. A worker the task would take
/// over the fairness bound is passed over unless no one else qualifies (see ``FairnessLedger``).
///
/// ```swift
/// state.execute(.setRoutingPolicy(.predictive), context: context)
/// state.execute(.publishPredictions(table), context: context)
/// ```
public struct PredictivePolicy: RoutingPolicy {
    public let name = "predictive"
    public let version = 1
    public var weights: RoutingWeights { .predictive }

    /// Creates the policy.
    public init() {}
}

/// Assigns the waiting tasks to the free capacity all at once, as the exact minimum-cost
/// assignment under eligibility and capacity, each pair costing minus its ``PredictivePolicy``
/// score (fit, priorities, service-level risk and age): when not every task can be served, the
/// older and more urgent ones are preferred, and the aging bound of the predictive policy holds.
///
/// Runs whenever routing would run, or every ``PredictiveSettings/batchInterval`` seconds on the
/// `routeWaiting` command.
public struct OptimalBatchPolicy: RoutingPolicy {
    public let name = "optimal-batch"
    public let version = 1
    public var weights: RoutingWeights { .predictive }

    /// Creates the policy.
    public init() {}
}

extension RoutingWeights {
    /// The weights of the prediction policies: the predicted fit (or, without a prediction, the
    /// skill fit) in the `skillFit` slot, the ordering terms every policy uses, and a little
    /// idle time: ten idle minutes are worth a tenth of a task's value.
    public static let predictive = RoutingWeights(
        skillFit: 1, queuePriority: 0.5, taskPriority: 1, taskAge: 1, slaRisk: 1, idleTime: 0.05, agingHorizon: 600)
}
