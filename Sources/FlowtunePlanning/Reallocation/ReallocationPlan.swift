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
    public var moves: [PlannedMove]

    /// A plan as given.
    public init(time: Date, queues: [QueueAssessment], moves: [PlannedMove]) {
        self.time = time
        self.queues = queues
        self.moves = moves
    }

    /// The moves to apply now, their cost within the automatic limit.
    public var applied: [PlannedMove] { moves.filter { !$0.needsApproval } }
    /// The moves that wait for an operator's approval.
    public var pendingApproval: [PlannedMove] { moves.filter(\.needsApproval) }

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

/// Why a worker considered for a move to a queue at risk was not moved, closest contenders
/// first. The raw value is the code an explanation records in ``PassedOverWorker/reason``.
public enum PassOverReason: String, Sendable, Hashable, Codable, CaseIterable {
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
