import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Idempotent task creation")
struct IdempotencyTests {
    private func desk() throws -> TestWorkspace {
        var ws = TestWorkspace()
        try ws.queue("general")
        try ws.simpleWorkflow("ticket", queue: "general")
        try ws.worker("w")
        return ws
    }

    @Test("the same key with the same request returns the same task and records nothing new")
    func retryIsSafe() throws {
        var ws = try desk()
        let request = NewTask(workflow: "ticket", priority: 3, attributes: ["customer": "acme", "amount": 12.5], idempotencyKey: "req-1")
        let first = try ws.run(.createTask(request))
        #expect(first.types == ["TaskCreated", "TaskRouted"])
        let task = try #require(ws.state.task(forIdempotencyKey: "req-1"))
        let before = ws.state

        ws.advance(30)
        // Same payload, attributes built in another order.
        let retry = NewTask(workflow: "ticket", priority: 3, attributes: ["amount": 12.5, "customer": "acme"], idempotencyKey: "req-1")
        let events = try ws.run(.createTask(retry))
        #expect(events.isEmpty)
        #expect(ws.state == before)
        #expect(ws.state.task(forIdempotencyKey: "req-1") == task)
        #expect(ws.state.tasks.count == 1)

        // Still safe once the task has finished.
        try ws.accept(task)
        try ws.complete(task)
        #expect(try ws.run(.createTask(retry)).isEmpty)
        #expect(ws.state.task(forIdempotencyKey: "req-1") == task)
    }

    @Test(
        "the same key with a different request is refused and nothing changes",
        arguments: [
            NewTask(workflow: "ticket", priority: 4, attributes: ["customer": "acme"], idempotencyKey: "req-1"),
            NewTask(workflow: "ticket", priority: 3, attributes: ["customer": "globex"], idempotencyKey: "req-1"),
            NewTask(workflow: "ticket", channel: "chat", priority: 3, attributes: ["customer": "acme"], idempotencyKey: "req-1"),
            NewTask(id: "T-mine", workflow: "ticket", priority: 3, attributes: ["customer": "acme"], idempotencyKey: "req-1"),
        ])
    func conflictingReuseRefused(_ conflicting: NewTask) throws {
        var ws = try desk()
        try ws.run(.createTask(NewTask(workflow: "ticket", priority: 3, attributes: ["customer": "acme"], idempotencyKey: "req-1")))
        let error = try ws.refusal(.createTask(conflicting))
        #expect(error.code == .idempotencyMismatch)
        #expect(error.field == "Idempotency-Key")
        #expect(error.message.contains("req-1"))
    }

    @Test("the idempotency record survives a rebuild from the log")
    func keysSurviveFold() throws {
        var ws = try desk()
        try ws.run(.createTask(NewTask(workflow: "ticket", idempotencyKey: "req-9")))
        var rebuilt = WorkspaceState.fold(ws.log, settings: ws.settings)
        #expect(rebuilt == ws.state)
        let context = CommandContext(now: ws.now)
        #expect(try rebuilt.execute(.createTask(NewTask(workflow: "ticket", idempotencyKey: "req-9")), context: context).isEmpty)
        #expect(throws: CommandError.self) {
            try rebuilt.execute(.createTask(NewTask(workflow: "ticket", priority: 1, idempotencyKey: "req-9")), context: context)
        }
    }
}

@Suite("Refused commands")
struct RefusedCommandTests {
    /// Ana holds T-ana (accepted); Bo has an open offer of T-bo; a two-outcome step.
    private func desk() throws -> TestWorkspace {
        var ws = TestWorkspace()
        try ws.queue("general")
        try ws.workflow("ticket", steps: [
            Step(id: "handle", queue: "general", ownership: ownership(), next: ["solved": .end, "escalate": .step("expert")]),
            Step(id: "expert", queue: "general", ownership: ownership()),
        ])
        try ws.worker("ana")
        try ws.worker("bo")
        try ws.create("ticket", id: "T-ana")
        #expect(ws.offeredTo("T-ana") == "ana")
        try ws.accept("T-ana")
        try ws.create("ticket", id: "T-bo")
        #expect(ws.offeredTo("T-bo") == "bo")
        try ws.create("ticket", id: "T-done")
        try ws.run(.cancelTask("T-done", reason: "duplicate"))
        return ws
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var command: Command
        var code: CommandError.Code
        var field: String?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unknown workflow", command: .createTask(NewTask(workflow: "nope")), code: .notFound, field: "workflow"),
        Case(name: "priority 0", command: .createTask(NewTask(workflow: "ticket", priority: 0)), code: .invalid, field: "priority"),
        Case(name: "priority 10", command: .createTask(NewTask(workflow: "ticket", priority: 10)), code: .invalid, field: "priority"),
        Case(name: "attributes not an object", command: .createTask(NewTask(workflow: "ticket", attributes: [1, 2])), code: .invalid, field: "attributes"),
        Case(name: "empty task id", command: .createTask(NewTask(id: "", workflow: "ticket")), code: .invalid, field: "id"),
        Case(name: "task id taken", command: .createTask(NewTask(id: "T-ana", workflow: "ticket")), code: .conflict, field: "id"),
        Case(name: "task id of a finished task", command: .createTask(NewTask(id: "T-done", workflow: "ticket")), code: .conflict, field: "id"),
        Case(name: "completing another worker's task", command: .completeStep("T-ana", worker: "bo", outcome: "solved", evidence: [:]), code: .forbidden, field: "worker"),
        Case(name: "completing without accepting", command: .completeStep("T-bo", worker: "bo", outcome: "solved", evidence: [:]), code: .conflict, field: "task"),
        Case(name: "unknown outcome", command: .completeStep("T-ana", worker: "ana", outcome: "shrug", evidence: [:]), code: .invalid, field: "outcome"),
        Case(name: "no outcome where several are possible", command: .completeStep("T-ana", worker: "ana", outcome: nil, evidence: [:]), code: .invalid, field: "outcome"),
        Case(name: "completing an unknown task", command: .completeStep("T-x", worker: "ana", outcome: nil, evidence: [:]), code: .notFound, field: "task"),
        Case(name: "completing a finished task", command: .completeStep("T-done", worker: "ana", outcome: nil, evidence: [:]), code: .conflict, field: "task"),
        Case(name: "completing as an unknown worker", command: .completeStep("T-ana", worker: "ghost", outcome: "solved", evidence: [:]), code: .notFound, field: "worker"),
        Case(name: "accepting someone else's offer", command: .acceptOffer("T-bo", worker: "ana"), code: .forbidden, field: "worker"),
        Case(name: "accepting as an unknown worker", command: .acceptOffer("T-bo", worker: "ghost"), code: .notFound, field: "worker"),
        Case(name: "accepting an accepted task", command: .acceptOffer("T-ana", worker: "ana"), code: .conflict, field: "task"),
        Case(name: "rejecting someone else's offer", command: .rejectOffer("T-bo", worker: "ana"), code: .forbidden, field: "worker"),
        Case(name: "rejecting an accepted task", command: .rejectOffer("T-ana", worker: "ana"), code: .conflict, field: "task"),
        Case(name: "status of an unknown worker", command: .setWorkerStatus("ghost", .away), code: .notFound, field: "worker"),
        Case(name: "cancelling a cancelled task", command: .cancelTask("T-done", reason: "again"), code: .conflict, field: "task"),
        Case(name: "flagging without a reason", command: .flagException("T-ana", reason: "", context: [:]), code: .invalid, field: "reason"),
        Case(name: "claiming a routine task", command: .claimException("T-ana"), code: .conflict, field: "task"),
        Case(name: "resolving a routine task", command: .resolveException("T-ana", .complete, note: "x"), code: .conflict, field: "task"),
        Case(name: "override without a reason", command: .override("T-ana", .priority(1), reason: "  "), code: .invalid, field: "reason"),
        Case(name: "override priority out of range", command: .override("T-ana", .priority(12), reason: "vip"), code: .invalid, field: "priority"),
        Case(name: "override to an unknown worker", command: .override("T-ana", .reassign("ghost"), reason: "vip"), code: .notFound, field: "worker"),
        Case(name: "override to the current assignee", command: .override("T-ana", .reassign("ana"), reason: "vip"), code: .conflict, field: "worker"),
        Case(name: "override to a worker at capacity", command: .override("T-bo", .reassign("ana"), reason: "vip"), code: .conflict, field: "worker"),
        Case(name: "override to the lane it is in", command: .override("T-ana", .lane(.routine), reason: "x"), code: .conflict, field: "lane"),
        Case(name: "queue priority out of range", command: .defineQueue(Queue(id: "q", priority: 11)), code: .invalid, field: "priority"),
        Case(name: "queue with no offer timeout", command: .defineQueue(Queue(id: "q", offerTimeout: 0)), code: .invalid, field: "offer_timeout"),
        Case(name: "worker skill out of range", command: .registerWorker(Worker(id: "x", skills: ["billing": 11])), code: .invalid, field: "skills.billing"),
        Case(name: "workflow on an unknown queue", command: .defineWorkflow(Workflow(id: "w2", steps: [Step(id: "s", queue: "missing", ownership: ownership())])), code: .invalid, field: "steps[0].queue"),
        Case(name: "workflow without steps", command: .defineWorkflow(Workflow(id: "w2", steps: [])), code: .invalid, field: "steps"),
    ]

    @Test("bad input is refused with a typed error naming the field, and the state is untouched", arguments: cases)
    func refused(_ scenario: Case) throws {
        var ws = try desk()
        let error = try ws.refusal(scenario.command)
        #expect(error.code == scenario.code, "\(error)")
        #expect(error.field == scenario.field, "\(error)")
        #expect(!error.message.isEmpty)
    }

    @Test("decide never changes the state, refused or not")
    func decideIsPure() throws {
        let ws = try desk()
        let before = ws.state
        let context = CommandContext(now: ws.now)
        let events = try ws.state.decide(.completeStep("T-ana", worker: "ana", outcome: "solved", evidence: [:]), context: context)
        #expect(events.types == ["StepCompleted"])
        #expect(ws.state == before)
        #expect(throws: CommandError.self) {
            try ws.state.decide(.acceptOffer("T-bo", worker: "ana"), context: context)
        }
        #expect(ws.state == before)
    }

    @Test("resuming an exception at a step the workflow does not have is refused")
    func resumeAtUnknownStep() throws {
        var ws = try desk()
        try ws.run(.flagException("T-ana", reason: "customer unreachable", context: [:]))
        let error = try ws.refusal(.resolveException("T-ana", .resume("nowhere"), note: "try again"))
        #expect(error.code == .invalid)
        #expect(error.field == "step")
    }
}
