import FlowtuneCore
import FlowtuneStore
import Foundation
import Testing

@testable import FlowtuneEngine

@Suite("Commit chain")
struct CommitChainTests {
    /// Runs `clients` concurrent clients, each creating, accepting and completing `lifecycles`
    /// tasks through `acknowledge`, checking after every answer that the log already holds the
    /// command's events.
    private static func runClients(
        _ engine: WorkspaceEngine, store: SQLiteEventStore, clients: Int, lifecycles: Int
    ) async throws -> Int {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    var answered = 0
                    for _ in 0..<lifecycles {
                        let created = try await engine.acknowledge(.createTask(NewTask(workflow: "desk")), actor: "api")
                        // Answered means durable: the store's version already covers the command's events.
                        #expect(try await store.version(of: "desk") >= created.lastSequence)
                        let task = try #require(created.createdTask)
                        let worker = try #require(created.offeredWorker)
                        let accepted = try await engine.acknowledge(.acceptOffer(task, worker: worker), actor: worker.rawValue)
                        #expect(try await store.version(of: "desk") >= accepted.lastSequence)
                        let completed = try await engine.acknowledge(
                            .completeStep(task, worker: worker, outcome: nil, evidence: [:]), actor: worker.rawValue)
                        #expect(try await store.version(of: "desk") >= completed.lastSequence)
                        #expect(completed.eventCount > 0)
                        answered += 3
                    }
                    return answered
                }
            }
            var answered = 0
            for try await count in group { answered += count }
            return answered
        }
    }

    @Test("under many concurrent clients every answer comes after its events are in the log, and the log folds to the state")
    func answersOnlyAfterCommit() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        let store = try SQLiteEventStore(path: database.path, durability: .normal)
        defer { try? store.close() }
        let engine = try await Desk.open(store: store, clock: ManualClock(), workers: 40)
        let answered = try await Self.runClients(engine, store: store, clients: 40, lifecycles: 5)
        #expect(answered == 600)
        let (events, folded) = try await foldedLog(store)
        #expect(events.filter { $0.type == "StepCompleted" }.count == 200)
        #expect(folded == (await engine.currentState))
        #expect(await engine.committedVersion == Int64(events.count))
    }

    @Test("a traced engine accounts for every command once, and each batch's links follow one another in time")
    func tracedLinksInOrder() async throws {
        let database = try TemporaryDatabase()
        defer { database.cleanUp() }
        let store = try SQLiteEventStore(path: database.path, durability: .normal, tracingAppends: true)
        defer { try? store.close() }
        let engine = try await WorkspaceEngine.open("desk", store: store, clock: ManualClock(), tracingCommits: true)
        let setUp = Desk.commands(workers: 30)
        for command in setUp { try await engine.submit(command, actor: "test") }
        _ = try await Self.runClients(engine, store: store, clients: 30, lifecycles: 3)

        let trace = try #require(await engine.commitTrace())
        let appends = try #require(store.appendTrace?.appends)
        let commands = setUp.count + 30 * 3 * 3
        #expect(trace.batches.reduce(0) { $0 + $1.commands } == commands)
        #expect(trace.inboxToDecide.count == commands)
        let appended = trace.batches.filter { $0.events > 0 }
        #expect(appended.reduce(0) { $0 + $1.events } == Int(try await store.version(of: "desk")))
        #expect(appended.count == appends.count)
        #expect(appends.count < commands, "\(commands) commands took \(appends.count) appends")
        for (batch, append) in zip(appended, appends) {
            #expect(batch.events == append.events)
            #expect(batch.handedAt <= append.calledAt)
            #expect(append.calledAt <= append.startedAt)
            #expect(append.startedAt <= append.writtenAt)
            #expect(append.writtenAt <= append.committedAt)
            #expect(batch.returnedAt == 0 || append.committedAt <= batch.returnedAt)
        }
        for batch in trace.batches where batch.resumeEndedAt > 0 {
            #expect(batch.handedAt <= batch.returnedAt)
            #expect(batch.returnedAt <= batch.resumeStartedAt)
            #expect(batch.resumeStartedAt <= batch.resumeEndedAt)
        }
        #expect(trace.actorBusyNanoseconds > 0)
        // Untraced engines and stores keep nothing.
        let plain = try await WorkspaceEngine.open("desk", store: store, clock: ManualClock())
        #expect(await plain.commitTrace() == nil)
        #expect(try SQLiteEventStore.inMemory().appendTrace == nil)
    }
}
