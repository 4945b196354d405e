import Foundation

/// A task: one work item travelling through a workflow.
///
/// Named `WorkTask` so that it never shadows Swift's concurrency `Task`.
public struct WorkTask: Sendable {
    /// The task's identifier.
    public var id: TaskID
    /// The workflow the task follows and its version.
    public var workflow: WorkflowID
    /// The workflow version the task started on.
    public var workflowVersion: Int
    /// The current step.
    public var step: StepID
    /// The queue of the current step.
    public var queue: QueueID
    /// Urgency, 1 the most urgent, 9 the least.
    public var priority: Int
    /// Where the task is in its life.
    public var state: State
    /// Routine or exception. Stored after `state`, where it fills the padding `state` leaves.
    public var lane: Lane
    /// The channel the task arrived on.
    public var channel: Channel
    /// Business data, as JSON.
    public var attributes: JSONValue
    /// When the task was created.
    public var createdAt: Date
    /// When the task entered its current step.
    public var stepEnteredAt: Date
    /// When the task last started waiting for a worker; keeps its age across a rejected offer.
    public var queuedAt: Date
    /// How many escalation stages of the current step have fired.
    public var escalationLevel: Int
    /// Evidence gathered so far in the current step.
    public var evidence: [String: JSONValue] {
        get { details?.value.evidence ?? [:] }
        set { changeDetails { $0.evidence = newValue } }
    }
    /// Details of the exception, while in the exception lane.
    public var exception: ExceptionItem? {
        get { details?.value.exception }
        set { changeDetails { $0.exception = newValue } }
    }
    /// Workers who rejected or let lapse an offer of the current step; they are not offered it again.
    public var declinedBy: [WorkerID] {
        get { details?.value.declinedBy ?? [] }
        set { changeDetails { $0.declinedBy = newValue } }
    }
    /// When the task reached a final state.
    public var finishedAt: Date? {
        get { details?.value.finishedAt }
        set { changeDetails { $0.finishedAt = newValue } }
    }
    /// The response window a decision set for the current step, in place of the step's own.
    public var responseWindow: TimeInterval? {
        get { details?.value.responseWindow }
        set { changeDetails { $0.responseWindow = newValue } }
    }
    /// Evidence a decision requires for the current step, on top of the step's own.
    public var decidedEvidence: [String]? {
        get { details?.value.decidedEvidence }
        set { changeDetails { $0.decidedEvidence = newValue } }
    }
    /// The adaptive response window in force when the task entered its current step, for a step
    /// that declares one. Fixed at entry: a window learned later applies to tasks entering later.
    public var learnedResponseWindow: TimeInterval? {
        get { details?.value.learnedResponseWindow }
        set { changeDetails { $0.learnedResponseWindow = newValue } }
    }

    /// The fields above, out of line and nil while all are empty: most tasks never set any, and
    /// every creation, move and completion copies the record routing reads, so they are kept
    /// out of it (one reference instead of seven fields, five of them reference-counted).
    var details: DetailsBox?

    /// Creates a task.
    public init(
        id: TaskID, workflow: WorkflowID, workflowVersion: Int, step: StepID, queue: QueueID,
        lane: Lane = .routine, priority: Int = 5, state: State = .queued, channel: Channel = .default,
        attributes: JSONValue = .object([:]), createdAt: Date
    ) {
        self.id = id
        self.workflow = workflow
        self.workflowVersion = workflowVersion
        self.step = step
        self.queue = queue
        self.lane = lane
        self.priority = priority
        self.state = state
        self.channel = channel
        self.attributes = attributes
        self.createdAt = createdAt
        self.stepEnteredAt = createdAt
        self.queuedAt = createdAt
        self.escalationLevel = 0
        self.details = nil
    }

    /// The response window the task's current step gives it: a decision's `escalate_after`
    /// first, then the adaptive window in force when it entered, then the step's static window.
    public func responseWindow(in step: Step) -> TimeInterval {
        responseWindow ?? learnedResponseWindow ?? step.ownership.responseWindow
    }

    /// Where a task is in its life.
    public enum State: Sendable, Hashable, Codable {
        /// Waiting for a worker.
        case queued
        /// Offered to a worker, who must accept before `expiresAt`.
        case offered(worker: WorkerID, expiresAt: Date)
        /// Being worked by a worker.
        case assigned(worker: WorkerID)
        /// In the exception lane, held by its owner rather than routed.
        case held
        /// All steps done.
        case completed
        /// Withdrawn before completion.
        case cancelled

        /// The worker holding the task, when it is offered or assigned.
        public var worker: WorkerID? {
            switch self {
            case .offered(let worker, _), .assigned(let worker): worker
            default: nil
            }
        }

        /// Whether the task has finished, successfully or not.
        public var isFinal: Bool {
            switch self {
            case .completed, .cancelled: true
            default: false
            }
        }

        /// A short name for listings and filters.
        public var name: String {
            switch self {
            case .queued: "queued"
            case .offered: "offered"
            case .assigned: "assigned"
            case .held: "held"
            case .completed: "completed"
            case .cancelled: "cancelled"
            }
        }
    }
}

/// The standard path or the visible queue of what cannot follow it.
public enum Lane: String, Sendable, Hashable, Codable, CaseIterable {
    /// The standard path, automated where the rule is clear.
    case routine
    /// A visible queue of items that need a person: owner, due time, reason, context, next action.
    case exception
}

/// What a task in the exception lane carries so that someone can act on it.
public struct ExceptionItem: Sendable, Hashable, Codable {
    /// Who must act.
    public var owner: String
    /// When it must be resolved by.
    public var due: Date
    /// Why the task left the standard path.
    public var reason: String
    /// Facts that help the owner decide.
    public var context: [String: String]
    /// What the owner should most likely do.
    public var recommendedAction: String
    /// Who claimed the item, if anyone has.
    public var claimedBy: String?

    /// Creates an exception item.
    public init(
        owner: String, due: Date, reason: String, context: [String: String] = [:],
        recommendedAction: String, claimedBy: String? = nil
    ) {
        self.owner = owner
        self.due = due
        self.reason = reason
        self.context = context
        self.recommendedAction = recommendedAction
        self.claimedBy = claimedBy
    }
}
