import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Escalation")
struct EscalationTests {
    /// A 10-minute response window, then: notify at once, raise priority after 5 more minutes,
    /// hand to the backup after 10, move to the exception lane after 15.
    static let ladder: [EscalationStage] = [
        EscalationStage(after: 0, action: .notify("claims-lead")),
        EscalationStage(after: 300, action: .raisePriority(2)),
        EscalationStage(after: 600, action: .reassignToBackup),
        EscalationStage(after: 900, action: .moveToException("claim is 25 minutes late")),
    ]

    private func claimsDesk(backup: String = "backup", backupStatus: Worker.Status = .available) throws -> TestWorkspace {
        var ws = TestWorkspace()
        try ws.queue("claims")
        try ws.workflow("claim", steps: [
            Step(
                id: "assess", queue: "claims",
                ownership: ownership(owner: "claims-lead", backup: backup, window: 600, escalation: Self.ladder),
                next: ["done": .step("pay")]),
            Step(id: "pay", queue: "claims", ownership: ownership(owner: "finance", window: 3600, escalation: [
                EscalationStage(action: .notify("finance-lead"))
            ])),
        ])
        try ws.worker("agent")
        try ws.worker("backup", status: backupStatus)
        return ws
    }

    private func escalations(_ events: [Event]) -> [(level: Int, action: EscalationAction)] {
        events.compactMap {
            if case .escalated(_, _, let level, let action) = $0.payload { return (level, action) }
            return nil
        }
    }

    @Test("each stage fires at its offset after the response window, not a second before, in order")
    func stagesFireOnTime() throws {
        var ws = try claimsDesk()
        let task = try ws.create("claim")
        #expect(ws.offeredTo(task) == "agent")
        try ws.accept(task)

        #expect(try ws.fire(at: 599).isEmpty, "nothing before the response window ends")

        let notify = try ws.fire(at: 600)
        #expect(notify.types == ["Escalated"])
        #expect(notify[0].payload == .escalated(task: task, step: "assess", level: 0, action: .notify("claims-lead")))
        #expect(notify[0].actor == "system")
        #expect(ws.state.task(task)?.escalationLevel == 1)

        #expect(try ws.fire(at: 899).isEmpty)
        let raise = try ws.fire(at: 900)
        #expect(raise.types == ["Escalated", "PriorityChanged"])
        #expect(raise[1].payload == .priorityChanged(task: task, from: 5, to: 3))
        #expect(ws.state.task(task)?.priority == 3)

        #expect(try ws.fire(at: 1199).isEmpty)
        let reassign = try ws.fire(at: 1200)
        #expect(reassign.types == ["Escalated", "OverrideApplied"])
        #expect(ws.assignedTo(task) == "backup")
        #expect(ws.load(of: "agent") == 0)
        #expect(ws.load(of: "backup") == 1)
        if case .overrideApplied(_, let change, let reason) = reassign[1].payload {
            #expect(change == .reassign("backup"))
            #expect(reason.contains("response window"))
        } else {
            Issue.record("expected an override, got \(reassign[1].payload)")
        }

        #expect(try ws.fire(at: 1499).isEmpty)
        let exception = try ws.fire(at: 1500)
        #expect(exception.types == ["Escalated", "MovedToException"])
        let moved = try #require(ws.state.task(task))
        #expect(moved.lane == .exception)
        #expect(moved.state == .held)
        #expect(moved.exception?.owner == "claims-lead")
        #expect(moved.exception?.reason == "claim is 25 minutes late")
        #expect(moved.exception?.due == t0 + 1500 + 4 * 3600)
        #expect(moved.exception?.context["escalation"] != nil)
        #expect(ws.load(of: "backup") == 0)

        #expect(try ws.fire(at: 100_000).isEmpty, "the ladder is exhausted")
    }

    @Test("a late timer run catches up on every stage that came due, in order")
    func lateTimerRunCatchesUp() throws {
        var ws = try claimsDesk()
        let task = try ws.create("claim")
        try ws.accept(task)
        let events = try ws.fire(at: 2000)
        #expect(escalations(events).map(\.level) == [0, 1, 2, 3])
        #expect(events.types == [
            "Escalated", "Escalated", "PriorityChanged", "Escalated", "OverrideApplied", "Escalated", "MovedToException",
        ])
        #expect(ws.state.task(task)?.lane == .exception)
    }

    @Test("reassigning to a backup owner who is not a worker hands the task to them in the exception lane")
    func backupOwnerIsNotAWorker() throws {
        var ws = try claimsDesk(backup: "claims-supervisors")
        let task = try ws.create("claim")
        try ws.accept(task)
        try ws.fire(at: 900)
        let events = try ws.fire(at: 1200)
        #expect(events.types == ["Escalated", "MovedToException"])
        let item = try #require(ws.state.task(task)?.exception)
        #expect(item.owner == "claims-supervisors")
        #expect(item.reason.contains("backup owner claims-supervisors"))
        #expect(item.context["worker"] == "agent")
        #expect(ws.load(of: "agent") == 0)
        #expect(try ws.fire(at: 1500).isEmpty, "no further stages run in the exception lane")
    }

    @Test("a backup worker who is away does not get work forced on them: the task goes to the exception lane under them")
    func backupWorkerAway() throws {
        var ws = try claimsDesk(backupStatus: .away)
        let task = try ws.create("claim")
        try ws.accept(task)
        let events = try ws.fire(at: 1200)
        #expect(events.types.suffix(2) == ["Escalated", "MovedToException"])
        #expect(ws.state.task(task)?.exception?.owner == "backup")
        #expect(ws.load(of: "backup") == 0)
    }

    @Test("a backup worker at capacity does not get the task beyond capacity")
    func backupWorkerFull() throws {
        var ws = try claimsDesk()
        let task = try ws.create("claim")
        try ws.accept(task)
        let other = try ws.create("claim")
        #expect(ws.offeredTo(other) == "backup")
        try ws.accept(other)
        try ws.fire(at: 1200)
        #expect(ws.state.task(task)?.lane == .exception)
        #expect(ws.state.task(task)?.exception?.owner == "backup")
        #expect(ws.load(of: "backup") == 1)
    }

    @Test("when the backup already holds the task, the reassign stage leaves it with them")
    func backupAlreadyHolds() throws {
        var ws = try claimsDesk()
        try ws.run(.setWorkerStatus("agent", .away))
        let task = try ws.create("claim")
        #expect(ws.offeredTo(task) == "backup")
        try ws.accept(task)
        let events = try ws.fire(at: 1200)
        #expect(escalations(events).map(\.level) == [0, 1, 2])
        #expect(ws.assignedTo(task) == "backup")
        #expect(ws.state.task(task)?.lane == .routine)
        #expect(ws.load(of: "backup") == 1)
    }

    @Test("completing the step stops its escalation; the next step has its own window")
    func completionStopsEscalation() throws {
        var ws = try claimsDesk()
        let task = try ws.create("claim")
        try ws.accept(task)
        try ws.fire(at: 600)
        ws.now = t0 + 700
        try ws.complete(task)
        #expect(ws.state.task(task)?.step == "pay")
        try ws.accept(task)
        #expect(ws.state.task(task)?.escalationLevel == 0)
        #expect(ws.state.task(task)?.priority == 5)
        #expect(try ws.fire(at: 4299).isEmpty, "assess's stages no longer fire; pay's window runs to 700 + 3600")
        let events = try ws.fire(at: 4300)
        #expect(events.count == 1)
        #expect(events.first?.payload == .escalated(task: task, step: "pay", level: 0, action: .notify("finance-lead")))
    }

    @Test("a step completed in the instant it was entered does not inherit the previous step's escalation")
    func sameInstantStepChange() throws {
        var ws = try claimsDesk()
        let task = try ws.create("claim")
        try ws.accept(task)
        try ws.complete(task)  // still t0: "pay" is entered at the same instant "assess" was
        #expect(ws.state.task(task)?.step == "pay")
        try ws.accept(task)
        let events = try ws.fire(at: 1200)
        #expect(events.isEmpty, "assess's stages must not fire on pay: \(events.types)")
    }

    @Test("a waiting task escalates too")
    func waitingTaskEscalates() throws {
        var ws = try claimsDesk()
        try ws.run(.setWorkerStatus("agent", .offline))
        try ws.run(.setWorkerStatus("backup", .offline))
        let task = try ws.create("claim")
        #expect(ws.state.task(task)?.state == .queued)
        try ws.fire(at: 900)
        #expect(ws.state.task(task)?.priority == 3)
        #expect(ws.state.queues[0].waitingTasks == [task], "still waiting once, in its new priority line")
    }
}
