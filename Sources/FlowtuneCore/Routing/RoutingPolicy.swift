import Foundation

/// Picks a worker for a task, or a task for a freed worker, by weighing the terms of a pairing.
///
/// Every policy sees the same terms — skill fit, queue priority, task priority, task age,
/// service-level risk, worker idle time and round-robin rotation — and differs in the weight it
/// gives each. Because the weights are explicit, every decision can show how its score was made.
///
/// ```swift
/// let policy = RoutingPolicyKind.skillScore.policy
/// policy.weights.agingBound // seconds after which a task can no longer be overtaken
/// ```
public protocol RoutingPolicy: Sendable {
    /// The policy's name, recorded with each decision.
    var name: String { get }
    /// The policy's version, recorded with each decision.
    var version: Int { get }
    /// How much each term counts.
    var weights: RoutingWeights { get }
}

/// The weight of each routing term.
///
/// Every term but `taskAge` and `idleTime` is bounded to 0...1. Task age grows without bound
/// (`wait / agingHorizon`), which is what guarantees that no task waits forever behind
/// higher-priority work: see ``agingBound``.
public struct RoutingWeights: Sendable, Hashable, Codable {
    /// How well the worker's skills cover the queue's requirement (mean level / 10).
    public var skillFit: Double
    /// The queue's priority, 1 → 1.0, 9 → 0.0.
    public var queuePriority: Double
    /// The task's priority, 1 → 1.0, 9 → 0.0.
    public var taskPriority: Double
    /// Waiting time divided by `agingHorizon`, unbounded.
    public var taskAge: Double
    /// Waiting time as a share of the queue's service-level threshold, capped at 1.
    public var slaRisk: Double
    /// The worker's idle time in units of 10 minutes, unbounded.
    public var idleTime: Double
    /// 1.0 for the worker next in rotation after the last one chosen, falling to 0 around the ring.
    public var rotation: Double
    /// The waiting time that makes `taskAge` worth 1.0, in seconds.
    public var agingHorizon: TimeInterval

    /// Creates a set of weights.
    public init(
        skillFit: Double = 0, queuePriority: Double = 0, taskPriority: Double = 0, taskAge: Double = 0,
        slaRisk: Double = 0, idleTime: Double = 0, rotation: Double = 0, agingHorizon: TimeInterval = 600
    ) {
        self.skillFit = skillFit
        self.queuePriority = queuePriority
        self.taskPriority = taskPriority
        self.taskAge = taskAge
        self.slaRisk = slaRisk
        self.idleTime = idleTime
        self.rotation = rotation
        self.agingHorizon = agingHorizon
    }

    /// The longest head start a later task can have over an earlier one, in seconds.
    ///
    /// A waiting task X can be chosen after a task Y only if Y arrived less than `agingBound`
    /// seconds after X: the bounded terms together are worth at most
    /// `skillFit + queuePriority + taskPriority + slaRisk`, and X's age term grows by `taskAge`
    /// every `agingHorizon` seconds. So once a task has waited `agingBound`, no task that arrived
    /// later, however urgent, is served before it by a worker eligible for both. Infinite when
    /// age carries no weight.
    public var agingBound: TimeInterval {
        guard taskAge > 0 else { return .infinity }
        return (skillFit + queuePriority + taskPriority + slaRisk) * agingHorizon / taskAge
    }
}

/// The built-in routing policies.
public enum RoutingPolicyKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Workers take turns; waiting tasks are served by priority with aging.
    case roundRobin = "round-robin"
    /// The worker idle the longest gets the task; waiting tasks are served by priority with aging.
    case longestIdle = "longest-idle"
    /// A weighted score of skill fit, priorities, age, service-level risk and idle time.
    case skillScore = "skill-score"
    /// Expected value of the pairing from published predictions, less cost and risk, with aging
    /// and a fairness guardrail: see ``PredictivePolicy``.
    case predictive = "predictive"
    /// The waiting tasks assigned to the free capacity at once, by exact minimum-cost
    /// assignment of the predictive score: see ``OptimalBatchPolicy``.
    case optimalBatch = "optimal-batch"

    /// Whether the policy routes by published predictions and the fairness guardrail.
    public var usesPredictions: Bool { self == .predictive || self == .optimalBatch }

    /// The policy itself.
    public var policy: any RoutingPolicy {
        switch self {
        case .roundRobin: RoundRobinPolicy()
        case .longestIdle: LongestIdlePolicy()
        case .skillScore: SkillScorePolicy()
        case .predictive: PredictivePolicy()
        case .optimalBatch: OptimalBatchPolicy()
        }
    }
}

/// The terms every policy uses to order waiting tasks: priority, queue priority, service-level risk
/// and age, with an aging bound of 25 minutes.
extension RoutingWeights {
    fileprivate static let taskOrdering = RoutingWeights(
        queuePriority: 0.5, taskPriority: 1, taskAge: 1, slaRisk: 1, agingHorizon: 600)
}

/// Workers take turns in registration order.
public struct RoundRobinPolicy: RoutingPolicy {
    public let name = "round-robin"
    public let version = 1
    public var weights: RoutingWeights {
        var weights = RoutingWeights.taskOrdering
        weights.rotation = 1
        return weights
    }

    /// Creates the policy.
    public init() {}
}

/// The worker idle the longest gets the task.
public struct LongestIdlePolicy: RoutingPolicy {
    public let name = "longest-idle"
    public let version = 1
    public var weights: RoutingWeights {
        var weights = RoutingWeights.taskOrdering
        weights.idleTime = 1
        return weights
    }

    /// Creates the policy.
    public init() {}
}

/// A weighted score: the best-skilled eligible worker, with idle time to spread load.
public struct SkillScorePolicy: RoutingPolicy {
    public let name = "skill-score"
    public let version = 1
    public let weights: RoutingWeights

    /// Creates the policy with `weights`, or the defaults.
    public init(weights: RoutingWeights? = nil) {
        var defaults = RoutingWeights.taskOrdering
        defaults.skillFit = 1
        defaults.idleTime = 0.2
        self.weights = weights ?? defaults
    }
}

extension RoutingPolicyKind {
    /// The policy's name, version and weights, read from the concrete policy: routing reads
    /// these on every decision, and the policy as `any RoutingPolicy` is too large to live
    /// without a heap box.
    var parameters: (name: String, version: Int, weights: RoutingWeights) {
        switch self {
        case .roundRobin:
            let policy = RoundRobinPolicy()
            return (policy.name, policy.version, policy.weights)
        case .longestIdle:
            let policy = LongestIdlePolicy()
            return (policy.name, policy.version, policy.weights)
        case .skillScore:
            let policy = SkillScorePolicy()
            return (policy.name, policy.version, policy.weights)
        case .predictive:
            let policy = PredictivePolicy()
            return (policy.name, policy.version, policy.weights)
        case .optimalBatch:
            let policy = OptimalBatchPolicy()
            return (policy.name, policy.version, policy.weights)
        }
    }
}
