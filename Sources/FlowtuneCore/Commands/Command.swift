import Foundation

/// A request to change a workspace. ``WorkspaceState/decide(_:context:)`` turns it into events or refuses it.
public enum Command: Sendable, Hashable {
    /// Define or redefine a workflow; a redefinition gets the next version.
    case defineWorkflow(Workflow)
    /// Define or redefine a queue.
    case defineQueue(Queue)
    /// Register a worker or replace its profile.
    case registerWorker(Worker)
    /// Change a worker's status.
    case setWorkerStatus(WorkerID, Worker.Status)
    /// Choose the workspace's routing policy.
    case setRoutingPolicy(RoutingPolicyKind)
    /// Replace the workspace's settings, the routing policy among them.
    case configure(WorkspaceState.Settings)
    /// Create a task.
    case createTask(NewTask)
    /// A worker accepts an offer.
    case acceptOffer(TaskID, worker: WorkerID)
    /// A worker rejects an offer.
    case rejectOffer(TaskID, worker: WorkerID)
    /// A worker completes the task's current step.
    case completeStep(TaskID, worker: WorkerID, outcome: String?, evidence: [String: JSONValue])
    /// Withdraw a task.
    case cancelTask(TaskID, reason: String)
    /// Move a task to the exception lane by hand.
    case flagException(TaskID, reason: String, context: [String: String])
    /// Take ownership of an exception item.
    case claimException(TaskID)
    /// Resolve an exception item.
    case resolveException(TaskID, ExceptionResolution, note: String)
    /// Override an automated decision, with a reason.
    case override(TaskID, Override, reason: String)
    /// Act on every timer due at the context's time: offer timeouts, escalations, relaxations.
    case fireTimers
    /// Publishes a decision file as the decision's next version, once it loads cleanly and its
    /// example cases pass.
    case publishDecision(DefinitionSource)
    /// Publishes an earlier version of a decision again, as its next version.
    case rollbackDecision(DecisionID, to: Int)
    /// Publishes the predictions routing uses from now on; routes nothing by itself.
    case publishPredictions(PredictionTable)
    /// Routes the waiting tasks now: the `optimal-batch` policy assigns them to the free capacity
    /// at once; the engine or simulator issues this every ``PredictiveSettings/batchInterval``.
    /// Under other policies every free worker takes the best waiting tasks, as on any event.
    case routeWaiting
    /// Records a reallocation pass: the queues that turned at risk, and the moves planned, each
    /// numbered as a proposal and, within the automatic cost limit, applied at once.
    case reallocate(ReallocationRound)
    /// An operator approves a pending move: the worker serves the proposal's queue from now on.
    case approveReallocation(ReallocationID)
    /// An operator declines a pending move, with a reason.
    case declineReallocation(ReallocationID, reason: String)
}

/// A request to create a task.
public struct NewTask: Sendable, Hashable, Codable {
    /// The id to give the task; the workspace numbers it when nil.
    public var id: TaskID?
    /// The workflow to follow.
    public var workflow: WorkflowID
    /// The channel the task arrived on.
    public var channel: Channel
    /// Urgency, 1–9; 5 when not given.
    public var priority: Int
    /// Business data.
    public var attributes: JSONValue
    /// A key that makes retries safe: the same key and payload return the same task.
    public var idempotencyKey: String?

    /// Creates a request.
    public init(
        id: TaskID? = nil, workflow: WorkflowID, channel: Channel = .default, priority: Int = 5,
        attributes: JSONValue = .object([:]), idempotencyKey: String? = nil
    ) {
        self.id = id
        self.workflow = workflow
        self.channel = channel
        self.priority = priority
        self.attributes = attributes
        self.idempotencyKey = idempotencyKey
    }

    /// A fingerprint of everything but the key, to tell a retry from a conflicting reuse.
    public var fingerprint: UInt64 {
        var hasher = StableHasher()
        hasher.combine(id?.rawValue ?? "")
        hasher.combine(workflow.rawValue)
        hasher.combine(channel.rawValue)
        hasher.combine(String(priority))
        attributes.feed(into: &hasher)
        return hasher.value
    }
}

/// Who is acting and when: everything a decision needs besides the state and the command.
public struct CommandContext: Sendable, Hashable {
    /// The time of the decision, from the injected clock.
    public var now: Date
    /// Who is acting.
    public var actor: String
    /// What caused the command, recorded on its events.
    public var cause: String?
    /// How much of each routing decision's explanation to build. The engine explains in full; the
    /// simulator, which reads only the choice, asks for ``RoutingDetail/choiceOnly``. The worker
    /// or task chosen is the same either way.
    public var routingDetail: RoutingDetail

    /// Creates a context.
    public init(now: Date, actor: String = "system", cause: String? = nil, routingDetail: RoutingDetail = .explained) {
        self.now = now
        self.actor = actor
        self.cause = cause
        self.routingDetail = routingDetail
    }
}

/// How much of a routing decision's explanation the core builds.
///
/// ```swift
/// // A simulation run that only needs who got the work:
/// let context = CommandContext(now: clock.now, actor: "simulator", routingDetail: .choiceOnly)
/// ```
public enum RoutingDetail: Sendable, Hashable {
    /// Candidates with their score breakdown, exclusions by rule, why the runner-up lost: what
    /// the engine stores with every decision.
    case explained
    /// The choice, the policy and version that made it and how many candidates passed the hard
    /// filters; no candidates, exclusions or runner-up text. For the skill-score, round-robin
    /// and longest-idle policies; the prediction policies always explain in full.
    case choiceOnly
}

/// A refused command: what was wrong and which field to fix.
///
/// ```swift
/// do { try state.execute(.acceptOffer(id, worker: "w9"), context: context) }
/// catch let error as CommandError where error.code == .forbidden { ... }
/// ```
public struct CommandError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of refusal.
    public var code: Code
    /// What went wrong, for a person.
    public var message: String
    /// The field of the request at fault, when one is.
    public var field: String?

    /// Creates an error.
    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public var description: String {
        field.map { "\(message) (field: \($0))" } ?? message
    }

    /// The kinds of refusal.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Something named does not exist.
        public static let notFound = Code("not-found")
        /// The request is malformed or breaks a rule of the domain.
        public static let invalid = Code("invalid")
        /// The request does not fit the current state, such as accepting an expired offer.
        public static let conflict = Code("conflict")
        /// The actor may not do this, such as completing someone else's task.
        public static let forbidden = Code("forbidden")
        /// An idempotency key was reused with another payload.
        public static let idempotencyMismatch = Code("idempotency-mismatch")
        /// A completion lacks required evidence.
        public static let missingEvidence = Code("missing-evidence")
    }
}

/// FNV-1a over strings: stable across processes, unlike `Hasher`, so fingerprints can be stored.
struct StableHasher {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(_ text: String) {
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x100_0000_01b3
        }
        value ^= 0xff
        value &*= 0x100_0000_01b3
    }
}

extension JSONValue {
    fileprivate func feed(into hasher: inout StableHasher) {
        switch self {
        case .null: hasher.combine("n")
        case .bool(let value): hasher.combine(value ? "t" : "f")
        case .number(let value): hasher.combine("#\(value)")
        case .string(let value): hasher.combine("s\(value)")
        case .array(let values):
            hasher.combine("[\(values.count)")
            for value in values { value.feed(into: &hasher) }
        case .object(let members):
            hasher.combine("{\(members.count)")
            for key in members.keys.sorted() {
                hasher.combine(key)
                members[key]!.feed(into: &hasher)
            }
        }
    }
}
