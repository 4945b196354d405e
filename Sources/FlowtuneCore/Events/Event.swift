import Foundation

/// An immutable fact, with when it happened, who caused it and why.
///
/// Events are the only way state changes: the state of a workspace is the fold of its log.
public struct Event: Sendable, Hashable, Codable {
    /// When the fact happened.
    public var time: Date
    /// Who caused it: a worker id, an API key's name, or `system` for timers and routing.
    public var actor: String
    /// What caused it, such as the command or timer that led to it.
    public var cause: String?
    /// The fact itself.
    public var payload: EventPayload

    /// Creates an event.
    public init(time: Date, actor: String, cause: String? = nil, payload: EventPayload) {
        self.time = time
        self.actor = actor
        self.cause = cause
        self.payload = payload
    }

    /// The event type's name, such as `TaskCreated`.
    public var type: String { payload.type }

    /// The task the event is about, if any.
    public var taskID: TaskID? { payload.taskID }
}

/// The facts Flowtune records.
///
/// The cases a workspace records rarely (definitions, settings, adaptive moves, reallocations)
/// are `indirect`: boxed, they keep the enum the size of the routine task events, which every
/// command copies into its result. Boxing changes neither equality nor the encoded form.
public enum EventPayload: Sendable, Hashable, Codable {
    /// A workflow was defined or redefined; the workflow carries its version.
    indirect case workflowDefined(Workflow)
    /// A version of a decision was published, or an earlier one restored.
    indirect case decisionPublished(DecisionPublication)
    /// A decision was evaluated for a task entering a step, and the step took its outputs.
    indirect case decisionApplied(DecisionApplication)
    /// A queue was defined or redefined.
    indirect case queueDefined(Queue)
    /// A worker was registered or its profile changed.
    indirect case workerRegistered(Worker)
    /// A worker's status changed.
    case workerStatusChanged(worker: WorkerID, status: Worker.Status)
    /// The workspace's routing policy changed.
    case policyChanged(RoutingPolicyKind)
    /// The workspace's settings changed; the payload holds all of them.
    indirect case settingsChanged(WorkspaceState.Settings)
    /// A task was created and entered its first step.
    case taskCreated(TaskCreated)
    /// Routing offered a task to a worker; the decision explains why.
    case taskOffered(task: TaskID, worker: WorkerID, expiresAt: Date, decision: RoutingDecision)
    /// The worker accepted the offer and now owns the step.
    case offerAccepted(task: TaskID, worker: WorkerID)
    /// The worker rejected the offer or let it expire; the task waits again.
    case offerDeclined(task: TaskID, worker: WorkerID, reason: DeclineReason)
    /// A worker completed the task's current step.
    case stepCompleted(StepCompletion)
    /// The task left the standard path.
    case movedToException(task: TaskID, item: ExceptionItem)
    /// Someone took ownership of an exception item.
    case exceptionClaimed(task: TaskID, by: String)
    /// An exception was resolved.
    case exceptionResolved(task: TaskID, resolution: ExceptionResolution, note: String)
    /// A step's response window passed and an escalation stage fired.
    case escalated(task: TaskID, step: StepID, level: Int, action: EscalationAction)
    /// The task's priority changed.
    case priorityChanged(task: TaskID, from: Int, to: Int)
    /// A person overrode an automated decision.
    case overrideApplied(task: TaskID, change: Override, reason: String)
    /// The task was withdrawn.
    case taskCancelled(task: TaskID, reason: String)
    /// A step's adaptive response window moved.
    indirect case thresholdChanged(ResponseWindowChange)
    /// A slot of a workflow's exception rate ended.
    case exceptionRateObserved(ExceptionRateObservation)
    /// A workflow's exception rate left its expected band.
    indirect case exceptionRateAlert(ExceptionRateSignal)
    /// A workflow's exception rate came back into its expected band.
    indirect case exceptionRateRecovered(ExceptionRateSignal)
    /// A table of predictions was published for routing to use.
    case predictionsPublished(PredictionTable)
    /// A queue was predicted to miss its promise over the coming intervals; recorded when it
    /// turns at risk, not again while it stays so.
    case queueAtRisk(QueueRisk)
    /// A move of a worker to a queue at risk was proposed, to apply at once or for an operator.
    indirect case reallocationProposed(ReallocationProposal)
    /// A worker now serves another queue, automatically or as an operator approved.
    indirect case workerReallocated(WorkerReallocation)
    /// An operator declined a proposed move.
    case reallocationDeclined(ReallocationDecline)

    /// The event type's name.
    public var type: String {
        switch self {
        case .workflowDefined: "WorkflowDefined"
        case .decisionPublished: "DecisionPublished"
        case .decisionApplied: "DecisionApplied"
        case .queueDefined: "QueueDefined"
        case .workerRegistered: "WorkerRegistered"
        case .workerStatusChanged: "WorkerStatusChanged"
        case .policyChanged: "PolicyChanged"
        case .settingsChanged: "SettingsChanged"
        case .taskCreated: "TaskCreated"
        case .taskOffered: "TaskRouted"
        case .offerAccepted: "OfferAccepted"
        case .offerDeclined: "OfferDeclined"
        case .stepCompleted: "StepCompleted"
        case .movedToException: "MovedToException"
        case .exceptionClaimed: "ExceptionClaimed"
        case .exceptionResolved: "ExceptionResolved"
        case .escalated: "Escalated"
        case .priorityChanged: "PriorityChanged"
        case .overrideApplied: "OverrideApplied"
        case .taskCancelled: "TaskCancelled"
        case .thresholdChanged: "ThresholdChanged"
        case .exceptionRateObserved: "ExceptionRateObserved"
        case .exceptionRateAlert: "ExceptionRateAlert"
        case .exceptionRateRecovered: "ExceptionRateRecovered"
        case .predictionsPublished: "PredictionsPublished"
        case .queueAtRisk: "QueueAtRisk"
        case .reallocationProposed: "ReallocationProposed"
        case .workerReallocated: "WorkerReallocated"
        case .reallocationDeclined: "ReallocationDeclined"
        }
    }

    /// Whether the event records the move of an adaptive threshold that an earlier event caused.
    var recordsAdaptiveMove: Bool {
        switch self {
        case .thresholdChanged, .exceptionRateAlert, .exceptionRateRecovered: true
        default: false
        }
    }

    /// The task the event is about, if any.
    public var taskID: TaskID? {
        switch self {
        case .workflowDefined, .queueDefined, .workerRegistered, .workerStatusChanged, .policyChanged, .settingsChanged,
            .decisionPublished, .thresholdChanged, .exceptionRateObserved, .exceptionRateAlert, .exceptionRateRecovered,
            .queueAtRisk, .reallocationProposed, .workerReallocated, .reallocationDeclined, .predictionsPublished:
            nil
        case .decisionApplied(let application): application.task
        case .taskCreated(let created): created.task
        case .taskOffered(let task, _, _, _), .offerAccepted(let task, _), .offerDeclined(let task, _, _),
            .movedToException(let task, _), .exceptionClaimed(let task, _), .exceptionResolved(let task, _, _),
            .escalated(let task, _, _, _), .priorityChanged(let task, _, _), .overrideApplied(let task, _, _),
            .taskCancelled(let task, _):
            task
        case .stepCompleted(let completion): completion.task
        }
    }
}

/// The facts of a task's creation.
public struct TaskCreated: Sendable, Hashable, Codable {
    /// The new task's id.
    public var task: TaskID
    /// The workflow and version it follows.
    public var workflow: WorkflowID
    /// The workflow version.
    public var workflowVersion: Int
    /// The channel it arrived on.
    public var channel: Channel
    /// Its urgency, 1–9.
    public var priority: Int
    /// Its business data.
    public var attributes: JSONValue
    /// The caller's idempotency key, if one was given.
    public var idempotencyKey: String?
    /// A fingerprint of the request, to tell a retry from a conflicting reuse of the key.
    public var fingerprint: UInt64?

    /// Creates the facts of a creation.
    public init(
        task: TaskID, workflow: WorkflowID, workflowVersion: Int, channel: Channel, priority: Int,
        attributes: JSONValue, idempotencyKey: String? = nil, fingerprint: UInt64? = nil
    ) {
        self.task = task
        self.workflow = workflow
        self.workflowVersion = workflowVersion
        self.channel = channel
        self.priority = priority
        self.attributes = attributes
        self.idempotencyKey = idempotencyKey
        self.fingerprint = fingerprint
    }
}

/// The facts of a step's completion.
public struct StepCompletion: Sendable, Hashable, Codable {
    /// The task.
    public var task: TaskID
    /// The step completed.
    public var step: StepID
    /// Who completed it.
    public var worker: WorkerID?
    /// The outcome that chose the transition.
    public var outcome: String
    /// The evidence supplied.
    public var evidence: [String: JSONValue]
    /// Where the task goes next.
    public var next: Transition

    /// Creates the facts of a completion.
    public init(
        task: TaskID, step: StepID, worker: WorkerID?, outcome: String, evidence: [String: JSONValue],
        next: Transition
    ) {
        self.task = task
        self.step = step
        self.worker = worker
        self.outcome = outcome
        self.evidence = evidence
        self.next = next
    }
}

/// Why an offer did not turn into work.
public enum DeclineReason: String, Sendable, Hashable, Codable {
    /// The worker said no.
    case rejected
    /// The worker did not answer in time.
    case timedOut
    /// The offer was withdrawn, by an escalation or an override.
    case withdrawn
}

/// How an exception ends.
public enum ExceptionResolution: Sendable, Hashable, Codable {
    /// Back to the routine lane, waiting at the named step.
    case resume(StepID)
    /// The task is finished.
    case complete
    /// The task is withdrawn.
    case cancel
}

/// A person's change to an automated decision.
public enum Override: Sendable, Hashable, Codable {
    /// Give the task to this worker, now.
    case reassign(WorkerID)
    /// Set the task's priority.
    case priority(Int)
    /// Move the task to a lane.
    case lane(Lane)
}
