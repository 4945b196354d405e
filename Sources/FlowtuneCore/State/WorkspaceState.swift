import Collections
import Foundation

/// Everything a workspace knows: its definitions, workers and open tasks, with the indexes routing needs.
///
/// The state changes only by ``evolve(_:)``, one event at a time, so folding a workspace's log
/// rebuilds it exactly. ``execute(_:context:)`` decides a command against the state and applies
/// the resulting events in place.
public struct WorkspaceState: Sendable {
    /// The workspace's settings.
    public internal(set) var settings: Settings
    /// Every version of every workflow, by id then version.
    public internal(set) var workflows: [WorkflowID: [Workflow]] = [:]
    /// Every published version of every decision, by id then version.
    public internal(set) var decisions: [DecisionID: [PublishedDecision]] = [:]
    /// Queues, in definition order.
    public internal(set) var queues: [QueueRecord] = []
    /// Workers, in registration order.
    public internal(set) var workers: [WorkerRecord] = []
    /// Tasks that have not finished.
    public internal(set) var tasks: [TaskID: WorkTask] = [:]
    /// How each finished task ended.
    public internal(set) var finished: [TaskID: WorkTask.State] = [:]
    /// Whether ``finished`` records every task that ends; see ``recordFinished(_:as:)``. A live
    /// workspace always does; a long simulation turns it off.
    public var remembersFinishedTasks = true
    /// Tasks created with an idempotency key, with the fingerprint of their request.
    public internal(set) var idempotencyKeys: [String: IdempotentCreation] = [:]
    /// How many events have been applied.
    public internal(set) var version: Int64 = 0
    /// The number the next workspace-numbered task gets.
    public internal(set) var nextTaskNumber: Int = 1
    /// Whether some task's id has the form `T<number>` without numbering having given it that
    /// number (a caller chose it): only then can the id of ``nextTaskNumber`` already be taken,
    /// and numbering must look before it takes one.
    public internal(set) var taskNumbersTaken = false
    /// The last worker chosen, for round-robin rotation.
    public internal(set) var rotationCursor: Int = -1
    /// The adaptive response window of every step that declares one, learned from its
    /// response times.
    public internal(set) var responseWindows: [WorkflowStep: QuantileThresholdState] = [:]
    /// The exception-rate watch of every workflow that declares an `exception_rate` alert.
    public internal(set) var exceptionRates: [WorkflowID: ExceptionRateWatch] = [:]
    /// Proposed moves of workers between queues, in the order proposed: every pending one and
    /// the ``decidedReallocationsKept`` most recently decided.
    public internal(set) var reallocations: OrderedDictionary<ReallocationID, ReallocationRecord> = [:]
    /// The number the next proposed move gets.
    public internal(set) var nextReallocationNumber = 1
    /// The predictions routing uses, as last published; nil before any table is.
    public internal(set) var predictions: PredictionTable?
    /// Each team's recent assignments and who is over the fairness bound; see ``fairnessShares()``.
    public internal(set) var fairness = FairnessLedger()
    /// The published predictions arranged for the routing loop; rebuilt from ``predictions``.
    var predictionIndex = PredictionIndex()
    /// Moves of adaptive thresholds folded in by the last event and not yet recorded as their
    /// own event; empty between commands.
    var pendingAdaptive: [PendingAdaptive] = []

    var queueIndex: [QueueID: Int] = [:]
    var workerIndex: [WorkerID: Int] = [:]
    /// Channels numbered in the order first seen, so routing can index by number instead of hashing names.
    var channelNumbers: [Channel: Int] = [:]
    var channelList: [Channel] = []
    /// What routing reads about each worker, parallel to `workers` and free of references,
    /// so the routing loop over hundreds of workers touches only plain memory.
    var hot: [WorkerHot] = []
    /// Where the task last found by id lies in `tasks`. A command finds its task, and the events
    /// it causes are applied to that same task: they start from here instead of hashing the id
    /// again. Cleared whenever a task is added or removed, which invalidates `tasks`' indexes.
    var taskCursor: TaskCursor?
    /// The number of the worker last found by id, tried before hashing an id: the events of one
    /// command mostly name the worker it is about. Checked against the id, so never stale.
    var workerCursor = 0
    /// The number of the queue a task last joined or left, tried before hashing a queue's id
    /// (workspaces with more queues than ``queueNumber(_:)`` compares in turn).
    var queueCursor = 0
    /// Where the workflow last found by id lies in `workflows`; cleared when a workflow is
    /// added, which invalidates the dictionary's indexes.
    var workflowCursor: WorkflowCursor?

    /// How many decided proposals the state keeps for the record; the log keeps them all.
    public static let decidedReallocationsKept = 200
    /// The most distinct channels a workspace can use.
    public static let maxChannels = 16
    var timers = Heap<Timer>()
    var timerSequence: UInt64 = 0

    /// Creates an empty workspace.
    public init(settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Workspace-wide settings.
    public struct Settings: Sendable, Hashable, Codable {
        /// The routing policy in force.
        public var routingPolicy: RoutingPolicyKind
        /// How many candidates each decision records with their full score breakdown.
        public var explainedCandidates: Int
        /// How long an exception item may stay open by default.
        public var exceptionDue: TimeInterval
        /// The settings of the prediction policies (`predictive`, `optimal-batch`); defaults
        /// when absent from recorded settings.
        public var predictive: PredictiveSettings

        /// Creates settings.
        public init(
            routingPolicy: RoutingPolicyKind = .skillScore,
            explainedCandidates: Int = 5, exceptionDue: TimeInterval = 4 * 3600,
            predictive: PredictiveSettings = PredictiveSettings()
        ) {
            self.routingPolicy = routingPolicy
            self.explainedCandidates = explainedCandidates
            self.exceptionDue = exceptionDue
            self.predictive = predictive
        }

        /// Decodes settings; a field missing from settings recorded by an earlier version takes
        /// its default, so every recorded log still replays.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Settings()
            routingPolicy = try container.decodeIfPresent(RoutingPolicyKind.self, forKey: .routingPolicy)
                ?? defaults.routingPolicy
            explainedCandidates = try container.decodeIfPresent(Int.self, forKey: .explainedCandidates)
                ?? defaults.explainedCandidates
            exceptionDue = try container.decodeIfPresent(TimeInterval.self, forKey: .exceptionDue) ?? defaults.exceptionDue
            predictive = try container.decodeIfPresent(PredictiveSettings.self, forKey: .predictive) ?? defaults.predictive
        }
    }

    /// The latest version of a workflow.
    public func workflow(_ id: WorkflowID) -> Workflow? { workflows[id]?.last }

    /// A specific version of a workflow.
    public func workflow(_ id: WorkflowID, version: Int) -> Workflow? {
        workflows[id]?.first { $0.version == version }
    }

    /// Step `id` of a version of a workflow, or its first step when `id` is nil: the same as
    /// `workflow(workflow, version: version)?.step(id)` without copying the whole workflow out
    /// first, which moving a task does on every step.
    func step(_ id: StepID? = nil, of workflow: WorkflowID, version: Int) -> Step? {
        guard let entry = workflowIndex(workflow) else { return nil }
        let versions = workflows.values[entry]
        for index in versions.indices where versions[index].version == version {
            guard let id else { return versions[index].steps.first }
            return versions[index].steps.first { $0.id == id }
        }
        return nil
    }

    /// Where step `id` of a version of a workflow (its first step when `id` is nil) is stored, so
    /// that a caller reads the few fields it needs: copying a step out retains and releases each
    /// of its fields, on every creation and completion. Nil when there is no such step.
    func stepLocation(_ id: StepID? = nil, of workflow: WorkflowID, version: Int) -> StepLocation? {
        guard let entry = workflowIndex(workflow) else { return nil }
        let versions = workflows.values[entry]
        for index in versions.indices where versions[index].version == version {
            let steps = versions[index].steps
            guard let id else { return steps.isEmpty ? nil : StepLocation(steps: steps, position: 0) }
            for position in steps.indices where steps[position].id == id {
                return StepLocation(steps: steps, position: position)
            }
            return nil
        }
        return nil
    }

    /// The id and number of the latest version of a workflow, and whether its first step uses
    /// decisions, read without copying the workflow out.
    func latestVersion(of id: WorkflowID) -> (id: WorkflowID, version: Int, firstStepDecides: Bool)? {
        guard let entry = workflowIndex(id) else { return nil }
        let versions = workflows.values[entry]
        guard !versions.isEmpty else { return nil }
        let latest = versions.count - 1
        let steps = versions[latest].steps
        return (versions[latest].id, versions[latest].version, !steps.isEmpty && !steps[0].decisions.isEmpty)
    }

    /// The queue named `id`.
    public func queue(_ id: QueueID) -> Queue? { queueNumber(id).map { queues[$0].queue } }

    /// The worker named `id`, with its load.
    public func worker(_ id: WorkerID) -> WorkerRecord? { workerIndex[id].map { workers[$0] } }

    /// The open task named `id`.
    public func task(_ id: TaskID) -> WorkTask? { tasks[id] }

    /// The routing policy in force.
    public var policy: any RoutingPolicy { settings.routingPolicy.policy }

    /// The number of a channel already numbered. The few channels of a workspace are compared
    /// in turn: comparing a short name is cheaper than hashing it.
    @inline(__always)
    func channelNumber(_ channel: Channel) -> Int? {
        for index in channelList.indices where channelList[index] == channel { return index }
        return nil
    }

    /// The number of a queue; a workspace with few queues compares their ids in turn rather
    /// than hashing the id.
    @inline(__always)
    func queueNumber(_ id: QueueID) -> Int? {
        if queues.count <= Self.comparedInTurn {
            for index in queues.indices where queues[index].queue.id == id { return index }
            return nil
        }
        if queueCursor < queues.count, queues[queueCursor].queue.id == id { return queueCursor }
        return queueIndex[id]
    }

    /// The number of a registered worker, trying ``workerCursor`` before hashing the id.
    @inline(__always)
    func workerNumber(_ id: WorkerID) -> Int? {
        if workerCursor < workers.count, workers[workerCursor].worker.id == id { return workerCursor }
        return workerIndex[id]
    }

    /// ``workerNumber(_:)``, leaving ``workerCursor`` at the worker found.
    @inline(__always)
    mutating func locateWorker(_ id: WorkerID) -> Int? {
        guard let number = workerNumber(id) else { return nil }
        workerCursor = number
        return number
    }

    /// Where the open task `id` lies in `tasks`, trying ``taskCursor`` before hashing the id, and
    /// leaving the cursor at it.
    @inline(__always)
    mutating func locateTask(_ id: TaskID) -> [TaskID: WorkTask].Index? {
        if let cursor = taskCursor, cursor.id == id { return cursor.index }
        guard let index = tasks.index(forKey: id) else { return nil }
        taskCursor = TaskCursor(id: id, index: index)
        return index
    }

    /// How many ids a look-up compares in turn rather than hashing the one it looks for: a short
    /// id's comparison that fails costs a few instructions, a hash and a probe several times that.
    static let comparedInTurn = 16

    /// Where the versions of workflow `id` lie in `workflows`, trying ``workflowCursor`` first.
    @inline(__always)
    func workflowIndex(_ id: WorkflowID) -> [WorkflowID: [Workflow]].Index? {
        if let cursor = workflowCursor, cursor.id == id { return cursor.index }
        return findWorkflow(id)
    }

    /// The index of workflow `id` in `workflows`: its few keys compared in turn, more hashed.
    @inline(__always)
    private func findWorkflow(_ id: WorkflowID) -> [WorkflowID: [Workflow]].Index? {
        guard workflows.count <= Self.comparedInTurn else { return workflows.index(forKey: id) }
        var index = workflows.startIndex
        while index != workflows.endIndex {
            if workflows.keys[index] == id { return index }
            workflows.formIndex(after: &index)
        }
        return nil
    }

    /// ``workflowIndex(_:)``, leaving ``workflowCursor`` at the workflow found.
    @inline(__always)
    mutating func locateWorkflow(_ id: WorkflowID) -> [WorkflowID: [Workflow]].Index? {
        if let cursor = workflowCursor, cursor.id == id { return cursor.index }
        guard let index = findWorkflow(id) else { return nil }
        workflowCursor = WorkflowCursor(id: id, index: index)
        return index
    }

    /// Tasks in the exception lane, oldest due first.
    public var exceptionLane: [WorkTask] {
        tasks.values.filter { $0.lane == .exception }.sorted {
            ($0.exception?.due ?? .distantFuture, $0.id) < ($1.exception?.due ?? .distantFuture, $1.id)
        }
    }

    /// How many tasks wait in each queue.
    public var waitingCounts: [QueueID: Int] {
        Dictionary(uniqueKeysWithValues: queues.map { ($0.queue.id, $0.waitingCount) })
    }

    /// The earliest time a timer is due, for the shell to sleep until.
    public var nextTimerDue: Date? { timers.min?.due }
}

/// A task's id with where it lies in ``WorkspaceState/tasks``, valid until a task is added or removed.
struct TaskCursor {
    var id: TaskID
    var index: [TaskID: WorkTask].Index
}

/// A workflow's id with where its versions lie in ``WorkspaceState/workflows``, valid until a
/// workflow is added.
struct WorkflowCursor {
    var id: WorkflowID
    var index: [WorkflowID: [Workflow]].Index
}

/// A step of a workflow version where it is stored: `steps[position]`, read field by field.
struct StepLocation {
    let steps: [Step]
    let position: Int
}

/// A task created with an idempotency key.
public struct IdempotentCreation: Sendable, Hashable {
    /// The task created.
    public var task: TaskID
    /// The fingerprint of the request that created it.
    public var fingerprint: UInt64
}

/// A worker with what routing tracks about it.
public struct WorkerRecord: Sendable, Hashable {
    /// The worker's profile and status.
    public internal(set) var worker: Worker
    /// Offered and assigned tasks per channel, for the channels with any.
    public var load: [Channel: Int] {
        var load: [Channel: Int] = [:]
        for entry in channelLoads where entry.count != 0 { load[entry.channel] = entry.count }
        return load
    }
    /// When the worker last became free of all work.
    public internal(set) var idleSince: Date
    /// The queues the worker can ever serve, with how long a task must wait first.
    var queues: [Eligibility] = []
    /// Offered and assigned tasks per channel the worker has ever had work on, zero counts
    /// included: a worker uses a channel or two, and changing a count in this short list costs
    /// less than hashing the channel's name into a dictionary on every offer and release.
    var channelLoads: [ChannelLoad] = []

    /// Creates a worker's record with no load.
    init(worker: Worker, idleSince: Date) {
        self.worker = worker
        self.idleSince = idleSince
    }

    /// All tasks offered to or held by the worker.
    public var totalLoad: Int { channelLoads.reduce(0) { $0 + $1.count } }

    /// The tasks offered to or held by the worker on `channel`.
    public func load(on channel: Channel) -> Int {
        channelLoads.first { $0.channel == channel }?.count ?? 0
    }

    /// Whether the worker can take one more task on `channel`.
    public func hasCapacity(on channel: Channel) -> Bool {
        load(on: channel) < worker.capacity(on: channel)
    }

    /// Adds `delta` to the load on `channel`.
    mutating func addLoad(_ delta: Int, on channel: Channel) {
        if let entry = channelLoads.firstIndex(where: { $0.channel == channel }) {
            channelLoads[entry].count += delta
        } else if delta != 0 {
            channelLoads.append(ChannelLoad(channel: channel, count: delta))
        }
    }

    public static func == (lhs: WorkerRecord, rhs: WorkerRecord) -> Bool {
        lhs.worker == rhs.worker && lhs.load == rhs.load && lhs.idleSince == rhs.idleSince
            && lhs.queues == rhs.queues
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(worker.id)
    }
}

/// How many tasks a worker has on one channel.
struct ChannelLoad: Sendable, Hashable {
    var channel: Channel
    var count: Int
}

/// A queue with its eligible workers and its waiting tasks.
public struct QueueRecord: Sendable, Hashable {
    /// The queue's definition.
    public internal(set) var queue: Queue
    /// Workers that can ever serve the queue, with how long a task must wait first.
    var eligible: [Eligibility] = []
    /// Workers that can never serve the queue, grouped by the unmet requirement.
    var ineligible: [(rule: String, workers: [Int])] = []
    /// Waiting tasks per channel number, each in nine priority levels ordered by waiting time.
    var waiting: [[Deque<WaitingEntry>]] = []
    /// Numbers of the channels that have had waiting tasks, in the order they first did.
    var channels: [Int] = []
    /// How many tasks wait.
    public internal(set) var waitingCount = 0

    public static func == (lhs: QueueRecord, rhs: QueueRecord) -> Bool {
        lhs.queue == rhs.queue && lhs.waitingCount == rhs.waitingCount && lhs.waiting == rhs.waiting
            && lhs.eligible == rhs.eligible
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(queue.id)
    }

    /// The ids of waiting tasks in the order a worker eligible for all of them would take them
    /// if no time passed: priority first, then waiting time.
    public var waitingTasks: [TaskID] {
        channels.flatMap { channel in waiting[channel].flatMap { $0.map(\.task) } }
    }
}

/// That a worker can serve a queue, how long a task must wait first, and how well the worker fits.
struct Eligibility: Sendable, Hashable {
    var worker: Int
    var queue: Int
    var delay: TimeInterval
    var skillFit: Double
}

/// The routing-relevant facts of a worker, as plain values.
struct WorkerHot: Sendable, Equatable {
    var available: Bool
    var idleSince: Double
    var busy: Int32
    var capacity: SIMD16<Int32>
    var load: SIMD16<Int32>
    /// The number of the one queue the worker serves; -1 for every queue it is eligible for, and
    /// `Int32.max` for a queue named but not (yet) defined, which matches none.
    var serving: Int32 = -1

    func hasCapacity(on channel: Int) -> Bool { load[channel] < capacity[channel] }
}

/// A task waiting in a queue.
struct WaitingEntry: Sendable, Hashable {
    var queuedAt: Date
    var task: TaskID
    var declinedBy: [WorkerID]
    /// The task's type in the prediction table (``WorkspaceState/taskType(of:)`` under the
    /// settings in force), kept here so that a freed worker who passes over a line head for
    /// fairness reads it where the head waits, without finding and copying the task. A task's
    /// attributes do not change once it is created; a change of the type attribute retypes
    /// every waiting entry.
    var type: String
}

/// Something that must happen at a time unless the task has moved on.
struct Timer: Sendable, Comparable {
    var due: Date
    var sequence: UInt64
    /// The task the timer is about; nil for a workspace's own timers, such as a slot's end.
    var task: TaskID?
    var kind: Kind

    enum Kind: Sendable, Hashable {
        /// The offer to `worker` lapses unless accepted.
        case offerExpiry(worker: WorkerID, offeredAt: Date)
        /// The escalation stage `level` of `step`, entered at `stepEnteredAt`, fires.
        case escalation(level: Int, step: StepID, stepEnteredAt: Date)
        /// A relaxation stage of the queue starts to apply to the task queued at `queuedAt`.
        case relaxation(queuedAt: Date)
        /// The slot under way of the workflow's exception rate ends.
        case slotEnd(workflow: WorkflowID)
    }

    static func < (lhs: Timer, rhs: Timer) -> Bool {
        (lhs.due, lhs.sequence) < (rhs.due, rhs.sequence)
    }

    static func == (lhs: Timer, rhs: Timer) -> Bool {
        lhs.due == rhs.due && lhs.sequence == rhs.sequence
    }
}

extension WorkspaceState: Equatable {
    /// Two states are equal when their definitions, workers, tasks, waiting lines and counters are;
    /// pending timers are derived bookkeeping and are not compared.
    public static func == (lhs: WorkspaceState, rhs: WorkspaceState) -> Bool {
        lhs.settings == rhs.settings && lhs.workflows == rhs.workflows && lhs.queues == rhs.queues
            && lhs.workers == rhs.workers && lhs.tasks == rhs.tasks && lhs.finished == rhs.finished
            && lhs.idempotencyKeys == rhs.idempotencyKeys && lhs.version == rhs.version
            && lhs.nextTaskNumber == rhs.nextTaskNumber && lhs.taskNumbersTaken == rhs.taskNumbersTaken
            && lhs.rotationCursor == rhs.rotationCursor
            && lhs.hot == rhs.hot && lhs.channelList == rhs.channelList
            && lhs.responseWindows == rhs.responseWindows && lhs.exceptionRates == rhs.exceptionRates
            && lhs.pendingAdaptive == rhs.pendingAdaptive
            && lhs.predictions == rhs.predictions && lhs.fairness == rhs.fairness
            && lhs.reallocations == rhs.reallocations && lhs.nextReallocationNumber == rhs.nextReallocationNumber
    }
}
