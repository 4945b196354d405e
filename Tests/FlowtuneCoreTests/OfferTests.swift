import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Offers: accept, reject, time out")
struct OfferTests {
    /// Support needs the skill; a (9) is the best, then b (7), then c (5). Two steps, same queue.
    private func supportDesk() throws -> TestWorkspace {
        var ws = TestWorkspace()
        try ws.queue("support", requirement: Requirement(skills: ["support": 1]), offerTimeout: 60)
        try ws.workflow("ticket", steps: [
            Step(id: "triage", queue: "support", ownership: ownership(), next: ["done": .step("resolve")]),
            Step(id: "resolve", queue: "support", ownership: ownership()),
        ])
        try ws.worker("a", skills: ["support": 9])
        try ws.worker("b", skills: ["support": 7])
        try ws.worker("c", skills: ["support": 5])
        return ws
    }

    @Test("a rejected offer goes to the next candidate, never back to the rejecter in that step")
    func rejectOffersNextCandidate() throws {
        var ws = try supportDesk()
        let task = try ws.create("ticket")
        #expect(ws.offeredTo(task) == "a")

        ws.advance(10)
        let events = try ws.run(.rejectOffer(task, worker: "a"), actor: "a")
        #expect(events.types == ["OfferDeclined", "TaskRouted"])
        #expect(events[0].payload == .offerDeclined(task: task, worker: "a", reason: .rejected))
        #expect(events[0].actor == "a")
        let offer = try #require(events.offers.first)
        #expect(offer.worker == "b")
        #expect(offer.decision.exclusion("declined this task")?.examples == ["a"])
        #expect(!offer.decision.candidates.map(\.id).contains("a"))
        #expect(ws.load(of: "a") == 0)
        #expect(ws.load(of: "b") == 1)
        #expect(ws.state.task(task)?.queuedAt == t0, "the task keeps its age")

        try ws.run(.rejectOffer(task, worker: "b"))
        #expect(ws.offeredTo(task) == "c")
        try ws.run(.rejectOffer(task, worker: "c"))
        #expect(ws.state.task(task)?.state == .queued)
        let (nobody, decision) = try #require(ws.state.route(task: task, now: ws.now))
        #expect(nobody == nil)
        #expect(decision.exclusion("declined this task")?.count == 3)

        // A newcomer takes it; once the step is done, the next step may go to anyone again.
        try ws.worker("d", skills: ["support": 3])
        #expect(ws.offeredTo(task) == "d")
        try ws.accept(task)
        try ws.complete(task)
        #expect(ws.state.task(task)?.step == "resolve")
        #expect(ws.state.task(task)?.declinedBy == [])
        #expect(ws.offeredTo(task) == "a", "a declined triage, not resolve; it is the best for resolve")
    }

    @Test("an unanswered offer times out at its deadline and goes to the next candidate")
    func offerTimesOut() throws {
        var ws = try supportDesk()
        let task = try ws.create("ticket")
        #expect(ws.offeredTo(task) == "a")
        #expect(ws.state.task(task)?.state == .offered(worker: "a", expiresAt: t0 + 60))

        #expect(try ws.fire(at: 59).isEmpty)
        #expect(ws.offeredTo(task) == "a")

        let events = try ws.fire(at: 60)
        #expect(events.types == ["OfferDeclined", "TaskRouted"])
        #expect(events[0].payload == .offerDeclined(task: task, worker: "a", reason: .timedOut))
        #expect(events[0].actor == "system")
        #expect(events.offers.first?.worker == "b")
        #expect(events.offers.first?.expiresAt == t0 + 120)
        #expect(ws.load(of: "a") == 0)
        #expect(ws.state.task(task)?.declinedBy == ["a"])
    }

    @Test("an offer can be accepted up to its deadline but not after, even before timers run")
    func acceptUntilDeadline() throws {
        var ws = try supportDesk()
        let first = try ws.create("ticket")
        ws.now = t0 + 60
        try ws.run(.acceptOffer(first, worker: "a"))
        #expect(ws.assignedTo(first) == "a")

        let second = try ws.create("ticket")
        #expect(ws.offeredTo(second) == "b")
        ws.now = t0 + 121
        let error = try ws.refusal(.acceptOffer(second, worker: "b"))
        #expect(error.code == .conflict)
        #expect(error.field == "task")
        #expect(error.message.contains("expired"))
        try ws.run(.fireTimers)
        #expect(ws.offeredTo(second) == "c")
    }

    @Test("a worker who steps away has pending offers withdrawn and sent on, and can be offered them again later")
    func awayWithdrawsOffers() throws {
        var ws = try supportDesk()
        let task = try ws.create("ticket")
        #expect(ws.offeredTo(task) == "a")
        let events = try ws.run(.setWorkerStatus("a", .away))
        #expect(events.types == ["WorkerStatusChanged", "OfferDeclined", "TaskRouted"])
        #expect(events[1].payload == .offerDeclined(task: task, worker: "a", reason: .withdrawn))
        #expect(ws.offeredTo(task) == "b")
        #expect(ws.state.task(task)?.declinedBy == [], "a withdrawn offer is not a refusal")

        try ws.run(.rejectOffer(task, worker: "b"))
        try ws.run(.rejectOffer(task, worker: "c"))
        #expect(ws.state.task(task)?.state == .queued)
        try ws.run(.setWorkerStatus("a", .available))
        #expect(ws.offeredTo(task) == "a")
    }

    @Test("re-registering a worker as offline withdraws their open offers too")
    func profileOfflineWithdrawsOffers() throws {
        var ws = try supportDesk()
        let task = try ws.create("ticket")
        #expect(ws.offeredTo(task) == "a")
        let events = try ws.run(.registerWorker(Worker(id: "a", skills: ["support": 9], status: .offline)))
        #expect(events.types == ["WorkerRegistered", "OfferDeclined", "TaskRouted"])
        #expect(ws.offeredTo(task) == "b")
        #expect(ws.load(of: "a") == 0)
    }

    @Test("an accepted task stays with its worker when they step away, and the stale deadline does nothing")
    func acceptedTaskSurvivesAwayAndDeadline() throws {
        var ws = try supportDesk()
        let task = try ws.create("ticket")
        try ws.accept(task)
        try ws.run(.setWorkerStatus("a", .away))
        #expect(try ws.fire(at: 600).isEmpty)
        #expect(ws.assignedTo(task) == "a")
        #expect(ws.load(of: "a") == 1)
    }
}
