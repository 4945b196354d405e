import Foundation

/// A workflow's exception rate being watched: the band it is expected to stay in and the counts
/// of the slot under way.
public struct ExceptionRateWatch: Sendable, Hashable {
    /// The learned band, per seasonal slot, and the open alert.
    public internal(set) var band: SeasonalBandState
    /// The start of the slot under way.
    public internal(set) var slotStart: Date
    /// Tasks created in the workflow since the slot started.
    public internal(set) var entered: Int
    /// Tasks of the workflow moved to the exception lane since the slot started.
    public internal(set) var exceptions: Int

    /// Starts watching with `band` in the slot that `time` falls in.
    init(_ declaration: SeasonalBand, at time: Date) {
        band = SeasonalBandState(declaration)
        slotStart = Self.slotStart(of: declaration, at: time)
        entered = 0
        exceptions = 0
    }

    /// The end of the slot under way: when it is observed.
    public var slotEnd: Date { slotStart + band.band.slotLength }

    /// Whether an alert is open.
    public var isAlerting: Bool { band.isAlerting }

    /// The start of the slot `time` falls in, on the band's clock (UTC shifted by its offset).
    static func slotStart(of band: SeasonalBand, at time: Date) -> Date {
        let length = band.slotLength
        let local = time.timeIntervalSince1970 + band.utcOffset
        return Date(timeIntervalSince1970: (local / length).rounded(.down) * length - band.utcOffset)
    }
}

/// A change or signal that an event folded into the adaptive state, waiting for its own event.
///
/// The event that moves a threshold (an accepted offer, say) is folded by ``WorkspaceState/evolve(_:)``
/// like any other; the move it caused is kept here until the command records it as
/// `ThresholdChanged` (or `ExceptionRateAlert` / `ExceptionRateRecovered`) right after, and folding
/// that record removes it. Between two commands the list is always empty, live and folded alike.
enum PendingAdaptive: Sendable, Hashable {
    case window(ResponseWindowChange)
    case alert(ExceptionRateSignal)
    case recovery(ExceptionRateSignal)

    var payload: EventPayload {
        switch self {
        case .window(let change): .thresholdChanged(change)
        case .alert(let signal): .exceptionRateAlert(signal)
        case .recovery(let signal): .exceptionRateRecovered(signal)
        }
    }
}

extension WorkspaceState {
    /// The response window a step's tasks entering now get: the adaptive value when the step
    /// declares one, else the static one.
    public func responseWindow(workflow: WorkflowID, step: StepID) -> TimeInterval? {
        if let learned = responseWindows[WorkflowStep(workflow: workflow, step: step)] { return learned.value }
        return self.workflow(workflow)?.step(step)?.ownership.responseWindow
    }

    // MARK: - Folding

    /// Follows a new version of a workflow: adaptive windows are created, reconfigured (keeping
    /// their outcomes) or dropped, and the exception-rate watch started, kept or dropped.
    mutating func adoptAdaptive(_ workflow: Workflow, at time: Date) {
        let now = time.timeIntervalSince1970
        var declared: Set<StepID> = []
        for step in workflow.steps {
            guard let adaptive = step.ownership.adaptiveResponseWindow else { continue }
            declared.insert(step.id)
            let key = WorkflowStep(workflow: workflow.id, step: step.id)
            let threshold = adaptive.threshold(staticWindow: step.ownership.responseWindow)
            if var state = responseWindows[key] {
                guard state.threshold != threshold else { continue }
                let change = state.reconfigure(threshold, at: now)
                responseWindows[key] = state
                if let change { pendingAdaptive.append(.window(ResponseWindowChange(workflow: workflow.id, step: step.id, change: change))) }
            } else {
                responseWindows[key] = QuantileThresholdState(threshold)
            }
        }
        for key in responseWindows.keys where key.workflow == workflow.id && !declared.contains(key.step) {
            responseWindows[key] = nil
        }
        if let band = workflow.alerts?.exceptionRate {
            // A changed declaration learns afresh: statistics of other slots or smoothing would mislead.
            if exceptionRates[workflow.id]?.band.band != band {
                let watch = ExceptionRateWatch(band, at: time)
                exceptionRates[workflow.id] = watch
                scheduleSlotEnd(of: workflow.id, at: watch.slotEnd)
            }
        } else {
            exceptionRates[workflow.id] = nil
        }
    }

    /// Drops outcomes of a step's window that aged out by `time`, before a task entering the
    /// step is given its window, so that no task gets a window learned from outcomes no longer
    /// in it.
    mutating func advanceResponseWindow(_ key: WorkflowStep, to time: Date) {
        guard var state = responseWindows[key], state.threshold.window.age != nil else { return }
        let change = state.advance(to: time.timeIntervalSince1970)
        responseWindows[key] = state
        if let change { pendingAdaptive.append(.window(ResponseWindowChange(workflow: key.workflow, step: key.step, change: change))) }
    }

    /// The adaptive window to fix on a task entering `step`, or nil when the step's window is static.
    func learnedWindow(for task: WorkTask, step: Step) -> TimeInterval? {
        guard step.ownership.adaptiveResponseWindow != nil else { return nil }
        return responseWindows[WorkflowStep(workflow: task.workflow, step: step.id)]?.value
    }

    /// Folds one response time (entering the step to accepting the offer) into the step's window.
    mutating func observeResponse(of task: WorkTask, at time: Date) {
        let key = WorkflowStep(workflow: task.workflow, step: task.step)
        guard var state = responseWindows[key] else { return }
        let change = state.observe(time.timeIntervalSince(task.stepEnteredAt), at: time.timeIntervalSince1970)
        responseWindows[key] = state
        if let change { pendingAdaptive.append(.window(ResponseWindowChange(workflow: key.workflow, step: key.step, change: change))) }
    }

    /// Folds a recorded change: brings the window to the change's time, which is exactly what a
    /// timer's tick did live and nothing at all for a change an earlier event already made.
    mutating func applyWindowChange(_ change: ResponseWindowChange) {
        if var state = responseWindows[change.key] {
            _ = state.advance(to: change.change.time)
            responseWindows[change.key] = state
        }
        removePending(.window(change))
    }

    /// Closes a slot of a workflow's exception rate: its rate is judged against the band and
    /// folded in, and the next slot starts.
    mutating func observeExceptionRate(_ observation: ExceptionRateObservation) {
        guard var watch = exceptionRates[observation.workflow], watch.slotStart == observation.slotStart else { return }
        if let rate = observation.rate,
            let signal = watch.band.observe(rate, at: observation.slotStart.timeIntervalSince1970)
        {
            let record = ExceptionRateSignal(
                workflow: observation.workflow, slotStart: observation.slotStart, slotEnd: observation.slotEnd,
                signal: signal)
            pendingAdaptive.append(signal.kind == .alert ? .alert(record) : .recovery(record))
        }
        watch.slotStart = observation.slotEnd
        watch.entered = 0
        watch.exceptions = 0
        exceptionRates[observation.workflow] = watch
        scheduleSlotEnd(of: observation.workflow, at: watch.slotEnd)
    }

    mutating func removePending(_ pending: PendingAdaptive) {
        if let index = pendingAdaptive.firstIndex(of: pending) { pendingAdaptive.remove(at: index) }
    }

    // MARK: - Deciding

    /// Records, each as its own event, the changes and signals the last event folded in.
    mutating func recordPendingAdaptive(_ run: inout Run) {
        while let next = pendingAdaptive.first {
            emit(next.payload, &run, actor: "system")
            // Folding the record removes it; never loop on one that did not.
            if pendingAdaptive.first == next { pendingAdaptive.removeFirst() }
        }
    }

    /// Drops outcomes that aged out of every adaptive window by `now`, recording each window that
    /// moved. Works on a copy first, so a window that would not move is left as the log has it.
    mutating func tickResponseWindows(_ run: inout Run) {
        let now = run.context.now.timeIntervalSince1970
        for key in responseWindows.keys.sorted() {
            guard let state = responseWindows[key], let oldest = state.oldestSampleTime,
                !state.threshold.window.contains(time: oldest, now: now)
            else { continue }
            var trial = state
            guard let change = trial.advance(to: now) else { continue }
            emit(.thresholdChanged(ResponseWindowChange(workflow: key.workflow, step: key.step, change: change)), &run, actor: "system")
        }
    }

    /// Records the end of a workflow's exception-rate slot.
    mutating func closeExceptionRateSlot(of workflow: WorkflowID, due: Date, _ run: inout Run) {
        guard let watch = exceptionRates[workflow], watch.slotEnd == due else { return }
        emit(
            .exceptionRateObserved(ExceptionRateObservation(
                workflow: workflow, slotStart: watch.slotStart, slotEnd: watch.slotEnd, entered: watch.entered,
                exceptions: watch.exceptions)),
            &run, actor: "system")
    }
}
