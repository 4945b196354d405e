import FlowtuneCore
import Foundation

/// Times single routing decisions, explanation included, on a large workspace:
/// a task looking for a worker, and a freed worker looking for a task.
///
/// Under `predictive` (or `optimal-batch`, whose single decisions are predictive) a prediction
/// table is published first: every task type (the workflows) with an overall prediction, and
/// seven in ten workers with their own, so that decisions read both and fall back for no one.
struct RoutingBenchmark {
    var workers = 1000
    var queues = 20
    var waiting = 10_000
    var decisions = 20_000
    var seed: UInt64 = 7
    var policy: RoutingPolicyKind = .skillScore

    struct Result {
        let taskToWorker: LatencySummary
        let workerToTask: LatencySummary
        let candidatesPerDecision: Double
    }

    func run() -> Result {
        var generator = SeededGenerator(seed: seed)
        var state = WorkspaceState()
        let start = BenchWorkspace.start
        let queueList = BenchWorkspace.queues(queues)
        for queue in queueList { BenchWorkspace.apply(.defineQueue(queue), to: &state, at: start) }
        var workerList = BenchWorkspace.workers(workers, generator: &generator)
        for index in workerList.indices { workerList[index].status = .away }
        for worker in workerList { BenchWorkspace.apply(.registerWorker(worker), to: &state, at: start) }
        let flows = BenchWorkspace.workflows(queues: queueList)
        for flow in flows { BenchWorkspace.apply(.defineWorkflow(flow), to: &state, at: start) }
        if policy != state.settings.routingPolicy { BenchWorkspace.apply(.setRoutingPolicy(policy), to: &state, at: start) }
        if policy.usesPredictions {
            BenchWorkspace.apply(
                .publishPredictions(Self.predictions(types: flows.map(\.id.rawValue), workers: workerList, generator: &generator)),
                to: &state, at: start)
        }

        // Tasks arrive over ten minutes while everyone is away, so all of them wait.
        let spread = 600.0
        let channels = [Channel("chat"), Channel("email")]
        for index in 0..<waiting {
            let request = NewTask(
                workflow: flows.randomElement(using: &generator)!.id,
                channel: channels.randomElement(using: &generator)!,
                priority: Int.random(in: 1...9, using: &generator))
            BenchWorkspace.apply(
                .createTask(request), to: &state, at: start + spread * Double(index) / Double(waiting))
        }
        // Seven in ten workers come back. Applied as bare status events so that the waiting
        // tasks stay where they are and every measured decision sees the full workspace.
        let now = start + spread
        for worker in workerList where Double.random(in: 0..<1, using: &generator) < 0.7 {
            state.evolve(Event(time: now, actor: "bench", payload: .workerStatusChanged(worker: worker.id, status: .available)))
        }

        let taskIDs = Array(state.tasks.keys).sorted()
        let available = workerList.map(\.id).filter { state.worker($0)?.worker.status == .available }
        var taskSamples: [UInt64] = []
        var workerSamples: [UInt64] = []
        taskSamples.reserveCapacity(decisions)
        workerSamples.reserveCapacity(decisions)
        var candidates = 0
        var checksum = 0
        for _ in 0..<decisions {
            let task = taskIDs.randomElement(using: &generator)!
            let begin = monotonicNanoseconds()
            let routed = state.route(task: task, now: now)
            taskSamples.append(monotonicNanoseconds() - begin)
            candidates += routed?.decision.candidateCount ?? 0
            checksum &+= routed?.decision.candidates.count ?? 0

            let worker = available.randomElement(using: &generator)!
            let begin2 = monotonicNanoseconds()
            let picked = state.route(worker: worker, now: now)
            workerSamples.append(monotonicNanoseconds() - begin2)
            checksum &+= picked?.decision.candidates.count ?? 0
        }
        precondition(checksum > 0, "routing found no candidates: the benchmark workspace is wrong")
        return Result(
            taskToWorker: LatencySummary(nanoseconds: taskSamples),
            workerToTask: LatencySummary(nanoseconds: workerSamples),
            candidatesPerDecision: Double(candidates) / Double(decisions))
    }

    /// A table for `types`: an overall prediction each, and one per type for seven in ten workers.
    static func predictions(types: [String], workers: [Worker], generator: inout SeededGenerator) -> PredictionTable {
        var table = PredictionTable(models: ["handling-time": 1, "resolution": 1])
        for type in types {
            let mean = Double.random(in: 120...1200, using: &generator)
            table.set(Prediction(handlingTime: mean, handlingTimeUpper: mean * 2, resolution: 0.8), taskType: type)
            for worker in workers where Double.random(in: 0..<1, using: &generator) < 0.7 {
                let own = mean * Double.random(in: 0.5...1.5, using: &generator)
                table.set(
                    Prediction(
                        handlingTime: own, handlingTimeUpper: own * Double.random(in: 1.3...2.5, using: &generator),
                        resolution: Double.random(in: 0.5...1, using: &generator)),
                    taskType: type, worker: worker.id)
            }
        }
        return table
    }
}
