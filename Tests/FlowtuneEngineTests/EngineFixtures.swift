import FlowtuneCore
import FlowtuneEngine
import FlowtuneStore
import Foundation

/// A small support desk: one queue needing `support` ≥ 3, a one-step workflow with a 10-minute
/// response window that notifies, and the workers given.
enum Desk {
    static let workflow = Workflow(
        id: "desk",
        steps: [Step(
            id: "answer", queue: "inbox",
            ownership: OwnershipRule(
                sourceSystem: "helpdesk", decisionOwner: "lead", responseWindow: 600,
                escalation: [EscalationStage(action: .notify("lead"))]))])

    static func commands(workers: Int) -> [Command] {
        var commands: [Command] = [.defineQueue(Queue(id: "inbox", requirement: Requirement(skills: ["support": 3]), offerTimeout: 30))]
        for index in 0..<workers {
            commands.append(.registerWorker(Worker(id: WorkerID("w\(index)"), skills: ["support": 3 + index % 7])))
        }
        commands.append(.defineWorkflow(workflow))
        return commands
    }

    static func open(store: any EventStore, clock: ManualClock, workers: Int = 3) async throws -> WorkspaceEngine {
        let engine = try await WorkspaceEngine.open("desk", store: store, clock: clock)
        for command in commands(workers: workers) { try await engine.submit(command, actor: "test") }
        return engine
    }
}

/// A store that counts appends, records how many events each committed one held, and can be told
/// to fail, wrapping a real store.
final class InstrumentedStore: EventStore, @unchecked Sendable {
    let inner: SQLiteEventStore
    private let lock = NSLock()
    private var _appends = 0
    private var _failNext = false
    private var _appendedCounts: [Int] = []

    init(_ inner: SQLiteEventStore) { self.inner = inner }

    /// Appends tried, failed ones included.
    var appends: Int { lock.withLock { _appends } }

    /// The number of events of each committed append since the last `resetAppendedCounts`, in order.
    var appendedCounts: [Int] { lock.withLock { _appendedCounts } }

    func resetAppendedCounts() { lock.withLock { _appendedCounts = [] } }

    func failNextAppend() { lock.withLock { _failNext = true } }

    func append(_ events: [Event], to workspace: WorkspaceID, expectedVersion: Int64) async throws -> Int64 {
        let fail = lock.withLock {
            _appends += 1
            defer { _failNext = false }
            return _failNext
        }
        if fail { throw InjectedFailure() }
        let version = try await inner.append(events, to: workspace, expectedVersion: expectedVersion)
        lock.withLock { _appendedCounts.append(events.count) }
        return version
    }

    func version(of workspace: WorkspaceID) async throws -> Int64 { try await inner.version(of: workspace) }

    func read(_ workspace: WorkspaceID, after: Int64, limit: Int) async throws -> [StoredEvent] {
        try await inner.read(workspace, after: after, limit: limit)
    }

    func replay(_ workspace: WorkspaceID, after: Int64, batch: @Sendable ([StoredEvent]) throws -> Void) async throws {
        try await inner.replay(workspace, after: after, batch: batch)
    }

    func events(of task: TaskID, in workspace: WorkspaceID) async throws -> [StoredEvent] {
        try await inner.events(of: task, in: workspace)
    }

    func workspaces() async throws -> [WorkspaceID] { try await inner.workspaces() }
}

struct InjectedFailure: Error {}

/// A fresh database file in a temporary directory, removed by `cleanUp`.
struct TemporaryDatabase {
    let directory: URL
    var path: String { directory.appendingPathComponent("flowtune.db").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}

/// Every event of a workspace, folded.
func foldedLog(_ store: any EventStore, _ workspace: WorkspaceID = "desk") async throws -> (events: [Event], state: WorkspaceState) {
    let events = try await store.read(workspace, after: 0, limit: .max).map(\.event)
    return (events, WorkspaceState.fold(events))
}
