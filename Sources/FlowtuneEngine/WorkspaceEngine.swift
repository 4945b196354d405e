import FlowtuneCore
import FlowtunePlanning
import FlowtuneStore
import Foundation
import Synchronization

/// The live owner of one workspace: decides commands against in-memory state, persists their
/// events with group commit, and acknowledges a command only once its events are durable.
///
/// One engine per workspace is the only writer of that workspace's log. Commands run one at a
/// time on the actor; while one batch of events is being committed, the next commands are
/// decided and gather into the following batch, so many commands share one transaction.
///
/// ```swift
/// let engine = try await WorkspaceEngine.open("acme", store: store, clock: SystemClock())
/// let outcome = try await engine.submit(.createTask(NewTask(workflow: "support")), actor: "api")
/// ```
public actor WorkspaceEngine {
    /// The workspace this engine owns.
    public let workspace: WorkspaceID
    private let store: any EventStore
    private let clock: any WallClock
    private var state: WorkspaceState
    /// The version of the log known to be durable.
    private var durableVersion: Int64
    /// The events decided but not yet handed to the store, encoded as each command was decided:
    /// encoding them then finds them in the cache, and a command whose caller only waits for an
    /// acknowledgement (``acknowledge(_:actor:cause:)``) frees its events at once.
    private var encoder = EventBatchEncoder()
    /// The same events kept whole for the subscribers, one array per command, from the first
    /// command decided while anyone subscribed; empty while nobody does.
    private var pending: [[Event]] = []
    /// Where in the encoder's batch `pending` begins, once it holds anything.
    private var pendingStart: Int?
    /// The buffer the events of a command nobody holds are decided into, emptied after each.
    private var scratch: [Event] = []
    /// The commands waiting for the encoded batch to be durable, each resumed exactly once, by `flush`.
    private var pendingWaiters: [Waiter] = []
    /// Commands submitted from outside the actor and not yet decided. A submitter leaves its
    /// command here with the continuation it waits on and suspends once: the actor decides what
    /// has gathered in one turn, and the commit resumes the submitter straight on its own
    /// executor, rather than through the actor (a hop on, a resume on the actor, a hop off).
    private let inbox = Mutex(Inbox())
    /// The array the next drain hands the inbox in place of the one it takes: emptied by the
    /// drain before, its capacity kept, so that submitters append without regrowing it (each
    /// regrowth copies every submission in it).
    private var spareSubmissions: [Submission] = []
    private var isFlushing = false
    /// Set while the state is being reloaded after a failed commit; commands wait for it.
    private var recovery: Task<Void, Never>?
    private var subscribers: [UUID: AsyncStream<StoredEvent>.Continuation] = [:]
    /// Subscriptions handed each commit's events as one array.
    private var commitSubscribers: [UUID: AsyncStream<[StoredEvent]>.Continuation] = [:]
    /// The real-time reallocation pass: what it has learned, and when it runs next; nil while off.
    private var reallocation: ReallocationMonitor?
    private var nextReallocation: Date?
    /// When the timer loop next assigns the waiting tasks as one batch; set only while the
    /// policy is `optimal-batch` with a batch interval.
    private var nextBatch: Date?
    /// Whether the commit chain is timed (``commitTrace()``); fixed when the engine opens, so that
    /// submitters read it without the actor.
    private nonisolated let tracing: Bool
    /// The least time from the start of one append to the start of the next (``spaceCommits(by:)``).
    private var commitSpacing = Duration.zero
    /// The timings so far, while tracing.
    private var trace = CommitTrace()
    /// What the batch being gathered has cost the actor so far, while tracing.
    private var openTrace = OpenBatchTrace()

    private init(
        workspace: WorkspaceID, store: any EventStore, clock: any WallClock, state: WorkspaceState, tracing: Bool
    ) {
        self.workspace = workspace
        self.store = store
        self.clock = clock
        self.state = state
        self.durableVersion = state.version
        self.tracing = tracing
    }

    /// Opens a workspace, rebuilding its state by folding its log.
    ///
    /// With `tracingCommits`, the engine times each link of its commit chain (``commitTrace()``);
    /// for benchmarks, since it keeps a record per batch and per command.
    public static func open(
        _ workspace: WorkspaceID, store: any EventStore, clock: any WallClock,
        settings: WorkspaceState.Settings = WorkspaceState.Settings(), tracingCommits: Bool = false
    ) async throws -> WorkspaceEngine {
        let state = try await rebuild(workspace, store: store, settings: settings)
        return WorkspaceEngine(workspace: workspace, store: store, clock: clock, state: state, tracing: tracingCommits)
    }

    /// The commit chain's timings so far, when the engine was opened with `tracingCommits`.
    public func commitTrace() -> CommitTrace? {
        tracing ? trace : nil
    }

    private static func rebuild(
        _ workspace: WorkspaceID, store: any EventStore, settings: WorkspaceState.Settings
    ) async throws -> WorkspaceState {
        let folder = Folder(state: WorkspaceState(settings: settings))
        try await store.replay(workspace, after: 0) { batch in
            folder.apply(batch)
        }
        return folder.state
    }

    // MARK: - Commands

    /// Decides `command` at the clock's current time and waits until its events are durable.
    ///
    /// Throws ``CommandError`` when the command is refused (nothing changes), or the store's
    /// error when the events could not be committed (the engine then reloads from the log, so
    /// the refused command leaves no trace).
    ///
    /// With `reportingTask`, the outcome also carries the task the command was about as the
    /// command left it (``CommandOutcome/task``, or ``CommandOutcome/finishedState`` once it has
    /// ended), so that a caller answering with the task needs no second call to the engine:
    ///
    /// ```swift
    /// let outcome = try await engine.submit(.acceptOffer(id, worker: "ana"), actor: "ana", reportingTask: true)
    /// print(outcome.task?.state ?? .completed)
    /// ```
    @discardableResult
    public nonisolated func submit(
        _ command: Command, actor: String, cause: String? = nil, reportingTask: Bool = false
    ) async throws -> CommandOutcome {
        try await enqueue(command, actor: actor, cause: cause, reportingTask: reportingTask, keepsEvents: true)
    }

    /// Decides `command` like ``submit(_:actor:cause:reportingTask:)`` and waits until its events
    /// are durable, answering only with what a caller that does not read the events needs.
    ///
    /// The events are stored exactly as `submit` stores them, with the full explanation of every
    /// decision; they are only not handed back, so that they can be freed as soon as they are
    /// encoded. Read them from the log (``EventStore/read(_:after:limit:)`` from
    /// ``CommandAcknowledgement/firstSequence``) or from a subscription when they are needed.
    ///
    /// ```swift
    /// let created = try await engine.acknowledge(.createTask(NewTask(workflow: "support")), actor: "api")
    /// if let task = created.createdTask, let worker = created.offeredWorker {
    ///     try await engine.acknowledge(.acceptOffer(task, worker: worker), actor: worker.rawValue)
    /// }
    /// ```
    @discardableResult
    public nonisolated func acknowledge(
        _ command: Command, actor: String, cause: String? = nil
    ) async throws -> CommandAcknowledgement {
        CommandAcknowledgement(try await enqueue(command, actor: actor, cause: cause, reportingTask: false, keepsEvents: false))
    }

    private nonisolated func enqueue(
        _ command: Command, actor: String, cause: String?, reportingTask: Bool, keepsEvents: Bool
    ) async throws -> CommandOutcome {
        try await withUnsafeThrowingContinuation { continuation in
            let start = inbox.withLock { inbox in
                // Made in place: a submission made outside the lock would be copied into the inbox,
                // retaining everything its command holds, and the original then released.
                inbox.submissions.append(Submission(
                    command: command, actor: actor, cause: cause, reportingTask: reportingTask, keepsEvents: keepsEvents,
                    continuation: continuation, arrivedAt: tracing ? CommitTrace.now() : 0))
                defer { inbox.isDraining = true }
                return !inbox.isDraining
            }
            if start { Task { await self.drain() } }
        }
    }

    /// Decides the submitted commands in arrival order until none is left, yielding between
    /// rounds so that a finished commit can wake its commands and start the next one.
    private func drain() async {
        while true {
            if let recovery { await recovery.value }
            // Swapped rather than assigned, so that each array stays uniquely referenced and
            // appending to it never copies it.
            var submissions: [Submission] = []
            swap(&submissions, &spareSubmissions)
            inbox.withLock { inbox in
                swap(&inbox.submissions, &submissions)
                if submissions.isEmpty { inbox.isDraining = false }
            }
            if submissions.isEmpty {
                swap(&submissions, &spareSubmissions)
                return
            }
            // Reversed and popped, so that each submission moves into `decide` in arrival order:
            // iterating or subscripting the array copies each one, retaining all its command
            // holds, and releases it again with the array. Reversing only moves the elements.
            submissions.reverse()
            if tracing {
                let start = CommitTrace.now()
                while let submission = submissions.popLast() {
                    noteArrival(submission.arrivedAt, decidedFrom: start)
                    decide(submission)
                }
                let time = CommitTrace.now() - start
                openTrace.rounds += 1
                openTrace.decideNanoseconds += time
                trace.actorBusyNanoseconds += time
            } else {
                while let submission = submissions.popLast() { decide(submission) }
            }
            swap(&submissions, &spareSubmissions)
            await Task.yield()
        }
    }

    /// Notes how long a command took to reach the inbox from the latest wake-up begun before it
    /// arrived, and to be decided from there.
    private func noteArrival(_ arrivedAt: UInt64, decidedFrom start: UInt64) {
        // The batches just before the end: a command arrives within a cycle or two of its wake-up.
        for index in trace.batches.indices.reversed().prefix(4) {
            let woken = trace.batches[index].resumeStartedAt
            if woken > 0 && woken <= arrivedAt {
                trace.resumeToInbox.append(arrivedAt - woken)
                break
            }
        }
        trace.inboxToDecide.append(start &- arrivedAt)
    }

    /// Decides one submitted command: a refusal is answered at once, anything else once the
    /// batches up to and including its events are durable.
    private func decide(_ submission: consuming Submission) {
        let context = CommandContext(now: clock.now(), actor: submission.actor, cause: submission.cause)
        // Events that nobody holds once they are encoded are decided into one buffer kept from
        // command to command, so that such a command allocates no array for them.
        let keepsEvents = submission.keepsEvents || publishes
        var events: [Event] = []
        if !keepsEvents { swap(&events, &scratch) }
        defer {
            if !keepsEvents {
                events.removeAll(keepingCapacity: true)
                swap(&events, &scratch)
            }
        }
        do {
            try state.execute(submission.command, context: context, appendingTo: &events)
        } catch {
            submission.continuation.resume(throwing: error)
            return
        }
        if reallocation != nil { reallocation!.observe(events, state: state) }
        let createdTask = createdTask(submission.command, events)
        var outcome = CommandOutcome(
            events: submission.keepsEvents ? events : [], firstSequence: state.version - Int64(events.count) + 1,
            createdTask: createdTask)
        outcome.eventCount = events.count
        outcome.offeredWorker = Self.offeredWorker(of: createdTask ?? Self.task(of: submission.command), in: events)
        if submission.reportingTask, let id = outcome.createdTask ?? Self.task(of: submission.command) {
            let task = state.task(id)
            outcome.report = .task(task, finished: task == nil ? state.finished[id] : nil)
        }
        // A command with no events still waits for the batches decided before it (see `commit`).
        if events.isEmpty && encoder.isEmpty && !isFlushing {
            submission.continuation.resume(returning: outcome)
            return
        }
        if !events.isEmpty { record(events) }
        pendingWaiters.append(.command(submission.continuation, outcome))
        startFlushing()
    }

    /// Encodes a command's events into the open batch, and keeps them whole for the subscribers
    /// from the first command decided while anyone subscribes.
    private func record(_ events: [Event]) {
        if publishes {
            if pendingStart == nil { pendingStart = encoder.count }
            pending.append(events)
        }
        encoder.add(events)
    }

    /// Whether the events decided now are to be handed to the subscribers once durable.
    private var publishes: Bool {
        pendingStart != nil || !subscribers.isEmpty || !commitSubscribers.isEmpty
    }

    /// The worker `task` was offered to among `events`, by index: iterating would copy each event,
    /// retaining all it holds.
    private static func offeredWorker(of task: TaskID?, in events: [Event]) -> WorkerID? {
        guard let task else { return nil }
        for index in events.indices {
            if case .taskOffered(task, let worker, _, _) = events[index].payload { return worker }
        }
        return nil
    }

    /// The task a command is about, for the commands that name one.
    private static func task(of command: Command) -> TaskID? {
        switch command {
        case .acceptOffer(let task, _), .rejectOffer(let task, _), .completeStep(let task, _, _, _),
            .cancelTask(let task, _), .flagException(let task, _, _), .claimException(let task),
            .resolveException(let task, _, _), .override(let task, _, _):
            task
        default:
            nil
        }
    }

    /// Decides several commands in order and waits once for all of them to be durable.
    ///
    /// Each command succeeds or fails on its own; a refused command does not stop the others.
    public func submit(
        _ commands: [Command], actor: String, cause: String? = nil
    ) async throws -> [Result<CommandOutcome, CommandError>] {
        if let recovery { await recovery.value }
        var results: [Result<CommandOutcome, CommandError>] = []
        results.reserveCapacity(commands.count)
        for command in commands {
            let context = CommandContext(now: clock.now(), actor: actor, cause: cause)
            do {
                let events = try state.execute(command, context: context)
                if reallocation != nil { reallocation!.observe(events, state: state) }
                if !events.isEmpty { record(events) }
                let createdTask = createdTask(command, events)
                var outcome = CommandOutcome(
                    events: events, firstSequence: state.version - Int64(events.count) + 1, createdTask: createdTask)
                outcome.offeredWorker = Self.offeredWorker(of: createdTask ?? Self.task(of: command), in: events)
                results.append(.success(outcome))
            } catch {
                results.append(.failure(error))
            }
        }
        try await commit()
        return results
    }

    /// Acts on every timer due now: offer timeouts, escalations, relaxations.
    @discardableResult
    public func fireDueTimers() async throws -> [Event] {
        guard let due = state.nextTimerDue, due <= clock.now() else { return [] }
        return try await submit(.fireTimers, actor: "system", cause: "timer").events
    }

    /// The task a creation made or found. Reads only the idempotency index of the state: passing
    /// the whole state as an argument would copy it (and retain each of its members) per command.
    private func createdTask(_ command: Command, _ events: [Event]) -> TaskID? {
        guard case .createTask(let request) = command else { return nil }
        // By index: iterating would copy each event, retaining all it holds.
        for index in events.indices {
            if case .taskCreated(let created) = events[index].payload { return created.task }
        }
        if let key = request.idempotencyKey { return state.idempotencyKeys[key]?.task }
        return nil
    }

    // MARK: - Group commit

    /// Returns once the batch holding what has been recorded so far is durable.
    ///
    /// A command with no events still waits for the batches decided before it, because what it
    /// answered may depend on them (a retried creation finds the task an earlier command made).
    private func commit() async throws {
        if encoder.isEmpty && !isFlushing { return }
        try await withUnsafeThrowingContinuation { (continuation: UnsafeContinuation<Void, any Error>) in
            pendingWaiters.append(.batch(continuation))
            startFlushing()
        }
    }

    private func startFlushing() {
        if !isFlushing {
            isFlushing = true
            Task { await self.flush() }
        }
    }

    /// Spaces the starts of consecutive appends by at least `spacing`, so that under load each
    /// commit carries more commands: fewer transactions and syncs for the same work, each command
    /// waiting up to `spacing` longer. Zero (the default) starts the next append as soon as the
    /// previous one returns.
    public func spaceCommits(by spacing: Duration) {
        commitSpacing = max(spacing, .zero)
    }

    /// Commits batch after batch until no command waits.
    ///
    /// Once a batch is durable, the next one (the commands decided meanwhile) is handed to the
    /// store before the finished batch's commands are woken, so that the writer is not idle while
    /// they run. Only one append is in flight at a time: the next starts from the version the
    /// previous one returned.
    private func flush() async {
        var current = startAppend()
        var startedAt = ContinuousClock.now
        while let (published, waiters, append) = current {
            do {
                let from = durableVersion
                durableVersion = try await append.value
                let returnedAt = tracing ? CommitTrace.now() : 0
                if let published { publish(published.events, from: from + Int64(published.start)) }
                let finished = trace.batches.count - 1
                // Spaced, the finished batch's commands are woken first and the next batch
                // gathers until the spacing has passed; else it is handed to the store before
                // they are woken, so that the writer is not idle while they run.
                let spaced = commitSpacing > .zero
                if !spaced {
                    current = startAppend()
                    startedAt = .now
                }
                let resumeStartedAt = tracing ? CommitTrace.now() : 0
                // Popped, so that each outcome moves to its caller rather than being copied.
                var waiters = waiters
                while let waiter = waiters.popLast() { waiter.resume() }
                if tracing { noteResume(of: finished, returnedAt: returnedAt, resumeStartedAt: resumeStartedAt) }
                if spaced {
                    let wait = commitSpacing - (ContinuousClock.now - startedAt)
                    if wait > .zero { try? await Task.sleep(for: wait) }
                    current = startAppend()
                    startedAt = .now
                }
            } catch {
                // Everything decided after the last durable batch is void: reload the state from
                // the log, which holds exactly what was acknowledged, then fail those commands.
                // New commands wait for the reload rather than decide on the void state.
                let reloading = Task { await self.reload() }
                recovery = reloading
                await reloading.value
                recovery = nil
                let stranded = pendingWaiters
                encoder.reset()
                pending = []
                pendingStart = nil
                pendingWaiters = []
                for waiter in waiters + stranded { waiter.resume(throwing: error) }
                current = startAppend()
                startedAt = .now
            }
        }
        isFlushing = false
    }

    /// Records when the append of batch `index` (in the trace) came back and how long waking its
    /// commands took.
    private func noteResume(of index: Int, returnedAt: UInt64, resumeStartedAt: UInt64) {
        let end = CommitTrace.now()
        if trace.batches.indices.contains(index) {
            trace.batches[index].returnedAt = returnedAt
            trace.batches[index].resumeStartedAt = resumeStartedAt
            trace.batches[index].resumeEndedAt = end
        }
        trace.actorBusyNanoseconds += end - returnedAt
    }

    /// Takes the pending batch and its waiters and starts appending it; nil when no command waits.
    /// `published` is what the subscribers are to be handed once it is durable, and the place in
    /// the batch of its first event.
    private func startAppend() -> (
        published: (events: [[Event]], start: Int)?, waiters: [Waiter], append: Task<Int64, any Error>
    )? {
        guard !pendingWaiters.isEmpty else { return nil }
        let published = pendingStart.map { (pending, $0) }
        let waiters = pendingWaiters
        pending = []
        pendingStart = nil
        pendingWaiters = []
        let version = durableVersion
        if tracing {
            trace.batches.append(CommitTrace.Batch(
                commands: waiters.count, events: encoder.count, rounds: openTrace.rounds,
                decideNanoseconds: openTrace.decideNanoseconds, handedAt: CommitTrace.now()))
            openTrace.rounds = 0
            openTrace.decideNanoseconds = 0
        }
        if encoder.isEmpty {
            // Commands that caused nothing still wait for the batches before them, which are durable now.
            return (nil, waiters, Task { version })
        }
        let batch = encoder.take()
        let store = store
        let workspace = workspace
        return (
            published, waiters,
            Task.detached { try await store.append(batch, to: workspace, expectedVersion: version) }
        )
    }

    private func reload() async {
        let settings = state.settings
        if let rebuilt = try? await Self.rebuild(workspace, store: store, settings: settings) {
            state = rebuilt
            durableVersion = rebuilt.version
        }
    }

    // MARK: - Subscriptions

    /// Committed events from now on, in log order.
    public func subscribe() -> AsyncStream<StoredEvent> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<StoredEvent>.makeStream(bufferingPolicy: .unbounded)
        subscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    /// Committed events from now on, in log order, one array per group commit: every event of
    /// a commit in one element, none empty, each element starting where the previous one ended.
    ///
    /// The same events as ``subscribe()``, handed over once per commit rather than once per
    /// event, so that a subscriber that folds or forwards them wakes once per commit. Nothing is
    /// dropped: a subscriber that falls behind finds the commits buffered.
    ///
    /// ```swift
    /// for await commit in await engine.subscribeToCommits() {
    ///     for stored in commit { board.record(stored) }
    /// }
    /// ```
    public func subscribeToCommits() -> AsyncStream<[StoredEvent]> {
        let id = UUID()
        let (stream, continuation) = AsyncStream<[StoredEvent]>.makeStream(bufferingPolicy: .unbounded)
        commitSubscribers[id] = continuation
        continuation.onTermination = { _ in Task { await self.unsubscribe(id) } }
        return stream
    }

    private func unsubscribe(_ id: UUID) {
        subscribers[id] = nil
        commitSubscribers[id] = nil
    }

    private func publish(_ batch: [[Event]], from version: Int64) {
        if !commitSubscribers.isEmpty {
            // Made once and shared by every subscriber: the array is yielded, not copied.
            var commit: [StoredEvent] = []
            commit.reserveCapacity(batch.reduce(0) { $0 + $1.count })
            var sequence = version
            for events in batch {
                for index in events.indices {
                    sequence += 1
                    commit.append(StoredEvent(workspace: workspace, sequence: sequence, event: events[index]))
                }
            }
            if !commit.isEmpty {
                for continuation in commitSubscribers.values { continuation.yield(commit) }
            }
        }
        guard !subscribers.isEmpty else { return }
        var sequence = version
        for events in batch {
            for event in events {
                sequence += 1
                let stored = StoredEvent(workspace: workspace, sequence: sequence, event: event)
                for continuation in subscribers.values { continuation.yield(stored) }
            }
        }
    }

    /// How many subscriptions the engine feeds now, of either kind: a server's event stream
    /// subscribes once, on its first listener, so a shutdown that ends subscriptions only reaches
    /// listeners counted here.
    public var subscriberCount: Int { subscribers.count + commitSubscribers.count }

    /// Ends every subscription.
    public func finishSubscriptions() {
        for continuation in subscribers.values { continuation.finish() }
        for continuation in commitSubscribers.values { continuation.finish() }
        subscribers = [:]
        commitSubscribers = [:]
    }

    // MARK: - Reading

    /// A copy of the current state, including decisions not yet durable.
    public var currentState: WorkspaceState { state }

    /// The number of events known to be durable.
    public var committedVersion: Int64 { durableVersion }

    /// When the next timer is due, for a timer loop to sleep until.
    public var nextTimerDue: Date? { state.nextTimerDue }

    /// Runs the timer loop until cancelled: sleeps until the next timer, reallocation pass or
    /// batch is due (at most `tick`), then fires what is due, runs the pass when its minute has
    /// come and assigns the waiting tasks when the batch interval has passed.
    public func runTimers(tick: TimeInterval = 1) async {
        while !Task.isCancelled {
            let now = clock.now()
            let due = [state.nextTimerDue, nextReallocation, batchDue(at: now)].compactMap { $0 }.min() ?? now + tick
            let wait = min(max(due.timeIntervalSince(now), 0.001), tick)
            try? await Task.sleep(for: .seconds(wait))
            if Task.isCancelled { break }
            _ = try? await fireDueTimers()
            if let next = nextReallocation, next <= clock.now() { _ = try? await runReallocationPass() }
            _ = try? await runDueBatch()
        }
    }

    // MARK: - Batches

    /// Assigns the waiting tasks as one batch (``Command/routeWaiting``) when the policy is
    /// `optimal-batch`, its ``PredictiveSettings/batchInterval`` is above 0 and a whole interval
    /// has passed since the last batch (or since the engine first saw the interval). Returns the
    /// events, once durable; none when no batch was due.
    ///
    /// The timer loop calls this; a caller driving its own clock can call it directly.
    @discardableResult
    public func runDueBatch() async throws -> [Event] {
        let now = clock.now()
        guard let due = batchDue(at: now), due <= now else { return [] }
        nextBatch = now + state.settings.predictive.batchInterval
        return try await submit(.routeWaiting, actor: "system", cause: "batch").events
    }

    /// When the next batch is due, starting the count when batches have just been turned on and
    /// bringing it forward when the interval was shortened; nil while batches do not run on an
    /// interval.
    private func batchDue(at now: Date) -> Date? {
        let interval = state.settings.predictive.batchInterval
        guard state.settings.routingPolicy == .optimalBatch, interval > 0 else {
            nextBatch = nil
            return nil
        }
        if let next = nextBatch, next <= now + interval { return next }
        nextBatch = now + interval
        return nextBatch
    }

    // MARK: - Reallocation

    /// Turns the real-time reallocation pass on, changes it, or (with `enabled` false) turns it
    /// off; what it learned so far is kept across changes and dropped when it is turned off.
    public func configureReallocation(_ configuration: ReallocationConfiguration) {
        guard configuration.enabled else {
            reallocation = nil
            nextReallocation = nil
            return
        }
        if reallocation == nil {
            var monitor = ReallocationMonitor(configuration: configuration)
            monitor.start(at: clock.now())
            reallocation = monitor
        } else {
            reallocation!.configuration = configuration
        }
        nextReallocation = clock.now() + configuration.period
    }

    /// The reallocation pass in force, if it is on.
    public var reallocationConfiguration: ReallocationConfiguration? { reallocation?.configuration }

    /// Sets the arrival forecast of `queue`, per second for each interval from now, in place of
    /// the rate measured from recent arrivals; nil goes back to the measured rate.
    public func setArrivalForecast(_ rates: [Double]?, for queue: QueueID) {
        reallocation?.forecasts[queue] = rates
    }

    /// The smoothed arrival rate the pass measured for `queue`, per second.
    public func measuredArrivalRate(of queue: QueueID) -> Double? {
        reallocation?.arrivalRate(of: queue)
    }

    /// Runs one reallocation pass now: predicts every queue over the horizon from the state and
    /// what the pass has learned, plans moves with ``Reallocator``, and records them through the
    /// core — ``EventPayload/queueAtRisk(_:)`` for a queue that has just turned at risk, every
    /// move as a proposal, applied at once within the cost limit — and withdraws (declines, as
    /// `system`) a pending move whose queue is no longer at risk. Returns the events, once
    /// durable; none when the pass is off or nothing changed.
    @discardableResult
    public func runReallocationPass() async throws -> [Event] {
        guard var monitor = reallocation else { return [] }
        let now = clock.now()
        nextReallocation = now + monitor.configuration.period
        monitor.advance(to: now)
        let snapshot = monitor.snapshot(of: state, at: now)
        let settings = ReallocationSettings(
            intervalLength: monitor.configuration.intervalLength,
            automaticCostLimit: monitor.configuration.automaticCostLimit,
            explainedCandidates: monitor.configuration.explainedCandidates)
        let plan = try Reallocator(settings: settings).plan(snapshot)
        let round = monitor.round(for: plan, snapshot: snapshot, at: now)
        reallocation = monitor
        // A move still waiting for an operator when its queue is no longer at risk is withdrawn.
        var commands: [Command] = state.pendingReallocations.compactMap { record in
            guard let assessment = plan.assessment(of: record.proposal.to), !assessment.atRisk else { return nil }
            let level = String(format: "%.1f%%", assessment.outlook.serviceLevel * 100)
            let goal = String(format: "%.1f%%", assessment.goal * 100)
            return .declineReallocation(
                record.proposal.id,
                reason: "queue \(record.proposal.to) is no longer at risk: \(level) predicted against its goal \(goal)")
        }
        if !round.risks.isEmpty || !round.moves.isEmpty { commands.append(.reallocate(round)) }
        guard !commands.isEmpty else { return [] }
        var events: [Event] = []
        for result in try await submit(commands, actor: "system", cause: "reallocation") {
            events += try result.get().events
        }
        return events
    }
}

/// What a command did once it was durable.
public struct CommandOutcome: Sendable, Hashable {
    /// The events it caused, in order.
    public var events: [Event]
    /// The log position of the first of them.
    public var firstSequence: Int64
    /// The task a creation made or, for a retried creation, found.
    public var createdTask: TaskID?
    /// The worker the command's task was offered to by this command, if it was: a creation routed
    /// at once, a returned task offered again.
    public var offeredWorker: WorkerID?
    /// How many events the command caused; ``events`` holds them unless they were not asked for.
    var eventCount = 0
    /// What `reportingTask` asked for, boxed: an outcome is copied on its way to the caller, and
    /// a task inline would make every copy larger, reported or not.
    var report = TaskReport.none

    /// With `reportingTask`: the task the command was about, as the command left it; nil when
    /// it was not asked for, the command names no task, or the task has ended.
    public var task: WorkTask? {
        if case .task(let task, _) = report { return task }
        return nil
    }

    /// With `reportingTask`: how the task the command was about ended, when it has.
    public var finishedState: WorkTask.State? {
        if case .task(_, let finished) = report { return finished }
        return nil
    }

    /// Creates an outcome.
    public init(events: [Event], firstSequence: Int64, createdTask: TaskID? = nil) {
        self.events = events
        self.firstSequence = firstSequence
        self.createdTask = createdTask
        self.eventCount = events.count
    }
}

/// What a command did once it was durable, without its events: what
/// ``WorkspaceEngine/acknowledge(_:actor:cause:)`` answers.
public struct CommandAcknowledgement: Sendable, Hashable {
    /// The log position of the command's first event.
    public var firstSequence: Int64
    /// How many events the command caused, from ``firstSequence`` on.
    public var eventCount: Int
    /// The task a creation made or, for a retried creation, found.
    public var createdTask: TaskID?
    /// The worker the command's task was offered to by this command, if it was.
    public var offeredWorker: WorkerID?

    /// The log position of the command's last event; below ``firstSequence`` when it caused none.
    public var lastSequence: Int64 { firstSequence + Int64(eventCount) - 1 }

    init(_ outcome: CommandOutcome) {
        firstSequence = outcome.firstSequence
        eventCount = outcome.eventCount
        createdTask = outcome.createdTask
        offeredWorker = outcome.offeredWorker
    }
}

/// The task a command was about, as the command left it.
enum TaskReport: Sendable, Hashable {
    case none
    indirect case task(WorkTask?, finished: WorkTask.State?)
}

/// A command handed to the engine from outside the actor, with the continuation its submitter waits on.
private struct Submission: Sendable {
    var command: Command
    var actor: String
    var cause: String?
    var reportingTask: Bool
    /// Whether the outcome hands back the events, or only what ``CommandAcknowledgement`` holds.
    var keepsEvents: Bool
    /// Unsafe because a checked continuation costs an allocation per command; resumed exactly
    /// once, by `decide` for a refusal or by `flush`.
    var continuation: UnsafeContinuation<CommandOutcome, any Error>
    /// When it reached the inbox, while the engine traces its commits (``CommitTrace``); else 0.
    var arrivedAt: UInt64
}

/// The submitted commands not yet decided, and whether a drain of them is under way.
private struct Inbox {
    var submissions: [Submission] = []
    var isDraining = false
}

/// One caller waiting for a batch to be durable: a submitted command, answered with its outcome,
/// or a caller on the actor that only needs to know.
private enum Waiter {
    case command(UnsafeContinuation<CommandOutcome, any Error>, CommandOutcome)
    case batch(UnsafeContinuation<Void, any Error>)

    consuming func resume() {
        switch consume self {
        case .command(let continuation, let outcome): continuation.resume(returning: outcome)
        case .batch(let continuation): continuation.resume()
        }
    }

    func resume(throwing error: any Error) {
        switch self {
        case .command(let continuation, _): continuation.resume(throwing: error)
        case .batch(let continuation): continuation.resume(throwing: error)
        }
    }
}

/// Folds batches of stored events; a reference so that the store's batch callback can mutate it.
private final class Folder: @unchecked Sendable {
    var state: WorkspaceState

    init(state: WorkspaceState) { self.state = state }

    func apply(_ batch: [StoredEvent]) {
        for stored in batch { state.evolve(stored.event) }
    }
}
