import FlowtuneCore
import FlowtuneStore
import Foundation
import Synchronization
import Testing

@testable import FlowtuneEngine

/// A store whose chained appends are held until the test lets each one go, to succeed or to
/// fail, so that the engine can be caught with one batch in flight and more decided behind it.
final class GatedStore: EventStore {
    let inner: SQLiteEventStore
    /// What a held append does when let go.
    private struct Held: Sendable {
        var batch: EncodedEvents
        var expectedVersion: Int64
        var then: @Sendable (Result<Int64, any Error>) -> Void
    }
    private let held = Mutex<[Held]>([])
    /// Whether chained appends are held; when not, they go straight through.
    private let holding = Mutex(true)

    init(_ inner: SQLiteEventStore) { self.inner = inner }

    /// Appends held now.
    var heldCount: Int { held.withLock { $0.count } }

    /// Stops holding appends: the ones held stay held until released.
    func stopHolding() { holding.withLock { $0 = false } }

    /// Holds the appends from now on.
    func holdAgain() { holding.withLock { $0 = true } }

    /// Lets the oldest held append go: written to the log, or failed with `failure` and nothing written.
    func release(failing failure: (any Error)? = nil) async {
        guard let next = held.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { return }
        if let failure {
            next.then(.failure(failure))
            return
        }
        do {
            next.then(.success(try await inner.append(next.batch, to: "desk", expectedVersion: next.expectedVersion)))
        } catch {
            next.then(.failure(error))
        }
    }

    func append(
        _ batch: EncodedEvents, to workspace: WorkspaceID, expectedVersion: Int64,
        then: @escaping @Sendable (Result<Int64, any Error>) -> Void
    ) {
        if holding.withLock({ $0 }) {
            held.withLock { $0.append(Held(batch: batch, expectedVersion: expectedVersion, then: then)) }
        } else {
            inner.append(batch, to: workspace, expectedVersion: expectedVersion, then: then)
        }
    }

    func append(_ events: [Event], to workspace: WorkspaceID, expectedVersion: Int64) async throws -> Int64 {
        try await inner.append(events, to: workspace, expectedVersion: expectedVersion)
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

/// Counts answers as they arrive, to see which commands have been answered at a given moment.
private final class Answers: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func note() { count.withLock { $0 += 1 } }
}

@Suite("Outbox")
struct OutboxTests {
    /// Waits (bounded) until `condition` holds.
    private static func waitUntil(_ condition: () async -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !(await condition()) {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting")
                return
            }
            try await Task.sleep(for: .milliseconds(1))
        }
    }

    /// An engine on a gated store set up with the desk; appends go through until `holdAgain`.
    private static func gatedDesk() async throws -> (WorkspaceEngine, GatedStore) {
        let store = GatedStore(try SQLiteEventStore.inMemory())
        store.stopHolding()
        let engine = try await Desk.open(store: store, clock: ManualClock(), workers: 3)
        return (engine, store)
    }

    @Test("a failed commit refuses its batch and every batch decided on top of it; the state is the log's and the engine goes on")
    func failureRefusesWhatWasDecidedOnTop() async throws {
        let (engine, store) = try await Self.gatedDesk()
        let before = await engine.currentState
        let durable = await engine.committedVersion
        // Held from here: the first creation is in flight, the next ones gather behind it.
        store.holdAgain()
        let answers = Answers()
        let first = Task {
            defer { answers.note() }
            return try await engine.acknowledge(.createTask(NewTask(id: "first", workflow: "desk")), actor: "api")
        }
        try await Self.waitUntil { store.heldCount == 1 }
        let behind = (0..<5).map { index in
            Task {
                defer { answers.note() }
                return try await engine.acknowledge(.createTask(NewTask(id: TaskID("behind-\(index)"), workflow: "desk")), actor: "api")
            }
        }
        // All five decided (the state holds them) while the first is still in flight.
        try await Self.waitUntil {
            let state = await engine.currentState
            return (0..<5).allSatisfy { state.task(TaskID("behind-\($0)")) != nil }
        }
        #expect(answers.value == 0)
        #expect(store.heldCount == 1)
        await store.release(failing: InjectedFailure())
        await #expect(throws: InjectedFailure.self) { try await first.value }
        for task in behind {
            await #expect(throws: InjectedFailure.self) { try await task.value }
        }
        // Nothing of them is in the log or in the state, and the engine's state is the log's fold.
        #expect(try await store.version(of: "desk") == durable)
        #expect(await engine.committedVersion == durable)
        #expect(await engine.currentState == (try await foldedLog(store)).state)
        #expect(await engine.currentState == before)
        // The engine goes on from the durable log.
        store.stopHolding()
        let again = try await engine.acknowledge(.createTask(NewTask(id: "first", workflow: "desk")), actor: "api")
        #expect(again.firstSequence == durable + 1)
        #expect(try await store.read("desk", after: durable, limit: .max).count == again.eventCount)
        #expect(await engine.currentState == (try await foldedLog(store)).state)
    }

    @Test("a command that causes no event is answered only once the batch decided before it is durable, and in log order with it")
    func eventlessCommandWaitsForTheBatchBefore() async throws {
        let (engine, store) = try await Self.gatedDesk()
        store.holdAgain()
        let request = NewTask(id: "order-42", workflow: "desk", idempotencyKey: "order-42")
        let answers = Answers()
        let created = Task {
            defer { answers.note() }
            return try await engine.acknowledge(.createTask(request), actor: "api")
        }
        try await Self.waitUntil { store.heldCount == 1 }
        // The retried creation finds the task the held creation made: it causes nothing.
        let retried = Task {
            defer { answers.note() }
            return try await engine.acknowledge(.createTask(request), actor: "api")
        }
        // Give the retry every chance to be answered early.
        for _ in 0..<50 { await Task.yield() }
        try await Task.sleep(for: .milliseconds(20))
        #expect(answers.value == 0)
        await store.release()
        let first = try await created.value
        let second = try await retried.value
        #expect(second.createdTask == first.createdTask)
        #expect(second.eventCount == 0)
        #expect(try await store.version(of: "desk") >= first.lastSequence)
        #expect(store.heldCount == 0)
    }

    @Test("under concurrent clients with a subscriber joining mid-load, every command is answered once, after its events are durable, and the subscriber sees a gap-free run")
    func concurrentClientsAndLateSubscriber() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        let store = try SQLiteEventStore(path: database.path, durability: .normal)
        defer { try? store.close() }
        let engine = try await Desk.open(store: store, clock: ManualClock(), workers: 20)
        let answers = Answers()
        let clients = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<20 {
                    group.addTask {
                        for index in 0..<10 {
                            let created = try await engine.acknowledge(
                                .createTask(NewTask(id: TaskID("c\(client)-\(index)"), workflow: "desk")), actor: "api")
                            answers.note()
                            #expect(try await store.version(of: "desk") >= created.lastSequence)
                            let task = try #require(created.createdTask)
                            guard let worker = created.offeredWorker else { continue }
                            let accepted = try await engine.acknowledge(.acceptOffer(task, worker: worker), actor: worker.rawValue)
                            answers.note()
                            #expect(try await store.version(of: "desk") >= accepted.lastSequence)
                            let completed = try await engine.acknowledge(
                                .completeStep(task, worker: worker, outcome: nil, evidence: [:]), actor: worker.rawValue)
                            answers.note()
                            #expect(try await store.version(of: "desk") >= completed.lastSequence)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        try await Self.waitUntil { await engine.committedVersion > 100 }
        let commits = await engine.subscribeToCommits()
        try await clients.value
        let end = await engine.committedVersion
        await engine.finishSubscriptions()
        var received: [StoredEvent] = []
        for await commit in commits { received += commit }
        let first = try #require(received.first)
        #expect(received.map(\.sequence) == Array(first.sequence...end))
        #expect(received == (try await store.read("desk", after: first.sequence - 1, limit: .max)))
        #expect(answers.value >= 200)
        #expect(await engine.currentState == (try await foldedLog(store)).state)
    }
}
