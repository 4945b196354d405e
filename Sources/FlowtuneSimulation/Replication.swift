import FlowtuneCore
import FlowtuneLearning
import Foundation

/// One replication of a scenario under one policy: the event loop that drives the core's
/// `WorkspaceState.execute` on a virtual clock.
///
/// The simulator decides only what the outside world decides — when tasks arrive, how long work
/// takes, when a customer gives up, whether a step ends in an exception. Everything the engine
/// decides (which worker gets an offer, which waiting task a freed worker takes, timeouts,
/// escalations, relaxations) comes from the core, read back from the events it returns.
struct Replication {
    private let setup: Simulator.Setup
    private let streams: RandomStreams
    private var state: WorkspaceState
    private var calendar = EventCalendar()
    private var now: Double = 0

    private var customers: [Customer] = []
    private var freeSlots: [Int32] = []
    private var slotOf = TaskSlots()
    /// The customer and the worker the events at hand are most likely about — the command's
    /// own, then the last one looked up — checked before hashing an id.
    private var likelySlot: Int32 = -1
    private var likelyWorker: Int32 = -1
    private var nextStamp: UInt64 = 0
    private var arrivalGenerators: [SeededGenerator]
    private var arrivalCounts: [Int]
    private var creatingSlot: Int32 = -1
    /// Offers to accept once the step at hand is done, last made first; `taken` when the core
    /// has already accepted it (``acceptsAtOnce``) and only the simulator's side remains.
    private var pendingAccepts: [(slot: Int32, stamp: UInt64, taken: Bool)] = []
    /// Whether the core accepts each offer as it makes it, without setting its expiry timer:
    /// in a lean run whose workers answer at once.
    private var acceptsAtOnce: Bool { lean && setup.scenario.acceptance == nil }
    /// When the offers accepted at once would have lapsed, and when the customers answered at
    /// once would have given up, from the clock's start: the core's expiry timers it did not set
    /// and the calendar's entries this replication did not schedule, each of which would have
    /// found nothing to do. Only those after the clock still matter (see `settleSkipped`).
    private var skipped: [Double] = []
    private var skippedPruned = 64
    private var touched: [Int32] = []
    /// The notes of the events of the command executed last.
    private var noteBuffer: [EventNote] = []
    private var metrics: ReplicationCollector
    private var openCounted = 0
    private var nextStatusChange = 0
    /// The models learning from this replication's outcomes, when the scenario learns.
    private var learning: LearningLoop?
    /// Whether the scenario learns: asked for every customer, where comparing `learning` with
    /// nil would copy the models.
    private let learns: Bool
    /// The task type names the core routes by (its type attribute, else the workflow), numbered.
    private var typeKeys: [String] = []
    private var typeKeyNumber: [String: Int32] = [:]
    /// The table published last, if any.
    private(set) var lastTable: PredictionTable?
    /// The table the core routes by now.
    var publishedTable: PredictionTable? { state.predictions }
    /// Seconds between two batch routing passes; 0 when the core routes as work comes and goes.
    private let batchInterval: Double
    /// Whether the run asks the core for its routing choices without their explanation and has
    /// it forget finished tasks: on by default; tests turn it off to check that neither changes
    /// anything a report shows.
    var lean = true
    /// FNV-1a over every arrival's type, time and patience: equal across policies when they saw
    /// the same customers.
    private(set) var arrivalDigest: UInt64 = 0xcbf2_9ce4_8422_2325

    /// The measured waits' percentiles, once the run is over.
    var waitPercentiles: [Double] { metrics.waitPercentiles }

    /// A customer in the system: a task and what the simulator knows about it.
    struct Customer {
        /// Unique to this customer's stay in its slot; events for an earlier occupant are stale.
        var serial: UInt64 = 0
        /// Changes on every offer, acceptance and reassignment; an event scheduled before is stale.
        var stamp: UInt64 = 0
        var type: Int = 0
        var index: Int = 0
        var arrival: Double = 0
        var counted = false
        var task = TaskID("")
        var profile: Int = 0
        var visits = 0
        var enteredStep: Double = 0
        var wait: Double = 0
        var answered = false
        var holder: Int32 = -1
        /// Set while the simulator sends the task back for rework through the exception lane.
        var reworking = false
        var reworks = 0
        /// When the current holder started the current visit's work.
        var serviceStart: Double = 0
        /// The task's type as the core names it, numbered in `typeKeys`; learning only.
        var typeKey: Int32 = -1
    }

    init(setup: Simulator.Setup, state: WorkspaceState, streams: RandomStreams) {
        self.setup = setup
        self.state = state
        self.streams = streams
        arrivalGenerators = setup.scenario.taskTypes.indices.map { streams.generator(.arrival, type: $0) }
        arrivalCounts = Array(repeating: 0, count: setup.scenario.taskTypes.count)
        metrics = ReplicationCollector(setup: setup)
        customers.reserveCapacity(1024)
        batchInterval = state.settings.predictive.batchInterval
        learns = setup.scenario.learning != nil
        if learns { learning = LearningLoop(workers: setup.workers) }
    }

    // MARK: - Loop

    mutating func run() -> [Measure] {
        let scenario = setup.scenario
        // Tasks the simulator creates are numbered by the core and never named again once
        // finished: not recording how they ended keeps memory flat in the number of customers.
        if lean { state.remembersFinishedTasks = false }
        for type in scenario.taskTypes.indices { scheduleArrival(type, after: 0) }
        if let settings = scenario.learning {
            if settings.history > 0 {
                learnHistory(settings.history)
                publishPredictions()
            }
            calendar.schedule(.publishPredictions, at: settings.refresh)
        }
        if batchInterval > 0 { calendar.schedule(.routeWaiting, at: batchInterval) }
        let stop = scenario.horizon + scenario.drain
        let changes = setup.shiftPlan.changes
        while true {
            let eventTime = calendar.nextTime
            let timerTime = state.nextTimerDue.map { $0.timeIntervalSince(scenario.start) } ?? .infinity
            let statusTime = nextStatusChange < changes.count ? changes[nextStatusChange].time : .infinity
            let time = min(eventTime, timerTime, statusTime)
            if time > stop || time == .infinity || (time >= scenario.horizon && openCounted == 0) {
                settleSkipped(before: time, stop: stop)
                break
            }
            now = max(now, time)
            if timerTime <= eventTime, timerTime <= statusTime {
                execute(.fireTimers)
            } else if statusTime <= eventTime {
                // A shift or break boundary: the core withdraws open offers from a worker who
                // leaves and offers waiting work to one who comes on.
                let change = changes[nextStatusChange]
                nextStatusChange += 1
                execute(.setWorkerStatus(setup.workerIDs[change.worker], change.status))
            } else if let entry = calendar.next() {
                handle(entry.kind)
            }
            acceptPending()
        }
        return metrics.finish(at: now, state: state, open: openCounted)
    }

    /// Moves the clock as the expiry timers of the offers accepted at once, and the give-ups of
    /// the customers answered at once, would have moved it.
    ///
    /// Set, each would have come due to find its offer taken or its customer answered: a step that
    /// changes nothing, but that brings the clock to its time. Those before the last event are
    /// passed by the clock anyway; those after it, up to `next` (the time of the item that ended
    /// the loop) and as long as the loop would have gone on, would have left the clock at the last
    /// of them — and the clock is where the busy time of those still at work is counted up to.
    private mutating func settleSkipped(before next: Double, stop: Double) {
        let horizon = setup.scenario.horizon
        for due in skipped where due > now && due < next && due <= stop && (openCounted > 0 || due < horizon) {
            now = due
        }
    }

    private mutating func handle(_ kind: EventCalendar.Kind) {
        switch kind {
        case .arrival(let type):
            arrive(type)
        case .accept(let slot, let stamp):
            let customer = customers[Int(slot)]
            guard customer.stamp == stamp, customer.holder >= 0 else { return }
            expect(slot: slot, worker: customer.holder)
            execute(.acceptOffer(customer.task, worker: setup.workerIDs[Int(customer.holder)]))
        case .complete(let slot, let stamp):
            let customer = customers[Int(slot)]
            guard customer.stamp == stamp, customer.holder >= 0 else { return }
            expect(slot: slot, worker: customer.holder)
            complete(slot: Int(slot), customer)
        case .abandon(let slot, let serial):
            let customer = customers[Int(slot)]
            guard customer.serial == serial, !customer.answered else { return }
            expect(slot: slot, worker: customer.holder)
            // A lean run keeps no events, so nothing reads the reason: it is not spelt out.
            let reason = lean ? "abandoned" : "abandoned after waiting \(DurationText.format(now - customer.arrival))"
            execute(.cancelTask(customer.task, reason: reason))
        case .publishPredictions:
            publishPredictions()
            if let refresh = setup.scenario.learning?.refresh { calendar.schedule(.publishPredictions, at: now + refresh) }
        case .routeWaiting:
            execute(.routeWaiting)
            calendar.schedule(.routeWaiting, at: now + batchInterval)
        }
    }

    // MARK: - Learning

    /// Publishes a table built from what the models have learned so far.
    private mutating func publishPredictions() {
        guard var loop = learning else { return }
        let table = loop.nextTable()
        learning = loop
        lastTable = table
        execute(.publishPredictions(table))
    }

    /// Teaches the models `count` past visits per eligible (worker, task type, step), drawn from
    /// the scenario's truth on a stream of their own: the history a desk's log would already hold
    /// when the run starts.
    private mutating func learnHistory(_ count: Int) {
        guard var loop = learning else { return }
        let scenario = setup.scenario
        for (type, taskType) in scenario.taskTypes.enumerated() {
            let key = scenario.taskTypes[type].request.typeName(attribute: state.settings.predictive.typeAttribute)
            let steps = setup.stepProfiles[type].sorted { $0.value < $1.value }
            for (worker, record) in setup.workers.enumerated() {
                guard record.capacity(on: taskType.request.channel) > 0 else { continue }
                for (position, step) in steps.enumerated() {
                    let profile = setup.profiles[step.value]
                    guard setup.queues[profile.queue].requirement.isMet(by: record) else { continue }
                    for visit in 0..<count {
                        var generator = streams.generator(
                            .history, type: type, customer: worker, visit: visit * steps.count + position)
                        let seconds = profile.handling.sample(&generator) * profile.multipliers[worker]
                        let cameBack = RandomStreams.uniform(&generator) < profile.rework(by: worker)
                        loop.observe(taskType: key, step: step.key, worker: worker, seconds: seconds, cameBack: cameBack)
                    }
                }
            }
        }
        learning = loop
    }

    /// Teaches the models one finished visit of the customer's current step.
    private mutating func learn(from customer: Customer, cameBack: Bool) {
        guard learns, customer.typeKey >= 0 else { return }
        learning!.observe(
            taskType: typeKeys[Int(customer.typeKey)], step: setup.profiles[customer.profile].step, worker: Int(customer.holder),
            seconds: now - customer.serviceStart, cameBack: cameBack)
    }

    private mutating func typeKey(of task: TaskID) -> Int32 {
        guard let task = state.task(task) else { return -1 }
        let key = state.taskType(of: task)
        if let number = typeKeyNumber[key] { return number }
        typeKeys.append(key)
        typeKeyNumber[key] = Int32(typeKeys.count - 1)
        return Int32(typeKeys.count - 1)
    }

    private mutating func scheduleArrival(_ type: Int, after time: Double) {
        if let replayed = setup.replayed[type] {
            let index = arrivalCounts[type]
            if index < replayed.count { calendar.schedule(.arrival(type: type), at: max(replayed[index].time, time)) }
            return
        }
        guard case .poisson(let rate) = setup.scenario.taskTypes[type].arrivals else { return }
        let unit = -log(RandomStreams.uniform(&arrivalGenerators[type]))
        let next = rate.nextArrival(after: time, unit: unit)
        if next.isFinite, next <= setup.scenario.horizon + setup.scenario.drain {
            calendar.schedule(.arrival(type: type), at: next)
        }
    }

    private mutating func arrive(_ type: Int) {
        let scenario = setup.scenario
        let index = arrivalCounts[type]
        arrivalCounts[type] += 1
        scheduleArrival(type, after: now)
        let slot = allocateSlot()
        let counted = now >= scenario.warmUp && now < scenario.horizon
        // Past the horizon the run drains for as long as the policy needs; only measured
        // arrivals say which customers a policy served.
        if now < scenario.horizon {
            digest(UInt64(type))
            digest(now.bitPattern)
        }
        nextStamp += 1
        customers[Int(slot)] = Customer(
            serial: nextStamp, stamp: nextStamp, type: type, index: index, arrival: now, counted: counted)
        if counted {
            openCounted += 1
            metrics.arrivedCounted(type: type)
        }
        creatingSlot = slot
        var request = scenario.taskTypes[type].request
        if let replayed = setup.replayed[type] { request = replayed[index].request(over: request) }
        if !execute(.createTask(request)) {
            // The core refused the task: it never entered the system.
            if counted { openCounted -= 1 }
            metrics.refused += 1
            freeSlots.append(slot)
        } else if let patience = scenario.taskTypes[type].patience {
            var generator = streams.generator(.patience, type: type, customer: index)
            let giveUp = patience.sample(&generator)
            if now < scenario.horizon { digest(giveUp.bitPattern) }
            if pendingAccepts.contains(where: { $0.slot == slot && $0.taken }) {
                // Answered at once (with the step's other acceptances): giving up would find the
                // customer answered. Only the time is kept, as the clock would have moved to it.
                skip(at: now + giveUp)
            } else {
                calendar.schedule(.abandon(slot: slot, serial: customers[Int(slot)].serial), at: now + giveUp)
            }
        }
        creatingSlot = -1
    }

    private mutating func complete(slot: Int, _ customer: Customer) {
        // The profile's fields are read where they are stored: copying the whole profile retained
        // and released each of its arrays and strings on every completion.
        let profile = customer.profile
        let visit = customer.visits - 1
        let worker = setup.workerIDs[Int(customer.holder)]
        var exception = false
        if setup.profiles[profile].exceptionProbability > 0 {
            var generator = streams.generator(.exception, type: customer.type, customer: customer.index, visit: visit)
            exception = RandomStreams.uniform(&generator) < setup.profiles[profile].exceptionProbability
        }
        var outcome: String?
        if !setup.profiles[profile].outcomes.isEmpty {
            var generator = streams.generator(.outcome, type: customer.type, customer: customer.index, visit: visit)
            let u = RandomStreams.uniform(&generator)
            let outcomes = setup.profiles[profile].outcomes
            outcome = outcomes.first { u < $0.cumulative }?.outcome ?? outcomes.last?.outcome
        }
        if exception {
            if setup.profiles[profile].exceptionByMissingEvidence {
                // The step sends completions without its evidence to the exception lane: let the core do it.
                execute(.completeStep(customer.task, worker: worker, outcome: outcome, evidence: [:]))
            } else {
                execute(.flagException(
                    customer.task, reason: "exception at step \(setup.profiles[profile].step) (simulated)",
                    context: ["worker": worker.rawValue]))
            }
            return
        }
        let reworkProbability = setup.profiles[profile].rework(by: Int(customer.holder))
        if reworkProbability > 0 {
            var generator = streams.generator(.rework, type: customer.type, customer: customer.index, visit: visit)
            if RandomStreams.uniform(&generator) < reworkProbability {
                learn(from: customer, cameBack: true)
                // The core has no command that sends a task back a step, so rework goes the way a
                // person would send it back live: into the exception lane and out again at once,
                // resumed at the step to redo.
                customers[slot].reworking = true
                let reworkStep = setup.profiles[profile].reworkStep
                if execute(.flagException(
                    customer.task, reason: "rework: back to \(reworkStep) (simulated)",
                    context: ["worker": worker.rawValue, "step": setup.profiles[profile].step.rawValue]))
                {
                    execute(.resolveException(customer.task, .resume(reworkStep), note: "rework (simulated)"))
                    return
                }
                customers[slot].reworking = false
            }
        }
        learn(from: customer, cameBack: false)
        guard setup.profiles[profile].mayDecideEvidence, let decided = state.task(customer.task)?.decidedEvidence else {
            execute(.completeStep(customer.task, worker: worker, outcome: outcome, evidence: setup.profiles[profile].evidence))
            return
        }
        var evidence = setup.profiles[profile].evidence
        for field in decided where evidence[field] == nil { evidence[field] = .string("simulated") }
        execute(.completeStep(customer.task, worker: worker, outcome: outcome, evidence: evidence))
    }

    /// Accepts at once every offer made while acceptance takes no time.
    private mutating func acceptPending() {
        while let (slot, stamp, taken) = pendingAccepts.popLast() {
            // Fields read where they are stored: a copy of the customer retained and released its
            // task id on every call.
            let holder = customers[Int(slot)].holder
            guard customers[Int(slot)].stamp == stamp, holder >= 0 else { continue }
            if taken {
                // What absorbing the acceptance's note did, in the order the commands ran.
                accepted(Int(slot))
                continue
            }
            expect(slot: slot, worker: holder)
            execute(.acceptOffer(customers[Int(slot)].task, worker: setup.workerIDs[Int(holder)]))
        }
    }

    /// Executes a command at the current virtual time and absorbs its events; false when refused.
    @discardableResult
    private mutating func execute(_ command: Command) -> Bool {
        // The run reads only who was chosen, never why: the core skips building the explanation.
        let context = CommandContext(
            now: setup.scenario.start + now, actor: "simulator", routingDetail: lean ? .choiceOnly : .explained)
        // One buffer serves every command of the run: taken out while the core fills it and
        // this replication reads it, so that neither copies it.
        var notes = noteBuffer
        noteBuffer = []
        // Emptied only now and then: emptying it before every command cost more than the notes.
        if notes.count >= Self.notesKept { notes.removeAll(keepingCapacity: true) }
        let start = notes.endIndex
        defer { noteBuffer = notes }
        do {
            if lean {
                // The core applies the events without building them and notes what happened.
                try state.execute(command, context: context, notingIn: &notes, acceptingOffersAtOnce: acceptsAtOnce)
            } else {
                let events = try state.execute(command, context: context)
                for event in events { notes.append(EventNote(event.payload)) }
            }
        } catch {
            // An accept that lost its offer to a timeout, say: the world moved on, as it does live.
            metrics.refusedCommands += 1
            return false
        }
        absorb(notes, from: start)
        return true
    }

    /// How many notes the buffer holds before it is emptied.
    private static let notesKept = 256

    // MARK: - Events

    /// Follows the notes of the command executed last: those from `start` on.
    private mutating func absorb(_ notes: [EventNote], from start: Int) {
        for index in start..<notes.endIndex {
            switch notes[index].kind {
            case .taskCreated:
                guard creatingSlot >= 0, let task = notes[index].task else { continue }
                customers[Int(creatingSlot)].task = task
                slotOf.insert(task, slot: creatingSlot)
                likelySlot = creatingSlot
                if learns { customers[Int(creatingSlot)].typeKey = typeKey(of: task) }
                let type = customers[Int(creatingSlot)].type
                if let first = setup.firstProfile[type] { enter(Int(creatingSlot), profile: first) }

            case .taskOffered:
                guard let slot = slot(of: notes[index].task), let number = workerNumber(notes[index].worker) else { continue }
                nextStamp += 1
                customers[Int(slot)].stamp = nextStamp
                customers[Int(slot)].holder = Int32(number)
                touched.append(Int32(number))
                if let acceptance = setup.scenario.acceptance {
                    let customer = customers[Int(slot)]
                    var generator = streams.generator(
                        .acceptance, type: customer.type, customer: customer.index, visit: Int(nextStamp & 0xFFFF_FFFF))
                    calendar.schedule(.accept(slot: slot, stamp: nextStamp), at: now + acceptance.sample(&generator))
                } else if acceptsAtOnce, index + 1 < notes.endIndex, notes[index + 1].kind == .offerAccepted,
                    notes[index + 1].task == notes[index].task
                {
                    // Accepted by the core as it was made; the simulator's side waits its turn.
                    pendingAccepts.append((slot, nextStamp, true))
                    if let expiresAt = notes[index].expiresAt { skip(at: expiresAt.timeIntervalSince(setup.scenario.start)) }
                } else {
                    pendingAccepts.append((slot, nextStamp, false))
                }

            case .offerAccepted:
                // An offer accepted at once follows its offer, and is taken up with the step's
                // other acceptances (`acceptPending`).
                if acceptsAtOnce, index > start, notes[index - 1].kind == .taskOffered,
                    notes[index - 1].task == notes[index].task
                {
                    continue
                }
                guard let slot = slot(of: notes[index].task) else { continue }
                accepted(Int(slot))

            case .offerDeclined:
                guard let slot = slot(of: notes[index].task) else { continue }
                customers[Int(slot)].holder = -1
                if let number = workerNumber(notes[index].worker) { touched.append(Int32(number)) }

            case .stepCompleted:
                guard let slot = slot(of: notes[index].task) else { continue }
                releaseHolder(Int(slot))
                if let next = notes[index].step {
                    enter(Int(slot), step: next)
                } else {
                    finish(Int(slot), as: .completed)
                }

            case .movedToException:
                guard let slot = slot(of: notes[index].task) else { continue }
                releaseHolder(Int(slot))
                if !customers[Int(slot)].reworking { finish(Int(slot), as: .exception) }

            case .exceptionResolved:
                guard let step = notes[index].step, let slot = slot(of: notes[index].task), customers[Int(slot)].reworking
                else { continue }
                customers[Int(slot)].reworking = false
                customers[Int(slot)].reworks += 1
                if customers[Int(slot)].counted { metrics.reworks += 1 }
                enter(Int(slot), step: step)

            case .taskCancelled:
                guard let slot = slot(of: notes[index].task) else { continue }
                releaseHolder(Int(slot))
                finish(Int(slot), as: .abandoned)

            case .overrideApplied:
                // Only a reassignment names a worker.
                guard let slot = slot(of: notes[index].task), let number = workerNumber(notes[index].worker) else { continue }
                releaseHolder(Int(slot))
                customers[Int(slot)].holder = Int32(number)
                touched.append(Int32(number))
                startService(Int(slot))

            case .escalated:
                if let slot = slot(of: notes[index].task), customers[Int(slot)].counted { metrics.escalations += 1 }

            case .other:
                break
            }
        }
        for worker in touched {
            let load = lean ? state.load(ofWorkerAt: Int(worker)) : state.workers[Int(worker)].totalLoad
            metrics.workerLoadChanged(Int(worker), load: load, at: now)
        }
        touched.removeAll(keepingCapacity: true)
    }

    /// The slot of a customer in the system.
    private mutating func slot(of task: TaskID?) -> Int32? {
        guard let task else { return nil }
        if likelySlot >= 0, customers[Int(likelySlot)].serial != 0, customers[Int(likelySlot)].task == task {
            return likelySlot
        }
        guard let slot = slotOf.slot(of: task) else { return nil }
        likelySlot = slot
        return slot
    }

    /// The number of a scenario worker.
    private mutating func workerNumber(_ worker: WorkerID?) -> Int? {
        guard let worker else { return nil }
        if likelyWorker >= 0, setup.workerIDs[Int(likelyWorker)] == worker { return Int(likelyWorker) }
        guard let number = setup.workerNumber[worker] else { return nil }
        likelyWorker = Int32(number)
        return number
    }

    /// Notes the customer and worker a command is about, before executing it.
    private mutating func expect(slot: Int32, worker: Int32) {
        likelySlot = slot
        likelyWorker = worker
    }

    private mutating func enter(_ slot: Int, step: StepID) {
        enter(slot, profile: setup.stepProfiles[customers[slot].type][step] ?? 0)
    }

    private mutating func enter(_ slot: Int, profile: Int) {
        customers[slot].profile = profile
        customers[slot].visits += 1
        customers[slot].enteredStep = now
    }

    private mutating func accepted(_ slot: Int) {
        let wait = now - customers[slot].enteredStep
        customers[slot].wait += wait
        customers[slot].answered = true
        if customers[slot].counted { metrics.answeredVisit(queue: setup.profiles[customers[slot].profile].queue, wait: wait) }
        let holder = customers[slot].holder
        if holder >= 0 { metrics.acceptedVisit(worker: Int(holder), type: customers[slot].type, at: now) }
        startService(slot)
    }

    /// Schedules the end of the current step's work by the current holder: the visit's work
    /// content, the same under every policy, scaled by the holder's skill.
    private mutating func startService(_ slot: Int) {
        // Read field by field, as the profile's are: a copy of the customer retained its task id.
        let profile = customers[slot].profile
        var generator = streams.generator(
            .service, type: customers[slot].type, customer: customers[slot].index, visit: customers[slot].visits - 1)
        let work = setup.profiles[profile].handling.sample(&generator)
            * setup.profiles[profile].multipliers[Int(customers[slot].holder)]
        nextStamp += 1
        customers[slot].stamp = nextStamp
        customers[slot].serviceStart = now
        calendar.schedule(.complete(slot: Int32(slot), stamp: nextStamp), at: now + work)
    }

    private mutating func releaseHolder(_ slot: Int) {
        let holder = customers[slot].holder
        if holder >= 0 { touched.append(holder) }
        customers[slot].holder = -1
    }

    private mutating func finish(_ slot: Int, as ending: ReplicationCollector.Ending) {
        let customer = customers[slot]
        if customer.counted {
            openCounted -= 1
            metrics.finished(
                ending, type: customer.type, arrival: customer.arrival, at: now, wait: customer.answered ? customer.wait : nil,
                queue: setup.profiles[customer.profile].queue, reworked: customer.reworks > 0)
        } else if ending == .completed {
            metrics.completedOutsideCount(at: now)
        }
        slotOf.remove(customer.task)
        customers[slot].serial = 0
        customers[slot].stamp = 0
        customers[slot].holder = -1
        freeSlots.append(Int32(slot))
    }

    /// Keeps the time of a timer or calendar entry left unset because it could only have found
    /// nothing to do, while the clock has not passed it.
    private mutating func skip(at time: Double) {
        if skipped.count >= skippedPruned {
            skipped.removeAll { $0 <= now }
            skippedPruned = max(64, 2 * skipped.count)
        }
        skipped.append(time)
    }

    private mutating func digest(_ value: UInt64) {
        arrivalDigest = (arrivalDigest ^ value) &* 0x100_0000_01b3
    }

    private mutating func allocateSlot() -> Int32 {
        if let slot = freeSlots.popLast() { return slot }
        customers.append(Customer())
        return Int32(customers.count - 1)
    }
}
