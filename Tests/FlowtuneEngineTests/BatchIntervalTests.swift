import FlowtuneCore
import FlowtuneStore
import Foundation
import Testing

@testable import FlowtuneEngine

@Suite("Batches on an interval")
struct BatchIntervalTests {
    /// The desk with `optimal-batch` assigning every `interval` seconds, and `tasks` tasks waiting.
    private static func open(
        _ store: any EventStore, clock: ManualClock, interval: TimeInterval, tasks: Int
    ) async throws -> WorkspaceEngine {
        let engine = try await Desk.open(store: store, clock: clock, workers: 3)
        var settings = WorkspaceState.Settings(routingPolicy: .optimalBatch)
        settings.predictive.batchInterval = interval
        try await engine.submit(.configure(settings), actor: "test")
        for _ in 0..<tasks { try await engine.submit(.createTask(NewTask(workflow: "desk")), actor: "api") }
        return engine
    }

    private static func offered(_ engine: WorkspaceEngine) async -> Int {
        await engine.currentState.tasks.values.filter { if case .offered = $0.state { true } else { false } }.count
    }

    @Test("waiting tasks are assigned once a whole interval of the engine's clock has passed, then every interval")
    func batchEveryInterval() async throws {
        let clock = ManualClock()
        let engine = try await Self.open(try SQLiteEventStore.inMemory(), clock: clock, interval: 60, tasks: 2)
        // Tasks wait for the batch: arrival alone offers nothing.
        #expect(await Self.offered(engine) == 0)
        #expect(try await engine.runDueBatch().isEmpty)
        clock.advance(by: 59)
        #expect(try await engine.runDueBatch().isEmpty)
        #expect(await Self.offered(engine) == 0)
        clock.advance(by: 1)
        let first = try await engine.runDueBatch()
        #expect(first.filter { $0.type == "TaskRouted" }.count == 2)
        #expect(first.allSatisfy { $0.actor == "system" })
        #expect(await Self.offered(engine) == 2)

        // The next batch is an interval after this one, not after the first count started.
        try await engine.submit(.createTask(NewTask(workflow: "desk")), actor: "api")
        clock.advance(by: 30)
        #expect(try await engine.runDueBatch().isEmpty)
        clock.advance(by: 30)
        #expect(try await engine.runDueBatch().filter { $0.type == "TaskRouted" }.count == 1)
    }

    @Test("no batch is issued without an interval or under another policy")
    func onlyOptimalBatchWithInterval() async throws {
        let clock = ManualClock()
        let immediate = try await Self.open(try SQLiteEventStore.inMemory(), clock: clock, interval: 0, tasks: 2)
        // With no interval the batch runs as tasks arrive, and the engine has nothing to issue.
        #expect(await Self.offered(immediate) == 2)
        clock.advance(by: 3600)
        #expect(try await immediate.runDueBatch().isEmpty)

        let other = try await Desk.open(store: try SQLiteEventStore.inMemory(), clock: clock, workers: 3)
        var settings = WorkspaceState.Settings(routingPolicy: .skillScore)
        settings.predictive.batchInterval = 60
        try await other.submit(.configure(settings), actor: "test")
        #expect(try await other.runDueBatch().isEmpty)
        clock.advance(by: 3600)
        #expect(try await other.runDueBatch().isEmpty)
    }

    @Test("the timer loop issues the batch when the interval has passed on the engine's clock")
    func timerLoopRunsTheBatch() async throws {
        let clock = ManualClock()
        let store = try SQLiteEventStore.inMemory()
        let engine = try await Self.open(store, clock: clock, interval: 60, tasks: 2)
        // Starts the count at the clock's present reading, before the loop runs.
        #expect(try await engine.runDueBatch().isEmpty)
        let loop = Task { await engine.runTimers(tick: 0.01) }
        defer { loop.cancel() }
        try await Task.sleep(for: .milliseconds(50))
        #expect(await Self.offered(engine) == 0)
        clock.advance(by: 61)
        // Polls with a generous deadline: on a busy machine the loop's wake-ups come late.
        let deadline = ContinuousClock.now + .seconds(60)
        var causes: [String?] = []
        while causes.count < 2, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
            causes = try await store.read("desk", after: 0, limit: .max).filter { $0.event.type == "TaskRouted" }
                .map(\.event.cause)
        }
        #expect(await Self.offered(engine) == 2)
        #expect(causes == ["batch", "batch"])
    }
}
