import FlowtuneCore
import FlowtuneEngine
import FlowtuneStore
import Foundation

/// Drives full task lifecycles — create (routed to a worker in the same command), accept,
/// complete — through the engine on the SQLite store, from many concurrent clients, each command
/// acknowledged only once its events are durable.
struct LifecycleBenchmark {
    var lifecycles = 200_000
    var clients = 64
    var workers = 200
    var capacity = 1
    var path: String
    var durability: SQLiteEventStore.Durability = .full
    /// Called with each acknowledged command, for the crash test.
    var onAcknowledged: (@Sendable (String) -> Void)?

    struct Result {
        let lifecycles: Int
        let events: Int64
        let seconds: Double
        let createToAssigned: LatencySummary
        /// How long reading one task's history (``SQLiteEventStore/events(of:in:)``) took after the
        /// run, in seconds, for the last task the run touched and for the first: either read looks
        /// up the index tables and scans the chunks after the index's mark.
        let historyRead: (last: Double, first: Double)
        var perSecond: Double { Double(lifecycles) / seconds }
    }

    static let workspace = WorkspaceID("bench")

    /// Creates the workspace: one queue, one single-step workflow, `workers` workers.
    static func setUp(_ engine: WorkspaceEngine, workers: Int, capacity: Int = 1) async throws {
        try await engine.submit(.defineQueue(Queue(id: "inbox", requirement: Requirement(skills: ["general": 1]))), actor: "bench")
        for index in 0..<workers {
            try await engine.submit(
                .registerWorker(Worker(
                    id: WorkerID("w\(index)"), skills: ["general": 1 + index % 10], channels: [.default: capacity],
                    costPerHour: 30)),
                actor: "bench")
        }
        try await engine.submit(
            .defineWorkflow(Workflow(
                id: "ticket",
                steps: [Step(
                    id: "handle", queue: "inbox",
                    ownership: OwnershipRule(sourceSystem: "bench", decisionOwner: "lead", responseWindow: 3600))])),
            actor: "bench")
    }

    func run() async throws -> Result {
        let store = try SQLiteEventStore(path: path, durability: durability)
        let engine = try await WorkspaceEngine.open(Self.workspace, store: store, clock: SystemClock())
        if await engine.committedVersion == 0 {
            try await Self.setUp(engine, workers: workers, capacity: capacity)
        }
        let startVersion = await engine.committedVersion
        let counter = Counter(limit: lifecycles)
        let begin = monotonicNanoseconds()
        let latencies = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var samples: [UInt64] = []
                    // Each client's tasks carry the same attributes, made once.
                    let attributes: JSONValue = ["client": .number(Double(client))]
                    while counter.next() {
                        let start = monotonicNanoseconds()
                        // Acknowledgements only: the clients read no event, so the engine frees each
                        // command's events as soon as it has encoded them for the store.
                        let created = try await engine.acknowledge(
                            .createTask(NewTask(workflow: "ticket", attributes: attributes)),
                            actor: "bench")
                        samples.append(monotonicNanoseconds() - start)
                        guard let task = created.createdTask else { throw BenchFailure("no task created") }
                        onAcknowledged?("created \(task)")
                        guard let worker = created.offeredWorker else {
                            throw BenchFailure("task \(task) was not routed; add workers")
                        }
                        try await engine.acknowledge(.acceptOffer(task, worker: worker), actor: worker.rawValue)
                        try await engine.acknowledge(
                            .completeStep(task, worker: worker, outcome: nil, evidence: [:]), actor: worker.rawValue)
                        onAcknowledged?("completed \(task)")
                    }
                    return samples
                }
            }
            var all: [UInt64] = []
            for try await samples in group { all += samples }
            return all
        }
        let seconds = Double(monotonicNanoseconds() - begin) / 1e9
        let events = await engine.committedVersion - startVersion
        let historyRead = try await Self.timeHistoryReads(store, after: startVersion)
        try store.close()
        return Result(
            lifecycles: lifecycles, events: events, seconds: seconds,
            createToAssigned: LatencySummary(nanoseconds: latencies), historyRead: historyRead)
    }

    /// The median time of five history reads of the last task the run touched and of the first,
    /// in seconds.
    static func timeHistoryReads(_ store: SQLiteEventStore, after startVersion: Int64) async throws -> (last: Double, first: Double) {
        let version = try await store.version(of: workspace)
        guard
            let last = try await store.read(workspace, after: version - 1, limit: 1).first?.event.taskID,
            let first = try await store.read(workspace, after: startVersion, limit: 1).first?.event.taskID
        else { throw BenchFailure("the run left no task") }
        func median(_ task: TaskID) async throws -> Double {
            var samples: [UInt64] = []
            for _ in 0..<5 {
                let start = monotonicNanoseconds()
                let history = try await store.events(of: task, in: workspace)
                samples.append(monotonicNanoseconds() - start)
                guard !history.isEmpty else { throw BenchFailure("task \(task) has no history") }
            }
            return Double(samples.sorted()[2]) / 1e9
        }
        return (try await median(last), try await median(first))
    }
}

/// Hands out lifecycle numbers to the clients until the limit.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var issued = 0
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    func next() -> Bool {
        lock.withLock {
            guard issued < limit else { return false }
            issued += 1
            return true
        }
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
