import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Exception lane and overrides")
struct ExceptionLaneTests {
    /// Ana holds C1 (accepted); C2 waits behind her. Bo is away.
    private func caseDesk() throws -> TestWorkspace {
        var ws = TestWorkspace(exceptionDue: 3600)
        try ws.queue("cases")
        try ws.workflow("case", steps: [
            Step(id: "intake", queue: "cases", ownership: ownership(owner: "case-owner"), next: ["done": .step("review")]),
            Step(id: "review", queue: "cases", ownership: ownership(owner: "case-owner")),
        ])
        try ws.worker("ana")
        try ws.worker("bo", status: .away)
        try ws.create("case", id: "C1")
        try ws.accept("C1")
        try ws.create("case", id: "C2")
        return ws
    }

    @Test("flagging moves the task to the exception lane with owner, due time, reason, context and next action")
    func flagException() throws {
        var ws = try caseDesk()
        ws.now = t0 + 60
        let events = try ws.run(.flagException("C1", reason: "customer disputes the amount", context: ["ticket": "Z-1"]), actor: "ana")
        #expect(events.types == ["MovedToException", "TaskRouted"])
        #expect(events[0].actor == "ana")
        let task = try #require(ws.state.task("C1"))
        #expect(task.lane == .exception)
        #expect(task.state == .held)
        let item = try #require(task.exception)
        #expect(item.owner == "case-owner")
        #expect(item.due == t0 + 60 + 3600)
        #expect(item.reason == "customer disputes the amount")
        #expect(item.context == ["ticket": "Z-1", "step": "intake", "queue": "cases", "worker": "ana"])
        #expect(item.recommendedAction.contains("intake"))
        #expect(item.claimedBy == nil)
        #expect(ws.offeredTo("C2") == "ana", "ana is free for the next task")
        #expect(ws.state.queues[0].waitingTasks.isEmpty, "an exception item does not wait in the routine queue")

        let again = try ws.refusal(.flagException("C1", reason: "again", context: [:]))
        #expect(again.code == .conflict)
    }

    @Test("one person claims an item; a second claimer is refused")
    func claim() throws {
        var ws = try caseDesk()
        try ws.run(.flagException("C1", reason: "needs a manager", context: [:]))
        let events = try ws.run(.claimException("C1"), actor: "lead-1")
        #expect(events.map(\.payload) == [.exceptionClaimed(task: "C1", by: "lead-1")])
        #expect(ws.state.task("C1")?.exception?.claimedBy == "lead-1")

        let error = try ws.refusal(.claimException("C1"), actor: "lead-2")
        #expect(error.code == .conflict)
        #expect(error.message.contains("lead-1"))
        #expect(try ws.run(.claimException("C1"), actor: "lead-1").count == 1, "claiming again is harmless")
    }

    @Test("resolving by resume puts the task back on the routine path at the chosen step")
    func resolveResume() throws {
        var ws = try caseDesk()
        try ws.run(.flagException("C1", reason: "needs a manager", context: [:]))
        try ws.accept("C2")
        ws.now = t0 + 600
        let events = try ws.run(.resolveException("C1", .resume("review"), note: "approved by manager"), actor: "lead-1")
        #expect(events.types == ["ExceptionResolved"])
        let task = try #require(ws.state.task("C1"))
        #expect(task.lane == .routine)
        #expect(task.exception == nil)
        #expect(task.step == "review")
        #expect(task.state == .queued)
        #expect(task.stepEnteredAt == t0 + 600)
        #expect(ws.state.queues[0].waitingTasks == ["C1"])

        try ws.run(.setWorkerStatus("bo", .available))
        #expect(ws.offeredTo("C1") == "bo")
        #expect(ws.state.exceptionLane.isEmpty)
    }

    @Test("resolving by complete or cancel finishes the task", arguments: [
        (ExceptionResolution.complete, WorkTask.State.completed), (.cancel, .cancelled),
    ])
    func resolveFinishes(_ resolution: ExceptionResolution, _ final: WorkTask.State) throws {
        var ws = try caseDesk()
        try ws.run(.flagException("C1", reason: "handled by phone", context: [:]))
        try ws.run(.resolveException("C1", resolution, note: "done"))
        #expect(ws.state.task("C1") == nil)
        #expect(ws.state.finished["C1"] == final)
        #expect(ws.state.exceptionLane.isEmpty)
        #expect(ws.load(of: "ana") == 1, "ana holds C2 only")
    }

    @Test("the exception lane lists items by due time")
    func laneOrder() throws {
        var ws = try caseDesk()
        try ws.run(.override("C2", .lane(.exception), reason: "fraud check"), actor: "lead-1")
        ws.now = t0 + 30
        try ws.run(.flagException("C1", reason: "later", context: [:]))
        #expect(ws.state.exceptionLane.map(\.id) == ["C2", "C1"])
    }

    @Test("an override reassigns a task, with the actor and reason on the record")
    func overrideReassign() throws {
        var ws = try caseDesk()
        try ws.worker("cy")
        #expect(ws.offeredTo("C2") == "cy")
        try ws.run(.setWorkerStatus("bo", .available))
        let events = try ws.run(.override("C2", .reassign("bo"), reason: "bo knows this customer"), actor: "lead-1")
        #expect(events.types == ["OverrideApplied"])
        #expect(events[0].actor == "lead-1")
        #expect(events[0].payload == .overrideApplied(task: "C2", change: .reassign("bo"), reason: "bo knows this customer"))
        #expect(ws.assignedTo("C2") == "bo")
        #expect(ws.load(of: "cy") == 0)
        #expect(ws.load(of: "bo") == 1)
        try ws.complete("C2")
        #expect(ws.state.task("C2")?.step == "review")
    }

    @Test("an override changes a waiting task's priority and its place in line")
    func overridePriority() throws {
        var ws = try caseDesk()
        try ws.create("case", id: "C3")
        #expect(ws.state.queues[0].waitingTasks == ["C2", "C3"])
        let events = try ws.run(.override("C3", .priority(1), reason: "VIP customer"), actor: "lead-1")
        #expect(events.map(\.payload) == [
            .overrideApplied(task: "C3", change: .priority(1), reason: "VIP customer"),
            .priorityChanged(task: "C3", from: 5, to: 1),
        ])
        #expect(events.allSatisfy { $0.actor == "lead-1" })
        #expect(ws.state.queues[0].waitingTasks == ["C3", "C2"])
        ws.advance(10)
        try ws.complete("C1")
        #expect(ws.offeredTo("C3") == "ana")
    }

    @Test("an override moves a task between lanes")
    func overrideLane() throws {
        var ws = try caseDesk()
        let out = try ws.run(.override("C2", .lane(.exception), reason: "fraud check"), actor: "lead-1")
        #expect(out.types == ["OverrideApplied", "MovedToException"])
        let item = try #require(ws.state.task("C2")?.exception)
        #expect(item.reason == "fraud check")
        #expect(item.owner == "case-owner")
        #expect(item.context["override"] == "lead-1")
        #expect(ws.state.queues[0].waitingCount == 0)

        try ws.run(.setWorkerStatus("bo", .available))
        #expect(ws.state.task("C2")?.state == .held, "an exception item is not routed")
        let back = try ws.run(.override("C2", .lane(.routine), reason: "cleared"), actor: "lead-1")
        #expect(back.types == ["OverrideApplied", "ExceptionResolved", "TaskRouted"])
        #expect(ws.offeredTo("C2") == "bo")
        #expect(ws.state.task("C2")?.lane == .routine)
    }

    @Test("reassigning an exception item to a worker takes it out of the exception lane")
    func overrideReassignFromException() throws {
        var ws = try caseDesk()
        try ws.run(.flagException("C1", reason: "needs a specialist", context: [:]))
        #expect(ws.offeredTo("C2") == "ana")
        try ws.run(.setWorkerStatus("bo", .available))
        ws.advance(60)
        let events = try ws.run(.override("C1", .reassign("bo"), reason: "bo is the specialist"), actor: "lead-1")
        #expect(events.types == ["ExceptionResolved", "OverrideApplied"])
        let task = try #require(ws.state.task("C1"))
        #expect(task.lane == .routine)
        #expect(task.exception == nil)
        #expect(task.state == .assigned(worker: "bo"))
        #expect(ws.state.exceptionLane.isEmpty)
        #expect(ws.state.queues[0].waitingCount == 0)
        #expect(ws.load(of: "bo") == 1)
        try ws.complete("C1")
        #expect(ws.state.task("C1")?.step == "review")
        #expect(ws.state.task("C1")?.lane == .routine)
        #expect(ws.load(of: "bo") <= 1)
    }
}
