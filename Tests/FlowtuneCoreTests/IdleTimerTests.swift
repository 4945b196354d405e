import Foundation
import Testing

@testable import FlowtuneCore

/// The count of open offers that lets an offer's expiry pass without finding its task, and the
/// removal of idle timers without a command, change nothing: the count always equals the number of
/// offered tasks, and removing idle timers before `.fireTimers` leaves the same events and state
/// as firing every due timer.
@Suite("Idle timers")
struct IdleTimerTests {
    /// A floor where offers lapse, are rejected, withdrawn, overridden and flagged, with
    /// relaxation and escalation timers beside the offers' own.
    private func floor() throws -> TestWorkspace {
        var ws = TestWorkspace()
        try ws.queue("front", offerTimeout: 30)
        try ws.queue(
            "expert", requirement: Requirement(skills: ["expert": 5]),
            relaxation: [RelaxationStage(after: 45, requirement: Requirement(skills: ["expert": 2]))], offerTimeout: 20)
        try ws.workflow("call", steps: [
            Step(id: "answer", queue: "front", ownership: ownership(), next: ["done": .step("follow-up")]),
            Step(
                id: "follow-up", queue: "expert",
                ownership: ownership(window: 90, escalation: [EscalationStage(after: 0, action: .raisePriority(2))])),
        ])
        try ws.simpleWorkflow("quick", queue: "front")
        for number in 0..<8 {
            try ws.worker(WorkerID("agent-\(number)"), skills: ["expert": number % 6], channels: ["default": 1 + number % 2])
        }
        return ws
    }

    @Test("the open-offer count equals the offered tasks after every command, and a fold of the log")
    func openOfferCount() throws {
        var random = SeededGenerator(seed: 5)
        var ws = try floor()
        var seconds = 0.0
        var offersSeen = 0
        for round in 0..<3_000 {
            seconds += Double(Int.random(in: 0..<12, using: &random))
            ws.now = t0 + seconds
            let command = Self.randomCommand(ws.state, round: round, using: &random)
            if let events = try? ws.run(command) { offersSeen += events.offers.count }
            let offered = ws.state.tasks.values.count { $0.state.isOffer }
            #expect(ws.state.openOffers == offered, "round \(round): \(command)")
            #expect(ws.state.openOffers >= 0)
        }
        #expect(offersSeen > 500)
        #expect(WorkspaceState.fold(ws.log, settings: ws.settings) == ws.state)
    }

    @Test("removing idle timers before firing the rest gives the events and state of firing them all")
    func removalChangesNothing() throws {
        var random = SeededGenerator(seed: 8)
        var firing = try floor()
        var removing = firing.state
        var seconds = 0.0
        var removed = 0
        var firedEvents = 0
        for round in 0..<4_000 {
            seconds += Double(Int.random(in: 0..<15, using: &random))
            let now = t0 + seconds
            let context = CommandContext(now: now, actor: "tester", cause: "test")
            // Half the rounds fire the timers due, as a shell does between commands.
            let command = Bool.random(using: &random)
                ? Command.fireTimers : Self.randomCommand(firing.state, round: round, using: &random)
            firing.now = now
            let expected = Result { () throws(CommandError) in try firing.run(command) }
            var events: [Event] = []
            var refusal: CommandError?
            if case .fireTimers = command {
                var any = false
                while removing.removeIdleTimer(upTo: now) {
                    any = true
                    removed += 1
                }
                if !any || removing.nextTimerDue.map({ $0 <= now }) == true {
                    do { events = try removing.execute(.fireTimers, context: context) } catch { refusal = error }
                }
                if case .success(let fired) = expected { firedEvents += fired.count }
            } else {
                do { events = try removing.execute(command, context: context) } catch { refusal = error }
            }
            switch expected {
            case .success(let fired): #expect(refusal == nil && events == fired, "round \(round): \(command)")
            case .failure(let error): #expect(refusal == error, "round \(round): \(command)")
            }
            #expect(removing == firing.state, "round \(round)")
            #expect(removing.nextTimerDue == firing.state.nextTimerDue, "round \(round)")
        }
        #expect(removed > 20, "idle timers were removed")
        #expect(firedEvents > 100, "timers that were not idle fired")
    }

    @Test("nothing is removed before it is due, nor an expiry that withdraws an open offer")
    func removalIsNarrow() throws {
        var ws = try floor()
        let task = try ws.create("quick")
        try ws.accept(task)
        // The offer's expiry is due at 30 s; before then nothing goes.
        let early = ws.state.removeIdleTimer(upTo: t0 + 29)
        #expect(!early)
        let due = ws.state.removeIdleTimer(upTo: t0 + 30)
        #expect(due)
        #expect(ws.state.nextTimerDue == nil)

        // A lapsing offer is not idle: its expiry withdraws the offer.
        let second = try ws.create("quick")
        #expect(ws.offeredTo(second) != nil)
        let lapsing = ws.state.removeIdleTimer(upTo: t0 + 60)
        #expect(!lapsing)
        let fired = try ws.fire(at: 60)
        #expect(fired.contains { if case .offerDeclined(second, _, .timedOut) = $0.payload { true } else { false } })
    }

    /// A command about the floor as it stands: creations, acceptances, rejections, completions,
    /// cancellations, exceptions and their resumption, reassignments and status changes.
    private static func randomCommand(
        _ state: WorkspaceState, round: Int, using random: inout SeededGenerator
    ) -> Command {
        let open = state.tasks.keys.sorted()
        let someTask = open.randomElement(using: &random)
        let worker = WorkerID("agent-\(Int.random(in: 0..<8, using: &random))")
        switch Int.random(in: 0..<14, using: &random) {
        case 0, 1, 2:
            return .createTask(NewTask(workflow: Bool.random(using: &random) ? "call" : "quick", priority: Int.random(in: 1...9, using: &random)))
        case 3, 4:
            guard let id = someTask, case .offered(let holder, _) = state.task(id)?.state else { return .fireTimers }
            return .acceptOffer(id, worker: holder)
        case 5:
            guard let id = someTask, case .offered(let holder, _) = state.task(id)?.state else { return .fireTimers }
            return .rejectOffer(id, worker: holder)
        case 6, 7:
            guard let id = someTask, case .assigned(let holder) = state.task(id)?.state else { return .fireTimers }
            return .completeStep(id, worker: holder, outcome: nil, evidence: [:])
        case 8:
            return someTask.map { .cancelTask($0, reason: "gone") } ?? .fireTimers
        case 9:
            guard let id = someTask, state.task(id)?.lane == .routine else { return .fireTimers }
            return .flagException(id, reason: "check", context: [:])
        case 10:
            guard let id = someTask, let task = state.task(id), task.lane == .exception else { return .fireTimers }
            return .resolveException(id, .resume(task.step), note: "back")
        case 11:
            return someTask.map { .override($0, .reassign(worker), reason: "better fit") } ?? .fireTimers
        case 12:
            return .setWorkerStatus(worker, Bool.random(using: &random) ? .available : .away)
        default:
            return .fireTimers
        }
    }
}
