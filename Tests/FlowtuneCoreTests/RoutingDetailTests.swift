import Foundation
import Testing

@testable import FlowtuneCore

/// Routing without its explanation (``RoutingDetail/choiceOnly``, what the simulator asks for)
/// must choose exactly what routing with it chooses: the same events but for the decision's
/// explanation, and the same state, command after command.
@Suite("Routing without the explanation")
struct RoutingDetailTests {
    @Test("random command sequences: the same choices, events and state with and without the explanation")
    func propertySequences() throws {
        var offers = 0
        var cascades = 0
        for seed in 0..<UInt64(48) {
            // Seeds cycle through skill-score, round-robin and longest-idle.
            var recorded = try Simulation(seed: seed)
            try recorded.run(commands: 200, checkInvariants: false)
            // The recorded commands replayed side by side, with and without the explanation.
            var explained = try Simulation(seed: seed)
            var bare = try Simulation(seed: seed)
            for (number, (command, context)) in recorded.commands.enumerated() {
                var choiceOnly = context
                choiceOnly.routingDetail = .choiceOnly
                let expected = try? explained.ws.state.execute(command, context: context)
                let events = try? bare.ws.state.execute(command, context: choiceOnly)
                #expect(events.map(Self.choices) == expected.map(Self.choices), "seed \(seed), command \(number): \(command)")
                for (event, full) in zip(events ?? [], expected ?? []) {
                    if case .taskOffered(_, _, _, let decision) = event.payload,
                        case .taskOffered(_, _, _, let fullDecision) = full.payload
                    {
                        offers += 1
                        if decision.direction == .workerToTask { cascades += 1 }
                        #expect(decision.candidates.isEmpty && decision.excluded.isEmpty && decision.runnerUpLost == nil)
                        #expect(decision.candidateCount == fullDecision.candidateCount)
                        #expect(decision.policy == fullDecision.policy && decision.policyVersion == fullDecision.policyVersion)
                    }
                }
            }
            #expect(bare.ws.state == explained.ws.state, "seed \(seed)")
        }
        // Both directions were exercised, or the comparison holds vacuously.
        #expect(offers > 1000, "only \(offers) offers")
        #expect(cascades > 200, "only \(cascades) worker → task offers")
    }

    @Test(
        "random workspaces, every non-predictive policy: each command decides the same with and without the explanation",
        arguments: [RoutingPolicyKind.skillScore, .roundRobin, .longestIdle])
    func randomWorkspaces(policy: RoutingPolicyKind) throws {
        var offers = 0
        var ties = 0
        for seed in 0..<UInt64(12) {
            var floor = RandomFloor(seed: seed &+ 101, policy: policy)
            try floor.build()
            for _ in 0..<400 {
                let (command, context) = floor.nextCommand()
                var bareContext = context
                bareContext.routingDetail = .choiceOnly
                var bare = floor.state
                let expected = try? floor.state.execute(command, context: context)
                let events = try? bare.execute(command, context: bareContext)
                #expect(events.map(Self.choices) == expected.map(Self.choices), "seed \(seed): \(command)")
                #expect(bare == floor.state, "seed \(seed): \(command)")
                for event in expected ?? [] {
                    guard case .taskOffered(_, _, _, let decision) = event.payload else { continue }
                    offers += 1
                    if decision.candidates.count > 1, decision.candidates[0].score == decision.candidates[1].score { ties += 1 }
                }
            }
        }
        #expect(offers > 500, "only \(offers) offers")
        // Equal scores are where a careless shortcut would pick another worker: there must be some.
        #expect(ties > 3, "only \(ties) decisions with a tie at the top")
    }

    /// What the events decide, without the explanation of a routing decision: each event as it
    /// is, but an offer's decision reduced to the policy, its version, the direction and how
    /// many candidates there were.
    static func choices(_ events: [Event]) -> [Event] {
        events.map { event in
            guard case .taskOffered(let task, let worker, let expiresAt, let decision) = event.payload else { return event }
            var reduced = event
            reduced.payload = .taskOffered(
                task: task, worker: worker, expiresAt: expiresAt,
                decision: RoutingDecision(
                    policy: decision.policy, policyVersion: decision.policyVersion, direction: decision.direction,
                    candidates: [], candidateCount: decision.candidateCount, excluded: [], runnerUpLost: nil,
                    models: decision.models, notes: decision.notes))
            return reduced
        }
    }
}

/// A random floor: 5 to 40 workers drawn from a few profiles (so that many score alike), some
/// on two channels, some assigned to serve one queue, some away; three queues with requirements
/// and a relaxation; tasks of random priority and channel arriving, offers accepted or rejected,
/// steps completed, workers coming and going, and timers firing as the clock moves.
struct RandomFloor {
    var state: WorkspaceState
    var now = t0
    var rng: SeededGenerator
    var workerIDs: [WorkerID] = []

    init(seed: UInt64, policy: RoutingPolicyKind) {
        rng = SeededGenerator(seed: seed)
        state = WorkspaceState(settings: WorkspaceState.Settings(routingPolicy: policy, explainedCandidates: 3, exceptionDue: 3600))
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }

    private mutating func setUp(_ command: Command) throws {
        try state.execute(command, context: CommandContext(now: now, actor: "setup"))
    }

    mutating func build() throws {
        let queues: [(QueueID, Requirement, [RelaxationStage])] = [
            ("sales", Requirement(skills: ["sales": 3]), []),
            ("support", Requirement(skills: ["tech": 5]), [RelaxationStage(after: 45, requirement: Requirement(skills: ["tech": 2]))]),
            ("any", Requirement(), []),
        ]
        for (id, requirement, relaxation) in queues {
            try setUp(.defineQueue(Queue(
                id: id, priority: int(1...9), serviceLevel: ServiceLevelTarget(percent: 80, within: Double(int(20...120))),
                requirement: requirement, relaxation: relaxation, offerTimeout: Double(int(20...90)))))
        }
        let profiles: [[String: Int]] = [["sales": 5], ["tech": 7], ["tech": 3, "sales": 3], ["sales": 8, "tech": 6], [:]]
        for number in 0..<int(5...40) {
            let id = WorkerID("w\(number)")
            workerIDs.append(id)
            var channels: [Channel: Int] = [.default: int(1...2)]
            if chance(0.4) { channels["chat"] = int(1...3) }
            let serving: QueueID? = chance(0.15) ? ["sales", "support", "any"][int(0...2)] : nil
            let worker = Worker(
                id: id, skills: profiles[int(0...profiles.count - 1)], channels: channels,
                status: chance(0.85) ? .available : .away, servingQueue: serving)
            // A worker assigned to a queue they can never serve is refused; draw again without.
            if (try? setUp(.registerWorker(worker))) == nil {
                var free = worker
                free.servingQueue = nil
                try setUp(.registerWorker(free))
            }
        }
        for queue in ["sales", "support", "any"] {
            try setUp(.defineWorkflow(Workflow(id: WorkflowID(queue), steps: [
                Step(id: "first", queue: QueueID(queue), ownership: ownership(), next: ["next": .step("second"), "done": .end]),
                Step(id: "second", queue: "any", ownership: ownership()),
            ])))
        }
    }

    func tasks(_ name: String) -> [WorkTask] {
        state.tasks.values.filter { $0.state.name == name }.sorted { $0.id < $1.id }
    }

    mutating func nextCommand() -> (Command, CommandContext) {
        let roll = int(0...99)
        var command: Command = .fireTimers
        switch roll {
        case 0..<35:
            let workflow = WorkflowID(["sales", "support", "any"][int(0...2)])
            command = .createTask(NewTask(workflow: workflow, channel: chance(0.3) ? "chat" : .default, priority: int(1...9)))
        case 35..<55:
            let offered = tasks("offered")
            if !offered.isEmpty {
                let task = offered[int(0...offered.count - 1)]
                command = .acceptOffer(task.id, worker: task.state.worker!)
            }
        case 55..<62:
            let offered = tasks("offered")
            if !offered.isEmpty {
                let task = offered[int(0...offered.count - 1)]
                command = .rejectOffer(task.id, worker: task.state.worker!)
            }
        case 62..<82:
            let assigned = tasks("assigned")
            if !assigned.isEmpty {
                let task = assigned[int(0...assigned.count - 1)]
                command = .completeStep(
                    task.id, worker: task.state.worker!, outcome: task.step == "first" ? (chance(0.5) ? "next" : "done") : nil,
                    evidence: [:])
            }
        case 82..<88:
            let worker = workerIDs[int(0...workerIDs.count - 1)]
            command = .setWorkerStatus(worker, chance(0.6) ? .available : .away)
        default:
            now += Double(int(1...600)) / 10
        }
        return (command, CommandContext(now: now, actor: "tester"))
    }
}

@Suite("Forgetting finished tasks")
struct ForgettingTests {
    @Test("numbering goes on past the forgotten tasks, open tasks and loads stay, a forgotten task is unknown")
    func forgetting() throws {
        var ws = TestWorkspace()
        try ws.queue("desk")
        try ws.worker("ana", capacity: 2)
        try ws.simpleWorkflow("ticket", queue: "desk")
        let done = try ws.create("ticket")
        try ws.accept(done)
        try ws.complete(done)
        let open = try ws.create("ticket")
        #expect(ws.state.finished[done] == .completed)
        ws.state.forgetFinishedTasks()
        #expect(ws.state.finished.isEmpty)
        #expect(ws.state.task(open) != nil && ws.load(of: "ana") == 1)
        #expect(ws.state.load(ofWorkerAt: 0) == ws.state.workers[0].totalLoad)
        // Numbering never looks at finished tasks while no caller chose a numbered id.
        let next = try ws.create("ticket")
        #expect(next != done && next != open)
        let error = try ws.refusal(.acceptOffer(done, worker: "ana"))
        #expect(error.code == .notFound)
    }

    @Test("not remembering finished tasks: none recorded while numbering needs none, all of them once it does")
    func notRemembering() throws {
        var ws = TestWorkspace()
        try ws.queue("desk")
        try ws.worker("ana", capacity: 3)
        try ws.simpleWorkflow("ticket", queue: "desk")
        ws.state.remembersFinishedTasks = false
        let done = try ws.create("ticket")
        try ws.accept(done)
        try ws.complete(done)
        let dropped = try ws.create("ticket")
        try ws.run(.cancelTask(dropped, reason: "gone"))
        let open = try ws.create("ticket")
        #expect(ws.state.finished.isEmpty)
        #expect(ws.state.task(open) != nil && ws.load(of: "ana") == 1)
        #expect(Set([done, dropped, open]).count == 3)
        // As after forgetting: a finished task is unknown.
        #expect(try ws.refusal(.acceptOffer(done, worker: "ana")).code == .notFound)
        #expect(try ws.refusal(.cancelTask(dropped, reason: "again")).code == .notFound)
        // A caller's numbered id makes numbering look at finished tasks: from then on each is recorded.
        let chosen = try ws.create("ticket", id: "T100")
        #expect(ws.state.taskNumbersTaken)
        try ws.accept(chosen)
        try ws.complete(chosen)
        try ws.run(.cancelTask(open, reason: "gone"))
        #expect(ws.state.finished == [chosen: .completed, open: .cancelled])
        #expect(try ws.refusal(.cancelTask(chosen, reason: "again")).code == .conflict)
        #expect(try ws.refusal(.createTask(NewTask(id: "T100", workflow: "ticket"))).code == .conflict)
    }

    @Test("a remembering state and a forgetting one make the same events and keep the same open tasks")
    func sameEvents() throws {
        var remembering = TestWorkspace()
        try remembering.queue("desk")
        try remembering.worker("ana", capacity: 2)
        try remembering.worker("ben", capacity: 1)
        try remembering.simpleWorkflow("ticket", queue: "desk")
        var forgetting = remembering
        forgetting.state.remembersFinishedTasks = false
        var generator = SeededGenerator(seed: 7)
        var open: [TaskID] = []
        for round in 0..<300 {
            let roll = generator.next() % 4
            let command: Command
            if roll == 0 || open.isEmpty {
                command = .createTask(NewTask(workflow: "ticket"))
            } else {
                let task = open[Int(generator.next() % UInt64(open.count))]
                switch (roll, remembering.state.task(task)?.state) {
                case (1, .offered(let worker, _)?): command = .acceptOffer(task, worker: worker)
                case (2, .assigned(let worker)?): command = .completeStep(task, worker: worker, outcome: nil, evidence: [:])
                default: command = .cancelTask(task, reason: "round \(round)")
                }
            }
            let expected = try? remembering.run(command)
            let events = try? forgetting.run(command)
            #expect(events == expected, "round \(round): \(command)")
            open = remembering.state.tasks.keys.sorted()
            #expect(forgetting.state.tasks == remembering.state.tasks)
            #expect(forgetting.state.workers == remembering.state.workers)
        }
        #expect(forgetting.state.finished.isEmpty && remembering.state.finished.count > 50)
    }
}

@Suite("The leading candidate")
struct LeadingCandidateTests {
    @Test("the same leader as the full ranking on random scores with many ties, and inexact once a score is NaN")
    func againstRanking() {
        var generator = SeededGenerator(seed: 11)
        for round in 0..<2_000 {
            let count = Int.random(in: 1...40, using: &generator)
            // Few distinct values, so that ties are common; signed zeros and infinities among them.
            let values: [Double] = [-.infinity, -1, -0.0, 0, 0.25, 0.5, 1, .infinity]
            let scores = (0..<count).map { _ in values[Int.random(in: 0..<values.count, using: &generator)] }
            var ranking = TopCandidates(capacity: Int.random(in: 2...6, using: &generator))
            var leader = LeadingCandidate()
            var leads = 0
            for (index, score) in scores.enumerated() {
                ranking.consider(index, score: score)
                if leader.consider(index, score: score) { leads += 1 }
            }
            #expect(leader.isExact)
            #expect(leader.index == ranking.ranked.first?.index, "round \(round): \(scores)")
            #expect(leads >= 1)
        }
        var leader = LeadingCandidate()
        leader.consider(0, score: 1)
        leader.consider(1, score: .nan)
        #expect(!leader.isExact)
    }
}
