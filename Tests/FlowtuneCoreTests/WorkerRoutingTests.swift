import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Routing a freed worker to a waiting task")
struct WorkerRoutingTests {
    /// One worker, busy with a blocker, eligible for three queues of different priority.
    private func busyWorker() throws -> TestWorkspace {
        var ws = TestWorkspace(policy: .skillScore)
        try ws.queue("general", priority: 5, within: 3600)
        try ws.queue("vip", priority: 2, within: 3600)
        try ws.queue("backlog", priority: 8, within: 3600)
        try ws.simpleWorkflow("general", queue: "general")
        try ws.simpleWorkflow("vip", queue: "vip")
        try ws.simpleWorkflow("backlog", queue: "backlog")
        try ws.worker("w")
        try ws.create("general", id: "blocker")
        try ws.accept("blocker")
        return ws
    }

    @Test("a freed worker takes the highest-scoring head across queues, and the decision says why")
    func freedWorkerTakesBestAcrossQueues() throws {
        var ws = try busyWorker()
        try ws.create("general", id: "g-old", priority: 5)
        ws.now = t0 + 30
        try ws.create("backlog", id: "b-urgent", priority: 1)
        ws.now = t0 + 60
        try ws.create("general", id: "g-new", priority: 5)
        ws.now = t0 + 120
        try ws.create("vip", id: "vip", priority: 5)
        ws.now = t0 + 240
        try ws.create("general", id: "g-urgent", priority: 2)
        #expect(ws.state.waitingCounts == ["general": 3, "vip": 1, "backlog": 1])

        ws.now = t0 + 300
        let events = try ws.complete("blocker")
        #expect(events.types == ["StepCompleted", "TaskRouted"])
        let offer = try #require(events.offers.first)
        // Scores at 300 s (skill-score weights: queue 0.5, task 1, age 1 per 600 s, SLA risk 1 per 3600 s):
        //   b-urgent 0.0625 + 1.000 + 0.450 + 0.075 = 1.5875
        //   g-old    0.2500 + 0.500 + 0.500 + 0.083 = 1.3333
        //   vip      0.4375 + 0.500 + 0.300 + 0.050 = 1.2875
        //   g-urgent 0.2500 + 0.875 + 0.100 + 0.017 = 1.2417
        #expect(offer.task == "b-urgent")
        #expect(offer.worker == "w")
        let decision = offer.decision
        #expect(decision.direction == .workerToTask)
        #expect(decision.policy == "skill-score")
        #expect(decision.candidates.map(\.id) == ["b-urgent", "g-old", "vip", "g-urgent"])
        #expect(decision.candidateCount == 4, "only the head of each queue/channel/priority line is scored")
        #expect(decision.candidate("g-new") == nil)
        let expected: [String: Double] = ["b-urgent": 1.5875, "g-old": 4 / 3, "vip": 1.2875, "g-urgent": 1.241_666_7]
        let idle = try #require(decision.candidates[0].term("idleTime")).contribution
        for candidate in decision.candidates {
            #expect(abs(candidate.score - idle - expected[candidate.id]!) < 1e-6, "\(candidate.id): \(candidate.score)")
        }
        #expect(decision.runnerUpLost?.contains("g-old") == true)
        #expect(decision.runnerUpLost?.contains("mostly on taskPriority: 0.500 against 1.000") == true, "\(decision.runnerUpLost ?? "nil")")
    }

    @Test("within one line the oldest task goes first")
    func oldestFirstWithinLine() throws {
        var ws = try busyWorker()
        for (offset, name) in [(0.0, "a"), (10, "b"), (20, "c")] {
            ws.now = t0 + offset
            try ws.create("general", id: TaskID(name))
        }
        #expect(ws.state.queues[0].waitingTasks == ["a", "b", "c"])
        var served: [TaskID] = []
        var holding: TaskID = "blocker"
        for _ in 0..<3 {
            ws.advance(100)
            let offer = try #require(try ws.complete(holding).offers.first)
            served.append(offer.task)
            holding = offer.task
            try ws.accept(holding)
        }
        #expect(served == ["a", "b", "c"])
    }

    struct DecidingTerm: Sendable, CustomTestStringConvertible {
        var term: String
        var winner: (workflow: WorkflowID, priority: Int, createdAt: TimeInterval)
        var loser: (workflow: WorkflowID, priority: Int, createdAt: TimeInterval)
        var testDescription: String { term }
    }

    @Test(
        "the term that separates two waiting tasks decides, and is named",
        arguments: [
            DecidingTerm(term: "queuePriority", winner: ("vip", 5, 10), loser: ("general", 5, 10)),
            DecidingTerm(term: "taskPriority", winner: ("general", 2, 10), loser: ("general", 5, 10)),
            DecidingTerm(term: "taskAge", winner: ("general", 5, 10), loser: ("general", 3, 310)),
        ])
    func decidingTermIsNamed(_ scenario: DecidingTerm) throws {
        var ws = try busyWorker()
        // Create them in the order that makes the loser the earlier one when times are equal.
        let tasks = [
            (TaskID("loser"), scenario.loser), (TaskID("winner"), scenario.winner),
        ].sorted { $0.1.createdAt < $1.1.createdAt }
        for (id, spec) in tasks {
            ws.now = t0 + spec.createdAt
            try ws.create(spec.workflow, id: id, priority: spec.priority)
        }
        ws.now = t0 + 320
        let offer = try #require(try ws.complete("blocker").offers.first)
        #expect(offer.task == "winner")
        #expect(offer.decision.runnerUp == "loser")
        #expect(offer.decision.runnerUpLost?.contains("mostly on \(scenario.term)") == true, "\(offer.decision.runnerUpLost ?? "nil")")
    }

    @Test("a freed worker skips tasks it declined and channels it is full on")
    func freedWorkerSkipsDeclinedAndFullChannels() throws {
        var ws = TestWorkspace(policy: .skillScore)
        try ws.queue("general")
        try ws.simpleWorkflow("general", queue: "general")
        try ws.worker("w", channels: [.default: 1, "chat": 1])
        try ws.worker("x", status: .away)
        try ws.create("general", id: "blocker")
        try ws.accept("blocker")
        try ws.create("general", id: "chat-1", channel: "chat")
        try ws.accept("chat-1")
        ws.advance(10)
        try ws.create("general", id: "chat-2", priority: 1, channel: "chat")
        try ws.create("general", id: "urgent", priority: 1)
        try ws.create("general", id: "plain", priority: 5)
        #expect(ws.state.queues[0].waitingCount == 3)

        // Free on the default channel only: the best default-channel task, not the chat one.
        ws.advance(10)
        try ws.complete("blocker")
        #expect(ws.offeredTo("urgent") == "w")
        #expect(ws.state.task("chat-2")?.state == .queued)

        // Having rejected "urgent", w gets the next default-channel task; "urgent" waits for someone else.
        let events = try ws.run(.rejectOffer("urgent", worker: "w"))
        #expect(events.types == ["OfferDeclined", "TaskRouted"])
        let offer = try #require(events.offers.first)
        #expect(offer.task == "plain")
        let declined = try #require(offer.decision.excluded.first { $0.rule.contains("declined") }, "\(offer.decision.excluded)")
        #expect(declined.count == 1)
        #expect(declined.examples == ["urgent"], "the exclusion names the task passed over")
        #expect(ws.state.task("urgent")?.state == .queued)
        #expect(ws.state.task("urgent")?.declinedBy == ["w"])
        #expect(ws.state.route(worker: "w", now: ws.now) == nil, "w is full on both channels")

        // Freed on chat, w takes the chat task.
        try ws.complete("chat-1")
        #expect(ws.offeredTo("chat-2") == "w")
    }

    @Test("the prediction policy scans the same line heads: same candidates, same lines left out", arguments: [
        RoutingPolicyKind.skillScore, .predictive,
    ])
    func lineHeadsAreSharedByPolicies(policy: RoutingPolicyKind) throws {
        var ws = TestWorkspace(policy: policy)
        try ws.queue("general")
        try ws.simpleWorkflow("general", queue: "general")
        try ws.worker("w")
        try ws.create("general", id: "blocker")
        try ws.accept("blocker")
        try ws.create("general", id: "urgent", priority: 1)
        ws.advance(10)
        try ws.create("general", id: "plain", priority: 5)
        ws.advance(10)
        try ws.create("general", id: "later", priority: 5)
        try ws.create("general", id: "low", priority: 8)
        ws.advance(10)
        try ws.complete("blocker")
        #expect(ws.offeredTo("urgent") == "w")
        let events = try ws.run(.rejectOffer("urgent", worker: "w"))
        let decision = try #require(events.offers.first).decision
        #expect(decision.policy == policy.rawValue)
        // The urgent line holds only a declined task; the plain line's head is plain, later behind it.
        #expect(Set(decision.candidates.map(\.id)) == ["plain", "low"])
        #expect(decision.candidateCount == 2)
        #expect(decision.excluded == [
            Exclusion(rule: "task lines whose every task this worker declined", count: 1, examples: ["urgent"])
        ])
    }
}
