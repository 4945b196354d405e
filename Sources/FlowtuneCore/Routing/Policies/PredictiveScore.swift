import Foundation

/// What giving one task to one worker is expected to be worth, from the worker's predictions for
/// the task's type: expected value − expected cost − customer-time cost − the risk of missing the
/// step's promise.
///
/// - expected value: the chance of resolving the task the first time × the task's value;
/// - expected cost: predicted handling time × the worker's cost per hour;
/// - customer-time cost: the customer's time over the predicted handling time plus the expected
///   rework, (1 − resolution) × handling time, at ``PredictiveSettings/customerCostPerHour``;
/// - promise risk: the chance that handling outlasts what is left of the step's response window,
///   × ``PredictiveSettings/missedPromiseCost``. Handling time is taken as normal with the
///   predicted mean and the upper quantile (p90) as its 90th percentile.
///
/// Routing weighs the net value as the bounded ``fit``, so that the aging bound of the policy's
/// weights keeps holding.
///
/// ```swift
/// let score = PredictiveScore(
///     prediction: Prediction(handlingTime: 300, handlingTimeUpper: 600, resolution: 0.9),
///     taskValue: 100, costPerHour: 36, customerCostPerHour: 30, promiseSlack: nil, missedPromiseCost: 50)
/// score.net  // 90 − 3 − 2.75 − 0 = 84.25
/// score.fit  // 0.5 + 84.25 / 200 = 0.921
/// ```
public struct PredictiveScore: Sendable, Hashable {
    /// resolution × task value.
    public var expectedValue: Double
    /// handling hours × the worker's cost per hour.
    public var expectedCost: Double
    /// (handling + expected rework) hours × the customer's cost per hour.
    public var customerTimeCost: Double
    /// The chance of missing the step's response window × the cost of missing it.
    public var promiseRisk: Double
    /// The chance, 0...1, that handling outlasts what is left of the response window.
    public var missChance: Double
    /// The value the net is scaled by: the task's value.
    public var taskValue: Double

    /// Scores a pairing from its prediction.
    ///
    /// - Parameter promiseSlack: the seconds left of the step's response window; nil when the
    ///   task has no promise to miss.
    public init(
        prediction: Prediction, taskValue: Double, costPerHour: Double, customerCostPerHour: Double,
        promiseSlack: Double?, missedPromiseCost: Double
    ) {
        let handling = max(prediction.handlingTime, 0)
        let resolution = min(max(prediction.resolution, 0), 1)
        expectedValue = resolution * taskValue
        expectedCost = handling / 3600 * costPerHour
        customerTimeCost = (handling + (1 - resolution) * handling) / 3600 * customerCostPerHour
        if let promiseSlack {
            missChance = Self.missChance(
                mean: handling, upper: max(prediction.handlingTimeUpper, handling), slack: promiseSlack)
        } else {
            missChance = 0
        }
        promiseRisk = missChance * missedPromiseCost
        self.taskValue = taskValue
    }

    /// Expected value less every expected cost.
    public var net: Double { expectedValue - expectedCost - customerTimeCost - promiseRisk }

    /// The net value as a bounded routing term: ½ + net / (2 × task value), within 0...1.
    ///
    /// A pairing worth the task's whole value scores 1, one that breaks even ½, one that loses
    /// the task's value or more 0. Bounded, so that a task's age always catches up with it.
    public var fit: Double {
        let scale = taskValue > 0 ? taskValue : 1
        return min(max(0.5 + net / (2 * scale), 0), 1)
    }

    /// z of the 90th percentile of the standard normal.
    static let z90 = 1.2815515655446004

    /// P(handling > slack) for handling time normal with mean `mean` and 90th percentile `upper`.
    static func missChance(mean: Double, upper: Double, slack: Double) -> Double {
        let sigma = (upper - mean) / z90
        guard sigma > 0 else { return slack < mean ? 1 : 0 }
        return 0.5 * erfc((slack - mean) / (sigma * 2.0.squareRoot()))
    }
}
