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
        /// Heads the guardrail asked about whose first free worker within the bound qualifies
        /// only after a relaxation delay.
        var delayedAlternative = 0
        /// Heads with another free worker within the bound met, in the decision's order, after a
        /// younger head of the same line, type and rank with none: what remembering "no one"
        /// must not carry over to a head that has waited longer.
        var foundAfterYoungerNone = 0
        /// Heads with no one met after a head of the same line, type and rank whose worker
        /// qualified only after a delay: what remembering a worker must not carry over to a head
        /// that has not waited that long.
        var noneAfterDelayedFound = 0
        /// Decisions whose worker is over the bound for some of the types met and within it
        /// for others.
        var mixedOverage = 0
        /// Decisions whose worker is over the bound on different hard-task ranks for different types.
        var mixedRank = 0
    }

    /// A line head a direct judgement admitted, with what the decision's explanation shows of it.
    struct Judged {
        var task: TaskID
        var score: Double
        var ordering: Double
        /// Taken over the fairness bound because no one else could.
        var waived: Bool
    }

    @Test("a freed worker's choice matches judging every line head afresh, on random workspaces with the guardrail at work")
    func matchesDirectJudgement() throws {
        var coverage = Coverage()
        for seed in 1...64 as ClosedRange<UInt64> {
            var random = SeededGenerator(seed: seed)
            var ws = try Self.randomDesk(&random)
            // Judged at a few moments, so that relaxation delays have passed for some heads only.
            for moment in 0..<4 {
                ws.advance(Double.random(in: 0...(moment == 0 ? 300 : 90), using: &random))
                for record in ws.state.workers where record.worker.status == .available {
                    let id = record.worker.id
                    let heads = Self.reference(ws.state, worker: id, now: ws.now, coverage: &coverage)
                    let got = ws.state.route(worker: id, now: ws.now)
                    coverage.decisions += 1
                    #expect(got?.task == heads.first?.task, "seed \(seed) worker \(id)")
                    guard let got, let winner = heads.first else { continue }
                    // Every place the explanation shows, not only the first: a head wrongly passed
                    // over or wrongly taken usually moves a place further down rather than the winner.
                    let candidates = got.decision.candidates
                    let expected = Array(heads.prefix(max(ws.state.settings.explainedCandidates, 2)))
                    #expect(candidates.count == expected.count, "seed \(seed) worker \(id)")
                    for (place, (candidate, head)) in zip(candidates, expected).enumerated() {
                        #expect(abs(candidate.score - head.score) < 1e-9, "seed \(seed) worker \(id) place \(place)")
                        // Names compared only where scores differ: equal scores may be listed either way.
                        let tied = expected.indices.contains {
                            $0 != place && abs(expected[$0].score - head.score) < 1e-9
                        }
                        if !tied { #expect(candidate.id == head.task.rawValue, "seed \(seed) worker \(id) place \(place)") }
                    }
                    let waivedNote = got.decision.notes.contains { $0.hasPrefix("fairness waived") }
                    #expect(waivedNote == winner.waived, "seed \(seed) worker \(id)")
                }
            }
        }
        // The workspaces exercise what the decision remembers: heads passed over for another
        // free worker, heads taken with the rule waived, relaxation delays and refusals, and the
        // orders of heads in which a remembered answer would be wrong for a later head.
        #expect(coverage.decisions > 800, "\(coverage)")
        #expect(coverage.passedOver > 2000, "\(coverage)")
        #expect(coverage.waived > 500, "\(coverage)")
        #expect(coverage.relaxed > 500, "\(coverage)")
        #expect(coverage.declined > 100, "\(coverage)")
        #expect(coverage.delayedAlternative > 1000, "\(coverage)")
        #expect(coverage.foundAfterYoungerNone > 40, "\(coverage)")
        #expect(coverage.noneAfterDelayedFound > 60, "\(coverage)")
        #expect(coverage.mixedOverage > 200, "\(coverage)")
        #expect(coverage.mixedRank > 50, "\(coverage)")
    }

    @Test("a waiting task's type follows a change of the type attribute, and a freed worker's choice with it")
    func typeAttributeChangeRetypesWaitingTasks() throws {
        var coverage = Coverage()
        for seed in 1...8 as ClosedRange<UInt64> {
            var random = SeededGenerator(seed: seed)
            var ws = try Self.randomDesk(&random)
            ws.advance(Double.random(in: 0...300, using: &random))
            // The workflow's id stands in for the type under an attribute no task has, and back.
            for attribute in ["kind", ws.state.settings.predictive.typeAttribute] {
                var settings = ws.state.settings
                settings.predictive.typeAttribute = attribute
                try ws.run(.configure(settings))
                var entries = 0
                for record in ws.state.queues {
                    for line in record.waiting.joined() {
                        for entry in line {
                            let task = try #require(ws.state.tasks[entry.task])
                            #expect(entry.type == ws.state.taskType(of: task), "seed \(seed) \(attribute) \(entry.task)")
                            entries += 1
                        }
                    }
                }
                #expect(entries > 0, "seed \(seed)")
                for record in ws.state.workers where record.worker.status == .available {
                    let heads = Self.reference(ws.state, worker: record.worker.id, now: ws.now, coverage: &coverage)
                    let got = ws.state.route(worker: record.worker.id, now: ws.now)
                    #expect(got?.task == heads.first?.task, "seed \(seed) \(attribute) worker \(record.worker.id)")
                }
            }
        }
    }

    /// Every line head worker `id` may take at `now`, best first, judged head by head from the
    /// definitions: each head's type and fairness overage, a plain scan of the queue's other
    /// workers for one within the bound, and the fit from ``referenceNet(_:value:costPerHour:settings:slack:)``.
    static func reference(
        _ state: WorkspaceState, worker id: WorkerID, now: Date, coverage: inout Coverage
    ) -> [Judged] {
        guard let number = state.workerIndex[id], state.hot[number].available else { return [] }
        let hot = state.hot[number]
        let weights = state.settings.routingPolicy.parameters.weights
        let settings = state.settings.predictive
        let idle = WorkspaceState.idle(hot, now: now.timeIntervalSinceReferenceDate)
        var admitted: [Judged] = []
        // The heads the guardrail asked about, for the coverage of what the decision remembers.
        var asked: [(line: [Int], type: String, rank: Double, queuedAt: Date, ordering: Double, refused: Bool,
            alternative: TimeInterval?)] = []
        var overages: [String: FairnessLedger.Overage?] = [:]
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
                    let terms = WorkspaceState.taskTerms(
                        queue: record.queue, priority: level + 1, queuedAt: entry.queuedAt, now: now, weights: weights)
                    let ordering = WorkspaceState.predictiveTotal(terms, fit: 0, idle: idle, weights)
                    let overage = state.fairnessOverage(number, type: type)
                    overages[typeName] = .some(overage)
                    var waived = false
                    if let overage {
                        // Every other worker of the queue, in the queue's order: the first who
                        // qualifies, with the wait after which they do.
                        let other = record.eligible.first { other in
                            let worker = state.hot[other.worker]
                            return other.worker != number && worker.available
                                && (worker.serving < 0 || worker.serving == Int32(eligibility.queue))
                                && worker.hasCapacity(on: channel)
                                && (other.delay <= 0 || task.queuedAt + other.delay <= now)
                                && !task.declinedBy.contains(state.workers[other.worker].worker.id)
                                && (state.fairnessOverage(other.worker, type: type).map { $0.waiverRank < overage.waiverRank } ?? true)
                        }
                        asked.append((
                            [eligibility.queue, channel], typeName, overage.waiverRank, task.queuedAt, ordering,
                            !task.declinedBy.isEmpty, other.map(\.delay)))
                        if let other, other.delay > 0 { coverage.delayedAlternative += 1 }
                        if other != nil {
                            coverage.passedOver += 1
                            continue
                        }
                        coverage.waived += 1
                        waived = true
                    }
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
                    admitted.append(Judged(
                        task: entry.task, score: ordering + weights.skillFit * fit, ordering: ordering, waived: waived))
                }
            }
        }
        // In the decision's order of looking (best ordering first), the heads whose right answer
        // differs from one a remembered answer for an earlier head of the same line, type and
        // rank would give if it ignored the wait.
        let order = asked.indices.sorted { asked[$0].ordering > asked[$1].ordering }
        for (place, index) in order.enumerated() where !asked[index].refused {
            let head = asked[index]
            let earlier = order[..<place].map { asked[$0] }.filter {
                !$0.refused && $0.line == head.line && $0.type == head.type && $0.rank == head.rank
            }
            if head.alternative != nil, earlier.contains(where: { $0.alternative == nil && $0.queuedAt > head.queuedAt }) {
                coverage.foundAfterYoungerNone += 1
            }
            if head.alternative == nil, earlier.contains(where: { ($0.alternative ?? 0) > 0 }) {
                coverage.noneAfterDelayedFound += 1
            }
        }
        let judgements = overages.values
        if judgements.contains(where: { $0 == nil }), judgements.contains(where: { $0 != nil }) { coverage.mixedOverage += 1 }
        if Set(judgements.compactMap { $0?.waiverRank }).count > 1 { coverage.mixedRank += 1 }
        // Best score first; among equal scores the better ordering, then the head met first.
        return admitted.enumerated().sorted { a, b in
            if a.element.score != b.element.score { return a.element.score > b.element.score }
            if a.element.ordering != b.element.ordering { return a.element.ordering > b.element.ordering }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// A desk of three queues on two channels — two with a skill requirement that relaxes after a
    /// wait (one in two stages), one open to all — ten workers in two teams, a prediction table
    /// of four types (one of them hard) that leaves some workers and the untyped tasks without
    /// predictions, and a history of visits that loads a few experts far more than the rest:
    /// those are over the fairness bound for some types and within it for others, and whether
    /// another free worker within the bound can take a head often depends on how long it has
    /// waited, since the lighter workers mostly qualify for the skilled queues only after a
    /// relaxation delay. Then tasks waiting — a few declined, each queue mostly of one type, so
    /// that several heads of a line share a type — with some workers holding a task, every
    /// worker away, and some of them back without routing anything.
    static func randomDesk(_ random: inout SeededGenerator) throws -> TestWorkspace {
        var ws = TestWorkspace(policy: .predictive)
        var settings = ws.settings
        settings.explainedCandidates = Int.random(in: 2...10, using: &random)
        settings.predictive.fairnessMinimum = 4
        settings.predictive.fairnessBound = Double.random(in: 0.1...0.4, using: &random)
        try ws.run(.configure(settings))
        // Long service-level windows: a head's ordering then grows slowly with its wait, so that
        // a younger head of higher priority is often judged before an older one of the same line.
        let first = Double.random(in: 60...360, using: &random)
        let second = Double.random(in: 60...240, using: &random)
        try ws.queue(
            "q0", priority: 3, within: 1800, requirement: Requirement(skills: ["s0": 6]),
            relaxation: [RelaxationStage(after: first, requirement: Requirement(skills: ["s0": 2]))])
        try ws.queue(
            "q1", priority: 5, within: 2400, requirement: Requirement(skills: ["s1": 7]),
            relaxation: [
                RelaxationStage(after: second, requirement: Requirement(skills: ["s1": 5])),
                RelaxationStage(after: second + Double.random(in: 60...240, using: &random), requirement: Requirement(skills: ["s1": 2])),
            ])
        try ws.queue("q2", priority: 7, within: 600)
        for (flow, queue) in [("f0", "q0"), ("f1", "q1"), ("f2", "q2")] as [(WorkflowID, QueueID)] {
            try ws.simpleWorkflow(flow, queue: queue, ownership: ownership(window: Double.random(in: 300...3600, using: &random)))
        }
        let channels: [Channel] = ["chat", "email"]
        let ids = (0..<10).map { WorkerID("w\($0)") }
        // The experts: skilled enough for the skilled queues at once, and the ones the history loads.
        let experts = Array(ids.shuffled(using: &random).prefix(Int.random(in: 2...4, using: &random)))
        for (index, id) in ids.enumerated() {
            let skills = experts.contains(id) ? 5...9 : 1...6
            try ws.run(.registerWorker(Worker(
                id: id, skills: ["s0": Int.random(in: skills, using: &random), "s1": Int.random(in: skills, using: &random)],
                channels: ["chat": Int.random(in: 1...2, using: &random), "email": 1], team: "t\(index % 2)",
                costPerHour: Double.random(in: 20...60, using: &random), status: .away)))
        }
        let types = ["a", "b", "c", "h"]
        var table = PredictionTable(models: ["handling-time": 1, "resolution": 1])
        for (type, mean) in zip(types, [200.0, 400, 600, 1800]) {
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
        // History: each visit with one worker alone on the floor, the experts far more often.
        var available: WorkerID?
        for number in 0..<40 {
            let worker =
                Double.random(in: 0..<1, using: &random) < 0.6
                ? experts.randomElement(using: &random)! : ids.randomElement(using: &random)!
            if available != worker {
                if let available { try ws.run(.setWorkerStatus(available, .away)) }
                try ws.run(.setWorkerStatus(worker, .available))
                available = worker
            }
            let type = types.randomElement(using: &random)!
            let task = try ws.create("f2", id: TaskID("H\(number)"), channel: "chat", attributes: ["type": .string(type)])
            try ws.accept(task)
            ws.advance(Double.random(in: 100...1200, using: &random))
            try ws.complete(task)
        }
        if let available { try ws.run(.setWorkerStatus(available, .away)) }
        // Waiting tasks, a few seconds apart, each queue mostly of one type, some without a type
        // in the table or with a value.
        let mostly = (0..<3).map { _ in types.randomElement(using: &random)! }
        for number in 0..<70 {
            let queue = Int.random(in: 0..<3, using: &random)
            var attributes: [String: JSONValue] = [:]
            let kind = Int.random(in: 0..<8, using: &random)
            if kind < 4 {
                attributes["type"] = .string(mostly[queue])
            } else if kind < 7 {
                attributes["type"] = .string(types.randomElement(using: &random)!)
            }
            if Bool.random(using: &random) { attributes["value"] = .number(Double.random(in: 0...300, using: &random)) }
            try ws.create(
                ["f0", "f1", "f2"][queue], id: TaskID("T\(number)"),
                priority: Int.random(in: 1...9, using: &random), channel: channels.randomElement(using: &random)!,
                attributes: .object(attributes))
            ws.advance(Double.random(in: 1...10, using: &random))
        }
        // Refusals: a worker back on the floor is offered a task and rejects it.
        for id in ids.shuffled(using: &random).prefix(4) {
            try ws.run(.setWorkerStatus(id, .available))
            for task in ws.state.tasks.keys.sorted() where ws.offeredTo(task) == id {
                try ws.run(.rejectOffer(task, worker: id))
            }
            try ws.run(.setWorkerStatus(id, .away))
        }
        // A few take a task and keep it: full on its channel, and a visit under way in the ledger.
        for id in ids.shuffled(using: &random).prefix(Int.random(in: 1...3, using: &random)) {
            try ws.run(.setWorkerStatus(id, .available))
            for task in ws.state.tasks.keys.sorted() where ws.offeredTo(task) == id {
                try ws.run(.acceptOffer(task, worker: id))
            }
            try ws.run(.setWorkerStatus(id, .away))
        }
        // Back without routing, so that every task waits and each decision sees them all; some
        // desks with most workers back, others with few, so that another free worker within the
        // bound is sometimes there and sometimes not.
        let share = Double.random(in: 0.4...0.9, using: &random)
        for id in ids where Double.random(in: 0..<1, using: &random) < share {
            ws.state.evolve(Event(time: ws.now, actor: "test", payload: .workerStatusChanged(worker: id, status: .available)))
        }
        return ws
    }
}
