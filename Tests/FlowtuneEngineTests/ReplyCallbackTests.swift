import FlowtuneCore
import FlowtuneStore
import Foundation
import Synchronization
import Testing

@testable import FlowtuneEngine

@Suite("Commands submitted with a reply callback")
struct ReplyCallbackTests {
    /// What a callback was handed, and how many events the store had committed when it was.
    private struct Reply: Sendable {
        var result: Result<CommandOutcome, any Error>
        var committedBefore: Int
    }

    /// Collects replies from any thread.
    private final class Replies: Sendable {
        private let replies = Mutex<[Int: [Reply]]>([:])

        func add(_ reply: Reply, for index: Int) {
            replies.withLock { $0[index, default: []].append(reply) }
        }

        var all: [Int: [Reply]] { replies.withLock { $0 } }
    }

    /// Submits `command` with a callback and waits for its first reply; later replies (there must
    /// be none) are still recorded.
    private func submit(
        _ command: Command, _ index: Int, to engine: WorkspaceEngine, store: InstrumentedStore, into replies: Replies
    ) async -> Result<CommandOutcome, any Error> {
        await withCheckedContinuation { continuation in
            let first = Atomic<Bool>(true)
            engine.submit(command, actor: "api", cause: "test", reportingTask: true) { result in
                replies.add(Reply(result: result, committedBefore: store.appendedCounts.reduce(0, +)), for: index)
                if first.exchange(false, ordering: .relaxed) { continuation.resume(returning: result) }
            }
        }
    }

    @Test("each callback is called once, after the store holds the command's events, with the outcome the log shows")
    func answeredOnceWhenDurable() async throws {
        let store = InstrumentedStore(try SQLiteEventStore.inMemory())
        let engine = try await Desk.open(store: store, clock: ManualClock(), workers: 8)
        let start = await engine.committedVersion
        store.resetAppendedCounts()
        let replies = Replies()
        // Eight clients, each creating, accepting and completing five tasks through callbacks.
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<8 {
                group.addTask {
                    for round in 0..<5 {
                        let base = (client * 5 + round) * 3
                        let created = await submit(
                            .createTask(NewTask(id: TaskID("T\(client)-\(round)"), workflow: "desk")), base, to: engine,
                            store: store, into: replies)
                        guard case .success(let outcome) = created, let task = outcome.createdTask,
                            let worker = outcome.offeredWorker
                        else { continue }
                        _ = await submit(.acceptOffer(task, worker: worker), base + 1, to: engine, store: store, into: replies)
                        _ = await submit(
                            .completeStep(task, worker: worker, outcome: nil, evidence: [:]), base + 2, to: engine,
                            store: store, into: replies)
                    }
                }
            }
        }
        let all = replies.all
        #expect(all.count == 8 * 5 * 3)
        #expect(all.values.allSatisfy { $0.count == 1 })
        let log = try await store.read("desk", after: start, limit: .max)
        for (_, answered) in all {
            guard let reply = answered.first, case .success(let outcome) = reply.result else {
                Issue.record("a command was refused: \(String(describing: answered.first?.result))")
                continue
            }
            let last = outcome.firstSequence + Int64(outcome.events.count) - 1
            // Durable before the reply: the store had committed up to the command's last event.
            #expect(start + Int64(reply.committedBefore) >= last)
            let slice = log.filter { $0.sequence >= outcome.firstSequence && $0.sequence <= last }.map(\.event)
            #expect(slice == outcome.events)
        }
        // The task each completion reports has ended.
        let completions = all.filter { $0.key % 3 == 2 }.compactMap { try? $0.value.first?.result.get() }
        #expect(completions.count == 40)
        #expect(completions.allSatisfy { $0.task == nil && $0.finishedState == .completed })
        #expect(await engine.currentState == (try await foldedLog(store)).state)
    }

    @Test("a refused command's callback gets the refusal, once, and nothing is stored")
    func refusalAnswered() async throws {
        let store = InstrumentedStore(try SQLiteEventStore.inMemory())
        let engine = try await Desk.open(store: store, clock: ManualClock())
        let before = await engine.committedVersion
        let replies = Replies()
        let result = await submit(.acceptOffer("missing", worker: "w0"), 0, to: engine, store: store, into: replies)
        #expect(throws: CommandError.self) { try result.get() }
        try await engine.submit(.createTask(NewTask(id: "after", workflow: "desk")), actor: "api")
        #expect(replies.all[0]?.count == 1)
        #expect(await engine.committedVersion > before)
        #expect(try await store.read("desk", after: before, limit: .max).allSatisfy { $0.event.taskID == "after" })
    }

    @Test("a failed commit answers its callback with the store's error, once, and leaves no trace")
    func failedCommitAnswered() async throws {
        let store = InstrumentedStore(try SQLiteEventStore.inMemory())
        let engine = try await Desk.open(store: store, clock: ManualClock())
        store.failNextAppend()
        let replies = Replies()
        let result = await submit(.createTask(NewTask(id: "lost", workflow: "desk")), 0, to: engine, store: store, into: replies)
        #expect(throws: InjectedFailure.self) { try result.get() }
        // The engine has reloaded from the log: the task is gone and the next command is decided.
        let retried = await submit(.createTask(NewTask(id: "lost", workflow: "desk")), 1, to: engine, store: store, into: replies)
        #expect(try retried.get().createdTask == "lost")
        #expect(replies.all.mapValues(\.count) == [0: 1, 1: 1])
        #expect(await engine.currentState == (try await foldedLog(store)).state)
    }
}
