import FlowtuneCore
import FlowtuneStore
import Foundation
import Testing

@testable import FlowtuneEngine

@Suite("Commits spaced in time")
struct CommitSpacingTests {
    @Test("with commits spaced, every command is still answered once durable, and no two appends start closer than the spacing")
    func spacedCommits() async throws {
        let store = InstrumentedStore(try SQLiteEventStore.inMemory())
        let engine = try await Desk.open(store: store, clock: ManualClock(), workers: 10)
        let spacing = Duration.milliseconds(20)
        await engine.spaceCommits(by: spacing)
        let start = await engine.committedVersion
        let appendsBefore = store.appends
        let began = ContinuousClock.now
        // Ten clients, each running four lifecycles, every command waiting for the one before.
        let answered = try await withThrowingTaskGroup(of: Int.self) { group in
            for client in 0..<10 {
                group.addTask {
                    var count = 0
                    for round in 0..<4 {
                        let created = try await engine.submit(
                            .createTask(NewTask(id: TaskID("S\(client)-\(round)"), workflow: "desk")), actor: "api")
                        count += 1
                        guard let task = created.createdTask, let worker = created.offeredWorker else { continue }
                        try await engine.submit(.acceptOffer(task, worker: worker), actor: worker.rawValue)
                        try await engine.submit(
                            .completeStep(task, worker: worker, outcome: nil, evidence: [:]), actor: worker.rawValue)
                        count += 2
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - began
        let appends = store.appends - appendsBefore
        #expect(answered == 10 * 4 * 3)
        // The first append starts at once; each later one at least `spacing` after the one before.
        #expect(appends >= 2)
        #expect(Double(appends - 1) <= elapsed / spacing + 0.001)
        // Many commands shared each commit: 120 commands in far fewer appends.
        #expect(appends * 4 <= answered)
        let log = try await store.read("desk", after: start, limit: .max)
        #expect(log.map(\.sequence) == Array((start + 1)...(await engine.committedVersion)))
        #expect(await engine.currentState == (try await foldedLog(store)).state)
    }
}
