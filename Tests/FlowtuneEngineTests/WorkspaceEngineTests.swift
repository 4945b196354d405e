import FlowtuneCore
import FlowtuneStore
import Foundation
import Testing

@testable import FlowtuneEngine

@Suite("Workspace engine")
struct WorkspaceEngineTests {
    @Test("a created task is routed, and the acknowledged events are in the store")
    func acknowledgedMeansStored() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        let store = try SQLiteEventStore(path: database.path)
        let engine = try await Desk.open(store: store, clock: ManualClock())
        let outcome = try await engine.submit(.createTask(NewTask(workflow: "desk")), actor: "api")
        let task = try #require(outcome.createdTask)
        #expect(outcome.events.map(\.type) == ["TaskCreated", "TaskRouted"])
        let stored = try await store.events(of: task, in: "desk")
        #expect(stored.map(\.event) == outcome.events)
        #expect(stored.first?.sequence == outcome.firstSequence)
    }

    @Test("state survives a restart: reopening folds the log back to the same state")
    func restartRecoversState() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        let clock = ManualClock()
        let before: WorkspaceState
        do {
            let store = try SQLiteEventStore(path: database.path)
            let engine = try await Desk.open(store: store, clock: clock, workers: 2)
            for _ in 0..<5 { try await engine.submit(.createTask(NewTask(workflow: "desk")), actor: "api") }
            let offered = await engine.currentState.tasks.values.compactMap { task -> (TaskID, WorkerID)? in
                if case .offered(let worker, _) = task.state { return (task.id, worker) }
                return nil
            }
            for (task, worker) in offered { try await engine.submit(.acceptOffer(task, worker: worker), actor: worker.rawValue) }
            before = await engine.currentState
            try store.close()
        }
        let reopened = try SQLiteEventStore(path: database.path)
        let engine = try await WorkspaceEngine.open("desk", store: reopened, clock: clock)
        let after = await engine.currentState
        #expect(after == before)
        #expect(after.tasks.count == 5)
        #expect(after.queues[0].waitingCount == 3)
        // Work continues where it stopped: completing an accepted task frees its worker for the next one.
        let assigned = try #require(after.tasks.values.first { if case .assigned = $0.state { true } else { false } })
        let outcome = try await engine.submit(
            .completeStep(assigned.id, worker: assigned.state.worker!, outcome: nil, evidence: [:]),
            actor: assigned.state.worker!.rawValue)
        #expect(outcome.events.map(\.type) == ["StepCompleted", "TaskRouted"])
    }

    @Test("concurrent commands share transactions: fewer appends than commands, nothing lost")
    func groupCommit() async throws {
        let store = InstrumentedStore(try SQLiteEventStore.inMemory())
        let engine = try await Desk.open(store: store, clock: ManualClock(), workers: 50)
        let appendsBefore = store.appends
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<200 {
                group.addTask { try await engine.submit(.createTask(NewTask(workflow: "desk")), actor: "api") }
            }
            try await group.waitForAll()
        }
        let appends = store.appends - appendsBefore
        #expect(appends < 200, "200 commands took \(appends) transactions")
        let (events, folded) = try await foldedLog(store)
        #expect(events.filter { $0.type == "TaskCreated" }.count == 200)
        #expect(folded == (await engine.currentState))
    }

    @Test("an outcome asked to report its task carries the task as the command left it, or how it ended")
    func outcomeReportsTask() async throws {
        let store = try SQLiteEventStore.inMemory()
        let engine = try await Desk.open(store: store, clock: ManualClock())
        let created = try await engine.submit(.createTask(NewTask(workflow: "desk")), actor: "api", reportingTask: true)
        let id = try #require(created.createdTask)
        #expect(created.task == (await engine.currentState.task(id)))
        let worker = try #require(created.task?.state.worker)
        #expect(created.task?.state.name == "offered")

        let accepted = try await engine.submit(.acceptOffer(id, worker: worker), actor: worker.rawValue, reportingTask: true)
        #expect(accepted.task?.state == .assigned(worker: worker))
        #expect(accepted.task == (await engine.currentState.task(id)))
        #expect(accepted.finishedState == nil)

        let completed = try await engine.submit(
            .completeStep(id, worker: worker, outcome: nil, evidence: [:]), actor: worker.rawValue, reportingTask: true)
        #expect(completed.task == nil)
        #expect(completed.finishedState == .completed)
        #expect(completed.finishedState == (await engine.currentState.finished[id]))

        // Not asked for, or a command about no task: nothing is reported.
        let plain = try await engine.submit(.createTask(NewTask(workflow: "desk")), actor: "api")
        #expect(plain.task == nil && plain.finishedState == nil)
        let timers = try await engine.submit(.fireTimers, actor: "system", reportingTask: true)
        #expect(timers.task == nil && timers.finishedState == nil)
    }

    @Test("commands submitted at once from many callers are each answered once, refusals at once and in full")
    func manyCallersEachAnswered() async throws {
        let store = InstrumentedStore(try SQLiteEventStore.inMemory())
        let engine = try await Desk.open(store: store, clock: ManualClock(), workers: 20)
        let results = await withTaskGroup(of: (Int, Result<CommandOutcome, any Error>).self) { group in
            for index in 0..<300 {
                group.addTask {
                    // Every third command is refused: a task of a workflow that does not exist.
                    let workflow: WorkflowID = index % 3 == 0 ? "missing" : "desk"
                    do {
                        return (index, .success(try await engine.submit(
                            .createTask(NewTask(id: TaskID("t\(index)"), workflow: workflow)), actor: "api")))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results: [Int: Result<CommandOutcome, any Error>] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }
        #expect(results.count == 300)
        let (events, folded) = try await foldedLog(store)
        for (index, result) in results {
            switch result {
            case .success(let outcome):
                #expect(index % 3 != 0)
                #expect(outcome.createdTask == TaskID("t\(index)"))
                // The sequence it was given is where its events lie in the log.
                let first = Int(outcome.firstSequence) - 1
                #expect(Array(events[first..<(first + outcome.events.count)]) == outcome.events)
            case .failure(let error):
                #expect(index % 3 == 0)
                #expect(error is CommandError)
            }
        }
        #expect(events.filter { $0.type == "TaskCreated" }.count == 200)
        #expect(folded == (await engine.currentState))
    }

    @Test("a failed commit refuses its command and leaves no trace, in memory or in the log")
    func failedCommitRollsBack() async throws {
        let store = InstrumentedStore(try SQLiteEventStore.inMemory())
        let engine = try await Desk.open(store: store, clock: ManualClock())
        try await engine.submit(.createTask(NewTask(id: "kept", workflow: "desk")), actor: "api")
        store.failNextAppend()
        await #expect(throws: InjectedFailure.self) {
            try await engine.submit(.createTask(NewTask(id: "lost", workflow: "desk")), actor: "api")
        }
        let state = await engine.currentState
        #expect(state.task("kept") != nil)
        #expect(state.task("lost") == nil)
        #expect(state == (try await foldedLog(store)).state)
        // The engine goes on working from the durable state.
        try await engine.submit(.createTask(NewTask(id: "lost", workflow: "desk")), actor: "api")
        #expect(await engine.currentState.task("lost") != nil)
    }

    @Test("a retried creation with the same idempotency key returns the same task and appends nothing")
    func idempotentRetry() async throws {
        let store = InstrumentedStore(try SQLiteEventStore.inMemory())
        let engine = try await Desk.open(store: store, clock: ManualClock())
        let request = NewTask(workflow: "desk", attributes: ["order": 42], idempotencyKey: "order-42")
        async let first = engine.submit(.createTask(request), actor: "api")
        async let second = engine.submit(.createTask(request), actor: "api")
        let (a, b) = try await (first, second)
        #expect(a.createdTask == b.createdTask)
        let created = try await foldedLog(store).events.filter { $0.type == "TaskCreated" }
        #expect(created.count == 1)
        var other = request
        other.attributes = ["order": 43]
        await #expect(throws: CommandError.self) { try await engine.submit(.createTask(other), actor: "api") }
    }

    @Test("timers fire from the clock: an unanswered offer is re-offered and the change is durable")
    func offerTimeoutThroughEngine() async throws {
        let store = try SQLiteEventStore.inMemory()
        let clock = ManualClock()
        let engine = try await Desk.open(store: store, clock: clock, workers: 2)
        let created = try await engine.submit(.createTask(NewTask(workflow: "desk")), actor: "api")
        let task = try #require(created.createdTask)
        let first = try #require(await engine.currentState.task(task)?.state.worker)
        clock.advance(by: 29)
        #expect(try await engine.fireDueTimers().isEmpty)
        clock.advance(by: 1)
        let fired = try await engine.fireDueTimers()
        #expect(fired.map(\.type) == ["OfferDeclined", "TaskRouted"])
        let second = try #require(await engine.currentState.task(task)?.state.worker)
        #expect(second != first)
        let stored = try await store.events(of: task, in: "desk").map(\.event.type)
        #expect(stored == ["TaskCreated", "TaskRouted", "OfferDeclined", "TaskRouted"])
    }

    @Test("subscribers receive committed events in log order with their sequence numbers")
    func subscription() async throws {
        let store = try SQLiteEventStore.inMemory()
        let engine = try await Desk.open(store: store, clock: ManualClock())
        let start = await engine.committedVersion
        let stream = await engine.subscribe()
        try await engine.submit(.createTask(NewTask(workflow: "desk")), actor: "api")
        try await engine.submit(.createTask(NewTask(workflow: "desk")), actor: "api")
        var received: [StoredEvent] = []
        for await event in stream {
            received.append(event)
            if received.count == 4 { break }
        }
        #expect(received.map(\.sequence) == Array((start + 1)...(start + 4)))
        #expect(received.map(\.event.type) == ["TaskCreated", "TaskRouted", "TaskCreated", "TaskRouted"])
    }
}
