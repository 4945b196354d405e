import FlowtuneCore
import FlowtuneStore
import Foundation
import Testing

@testable import FlowtuneEngine

@Suite("Commit subscriptions")
struct CommitSubscriptionTests {
    @Test("each commit arrives as one array: the same events, in the same order, as the per-event subscription and the log")
    func sameEventsAsPerEvent() async throws {
        let store = InstrumentedStore(try SQLiteEventStore.inMemory())
        let engine = try await Desk.open(store: store, clock: ManualClock(), workers: 4)
        let start = await engine.committedVersion
        let commits = await engine.subscribeToCommits()
        let events = await engine.subscribe()
        store.resetAppendedCounts()
        // Concurrent submitters, so that commands gather into commits of several.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<60 {
                group.addTask {
                    try await engine.submit(.createTask(NewTask(id: TaskID("T-\(index)"), workflow: "desk")), actor: "api")
                }
            }
            try await group.waitForAll()
        }
        // A batch of commands decided together is one commit.
        let batch = try await engine.submit(
            [.createTask(NewTask(id: "B-1", workflow: "desk")), .createTask(NewTask(id: "B-2", workflow: "desk"))], actor: "api")
        let batchEvents = try batch.flatMap { try $0.get().events }
        let end = await engine.committedVersion
        await engine.finishSubscriptions()

        var received: [[StoredEvent]] = []
        for await commit in commits { received.append(commit) }
        var single: [StoredEvent] = []
        for await stored in events { single.append(stored) }
        let log = try await store.read("desk", after: start, limit: .max)

        #expect(!received.isEmpty)
        #expect(received.allSatisfy { !$0.isEmpty })
        #expect(received.flatMap { $0 } == single)
        #expect(received.flatMap { $0 } == log)
        #expect(received.flatMap { $0 }.map(\.sequence) == Array((start + 1)...end))
        // One array per append to the store, split exactly where the appends were.
        #expect(received.map(\.count) == store.appendedCounts)
        #expect(batchEvents.count >= 2)
        #expect(received.last?.map(\.event) == batchEvents)
    }

    @Test("a subscriber that reads nothing until the end still gets every commit, in order")
    func slowSubscriberGetsEverything() async throws {
        let store = try SQLiteEventStore.inMemory()
        let engine = try await Desk.open(store: store, clock: ManualClock(), workers: 2)
        let start = await engine.committedVersion
        let commits = await engine.subscribeToCommits()
        for index in 0..<300 {
            try await engine.submit(.createTask(NewTask(id: TaskID("S-\(index)"), workflow: "desk")), actor: "api")
        }
        let end = await engine.committedVersion
        await engine.finishSubscriptions()
        var sequences: [Int64] = []
        for await commit in commits { sequences += commit.map(\.sequence) }
        #expect(sequences == Array((start + 1)...end))
        let log = try await store.read("desk", after: start, limit: .max)
        #expect(log.map(\.sequence) == sequences)
    }

    @Test("a failed commit publishes nothing, and the next commit follows on from the durable log")
    func failedCommitPublishesNothing() async throws {
        let store = InstrumentedStore(try SQLiteEventStore.inMemory())
        let engine = try await Desk.open(store: store, clock: ManualClock())
        let commits = await engine.subscribeToCommits()
        try await engine.submit(.createTask(NewTask(id: "kept", workflow: "desk")), actor: "api")
        store.failNextAppend()
        await #expect(throws: InjectedFailure.self) {
            try await engine.submit(.createTask(NewTask(id: "lost", workflow: "desk")), actor: "api")
        }
        try await engine.submit(.createTask(NewTask(id: "later", workflow: "desk")), actor: "api")
        await engine.finishSubscriptions()
        var received: [StoredEvent] = []
        for await commit in commits { received += commit }
        let log = try await store.read("desk", after: received.first.map { $0.sequence - 1 } ?? 0, limit: .max)
        #expect(received == log)
        let created = received.compactMap { stored -> String? in
            if case .taskCreated(let created) = stored.event.payload { return created.task.rawValue }
            return nil
        }
        #expect(created == ["kept", "later"])
    }

    @Test("commit subscriptions are counted, end with the engine's subscriptions, and leave when dropped")
    func counting() async throws {
        let engine = try await Desk.open(store: try SQLiteEventStore.inMemory(), clock: ManualClock())
        #expect(await engine.subscriberCount == 0)
        let commits = await engine.subscribeToCommits()
        let events = await engine.subscribe()
        #expect(await engine.subscriberCount == 2)
        await engine.finishSubscriptions()
        #expect(await engine.subscriberCount == 0)
        var count = 0
        for await _ in commits { count += 1 }
        for await _ in events { count += 1 }
        #expect(count == 0)

        // A subscription whose reader stops is dropped by the engine.
        var dropped: AsyncStream<[StoredEvent]>? = await engine.subscribeToCommits()
        #expect(await engine.subscriberCount == 1)
        dropped = nil
        _ = dropped
        let deadline = ContinuousClock.now + .seconds(5)
        while await engine.subscriberCount > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(await engine.subscriberCount == 0)
    }
}
