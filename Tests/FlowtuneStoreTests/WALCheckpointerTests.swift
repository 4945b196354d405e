import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneStore

@Suite("Write-ahead log checkpoints")
struct WALCheckpointerTests {
    private func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }

    @Test("the writer's own checkpoint threshold is SQLite's 1,000 pages until set")
    func automaticCheckpointSetting() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteEventStore(path: directory.appendingPathComponent("events.db").path)
            defer { try? store.close() }
            #expect(try await store.automaticCheckpointPages() == 1000)
            try await store.setAutomaticCheckpoint(pages: 16_384)
            #expect(try await store.automaticCheckpointPages() == 16_384)
            try await store.setAutomaticCheckpoint(pages: 0)
            #expect(try await store.automaticCheckpointPages() == 0)
        }
    }

    @Test("a background checkpoint copies the log into the database file, and the writer then starts the log over")
    func backgroundCheckpoint() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("events.db").path
            let store = try SQLiteEventStore(path: path)
            defer { try? store.close() }
            // The writer never checkpoints: everything appended stays in the log until the
            // checkpointer copies it.
            try await store.setAutomaticCheckpoint(pages: 0)
            let events = SampleEvents.lifecycles(400)
            var version: Int64 = 0
            for start in stride(from: 0, to: events.count, by: 100) {
                version = try await store.append(Array(events[start..<start + 100]), to: "acme", expectedVersion: version)
            }
            let fileBefore = try fileSize(path)
            let logBefore = try fileSize(path + "-wal")
            #expect(logBefore > fileBefore)

            let checkpointer = try WALCheckpointer(path: path)
            defer { try? checkpointer.close() }
            let first = try checkpointer.checkpoint()
            #expect(first.ran)
            #expect(first.logFrames > 0)
            // No reader holds an older snapshot, so every frame is copied.
            #expect(first.copiedFrames == first.logFrames)
            #expect(try fileSize(path) > fileBefore)

            // With the whole log copied, the next commit writes from the log's start: the log
            // now holds that commit's frames only.
            version = try await store.append(SampleEvents.lifecycle(task: 10_000), to: "acme", expectedVersion: version)
            let second = try checkpointer.checkpoint()
            #expect(second.ran)
            #expect(second.logFrames > 0 && second.logFrames < first.logFrames)
            #expect(second.copiedFrames == second.logFrames)

            // Nothing was lost or changed on the way.
            let stored = try await store.read("acme", after: 0, limit: 10_000)
            #expect(stored.map(\.event) == events + SampleEvents.lifecycle(task: 10_000))
            #expect(try await store.version(of: "acme") == version)
        }
    }

    @Test("a store reopened after background checkpoints reads the whole log")
    func reopenAfterCheckpoints() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("events.db").path
            let events = SampleEvents.lifecycles(120)
            do {
                let store = try SQLiteEventStore(path: path)
                try await store.setAutomaticCheckpoint(pages: 0)
                let checkpointer = try WALCheckpointer(path: path)
                var version: Int64 = 0
                // Appends and checkpoints interleaved, as a server's timer interleaves them.
                for start in stride(from: 0, to: events.count, by: 40) {
                    version = try await store.append(Array(events[start..<start + 40]), to: "acme", expectedVersion: version)
                    #expect(try checkpointer.checkpoint().ran)
                }
                try checkpointer.close()
                try store.close()
            }
            let reopened = try SQLiteEventStore(path: path)
            defer { try? reopened.close() }
            #expect(try await reopened.version(of: "acme") == Int64(events.count))
            #expect(try await reopened.read("acme", after: 0, limit: 1_000).map(\.event) == events)
        }
    }
}
