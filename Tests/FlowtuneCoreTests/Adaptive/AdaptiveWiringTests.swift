import Foundation
import Testing

@testable import FlowtuneCore

/// Adaptive thresholds wired into the workspace: response windows learned from accepted offers,
/// exception-rate bands closed at slot boundaries, and both rebuilt exactly by folding the log.
@Suite("Adaptive wiring")
struct AdaptiveWiringTests {
    static let staticWindow: TimeInterval = 4 * 3600

    /// A one-step workflow whose response window is the p90 of the last 100 response times once
    /// five are known, with one notify stage at the end of the window.
    static func adaptiveStep(
        window: SampleWindow = SampleWindow(count: 100), minimumSamples: Int = 5, minimumChange: Double = 0
    ) -> Step {
        var rule = ownership(
            window: staticWindow, escalation: [EscalationStage(after: 0, action: .notify("#claims"))])
        rule.adaptiveResponseWindow = AdaptiveResponseWindow(
            quantile: 0.9, window: window, minimumSamples: minimumSamples, minimumChange: minimumChange)
        return Step(id: "review", queue: "claims", ownership: rule)
    }

    /// Type 7 by its definition, written out independently of ``Quantile``.
    static func bruteForceQuantile(_ values: [Double], p: Double) -> Double {
        let sorted = values.sorted()
        let position = Double(sorted.count - 1) * p
        let below = Int(position)
        let above = min(below + 1, sorted.count - 1)
        return sorted[below] + (position - Double(below)) * (sorted[above] - sorted[below])
    }

    /// A workspace with one worker and the adaptive step; offers never lapse.
    static func workspace(step: Step = adaptiveStep()) throws -> TestWorkspace {
        var ws = TestWorkspace()
        try ws.queue("claims", offerTimeout: 7 * 86_400)
        try ws.worker("ana")
        try ws.workflow("claims", steps: [step])
        return ws
    }

    /// Creates a task (offered to ana at once), accepts it after `delay` seconds and completes it.
    @discardableResult
    static func handle(_ ws: inout TestWorkspace, after delay: TimeInterval) throws -> [Event] {
        let task = try ws.create("claims")
        #expect(ws.offeredTo(task) == "ana")
        ws.advance(delay)
        let events = try ws.run(.acceptOffer(task, worker: "ana"), actor: "ana")
        ws.advance(1)
        try ws.complete(task)
        ws.advance(60)
        return events
    }

    static func changes(in events: [Event]) -> [ResponseWindowChange] {
        events.compactMap { if case .thresholdChanged(let change) = $0.payload { change } else { nil } }
    }

    @Test("five accepted offers publish their p90 as ThresholdChanged, with the old and the new value")
    func publishesQuantile() throws {
        var ws = try Self.workspace()
        let key = WorkflowStep(workflow: "claims", step: "review")
        #expect(ws.state.responseWindows[key]?.value == Self.staticWindow)
        let responses: [TimeInterval] = [600, 1_200, 1_800, 3_000, 5_400]
        for response in responses.dropLast() {
            let events = try Self.handle(&ws, after: response)
            #expect(Self.changes(in: events).isEmpty, "fewer than min_samples outcomes keep the static window")
        }
        let events = try Self.handle(&ws, after: responses.last!)
        let expected = Self.bruteForceQuantile(responses, p: 0.9)
        #expect(expected == 4_440)
        #expect(events.map(\.type) == ["OfferAccepted", "ThresholdChanged"])
        let change = try #require(Self.changes(in: events).only)
        #expect(change.workflow == "claims" && change.step == "review")
        #expect(change.from == Self.staticWindow)
        #expect(change.to == expected)
        #expect(change.basis.source == .quantile)
        #expect(change.basis.quantile == 0.9)
        #expect(change.basis.sampleCount == 5)
        #expect(change.basis.window == SampleWindow(count: 100))
        #expect(events[1].taskID == nil && events[1].actor == "system")
        #expect(ws.state.responseWindows[key]?.value == expected)
        #expect(ws.state.responseWindow(workflow: "claims", step: "review") == expected)
    }

    @Test("a task entering after the change escalates at the new window; one already waiting keeps the old")
    func escalationFollowsTheNewWindow() throws {
        var ws = try Self.workspace()
        for response in [600.0, 1_200, 1_800, 3_000] { try Self.handle(&ws, after: response) }
        let fifth = try ws.create("claims")
        // Ana holds the fifth task, so this one waits, with the window in force as it entered.
        let early = try ws.create("claims")
        let earlyEntered = ws.now
        #expect(ws.state.task(early)?.learnedResponseWindow == Self.staticWindow)
        ws.advance(5_400)
        let accepted = try ws.run(.acceptOffer(fifth, worker: "ana"), actor: "ana")
        #expect(Self.changes(in: accepted).first?.to == 4_440)
        try ws.run(.setWorkerStatus("ana", .away))
        let late = try ws.create("claims")
        let lateEntered = ws.now
        #expect(ws.state.task(late)?.learnedResponseWindow == 4_440)

        func escalations(_ events: [Event]) -> [TaskID] {
            events.compactMap { if case .escalated(let task, _, _, _) = $0.payload { task } else { nil } }
        }
        ws.now = lateEntered + 4_439
        #expect(escalations(try ws.run(.fireTimers)).isEmpty)
        ws.now = lateEntered + 4_440
        #expect(escalations(try ws.run(.fireTimers)) == [late], "the new window, not the static 4h")
        ws.now = earlyEntered + Self.staticWindow - 1
        #expect(escalations(try ws.run(.fireTimers)).isEmpty)
        ws.now = earlyEntered + Self.staticWindow
        // The fifth task (accepted, never completed) entered before the change too.
        #expect(escalations(try ws.run(.fireTimers)) == [fifth, early], "tasks already in the step keep their window")
        ws.now = lateEntered + Self.staticWindow + 60
        #expect(escalations(try ws.run(.fireTimers)).isEmpty, "the late task does not escalate again at the old window")
    }

    @Test("a decision's escalate_after still wins over the adaptive window")
    func decisionWins() throws {
        var step = Self.adaptiveStep()
        step.ownership.adaptiveResponseWindow?.minimumSamples = 1
        var ws = try Self.workspace(step: step)
        try Self.handle(&ws, after: 900)
        let task = try ws.create("claims")
        var decided = try #require(ws.state.task(task))
        #expect(decided.learnedResponseWindow == 900)
        decided.responseWindow = 60
        #expect(decided.responseWindow(in: step) == 60)
        decided.responseWindow = nil
        #expect(decided.responseWindow(in: step) == 900)
        decided.learnedResponseWindow = nil
        #expect(decided.responseWindow(in: step) == Self.staticWindow)
    }

    @Test("folding the log, through JSON, rebuilds the live state, and its timers fire the same")
    func foldEqualsLive() throws {
        var ws = try Self.workspace()
        for response in [600.0, 1_200, 1_800, 3_000, 5_400, 200, 7_000] { try Self.handle(&ws, after: response) }
        try ws.run(.setWorkerStatus("ana", .away))
        let waiting = try ws.create("claims")
        #expect(Self.changes(in: ws.log).count >= 2)

        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        let replayed = try ws.log.map { try decoder.decode(Event.self, from: encoder.encode($0)) }
        #expect(replayed == ws.log)
        var folded = WorkspaceState.fold(replayed, settings: ws.settings)
        #expect(folded == ws.state)
        #expect(folded.responseWindows == ws.state.responseWindows)
        #expect(folded.pendingAdaptive.isEmpty && ws.state.pendingAdaptive.isEmpty)

        let due = ws.now + (ws.state.task(waiting)?.learnedResponseWindow ?? 0)
        let context = CommandContext(now: due, actor: "system", cause: "timer")
        let live = try ws.state.execute(.fireTimers, context: context)
        let fromLog = try folded.execute(.fireTimers, context: context)
        #expect(live == fromLog)
        #expect(live.contains { $0.type == "Escalated" })
    }

    @Test("outcomes that age out fall back to the static window when timers fire, and the fold agrees")
    func agingOut() throws {
        var ws = try Self.workspace(step: Self.adaptiveStep(window: SampleWindow(age: 3_600), minimumSamples: 2))
        try Self.handle(&ws, after: 300)
        let second = try Self.handle(&ws, after: 600)
        #expect(Self.changes(in: second).first?.to == Self.bruteForceQuantile([300, 600], p: 0.9))
        // Nothing fires for a while; then a timer (the next offer's expiry, here any fireTimers run)
        // finds the window empty.
        ws.advance(2 * 3_600)
        let ticked = try ws.run(.fireTimers)
        let change = try #require(Self.changes(in: ticked).only)
        #expect(change.to == Self.staticWindow)
        #expect(change.basis.source == .configured)
        #expect(change.basis.sampleCount == 0)
        #expect(WorkspaceState.fold(ws.log, settings: ws.settings) == ws.state)
        #expect(Self.changes(in: try ws.run(.fireTimers)).isEmpty, "a window that did not move records nothing")
    }

    @Test("a redefinition with a new static window republishes it while the step is still learning")
    func redefinition() throws {
        var ws = try Self.workspace()
        try Self.handle(&ws, after: 600)
        var step = Self.adaptiveStep()
        step.ownership.responseWindow = 2 * 3600
        let events = try ws.run(.defineWorkflow(Workflow(id: "claims", steps: [step])))
        #expect(events.map(\.type) == ["WorkflowDefined", "ThresholdChanged"])
        let change = try #require(Self.changes(in: events).only)
        #expect((change.from, change.to) == (Self.staticWindow, 2 * 3600))
        #expect(ws.state.responseWindows[WorkflowStep(workflow: "claims", step: "review")]?.sampleCount == 1)
        #expect(WorkspaceState.fold(ws.log, settings: ws.settings) == ws.state)

        let plain = try ws.run(.defineWorkflow(Workflow(id: "claims", steps: [Step(id: "review", queue: "claims", ownership: ownership())])))
        #expect(plain.map(\.type) == ["WorkflowDefined"])
        #expect(ws.state.responseWindows.isEmpty)
    }

    @Test("workflows stored before adaptive thresholds existed still decode")
    func backwardCompatibleJSON() throws {
        let old = Workflow(id: "claims", steps: [Step(id: "review", queue: "claims", ownership: ownership())])
        let json = String(decoding: try JSONEncoder().encode(old), as: UTF8.self)
        #expect(!json.contains("adaptive") && !json.contains("alerts"))
        #expect(try JSONDecoder().decode(Workflow.self, from: Data(json.utf8)) == old)
        let stored = #"{"id":"t1","workflow":"claims","workflowVersion":1,"step":"review","queue":"claims","lane":"routine","priority":5,"state":{"queued":{}},"channel":"default","attributes":{},"createdAt":0,"stepEnteredAt":0,"queuedAt":0,"escalationLevel":0,"evidence":{},"declinedBy":[]}"#
        let task = try JSONDecoder().decode(WorkTask.self, from: Data(stored.utf8))
        #expect(task.learnedResponseWindow == nil)
    }
}

@Suite("Adaptive wiring: exception-rate band")
struct AdaptiveExceptionRateTests {
    static let band = SeasonalBand(
        seasonality: .none, slotLength: 3600, smoothing: 0.2, width: 3, warmUp: 4, sides: .above, minimumDeviation: 0.02)

    static func workspace() throws -> TestWorkspace {
        var ws = TestWorkspace()
        try ws.queue("claims")
        try ws.run(.defineWorkflow(Workflow(
            id: "claims", steps: [Step(id: "review", queue: "claims", ownership: ownership())],
            alerts: WorkflowAlerts(exceptionRate: band))))
        return ws
    }

    /// Creates ten tasks in the hour starting at `start` and flags `exceptions` of them.
    static func hour(_ ws: inout TestWorkspace, from start: Date, exceptions: Int) throws {
        ws.now = start + 60
        for index in 0..<10 {
            let task = try ws.create("claims")
            ws.advance(60)
            if index < exceptions { try ws.run(.flagException(task, reason: "amount over limit", context: [:])) }
        }
    }

    static func signals(_ events: [Event]) -> [(String, ExceptionRateSignal)] {
        events.compactMap { event in
            switch event.payload {
            case .exceptionRateAlert(let signal), .exceptionRateRecovered(let signal): (event.type, signal)
            default: nil
            }
        }
    }

    @Test("a step change in the exception rate raises one alert at a slot boundary and a recovery later")
    func stepChange() throws {
        var ws = try Self.workspace()
        let watch = try #require(ws.state.exceptionRates["claims"])
        let firstBoundary = watch.slotEnd
        #expect(firstBoundary > t0 && firstBoundary.timeIntervalSince1970.truncatingRemainder(dividingBy: 3600) == 0)

        // The first, partial slot has no traffic at all: it still ends, with nothing to learn.
        ws.now = firstBoundary
        let empty = try ws.run(.fireTimers)
        guard case .exceptionRateObserved(let observation) = try #require(empty.only).payload else {
            throw TestFailure("expected an ExceptionRateObserved, got \(empty.map(\.type))")
        }
        #expect((observation.entered, observation.exceptions, observation.rate) == (0, 0, nil))
        #expect(observation.slotEnd == firstBoundary)

        let rates = [1, 1, 1, 1, 1, 1, 6, 1, 1, 1]
        var signalsByHour: [Int: [(String, ExceptionRateSignal)]] = [:]
        for (hour, exceptions) in rates.enumerated() {
            let start = firstBoundary + Double(hour) * 3600
            try Self.hour(&ws, from: start, exceptions: exceptions)
            #expect(Self.signals(ws.log).count == signalsByHour.values.map(\.count).reduce(0, +),
                    "nothing is judged before the slot ends")
            ws.now = start + 3600
            let events = try ws.run(.fireTimers)
            #expect(events.first?.type == "ExceptionRateObserved")
            signalsByHour[hour] = Self.signals(events)
        }
        let all = Self.signals(ws.log)
        #expect(all.map(\.0) == ["ExceptionRateAlert", "ExceptionRateRecovered"])
        let alert = try #require(signalsByHour[6]?.only)
        #expect(alert.0 == "ExceptionRateAlert")
        #expect(alert.1.value == 0.6)
        #expect(alert.1.mean == 0.1)
        #expect(alert.1.deviation == 0.02)
        #expect(abs(alert.1.signal.band.upper - 0.16) < 1e-12)
        #expect(alert.1.slotStart == firstBoundary + 6 * 3600)
        #expect(alert.1.slotEnd == firstBoundary + 7 * 3600)
        #expect(alert.1.signal.direction == .above)
        let recovery = try #require(signalsByHour[7]?.only)
        #expect(recovery.0 == "ExceptionRateRecovered")
        #expect(recovery.1.signal.alertSince == alert.1.signal.time)
        #expect(ws.state.exceptionRates["claims"]?.isAlerting == false)

        let folded = WorkspaceState.fold(ws.log, settings: ws.settings)
        #expect(folded == ws.state)
        #expect(folded.exceptionRates == ws.state.exceptionRates)

        var metrics = WorkspaceMetrics()
        for event in ws.log { metrics.record(event) }
        #expect(metrics.workflows["claims"]?.exceptionRateAlerts == 1)
        #expect(metrics.workflows["claims"]?.exceptionRateAlerting == false)
    }

    @Test("slots missed while nothing fired are closed in order when timers next fire")
    func catchesUp() throws {
        var ws = try Self.workspace()
        let boundary = try #require(ws.state.exceptionRates["claims"]).slotEnd
        ws.now = boundary + 3 * 3600 + 10
        let events = try ws.run(.fireTimers)
        let slots = events.compactMap { if case .exceptionRateObserved(let o) = $0.payload { o.slotEnd } else { nil } }
        #expect(slots == [boundary, boundary + 3600, boundary + 7200, boundary + 10_800])
        #expect(WorkspaceState.fold(ws.log, settings: ws.settings) == ws.state)
    }
}

extension Array {
    /// The single element, or nil when there are none or several.
    fileprivate var only: Element? { count == 1 ? first : nil }
}
