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
    /// Whether to time each link of the commit chain and print a table of them after the run; set
    /// by the environment variable `FLOWTUNE_TRACE_COMMITS=1`.
    var tracesCommits = ProcessInfo.processInfo.environment["FLOWTUNE_TRACE_COMMITS"] == "1"

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
        let store = try SQLiteEventStore(path: path, durability: durability, tracingAppends: tracesCommits)
        let engine = try await WorkspaceEngine.open(
            Self.workspace, store: store, clock: SystemClock(), tracingCommits: tracesCommits)
        if await engine.committedVersion == 0 {
            try await Self.setUp(engine, workers: workers, capacity: capacity)
        }
        let startVersion = await engine.committedVersion
        let traceStart = (batches: await engine.commitTrace()?.batches.count ?? 0, appends: store.appendTrace?.appends.count ?? 0)
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
        let end = monotonicNanoseconds()
        let seconds = Double(end - begin) / 1e9
        let events = await engine.committedVersion - startVersion
        if let trace = await engine.commitTrace(), let appends = store.appendTrace?.appends {
            print(CommitChainReport(
                trace: trace, appends: appends, from: traceStart, wallNanoseconds: end - begin
            ).description)
        }
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

/// The commit chain's links, batch by batch, summarised: what `FLOWTUNE_TRACE_COMMITS=1` prints.
struct CommitChainReport: CustomStringConvertible {
    var rows: [(String, [Double])] = []
    var totals: [String] = []

    /// Pairs the engine's batches that appended events with the store's appends, in order, from
    /// the counts at the start of the measured run on.
    init(trace: CommitTrace, appends: [AppendTrace.Append], from start: (batches: Int, appends: Int), wallNanoseconds: UInt64) {
        let batches = Array(trace.batches[start.batches...])
        let appended = batches.filter { $0.events > 0 }
        let stored = Array(appends[start.appends...])
        let pairs = Array(zip(appended, stored))
        func ms(_ nanoseconds: UInt64) -> Double { Double(nanoseconds) / 1e6 }
        func ms(_ later: UInt64, _ earlier: UInt64) -> Double { later >= earlier ? Double(later - earlier) / 1e6 : -Double(earlier - later) / 1e6 }
        let complete = batches.filter { $0.resumeEndedAt > 0 }
        rows.append(("commands a batch", batches.map { Double($0.commands) }))
        rows.append(("events a batch", batches.map { Double($0.events) }))
        rows.append(("drain rounds a batch", batches.map { Double($0.rounds) }))
        rows.append(("actor deciding the batch, ms", batches.map { ms($0.decideNanoseconds) }))
        rows.append(("handed over → append called, ms", pairs.map { ms($1.calledAt, $0.handedAt) }))
        rows.append(("handed over → writer starts, ms", pairs.map { ms($1.startedAt, $0.handedAt) }))
        rows.append(("writer: rows written, ms", pairs.map { ms($1.writtenAt, $1.startedAt) }))
        rows.append(("writer: COMMIT (WAL write + sync), ms", pairs.map { ms($1.committedAt, $1.writtenAt) }))
        rows.append(("COMMIT done → actor has the result, ms", pairs.filter { $0.0.returnedAt > 0 }.map { ms($0.returnedAt, $1.committedAt) }))
        rows.append(("result → waking begins (next batch handed over), ms", complete.map { ms($0.resumeStartedAt, $0.returnedAt) }))
        rows.append(("waking the batch's commands, ms", complete.map { ms($0.resumeEndedAt, $0.resumeStartedAt) }))
        rows.append(("a command: waking begins → next in the inbox, ms", trace.resumeToInbox.map { ms($0) }))
        rows.append(("a command: inbox → its drain round, ms", trace.inboxToDecide.map { ms($0) }))
        rows.append(("cycle: batch handed over → next handed over, ms", zip(batches, batches.dropFirst()).map { ms($1.handedAt, $0.handedAt) }))
        rows.append(("writer idle: COMMIT done → next starts, ms", zip(stored, stored.dropFirst()).map { ms($1.startedAt, $0.committedAt) }))
        let wall = Double(wallNanoseconds)
        let writerBusy = stored.reduce(0.0) { $0 + Double($1.committedAt - $1.startedAt) }
        let writerWriting = stored.reduce(0.0) { $0 + Double($1.writtenAt - $1.startedAt) }
        totals.append(String(format: "batches %d, appends %d, wall %.2f s", batches.count, stored.count, wall / 1e9))
        totals.append(String(format: "actor busy %.0f %% of the wall time (deciding and the commit loop)", Double(trace.actorBusyNanoseconds) / wall * 100))
        totals.append(String(format: "writer busy %.0f %% (rows %.0f %%, COMMIT %.0f %%)", writerBusy / wall * 100, writerWriting / wall * 100, (writerBusy - writerWriting) / wall * 100))
    }

    var description: String {
        func percentile(_ sorted: [Double], _ p: Double) -> Double {
            sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        var lines = ["    commit chain (FLOWTUNE_TRACE_COMMITS): link | n | median | p90 | mean"]
        for (name, values) in rows {
            let sorted = values.sorted()
            let mean = values.isEmpty ? Double.nan : values.reduce(0, +) / Double(values.count)
            lines.append(String(format: "      %@ | %d | %.3f | %.3f | %.3f", name, values.count, percentile(sorted, 0.5), percentile(sorted, 0.9), mean))
        }
        for total in totals { lines.append("      " + total) }
        return lines.joined(separator: "\n")
    }
}
