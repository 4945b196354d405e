import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Predictive routing, a freed worker against a direct judgement")
struct PredictiveFreedWorkerTests {
    /// What a direct judgement of every line head found, over all the decisions checked.
    struct Coverage {
        var decisions = 0
        var passedOver = 0
        var waived = 0
        var relaxed = 0
        var declined = 0
    }

    @Test("a freed worker's choice matches judging every line head afresh, on random workspaces with the guardrail at work")
    func matchesDirectJudgement() throws {
        var coverage = Coverage()
        for seed in 1...16 as ClosedRange<UInt64> {
            var random = SeededGenerator(seed: seed)
            var ws = try Self.randomDesk(&random)
            // Judged at a few moments, so that relaxation delays have passed for some heads only.
            for _ in 0..<3 {
                ws.advance(Double.random(in: 0...200, using: &random))
                for record in ws.state.workers where record.worker.status == .available {
                    let id = record.worker.id
                    let expected = Self.reference(ws.state, worker: id, now: ws.now, coverage: &coverage)
                    let got = ws.state.route(worker: id, now: ws.now)
                    #expect(got?.task == expected?.task, "seed \(seed) worker \(id)")
                    if let got, let expected {
                        let score = got.decision.candidates.first?.score ?? .nan
                        #expect(abs(score - expected.score) < 1e-9, "seed \(seed) worker \(id)")
                    }
                    coverage.decisions += 1
                }
            }
        }
        // The workspaces exercise what the decision remembers: heads passed over for another
        // free worker, heads taken with the rule waived, relaxation delays and refusals.
        #expect(coverage.decisions > 100)
        #expect(coverage.passedOver > 50, "\(coverage)")
        #expect(coverage.waived > 5, "\(coverage)")
        #expect(coverage.relaxed > 5, "\(coverage)")
        #expect(coverage.declined > 0, "\(coverage)")
    }

    /// The best line head for worker `id` at `now`, judged head by head from the definitions:
    /// each head's type and fairness overage, a plain scan of the queue's other workers for one
    /// within the bound, and the fit from ``referenceNet(_:value:costPerHour:settings:slack:)``.
    static func reference(
        _ state: WorkspaceState, worker id: WorkerID, now: Date, coverage: inout Coverage
    ) -> (task: TaskID, score: Double)? {
        guard let number = state.workerIndex[id], state.hot[number].available else { return nil }
        let hot = state.hot[number]
        let weights = state.settings.routingPolicy.parameters.weights
        let settings = state.settings.predictive
        let idle = WorkspaceState.idle(hot, now: now.timeIntervalSinceReferenceDate)
        var best: (task: TaskID, score: Double, ordering: Double)?
        for eligibility in state.workers[number].queues {
            let record = state.queues[eligibility.queue]
            if record.waitingCount == 0 { continue }
            if hot.serving >= 0, hot.serving != Int32(eligibility.queue) { continue }
            for channel in record.channels where hot.hasCapacity(on: channel) {
                for level in 0..<9 {
                    let line = record.waiting[channel][level]
                    if line.first.map({ $0.declinedBy.contains(id) }) == true { coverage.declined += 1 }
                    guard let entry = line.first(where: { !$0.declinedBy.contains(id) }) else { continue }
                    if eligibility.delay > 0, entry.queuedAt + eligibility.delay > now {
                        coverage.relaxed += 1
                        continue
                    }
                    guard let task = state.tasks[entry.task] else { continue }
                    let typeName = state.taskType(of: task)
                    let type = state.predictionIndex.types[typeName]
                    if let overage = state.fairnessOverage(number, type: type) {
                        let other = record.eligible.contains { other in
                            let worker = state.hot[other.worker]
                            return other.worker != number && worker.available
                                && (worker.serving < 0 || worker.serving == Int32(eligibility.queue))
                                && worker.hasCapacity(on: channel)
                                && (other.delay <= 0 || task.queuedAt + other.delay <= now)
                                && !task.declinedBy.contains(state.workers[other.worker].worker.id)
                                && (state.fairnessOverage(other.worker, type: type).map { $0.waiverRank < overage.waiverRank } ?? true)
                        }
                        if other {
                            coverage.passedOver += 1
                            continue
                        }
                        coverage.waived += 1
                    }
                    let terms = WorkspaceState.taskTerms(
                        queue: record.queue, priority: level + 1, queuedAt: entry.queuedAt, now: now, weights: weights)
                    let ordering = WorkspaceState.predictiveTotal(terms, fit: 0, idle: idle, weights)
                    var fit = eligibility.skillFit
                    if let prediction = state.predictions?.prediction(taskType: typeName, worker: id) {
                        var value = settings.taskValue
                        if case .object(let members) = task.attributes, case .number(let given)? = members[settings.valueAttribute],
                            given.isFinite, given >= 0
                        {
                            value = given
                        }
                        let step = state.workflow(task.workflow, version: task.workflowVersion)?.step(task.step)
                        let slack = step.map { task.stepEnteredAt.timeIntervalSince(now) + task.responseWindow(in: $0) }
                        let net = referenceNet(
                            prediction, value: value, costPerHour: state.workers[number].worker.costPerHour, settings: settings,
                            slack: slack)
                        fit = min(max(0.5 + net / (2 * (value > 0 ? value : 1)), 0), 1)
                    }
                    let score = ordering + weights.skillFit * fit
                    // Ties go to the head with the better ordering, then to the one met first.
                    if best.map({ score > $0.score || (score == $0.score && ordering > $0.ordering) }) ?? true {
                        best = (entry.task, score, ordering)
                    }
                }
            }
        }
        return best.map { ($0.task, $0.score) }
    }

    /// A desk of three queues (two with a skill requirement that relaxes after a wait, one open
    /// to all) on two channels, ten workers in two teams, a prediction table of four types (one
    /// of them hard) that leaves some workers and one workflow without predictions, a history
    /// of visits that loads some workers far more than others, then tasks waiting — some
    /// declined — with every worker away, and about seven in ten back without routing anything.
    static func randomDesk(_ random: inout SeededGenerator) throws -> TestWorkspace {
        var ws = TestWorkspace(policy: .predictive)
        var settings = ws.settings
        settings.predictive.fairnessMinimum = 4
        settings.predictive.fairnessBound = Double.random(in: 0.1...0.4, using: &random)
        try ws.run(.configure(settings))
        try ws.queue(
            "q0", priority: 3, within: 120, requirement: Requirement(skills: ["s0": 6]),
            relaxation: [RelaxationStage(after: 90, requirement: Requirement(skills: ["s0": 2]))])
        try ws.queue(
            "q1", priority: 5, within: 300, requirement: Requirement(skills: ["s1": 6]),
            relaxation: [RelaxationStage(after: 240, requirement: Requirement(skills: ["s1": 2]))])
        try ws.queue("q2", priority: 7, within: 600)
        for (flow, queue) in [("f0", "q0"), ("f1", "q1"), ("f2", "q2")] as [(WorkflowID, QueueID)] {
            try ws.simpleWorkflow(flow, queue: queue, ownership: ownership(window: Double.random(in: 300...3600, using: &random)))
        }
        let channels: [Channel] = ["chat", "email"]
        let ids = (0..<10).map { WorkerID("w\($0)") }
        for (index, id) in ids.enumerated() {
            try ws.run(.registerWorker(Worker(
                id: id, skills: ["s0": Int.random(in: 1...9, using: &random), "s1": Int.random(in: 1...9, using: &random)],
                channels: ["chat": Int.random(in: 1...2, using: &random), "email": 1], team: "t\(index % 2)",
                costPerHour: Double.random(in: 20...60, using: &random), status: .away)))
        }
        var table = PredictionTable(models: ["handling-time": 1, "resolution": 1])
        for (type, mean) in [("a", 200.0), ("b", 400), ("c", 600), ("h", 1800)] {
            table.set(Prediction(handlingTime: mean, handlingTimeUpper: mean * 2, resolution: 0.8), taskType: type)
            for id in ids where Double.random(in: 0..<1, using: &random) < 0.6 {
                let own = mean * Double.random(in: 0.5...1.5, using: &random)
                table.set(
                    Prediction(
                        handlingTime: own, handlingTimeUpper: own * Double.random(in: 1.2...2.5, using: &random),
                        resolution: Double.random(in: 0.5...1, using: &random)),
                    taskType: type, worker: id)
            }
        }
        try ws.run(.publishPredictions(table))
        // History: each visit with one worker alone on the floor, three of them far more often.
        var available: WorkerID?
        for number in 0..<40 {
            let worker =
                Double.random(in: 0..<1, using: &random) < 0.6
                ? ids[Int.random(in: 0..<3, using: &random)] : ids.randomElement(using: &random)!
            if available != worker {
                if let available { try ws.run(.setWorkerStatus(available, .away)) }
                try ws.run(.setWorkerStatus(worker, .available))
                available = worker
            }
            let type = ["a", "b", "c", "h"].randomElement(using: &random)!
            let task = try ws.create("f2", id: TaskID("H\(number)"), channel: "chat", attributes: ["type": .string(type)])
            try ws.accept(task)
            ws.advance(Double.random(in: 100...1200, using: &random))
            try ws.complete(task)
        }
        if let available { try ws.run(.setWorkerStatus(available, .away)) }
        // Waiting tasks, a few seconds apart, some without a type in the table or with a value.
        for number in 0..<40 {
            var attributes: [String: JSONValue] = [:]
            let kind = Int.random(in: 0..<6, using: &random)
            if kind < 4 { attributes["type"] = .string(["a", "b", "c", "h"][kind]) }
            if Bool.random(using: &random) { attributes["value"] = .number(Double.random(in: 0...300, using: &random)) }
            try ws.create(
                ["f0", "f1", "f2"].randomElement(using: &random)!, id: TaskID("T\(number)"),
                priority: Int.random(in: 1...9, using: &random), channel: channels.randomElement(using: &random)!,
                attributes: .object(attributes))
            ws.advance(Double.random(in: 1...20, using: &random))
        }
        // Refusals: a worker back on the floor is offered a task and rejects it.
        for id in ids.shuffled(using: &random).prefix(4) {
            try ws.run(.setWorkerStatus(id, .available))
            for task in ws.state.tasks.keys.sorted() where ws.offeredTo(task) == id {
                try ws.run(.rejectOffer(task, worker: id))
            }
            try ws.run(.setWorkerStatus(id, .away))
        }
        // Back without routing, so that every task waits and each decision sees them all.
        for id in ids where Double.random(in: 0..<1, using: &random) < 0.7 {
            ws.state.evolve(Event(time: ws.now, actor: "test", payload: .workerStatusChanged(worker: id, status: .available)))
        }
        return ws
    }
}
