import FlowtuneCore
import Foundation

/// Runs a scenario through the core's `WorkspaceState` on a virtual clock, replication by
/// replication and policy by policy.
///
/// ```swift
/// let scenario = try Scenario.load([DefinitionSource(file: "scenario.yaml", text: yaml)])
/// let simulator = try Simulator(scenario: scenario)
/// let report = simulator.run(policies: [.skillScore, .roundRobin])
/// print(report.table())
/// ```
public struct Simulator: Sendable {
    /// The scenario.
    public let scenario: Scenario
    let setup: Setup
    private let base: WorkspaceState

    /// Builds the scenario's workspace once; every replication starts from a copy of it.
    public init(scenario: Scenario) throws(SimulationError) {
        self.scenario = scenario
        var state = WorkspaceState(settings: scenario.definition.settings.applied())
        let context = CommandContext(now: scenario.start, actor: "scenario")
        for command in scenario.definition.commands {
            do {
                try state.execute(command, context: context)
            } catch {
                throw SimulationError("the workspace definition is refused: \(error.description)")
            }
        }
        base = state
        setup = try Setup(scenario: scenario, state: state)
    }

    /// Runs replication `replication` (from 0) under `policy` and returns its measures.
    public func run(policy: RoutingPolicyKind, replication: Int) -> ReplicationResult {
        var run = makeReplication(policy: policy, replication: replication)
        let measures = run.run()
        return ReplicationResult(policy: policy, replication: replication, measures: measures, arrivalDigest: run.arrivalDigest,
            waitPercentiles: run.waitPercentiles)
    }

    /// Replication `replication` under `policy`, ready to run.
    func makeReplication(policy: RoutingPolicyKind, replication: Int) -> Replication {
        var state = base
        var settings = state.settings
        settings.routingPolicy = policy
        // Only the winner matters to a simulation; explaining one runner-up keeps routing lean.
        settings.explainedCandidates = 1
        if let interval = scenario.batchInterval { settings.predictive.batchInterval = interval }
        _ = try? state.execute(.configure(settings), context: CommandContext(now: scenario.start, actor: "scenario"))
        return Replication(
            setup: setup, state: state, streams: RandomStreams(scenarioSeed: scenario.seed, replication: replication))
    }

    /// Runs every policy over the same replications (common random numbers) and pools them.
    ///
    /// The first policy is the baseline the others are compared with. `progress` is called after
    /// each replication with the number done and the total.
    public func run(
        policies: [RoutingPolicyKind], replications: Int? = nil, progress: ((Int, Int) -> Void)? = nil
    ) -> SimulationReport {
        let count = replications ?? scenario.replications
        let policies = policies.isEmpty ? [scenario.defaultPolicy] : policies
        var runs: [PolicyRun] = []
        var done = 0
        for policy in policies {
            var results: [ReplicationResult] = []
            for replication in 0..<count {
                results.append(run(policy: policy, replication: replication))
                done += 1
                progress?(done, count * policies.count)
            }
            runs.append(PolicyRun(policy: policy, replications: results))
        }
        let targets = Dictionary(setup.queues.map { ($0.id.rawValue, $0.serviceLevel) }) { first, _ in first }
        return SimulationReport(scenario: scenario.name, seed: scenario.seed, runs: runs, queueTargets: targets)
    }

    /// What every replication reads about the scenario, resolved once: workers and queues by
    /// number, each task type's step profiles with per-worker skill multipliers.
    struct Setup: Sendable {
        let scenario: Scenario
        let workers: [Worker]
        let workerIDs: [WorkerID]
        let workerNumber: [WorkerID: Int]
        let queues: [Queue]
        let teams: [String]
        let profiles: [Profile]
        let stepProfiles: [[StepID: Int]]
        let firstStep: [StepID?]
        /// Per task type, the profile of its first step: what every arrival enters.
        let firstProfile: [Int?]
        let shiftPlan: ShiftPlan
        /// Per task type, its replayed arrivals; nil for a Poisson type.
        let replayed: [[ReplayedArrival]?]
        /// Per task type, whether it is hard by the core's one rule (``PredictionTable/hardTaskTypes``)
        /// applied to the step profiles' mean handling times: the same types under every policy.
        let hardTypes: [Bool]

        /// A step profile of a task type, ready to sample.
        struct Profile: Sendable {
            var step: StepID
            var handling: Distribution
            var multipliers: [Double]
            var exceptionProbability: Double
            var outcomes: [(outcome: String, cumulative: Double)]
            var queue: Int
            var evidence: [String: JSONValue]
            var exceptionByMissingEvidence: Bool
            var mayDecideEvidence: Bool
            var reworkProbability: Double
            var reworkStep: StepID
            /// Per worker, the chance a finished visit comes back, when the performance truth
            /// gives the worker a resolution on the task type; nil uses `reworkProbability`.
            var reworkByWorker: [Double]?

            /// The chance a visit finished by worker number `worker` comes back for rework.
            func rework(by worker: Int) -> Double { reworkByWorker?[worker] ?? reworkProbability }
        }

        init(scenario: Scenario, state: WorkspaceState) throws(SimulationError) {
            self.scenario = scenario
            workers = state.workers.map(\.worker)
            workerIDs = workers.map(\.id)
            workerNumber = Dictionary(uniqueKeysWithValues: workerIDs.enumerated().map { ($1, $0) })
            queues = state.queues.map(\.queue)
            var seenTeams: [String] = []
            for worker in workers where !seenTeams.contains(worker.team) { seenTeams.append(worker.team) }
            teams = seenTeams
            let queueNumber = Dictionary(uniqueKeysWithValues: queues.enumerated().map { ($1.id, $0) })
            var profiles: [Profile] = []
            var stepProfiles: [[StepID: Int]] = []
            var firstStep: [StepID?] = []
            let typeNames = scenario.taskTypes.map(\.name)
            let workers = self.workers
            for type in scenario.taskTypes {
                // The truth of each worker on this type: a speed on every step, a resolution per visit.
                let performance = scenario.performance.map { truth in
                    workers.map { truth.performance(of: $0.id, taskType: type.name, taskTypes: typeNames) }
                }
                guard let workflow = state.workflow(type.request.workflow) else {
                    throw SimulationError("task type \(type.name) follows workflow \(type.request.workflow), which is not defined")
                }
                firstStep.append(workflow.firstStep?.id)
                var byStep: [StepID: Int] = [:]
                for step in workflow.steps {
                    guard let profile = type.steps[step.id] else {
                        throw SimulationError("task type \(type.name) says nothing about step \(step.id) of workflow \(workflow.id)")
                    }
                    var cumulative = 0.0
                    let outcomes = (profile.outcomes ?? []).map { entry in
                        cumulative += entry.probability
                        return (entry.outcome, cumulative)
                    }
                    let evidence = Dictionary(
                        uniqueKeysWithValues: step.ownership.requiredEvidence.map { ($0, JSONValue.string("simulated")) })
                    byStep[step.id] = profiles.count
                    profiles.append(Profile(
                        step: step.id, handling: profile.handling,
                        multipliers: workers.indices.map { index in
                            (profile.skill?.multiplier(for: workers[index]) ?? 1) * (performance?[index].speed ?? 1)
                        },
                        exceptionProbability: profile.exceptionProbability, outcomes: outcomes,
                        queue: queueNumber[step.queue] ?? 0, evidence: evidence,
                        exceptionByMissingEvidence: !step.ownership.requiredEvidence.isEmpty
                            && step.ownership.missingEvidence == .exception,
                        mayDecideEvidence: !step.decisions.isEmpty,
                        reworkProbability: profile.rework?.probability ?? 0, reworkStep: profile.rework?.step ?? step.id,
                        reworkByWorker: performance.flatMap { truth in
                            guard truth.contains(where: { $0.resolution != nil }) else { return nil }
                            return truth.map { $0.resolution.map { 1 - $0 } ?? profile.rework?.probability ?? 0 }
                        }))
                }
                stepProfiles.append(byStep)
            }
            self.profiles = profiles
            self.stepProfiles = stepProfiles
            self.firstStep = firstStep
            firstProfile = firstStep.indices.map { type in firstStep[type].map { stepProfiles[type][$0] ?? 0 } }
            replayed = scenario.taskTypes.map(\.arrivals.replayed)
            var meanWork = PredictionTable()
            for (index, type) in scenario.taskTypes.enumerated() {
                let seconds = stepProfiles[index].values.reduce(0) { $0 + profiles[$1].handling.mean }
                meanWork.set(Prediction(handlingTime: seconds, handlingTimeUpper: seconds, resolution: 1), taskType: type.name)
            }
            let hard = meanWork.hardTaskTypes
            hardTypes = scenario.taskTypes.map { hard.contains($0.name) }
            shiftPlan = ShiftPlan(
                shifts: scenario.shifts, workers: workers, start: scenario.start, end: scenario.horizon + scenario.drain,
                utcOffset: scenario.utcOffset)
        }
    }
}
