import FlowtuneCore
import FlowtuneStore
import Foundation
import Testing

@testable import FlowtuneEngine

@Suite("Acknowledgements and events encoded as decided")
struct AcknowledgementTests {
    /// What one command was answered with: its events when the caller asked for them.
    private struct Answer: Sendable {
        var firstSequence: Int64
        var eventCount: Int
        var events: [Event]?
        var createdTask: TaskID?
        var offeredWorker: WorkerID?
        var command: String
    }

    /// Runs `lifecycles` create → accept → complete lifecycles from `clients` concurrent clients,
    /// every other client through ``WorkspaceEngine/acknowledge(_:actor:cause:)``.
    private func runLifecycles(_ engine: WorkspaceEngine, clients: Int, lifecycles: Int) async throws -> [Answer] {
        try await withThrowingTaskGroup(of: [Answer].self) { group in
            for client in 0..<clients {
                group.addTask {
                    var answers: [Answer] = []
                    let acknowledges = client % 2 == 0
                    func run(_ command: Command, _ name: String, actor: String) async throws -> Answer {
                        if acknowledges {
                            let ack = try await engine.acknowledge(command, actor: actor)
                            return Answer(
                                firstSequence: ack.firstSequence, eventCount: ack.eventCount, createdTask: ack.createdTask,
                                offeredWorker: ack.offeredWorker, command: name)
                        }
                        let outcome = try await engine.submit(command, actor: actor)
                        return Answer(
                            firstSequence: outcome.firstSequence, eventCount: outcome.events.count, events: outcome.events,
                            createdTask: outcome.createdTask, offeredWorker: outcome.offeredWorker, command: name)
                    }
                    for index in 0..<lifecycles {
                        let created = try await run(
                            .createTask(NewTask(id: TaskID("C\(client)-\(index)"), workflow: "desk")), "create", actor: "api")
                        answers.append(created)
                        guard let task = created.createdTask, let worker = created.offeredWorker else { continue }
                        answers.append(try await run(.acceptOffer(task, worker: worker), "accept", actor: worker.rawValue))
                        answers.append(try await run(
                            .completeStep(task, worker: worker, outcome: nil, evidence: [:]), "complete", actor: worker.rawValue))
                    }
                    return answers
                }
            }
            var all: [Answer] = []
            for try await answers in group { all += answers }
            return all
        }
    }

    @Test("what each caller is answered with is what the log holds at the positions it names, with or without the events")
    func answersMatchTheLog() async throws {
        let store = InstrumentedStore(try SQLiteEventStore.inMemory())
        // As many workers as clients: every creation is offered at once.
        let engine = try await Desk.open(store: store, clock: ManualClock(), workers: 6)
        let start = await engine.committedVersion
        store.resetAppendedCounts()
        let answers = try await runLifecycles(engine, clients: 6, lifecycles: 8)
        let end = await engine.committedVersion
        let log = try await store.read("desk", after: start, limit: .max)
        #expect(log.map(\.sequence) == Array((start + 1)...end))
        // Commands gathered into shared commits.
        #expect(store.appendedCounts.count < answers.count)

        #expect(answers.count == 6 * 8 * 3)
        #expect(answers.reduce(0) { $0 + $1.eventCount } == log.count)
        var covered = Set<Int64>()
        for answer in answers {
            let slice = log.filter { $0.sequence >= answer.firstSequence && $0.sequence < answer.firstSequence + Int64(answer.eventCount) }
            #expect(slice.count == answer.eventCount)
            #expect(answer.eventCount > 0)
            covered.formUnion(slice.map(\.sequence))
            if let events = answer.events { #expect(slice.map(\.event) == events) }
            switch answer.command {
            case "create":
                guard case .taskCreated(let created) = slice.first?.event.payload else {
                    Issue.record("a creation's first event is not TaskCreated")
                    continue
                }
                #expect(created.task == answer.createdTask)
                let offered = slice.compactMap { stored -> WorkerID? in
                    if case .taskOffered(created.task, let worker, _, let decision) = stored.event.payload {
                        // The explanation is stored in full whichever way the caller was answered.
                        #expect(decision.candidates.count >= 1)
                        return worker
                    }
                    return nil
                }
                #expect(offered.first == answer.offeredWorker)
                #expect(answer.offeredWorker != nil)
            case "accept":
                #expect(slice.contains { if case .offerAccepted = $0.event.payload { true } else { false } })
                #expect(answer.offeredWorker == nil)
            default:
                #expect(slice.contains { if case .stepCompleted = $0.event.payload { true } else { false } })
            }
        }
        #expect(covered.count == log.count)
        // The state the engine holds is the fold of the log it wrote.
        #expect(await engine.currentState == (try await foldedLog(store)).state)
    }

    @Test("a subscription started while commands are in flight gets a gap-free run of the log up to its end")
    func subscriptionJoiningMidBatch() async throws {
        let store = try SQLiteEventStore.inMemory()
        let engine = try await Desk.open(store: store, clock: ManualClock(), workers: 4)
        let running = Task { try await runLifecycles(engine, clients: 4, lifecycles: 10) }
        // Let some commands be decided and committed before subscribing.
        while await engine.committedVersion < 20 { await Task.yield() }
        let commits = await engine.subscribeToCommits()
        let single = await engine.subscribe()
        let answers = try await running.value
        let end = await engine.committedVersion
        // Nothing is in flight now: a command after the run is published whole.
        let last = try await engine.acknowledge(.createTask(NewTask(id: "after", workflow: "desk")), actor: "api")
        await engine.finishSubscriptions()

        var received: [StoredEvent] = []
        for await commit in commits { received += commit }
        var one: [StoredEvent] = []
        for await stored in single { one.append(stored) }
        let log = try await store.read("desk", after: 0, limit: .max)

        #expect(answers.count == 4 * 10 * 3)
        #expect(received == one)
        guard let first = received.first else {
            Issue.record("nothing was published")
            return
        }
        #expect(received.map(\.sequence) == Array(first.sequence...last.lastSequence))
        #expect(received == Array(log[Int(first.sequence - 1)...]))
        #expect(last.lastSequence > end)
    }

    @Test("an acknowledged command whose commit fails is refused and leaves no trace; the engine goes on")
    func failedCommitThroughAcknowledge() async throws {
        let store = InstrumentedStore(try SQLiteEventStore.inMemory())
        let engine = try await Desk.open(store: store, clock: ManualClock())
        try await engine.acknowledge(.createTask(NewTask(id: "kept", workflow: "desk")), actor: "api")
        store.failNextAppend()
        await #expect(throws: InjectedFailure.self) {
            try await engine.acknowledge(.createTask(NewTask(id: "lost", workflow: "desk")), actor: "api")
        }
        #expect(await engine.currentState.task("lost") == nil)
        #expect(await engine.currentState == (try await foldedLog(store)).state)
        let again = try await engine.acknowledge(.createTask(NewTask(id: "lost", workflow: "desk")), actor: "api")
        #expect(again.createdTask == "lost")
        let log = try await store.read("desk", after: again.firstSequence - 1, limit: .max)
        #expect(log.count == again.eventCount)
        #expect(log.first?.event.taskID == "lost")
    }

    @Test("a command whose events the log cannot hold is refused as invalid, and nothing of it is kept")
    func unencodableCommand() async throws {
        let store = try SQLiteEventStore.inMemory()
        let engine = try await Desk.open(store: store, clock: ManualClock())
        var deep: JSONValue = 1
        for _ in 0..<(EventCodec.maximumJSONDepth + 1) { deep = .array([deep]) }
        let error = await #expect(throws: EventStoreError.self) {
            try await engine.acknowledge(.createTask(NewTask(id: "deep", workflow: "desk", attributes: ["deep": deep])), actor: "api")
        }
        #expect(error?.code == .invalidEvent)
        #expect(await engine.currentState.task("deep") == nil)
        #expect(await engine.currentState == (try await foldedLog(store)).state)
        let outcome = try await engine.submit(.createTask(NewTask(id: "shallow", workflow: "desk")), actor: "api")
        #expect(outcome.createdTask == "shallow")
        #expect(try await store.read("desk", after: outcome.firstSequence - 1, limit: .max).map(\.event) == outcome.events)
    }
}
