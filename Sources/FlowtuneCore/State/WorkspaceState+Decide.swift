import Foundation

extension WorkspaceState {
    /// Decides `command` against this state and returns the events it causes, without changing the state.
    ///
    /// ```swift
    /// let events = try state.decide(.createTask(NewTask(workflow: "support")), context: context)
    /// for event in events { state.evolve(event) }
    /// ```
    public func decide(_ command: Command, context: CommandContext) throws(CommandError) -> [Event] {
        var copy = self
        return try copy.execute(command, context: context)
    }

    /// Decides `command`, applies the events it causes in place, and returns them.
    ///
    /// A refused command throws before any change. Routing cascades — a freed worker taking the
    /// next task, a returned task finding another worker — are decided on the state as it stands
    /// after each event, so the events returned fold to exactly the state left behind.
    @discardableResult
    public mutating func execute(_ command: Command, context: CommandContext) throws(CommandError) -> [Event] {
        var events: [Event] = []
        // A creation makes two events (three with a decision); reserving room for four saves
        // growing the array along the way.
        events.reserveCapacity(4)
        try execute(command, context: context, appendingTo: &events)
        return events
    }

    /// Decides `command`, applies the events it causes in place, and appends them to `events`.
    ///
    /// The same as ``execute(_:context:)`` for a caller that runs many commands in a row (the
    /// simulator): emptying and reusing one buffer saves allocating an array per command.
    ///
    /// ```swift
    /// var events: [Event] = []
    /// for command in commands {
    ///     events.removeAll(keepingCapacity: true)
    ///     try state.execute(command, context: context, appendingTo: &events)
    /// }
    /// ```
    public mutating func execute(
        _ command: Command, context: CommandContext, appendingTo events: inout [Event]
    ) throws(CommandError) {
        var run = Run(context: context, keepsEvents: true)
        swap(&run.events, &events)
        defer { swap(&run.events, &events) }
        try execute(command, &run)
    }

    /// Decides `command` and applies the events it causes in place without keeping them: for each
    /// event it appends an ``EventNote`` to `notes` instead.
    ///
    /// The state left behind is exactly the one ``execute(_:context:appendingTo:)`` leaves, and
    /// the notes are those of the events it would have returned (`EventNote(event.payload)`), in
    /// order; no `Event` is built. For a caller that keeps no log and reads only what happened to
    /// which task — the simulator. Whatever records events (the engine) must not use it.
    ///
    /// With `acceptingOffersAtOnce`, the caller stands for workers who accept every offer the
    /// moment it is made (a simulation without answer times): each offer the command makes is
    /// followed straight away by its acceptance, noted as an ``EventNote/Kind/offerAccepted``
    /// right after the ``EventNote/Kind/taskOffered`` note, and no expiry timer is set for it —
    /// answered at the instant it was made, the offer could only ever be found taken when the
    /// timer came due. The state is the one that executing `.acceptOffer` for each such offer
    /// after the command leaves, but for those idle timers (and for one more event counted in
    /// ``version`` when a timer firing in the same command takes an offer back, where the caller
    /// would have found nothing to accept). While adaptive response windows or
    /// a prediction table are in force an acceptance is learnt from, so offers are then left
    /// open for the caller to accept, as without the option.
    ///
    /// ```swift
    /// var notes: [EventNote] = []
    /// for command in commands {
    ///     notes.removeAll(keepingCapacity: true)
    ///     try state.execute(command, context: context, notingIn: &notes)
    /// }
    /// ```
    public mutating func execute(
        _ command: Command, context: CommandContext, notingIn notes: inout [EventNote],
        acceptingOffersAtOnce: Bool = false
    ) throws(CommandError) {
        var run = Run(context: context, keepsEvents: false, acceptsOffersAtOnce: acceptingOffersAtOnce)
        swap(&run.notes, &notes)
        defer { swap(&run.notes, &notes) }
        try execute(command, &run)
    }

    /// The events of one command as they are applied: kept whole, or only noted.
    struct Run {
        let context: CommandContext
        /// Whether the events are kept in `events`; when not, each leaves a note in `notes`.
        let keepsEvents: Bool
        /// Whether every offer is accepted as it is made (noted commands only).
        var acceptsOffersAtOnce = false
        var events: [Event] = []
        var notes: [EventNote] = []
    }

    mutating func emit(_ payload: consuming EventPayload, _ run: inout Run, actor: String? = nil) {
        let recordsAdaptiveMove = payload.recordsAdaptiveMove
        if run.keepsEvents {
            // Applied from a local and then moved into the result: an event applied from its place
            // in the array was copied out for the call, a retain and a release of each of its fields.
            let event = Event(
                time: run.context.now, actor: actor ?? run.context.actor, cause: run.context.cause, payload: consume payload)
            evolve(event)
            run.events.append(consume event)
        } else {
            // No event is built: the payload is applied from its parts and dropped.
            let payload = consume payload
            run.notes.append(EventNote(payload))
            apply(payload, time: run.context.now, actor: actor ?? run.context.actor)
        }
        // An event that moved an adaptive threshold is followed at once by the record of the move.
        if !pendingAdaptive.isEmpty, !recordsAdaptiveMove { recordPendingAdaptive(&run) }
    }

    // MARK: - The events of a task's ordinary life

    // Each emits its event as `emit` does; a command that only notes its events applies it from
    // its parts instead, without wrapping it in an `EventPayload` that `emit` would switch over
    // three times (for the adaptive check, the note and `apply`) and then destroy. These are the
    // events of every task's life, a few per task.

    /// `numbered` says the id is the one numbering gave, so applying need not read it again.
    private mutating func emitTaskCreated(_ created: consuming TaskCreated, numbered: Bool, _ run: inout Run) {
        guard !run.keepsEvents else { return emit(.taskCreated(created), &run) }
        run.notes.append(EventNote(kind: .taskCreated, task: created.task))
        version += 1
        applyTaskCreated(created, time: run.context.now, numbered: numbered)
        if !pendingAdaptive.isEmpty { recordPendingAdaptive(&run) }
    }

    mutating func emitTaskOffered(
        task id: TaskID, worker: WorkerID, expiresAt: Date, decision: consuming RoutingDecision, _ run: inout Run
    ) {
        guard !run.keepsEvents else {
            return emit(.taskOffered(task: id, worker: worker, expiresAt: expiresAt, decision: decision), &run, actor: "system")
        }
        run.notes.append(EventNote(kind: .taskOffered, task: id, worker: worker, expiresAt: expiresAt))
        version += 1
        // An acceptance changes nothing but the task's state unless a response window learns from
        // it or the fairness ledger counts it: only then must it wait for the caller.
        let acceptedAtOnce = run.acceptsOffersAtOnce && responseWindows.isEmpty && predictions == nil
        applyTaskOffered(id, worker: worker, expiresAt: expiresAt, time: run.context.now, setsExpiry: !acceptedAtOnce)
        if !pendingAdaptive.isEmpty { recordPendingAdaptive(&run) }
        if acceptedAtOnce { emitOfferAccepted(task: id, worker: worker, &run) }
    }

    private mutating func emitOfferAccepted(task id: TaskID, worker: WorkerID, _ run: inout Run) {
        guard !run.keepsEvents else { return emit(.offerAccepted(task: id, worker: worker), &run) }
        run.notes.append(EventNote(kind: .offerAccepted, task: id, worker: worker))
        version += 1
        applyOfferAccepted(id, worker: worker, time: run.context.now)
        if !pendingAdaptive.isEmpty { recordPendingAdaptive(&run) }
    }

    /// Emits `StepCompleted` from its parts: a noted command never builds the ``StepCompletion``,
    /// whose fields (the outcome and the evidence among them) would be retained only to be released.
    private mutating func emitStepCompleted(
        task id: TaskID, step: StepID, worker: WorkerID, outcome: String, evidence: [String: JSONValue],
        next: Transition, _ run: inout Run
    ) {
        guard !run.keepsEvents else {
            return emit(.stepCompleted(StepCompletion(
                task: id, step: step, worker: worker, outcome: outcome, evidence: evidence, next: next)), &run)
        }
        let nextStep: StepID?
        switch next {
        case .end: nextStep = nil
        case .step(let step): nextStep = step
        }
        run.notes.append(EventNote(kind: .stepCompleted, task: id, worker: worker, step: nextStep))
        version += 1
        applyStepCompleted(id, next: next, time: run.context.now)
        if !pendingAdaptive.isEmpty { recordPendingAdaptive(&run) }
    }

    private mutating func emitTaskCancelled(task id: TaskID, reason: String, _ run: inout Run) {
        guard !run.keepsEvents else { return emit(.taskCancelled(task: id, reason: reason), &run) }
        run.notes.append(EventNote(kind: .taskCancelled, task: id))
        version += 1
        applyTaskCancelled(id, time: run.context.now)
        if !pendingAdaptive.isEmpty { recordPendingAdaptive(&run) }
    }

    // swiftlint:disable:next cyclomatic_complexity function_body_length
    private mutating func execute(_ command: Command, _ run: inout Run) throws(CommandError) {
        let now = run.context.now
        switch command {
        case .defineWorkflow(var workflow):
            let issues = WorkspaceValidator.issues(in: workflow, queues: queues.map(\.queue), workers: nil)
            if let issue = issues.first {
                throw CommandError(.invalid, issue.message, field: issue.path)
            }
            for (stepIndex, step) in workflow.steps.enumerated() {
                for use in step.decisions where decisions[use.decision] == nil {
                    throw CommandError(
                        .invalid, "step \(step.id) names decision \(use.decision), which is not published",
                        field: "steps[\(stepIndex)].decisions.\(use.purpose.rawValue)")
                }
            }
            workflow.version = (workflows[workflow.id]?.last?.version ?? 0) + 1
            emit(.workflowDefined(workflow), &run)

        case .defineQueue(let queue):
            if let issue = WorkspaceValidator.issues(in: queue).first {
                throw CommandError(.invalid, issue.message, field: issue.path)
            }
            emit(.queueDefined(queue), &run)
            fillAllWorkers(&run)

        case .registerWorker(let worker):
            if let issue = WorkspaceValidator.issues(in: worker).first {
                throw CommandError(.invalid, issue.message, field: issue.path)
            }
            if let serving = worker.servingQueue {
                guard let queue = queue(serving) else {
                    throw CommandError(.invalid, "no queue \(serving) for worker \(worker.id) to serve", field: "serving_queue")
                }
                guard queue.eligibilityDelay(for: worker) != nil else {
                    let unmet = queue.requirement.unmet(by: worker) ?? "requirement not met"
                    throw CommandError(
                        .invalid, "worker \(worker.id) can never serve queue \(serving): \(unmet)", field: "serving_queue")
                }
            }
            let newChannels = Set(worker.channels.keys).subtracting(channelList)
            if channelList.count + newChannels.count > Self.maxChannels {
                throw CommandError(
                    .invalid, "a workspace serves at most \(Self.maxChannels) channels", field: "channels")
            }
            emit(.workerRegistered(worker), &run)
            if worker.status == .available {
                fill(worker: worker.id, &run)
            } else {
                // A profile that takes the worker out of service withdraws their open offers,
                // as a status change does.
                withdrawOffers(of: worker.id, &run)
            }

        case .setWorkerStatus(let id, let status):
            guard let record = self.worker(id) else { throw CommandError(.notFound, "no worker \(id)", field: "worker") }
            guard record.worker.status != status else { return }
            emit(.workerStatusChanged(worker: id, status: status), &run)
            if status == .available {
                fill(worker: id, &run)
            } else {
                withdrawOffers(of: id, &run)
            }

        case .configure(let new):
            guard new.explainedCandidates >= 1 else {
                throw CommandError(.invalid, "at least one candidate must be explained", field: "explained_candidates")
            }
            guard new.exceptionDue > 0 else {
                throw CommandError(.invalid, "exception items need a due time after they are raised", field: "exception_due")
            }
            if let problem = new.predictive.problem {
                throw CommandError(.invalid, problem.message, field: problem.field)
            }
            guard new != settings else { return }
            emit(.settingsChanged(new), &run)

        case .setRoutingPolicy(let kind):
            guard kind != settings.routingPolicy else { return }
            emit(.policyChanged(kind), &run)

        case .createTask(let request):
            try createTask(request, &run)

        case .acceptOffer(let id, let worker):
            // Only the task's state is read: copying the whole task out would retain every field.
            let index = try openTaskIndex(id)
            let state = Self.inPlace(&tasks.values[index]) { $0.state }
            // The worker an offer is open to is registered: only another name needs looking up.
            if state.worker != worker { try requireWorker(worker) }
            guard case .offered(let holder, let expiresAt) = state else {
                throw CommandError(.conflict, "task \(id) has no open offer (it is \(state.name))", field: "task")
            }
            guard holder == worker else {
                throw CommandError(.forbidden, "task \(id) is offered to another worker", field: "worker")
            }
            guard now <= expiresAt else {
                throw CommandError(.conflict, "the offer of task \(id) expired", field: "task")
            }
            emitOfferAccepted(task: id, worker: worker, &run)

        case .rejectOffer(let id, let worker):
            let task = try openTask(id)
            try requireWorker(worker)
            guard case .offered(let holder, _) = task.state else {
                throw CommandError(.conflict, "task \(id) has no open offer (it is \(task.state.name))", field: "task")
            }
            guard holder == worker else {
                throw CommandError(.forbidden, "task \(id) is offered to another worker", field: "worker")
            }
            emit(.offerDeclined(task: id, worker: worker, reason: .rejected), &run)
            offer(task: id, &run)
            fill(worker: worker, &run)

        case .completeStep(let id, let worker, let outcome, let evidence):
            try completeStep(id, worker: worker, outcome: outcome, evidence: evidence, &run)

        case .cancelTask(let id, let reason):
            let task = try openTask(id)
            emitTaskCancelled(task: id, reason: reason, &run)
            if let worker = task.state.worker { fill(worker: worker, &run) }

        case .flagException(let id, let reason, let extra):
            let task = try openTask(id)
            guard task.lane == .routine else {
                throw CommandError(.conflict, "task \(id) is already in the exception lane", field: "task")
            }
            guard !reason.isEmpty else { throw CommandError(.invalid, "a reason is required", field: "reason") }
            moveToException(task, reason: reason, context: extra, &run)

        case .claimException(let id):
            let task = try openTask(id)
            guard task.lane == .exception, let item = task.exception else {
                throw CommandError(.conflict, "task \(id) is not in the exception lane", field: "task")
            }
            if let holder = item.claimedBy, holder != run.context.actor {
                throw CommandError(.conflict, "task \(id) is already claimed by \(holder)", field: "task")
            }
            emit(.exceptionClaimed(task: id, by: run.context.actor), &run)

        case .resolveException(let id, let resolution, let note):
            let task = try openTask(id)
            guard task.lane == .exception else {
                throw CommandError(.conflict, "task \(id) is not in the exception lane", field: "task")
            }
            if case .resume(let step) = resolution,
                self.step(step, of: task.workflow, version: task.workflowVersion) == nil
            {
                throw CommandError(.invalid, "workflow \(task.workflow) has no step \(step)", field: "step")
            }
            emit(.exceptionResolved(task: id, resolution: resolution, note: note), &run)
            if case .resume = resolution {
                applyStepDecisions(to: id, &run, afterException: true)
                offer(task: id, &run)
            }

        case .override(let id, let change, let reason):
            try applyOverride(id, change, reason: reason, &run)

        case .publishDecision(let source):
            try publishDecision(source, restores: nil, &run)

        case .rollbackDecision(let id, let version):
            guard let versions = decisions[id] else {
                throw CommandError(.notFound, "no decision \(id)", field: "decision")
            }
            guard let earlier = versions.first(where: { $0.version == version }) else {
                throw CommandError(
                    .notFound, "decision \(id) has no version \(version); it has 1 to \(versions.count)", field: "version")
            }
            let source = DefinitionSource(file: earlier.publication.file, text: earlier.publication.text)
            try publishDecision(source, restores: version, &run)

        case .reallocate(let round):
            try reallocate(round, &run)

        case .approveReallocation(let id):
            try approveReallocation(id, &run)

        case .declineReallocation(let id, let reason):
            try declineReallocation(id, reason: reason, &run)

        case .publishPredictions(let table):
            if let problem = table.problem { throw CommandError(.invalid, problem.message, field: problem.field) }
            // Routing reads the table from the next decision on: publishing moves no task.
            emit(.predictionsPublished(table), &run)

        case .routeWaiting:
            if settings.routingPolicy == .optimalBatch {
                routeBatch(&run)
            } else {
                fillAllWorkers(&run)
            }

        case .fireTimers:
            if !responseWindows.isEmpty { tickResponseWindows(&run) }
            // One at a time: firing a timer can schedule another that is already due (the next
            // escalation stage, a relaxation of a task back in line), and it must fire in this run too.
            while let timer = takeNextDueTimer(upTo: now) {
                fire(timer, &run)
            }
        }
    }

    // MARK: - Tasks

    private mutating func createTask(_ request: NewTask, _ run: inout Run) throws(CommandError) {
        // Hashing every attribute costs more than the rest of a creation: only keyed requests need it.
        let fingerprint = request.idempotencyKey == nil ? nil : request.fingerprint
        if let key = request.idempotencyKey {
            if let earlier = idempotencyKeys[key] {
                guard earlier.fingerprint == fingerprint else {
                    throw CommandError(
                        .idempotencyMismatch,
                        "idempotency key \(key) was used for task \(earlier.task) with a different request",
                        field: "Idempotency-Key")
                }
                return
            }
        }
        // The version and the first step's decisions read in place: the whole workflow copied out
        // would be retained and released field by field on every creation.
        guard locateWorkflow(request.workflow) != nil, let workflow = latestVersion(of: request.workflow) else {
            throw CommandError(.notFound, "no workflow \(request.workflow)", field: "workflow")
        }
        guard (1...9).contains(request.priority) else {
            throw CommandError(.invalid, "priority must be 1 (most urgent) to 9, not \(request.priority)", field: "priority")
        }
        if channelNumber(request.channel) == nil, channelList.count >= Self.maxChannels {
            throw CommandError(
                .invalid, "a workspace serves at most \(Self.maxChannels) channels; \(request.channel) would be one more",
                field: "channel")
        }
        guard case .object = request.attributes else {
            throw CommandError(.invalid, "attributes must be a JSON object", field: "attributes")
        }
        let id: TaskID
        if let given = request.id {
            guard !given.rawValue.isEmpty else { throw CommandError(.invalid, "a task id cannot be empty", field: "id") }
            guard tasks[given] == nil, finished[given] == nil else {
                throw CommandError(.conflict, "task \(given) already exists", field: "id")
            }
            id = given
        } else {
            // Unless a caller chose an id of the numbered form, the next number's id is free: every
            // numbered id has a smaller number. Otherwise look, building each id once.
            var number = nextTaskNumber
            var candidate = TaskID("T\(number)")
            while taskNumbersTaken, tasks[candidate] != nil || finished[candidate] != nil {
                number += 1
                candidate = TaskID("T\(number)")
            }
            id = candidate
        }
        let created = TaskCreated(
            task: id, workflow: workflow.id, workflowVersion: workflow.version, channel: request.channel,
            priority: request.priority, attributes: request.attributes, idempotencyKey: request.idempotencyKey,
            fingerprint: fingerprint)
        let numbered = request.id == nil && !taskNumbersTaken
        if !run.keepsEvents, run.acceptsOffersAtOnce, responseWindows.isEmpty, predictions == nil,
            !workflow.firstStepDecides, !settings.routingPolicy.usesPredictions
        {
            return createTakenAtOnce(created, numbered: numbered, &run)
        }
        emitTaskCreated(created, numbered: numbered, &run)
        // The task entered the first step of the version just looked up: only a step that uses
        // decisions needs the task and step looked up again.
        if workflow.firstStepDecides { applyStepDecisions(to: id, &run) }
        offer(task: id, &run)
    }

    /// Creates a task whose offer, if any worker takes it, is accepted at once: routed from its
    /// record before it is stored, so that the creation, the offer and the acceptance are applied
    /// as one (``applyTaskTakenAtOnce``) — the same notes and state as creating the task, offering
    /// it and accepting the offer in turn. Routing reads nothing the creation changes: the workers,
    /// the queue, the rotation.
    private mutating func createTakenAtOnce(_ created: consuming TaskCreated, numbered: Bool, _ run: inout Run) {
        let now = run.context.now
        guard let (task, timedStep) = newTask(created, time: now) else {
            return emitTaskCreated(created, numbered: numbered, &run)
        }
        guard let queueNumber = queueNumber(task.queue),
            case (let worker?, let number?, _) = route(
                RoutedTask(task: task), queueNumber: queueNumber, now: now, detail: run.context.routingDetail)
        else {
            // No one to offer it to: it waits, as `offer` would have found.
            run.notes.append(EventNote(kind: .taskCreated, task: created.task))
            version += 1
            applyTaskCreated(created, task: task, timedStep: timedStep, time: now, numbered: numbered)
            if !pendingAdaptive.isEmpty { recordPendingAdaptive(&run) }
            return
        }
        let id = created.task
        // Passing through the line finds the queue here instead of hashing its id again.
        queueCursor = queueNumber
        let expiresAt = now + queues[queueNumber].queue.offerTimeout
        run.notes.append(EventNote(kind: .taskCreated, task: id))
        run.notes.append(EventNote(kind: .taskOffered, task: id, worker: worker, expiresAt: expiresAt))
        run.notes.append(EventNote(kind: .offerAccepted, task: id, worker: worker))
        version += 3
        workerCursor = number
        applyTaskTakenAtOnce(
            created, task: task, timedStep: timedStep, time: now, numbered: numbered, worker: worker, number: number)
        if !pendingAdaptive.isEmpty { recordPendingAdaptive(&run) }
    }

    /// The task the caller created with `key`, if any: how a retried creation finds its task.
    public func task(forIdempotencyKey key: String) -> TaskID? {
        idempotencyKeys[key]?.task
    }

    private mutating func completeStep(
        _ id: TaskID, worker: WorkerID, outcome: String?, evidence: [String: JSONValue], _ run: inout Run
    ) throws(CommandError) {
        // The fields read one by one from the stored task rather than from a copy of all of it.
        let index = try openTaskIndex(id)
        let (state, stepID, workflowID, workflowVersion, decidedEvidence) = Self.inPlace(&tasks.values[index]) {
            ($0.state, $0.step, $0.workflow, $0.workflowVersion, $0.decidedEvidence)
        }
        // The worker holding the task is registered: only another name needs looking up.
        if state.worker != worker { try requireWorker(worker) }
        guard let holder = state.worker else {
            throw CommandError(.conflict, "task \(id) is not assigned (it is \(state.name))", field: "task")
        }
        guard holder == worker else {
            throw CommandError(.forbidden, "task \(id) is assigned to another worker", field: "worker")
        }
        guard case .assigned = state else {
            throw CommandError(.conflict, "accept the offer of task \(id) before completing it", field: "task")
        }
        // What a completion needs from its step is read in place; the whole step is copied out
        // only to explain a refusal or to raise an exception item.
        guard let location = stepLocation(stepID, of: workflowID, version: workflowVersion) else {
            throw CommandError(.notFound, "task \(id) is at an unknown step \(stepID)", field: "task")
        }
        // Through the buffer, where a field is read from the stored step rather than from a copy.
        let (transitions, requiredEvidence) = location.steps.withUnsafeBufferPointer { steps in
            (steps[location.position].next, steps[location.position].ownership.requiredEvidence)
        }
        let chosen = outcome ?? (transitions.count == 1 ? transitions.keys.first! : Step.defaultOutcome)
        // As `Step.transition(for:)` reads it.
        guard let next = transitions.isEmpty ? Transition.end : transitions[chosen] else {
            let step = self.step(stepID, of: workflowID, version: workflowVersion)!
            throw CommandError(
                .invalid,
                "step \(step.id) has no outcome \(chosen); expected one of \(step.next.keys.sorted().joined(separator: ", "))",
                field: "outcome")
        }
        var required = requiredEvidence
        if let decidedEvidence { required += decidedEvidence.filter { !requiredEvidence.contains($0) } }
        let missing = required.filter { evidence[$0]?.isBlank ?? true }
        if !missing.isEmpty {
            let step = self.step(stepID, of: workflowID, version: workflowVersion)!
            switch step.ownership.missingEvidence {
            case .refuse:
                throw CommandError(
                    .missingEvidence,
                    "step \(step.id) requires evidence: \(missing.joined(separator: ", "))",
                    field: "evidence.\(missing[0])")
            case .exception:
                var context = ["step": step.id.rawValue, "worker": worker.rawValue, "outcome": chosen]
                for (key, value) in evidence { context["evidence.\(key)"] = value.text }
                let item = ExceptionItem(
                    owner: step.ownership.decisionOwner, due: run.context.now + settings.exceptionDue,
                    reason: "missing evidence: \(missing.joined(separator: ", "))", context: context,
                    recommendedAction: "obtain \(missing.joined(separator: ", ")) from \(step.ownership.sourceSystem) and resume at \(step.id)")
                emit(.movedToException(task: id, item: item), &run)
                fill(worker: worker, &run)
                return
            }
        }
        emitStepCompleted(task: id, step: stepID, worker: worker, outcome: chosen, evidence: evidence, next: next, &run)
        guard case .step = next else {
            fill(worker: worker, &run)
            return
        }
        applyStepDecisions(to: id, &run)
        // The task's next step joins the back of its line like any arrival: the freed worker takes
        // the best waiting task, which is this one only if it outranks the others. When it does,
        // it goes to whichever free worker suits it best, as a new task would.
        if route(worker: worker, now: run.context.now, detail: run.context.routingDetail)?.task == id {
            offer(task: id, &run)
        }
        fill(worker: worker, &run)
        offer(task: id, &run)
    }

    private mutating func applyOverride(
        _ id: TaskID, _ change: Override, reason: String, _ run: inout Run
    ) throws(CommandError) {
        let task = try openTask(id)
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw CommandError(.invalid, "an override needs a reason", field: "reason")
        }
        switch change {
        case .reassign(let worker):
            guard let target = self.worker(worker) else {
                throw CommandError(.notFound, "no worker \(worker)", field: "worker")
            }
            if case .assigned(worker) = task.state {
                throw CommandError(.conflict, "task \(id) is already assigned to \(worker)", field: "worker")
            }
            if task.state.worker != worker, !target.hasCapacity(on: task.channel) {
                throw CommandError(
                    .conflict,
                    "worker \(worker) has no free capacity on channel \(task.channel)"
                        + " (\(target.load(on: task.channel)) of \(target.worker.capacity(on: task.channel)) in use)",
                    field: "worker")
            }
            let previous = task.state.worker
            if task.lane == .exception {
                // Handing an exception item to a worker puts it back on the routine path.
                emit(.exceptionResolved(task: id, resolution: .resume(task.step), note: reason), &run)
            }
            emit(.overrideApplied(task: id, change: change, reason: reason), &run)
            if let previous, previous != worker { fill(worker: previous, &run) }
        case .priority(let priority):
            guard (1...9).contains(priority) else {
                throw CommandError(.invalid, "priority must be 1 (most urgent) to 9, not \(priority)", field: "priority")
            }
            emit(.overrideApplied(task: id, change: change, reason: reason), &run)
            if priority != task.priority {
                emit(.priorityChanged(task: id, from: task.priority, to: priority), &run)
            }
        case .lane(let lane):
            guard lane != task.lane else {
                throw CommandError(.conflict, "task \(id) is already in the \(lane) lane", field: "lane")
            }
            emit(.overrideApplied(task: id, change: change, reason: reason), &run)
            switch lane {
            case .exception:
                moveToException(task, reason: reason, context: ["override": run.context.actor], &run)
            case .routine:
                emit(.exceptionResolved(task: id, resolution: .resume(task.step), note: reason), &run)
                offer(task: id, &run)
            }
        }
    }

    mutating func moveToException(
        _ task: WorkTask, reason: String, context extra: [String: String], owner: String? = nil,
        action: String? = nil, _ run: inout Run
    ) {
        let step = self.step(task.step, of: task.workflow, version: task.workflowVersion)
        var context = extra
        context["step"] = task.step.rawValue
        context["queue"] = task.queue.rawValue
        if let worker = task.state.worker { context["worker"] = worker.rawValue }
        let item = ExceptionItem(
            owner: owner ?? step?.ownership.decisionOwner ?? "unassigned",
            due: run.context.now + settings.exceptionDue, reason: reason, context: context,
            recommendedAction: action ?? "review, then resume at \(task.step) or cancel")
        emit(.movedToException(task: task.id, item: item), &run)
        if let worker = task.state.worker { fill(worker: worker, &run) }
    }

    /// Reads a stored task in place: `Dictionary.Values`' getter would copy the whole task (and
    /// retain each of its fields) to read one of them. The task is not changed.
    @inline(__always)
    static func inPlace<Result>(_ task: inout WorkTask, _ read: (borrowing WorkTask) -> Result) -> Result {
        read(task)
    }

    private mutating func openTask(_ id: TaskID) throws(CommandError) -> WorkTask {
        let index = try openTaskIndex(id)
        return tasks.values[index]
    }

    /// Where the open task `id` is in `tasks`, so that a caller can read just the fields it needs.
    private mutating func openTaskIndex(_ id: TaskID) throws(CommandError) -> [TaskID: WorkTask].Index {
        if let index = locateTask(id) { return index }
        if let state = finished[id] {
            throw CommandError(.conflict, "task \(id) is already \(state.name)", field: "task")
        }
        throw CommandError(.notFound, "no task \(id)", field: "task")
    }

    private func requireWorker(_ id: WorkerID) throws(CommandError) {
        guard workerNumber(id) != nil else { throw CommandError(.notFound, "no worker \(id)", field: "worker") }
    }

    /// Takes back the worker's open offers and offers each task to someone else.
    private mutating func withdrawOffers(of worker: WorkerID, _ run: inout Run) {
        for task in offeredTasks(of: worker) {
            emit(.offerDeclined(task: task, worker: worker, reason: .withdrawn), &run, actor: "system")
            offer(task: task, &run)
        }
    }

    private func offeredTasks(of worker: WorkerID) -> [TaskID] {
        tasks.values.compactMap { task in
            if case .offered(worker, _) = task.state { return task.id }
            return nil
        }.sorted()
    }

    // MARK: - Routing cascades

    /// Offers a waiting task to the best available worker, if any qualifies.
    private mutating func offer(task id: TaskID, _ run: inout Run) {
        // One lookup of the task and its queue serves both routing and the offer's expiry; the
        // fields routing needs are read in place rather than from a copy of the whole task.
        guard let index = locateTask(id) else { return }
        let (routable, queue, routed) = Self.inPlace(&tasks.values[index]) { task in
            (task.state == .queued && task.lane == .routine, task.queue, RoutedTask(task: task))
        }
        guard routable, let queueNumber = queueNumber(queue) else { return }
        if settings.routingPolicy.usesPredictions {
            offerPredictive(task: id, queueNumber: queueNumber, &run)
            return
        }
        let (worker, number, decision) = route(
            routed, queueNumber: queueNumber, now: run.context.now, detail: run.context.routingDetail)
        guard let worker else { return }
        // The offer's event names the chosen worker: found again from here without a hash.
        if let number { workerCursor = number }
        let expiresAt = run.context.now + queues[queueNumber].queue.offerTimeout
        emitTaskOffered(task: id, worker: worker, expiresAt: expiresAt, decision: decision, &run)
    }

    /// Gives a worker with free capacity the best waiting tasks until it is full or none qualifies.
    mutating func fill(worker id: WorkerID, _ run: inout Run) {
        if settings.routingPolicy == .optimalBatch {
            if settings.predictive.batchInterval == 0 { routeBatch(&run) }
            return
        }
        guard let index = locateWorker(id) else { return }
        while workers[index].worker.status == .available,
            let (task, queueNumber, decision) = route(
                freedWorker: id, number: index, now: run.context.now, detail: run.context.routingDetail)
        {
            let expiresAt = run.context.now + queues[queueNumber].queue.offerTimeout
            emitTaskOffered(task: task, worker: id, expiresAt: expiresAt, decision: decision, &run)
        }
    }

    private mutating func fillAllWorkers(_ run: inout Run) {
        if settings.routingPolicy == .optimalBatch {
            if settings.predictive.batchInterval == 0 { routeBatch(&run) }
            return
        }
        for index in workers.indices where workers[index].worker.status == .available {
            fill(worker: workers[index].worker.id, &run)
        }
    }

    // MARK: - Timers

    private mutating func fire(_ timer: Timer, _ run: inout Run) {
        if case .slotEnd(let workflow) = timer.kind {
            closeExceptionRateSlot(of: workflow, due: timer.due, &run)
            return
        }
        guard let id = timer.task, let index = locateTask(id) else { return }
        if case .offerExpiry(let worker, _) = timer.kind {
            // Most offers are accepted before they lapse: read the state in place rather than
            // copy the whole task to find that out.
            let state = Self.inPlace(&tasks.values[index]) { $0.state }
            guard case .offered(worker, let expiresAt) = state, expiresAt == timer.due else { return }
            emit(.offerDeclined(task: id, worker: worker, reason: .timedOut), &run, actor: "system")
            offer(task: id, &run)
            fill(worker: worker, &run)
            return
        }
        let task = tasks.values[index]
        switch timer.kind {
        case .slotEnd, .offerExpiry:
            return

        case .relaxation(let queuedAt):
            guard task.state == .queued, task.queuedAt == queuedAt else { return }
            offer(task: task.id, &run)

        case .escalation(let level, let stepID, let stepEnteredAt):
            guard task.step == stepID, task.stepEnteredAt == stepEnteredAt, task.escalationLevel == level,
                task.lane == .routine,
                let step = self.step(task.step, of: task.workflow, version: task.workflowVersion),
                level < step.ownership.escalation.count,
                // A decision that moved the response window leaves the timer set for the old one behind.
                timer.due == stepEnteredAt + task.responseWindow(in: step) + step.ownership.escalation[level].after
            else { return }
            let action = step.ownership.escalation[level].action
            emit(.escalated(task: task.id, step: step.id, level: level, action: action), &run, actor: "system")
            escalate(task.id, step: step, action: action, &run)
        }
    }

    private mutating func escalate(_ id: TaskID, step: Step, action: EscalationAction, _ run: inout Run) {
        guard let task = tasks[id] else { return }
        let window = DurationText.format(task.responseWindow(in: step))
        switch action {
        case .notify:
            break
        case .raisePriority(let levels):
            let raised = max(1, task.priority - levels)
            if raised != task.priority {
                emit(.priorityChanged(task: id, from: task.priority, to: raised), &run, actor: "system")
            }
        case .reassignToBackup:
            let backup = step.ownership.backupOwner ?? step.ownership.decisionOwner
            let late = "step \(step.id) passed its \(window) response window"
            if let worker = self.worker(WorkerID(backup)) {
                let backupID = worker.worker.id
                // Already with the backup: nothing to hand over.
                if task.state.worker == backupID { return }
                // A backup worker who is away or full does not get work forced on them; it waits
                // for them, visibly, in the exception lane.
                guard worker.worker.status == .available, worker.hasCapacity(on: task.channel) else {
                    let why = worker.worker.status != .available
                        ? "is \(worker.worker.status.rawValue)" : "has no free capacity on \(task.channel)"
                    moveToException(
                        task, reason: "\(late); backup owner \(backup) \(why)",
                        context: ["escalation": "reassign to backup"], owner: backup, &run)
                    return
                }
                let previous = task.state.worker
                emit(
                    .overrideApplied(
                        task: id, change: .reassign(backupID), reason: "\(late); reassigned to backup owner"),
                    &run, actor: "system")
                if let previous { fill(worker: previous, &run) }
            } else {
                moveToException(
                    task, reason: "\(late); handed to backup owner \(backup)",
                    context: ["escalation": "reassign to backup"], owner: backup, &run)
            }
        case .moveToException(let reason):
            moveToException(task, reason: reason, context: ["escalation": "response window \(window) passed"], &run)
        }
    }
}

extension JSONValue {
    /// The value as an operator reads it: strings bare, numbers without a needless `.0`, the rest as JSON.
    fileprivate var text: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value):
            value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .string(let value): value
        case .array(let values): "[" + values.map(\.text).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.keys.sorted().map { "\($0): \(members[$0]!.text)" }.joined(separator: ", ") + "}"
        }
    }
}
