import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Predictive routing")
struct PredictiveRoutingTests {
    /// ana: 240 s, 95% at 40/h; bo: 600 s, 90% at 30/h; cy: 200 s, 60% at 20/h. With a task worth
    /// 100 and a customer's hour at 30: ana 95 − 2.667 − 2.1 = 90.233, bo 90 − 5 − 5.5 = 79.5,
    /// cy 60 − 1.111 − 2.333 = 56.556.
    @Test("the worker with the best expected net value gets the task, and the decision shows every term and the model versions")
    func bestNetValueWins() throws {
        var ws = TestWorkspace(policy: .predictive)
        try ws.desk()
        try ws.paidWorker("cy", cost: 20)
        try ws.paidWorker("bo", cost: 30)
        try ws.paidWorker("ana", cost: 40)
        let table = deskTable()
        try ws.run(.publishPredictions(table))
        let events = try ws.run(.createTask(NewTask(id: "T1", workflow: "support", attributes: ["type": "billing"])))
        let offer = try #require(events.offers.first)
        #expect(offer.worker == "ana")

        let expected: [(String, Double)] = [
            ("ana", referenceNet(table.prediction(taskType: "billing", worker: "ana")!, value: 100, costPerHour: 40)),
            ("bo", referenceNet(table.prediction(taskType: "billing", worker: "bo")!, value: 100, costPerHour: 30)),
            ("cy", referenceNet(table.prediction(taskType: "billing", worker: "cy")!, value: 100, costPerHour: 20)),
        ]
        #expect(abs(expected[0].1 - 90.2333) < 0.001)
        let decision = offer.decision
        #expect(decision.policy == "predictive")
        #expect(decision.models == ["handling-time": 3, "resolution": 2])
        #expect(decision.candidates.map(\.id) == ["ana", "bo", "cy"])
        for (id, net) in expected {
            let candidate = try #require(decision.candidate(id))
            #expect(abs((candidate.term("netValue")?.value ?? .nan) - net) < 1e-9)
            #expect(abs((candidate.term("predictedFit")?.value ?? .nan) - (0.5 + net / 200)) < 1e-9)
            let prediction = table.prediction(taskType: "billing", worker: WorkerID(id))!
            #expect(candidate.term("handlingTime")?.value == prediction.handlingTime)
            #expect(candidate.term("resolution")?.value == prediction.resolution)
            #expect(candidate.term("expectedValue")?.value == prediction.resolution * 100)
            // The terms that carry weight add up to the score.
            let total = candidate.terms.reduce(0) { $0 + $1.contribution }
            #expect(abs(total - candidate.score) < 1e-9)
            #expect(candidate.term("taskAge") != nil && candidate.term("queuePriority") != nil)
        }
        let why = try #require(decision.runnerUpLost)
        #expect(why.hasPrefix("bo scored"))
        #expect(why.contains("mostly on predictedFit"))
        #expect(why.contains("expected net value 79.500 against 90.233"))
        #expect(decision.notes.first == "task T1: type billing, value 100.000 (default)")
    }

    @Test("a task's value and type come from its attributes; a valuable task weighs resolution more")
    func valueAttributeChangesTheChoice() throws {
        // Worth 100, ana (90.233) beats bo; worth 10, resolution matters less than cost:
        // ana 9.5 − 2.667 − 2.1 = 4.733, cy 6 − 1.111 − 2.333 = 2.556, bo 9 − 5 − 5.5 = −1.5.
        var ws = TestWorkspace(policy: .predictive)
        try ws.desk()
        try ws.paidWorker("bo", cost: 30)
        try ws.paidWorker("cy", cost: 20)
        var table = deskTable()
        table.set(Prediction(handlingTime: 100, handlingTimeUpper: 200, resolution: 0.9), taskType: "support", worker: "bo")
        try ws.run(.publishPredictions(table))
        let cheap = try #require(try ws.run(.createTask(NewTask(
            id: "T1", workflow: "support", attributes: ["type": "billing", "value": 10]))).offers.first)
        // bo −1.5 against cy 2.556: cy wins the cheap task.
        #expect(cheap.worker == "cy")
        #expect(cheap.decision.notes.first == "task T1: type billing, value 10.000")
        // No type attribute: the workflow id names the type, where bo has his own prediction.
        let untyped = try #require(try ws.run(.createTask(NewTask(id: "T2", workflow: "support"))).offers.first)
        #expect(untyped.worker == "bo")
        #expect(untyped.decision.notes.first?.hasPrefix("task T2: type support") == true)
    }

    @Test("a pair without a prediction falls back to the skill fit, and the decision says so")
    func fallsBackToSkillFit() throws {
        var ws = TestWorkspace(policy: .predictive)
        try ws.desk(requirement: Requirement(skills: ["billing": 1]))
        try ws.paidWorker("lo", cost: 10, skills: ["billing": 2])
        try ws.paidWorker("hi", cost: 10, skills: ["billing": 9])
        // Before any table: skill fit decides, and the note says no predictions were published.
        let first = try #require(try ws.run(.createTask(NewTask(id: "T1", workflow: "support", attributes: ["type": "billing"]))).offers.first)
        #expect(first.worker == "hi")
        #expect(first.decision.notes.first?.contains("no predictions published, skill fit used") == true)
        #expect(first.decision.candidate("hi")?.term("skillFit") != nil)
        #expect(first.decision.candidate("hi")?.term("predictedFit") == nil)
        #expect(first.decision.models.isEmpty)

        // A table for another type: this type still falls back, now under the table's models.
        var table = PredictionTable(models: ["handling-time": 7])
        table.set(Prediction(handlingTime: 60, handlingTimeUpper: 90, resolution: 0.99), taskType: "other")
        try ws.run(.publishPredictions(table))
        let second = try #require(try ws.run(.createTask(NewTask(id: "T2", workflow: "support", attributes: ["type": "billing"]))).offers.first)
        #expect(second.worker == "lo")
        #expect(second.decision.notes.first?.contains("no predictions for this type, skill fit used") == true)
        #expect(second.decision.models == ["handling-time": 7])

        // A prediction for lo only, and none for everyone: hi falls back and is named.
        table.set(Prediction(handlingTime: 60, handlingTimeUpper: 90, resolution: 0.99), taskType: "billing", worker: "lo")
        try ws.run(.publishPredictions(table))
        for task: TaskID in ["T1", "T2"] {
            try ws.accept(task)
            try ws.complete(task)
        }
        let third = try #require(try ws.run(.createTask(NewTask(id: "T3", workflow: "support", attributes: ["type": "billing"]))).offers.first)
        // lo: 99 − 0.167 − 0.505 = 98.328 → fit 0.992 against hi's skill fit 0.9.
        #expect(third.worker == "lo")
        #expect(third.decision.notes.contains("no prediction for hi on billing: skill fit used in place of the predicted fit"))
        #expect(third.decision.candidate("hi")?.term("skillFit")?.value == 0.9)
        #expect(third.decision.runnerUpLost?.contains("hi was scored by skill fit, having no prediction") == true)
    }

    @Test("the risk of missing the step's promise is judged from the upper quantile")
    func promiseRisk() throws {
        // Window 600 s, task just entered: bo's mean 600 s equals the slack, so his miss chance is
        // one half exactly; ana's p90 420 s leaves a 0.9+ chance of making it.
        var ws = TestWorkspace(policy: .predictive)
        try ws.desk(window: 600)
        try ws.paidWorker("bo", cost: 30)
        try ws.paidWorker("ana", cost: 40)
        let table = deskTable()
        try ws.run(.publishPredictions(table))
        let offer = try #require(try ws.run(.createTask(NewTask(id: "T1", workflow: "support", attributes: ["type": "billing"]))).offers.first)
        let bo = try #require(offer.decision.candidate("bo"))
        #expect(abs((bo.term("missChance")?.value ?? .nan) - 0.5) < 1e-12)
        #expect(abs((bo.term("promiseRisk")?.value ?? .nan) - 25) < 1e-9)
        let ana = try #require(offer.decision.candidate("ana"))
        let expected = referenceNet(table.prediction(taskType: "billing", worker: "ana")!, value: 100, costPerHour: 40, slack: 600)
        #expect(abs((ana.term("netValue")?.value ?? .nan) - expected) < 1e-9)
        #expect((ana.term("missChance")?.value ?? 1) < 0.01)
    }

    @Test("a freed worker takes the waiting task it fits best when the ordering terms are equal")
    func freedWorkerChoosesByFit() throws {
        var ws = TestWorkspace(policy: .predictive)
        try ws.queue("billing")
        try ws.queue("fraud")
        try ws.simpleWorkflow("support", queue: "billing")
        try ws.simpleWorkflow("cases", queue: "fraud")
        try ws.paidWorker("ana", cost: 40)
        var table = deskTable()
        table.set(Prediction(handlingTime: 3000, handlingTimeUpper: 6000, resolution: 0.3), taskType: "fraud", worker: "ana")
        try ws.run(.publishPredictions(table))
        try ws.create("support", id: "busy", attributes: ["type": "billing"])
        try ws.accept("busy")
        // Both arrive at the same moment into queues of equal priority.
        try ws.create("cases", id: "F", attributes: ["type": "fraud"])
        try ws.create("support", id: "B", attributes: ["type": "billing"])
        ws.advance(60)
        let offer = try #require(try ws.complete("busy").offers.first)
        #expect(offer.task == "B")
        #expect(offer.decision.direction == .workerToTask)
        #expect(offer.decision.candidates.map(\.id) == ["B", "F"])
        #expect(offer.decision.runnerUpLost?.contains("mostly on predictedFit") == true)
        #expect(offer.decision.models == ["handling-time": 3, "resolution": 2])
    }

    @Test("under a flood of urgent, well-fitting work, a low-priority task the worker fits badly is served within the stated 35-minute bound")
    func agingBoundHoldsWithPredictions() throws {
        let bound = RoutingPolicyKind.predictive.policy.weights.agingBound
        #expect(bound == 2100)
        var ws = TestWorkspace(policy: .predictive)
        try ws.desk(window: 600)
        try ws.paidWorker("w", cost: 60)
        var table = PredictionTable(models: ["handling-time": 1])
        table.set(Prediction(handlingTime: 30, handlingTimeUpper: 40, resolution: 1), taskType: "easy")
        // The worst fit there is: a long, costly, unresolved task that misses its promise.
        table.set(Prediction(handlingTime: 30_000, handlingTimeUpper: 60_000, resolution: 0), taskType: "hard")
        try ws.run(.publishPredictions(table))
        var created: [TaskID: TimeInterval] = [:]
        var served: [TaskID] = []
        var holding: (task: TaskID, doneAt: TimeInterval)?
        func take(_ events: [Event], at time: TimeInterval) throws {
            for offer in events.offers {
                served.append(offer.task)
                try ws.run(.acceptOffer(offer.task, worker: offer.worker))
                holding = (offer.task, time + 30)
            }
        }
        var number = 0
        var time = -600.0
        while time <= bound + 900 {
            ws.now = t0 + time
            if let current = holding, current.doneAt <= time {
                holding = nil
                try take(try ws.complete(current.task), at: time)
            }
            if time == 0 {
                created["X"] = 0
                try take(try ws.run(.createTask(NewTask(id: "X", workflow: "support", priority: 9, attributes: ["type": "hard"]))), at: time)
            }
            if Int(time) % 20 == 0 {
                number += 1
                let id = TaskID("P\(number)")
                created[id] = time
                try take(try ws.run(.createTask(NewTask(id: id, workflow: "support", priority: 1, attributes: ["type": "easy"]))), at: time)
            }
            time += 10
        }
        let position = try #require(served.firstIndex(of: "X"))
        let before = served[..<position]
        #expect(before.contains { created[$0]! > 0 }, "the flood never overtook X")
        for task in before {
            #expect(created[task]! <= bound, "\(task) arrived \(created[task]!) s after X yet was served first")
        }
    }

    @Test("a freed worker's line heads come off the heap in the order a stable descending sort gives, ties by position")
    func descendingOrderMatchesSort() {
        var random = SeededGenerator(seed: 11)
        for _ in 0..<300 {
            let count = Int.random(in: 0...60, using: &random)
            // Few distinct keys, so that ties are common.
            let keys = (0..<count).map { _ in Double(Int.random(in: 0...6, using: &random)) / 4 }
            let sorted = keys.indices.sorted { (keys[$0], $1) > (keys[$1], $0) }
            var order = DescendingOrder(keys)
            var taken: [Int] = []
            while let index = order.next() { taken.append(index) }
            #expect(taken == sorted, "\(keys)")
            // Stopping early gives the same first few.
            var partial = DescendingOrder(keys)
            let first = (0..<min(3, count)).compactMap { _ in partial.next() }
            #expect(first == Array(sorted.prefix(3)))
        }
    }

    @Test("publishing a table is one event that routes nothing, encodes as JSON and replays to the same state")
    func publishingIsAnEvent() throws {
        var ws = TestWorkspace(policy: .predictive)
        try ws.desk()
        try ws.paidWorker("ana", cost: 40)
        try ws.create("support", id: "busy", attributes: ["type": "billing"])
        try ws.create("support", id: "waiting", attributes: ["type": "billing"])
        try ws.accept("busy")
        let before = ws.state.tasks
        let events = try ws.run(.publishPredictions(deskTable()))
        #expect(events.types == ["PredictionsPublished"])
        #expect(ws.state.tasks == before)
        #expect(ws.state.predictions == deskTable())

        let encoded = try JSONEncoder().encode(events[0])
        #expect(try JSONDecoder().decode(Event.self, from: encoded) == events[0])
        ws.advance(30)
        try ws.complete("busy")
        try ws.accept("waiting")
        let replayed = WorkspaceState.fold(ws.log, settings: ws.settings)
        #expect(replayed == ws.state)
        #expect(replayed.predictions == deskTable())
        #expect(replayed.fairnessShares() == ws.state.fairnessShares())
        #expect(ws.state.fairnessShares().first?.assignments == 1)
    }

    @Test("a table with an unusable prediction is refused, naming it")
    func badTableRefused() throws {
        var ws = TestWorkspace(policy: .predictive)
        var table = deskTable()
        table.set(Prediction(handlingTime: 100, handlingTimeUpper: 200, resolution: 1.5), taskType: "billing", worker: "bo")
        let error = try ws.refusal(.publishPredictions(table))
        #expect(error.code == .invalid)
        #expect(error.field == "types.billing.workers.bo")
        table.set(Prediction(handlingTime: 100, handlingTimeUpper: 50, resolution: 0.5), taskType: "billing", worker: "bo")
        #expect(try ws.refusal(.publishPredictions(table)).message.contains("below the mean"))
    }

    @Test("settings recorded before the prediction policies read with their defaults; partial ones keep what they give")
    func settingsStayCompatible() throws {
        let old = #"{"routingPolicy":"skill-score","explainedCandidates":3,"exceptionDue":600}"#
        let settings = try JSONDecoder().decode(WorkspaceState.Settings.self, from: Data(old.utf8))
        #expect(settings.explainedCandidates == 3)
        #expect(settings.predictive == PredictiveSettings())
        let partial = #"{"routingPolicy":"optimal-batch","explainedCandidates":3,"exceptionDue":600,"predictive":{"fairnessBound":0.25,"batchInterval":5}}"#
        let newer = try JSONDecoder().decode(WorkspaceState.Settings.self, from: Data(partial.utf8))
        #expect(newer.routingPolicy == .optimalBatch)
        #expect(newer.predictive.fairnessBound == 0.25)
        #expect(newer.predictive.batchInterval == 5)
        #expect(newer.predictive.typeAttribute == "type")
        let again = try JSONDecoder().decode(WorkspaceState.Settings.self, from: JSONEncoder().encode(newer))
        #expect(again == newer)

        var ws = TestWorkspace(policy: .predictive)
        var bad = ws.settings
        bad.predictive.fairnessBound = -1
        #expect(try ws.refusal(.configure(bad)).field == "predictive.fairness_bound")
    }
}
