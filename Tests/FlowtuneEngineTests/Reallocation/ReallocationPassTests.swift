import FlowtuneCore
import FlowtunePlanning
import FlowtuneStore
import Foundation
import Testing

@testable import FlowtuneEngine

/// A billing desk and a sales desk; sales agents differ in what may move them to billing.
enum SurgeDesk {
    static let limit = 5.0

    static func commands() -> [Command] {
        var commands: [Command] = [
            .defineQueue(Queue(
                id: "billing", serviceLevel: ServiceLevelTarget(percent: 80, within: 60),
                requirement: Requirement(skills: ["billing": 3]), offerTimeout: 3600)),
            .defineQueue(Queue(
                id: "sales", serviceLevel: ServiceLevelTarget(percent: 80, within: 60),
                requirement: Requirement(skills: ["sales": 3]), offerTimeout: 3600)),
        ]
        for index in 1...3 {
            commands.append(.registerWorker(Worker(id: WorkerID("b\(index)"), skills: ["billing": 6], servingQueue: "billing")))
        }
        let sales: [(WorkerID, [String: Int], Bool, Double)] = [
            ("s1", ["sales": 6, "billing": 5], true, 1),  // flexible, cheap: moved at once
            ("s2", ["sales": 6, "billing": 4], true, 2),  // flexible, cheap: moved at once
            ("s3", ["sales": 6, "billing": 8], false, 0),  // not flexible: never moved
            ("s4", ["sales": 6, "billing": 2], true, 0),  // below billing's level 3: never moved
            ("s5", ["sales": 6, "billing": 7], true, 10),  // over the cost limit: waits for approval
            ("s6", ["sales": 6], true, 0),  // no billing skill: never moved
            ("s7", ["sales": 6], false, 0),
        ]
        for (id, skills, flexible, cost) in sales {
            commands.append(.registerWorker(Worker(id: id, skills: skills, servingQueue: "sales", flexible: flexible, moveCost: cost)))
        }
        for queue in ["billing", "sales"] {
            commands.append(.defineWorkflow(Workflow(
                id: WorkflowID(queue),
                steps: [Step(
                    id: "answer", queue: QueueID(queue),
                    ownership: OwnershipRule(sourceSystem: "crm", decisionOwner: "lead", responseWindow: 3600))])))
        }
        return commands
    }

    static let configuration = ReallocationConfiguration(
        enabled: true, period: 60, automaticCostLimit: limit, intervalLength: 900, horizonIntervals: 4,
        arrivalTimeConstant: 300, defaultHandlingTime: 300)
}

@Suite("Real-time reallocation in the engine")
struct ReallocationPassTests {
    private func open(_ database: TemporaryDatabase, clock: ManualClock) async throws -> (WorkspaceEngine, SQLiteEventStore) {
        let store = try SQLiteEventStore(path: database.path)
        let engine = try await WorkspaceEngine.open("desk", store: store, clock: clock)
        for command in SurgeDesk.commands() { try await engine.submit(command, actor: "test") }
        return (engine, store)
    }

    /// Agents at work: every open offer is accepted, and a task is completed five minutes after
    /// its acceptance, so that agents free up and the engine measures a handling time.
    private func work(_ engine: WorkspaceEngine, clock: ManualClock, accepted: inout [TaskID: Date]) async throws {
        let now = clock.now()
        for task in await engine.currentState.tasks.values.sorted(by: { $0.id < $1.id }) {
            switch task.state {
            case .offered(let worker, _):
                try await engine.submit(.acceptOffer(task.id, worker: worker), actor: worker.rawValue)
                accepted[task.id] = now
            case .assigned(let worker) where now.timeIntervalSince(accepted[task.id] ?? now) >= 300:
                try await engine.submit(.completeStep(task.id, worker: worker, outcome: nil, evidence: [:]), actor: worker.rawValue)
            default:
                continue
            }
        }
    }

    private func serving(_ engine: WorkspaceEngine, _ worker: WorkerID) async -> QueueID? {
        await engine.currentState.worker(worker)?.worker.servingQueue
    }

    @Test("off by default: no pass runs and nothing is recorded")
    func offByDefault() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        let clock = ManualClock()
        let (engine, _) = try await open(database, clock: clock)
        for _ in 0..<20 { try await engine.submit(.createTask(NewTask(workflow: "billing")), actor: "api") }
        clock.advance(by: 60)
        #expect(try await engine.runReallocationPass().isEmpty)
        #expect(await engine.reallocationConfiguration == nil)
    }

    @Test("a billing surge moves flexible, eligible sales agents: the cheap ones at once, the dear one on approval")
    func surge() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        let clock = ManualClock()
        let (engine, store) = try await open(database, clock: clock)
        await engine.configureReallocation(SurgeDesk.configuration)

        // Twenty quiet minutes: one billing and one sales task every five minutes.
        var passes: [[Event]] = []
        var accepted: [TaskID: Date] = [:]
        for minute in 1...20 {
            clock.advance(by: 60)
            if minute % 5 == 0 {
                try await engine.submit(.createTask(NewTask(workflow: "billing")), actor: "api")
                try await engine.submit(.createTask(NewTask(workflow: "sales")), actor: "api")
            }
            try await work(engine, clock: clock, accepted: &accepted)
            passes.append(try await engine.runReallocationPass())
        }
        let quietTypes = passes.joined().map(\.type)
        #expect(quietTypes.isEmpty, "\(quietTypes)")
        let quietRate = try #require(await engine.measuredArrivalRate(of: "billing"))
        #expect(quietRate > 0.1 / 60 && quietRate < 0.4 / 60, "\(quietRate * 60) a minute")

        // Billing's arrivals jump to three a minute.
        var surge: [Event] = []
        for _ in 1...6 {
            clock.advance(by: 60)
            for _ in 0..<3 { try await engine.submit(.createTask(NewTask(workflow: "billing")), actor: "api") }
            try await work(engine, clock: clock, accepted: &accepted)
            surge += try await engine.runReallocationPass()
        }
        let risks = surge.compactMap { event -> QueueRisk? in
            if case .queueAtRisk(let risk) = event.payload { return risk }
            return nil
        }
        #expect(risks.map(\.queue) == ["billing"], "recorded once, when billing turned at risk")
        let risk = try #require(risks.first)
        #expect(risk.predictedServiceLevel < risk.goal)
        #expect(abs(risk.goal - 0.82) < 1e-9, "80% promise plus the configured 2-point margin")
        #expect(risk.horizon == 3600)
        #expect(risk.agents == 3)

        let proposals = surge.compactMap { event -> ReallocationProposal? in
            if case .reallocationProposed(let proposal) = event.payload { return proposal }
            return nil
        }
        let moves = surge.compactMap { event -> WorkerReallocation? in
            if case .workerReallocated(let move) = event.payload { return move }
            return nil
        }
        #expect(Set(proposals.map(\.worker)) == ["s1", "s2", "s5"], "only flexible workers meeting billing's requirement")
        #expect(proposals.count == 3, "the pending proposal is not repeated minute after minute")
        #expect(Set(moves.map(\.worker)) == ["s1", "s2"])
        #expect(moves.allSatisfy { $0.approval == .automatic && $0.approvedBy == "system" && $0.to == "billing" && $0.from == "sales" })
        let dear = try #require(proposals.first { $0.worker == "s5" })
        #expect(dear.needsApproval)
        #expect(dear.cost > SurgeDesk.limit)
        #expect(dear.explanation.costLimit == SurgeDesk.limit)
        #expect(dear.explanation.target.queue == "billing")
        #expect(dear.explanation.donor?.queue == "sales")
        #expect(dear.explanation.summary.contains("s5"))
        for proposal in proposals where !proposal.needsApproval {
            #expect(proposal.cost <= SurgeDesk.limit)
        }
        #expect(await serving(engine, "s1") == "billing")
        #expect(await serving(engine, "s2") == "billing")
        #expect(await serving(engine, "s5") == "sales", "not moved before an operator approves")
        for worker: WorkerID in ["s3", "s4", "s6", "s7"] {
            #expect(await serving(engine, worker) == "sales", "\(worker) is never moved")
        }
        // The explanation names why the others were passed over.
        let first = try #require(proposals.first { $0.worker == "s1" })
        let reasons = Dictionary(uniqueKeysWithValues: first.explanation.passedOver.map { ($0.worker, $0.reason) })
        #expect(reasons["s3"] == "notFlexible", "\(reasons)")
        #expect(reasons["s4"] == "notEligible", "\(reasons)")

        let state = await engine.currentState
        let pending = state.pendingReallocations
        #expect(pending.map(\.proposal.worker) == ["s5"])

        let approved = try await engine.submit(.approveReallocation(dear.id), actor: "lead")
        #expect(approved.events.first?.type == "WorkerReallocated")
        #expect(await serving(engine, "s5") == "billing")
        await #expect(throws: CommandError.self) { try await engine.submit(.approveReallocation(dear.id), actor: "lead") }

        // Every event is durable and the log folds to the engine's state.
        let (_, folded) = try await foldedLog(store)
        #expect(folded == (await engine.currentState))
    }

    @Test("a move waiting for approval is withdrawn once its queue is no longer at risk")
    func staleProposalWithdrawn() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        let clock = ManualClock()
        let (engine, _) = try await open(database, clock: clock)
        await engine.configureReallocation(SurgeDesk.configuration)
        var accepted: [TaskID: Date] = [:]
        for _ in 1...4 {
            clock.advance(by: 60)
            for _ in 0..<3 { try await engine.submit(.createTask(NewTask(workflow: "billing")), actor: "api") }
            try await work(engine, clock: clock, accepted: &accepted)
            try await engine.runReallocationPass()
        }
        let pending = await engine.currentState.pendingReallocations.map(\.proposal.worker)
        #expect(pending == ["s5"])
        // The surge ends; the backlog is worked off and the measured rate decays.
        var declined: [Event] = []
        for _ in 1...90 where declined.isEmpty {
            clock.advance(by: 60)
            try await work(engine, clock: clock, accepted: &accepted)
            declined = try await engine.runReallocationPass().filter { $0.type == "ReallocationDeclined" }
        }
        let event = try #require(declined.first)
        guard case .reallocationDeclined(let decline) = event.payload else { throw InjectedFailure() }
        #expect(decline.by == "system")
        #expect(decline.reason.hasPrefix("queue billing is no longer at risk"))
        #expect(await engine.currentState.pendingReallocations.isEmpty)
        #expect(await serving(engine, "s5") == "sales")
    }

    @Test("the timer loop runs the pass once a minute of the engine's clock")
    func timerLoopRunsThePass() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        let clock = ManualClock()
        let (engine, store) = try await open(database, clock: clock)
        await engine.configureReallocation(SurgeDesk.configuration)
        for _ in 0..<40 { try await engine.submit(.createTask(NewTask(workflow: "billing")), actor: "api") }
        let loop = Task { await engine.runTimers(tick: 0.01) }
        defer { loop.cancel() }
        clock.advance(by: 61)
        var found = false
        for _ in 0..<500 where !found {
            try await Task.sleep(for: .milliseconds(10))
            let events = try await store.read("desk", after: 0, limit: .max).map(\.event.type)
            found = events.contains("QueueAtRisk")
        }
        #expect(found)
    }

    @Test("the arrival rate is the continuous exponential average of the windows' rates")
    func arrivalRateAverage() {
        var monitor = ReallocationMonitor(configuration: SurgeDesk.configuration)
        let start = Date(timeIntervalSince1970: 0)
        monitor.start(at: start)
        var state = WorkspaceState()
        let context = CommandContext(now: start)
        for command in SurgeDesk.commands() { _ = try? state.execute(command, context: context) }
        func arrive(_ count: Int, at time: Date) {
            for _ in 0..<count {
                let events = (try? state.execute(.createTask(NewTask(workflow: "billing")), context: CommandContext(now: time))) ?? []
                monitor.observe(events, state: state)
            }
        }
        // 6 arrivals in the first 60 s, then 0 in the next 120 s.
        arrive(6, at: start + 30)
        monitor.advance(to: start + 60)
        #expect(abs(monitor.arrivalRate(of: "billing")! - 0.1) < 1e-12)
        monitor.advance(to: start + 180)
        let expected = 0.1 + (1 - exp(-120.0 / 300)) * (0 - 0.1)
        #expect(abs(monitor.arrivalRate(of: "billing")! - expected) < 1e-12)
    }
}
