import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Requirement relaxation")
struct RelaxationTests {
    /// Claims need skill ≥ 5, relaxed to ≥ 3 after two minutes; only a level-3 worker is around.
    private func claimsDesk(relaxAfter: TimeInterval = 120) throws -> TestWorkspace {
        var ws = TestWorkspace()
        try ws.queue(
            "claims", requirement: Requirement(skills: ["claims": 5]),
            relaxation: [RelaxationStage(after: relaxAfter, requirement: Requirement(skills: ["claims": 3]))])
        try ws.queue("other")
        try ws.simpleWorkflow("claim", queue: "claims")
        try ws.simpleWorkflow("other", queue: "other")
        try ws.worker("junior", skills: ["claims": 3])
        return ws
    }

    @Test("a level-3 worker is not offered a skill-5 task at 1:59 and is offered it at 2:00")
    func relaxesExactlyOnTime() throws {
        var ws = try claimsDesk()
        let task = try ws.create("claim")
        #expect(ws.state.task(task)?.state == .queued)
        let (nobody, decision) = try #require(ws.state.route(task: task, now: ws.now))
        #expect(nobody == nil)
        #expect(decision.exclusion("eligible only after 2m of waiting")?.examples == ["junior"])

        #expect(try ws.fire(at: 119).isEmpty)
        #expect(ws.state.task(task)?.state == .queued)

        let events = try ws.fire(at: 120)
        let offer = try #require(events.offers.first)
        #expect(offer.task == task)
        #expect(offer.worker == "junior")
        #expect(ws.offeredTo(task) == "junior")
    }

    @Test("a worker freed before the relaxation does not take the task early, and gets it when it relaxes")
    func freedWorkerWaitsForRelaxation() throws {
        var ws = try claimsDesk()
        try ws.create("other", id: "busywork")
        try ws.accept("busywork")
        let task = try ws.create("claim")
        ws.now = t0 + 90
        let events = try ws.complete("busywork")
        #expect(events.offers.isEmpty, "junior may not take the claim before 2:00")
        #expect(ws.state.route(worker: "junior", now: ws.now) == nil)
        try ws.fire(at: 120)
        #expect(ws.offeredTo(task) == "junior")
    }

    @Test("a worker meeting the full requirement takes the task at once")
    func qualifiedWorkerNeedsNoWait() throws {
        var ws = try claimsDesk()
        try ws.worker("senior", skills: ["claims": 6])
        let task = try ws.create("claim")
        #expect(ws.offeredTo(task) == "senior")
    }

    @Test("the waiting time keeps counting across a rejected offer")
    func relaxationCountsFromFirstQueued() throws {
        var ws = try claimsDesk()
        try ws.worker("senior", skills: ["claims": 6])
        try ws.worker("senior-2", skills: ["claims": 7])
        let task = try ws.create("claim")
        #expect(ws.offeredTo(task) == "senior-2")
        ws.now = t0 + 30
        try ws.run(.rejectOffer(task, worker: "senior-2"))
        #expect(ws.offeredTo(task) == "senior")
        ws.now = t0 + 60
        try ws.run(.rejectOffer(task, worker: "senior"))
        #expect(ws.state.task(task)?.state == .queued)
        #expect(ws.state.task(task)?.queuedAt == t0)
        try ws.fire(at: 119)
        #expect(ws.state.task(task)?.state == .queued)
        try ws.fire(at: 120)
        #expect(ws.offeredTo(task) == "junior")
    }

    /// Times that are not whole seconds: the timer fires at queuedAt + after, and the task must
    /// count as having waited long enough at that very instant.
    @Test("relaxation is on time with fractional times and durations")
    func relaxationWithFractionalTimes() throws {
        var ws = try claimsDesk(relaxAfter: 100.3)
        ws.now = t0 + 0.1
        let task = try ws.create("claim")
        let queuedAt = try #require(ws.state.task(task)?.queuedAt)
        let due = queuedAt + 100.3
        #expect(ws.state.nextTimerDue == due)
        ws.now = due
        try ws.run(.fireTimers)
        #expect(ws.offeredTo(task) == "junior")
    }
}
