import Foundation
import Testing

@testable import FlowtuneCore

/// Decisions wired into workflow steps: lanes, queues, priorities, evidence and response
/// windows from published tables, with versions recorded per task.
@Suite struct StepDecisionTests {
    private static let laneV1 = """
        decision: approval-lane
        hit_policy: FIRST
        inputs:
          - { name: amount, expression: task.amount }
          - { name: tier, expression: customer.tier }
          - { name: confidence, expression: model.intent.confidence }
        outputs:
          - { name: lane, values: [exception, routine] }
          - { name: reason, type: string }
          - { name: owner, type: string }
          - { name: priority }
        rules:
          - { when: ['> 5000', '"gold"', -], then: [exception, approval threshold, finance-lead, '2'] }
          - { when: [-, -, '< 0.8'], then: [exception, human review, triage-lead, '3'] }
          - { when: [-, -, -], then: [routine, standard path, '', '5'] }
        tests:
          - { input: { amount: 6200, customer: { tier: gold } }, expect: { lane: exception } }
        """

    private func desk() throws -> TestWorkspace {
        var ws = TestWorkspace()
        try ws.queue("billing")
        try ws.queue("retention")
        try ws.worker("ana")
        try ws.run(.publishDecision(DefinitionSource(file: "lane.yaml", text: Self.laneV1)), actor: "ops")
        try ws.workflow("claims", steps: [
            Step(
                id: "review", queue: "billing", ownership: ownership(owner: "claims-lead"),
                decisions: [
                    StepDecision(purpose: .lane, decision: "approval-lane"),
                    StepDecision(purpose: .priority, decision: "approval-lane"),
                ])
        ])
        return ws
    }

    private func applications(_ events: [Event]) -> [DecisionApplication] {
        events.compactMap { if case .decisionApplied(let application) = $0.payload { application } else { nil } }
    }

    @Test func aRuleSendsTheTaskToTheExceptionLaneWithReasonAndOwner() throws {
        var ws = try desk()
        let events = try ws.run(.createTask(NewTask(
            id: "C1", workflow: "claims", attributes: ["amount": 6200, "customer": ["tier": "gold"]])))
        #expect(events.types == ["TaskCreated", "DecisionApplied", "MovedToException"])
        let application = try #require(applications(events).first)
        #expect(application.trace.version == 1)
        #expect(application.trace.selectedRules == [1])
        #expect(application.priority == 2)
        let task = try #require(ws.state.task("C1"))
        #expect(task.lane == .exception)
        #expect(task.priority == 2)
        #expect(task.exception?.reason == "approval threshold")
        #expect(task.exception?.owner == "finance-lead")
        #expect(task.exception?.context["decision"] == "approval-lane")
        #expect(ws.offeredTo("C1") == nil)
    }

    @Test func lowModelConfidenceGoesToHumanReview() throws {
        var ws = try desk()
        try ws.run(.createTask(NewTask(
            id: "C2", workflow: "claims", attributes: ["amount": 40, "model": ["intent": ["name": "refund", "confidence": 0.55]]])))
        #expect(ws.state.task("C2")?.exception?.reason == "human review")
        try ws.run(.createTask(NewTask(
            id: "C3", workflow: "claims", attributes: ["amount": 40, "model": ["intent": ["name": "refund", "confidence": 0.93]]])))
        #expect(ws.state.task("C3")?.lane == .routine)
        #expect(ws.offeredTo("C3") == "ana")
    }

    @Test func publishingANewVersionChangesNewTasksAndLeavesOldOnesAsTheyWere() throws {
        var ws = try desk()
        let first = try ws.run(.createTask(NewTask(id: "C1", workflow: "claims", attributes: ["amount": 3000])))
        #expect(applications(first).first?.trace.version == 1)
        #expect(applications(first).first?.trace.output("lane") == .string("routine"))

        let v2 = Self.laneV1.replacingOccurrences(of: "'> 5000', '\"gold\"'", with: "'> 2000', -")
        try ws.run(.publishDecision(DefinitionSource(file: "lane.yaml", text: v2)), actor: "ops")
        #expect(ws.state.decision("approval-lane")?.version == 2)
        let second = try ws.run(.createTask(NewTask(id: "C2", workflow: "claims", attributes: ["amount": 3000])))
        #expect(applications(second).first?.trace.version == 2)
        #expect(ws.state.task("C2")?.lane == .exception)

        // C1's history is what it was: decided by version 1, still routine.
        let history = ws.log.filter { $0.taskID == "C1" }
        #expect(applications(history).map(\.trace.version) == [1])
        #expect(ws.state.task("C1")?.lane == .routine)

        // Rolling back publishes version 1's text as version 3.
        let rollback = try ws.run(.rollbackDecision("approval-lane", to: 1), actor: "ops")
        guard case .decisionPublished(let publication) = rollback.first?.payload else {
            Issue.record("rollback published nothing")
            return
        }
        #expect(publication.version == 3)
        #expect(publication.restores == 1)
        #expect(publication.text == Self.laneV1)
        let third = try ws.run(.createTask(NewTask(id: "C3", workflow: "claims", attributes: ["amount": 3000])))
        #expect(applications(third).first?.trace.version == 3)
        #expect(ws.state.task("C3")?.lane == .routine)
    }

    @Test func publishingIsRefusedWhenAnExampleFails() throws {
        var ws = try desk()
        let broken = Self.laneV1.replacingOccurrences(of: "expect: { lane: exception }", with: "expect: { lane: routine }")
        let error = try ws.refusal(.publishDecision(DefinitionSource(file: "lane.yaml", text: broken)))
        #expect(error.code == .invalid)
        #expect(error.field == "tests")
        #expect(ws.state.decision("approval-lane")?.version == 1)
    }

    @Test func aWorkflowCannotNameAnUnpublishedDecision() throws {
        var ws = try desk()
        let error = try ws.refusal(.defineWorkflow(Workflow(id: "other", steps: [
            Step(id: "s", queue: "billing", ownership: ownership(), decisions: [StepDecision(purpose: .queue, decision: "missing")])
        ])))
        #expect(error.field == "steps[0].decisions.queue")
    }

    @Test func queueEvidenceAndResponseWindowComeFromADecision() throws {
        var ws = try desk()
        let routing = """
            decision: routing
            hit_policy: UNIQUE
            inputs: [{ name: intent, expression: model.intent.name }]
            outputs:
              - { name: queue, type: string }
              - { name: evidence, type: expression }
              - { name: escalate_after, type: duration }
            rules:
              - { when: ['"cancellation"'], then: [retention, '["retention_offer"]', 30m] }
              - { when: ['not("cancellation")'], then: [billing, '[]', 4h] }
            """
        try ws.run(.publishDecision(DefinitionSource(file: "routing.yaml", text: routing)))
        try ws.workflow("requests", steps: [
            Step(
                id: "handle", queue: "billing",
                ownership: ownership(window: 3600, escalation: [EscalationStage(after: 0, action: .raisePriority(2))]),
                decisions: [
                    StepDecision(purpose: .queue, decision: "routing"),
                    StepDecision(purpose: .evidence, decision: "routing"),
                    StepDecision(purpose: .escalation, decision: "routing"),
                ])
        ])
        try ws.run(.setWorkerStatus("ana", .away))
        try ws.run(.createTask(NewTask(id: "R1", workflow: "requests", attributes: ["model": ["intent": ["name": "cancellation"]]])))
        let task = try #require(ws.state.task("R1"))
        #expect(task.queue == "retention")
        #expect(task.decidedEvidence == ["retention_offer"])
        #expect(task.responseWindow == 1800)
        // Escalation follows the decided window (30 min), not the step's hour.
        let early = try ws.fire(at: 1799)
        #expect(early.isEmpty)
        let due = try ws.fire(at: 1800)
        #expect(due.types.contains("Escalated"))
        let later = try ws.fire(at: 3600)
        #expect(!later.types.contains("Escalated"), "the timer set for the step's own window does not fire as well")

        // Completing without the decided evidence is refused.
        try ws.run(.setWorkerStatus("ana", .available))
        try ws.run(.override("R1", .reassign("ana"), reason: "test"))
        let refusal = try ws.refusal(.completeStep("R1", worker: "ana", outcome: nil, evidence: [:]))
        #expect(refusal.code == .missingEvidence)
        #expect(refusal.field == "evidence.retention_offer")
    }

    @Test func foldingTheLogRebuildsPublishedDecisionsAndTaskDirectives() throws {
        var ws = try desk()
        try ws.run(.createTask(NewTask(id: "C1", workflow: "claims", attributes: ["amount": 6200, "customer": ["tier": "gold"]])))
        try ws.run(.createTask(NewTask(id: "C2", workflow: "claims", attributes: ["amount": 20])))
        let folded = WorkspaceState.fold(ws.log)
        #expect(folded.decision("approval-lane")?.version == 1)
        #expect(folded.decision("approval-lane")?.publishedBy == "ops")
        #expect(folded.task("C1") == ws.state.task("C1"))
        #expect(folded.task("C2") == ws.state.task("C2"))
    }
}
