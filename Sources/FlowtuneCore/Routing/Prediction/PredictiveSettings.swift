import Foundation

/// The settings of the policies that route by predictions (`predictive` and `optimal-batch`):
/// what names a task's type and value, what a customer's time costs, the fairness guardrail and
/// the batch cadence.
///
/// Every field has a default, and a settings document that lacks a field (or the whole group)
/// reads as the default, so settings recorded before these policies existed still load.
///
/// ```swift
/// var settings = WorkspaceState.Settings(routingPolicy: .predictive)
/// settings.predictive.valueAttribute = "order_value"
/// settings.predictive.fairnessBound = 0.25
/// ```
public struct PredictiveSettings: Sendable, Hashable, Codable {
    /// The task attribute, read as a string, that names a task's type in the prediction table;
    /// a task without it is of the type named by its workflow id.
    public var typeAttribute: String
    /// The task attribute, read as a number, that carries what resolving the task is worth.
    public var valueAttribute: String
    /// What resolving a task is worth when it does not carry a value, in the currency of
    /// ``Worker/costPerHour``.
    public var taskValue: Double
    /// What an hour of a customer's time costs, in the same currency: the price of handling
    /// time and of the rework a failed first attempt causes.
    public var customerCostPerHour: Double
    /// What missing a step's response window costs, in the same currency; weighed by the chance,
    /// judged from the upper quantile of handling time, that the window is missed.
    public var missedPromiseCost: Double
    /// How far, relative to the team's mean share, a worker's share of load or of hard tasks may
    /// rise before the worker is passed over: 0.3 lets a share reach 130% of the mean.
    public var fairnessBound: Double
    /// The span of time, in seconds, a team's load is counted over: visits under way and those
    /// that ended within it (see ``FairnessLedger``). The default, 4 hours, is half a working
    /// day: shares held within the bound over every half day stay within it over the whole day,
    /// whichever hour the day is counted from, where a period as long as the day would hold
    /// only the day that ends at the moment of judging.
    public var fairnessPeriod: TimeInterval
    /// How many visits the team's period must hold before the guardrail acts: shares of a
    /// handful of assignments say nothing about fairness.
    public var fairnessMinimum: Int
    /// How often `optimal-batch` assigns the waiting tasks, in seconds: 0 assigns whenever
    /// routing would run (a task arrives, a worker is freed, an offer is declined); more waits
    /// for the `routeWaiting` command, which the engine or simulator issues on that interval.
    public var batchInterval: TimeInterval

    /// Creates settings; every argument has its default.
    public init(
        typeAttribute: String = "type", valueAttribute: String = "value", taskValue: Double = 100,
        customerCostPerHour: Double = 30, missedPromiseCost: Double = 50, fairnessBound: Double = 0.3,
        fairnessPeriod: TimeInterval = 4 * 3600, fairnessMinimum: Int = 20, batchInterval: TimeInterval = 0
    ) {
        self.typeAttribute = typeAttribute
        self.valueAttribute = valueAttribute
        self.taskValue = taskValue
        self.customerCostPerHour = customerCostPerHour
        self.missedPromiseCost = missedPromiseCost
        self.fairnessBound = fairnessBound
        self.fairnessPeriod = fairnessPeriod
        self.fairnessMinimum = fairnessMinimum
        self.batchInterval = batchInterval
    }

    /// Decodes settings; a missing field takes its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = PredictiveSettings()
        typeAttribute = try container.decodeIfPresent(String.self, forKey: .typeAttribute) ?? defaults.typeAttribute
        valueAttribute = try container.decodeIfPresent(String.self, forKey: .valueAttribute) ?? defaults.valueAttribute
        taskValue = try container.decodeIfPresent(Double.self, forKey: .taskValue) ?? defaults.taskValue
        customerCostPerHour =
            try container.decodeIfPresent(Double.self, forKey: .customerCostPerHour) ?? defaults.customerCostPerHour
        missedPromiseCost =
            try container.decodeIfPresent(Double.self, forKey: .missedPromiseCost) ?? defaults.missedPromiseCost
        fairnessBound = try container.decodeIfPresent(Double.self, forKey: .fairnessBound) ?? defaults.fairnessBound
        fairnessPeriod = try container.decodeIfPresent(TimeInterval.self, forKey: .fairnessPeriod) ?? defaults.fairnessPeriod
        fairnessMinimum = try container.decodeIfPresent(Int.self, forKey: .fairnessMinimum) ?? defaults.fairnessMinimum
        batchInterval = try container.decodeIfPresent(TimeInterval.self, forKey: .batchInterval) ?? defaults.batchInterval
    }

    /// The first setting that cannot work, with the field to fix; nil when all can.
    public var problem: (message: String, field: String)? {
        if typeAttribute.isEmpty { return ("the type attribute needs a name", "predictive.type_attribute") }
        if !(taskValue > 0) || !taskValue.isFinite {
            return ("a task's default value must be a positive number, not \(taskValue)", "predictive.task_value")
        }
        if !(customerCostPerHour >= 0) || !customerCostPerHour.isFinite {
            return ("a customer's time cannot cost \(customerCostPerHour) per hour", "predictive.customer_cost_per_hour")
        }
        if !(missedPromiseCost >= 0) || !missedPromiseCost.isFinite {
            return ("a missed promise cannot cost \(missedPromiseCost)", "predictive.missed_promise_cost")
        }
        if !(fairnessBound >= 0) || !fairnessBound.isFinite {
            return ("the fairness bound must be 0 or more, not \(fairnessBound)", "predictive.fairness_bound")
        }
        if !(fairnessPeriod > 0) || !fairnessPeriod.isFinite {
            return ("the fairness period must be a positive number of seconds, not \(fairnessPeriod)", "predictive.fairness_period")
        }
        if fairnessMinimum < 0 { return ("the fairness minimum cannot be negative", "predictive.fairness_minimum") }
        if !(batchInterval >= 0) || !batchInterval.isFinite {
            return ("the batch interval must be 0 or more seconds, not \(batchInterval)", "predictive.batch_interval")
        }
        return nil
    }
}
