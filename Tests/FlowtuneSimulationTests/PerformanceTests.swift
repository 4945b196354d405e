import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneSimulation

/// A desk of two task types and two teams whose workers are each fast at one type and slow at
/// the other — something their declared skills do not show — used by the performance and
/// learning tests.
enum LearningDesk {
    static let types = ["a", "b"]

    /// Workers w0…w(n−1); the first half (team red) takes `fast` of the time on a and `slow` on b,
    /// the second half (team blue) the reverse. Every visit is resolved with `resolution`.
    static func scenario(
        workers: Int = 8, fast: Double = 0.5, slow: Double = 1.6, resolution: Double = 0.9, perHour: Double = 66,
        horizon: Double = 3 * 3600, warmUp: Double = 1800, replications: Int = 3, learning: LearningSettings? = nil,
        seed: UInt64 = 5
    ) -> Scenario {
        let ownership = OwnershipRule(sourceSystem: "desk", decisionOwner: "lead", responseWindow: 86_400)
        let queues = types.map {
            Queue(id: QueueID($0), serviceLevel: ServiceLevelTarget(percent: 80, within: 600), offerTimeout: 1_000_000)
        }
        let workflows = types.map { Workflow(id: WorkflowID($0), steps: [Step(id: "work", queue: QueueID($0), ownership: ownership)]) }
        let people = (0..<workers).map { Worker(id: WorkerID("w\($0)"), team: $0 < workers / 2 ? "red" : "blue", costPerHour: 30) }
        var truth = PerformanceTruth()
        for (index, worker) in people.enumerated() {
            let first = index < workers / 2
            truth.workers[worker.id] = [
                "a": WorkerPerformance(speed: first ? fast : slow, resolution: resolution),
                "b": WorkerPerformance(speed: first ? slow : fast, resolution: resolution),
            ]
        }
        let taskTypes = types.map { name in
            TaskType(
                name: name, request: NewTask(workflow: WorkflowID(name)), arrivals: .constant(perSecond: perHour / 2 / 3600),
                steps: ["work": StepProfile(handling: .lognormal(mean: 300, cv: 0.5))])
        }
        return Scenario(
            name: "learning desk (small)", definition: WorkspaceDefinition(queues: queues, workers: people, workflows: workflows),
            horizon: horizon, warmUp: warmUp, drain: 4 * 3600, replications: replications, seed: seed, taskTypes: taskTypes,
            performance: truth, learning: learning)
    }

    /// The true mean handling time of worker `index` on `type` in ``scenario(workers:fast:slow:resolution:perHour:horizon:warmUp:replications:learning:seed:)``.
    static func trueMean(worker index: Int, type: String, workers: Int = 8, fast: Double = 0.5, slow: Double = 1.6) -> Double {
        let first = index < workers / 2
        return 300 * ((type == "a") == first ? fast : slow)
    }
}

@Suite("Worker performance truth")
struct PerformanceTests {
    static let workspace = """
        queues:
          - { id: desk }
        workers:
          - { id: ana, team: red }
          - { id: bo, team: blue }
        workflows:
          - { id: billing, steps: [{ id: work, queue: desk, ownership: { source_system: s, decision_owner: lead, response_window: 1h } }] }
        """

    static func scenarioText(_ performance: String) -> String {
        """
        simulation:
          horizon: 2h
          task_types:
            - name: billing
              workflow: billing
              arrivals: { rate: 10 }
              steps:
                work: { handling: { distribution: exponential, mean: 5m } }
        \(performance)
        """
    }

    static func load(_ performance: String) throws -> Scenario {
        try Scenario.load([
            DefinitionSource(file: "s.yaml", text: scenarioText(performance)),
            DefinitionSource(file: "ws.yaml", text: workspace),
        ])
    }

    @Test func theTruthAndTheLearningAreReadFromTheScenarioFile() throws {
        let scenario = try Self.load("""
              learning: { refresh: 15m, history: 12 }
              batch_interval: 30s
              performance:
                workers:
                  ana: { billing: { speed: 0.7, resolution: 0.95 } }
                  bo: { billing: { speed: 1.3 } }
                generate:
                  seed: 9
                  types: [billing]
                  speed: { spread: 0.25 }
                  resolution: { mean: 0.8, spread: 0.5 }
                  specialists: { share: 0.3, speed: 0.6, resolution: 0.97, types: [billing] }
            """)
        #expect(scenario.learning == LearningSettings(refresh: 900, history: 12))
        #expect(scenario.batchInterval == 30)
        let truth = try #require(scenario.performance)
        #expect(truth.workers["ana"]?["billing"] == WorkerPerformance(speed: 0.7, resolution: 0.95))
        #expect(truth.generator == PerformanceGenerator(
            seed: 9, speedSpread: 0.25, resolutionMean: 0.8, resolutionSpread: 0.5,
            specialists: .init(share: 0.3, speed: 0.6, resolution: 0.97, types: ["billing"]), types: ["billing"]))
        // A written entry wins over the generator, field by field: bo's speed is written, his
        // resolution drawn.
        let bo = truth.performance(of: "bo", taskType: "billing", taskTypes: ["billing"])
        #expect(bo.speed == 1.3)
        #expect(bo.resolution == truth.generator?.performance(of: "bo", taskType: "billing", taskTypes: ["billing"]).resolution)
        #expect(truth.performance(of: "ana", taskType: "billing", taskTypes: ["billing"]) == WorkerPerformance(speed: 0.7, resolution: 0.95))
    }

    @Test func mistakesAreReportedAtTheirLineAndField() throws {
        let error = try #require(throws: DefinitionError.self) {
            try Self.load("""
                  learning: { history: -1 }
                  performance:
                    workers:
                      anna: { billing: { speed: 0, resolution: 1.5 } }
                      bo: { biling: { sped: 0.8 } }
                    generate:
                      speed: { spred: 0.2 }
                      specialists: { share: 0.3, types: [tech] }
                """)
        }
        let lines = error.issues.map(\.description)
        #expect(lines.contains("s.yaml:9:3: simulation.learning.refresh: missing required field refresh"), "\(lines)")
        #expect(lines.contains("s.yaml:12:33: simulation.performance.workers.anna.billing.speed: must be greater than zero"), "\(lines)")
        #expect(lines.contains(
            "s.yaml:12:48: simulation.performance.workers.anna.billing.resolution: must be a probability between 0 and 1, not 1.5"), "\(lines)")
        #expect(lines.contains("s.yaml:13:23: simulation.performance.workers.bo.biling.sped: unknown field sped (did you mean speed?)"), "\(lines)")
        #expect(lines.contains("s.yaml:15:16: simulation.performance.generate.speed.spred: unknown field spred (did you mean spread?)"), "\(lines)")
        #expect(lines.contains("s.yaml:16:7: simulation.performance.generate.specialists.speed: missing required field speed"), "\(lines)")
        let history = try #require(throws: DefinitionError.self) { try Self.load("  learning: { refresh: 15m, history: -1 }") }
        #expect(history.issues.map(\.description) == ["s.yaml:9:38: simulation.learning.history: must not be negative"])
        // The checks against the workspace come once the file reads cleanly.
        let unknown = try #require(throws: DefinitionError.self) {
            try Self.load("""
                  performance:
                    workers:
                      anna: { billing: { speed: 0.8 } }
                      bo: { biling: { speed: 0.8 } }
                    generate: { specialists: { share: 0.3, speed: 0.5, types: [tech] } }
                """)
        }
        let found = unknown.issues.map(\.description)
        #expect(found.contains("s.yaml:11:7: simulation.performance.workers.anna: no worker anna (did you mean ana?)"), "\(found)")
        #expect(found.contains("s.yaml:12:13: simulation.performance.workers.bo.biling: no task type biling (did you mean billing?)"), "\(found)")
        #expect(found.contains(
            "s.yaml:13:64: simulation.performance.generate.specialists.types[0]: no task type tech; the task types are billing"), "\(found)")
    }

    @Test func theGeneratorDrawsEachWorkerFromTheirOwnStream() {
        let generator = PerformanceGenerator(
            seed: 3, speedSpread: 0.3, resolutionMean: 0.85, resolutionSpread: 0.6,
            specialists: .init(share: 0.25, speed: 0.5, resolution: 0.97))
        let types = ["billing", "technical"]
        let workers = (0..<4000).map { WorkerID("agent\($0)") }
        // A worker's draw depends on the seed, their id, the type and the list of types only:
        // the same on a desk of one.
        #expect(generator.performance(of: "agent7", taskType: "billing", taskTypes: types)
            == PerformanceGenerator(
                seed: 3, speedSpread: 0.3, resolutionMean: 0.85, resolutionSpread: 0.6,
                specialists: .init(share: 0.25, speed: 0.5, resolution: 0.97)
            ).performance(of: "agent7", taskType: "billing", taskTypes: types))
        #expect(generator.performance(of: "agent7", taskType: "billing", taskTypes: types)
            != generator.performance(of: "agent8", taskType: "billing", taskTypes: types))
        // Non-specialists: log(speed) ~ N(0, 0.3²), logit(resolution) ~ N(logit 0.85, 0.6²).
        var logSpeeds: [Double] = []
        var logits: [Double] = []
        var specialists = 0
        for worker in workers {
            guard let specialty = generator.specialty(of: worker, taskTypes: types) else {
                let drawn = generator.performance(of: worker, taskType: "billing", taskTypes: types)
                logSpeeds.append(log(drawn.speed))
                logits.append(PerformanceGenerator.logit(drawn.resolution!))
                continue
            }
            specialists += 1
            let plain = PerformanceGenerator(seed: 3, speedSpread: 0.3, resolutionMean: 0.85, resolutionSpread: 0.6)
            let drawn = generator.performance(of: worker, taskType: specialty, taskTypes: types)
            #expect(abs(drawn.speed - 0.5 * plain.performance(of: worker, taskType: specialty, taskTypes: types).speed) < 1e-12)
            #expect(drawn.resolution == 0.97)
        }
        func meanAndDeviation(_ values: [Double]) -> (Double, Double) {
            let mean = values.reduce(0, +) / Double(values.count)
            return (mean, (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)).squareRoot())
        }
        let (speedMean, speedDeviation) = meanAndDeviation(logSpeeds)
        let (logitMean, logitDeviation) = meanAndDeviation(logits)
        // Standard errors with ~3,000 draws: 0.3/√3000 = 0.0055 for the mean, about 0.004 for the deviation.
        #expect(abs(speedMean) < 0.025)
        #expect(abs(speedDeviation - 0.3) < 0.02)
        #expect(abs(logitMean - log(0.85 / 0.15)) < 0.05)
        #expect(abs(logitDeviation - 0.6) < 0.04)
        // Binomial(4000, 0.25): sd 27.
        #expect(abs(specialists - 1000) < 110, "\(specialists) specialists")
    }

    @Test func aWorkerAtSpeedOneHalfTakesHalfTheTime() throws {
        // Ten workers for one task every ten minutes: nobody waits, so the cycle time is the
        // handling time. Everyone takes half the time on a and the written time on b.
        var scenario = LearningDesk.scenario(workers: 10, fast: 0.5, slow: 1, resolution: 1, perHour: 6, horizon: 40 * 3600, warmUp: 0)
        scenario.performance?.workers = Dictionary(uniqueKeysWithValues: (0..<10).map {
            (WorkerID("w\($0)"), ["a": WorkerPerformance(speed: 0.5)])
        })
        let report = try Simulator(scenario: scenario).run(policies: [.longestIdle])
        let run = report.runs[0]
        #expect(run.estimate("wait.mean").mean < 1)
        // Lognormal(300 s, cv 0.5) per visit; about 120 visits of each type per replication.
        let a = run.estimate("type.a.wait.mean")
        #expect(a.mean < 1)
        let cycle = run.estimate("cycle.mean")
        // Half the tasks take 150 s on average, the other half 300 s.
        #expect(cycle.contains(225), "cycle \(cycle.mean) ± \(cycle.halfWidth)")
        #expect(abs(cycle.mean - 225) < 20)
    }

    @Test func resolutionSetsTheShareOfWorkThatComesBack() throws {
        // Resolution 0.7 on every visit: a task is reworked at least once with probability 0.3 and
        // 0.3 / 0.7 times on average; completed tasks are resolved the first time 70% of the time.
        let scenario = LearningDesk.scenario(workers: 10, fast: 1, slow: 1, resolution: 0.7, perHour: 12, horizon: 30 * 3600, warmUp: 0, replications: 6)
        let run = try Simulator(scenario: scenario).run(policies: [.longestIdle]).runs[0]
        let reworked = run.estimate("reworked")
        let perTask = run.estimate("rework_per_task")
        let firstTime = run.estimate("first_time_resolution")
        #expect(reworked.contains(0.3), "reworked \(reworked.mean) ± \(reworked.halfWidth)")
        #expect(perTask.contains(0.3 / 0.7), "per task \(perTask.mean) ± \(perTask.halfWidth)")
        #expect(firstTime.contains(0.7), "first time \(firstTime.mean) ± \(firstTime.halfWidth)")
        #expect(abs(reworked.mean - 0.3) < 0.04)
    }

    @Test func theLearningDeskExampleLoadsAndRunsBusy() throws {
        let scenario = try ExampleScenarioTests.load("learning-desk/scenario.yaml")
        #expect(scenario.definition.workers.count == 48)
        #expect(Set(scenario.definition.workers.map(\.team)) == ["pod-a", "pod-b", "pod-c", "pod-d"])
        #expect(scenario.learning == LearningSettings(refresh: 900, history: 30))
        #expect(scenario.batchInterval == 15)
        let generator = try #require(scenario.performance?.generator)
        let specialists = scenario.definition.workers.filter { generator.specialty(of: $0.id, taskTypes: scenario.taskTypes.map(\.name)) != nil }
        #expect((8...22).contains(specialists.count), "\(specialists.count) specialists")
        // The README's premise: round-robin runs the desk at 85–95% utilization.
        let result = try Simulator(scenario: scenario).run(policy: .roundRobin, replication: 0)
        let utilization = try #require(result["utilization"])
        #expect((0.85...0.95).contains(utilization), "utilization \(utilization)")
    }

    @Test func theDrawsOfAScenarioWithoutTruthDoNotChange() throws {
        // The performance section only adds: without it every step keeps its multiplier and rework.
        var scenario = Models.mmc(servers: 3, lambda: 1, mu: 0.5, horizon: 2_000, warmUp: 200, replications: 2)
        scenario.taskTypes[0].steps["serve"]?.rework = Rework(probability: 0.2)
        let plain = try Simulator(scenario: scenario).run(policies: [.longestIdle])
        scenario.performance = PerformanceTruth(workers: ["agent1": ["elsewhere": WorkerPerformance(speed: 3, resolution: 0.1)]])
        let withTruth = try Simulator(scenario: scenario).run(policies: [.longestIdle])
        #expect(plain.runs[0].replications.map(\.measures) == withTruth.runs[0].replications.map(\.measures))
    }
}

@Suite("Learning inside a replication")
struct LearningLoopTests {
    /// The largest relative error of the table's handling times, and the largest absolute error
    /// of its resolutions, over every (worker, type).
    static func errors(_ table: PredictionTable, workers: Int = 8) -> (handling: Double, resolution: Double) {
        var handling = 0.0
        var resolution = 0.0
        for index in 0..<workers {
            for type in LearningDesk.types {
                guard let prediction = table.prediction(taskType: type, worker: WorkerID("w\(index)")) else { return (.infinity, .infinity) }
                handling = max(handling, abs(prediction.handlingTime / LearningDesk.trueMean(worker: index, type: type) - 1))
                resolution = max(resolution, abs(prediction.resolution - 0.9))
            }
        }
        return (handling, resolution)
    }

    @Test func publishedPredictionsConvergeToTheTruth() throws {
        func table(history: Int) throws -> PredictionTable {
            let scenario = LearningDesk.scenario(horizon: 1800, warmUp: 0, learning: LearningSettings(refresh: 600, history: history))
            var replication = try Simulator(scenario: scenario).makeReplication(policy: .roundRobin, replication: 0)
            _ = replication.run()
            return try #require(replication.lastTable)
        }
        let few = try table(history: 3)
        let many = try table(history: 400)
        let fewErrors = Self.errors(few)
        let manyErrors = Self.errors(many)
        print("learning: handling error \(fewErrors.handling) → \(manyErrors.handling), resolution \(fewErrors.resolution) → \(manyErrors.resolution)")
        // 400+ lognormal visits per cell (σ of log ≈ 0.47): the mean is within a few percent.
        #expect(manyErrors.handling < 0.08)
        #expect(manyErrors.resolution < 0.05)
        #expect(manyErrors.handling < fewErrors.handling)
        // Every table names the versions of the models that made it.
        #expect(many.models["handling-time"] == many.models["first-time-resolution"])
        #expect((many.models["handling-time"] ?? 0) >= 3)   // at the start, then every 10 minutes
    }

    @Test func theCoreRoutesByThePublishedTable() throws {
        // The state the replication drives holds the last table published.
        let scenario = LearningDesk.scenario(horizon: 1200, warmUp: 0, learning: LearningSettings(refresh: 300, history: 5))
        var replication = try Simulator(scenario: scenario).makeReplication(policy: .predictive, replication: 1)
        _ = replication.run()
        #expect(replication.publishedTable == replication.lastTable)
    }

    @Test func aFixedSeedGivesTheSameRun() throws {
        let scenario = LearningDesk.scenario(horizon: 2 * 3600, learning: LearningSettings(refresh: 900, history: 10))
        let first = try Simulator(scenario: scenario).run(policies: [.predictive], replications: 2)
        let second = try Simulator(scenario: scenario).run(policies: [.predictive], replications: 2)
        #expect(first.runs == second.runs)
        // Common random numbers: every policy sees the same customers.
        let other = try Simulator(scenario: scenario).run(policies: [.roundRobin], replications: 2)
        #expect(first.runs[0].replications.map(\.arrivalDigest) == other.runs[0].replications.map(\.arrivalDigest))
    }

    @Test func optimalBatchAssignsOnTheCadence() throws {
        // Ten workers, a task every ten minutes, a pass every 60 s: nobody is busy when a pass
        // comes, so each task waits exactly until the next pass — uniform on (0, 60 s), mean 30 s.
        var scenario = LearningDesk.scenario(
            workers: 10, resolution: 1, perHour: 6, horizon: 30 * 3600, warmUp: 0, replications: 4,
            learning: LearningSettings(refresh: 1800, history: 5))
        scenario.batchInterval = 60
        let run = try Simulator(scenario: scenario).run(policies: [.optimalBatch]).runs[0]
        let wait = run.estimate("wait.mean")
        #expect(wait.contains(30), "wait \(wait.mean) ± \(wait.halfWidth)")
        #expect(run.estimate("wait.p99").mean <= 60)
        #expect(run.estimate("delayed").mean > 0.95)
    }

    @Test func predictiveRoutingBeatsRoundRobinOnCycleTime() throws {
        // Half the desk is twice as fast as written on a and 1.6 times slower on b, the other
        // half the reverse; round-robin ignores it, predictive learns it.
        let scenario = LearningDesk.scenario(horizon: 5 * 3600, replications: 10, learning: LearningSettings(refresh: 600, history: 20))
        let report = try Simulator(scenario: scenario).run(policies: [.roundRobin, .predictive])
        let comparison = PolicyComparison(baseline: report.runs[0], candidate: report.runs[1])
        let difference = comparison.difference("cycle.mean")
        let baseline = report.runs[0].estimate("cycle.mean").mean
        print("small desk: cycle round-robin \(baseline), predictive − round-robin \(difference.mean) ± \(difference.halfWidth)")
        #expect(difference.mean + difference.halfWidth < 0)
        #expect(difference.mean < -0.25 * baseline)
    }
}
