import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Optimal-batch routing")
struct OptimalBatchTests {
    /// The best assignment of a batch by brute force: every way of giving each task one column
    /// with a free place, or none; best by most tasks, then fewest penalty units over the fairness
    /// bound (a pair over it counts 1, and 1 more per tenth of the team's mean share a hard-task
    /// share would be over), then highest total score.
    struct Best {
        var assigned: Int
        var over: Int
        var score: Double

        func beats(_ other: Best) -> Bool {
            if assigned != other.assigned { return assigned > other.assigned }
            if over != other.over { return over < other.over }
            return score > other.score + 1e-9
        }
    }

    static func bruteForce(_ batch: BatchAssignment, forbidding pair: (row: Int, column: Int)? = nil) -> Best {
        let free = batch.columns.map(\.free)
        var capacity = free
        var best = Best(assigned: 0, over: 0, score: 0)
        func place(_ row: Int, _ current: Best) {
            if row == batch.rows.count {
                if current.beats(best) { best = current }
                return
            }
            place(row + 1, current)
            for column in 0..<batch.columnCount where capacity[column] > 0 {
                if let pair, pair.row == row, pair.column == column { continue }
                guard let score = batch.score(row: row, column: column) else { continue }
                capacity[column] -= 1
                place(row + 1, Best(
                    assigned: current.assigned + 1, over: current.over + batch.penaltyUnits(row: row, column: column),
                    score: current.score + score))
                capacity[column] += 1
            }
        }
        place(0, best)
        return best
    }

    /// A random desk: two queues with skill requirements, 2–4 workers with random skills, costs,
    /// capacities and status, a table with gaps, and 1–6 tasks of random type, priority and age.
    static func randomDesk(seed: UInt64) throws -> TestWorkspace {
        var random = SeededGenerator(seed: seed)
        var ws = TestWorkspace(policy: .optimalBatch)
        var settings = ws.settings
        settings.predictive.batchInterval = 30
        try ws.run(.configure(settings))
        try ws.queue("billing", priority: Int.random(in: 1...9, using: &random), requirement: Requirement(skills: ["billing": 3]))
        try ws.queue("fraud", priority: Int.random(in: 1...9, using: &random), requirement: Requirement(skills: ["fraud": 3]))
        try ws.simpleWorkflow("support", queue: "billing", ownership: ownership(window: Double.random(in: 300...3000, using: &random)))
        try ws.simpleWorkflow("cases", queue: "fraud")
        var table = PredictionTable(models: ["handling-time": Int(seed % 7) + 1])
        let workerCount = Int.random(in: 2...4, using: &random)
        for number in 0..<workerCount {
            let id = WorkerID("w\(number)")
            try ws.run(.registerWorker(Worker(
                id: id, skills: ["billing": Int.random(in: 0...10, using: &random), "fraud": Int.random(in: 0...10, using: &random)],
                channels: [.default: Int.random(in: 1...2, using: &random)], team: "desk",
                costPerHour: Double.random(in: 10...80, using: &random),
                status: Double.random(in: 0..<1, using: &random) < 0.2 ? .away : .available)))
            for type in ["billing", "fraud"] where Double.random(in: 0..<1, using: &random) < 0.7 {
                let mean = Double.random(in: 60...1800, using: &random)
                table.set(
                    Prediction(
                        handlingTime: mean, handlingTimeUpper: mean * Double.random(in: 1...3, using: &random),
                        resolution: Double.random(in: 0.3...1, using: &random)),
                    taskType: type, worker: id)
            }
        }
        table.set(Prediction(handlingTime: 400, handlingTimeUpper: 900, resolution: 0.8), taskType: "billing")
        try ws.run(.publishPredictions(table))
        let taskCount = Int.random(in: 1...6, using: &random)
        for number in 0..<taskCount {
            ws.advance(Double.random(in: 0...400, using: &random))
            let fraud = Bool.random(using: &random)
            try ws.run(.createTask(NewTask(
                id: TaskID("T\(number)"), workflow: fraud ? "cases" : "support", priority: Int.random(in: 1...9, using: &random),
                attributes: [
                    "type": .string(fraud ? "fraud" : "billing"), "value": .number(Double.random(in: 20...200, using: &random)),
                ])))
        }
        ws.advance(Double.random(in: 0...600, using: &random))
        return ws
    }

    @Test("the batch equals the best assignment by brute force, and each 'costs X more' equals brute force without the pair", arguments: 0..<60)
    func matchesBruteForce(seed: Int) throws {
        var ws = try Self.randomDesk(seed: UInt64(seed) &* 0x9E37_79B9 &+ 11)
        #expect(ws.log.offers.isEmpty, "with a 30 s interval nothing is routed before routeWaiting")
        let batch = ws.state.batchAssignment(now: ws.now)
        let best = Self.bruteForce(batch)
        let offers = try ws.run(.routeWaiting).offers
        #expect(offers.count == best.assigned)
        let total = offers.reduce(0) { $0 + ($1.decision.candidates.first?.score ?? .nan) }
        #expect(abs(total - best.score) < 1e-9, "seed \(seed): batch \(total), brute force \(best.score)")
        for offer in offers {
            #expect(offer.decision.policy == "optimal-batch")
            #expect(offer.decision.candidates.first?.id == offer.worker.rawValue)
            let row = try #require(batch.rows.firstIndex { $0.task == offer.task })
            let column = try #require((0..<batch.columnCount).first {
                batch.score(row: row, column: $0) == offer.decision.candidates.first?.score
                    && ws.state.workers[batch.columns[$0].worker].worker.id == offer.worker
            })
            let without = Self.bruteForce(batch, forbidding: (row, column))
            let note = try #require(offer.decision.notes.first { $0.hasPrefix("batch:") })
            if without.assigned < best.assigned {
                #expect(note.contains("without this pairing one task fewer could be served now"))
            } else {
                let figure = try #require(Self.extraCost(in: note), "no figure in \(note)")
                #expect(abs(figure - (best.score - without.score)) < 0.0006, "seed \(seed): \(note) against \(best.score - without.score)")
            }
        }
    }

    static func extraCost(in note: String) -> Double? {
        guard let range = note.range(of: "without this pairing costs ") else { return nil }
        let rest = note[range.upperBound...]
        return Double(rest.prefix { $0 == "-" || $0 == "." || $0.isNumber })
    }

    @Test("with an interval, tasks wait for routeWaiting; with none, the batch runs whenever routing would")
    func cadence() throws {
        var ws = TestWorkspace(policy: .optimalBatch)
        var settings = ws.settings
        settings.predictive.batchInterval = 10
        try ws.run(.configure(settings))
        try ws.desk()
        try ws.paidWorker("ana", cost: 40)
        try ws.paidWorker("bo", cost: 30)
        try ws.run(.publishPredictions(deskTable()))
        for number in 1...3 {
            ws.advance(5)
            #expect(try ws.run(.createTask(NewTask(id: TaskID("T\(number)"), workflow: "support", attributes: ["type": "billing"]))).offers.isEmpty)
        }
        let routed = try ws.run(.routeWaiting)
        #expect(routed.types == ["TaskRouted", "TaskRouted"])
        #expect(Set(routed.offers.map(\.worker)) == ["ana", "bo"])
        #expect(ws.state.queues[0].waitingCount == 1)

        settings.predictive.batchInterval = 0
        try ws.run(.configure(settings))
        try ws.accept("T1")
        ws.advance(60)
        // A freed worker runs the batch at once.
        let freed = try ws.complete("T1")
        #expect(freed.offers.map(\.task) == ["T3"])
        #expect(freed.offers.first?.decision.runnerUpLost?.contains("the best assignment without this pairing") == true
            || freed.offers.first?.decision.runnerUpLost?.contains("fewer could be served") == true)
    }

    @Test("when capacity is short, the older of two equal tasks is served")
    func olderTaskPreferred() throws {
        var ws = TestWorkspace(policy: .optimalBatch)
        var settings = ws.settings
        settings.predictive.batchInterval = 10
        try ws.run(.configure(settings))
        try ws.desk()
        try ws.paidWorker("ana", cost: 40)
        try ws.run(.publishPredictions(deskTable()))
        try ws.create("support", id: "old", attributes: ["type": "billing"])
        ws.advance(120)
        try ws.create("support", id: "new", attributes: ["type": "billing"])
        let offers = try ws.run(.routeWaiting).offers
        #expect(offers.map(\.task) == ["old"])
        #expect(offers.first?.decision.notes.contains { $0.hasPrefix("batch: 1 of 2 waiting tasks assigned at once to 1 free places") } == true)
        #expect(offers.first?.decision.models == ["handling-time": 3, "resolution": 2])
    }

    @Test("a batch gives a worker over the fairness bound only what no one else can take")
    func batchRespectsFairness() throws {
        var ws = TestWorkspace(policy: .optimalBatch)
        var settings = ws.settings
        settings.predictive.batchInterval = 10
        settings.predictive.fairnessMinimum = 3
        try ws.run(.configure(settings))
        try ws.desk()
        try ws.paidWorker("ana", cost: 40)
        try ws.paidWorker("bo", cost: 30)
        try ws.run(.publishPredictions(deskTable()))
        // ana six tasks of 240 s, bo one of 600 s: one more (judged at ana's upper 420 s) would make
        // her share (1440 + 420) / (2040 + 420) = 0.756 against ½, 51% over; bo's (600 + 1200) /
        // (2040 + 1200) = 0.556, within.
        for number in 1...6 {
            try ws.create("support", id: TaskID("A\(number)"), attributes: ["type": "billing"])
            try ws.set(["bo"], .away)
            let offers = try ws.run(.routeWaiting).offers
            #expect(offers.map(\.worker) == ["ana"])
            try ws.accept(offers[0].task)
            ws.advance(240)
            try ws.complete(offers[0].task)
            try ws.set(["bo"], .available)
        }
        try ws.create("support", id: "B1", attributes: ["type": "billing"])
        try ws.set(["ana"], .away)
        try ws.accept(try #require(try ws.run(.routeWaiting).offers.first).task)
        ws.advance(600)
        try ws.complete("B1")
        try ws.set(["ana"], .available)
        #expect(ws.state.fairnessShares().first { $0.worker == "ana" }?.overBound == true)
        // Two tasks, both free: either would take ana over, so bo takes one and ana only the one he cannot.
        try ws.create("support", id: "X", attributes: ["type": "billing"])
        try ws.create("support", id: "Y", attributes: ["type": "billing"])
        let offers = try ws.run(.routeWaiting).offers
        #expect(offers.count == 2)
        let toAna = try #require(offers.first { $0.worker == "ana" })
        #expect(toAna.decision.notes.contains { $0.hasPrefix("fairness waived: ana fairness: load share would be 51% over") })
        let toBo = try #require(offers.first { $0.worker == "bo" })
        #expect(toBo.decision.excluded.contains { $0.rule == "fairness: load share would be 51% over the team's" && $0.examples == ["ana"] })
    }
}
