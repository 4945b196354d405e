import FlowtuneCore
import Foundation

/// What the reallocator proposes at one clock reading: every queue's outlook and the moves, each
/// applied at once or waiting for an operator, each with its explanation. The engine records one
/// event per move; the plan itself changes nothing.
public struct ReallocationPlan: Sendable, Hashable, Codable {
    /// The snapshot's clock reading.
    public var time: Date
    /// Every queue, in the snapshot's order.
    public var queues: [QueueAssessment]
    /// The moves, grouped by the queue they help (in the snapshot's order), cheapest first.
    public var moves: [ReallocationMove]

    /// A plan as given.
    public init(time: Date, queues: [QueueAssessment], moves: [ReallocationMove]) {
        self.time = time
        self.queues = queues
        self.moves = moves
    }

    /// The moves to apply now, their cost within the automatic limit.
    public var applied: [ReallocationMove] { moves.filter { $0.approval == .apply } }
    /// The moves that wait for an operator's approval.
    public var pendingApproval: [ReallocationMove] { moves.filter { $0.approval == .askOperator } }

    /// The assessment of `queue`, if the snapshot had it.
    public func assessment(of queue: QueueID) -> QueueAssessment? {
        queues.first { $0.queue == queue }
    }
}

/// One queue's prediction and what the plan does for it or takes from it.
public struct QueueAssessment: Sendable, Hashable, Codable {
    /// The queue.
    public var queue: QueueID
    /// The promise, as a fraction.
    public var target: Double
    /// The learned safety margin in force (``RiskMargin/value``).
    public var margin: Double
    /// What the prediction must reach: target + margin, below 1.
    public var goal: Double
    /// The outlook with the agents serving it now.
    public var outlook: QueueOutlook
    /// Whether the predicted service level over the horizon is below the goal.
    public var atRisk: Bool
    /// For a queue at risk, the fewest extra agents that bring it to its goal; nil when the
    /// queue is not at risk or when every eligible candidate together would not.
    public var agentsNeeded: Int?
    /// For a queue not at risk, how many agents it can give and stay at its goal (counting only
    /// those who could be moved to a queue at risk); 0 otherwise.
    public var slack: Int
    /// Agents once every proposed move is made (applied and pending alike).
    public var agentsAfter: Int
    /// The predicted service level over the horizon once every proposed move is made.
    public var serviceLevelAfter: Double
    /// Why a queue at risk stays short after the plan, in words; nil when it does not.
    public var unresolved: String?

    /// An assessment as given.
    public init(
        queue: QueueID, target: Double, margin: Double, goal: Double, outlook: QueueOutlook, atRisk: Bool,
        agentsNeeded: Int?, slack: Int, agentsAfter: Int, serviceLevelAfter: Double, unresolved: String?
    ) {
        self.queue = queue
        self.target = target
        self.margin = margin
        self.goal = goal
        self.outlook = outlook
        self.atRisk = atRisk
        self.agentsNeeded = agentsNeeded
        self.slack = slack
        self.agentsAfter = agentsAfter
        self.serviceLevelAfter = serviceLevelAfter
        self.unresolved = unresolved
    }
}

/// Whether a move happens now or waits for an operator.
public enum MoveApproval: String, Sendable, Hashable, Codable, CaseIterable {
    /// Within the automatic cost limit: apply it.
    case apply
    /// Over the limit: an operator approves or declines it.
    case askOperator
}

/// One worker moved from the queue they serve to a queue at risk.
public struct ReallocationMove: Sendable, Hashable, Codable {
    /// The worker moved.
    public var worker: WorkerID
    /// The queue they leave; nil when they served none.
    public var from: QueueID?
    /// The queue at risk they join.
    public var to: QueueID
    /// What the move costs.
    public var cost: Double
    /// Applied now or waiting for an operator.
    public var approval: MoveApproval
    /// Why this move, and why not another.
    public var explanation: MoveExplanation

    /// A move as given.
    public init(
        worker: WorkerID, from: QueueID?, to: QueueID, cost: Double, approval: MoveApproval,
        explanation: MoveExplanation
    ) {
        self.worker = worker
        self.from = from
        self.to = to
        self.cost = cost
        self.approval = approval
        self.explanation = explanation
    }
}

/// A queue's predicted service level over the horizon before and after a move, against its goal.
public struct ServiceLevelChange: Sendable, Hashable, Codable {
    /// The queue.
    public var queue: QueueID
    /// Agents before the move.
    public var agentsBefore: Int
    /// Predicted service level before the move (after the moves listed before it).
    public var before: Double
    /// Predicted service level after it.
    public var after: Double
    /// The queue's goal, target + margin.
    public var goal: Double

    /// A change as given.
    public init(queue: QueueID, agentsBefore: Int, before: Double, after: Double, goal: Double) {
        self.queue = queue
        self.agentsBefore = agentsBefore
        self.before = before
        self.after = after
        self.goal = goal
    }
}

/// The explanation stored with a move: the effect on both queues, the worker's fit, the cost
/// against the limit, and the candidates that lost with the reason each lost.
public struct MoveExplanation: Sendable, Hashable, Codable {
    /// The queue at risk, before and after (moves to the same queue are counted in order).
    public var target: ServiceLevelChange
    /// The queue at risk's predicted service level once every move to it in the plan is made:
    /// one agent alone may not lift a queue that cannot keep up, the set of them does.
    public var targetAfterPlan: Double
    /// The queue the worker leaves, before and after; nil for a worker who served none.
    public var donor: ServiceLevelChange?
    /// The worker's levels in the skills the target queue requires.
    public var skillLevels: [String: Int]
    /// The core's skill fit of the worker for the target queue, 0...1.
    public var skillFit: Double
    /// The automatic cost limit the move was judged against.
    public var costLimit: Double
    /// Every other worker considered for the target queue.
    public var candidatesConsidered: Int
    /// The first of them, the closest contenders first, with why each lost.
    public var losers: [LosingCandidate]
    /// The whole explanation in one sentence, for a timeline.
    public var summary: String

    /// An explanation as given.
    public init(
        target: ServiceLevelChange, targetAfterPlan: Double, donor: ServiceLevelChange?, skillLevels: [String: Int], skillFit: Double,
        costLimit: Double, candidatesConsidered: Int, losers: [LosingCandidate], summary: String
    ) {
        self.target = target
        self.targetAfterPlan = targetAfterPlan
        self.donor = donor
        self.skillLevels = skillLevels
        self.skillFit = skillFit
        self.costLimit = costLimit
        self.candidatesConsidered = candidatesConsidered
        self.losers = losers
        self.summary = summary
    }
}

/// A worker who was not moved to a queue at risk, and why.
public struct LosingCandidate: Sendable, Hashable, Codable {
    /// The worker.
    public var worker: WorkerID
    /// The queue they serve; nil for none.
    public var from: QueueID?
    /// What their move would have cost.
    public var cost: Double
    /// Why they lost.
    public var reason: Reason
    /// The reason with its figures, in words.
    public var detail: String

    /// Why a candidate lost, closest contenders first.
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// Eligible and free, but cheaper workers covered the need.
        case dearer
        /// Moved to another queue at risk instead.
        case movedElsewhere
        /// Their queue's slack went to cheaper moves.
        case donorSlackTaken
        /// Taking them would put their own queue below its goal.
        case donorWithoutSlack
        /// The core's eligibility rules keep them off the queue.
        case notEligible
        /// Not flagged as flexible.
        case notFlexible
        /// Away or offline.
        case unavailable
    }

    /// A losing candidate as given.
    public init(worker: WorkerID, from: QueueID?, cost: Double, reason: Reason, detail: String) {
        self.worker = worker
        self.from = from
        self.cost = cost
        self.reason = reason
        self.detail = detail
    }
}
