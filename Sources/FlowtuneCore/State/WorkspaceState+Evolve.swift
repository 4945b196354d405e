import Collections
import Foundation

extension WorkspaceState {
    /// Applies one event. Folding a log through `evolve` from an empty state rebuilds the workspace.
    public mutating func evolve(_ event: Event) {
        apply(event.payload, time: event.time, actor: event.actor)
    }

    /// Applies an event given by its parts: what ``evolve(_:)`` does, for a command whose events
    /// are applied without being kept (``execute(_:context:notingIn:)``), so that no `Event` is built.
    mutating func apply(_ payload: EventPayload, time: Date, actor: String) {
        version += 1
        switch payload {
        case .workflowDefined(let workflow):
            workflowCursor = nil
            workflows[workflow.id, default: []].append(workflow)
            adoptAdaptive(workflow, at: time)

        case .decisionPublished(let publication):
            // Publishing checked the file; a file that no longer loads (written by an older
            // Flowtune, say) keeps its number but cannot decide.
            guard let document = try? DecisionDocument(source: DefinitionSource(file: publication.file, text: publication.text))
            else { return }
            decisions[publication.decision, default: []].append(PublishedDecision(
                version: publication.version, table: document.table, publication: publication,
                publishedAt: time.timeIntervalSince1970, publishedBy: actor))

        case .decisionApplied(let application):
            guard var task = tasks[application.task], task.step == application.step else { return }
            let waiting = task.state == .queued
            if waiting { dequeue(task) }
            if let queue = application.queue { task.queue = queue }
            if let priority = application.priority { task.priority = priority }
            if let evidence = application.requiredEvidence { task.decidedEvidence = evidence }
            let rescheduled = application.responseWindow != nil
            if let window = application.responseWindow { task.responseWindow = window }
            tasks[task.id] = task
            if waiting { enqueue(task) }
            if rescheduled, let step = self.step(task.step, of: task.workflow, version: task.workflowVersion) {
                scheduleEscalation(for: task, step: step, level: task.escalationLevel)
            }

        case .queueDefined(let queue):
            defineQueue(queue)

        case .workerRegistered(let worker):
            registerWorker(worker, at: time)

        case .workerStatusChanged(let id, let status):
            guard let index = workerIndex[id] else { return }
            let wasAvailable = workers[index].worker.status == .available
            workers[index].worker.status = status
            hot[index].available = status == .available
            if status == .available, !wasAvailable, workers[index].totalLoad == 0 {
                workers[index].idleSince = time
                hot[index].idleSince = time.timeIntervalSinceReferenceDate
            }

        case .policyChanged(let kind):
            settings.routingPolicy = kind

        case .settingsChanged(let new):
            let rejudge = new.predictive != settings.predictive
            let retype = new.predictive.typeAttribute != settings.predictive.typeAttribute
            settings = new
            if rejudge { fairness.rejudge(settings: new.predictive) }
            if retype { retypeWaitingEntries() }

        case .taskCreated(let created):
            applyTaskCreated(created, time: time)

        case .taskOffered(let id, let worker, let expiresAt, _):
            applyTaskOffered(id, worker: worker, expiresAt: expiresAt, time: time)

        case .offerAccepted(let id, let worker):
            applyOfferAccepted(id, worker: worker, time: time)

        case .offerDeclined(let id, let worker, let reason):
            guard var task = tasks[id] else { return }
            addLoad(worker, channel: task.channel, delta: -1, at: time)
            // A withdrawn offer (the worker stepped away) is not the worker's refusal.
            if reason != .withdrawn, !task.declinedBy.contains(worker) { task.declinedBy.append(worker) }
            task.state = .queued
            tasks[id] = task
            enqueue(task)

        case .stepCompleted(let completion):
            applyStepCompleted(completion.task, next: completion.next, time: time)

        case .movedToException(let id, let item):
            guard var task = tasks[id] else { return }
            release(&task, at: time)
            task.lane = .exception
            task.state = .held
            task.exception = item
            tasks[id] = task
            if !exceptionRates.isEmpty { exceptionRates[task.workflow]?.exceptions += 1 }

        case .exceptionClaimed(let id, let by):
            tasks[id]?.exception?.claimedBy = by

        case .exceptionResolved(let id, let resolution, _):
            guard var task = tasks[id] else { return }
            task.lane = .routine
            task.exception = nil
            switch resolution {
            case .complete:
                finish(task, as: .completed, at: time)
            case .cancel:
                finish(task, as: .cancelled, at: time)
            case .resume(let stepID):
                guard let step = self.step(stepID, of: task.workflow, version: task.workflowVersion) else { return }
                enter(&task, step: step, at: time)
            }

        case .escalated(let id, _, let level, _):
            guard var task = tasks[id] else { return }
            task.escalationLevel = level + 1
            tasks[id] = task
            if let step = self.step(task.step, of: task.workflow, version: task.workflowVersion) {
                scheduleEscalation(for: task, step: step, level: level + 1)
            }

        case .priorityChanged(let id, _, let to):
            guard var task = tasks[id] else { return }
            let waiting = task.state == .queued
            if waiting { dequeue(task) }
            task.priority = to
            tasks[id] = task
            if waiting { enqueue(task) }

        case .overrideApplied(let id, let change, _):
            guard var task = tasks[id] else { return }
            if case .reassign(let worker) = change {
                release(&task, at: time)
                task.state = .assigned(worker: worker)
                tasks[id] = task
                addLoad(worker, channel: task.channel, delta: 1, at: time)
            }

        case .taskCancelled(let id, _):
            applyTaskCancelled(id, time: time)

        case .thresholdChanged(let change):
            applyWindowChange(change)

        case .exceptionRateObserved(let observation):
            observeExceptionRate(observation)

        case .exceptionRateAlert(let signal):
            removePending(.alert(signal))

        case .exceptionRateRecovered(let signal):
            removePending(.recovery(signal))

        case .predictionsPublished(let table):
            predictions = table
            predictionIndex = PredictionIndex(table: table, workers: workers)

        case .queueAtRisk:
            // A prediction, recorded for operators and the audit; it changes nothing by itself.
            break

        case .reallocationProposed(let proposal):
            reallocations[proposal.id] = ReallocationRecord(proposal: proposal, proposedAt: time, status: .pending)
            nextReallocationNumber += 1

        case .workerReallocated(let move):
            if let index = workerIndex[move.worker] {
                workers[index].worker.servingQueue = move.to
                hot[index].serving = servingNumber(move.to)
            }
            decideReallocation(move.proposal, as: .applied, by: move.approvedBy, reason: nil, at: time)

        case .reallocationDeclined(let decline):
            decideReallocation(decline.proposal, as: .declined, by: decline.by, reason: decline.reason, at: time)
        }
    }

    /// Folds `events` into an empty state.
    public static func fold<Events: Sequence>(_ events: Events, settings: Settings = Settings()) -> WorkspaceState
    where Events.Element == Event {
        var state = WorkspaceState(settings: settings)
        for event in events { state.evolve(event) }
        return state
    }

    // MARK: - Definitions

    private mutating func defineQueue(_ queue: Queue) {
        if let index = queueIndex[queue.id] {
            queues[index].queue = queue
        } else {
            queueIndex[queue.id] = queues.count
            queues.append(QueueRecord(queue: queue))
        }
        let index = queueIndex[queue.id]!
        queues[index].eligible = []
        queues[index].ineligible = []
        for worker in workers.indices {
            workers[worker].queues.removeAll { $0.queue == index }
        }
        for worker in workers.indices {
            classify(worker: worker, queue: index)
            // A worker assigned to a queue defined only now starts serving it.
            if workers[worker].worker.servingQueue == queue.id { hot[worker].serving = Int32(index) }
        }
    }

    /// The number `hot` keeps for a worker's serving queue.
    func servingNumber(_ queue: QueueID?) -> Int32 {
        guard let queue else { return -1 }
        return queueNumber(queue).map { Int32($0) } ?? .max
    }

    /// Closes a proposal, keeping only the most recent decided ones in the state.
    private mutating func decideReallocation(
        _ id: ReallocationID, as status: ReallocationRecord.Status, by actor: String, reason: String?, at time: Date
    ) {
        guard let index = reallocations.index(forKey: id) else { return }
        reallocations.values[index].status = status
        reallocations.values[index].decidedAt = time
        reallocations.values[index].decidedBy = actor
        reallocations.values[index].reason = reason
        var decided = reallocations.values.count { !$0.isPending }
        while decided > Self.decidedReallocationsKept,
            let oldest = reallocations.values.firstIndex(where: { !$0.isPending })
        {
            reallocations.remove(at: oldest)
            decided -= 1
        }
    }

    private mutating func registerWorker(_ worker: Worker, at time: Date) {
        let index: Int
        if let existing = workerIndex[worker.id] {
            index = existing
            workers[index].worker = worker
            workers[index].queues = []
            for queue in queues.indices {
                queues[queue].eligible.removeAll { $0.worker == index }
                for group in queues[queue].ineligible.indices {
                    queues[queue].ineligible[group].workers.removeAll { $0 == index }
                }
                queues[queue].ineligible.removeAll { $0.workers.isEmpty }
            }
        } else {
            index = workers.count
            workerIndex[worker.id] = index
            workers.append(WorkerRecord(worker: worker, idleSince: time))
            hot.append(WorkerHot(
                available: false, idleSince: time.timeIntervalSinceReferenceDate, busy: 0, capacity: .zero, load: .zero))
        }
        hot[index].available = worker.status == .available
        hot[index].serving = servingNumber(worker.servingQueue)
        hot[index].capacity = .zero
        for channel in worker.channels.keys.sorted() {
            if let number = number(of: channel) {
                hot[index].capacity[number] = Int32(clamping: worker.channels[channel]!)
            }
        }
        for queue in queues.indices {
            classify(worker: index, queue: queue)
        }
    }

    /// Records whether the worker can ever serve the queue, and how soon.
    private mutating func classify(worker: Int, queue: Int) {
        let definition = queues[queue].queue
        let profile = workers[worker].worker
        if let delay = definition.eligibilityDelay(for: profile) {
            let entry = Eligibility(worker: worker, queue: queue, delay: delay, skillFit: definition.skillFit(of: profile))
            queues[queue].eligible.append(entry)
            workers[worker].queues.append(entry)
        } else {
            let rule = definition.requirement.unmet(by: profile) ?? "requirement not met"
            if let group = queues[queue].ineligible.firstIndex(where: { $0.rule == rule }) {
                queues[queue].ineligible[group].workers.append(worker)
            } else {
                queues[queue].ineligible.append((rule, [worker]))
            }
        }
    }

    // MARK: - Tasks

    /// Moves a task into a step: it waits in the step's queue with a fresh response window.
    private mutating func enter(_ task: inout WorkTask, step: Step, at time: Date) {
        task.step = step.id
        task.queue = step.queue
        task.stepEnteredAt = time
        task.queuedAt = time
        task.escalationLevel = 0
        task.clearStepDetails()
        if step.ownership.adaptiveResponseWindow != nil {
            advanceResponseWindow(WorkflowStep(workflow: task.workflow, step: step.id), to: time)
            task.learnedResponseWindow = learnedWindow(for: task, step: step)
        }
        task.state = .queued
        tasks[task.id] = task
        scheduleEscalation(for: task, step: step, level: 0)
        enqueue(task)
    }

    /// Frees whatever the task holds: its place in a queue or its worker's capacity.
    private mutating func release(_ task: inout WorkTask, at time: Date) {
        switch task.state {
        case .queued:
            dequeue(task)
        case .offered(let worker, _), .assigned(let worker):
            addLoad(worker, channel: task.channel, delta: -1, at: time)
            if case .assigned = task.state { endVisit(task: task.id, at: time) }
        case .held, .completed, .cancelled:
            break
        }
        task.state = .held
    }

    private mutating func finish(_ task: WorkTask, as state: WorkTask.State, at time: Date) {
        taskCursor = nil
        tasks[task.id] = nil
        recordFinished(task.id, as: state)
    }

    private mutating func addLoad(_ worker: WorkerID, channel: Channel, delta: Int, at time: Date) {
        guard let index = locateWorker(worker) else { return }
        addLoad(workerAt: index, channel: channel, delta: delta, at: time)
    }

    private mutating func addLoad(workerAt index: Int, channel: Channel, delta: Int, at time: Date) {
        workers[index].addLoad(delta, on: channel)
        if let number = number(of: channel) { hot[index].load[number] += Int32(delta) }
        hot[index].busy += Int32(delta)
        if delta < 0, workers[index].totalLoad == 0 {
            workers[index].idleSince = time
            hot[index].idleSince = time.timeIntervalSinceReferenceDate
        }
    }

    /// Whether `id` is not of the form `T<digits>`, or is exactly the id numbering gives `number`
    /// (`T` and the number's decimal digits, no leading zero): any other `T<digits>` id may be one
    /// that numbering reaches later.
    static func isNumbered(_ id: TaskID, as number: Int) -> Bool {
        var utf8 = id.rawValue.utf8.makeIterator()
        guard utf8.next() == UInt8(ascii: "T") else { return true }
        var value = 0
        var digits = 0
        var leadingZero = false
        while let byte = utf8.next() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return true }
            if digits == 0, byte == UInt8(ascii: "0") { leadingZero = true }
            digits += 1
            // More digits than any Int has: cannot be `number`, but is still of the form.
            if digits > 18 { return false }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        if digits == 0 { return true }
        return !leadingZero && value == number
    }

    /// The channel's number, numbering it on first sight; nil once the workspace has used up
    /// ``maxChannels`` (decisions refuse such commands before they get here).
    mutating func number(of channel: Channel) -> Int? {
        if let number = channelNumber(channel) { return number }
        guard channelList.count < Self.maxChannels else { return nil }
        channelNumbers[channel] = channelList.count
        channelList.append(channel)
        return channelList.count - 1
    }

    // MARK: - Waiting lines

    /// Puts a task, as it stands in `tasks`, in its queue's waiting line; passed in rather than
    /// looked up, since every caller has just stored it.
    private mutating func enqueue(_ task: WorkTask) {
        guard let queue = queueNumber(task.queue) else { return }
        queueCursor = queue
        let id = task.id
        let level = Self.level(of: task.priority)
        let entry = WaitingEntry(queuedAt: task.queuedAt, task: id, declinedBy: task.declinedBy, type: taskType(of: task))
        guard let channel = number(of: task.channel) else { return }
        while queues[queue].waiting.count <= channel {
            queues[queue].waiting.append(Array(repeating: Deque(), count: 9))
        }
        if !queues[queue].channels.contains(channel) { queues[queue].channels.append(channel) }
        queues[queue].waiting[channel][level].insertOrdered(entry)
        queues[queue].waitingCount += 1
        for stage in queues[queue].queue.relaxation where stage.after > 0 {
            schedule(Timer(
                due: task.queuedAt + stage.after, sequence: 0, task: id, kind: .relaxation(queuedAt: task.queuedAt)))
        }
    }

    private mutating func dequeue(_ task: WorkTask) {
        dequeue(WaitingPlace(task))
    }

    /// What a task that joins its line and is taken from it at once leaves behind, as ``enqueue(_:)``
    /// and then ``dequeue(_:)`` do: the line's room for its channel and the relaxation timers set
    /// as it joined (which find it gone when they fire).
    private mutating func passThroughLine(_ task: WorkTask) {
        guard let queue = queueNumber(task.queue) else { return }
        queueCursor = queue
        guard let channel = number(of: task.channel) else { return }
        while queues[queue].waiting.count <= channel {
            queues[queue].waiting.append(Array(repeating: Deque(), count: 9))
        }
        if !queues[queue].channels.contains(channel) { queues[queue].channels.append(channel) }
        for stage in queues[queue].queue.relaxation where stage.after > 0 {
            schedule(Timer(
                due: task.queuedAt + stage.after, sequence: 0, task: task.id, kind: .relaxation(queuedAt: task.queuedAt)))
        }
    }

    private mutating func dequeue(_ task: WaitingPlace) {
        guard let queue = queueNumber(task.queue) else { return }
        queueCursor = queue
        let level = Self.level(of: task.priority)
        guard let channel = channelNumber(task.channel), channel < queues[queue].waiting.count else { return }
        var line = queues[queue].waiting[channel][level]
        queues[queue].waiting[channel][level] = Deque()
        if line.first?.task == task.id {
            line.removeFirst()
        } else if let position = line.positionOf(task.id, queuedAt: task.queuedAt) {
            line.remove(at: position)
        } else {
            queues[queue].waiting[channel][level] = line
            return
        }
        queues[queue].waiting[channel][level] = line
        queues[queue].waitingCount -= 1
    }

    /// The index of a priority in the waiting lines: 1 → 0, 9 → 8.
    static func level(of priority: Int) -> Int {
        min(max(priority, 1), 9) - 1
    }

    // MARK: - Timers

    private mutating func scheduleEscalation(for task: WorkTask, step: Step, level: Int) {
        let stages = step.ownership.escalation
        let due: Date
        if level < stages.count {
            due = task.stepEnteredAt + task.responseWindow(in: step) + stages[level].after
        } else {
            return
        }
        schedule(Timer(
            due: due, sequence: 0, task: task.id,
            kind: .escalation(level: level, step: step.id, stepEnteredAt: task.stepEnteredAt)))
    }

    /// Sets the timer that closes a workflow's exception-rate slot.
    mutating func scheduleSlotEnd(of workflow: WorkflowID, at due: Date) {
        schedule(Timer(due: due, sequence: 0, task: nil, kind: .slotEnd(workflow: workflow)))
    }

    private mutating func schedule(_ timer: Timer) {
        var timer = timer
        timerSequence += 1
        timer.sequence = timerSequence
        timers.insert(timer)
        // Timers of finished tasks are skipped when they come due, but a busy workspace would
        // pile them up for hours; sweep them once they outnumber the open tasks' by far.
        if timers.count > 4 * tasks.count + 4096 {
            timers = Heap(timers.unordered.filter { timer in timer.task.map { tasks[$0] != nil } ?? true })
        }
    }

    /// Removes and returns the earliest timer due at or before `now`, if any.
    mutating func takeNextDueTimer(upTo now: Date) -> Timer? {
        guard let next = timers.min, next.due <= now else { return nil }
        return timers.removeMin()
    }
}

// MARK: - The events of a task's ordinary life

/// Each applied from its parts, by ``apply(_:time:actor:)`` and, without building the event, by
/// the emitters of a command that only notes its events.
extension WorkspaceState {
    /// Applies `TaskCreated`; `numbered` when the caller knows the id is the one numbering gives
    /// the task (`T` and ``nextTaskNumber``), which then need not be parsed to find that out.
    mutating func applyTaskCreated(_ created: borrowing TaskCreated, time: Date, numbered: Bool = false) {
        guard let (task, timedStep) = newTask(created, time: time) else { return }
        applyTaskCreated(created, task: task, timedStep: timedStep, time: time, numbered: numbered)
    }

    /// The record `TaskCreated` makes — queued at its workflow version's first step — and that
    /// step when it learns its response window or escalates; nil for an unknown version. Changes nothing.
    func newTask(_ created: borrowing TaskCreated, time: Date) -> (task: WorkTask, timedStep: Step?)? {
        // The few fields every task needs are read where the step is stored; the whole step is
        // copied out only for a step that learns its response window or escalates.
        guard let first = stepLocation(of: created.workflow, version: created.workflowVersion) else { return nil }
        var task = WorkTask(
            id: created.task, workflow: created.workflow, workflowVersion: created.workflowVersion,
            step: first.steps[0].id, queue: first.steps[0].queue, priority: created.priority, channel: created.channel,
            attributes: created.attributes, createdAt: time)
        task.state = .queued
        let timed = first.steps[0].ownership.adaptiveResponseWindow != nil
            || !first.steps[0].ownership.escalation.isEmpty
        return (task, timed ? first.steps[0] : nil)
    }

    /// Applies `TaskCreated` with its record already made by ``newTask(_:time:)``.
    mutating func applyTaskCreated(
        _ created: borrowing TaskCreated, task: consuming WorkTask, timedStep: Step?, time: Date, numbered: Bool
    ) {
        var task = task
        enterFirstStep(&task, created, timedStep: timedStep, time: time)
        taskCursor = nil
        tasks[task.id] = task
        countCreation(created, numbered: numbered)
        if let step = timedStep { scheduleEscalation(for: task, step: step, level: 0) }
        enqueue(task)
    }

    /// Applies `TaskCreated`, then `TaskOffered` and `OfferAccepted` for the worker numbered
    /// `worker`, as one: the state the three leave, without the task joining its line only to
    /// leave it again, or being looked up for the offer and for the acceptance. For an offer that
    /// sets no expiry timer (``execute(_:context:notingIn:acceptingOffersAtOnce:)``), made while no
    /// response window learns from acceptances and no prediction table is in force.
    mutating func applyTaskTakenAtOnce(
        _ created: borrowing TaskCreated, task: consuming WorkTask, timedStep: Step?, time: Date, numbered: Bool,
        worker: WorkerID, number: Int
    ) {
        var task = task
        enterFirstStep(&task, created, timedStep: timedStep, time: time)
        let channel = task.channel
        task.state = .assigned(worker: worker)
        taskCursor = nil
        tasks[task.id] = task
        countCreation(created, numbered: numbered)
        if let step = timedStep { scheduleEscalation(for: task, step: step, level: 0) }
        passThroughLine(task)
        addLoad(workerAt: number, channel: channel, delta: 1, at: time)
        rotationCursor = number
    }

    /// What a new task's entering its first step changes besides the task.
    private mutating func enterFirstStep(_ task: inout WorkTask, _ created: borrowing TaskCreated, timedStep: Step?, time: Date) {
        if !exceptionRates.isEmpty { exceptionRates[created.workflow]?.entered += 1 }
        if let step = timedStep, step.ownership.adaptiveResponseWindow != nil {
            advanceResponseWindow(WorkflowStep(workflow: created.workflow, step: task.step), to: time)
            task.learnedResponseWindow = learnedWindow(for: task, step: step)
        }
    }

    /// Keeps the creation's idempotency key and the numbering of ids.
    private mutating func countCreation(_ created: borrowing TaskCreated, numbered: Bool) {
        if let key = created.idempotencyKey {
            idempotencyKeys[key] = IdempotentCreation(task: created.task, fingerprint: created.fingerprint ?? 0)
        }
        if !taskNumbersTaken, !numbered, !Self.isNumbered(created.task, as: nextTaskNumber) { taskNumbersTaken = true }
        nextTaskNumber += 1
    }

    /// Applies `TaskOffered`; the routing decision it records changes nothing. `setsExpiry` is
    /// false only for an offer accepted in the same instant, whose expiry could find nothing to do.
    mutating func applyTaskOffered(_ id: TaskID, worker: WorkerID, expiresAt: Date, time: Date, setsExpiry: Bool = true) {
        // Changed in place: copying the task out and back costs a second hash and a retain of
        // each of its fields, on every offer.
        guard let entry = locateTask(id) else { return }
        let (waiting, place) = Self.inPlace(&tasks.values[entry]) { ($0.state == .queued, WaitingPlace($0)) }
        if waiting { dequeue(place) }
        tasks.values[entry].state = .offered(worker: worker, expiresAt: expiresAt)
        let channel = place.channel
        if let index = locateWorker(worker) {
            addLoad(workerAt: index, channel: channel, delta: 1, at: time)
            rotationCursor = index
        }
        if setsExpiry {
            schedule(Timer(due: expiresAt, sequence: 0, task: id, kind: .offerExpiry(worker: worker, offeredAt: time)))
        }
    }

    /// Applies `OfferAccepted`.
    mutating func applyOfferAccepted(_ id: TaskID, worker: WorkerID, time: Date) {
        guard let entry = locateTask(id) else { return }
        tasks.values[entry].state = .assigned(worker: worker)
        if !responseWindows.isEmpty { observeResponse(of: tasks.values[entry], at: time) }
        if predictions != nil { recordAssignment(task: id, worker: worker, at: time) }
    }

    /// Applies `StepCompleted`: only the task and where it goes next change the state.
    mutating func applyStepCompleted(_ id: TaskID, next: Transition, time: Date) {
        if case .end = next {
            // Taken out rather than copied out and removed: no copy of the task, and no hash
            // when the command found it.
            guard let entry = locateTask(id) else { return }
            taskCursor = nil
            var task = tasks.remove(at: entry).value
            release(&task, at: time)
            recordFinished(task.id, as: .completed)
            return
        }
        guard let entry = locateTask(id) else { return }
        var task = tasks.values[entry]
        release(&task, at: time)
        switch next {
        case .end:
            finish(task, as: .completed, at: time)
        case .step(let nextStep):
            guard let step = self.step(nextStep, of: task.workflow, version: task.workflowVersion) else { return }
            enter(&task, step: step, at: time)
        }
    }

    /// Applies `TaskCancelled`; the reason it records changes nothing.
    mutating func applyTaskCancelled(_ id: TaskID, time: Date) {
        // Taken out rather than copied out and removed, as a completion's last step is.
        guard let entry = locateTask(id) else { return }
        taskCursor = nil
        var task = tasks.remove(at: entry).value
        release(&task, at: time)
        recordFinished(id, as: .cancelled)
    }
}

/// Where a waiting task stands in its queue's lines: the few fields taking it out of line needs,
/// read from the stored task without copying all of it.
struct WaitingPlace {
    var id: TaskID
    var queue: QueueID
    var channel: Channel
    var priority: Int
    var queuedAt: Date

    init(_ task: borrowing WorkTask) {
        id = task.id
        queue = task.queue
        channel = task.channel
        priority = task.priority
        queuedAt = task.queuedAt
    }
}

extension WorkspaceState {
    /// Reads every waiting entry's type afresh: the type attribute has changed.
    mutating func retypeWaitingEntries() {
        for queue in queues.indices {
            for channel in queues[queue].waiting.indices {
                for level in queues[queue].waiting[channel].indices {
                    for slot in queues[queue].waiting[channel][level].indices {
                        let id = queues[queue].waiting[channel][level][slot].task
                        guard let task = tasks[id] else { continue }
                        queues[queue].waiting[channel][level][slot].type = taskType(of: task)
                    }
                }
            }
        }
    }
}

extension Deque where Element == WaitingEntry {
    /// Inserts keeping the line ordered by waiting time, oldest first; ties keep arrival order.
    mutating func insertOrdered(_ entry: WaitingEntry) {
        if let last, last.queuedAt > entry.queuedAt {
            var low = 0
            var high = count
            while low < high {
                let middle = (low + high) / 2
                if self[middle].queuedAt <= entry.queuedAt { low = middle + 1 } else { high = middle }
            }
            insert(entry, at: low)
        } else {
            append(entry)
        }
    }

    /// The position of `task`, found from its waiting time.
    func positionOf(_ task: TaskID, queuedAt: Date) -> Int? {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].queuedAt < queuedAt { low = middle + 1 } else { high = middle }
        }
        var position = low
        while position < count, self[position].queuedAt == queuedAt {
            if self[position].task == task { return position }
            position += 1
        }
        return nil
    }
}
