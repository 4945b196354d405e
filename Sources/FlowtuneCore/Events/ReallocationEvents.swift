import Foundation

/// A queue predicted to miss its service-level promise over the coming intervals.
public struct QueueRisk: Sendable, Hashable, Codable {
    /// The queue.
    public var queue: QueueID
    /// The predicted share of tasks answered within the promise's time, over the horizon, 0...1.
    public var predictedServiceLevel: Double
    /// What the prediction had to reach: the promise plus the queue's learned safety margin.
    public var goal: Double
    /// How far ahead the prediction looks, in seconds.
    public var horizon: TimeInterval
    /// Tasks waiting when the risk was found.
    public var waiting: Int
    /// Workers serving the queue when the risk was found.
    public var agents: Int

    /// A risk as given.
    public init(
        queue: QueueID, predictedServiceLevel: Double, goal: Double, horizon: TimeInterval, waiting: Int, agents: Int
    ) {
        self.queue = queue
        self.predictedServiceLevel = predictedServiceLevel
        self.goal = goal
        self.horizon = horizon
        self.waiting = waiting
        self.agents = agents
    }
}

/// A queue's predicted service level before and after one move, against its goal.
public struct ServiceLevelShift: Sendable, Hashable, Codable {
    /// The queue.
    public var queue: QueueID
    /// Workers serving it before the move.
    public var agentsBefore: Int
    /// Predicted service level before the move (after the moves listed before it in the same plan).
    public var before: Double
    /// Predicted service level after it.
    public var after: Double
    /// The queue's goal: promise plus margin.
    public var goal: Double

    /// A shift as given.
    public init(queue: QueueID, agentsBefore: Int, before: Double, after: Double, goal: Double) {
        self.queue = queue
        self.agentsBefore = agentsBefore
        self.before = before
        self.after = after
        self.goal = goal
    }
}

/// A worker considered for a move and not chosen, with why.
public struct PassedOverWorker: Sendable, Hashable, Codable {
    /// The worker.
    public var worker: WorkerID
    /// The queue they serve; nil for none.
    public var from: QueueID?
    /// What their move would have cost.
    public var cost: Double
    /// The reason, as a short code such as `dearer` or `notEligible` (the planner's reasons, closest
    /// contenders first: dearer, movedElsewhere, donorSlackTaken, donorWithoutSlack, notEligible,
    /// notFlexible, unavailable).
    public var reason: String
    /// The reason with its figures, in words.
    public var detail: String

    /// A passed-over worker as given.
    public init(worker: WorkerID, from: QueueID?, cost: Double, reason: String, detail: String) {
        self.worker = worker
        self.from = from
        self.cost = cost
        self.reason = reason
        self.detail = detail
    }
}

/// Why a worker is moved: the effect on both queues, the worker's fit, the cost against the
/// automatic limit, and who else was considered.
public struct ReallocationExplanation: Sendable, Hashable, Codable {
    /// The whole explanation in one sentence, for a timeline.
    public var summary: String
    /// The queue at risk, before and after the move.
    public var target: ServiceLevelShift
    /// The queue at risk's predicted service level once every move to it in the same plan is made:
    /// one worker alone may not lift a queue that cannot keep up, the set of them does.
    public var targetAfterPlan: Double
    /// The queue the worker leaves, before and after; nil for a worker who served none.
    public var donor: ServiceLevelShift?
    /// The worker's levels in the skills the queue at risk requires.
    public var skillLevels: [String: Int]
    /// How well the worker covers the queue's skills, 0...1.
    public var skillFit: Double
    /// The automatic cost limit the move was judged against.
    public var costLimit: Double
    /// How many other workers were considered.
    public var candidatesConsidered: Int
    /// The closest of them, with why each lost.
    public var passedOver: [PassedOverWorker]

    /// An explanation as given.
    public init(
        summary: String, target: ServiceLevelShift, targetAfterPlan: Double, donor: ServiceLevelShift?,
        skillLevels: [String: Int], skillFit: Double, costLimit: Double, candidatesConsidered: Int,
        passedOver: [PassedOverWorker]
    ) {
        self.summary = summary
        self.target = target
        self.targetAfterPlan = targetAfterPlan
        self.donor = donor
        self.skillLevels = skillLevels
        self.skillFit = skillFit
        self.costLimit = costLimit
        self.candidatesConsidered = candidatesConsidered
        self.passedOver = passedOver
    }
}

/// A move of a worker from the queue they serve to a queue at risk, as proposed.
public struct ReallocationProposal: Sendable, Hashable, Codable {
    /// The proposal's id, numbered by the workspace.
    public var id: ReallocationID
    /// The worker to move.
    public var worker: WorkerID
    /// The queue they serve now; nil when they serve any queue they are eligible for.
    public var from: QueueID?
    /// The queue at risk they would serve.
    public var to: QueueID
    /// What the move costs.
    public var cost: Double
    /// Why this move.
    public var explanation: ReallocationExplanation
    /// Whether an operator must approve it: its cost is over the automatic limit. A move within
    /// the limit is proposed and applied in the same instant.
    public var needsApproval: Bool

    /// A proposal as given.
    public init(
        id: ReallocationID, worker: WorkerID, from: QueueID?, to: QueueID, cost: Double,
        explanation: ReallocationExplanation, needsApproval: Bool
    ) {
        self.id = id
        self.worker = worker
        self.from = from
        self.to = to
        self.cost = cost
        self.explanation = explanation
        self.needsApproval = needsApproval
    }
}

/// Who let a move happen.
public enum ReallocationApproval: String, Sendable, Hashable, Codable, CaseIterable {
    /// Within the automatic cost limit.
    case automatic
    /// An operator approved it.
    case `operator`
}

/// A worker now serving another queue.
public struct WorkerReallocation: Sendable, Hashable, Codable {
    /// The proposal the move carries out.
    public var proposal: ReallocationID
    /// The worker moved.
    public var worker: WorkerID
    /// The queue they served; nil for any queue they were eligible for.
    public var from: QueueID?
    /// The queue they serve from now on.
    public var to: QueueID
    /// Why the move.
    public var explanation: ReallocationExplanation
    /// Automatic (within the cost limit) or approved by an operator.
    public var approval: ReallocationApproval
    /// `system` for an automatic move, else the operator who approved it.
    public var approvedBy: String

    /// A move as given.
    public init(
        proposal: ReallocationID, worker: WorkerID, from: QueueID?, to: QueueID,
        explanation: ReallocationExplanation, approval: ReallocationApproval, approvedBy: String
    ) {
        self.proposal = proposal
        self.worker = worker
        self.from = from
        self.to = to
        self.explanation = explanation
        self.approval = approval
        self.approvedBy = approvedBy
    }
}

/// An operator's refusal of a proposed move.
public struct ReallocationDecline: Sendable, Hashable, Codable {
    /// The proposal refused.
    public var proposal: ReallocationID
    /// Who refused it.
    public var by: String
    /// Why.
    public var reason: String

    /// A refusal as given.
    public init(proposal: ReallocationID, by: String, reason: String) {
        self.proposal = proposal
        self.by = by
        self.reason = reason
    }
}

/// One reallocation pass's outcome for the core to record: the queues that have just turned at
/// risk and the moves planned, each within the automatic cost limit or not.
public struct ReallocationRound: Sendable, Hashable, Codable {
    /// Queues that have turned at risk since the last pass.
    public var risks: [QueueRisk]
    /// The moves, in the planner's order.
    public var moves: [PlannedMove]

    /// A round as given.
    public init(risks: [QueueRisk], moves: [PlannedMove]) {
        self.risks = risks
        self.moves = moves
    }
}

/// A move the planner chose, before the workspace numbers it.
public struct PlannedMove: Sendable, Hashable, Codable {
    /// The worker to move.
    public var worker: WorkerID
    /// The queue the planner counted the worker on; nil for none.
    public var from: QueueID?
    /// The queue at risk.
    public var to: QueueID
    /// What the move costs.
    public var cost: Double
    /// Whether the cost is over the automatic limit.
    public var needsApproval: Bool
    /// Why this move.
    public var explanation: ReallocationExplanation

    /// A planned move as given.
    public init(
        worker: WorkerID, from: QueueID?, to: QueueID, cost: Double, needsApproval: Bool,
        explanation: ReallocationExplanation
    ) {
        self.worker = worker
        self.from = from
        self.to = to
        self.cost = cost
        self.needsApproval = needsApproval
        self.explanation = explanation
    }
}
