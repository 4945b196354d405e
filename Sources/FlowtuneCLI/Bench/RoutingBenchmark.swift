import FlowtuneCore
import Foundation

/// Times single routing decisions, explanation included, on a large workspace:
/// a task looking for a worker, and a freed worker looking for a task.
struct RoutingBenchmark {
    var workers = 1000
    var queues = 20
    var waiting = 10_000
    var decisions = 20_000
    var seed: UInt64 = 7

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
}
