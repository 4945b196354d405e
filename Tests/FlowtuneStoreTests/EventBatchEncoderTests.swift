import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneStore

@Suite("EventBatchEncoder")
struct EventBatchEncoderTests {
    /// An event the format cannot hold: JSON nested deeper than the codec reads.
    private static var unencodable: Event {
        var deep: JSONValue = 1
        for _ in 0..<(EventCodec.maximumJSONDepth + 1) { deep = .array([deep]) }
        return Event(
            time: SampleEvents.start, actor: "api",
            payload: .taskCreated(TaskCreated(
                task: "task-deep", workflow: "claims", workflowVersion: 1, channel: .default, priority: 5,
                attributes: deep)))
    }

    @Test("events encoded as they are decided are the bytes, chunks and index entries of the events encoded at once")
    func sameBytesAsEncodingAtOnce() throws {
        // Every kind of event, and enough lifecycles to close chunks by count.
        let groups = [SampleEvents.everyCase, [], SampleEvents.lifecycles(1_500), SampleEvents.lifecycle(task: 9_999)]
        var encoder = EventBatchEncoder()
        for group in groups { encoder.add(group) }
        #expect(encoder.count == groups.reduce(0) { $0 + $1.count })
        let encoded = encoder.take()
        let direct = try EncodedBatch(groups.flatMap { $0 })

        #expect(encoded.batch.bytes == direct.bytes)
        #expect(encoded.batch.chunks.map(\.bytes) == direct.chunks.map(\.bytes))
        #expect(encoded.batch.chunks.count > 1)
        #expect(encoded.batch.taskEntries.map(\.event) == direct.taskEntries.map(\.event))
        #expect(try encoded.events() == groups.flatMap { $0 })
        // The encoder starts the next batch empty.
        #expect(encoder.count == 0)
        encoder.add(SampleEvents.lifecycle(task: 1))
        #expect(try encoder.take().events() == SampleEvents.lifecycle(task: 1))
    }

    @Test("an encoded batch appends as its events do: the same log, the same task index, the same version checks")
    func appendsAsEvents() async throws {
        try await withTemporaryDirectory { directory in
            let encodedStore = try SQLiteEventStore(path: directory.appendingPathComponent("encoded.db").path, taskIndexWindow: 7)
            let plainStore = try SQLiteEventStore(path: directory.appendingPathComponent("plain.db").path, taskIndexWindow: 7)
            defer {
                try? encodedStore.close()
                try? plainStore.close()
            }
            let events = SampleEvents.lifecycles(120)
            var encoder = EventBatchEncoder()
            var version: Int64 = 0
            // Batches of uneven sizes, cutting lifecycles apart, across several index windows.
            for range in [0..<5, 5..<6, 6..<50, 50..<events.count] {
                encoder.add(Array(events[range]))
                version = try await encodedStore.append(encoder.take(), to: "acme", expectedVersion: version)
            }
            _ = try await plainStore.append(events, to: "acme", expectedVersion: 0)

            #expect(version == Int64(events.count))
            #expect(try await encodedStore.read("acme", after: 0, limit: .max) == (try await plainStore.read("acme", after: 0, limit: .max)))
            for task in Set(events.compactMap(\.taskID)) {
                let history = try await encodedStore.events(of: task, in: "acme")
                #expect(!history.isEmpty)
                #expect(history == (try await plainStore.events(of: task, in: "acme")))
            }
            encoder.add(SampleEvents.lifecycle(task: 77))
            let error = await #expect(throws: EventStoreError.self) {
                try await encodedStore.append(encoder.take(), to: "acme", expectedVersion: 3)
            }
            #expect(error?.code == .versionConflict)
            #expect(try await encodedStore.version(of: "acme") == version)
        }
    }

    @Test("an event the format cannot hold fails the whole batch, named by its place, and writes nothing")
    func unencodableEventFailsTheBatch() async throws {
        let store = try SQLiteEventStore.inMemory()
        var encoder = EventBatchEncoder()
        encoder.add(SampleEvents.lifecycle(task: 1))
        encoder.add([Self.unencodable])
        encoder.add(SampleEvents.lifecycle(task: 2))
        let batch = encoder.take()
        let error = await #expect(throws: EventStoreError.self) {
            try await store.append(batch, to: "acme", expectedVersion: 0)
        }
        #expect(error?.code == .invalidEvent)
        let message = error?.message ?? ""
        #expect(message.contains("event \(SampleEvents.lifecycle(task: 1).count + 1) of the batch (TaskCreated)"), "\(message)")
        #expect(try await store.version(of: "acme") == 0)
        #expect(throws: EventStoreError.self) { try batch.events() }
        // The failure belongs to that batch only.
        encoder.add(SampleEvents.lifecycle(task: 3))
        #expect(try await store.append(encoder.take(), to: "acme", expectedVersion: 0) == Int64(SampleEvents.lifecycle(task: 3).count))
    }
}
