import FlowtuneCore
import FlowtuneEngine
import FlowtuneStore
import Foundation

/// Writes a log of full task lifecycles, then times how long a workspace engine takes to open it:
/// reading, decoding and folding every event until the engine is ready for commands.
struct RestartBenchmark {
    var events = 1_000_000
    var path: String
    var workers = 200

    /// Writes the log; returns the number of events written.
    func prepare() async throws -> Int64 {
        let store = try SQLiteEventStore(path: path, durability: .normal)
        defer { try? store.close() }
        var state = WorkspaceState()
        var clock = BenchWorkspace.start
        var batch: [Event] = []
        var version: Int64 = 0
        func execute(_ command: Command) throws -> [Event] {
            let produced = try state.execute(command, context: CommandContext(now: clock, actor: "bench"))
            batch += produced
            return produced
        }
        func flush() async throws {
            version = try await store.append(batch, to: LifecycleBenchmark.workspace, expectedVersion: version)
            batch.removeAll(keepingCapacity: true)
        }
        _ = try execute(.defineQueue(Queue(id: "inbox", requirement: Requirement(skills: ["general": 1]))))
        for index in 0..<workers {
            _ = try execute(.registerWorker(Worker(id: WorkerID("w\(index)"), skills: ["general": 1 + index % 10])))
        }
        _ = try execute(.defineWorkflow(Workflow(
            id: "ticket",
            steps: [Step(id: "handle", queue: "inbox", ownership: OwnershipRule(sourceSystem: "bench", decisionOwner: "lead", responseWindow: 3600))])))
        while version + Int64(batch.count) < Int64(events) {
            clock += 1
            let created = try execute(.createTask(NewTask(workflow: "ticket")))
            guard case .taskCreated(let task) = created[0].payload,
                case .taskOffered(_, let worker, _, _) = created.last?.payload
            else { throw BenchFailure("the task was not routed") }
            _ = try execute(.acceptOffer(task.task, worker: worker))
            _ = try execute(.completeStep(task.task, worker: worker, outcome: nil, evidence: [:]))
            if batch.count >= 10_000 { try await flush() }
        }
        if !batch.isEmpty { try await flush() }
        return version
    }

    /// Opens the workspace from the log; returns seconds until it was ready.
    func open() async throws -> (seconds: Double, version: Int64) {
        let store = try SQLiteEventStore(path: path)
        defer { try? store.close() }
        let begin = monotonicNanoseconds()
        let engine = try await WorkspaceEngine.open(LifecycleBenchmark.workspace, store: store, clock: SystemClock())
        let seconds = Double(monotonicNanoseconds() - begin) / 1e9
        return (seconds, await engine.committedVersion)
    }
}
