import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Routing a task to a worker")
struct TaskRoutingTests {
    /// Billing needs skill ≥ 3. Eve is the best but busy, Dan is better still but away; Fay and
    /// Gus cannot do billing at all. Of Ana (4), Ben (9) and Cai (6), Ben should get the task.
    private func billingFloor() throws -> TestWorkspace {
        var ws = TestWorkspace(policy: .skillScore)
        try ws.queue("billing", requirement: Requirement(skills: ["billing": 3]))
        try ws.simpleWorkflow("refund", queue: "billing")
        try ws.worker("eve", skills: ["billing": 10])
        let blocker = try ws.create("refund", id: "blocker")
        #expect(ws.offeredTo(blocker) == "eve")
        try ws.accept(blocker)
        try ws.worker("ana", skills: ["billing": 4])
        try ws.worker("ben", skills: ["billing": 9])
        try ws.worker("cai", skills: ["billing": 6])
        try ws.worker("dan", skills: ["billing": 10], status: .away)
        try ws.worker("fay", skills: ["sales": 8])
        try ws.worker("gus", skills: ["billing": 2])
        ws.advance(120)
        return ws
    }

    @Test("skill-score offers the task to the best-skilled available worker with capacity")
    func skillScorePicksBestEligibleWorker() throws {
        var ws = try billingFloor()
        let events = try ws.run(.createTask(NewTask(id: "T-refund", workflow: "refund")))
        #expect(events.types == ["TaskCreated", "TaskRouted"])
        let offer = try #require(events.offers.first)
        #expect(offer.task == "T-refund")
        #expect(offer.worker == "ben")
        #expect(offer.expiresAt == ws.now + 60)
        #expect(ws.offeredTo("T-refund") == "ben")
        #expect(ws.load(of: "ben") == 1)
    }

    @Test("the decision lists every candidate's score terms, exclusions by rule, and why the runner-up lost")
    func decisionExplainsItself() throws {
        var ws = try billingFloor()
        let decision = try #require(try ws.run(.createTask(NewTask(id: "T-refund", workflow: "refund"))).offers.first)
            .decision

        #expect(decision.policy == "skill-score")
        #expect(decision.policyVersion == 1)
        #expect(decision.direction == .taskToWorker)
        #expect(decision.candidates.map(\.id) == ["ben", "cai", "ana"])
        #expect(decision.candidateCount == 3)
        #expect(decision.chosen == "ben")
        #expect(decision.runnerUp == "cai")

        let weights = SkillScorePolicy().weights
        for candidate in decision.candidates {
            #expect(candidate.terms.map(\.name) == ["skillFit", "queuePriority", "taskPriority", "taskAge", "slaRisk", "idleTime"])
            let total = candidate.terms.reduce(0) { $0 + $1.contribution }
            #expect(abs(candidate.score - total) < 1e-9, "score of \(candidate.id) is the sum of its terms")
            #expect(candidate.term("skillFit")?.weight == weights.skillFit)
            #expect(candidate.term("idleTime")?.value == 0.2, "all three idle since registration, 120 s ago")
        }
        #expect(decision.candidate("ben")?.term("skillFit")?.value == 0.9)
        #expect(decision.candidate("cai")?.term("skillFit")?.value == 0.6)
        #expect(decision.candidate("ana")?.term("skillFit")?.value == 0.4)
        #expect(decision.candidate("ben")?.term("queuePriority")?.value == 0.5, "queue priority 5 of 1...9")

        #expect(decision.exclusion("status away") == Exclusion(rule: "status away", count: 1, examples: ["dan"]))
        #expect(decision.exclusion("at capacity on default") == Exclusion(rule: "at capacity on default", count: 1, examples: ["eve"]))
        #expect(decision.exclusion("lacks skill billing") == Exclusion(rule: "lacks skill billing", count: 1, examples: ["fay"]))
        #expect(decision.exclusion("skill billing 2 < 3") == Exclusion(rule: "skill billing 2 < 3", count: 1, examples: ["gus"]))
        #expect(decision.excluded.count == 4)

        let why = try #require(decision.runnerUpLost)
        #expect(why.contains("cai"))
        #expect(why.contains("mostly on skillFit: 0.600 against 0.900"), "\(why)")
        #expect(why.contains("(−0.300)"), "\(why)")
    }

    @Test("a task nobody can take waits, and routing still says who was excluded and why")
    func unroutableTaskExplainsWhy() throws {
        var ws = TestWorkspace()
        try ws.queue("billing", requirement: Requirement(skills: ["billing": 3]))
        try ws.simpleWorkflow("refund", queue: "billing")
        try ws.worker("dan", skills: ["billing": 8], status: .offline)
        try ws.worker("fay", skills: ["sales": 8])
        try ws.worker("hal", skills: ["billing": 8], channels: [Channel("chat"): 2])
        let task = try ws.create("refund")
        #expect(ws.state.task(task)?.state == .queued)
        #expect(ws.state.queues[0].waitingTasks == [task])

        let (worker, decision) = try #require(ws.state.route(task: task, now: ws.now))
        #expect(worker == nil)
        #expect(decision.candidates.isEmpty)
        #expect(decision.runnerUpLost == nil)
        #expect(decision.excluded.map(\.rule) == ["status offline", "does not serve channel default", "lacks skill billing"])
    }

    @Test("round-robin hands tasks to workers in turn")
    func roundRobinRotates() throws {
        var ws = TestWorkspace(policy: .roundRobin)
        try ws.queue("general")
        try ws.simpleWorkflow("ticket", queue: "general")
        for name in ["w1", "w2", "w3"] { try ws.worker(WorkerID(name), capacity: 5) }
        var chosen: [WorkerID] = []
        var decisions: [RoutingDecision] = []
        for _ in 0..<7 {
            let events = try ws.run(.createTask(NewTask(workflow: "ticket")))
            let offer = try #require(events.offers.first)
            chosen.append(offer.worker)
            decisions.append(offer.decision)
            ws.advance(5)
        }
        #expect(chosen == ["w1", "w2", "w3", "w1", "w2", "w3", "w1"])
        #expect(decisions[1].policy == "round-robin")
        #expect(decisions[1].candidates.map(\.id) == ["w2", "w3", "w1"])
        #expect(decisions[1].runnerUpLost?.contains("mostly on rotation") == true, "\(decisions[1].runnerUpLost ?? "nil")")
    }

    @Test("round-robin skips a worker who is away and resumes the rotation after them")
    func roundRobinSkipsAwayWorker() throws {
        var ws = TestWorkspace(policy: .roundRobin)
        try ws.queue("general")
        try ws.simpleWorkflow("ticket", queue: "general")
        for name in ["w1", "w2", "w3"] { try ws.worker(WorkerID(name), capacity: 5) }
        try ws.run(.setWorkerStatus("w2", .away))
        var chosen: [WorkerID] = []
        for _ in 0..<4 {
            let task = try ws.create("ticket")
            chosen.append(try #require(ws.offeredTo(task)))
        }
        #expect(chosen == ["w1", "w3", "w1", "w3"])
    }

    @Test("longest-idle gives the task to the worker who has been free the longest")
    func longestIdlePicksLongestFree() throws {
        var ws = TestWorkspace(policy: .longestIdle)
        try ws.queue("general")
        try ws.simpleWorkflow("ticket", queue: "general")
        for name in ["w1", "w2", "w3"] { try ws.worker(WorkerID(name)) }
        let first = try ws.create("ticket")
        let second = try ws.create("ticket")
        let third = try ws.create("ticket")
        let holder = [first: try ws.accept(first), second: try ws.accept(second), third: try ws.accept(third)]
        // The holder of the third task frees up first, then the first, then the second.
        ws.advance(60)
        try ws.complete(third)
        ws.advance(60)
        try ws.complete(first)
        ws.advance(60)
        try ws.complete(second)
        ws.advance(120)

        let events = try ws.run(.createTask(NewTask(workflow: "ticket")))
        let offer = try #require(events.offers.first)
        #expect(offer.worker == holder[third])
        #expect(offer.decision.policy == "longest-idle")
        #expect(offer.decision.candidates.map(\.id) == [holder[third]!, holder[first]!, holder[second]!].map(\.rawValue))
        #expect(offer.decision.candidates[0].term("idleTime")?.value == 0.4, "240 s in 10-minute units")
        #expect(offer.decision.runnerUpLost?.contains("mostly on idleTime") == true)

        let next = try ws.create("ticket")
        #expect(ws.offeredTo(next) == holder[first])
    }

    @Test("with equal skills, skill-score prefers the worker idle longer")
    func skillScoreBreaksTiesOnIdleTime() throws {
        var ws = TestWorkspace(policy: .skillScore)
        try ws.queue("general", requirement: Requirement(skills: ["billing": 1]))
        try ws.simpleWorkflow("ticket", queue: "general")
        try ws.worker("ana", skills: ["billing": 5])
        try ws.worker("bob", skills: ["billing": 5])
        let warmup = try ws.create("ticket")
        #expect(ws.offeredTo(warmup) == "ana", "equal scores keep registration order")
        try ws.accept(warmup)
        ws.advance(30)
        try ws.complete(warmup)
        ws.advance(300)
        let task = try ws.create("ticket")
        #expect(ws.offeredTo(task) == "bob", "bob has been idle 330 s, ana only 300 s")
    }
}

@Suite("Routing explanations name the right workers")
struct ExplanationIdentityTests {
    @Test("candidates are named after the workers they score, even when ineligible workers come first")
    func candidateNames() throws {
        var state = WorkspaceState()
        let context = CommandContext(now: Date(timeIntervalSince1970: 0))
        try state.execute(.defineQueue(Queue(id: "q", requirement: Requirement(skills: ["s": 5]))), context: context)
        for (id, level) in [("novice", 1), ("apprentice", 2), ("expert", 9), ("journeyman", 6)] {
            try state.execute(.registerWorker(Worker(id: WorkerID(id), skills: ["s": level])), context: context)
        }
        try state.execute(.defineWorkflow(Workflow(
            id: "w", steps: [Step(id: "s", queue: "q", ownership: OwnershipRule(sourceSystem: "x", decisionOwner: "o", responseWindow: 60))])),
            context: context)
        let events = try state.execute(.createTask(NewTask(workflow: "w")), context: context)
        guard case .taskOffered(_, let worker, _, let decision) = try #require(events.last?.payload) else {
            Issue.record("the task was not offered")
            return
        }
        #expect(worker == "expert")
        #expect(decision.candidates.map(\.id) == ["expert", "journeyman"])
        #expect(decision.candidates[0].terms.first { $0.name == "skillFit" }?.value == 0.9)
    }
}
