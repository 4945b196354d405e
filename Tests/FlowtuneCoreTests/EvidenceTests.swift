import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Required evidence")
struct EvidenceTests {
    private func refunds(_ policy: MissingEvidencePolicy) throws -> TestWorkspace {
        var ws = TestWorkspace(exceptionDue: 2 * 3600)
        try ws.queue("billing")
        try ws.workflow("refund", steps: [
            Step(
                id: "verify", queue: "billing",
                ownership: ownership(owner: "billing-lead", evidence: ["invoice_id", "amount"], missing: policy),
                next: ["approved": .step("pay"), "rejected": .end]),
            Step(id: "pay", queue: "billing", ownership: ownership()),
        ])
        try ws.worker("w")
        try ws.create("refund", id: "R1")
        try ws.accept("R1")
        return ws
    }

    @Test("a completion lacking evidence is refused, naming the missing field, and nothing changes")
    func missingEvidenceRefused() throws {
        var ws = try refunds(.refuse)
        ws.advance(60)
        let error = try ws.refusal(.completeStep(
            "R1", worker: "w", outcome: "approved", evidence: ["invoice_id": "INV-7"]))
        #expect(error.code == .missingEvidence)
        #expect(error.field == "evidence.amount")
        #expect(error.message.contains("amount"))
        #expect(!error.message.contains("invoice_id"))
        #expect(ws.assignedTo("R1") == "w")
    }

    @Test("blank evidence counts as missing", arguments: [JSONValue.null, "  ", [], [:]] as [JSONValue])
    func blankEvidenceIsMissing(_ blank: JSONValue) throws {
        var ws = try refunds(.refuse)
        let error = try ws.refusal(.completeStep(
            "R1", worker: "w", outcome: "approved", evidence: ["invoice_id": blank, "amount": 120]))
        #expect(error.code == .missingEvidence)
        #expect(error.field == "evidence.invoice_id")
    }

    @Test("a completion with all evidence moves the task on and records the evidence")
    func completeWithEvidence() throws {
        var ws = try refunds(.refuse)
        let events = try ws.complete("R1", outcome: "approved", evidence: ["invoice_id": "INV-7", "amount": 120, "note": "ok"])
        guard case .stepCompleted(let completion) = events.first?.payload else {
            Issue.record("expected StepCompleted, got \(events.types)")
            return
        }
        #expect(completion.step == "verify")
        #expect(completion.worker == "w")
        #expect(completion.outcome == "approved")
        #expect(completion.next == .step("pay"))
        #expect(completion.evidence["amount"] == 120)
        #expect(ws.state.task("R1")?.step == "pay")
    }

    @Test("with missingEvidence: exception, the task goes to the exception lane with owner, due time, reason, context and next action")
    func missingEvidenceToException() throws {
        var ws = try refunds(.exception)
        try ws.create("refund", id: "R2")
        #expect(ws.state.task("R2")?.state == .queued)
        ws.now = t0 + 300

        let events = try ws.complete("R1", outcome: "approved", evidence: ["invoice_id": "INV-7", "pages": 3, "signed": true])
        #expect(events.types == ["MovedToException", "TaskRouted"])
        let task = try #require(ws.state.task("R1"))
        #expect(task.lane == .exception)
        #expect(task.state == .held)
        #expect(task.step == "verify", "the step is not completed")
        let item = try #require(task.exception)
        #expect(item.owner == "billing-lead")
        #expect(item.due == t0 + 300 + 2 * 3600)
        #expect(item.reason == "missing evidence: amount")
        #expect(item.context["step"] == "verify")
        #expect(item.context["worker"] == "w")
        #expect(item.context["outcome"] == "approved")
        #expect(item.context["evidence.invoice_id"] == "INV-7")
        #expect(item.context["evidence.pages"] == "3")
        #expect(item.context["evidence.signed"] == "true")
        #expect(item.recommendedAction.contains("amount"))
        #expect(item.recommendedAction.contains("crm"))
        #expect(item.recommendedAction.contains("verify"))
        #expect(ws.state.exceptionLane.map(\.id) == ["R1"])

        // The worker is free again and takes the next waiting task.
        #expect(ws.offeredTo("R2") == "w")
        #expect(ws.load(of: "w") == 1)
    }

    @Test("a step with no required evidence completes with none")
    func noEvidenceRequired() throws {
        var ws = try refunds(.refuse)
        try ws.complete("R1", outcome: "approved", evidence: ["invoice_id": "A", "amount": 1])
        try ws.accept("R1")
        let events = try ws.complete("R1")
        #expect(events.first?.type == "StepCompleted")
        #expect(ws.state.task("R1") == nil)
        #expect(ws.state.finished["R1"] == .completed)
    }
}
