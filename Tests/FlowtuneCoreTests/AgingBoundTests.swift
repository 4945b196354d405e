import Foundation
import Testing

@testable import FlowtuneCore

/// The aging guarantee: a waiting task X can be overtaken only by tasks that arrived less than
/// `agingBound` after it, where agingBound = (skillFit + queuePriority + taskPriority + slaRisk)
/// × agingHorizon / taskAge.
///
/// With the built-in weights (agingHorizon 600 s, taskAge 1):
/// - round-robin and longest-idle: (0 + 0.5 + 1 + 1) × 600 = 1500 s (25 min)
/// - skill-score: (1 + 0.5 + 1 + 1) × 600 = 2100 s (35 min)
@Suite("Aging bound")
struct AgingBoundTests {
    @Test("the built-in policies state a 25-minute (round-robin, longest-idle) and 35-minute (skill-score) bound")
    func statedBounds() {
        #expect(RoutingPolicyKind.roundRobin.policy.weights.agingBound == 1500)
        #expect(RoutingPolicyKind.longestIdle.policy.weights.agingBound == 1500)
        #expect(RoutingPolicyKind.skillScore.policy.weights.agingBound == 2100)
        #expect(SkillScorePolicy(weights: RoutingWeights(skillFit: 1, taskPriority: 1)).weights.agingBound == .infinity)
    }

    /// One worker, one queue; a priority-1 task arrives every 20 s and each takes 30 s, so the backlog
    /// only grows. A priority-9 task X arrives at t0 (10 minutes into the flood). Every priority-1
    /// task that arrives after t0 + agingBound must be served after X; and the flood must actually
    /// overtake X for a while, or the test proves nothing.
    @Test(
        "under a flood of priority-1 work, a priority-9 task is served before every task arriving more than agingBound (25 min; skill-score 35 min) after it",
        arguments: RoutingPolicyKind.allCases)
    func floodCannotStarveLowPriorityTask(_ kind: RoutingPolicyKind) throws {
        let bound = kind.policy.weights.agingBound
        var ws = TestWorkspace(policy: kind)
        try ws.queue("main", within: 300)
        try ws.simpleWorkflow("main", queue: "main")
        try ws.worker("w")

        let start = -600.0
        let end = bound + 900
        var created: [TaskID: TimeInterval] = [:]
        var served: [TaskID] = []
        var holding: (task: TaskID, doneAt: TimeInterval)?
        var number = 0

        func takeOffer(_ events: [Event], at time: TimeInterval) throws {
            for offer in events.offers {
                served.append(offer.task)
                try ws.run(.acceptOffer(offer.task, worker: offer.worker))
                holding = (offer.task, time + 30)
            }
        }

        var time = start
        while time <= end {
            ws.now = t0 + time
            if let current = holding, current.doneAt <= time {
                holding = nil
                try takeOffer(try ws.complete(current.task), at: time)
            }
            if time == 0 {
                created["X"] = 0
                try takeOffer(try ws.run(.createTask(NewTask(id: "X", workflow: "main", priority: 9))), at: time)
            }
            if Int(time) % 20 == 0 {
                number += 1
                let id = TaskID("P\(number)")
                created[id] = time
                try takeOffer(try ws.run(.createTask(NewTask(id: id, workflow: "main", priority: 1))), at: time)
            }
            time += 10
        }

        let position = try #require(served.firstIndex(of: "X"), "X was never served within agingBound + 15 min")
        let before = served[..<position]
        let overtakers = before.filter { created[$0]! > 0 }
        #expect(!overtakers.isEmpty, "the flood never overtook X, so the test shows nothing")
        for task in before {
            #expect(created[task]! <= bound, "\(task) arrived \(created[task]!) s after X yet was served first (bound \(bound) s)")
        }
        let lateArrivals = created.filter { $0.value > bound }.keys
        #expect(!lateArrivals.isEmpty)
        #expect(ws.state.queues[0].waitingCount > 0, "the backlog still grows at the end")
    }

    /// The bound is tight: X waits in a priority-9 queue with no skill match and a lax service level;
    /// Y arrives in a priority-1 queue where the worker is a perfect fit and the service level is
    /// breached at once — every bounded term favours Y. The worker frees up 60 s after t0 + agingBound.
    @Test(
        "the bound is tight: a maximally favoured task arriving just before it overtakes, one arriving just after does not",
        arguments: RoutingPolicyKind.allCases, [-30.0, 1.0])
    func boundIsTight(_ kind: RoutingPolicyKind, _ yOffset: TimeInterval) throws {
        let bound = kind.policy.weights.agingBound
        var ws = TestWorkspace(policy: kind)
        try ws.queue("slow", priority: 9, within: 10_000_000)
        try ws.queue("hot", priority: 1, within: 1, requirement: Requirement(skills: ["hot": 1]))
        try ws.simpleWorkflow("slow", queue: "slow")
        try ws.simpleWorkflow("hot", queue: "hot")
        try ws.worker("w", skills: ["hot": 10])
        ws.now = t0 - 10
        try ws.create("slow", id: "blocker")
        try ws.accept("blocker")

        ws.now = t0
        try ws.create("slow", id: "X", priority: 9)
        ws.now = t0 + bound + yOffset
        try ws.create("hot", id: "Y", priority: 1)
        ws.now = t0 + bound + 60
        let offer = try #require(try ws.complete("blocker").offers.first)
        if yOffset < 0 {
            #expect(offer.task == "Y", "Y arrived \(-yOffset) s inside the bound and every term favours it")
        } else {
            #expect(offer.task == "X", "Y arrived after the bound: X must go first")
            #expect(offer.decision.runnerUpLost?.contains("mostly on taskAge") == true)
        }
    }
}
