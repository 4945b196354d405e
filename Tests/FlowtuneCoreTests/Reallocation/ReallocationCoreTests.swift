import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Serving queues and reallocation in the core")
struct ReallocationCoreTests {
    /// Two queues anyone may serve, billing and sales, with a one-step workflow each.
    private func desk() throws -> TestWorkspace {
        var ws = TestWorkspace(policy: .skillScore)
        try ws.queue("billing")
        try ws.queue("sales")
        try ws.queue("claims", requirement: Requirement(certifications: ["adjuster"]))
        try ws.simpleWorkflow("billing", queue: "billing")
        try ws.simpleWorkflow("sales", queue: "sales")
        try ws.simpleWorkflow("claims", queue: "claims")
        return ws
    }

    private func register(
        _ ws: inout TestWorkspace, _ id: WorkerID, serving: QueueID? = nil, flexible: Bool = true,
        moveCost: Double = 0, certifications: [String] = [], status: Worker.Status = .available
    ) throws {
        try ws.run(.registerWorker(Worker(
            id: id, certifications: certifications, status: status, servingQueue: serving, flexible: flexible,
            moveCost: moveCost)))
    }

    private static func explanation(_ to: QueueID) -> ReallocationExplanation {
        ReallocationExplanation(
            summary: "to \(to)", target: ServiceLevelShift(queue: to, agentsBefore: 1, before: 0.4, after: 0.7, goal: 0.82),
            targetAfterPlan: 0.85, donor: nil, skillLevels: [:], skillFit: 0, costLimit: 5, candidatesConsidered: 1,
            passedOver: [])
    }

    private static func move(_ worker: WorkerID, from: QueueID?, to: QueueID, cost: Double, approval: Bool) -> PlannedMove {
        PlannedMove(worker: worker, from: from, to: to, cost: cost, needsApproval: approval, explanation: explanation(to))
    }

    // MARK: - Routing

    @Test("a task skips a free worker assigned to another queue, and the decision says so")
    func taskSkipsWorkerServingAnotherQueue() throws {
        var ws = try desk()
        try register(&ws, "ana", serving: "billing")
        try register(&ws, "bo")
        let task = try ws.create("sales", id: "s1")
        #expect(ws.offeredTo(task) == "bo")
        let decision = try #require(ws.log.offers.last?.decision)
        let exclusion = try #require(decision.excluded.first { $0.rule == "assigned to serve another queue" })
        #expect(exclusion.examples == ["ana"])
        #expect(decision.candidates.map(\.id) == ["bo"])

        // With bo busy the next sales task waits although ana is free.
        let second = try ws.create("sales", id: "s2")
        #expect(ws.offeredTo(second) == nil)
        #expect(ws.state.waitingCounts["sales"] == 1)
        // A billing task goes to ana.
        let billing = try ws.create("billing", id: "b1")
        #expect(ws.offeredTo(billing) == "ana")
    }

    @Test("a freed worker takes work only from the queue they serve, and the decision names the others")
    func freedWorkerTakesOnlyServingQueue() throws {
        var ws = try desk()
        try register(&ws, "ana", serving: "billing")
        try ws.create("billing", id: "blocker")
        try ws.accept("blocker")
        ws.advance(10)
        try ws.create("sales", id: "s1")
        ws.advance(10)
        try ws.create("billing", id: "b1")
        #expect(ws.state.waitingCounts == ["billing": 1, "sales": 1, "claims": 0])
        ws.advance(60)
        let events = try ws.complete("blocker")
        #expect(events.offers.map(\.task) == ["b1"], "the older sales task would win without the assignment")
        let decision = try #require(events.offers.first?.decision)
        #expect(decision.direction == .workerToTask)
        #expect(decision.candidates.map(\.id) == ["b1"])
        let exclusion = try #require(decision.excluded.first { $0.rule.hasPrefix("queues other than billing") })
        #expect(exclusion.examples == ["sales"])
        // Only billing work: once b1 is done, ana takes nothing though sales waits.
        try ws.accept("b1")
        let after = try ws.complete("b1")
        #expect(after.offers.isEmpty)
        #expect(ws.state.waitingCounts["sales"] == 1)
    }

    @Test("a worker serving no queue is routed as before")
    func noServingQueueKeepsBehaviour() throws {
        var ws = try desk()
        try register(&ws, "ana")
        try ws.create("billing", id: "blocker")
        try ws.accept("blocker")
        try ws.create("sales", id: "s1")
        let events = try ws.complete("blocker")
        #expect(events.offers.map(\.task) == ["s1"])
        #expect(ws.log.offers.allSatisfy { !$0.decision.excluded.contains { $0.rule.contains("serve") } })
    }

    @Test("a serving queue must exist and be one the worker can serve")
    func servingQueueChecked() throws {
        var ws = try desk()
        let unknown = try ws.refusal(.registerWorker(Worker(id: "ana", servingQueue: "nowhere")))
        #expect(unknown.code == .invalid)
        #expect(unknown.field == "serving_queue")
        let ineligible = try ws.refusal(.registerWorker(Worker(id: "ana", servingQueue: "claims")))
        #expect(ineligible.field == "serving_queue")
        #expect(ineligible.message.contains("lacks certification adjuster"))
        let negative = try ws.refusal(.registerWorker(Worker(id: "ana", moveCost: -1)))
        #expect(negative.field == "move_cost")
    }

    // MARK: - Rounds

    @Test("a move within the limit is proposed, applied and followed by the routing it allows")
    func automaticMove() throws {
        var ws = try desk()
        try register(&ws, "ana", serving: "sales", moveCost: 2)
        try register(&ws, "bo", serving: "billing")
        try ws.create("billing", id: "b1")
        try ws.accept("b1")
        try ws.create("billing", id: "b2")
        #expect(ws.state.waitingCounts["billing"] == 1)

        ws.advance(60)
        let risk = QueueRisk(queue: "billing", predictedServiceLevel: 0.4, goal: 0.82, horizon: 3600, waiting: 1, agents: 1)
        let events = try ws.run(
            .reallocate(ReallocationRound(risks: [risk], moves: [Self.move("ana", from: "sales", to: "billing", cost: 2, approval: false)])),
            actor: "system")
        #expect(events.types == ["QueueAtRisk", "ReallocationProposed", "WorkerReallocated", "TaskRouted"])
        guard case .workerReallocated(let moved) = events[2].payload else { throw TestFailure("no move") }
        #expect(moved.proposal == "R1")
        #expect(moved.approval == .automatic)
        #expect(moved.approvedBy == "system")
        #expect(moved.from == "sales")
        #expect(ws.offeredTo("b2") == "ana")
        #expect(ws.state.worker("ana")?.worker.servingQueue == "billing")
        #expect(ws.state.reallocation("R1")?.status == .applied)
        #expect(ws.state.pendingReallocations.isEmpty)
        #expect(WorkspaceState.fold(ws.log, settings: ws.settings) == ws.state)
    }

    @Test("a dear move waits; an operator approves it; a second decision is refused")
    func approvedMove() throws {
        var ws = try desk()
        try register(&ws, "ana", serving: "sales", moveCost: 9)
        let events = try ws.run(
            .reallocate(ReallocationRound(risks: [], moves: [Self.move("ana", from: "sales", to: "billing", cost: 9, approval: true)])),
            actor: "system")
        #expect(events.types == ["ReallocationProposed"])
        #expect(ws.state.worker("ana")?.worker.servingQueue == "sales")
        #expect(ws.state.pendingReallocations.map(\.proposal.id) == ["R1"])

        // The next minute's plan picks ana again: the open proposal stands for her.
        let again = try ws.run(
            .reallocate(ReallocationRound(risks: [], moves: [Self.move("ana", from: "sales", to: "billing", cost: 9, approval: true)])),
            actor: "system")
        #expect(again.isEmpty)

        let approved = try ws.run(.approveReallocation("R1"), actor: "lead")
        #expect(approved.types == ["WorkerReallocated"])
        guard case .workerReallocated(let moved) = approved[0].payload else { throw TestFailure("no move") }
        #expect(moved.approval == .operator)
        #expect(moved.approvedBy == "lead")
        #expect(approved[0].actor == "lead")
        #expect(ws.state.worker("ana")?.worker.servingQueue == "billing")
        #expect(ws.state.reallocation("R1")?.decidedBy == "lead")

        let twice = try ws.refusal(.approveReallocation("R1"), actor: "lead")
        #expect(twice.code == .conflict)
        #expect(twice.message == "move R1 was already applied by lead")
        let decline = try ws.refusal(.declineReallocation("R1", reason: "late"), actor: "lead")
        #expect(decline.code == .conflict)
        let unknown = try ws.refusal(.approveReallocation("R9"), actor: "lead")
        #expect(unknown.code == .notFound)
        #expect(unknown.field == "id")
        #expect(WorkspaceState.fold(ws.log, settings: ws.settings) == ws.state)
    }

    @Test("declining needs a reason and closes the proposal")
    func declinedMove() throws {
        var ws = try desk()
        try register(&ws, "ana", serving: "sales", moveCost: 9)
        try ws.run(
            .reallocate(ReallocationRound(risks: [], moves: [Self.move("ana", from: "sales", to: "billing", cost: 9, approval: true)])),
            actor: "system")
        let blank = try ws.refusal(.declineReallocation("R1", reason: "  "), actor: "lead")
        #expect(blank.code == .invalid)
        #expect(blank.field == "reason")
        let events = try ws.run(.declineReallocation("R1", reason: "ana is training"), actor: "lead")
        #expect(events.types == ["ReallocationDeclined"])
        #expect(ws.state.reallocation("R1")?.status == .declined)
        #expect(ws.state.reallocation("R1")?.reason == "ana is training")
        #expect(ws.state.worker("ana")?.worker.servingQueue == "sales")
        let approve = try ws.refusal(.approveReallocation("R1"), actor: "lead")
        #expect(approve.message == "move R1 was already declined by lead")
        #expect(WorkspaceState.fold(ws.log, settings: ws.settings) == ws.state)
    }

    @Test("approval is refused when the worker is no longer available or eligible")
    func approvalRechecks() throws {
        var ws = try desk()
        try register(&ws, "ana", serving: "sales", moveCost: 9, certifications: ["adjuster"])
        try register(&ws, "bo", serving: "sales", moveCost: 9, certifications: ["adjuster"])
        try ws.run(
            .reallocate(ReallocationRound(risks: [], moves: [
                Self.move("ana", from: "sales", to: "claims", cost: 9, approval: true),
                Self.move("bo", from: "sales", to: "claims", cost: 9, approval: true),
            ])),
            actor: "system")
        try ws.run(.setWorkerStatus("ana", .away))
        let away = try ws.refusal(.approveReallocation("R1"), actor: "lead")
        #expect(away.code == .conflict)
        #expect(away.message == "worker ana is away")
        // bo loses the certification the queue requires.
        try register(&ws, "bo", serving: "sales", moveCost: 9)
        let ineligible = try ws.refusal(.approveReallocation("R2"), actor: "lead")
        #expect(ineligible.message == "worker bo is not eligible for queue claims: lacks certification adjuster")
        try ws.run(.setWorkerStatus("ana", .available))
        try ws.run(.approveReallocation("R1"), actor: "lead")
        #expect(ws.state.worker("ana")?.worker.servingQueue == "claims")
    }

    @Test("a round moving an ineligible or inflexible worker is refused whole")
    func roundRefused() throws {
        var ws = try desk()
        try register(&ws, "ana", serving: "sales")
        try register(&ws, "bo", serving: "sales", flexible: false)
        let risk = QueueRisk(queue: "claims", predictedServiceLevel: 0.2, goal: 0.82, horizon: 3600, waiting: 3, agents: 0)
        let ineligible = try ws.refusal(.reallocate(ReallocationRound(
            risks: [risk], moves: [Self.move("ana", from: "sales", to: "claims", cost: 0, approval: false)])))
        #expect(ineligible.code == .conflict)
        #expect(ineligible.field == "moves[0].worker")
        #expect(ineligible.message.contains("lacks certification adjuster"))
        let inflexible = try ws.refusal(.reallocate(ReallocationRound(
            risks: [], moves: [Self.move("bo", from: "sales", to: "billing", cost: 0, approval: false)])))
        #expect(inflexible.message == "worker bo is not flexible")
        let unknownQueue = try ws.refusal(.reallocate(ReallocationRound(
            risks: [QueueRisk(queue: "nope", predictedServiceLevel: 0, goal: 0.8, horizon: 900, waiting: 0, agents: 0)],
            moves: [])))
        #expect(unknownQueue.field == "risks[0].queue")
    }

    @Test("profiles recorded before serving queues decode as serving any queue, not flexible, free to move")
    func oldProfilesDecode() throws {
        let worker = Worker(id: "ana", skills: ["billing": 6], servingQueue: "billing", flexible: true, moveCost: 3.5)
        let encoded = try JSONEncoder().encode(worker)
        #expect(try JSONDecoder().decode(Worker.self, from: encoded) == worker)
        var object = try #require(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        object["servingQueue"] = nil
        object["flexible"] = nil
        object["moveCost"] = nil
        let old = try JSONDecoder().decode(Worker.self, from: JSONSerialization.data(withJSONObject: object))
        #expect(old.servingQueue == nil)
        #expect(old.flexible == false)
        #expect(old.moveCost == 0)
        #expect(old.skills == ["billing": 6])
    }

    @Test("a workspace file sets the serving queue, the flexible flag and the move cost")
    func definitionFileFields() throws {
        let yaml = """
            queues:
              - id: billing
            workers:
              - id: ana
                serving_queue: billing
                flexible: true
                move_cost: 4.5
              - id: bo
                flexible: sometimes
            """
        #expect(throws: DefinitionError.self) { try WorkspaceDefinition(yaml: yaml, file: "desk.yaml") }
        let fixed = try WorkspaceDefinition(yaml: yaml.replacingOccurrences(of: "sometimes", with: "false"), file: "desk.yaml")
        let ana = try #require(fixed.workers.first)
        #expect(ana.servingQueue == "billing")
        #expect(ana.flexible)
        #expect(ana.moveCost == 4.5)
    }
}
