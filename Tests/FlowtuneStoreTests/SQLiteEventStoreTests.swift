import FlowtuneCore
import Foundation
import GRDB
import Synchronization
import Testing

@testable import FlowtuneStore

/// Collects what a replay hands over, from its `@Sendable` closure.
private final class BatchRecorder: Sendable {
    private let batches = Mutex<[[StoredEvent]]>([])

    func record(_ batch: [StoredEvent]) { batches.withLock { $0.append(batch) } }
    var all: [[StoredEvent]] { batches.withLock { $0 } }
    var events: [StoredEvent] { all.flatMap { $0 } }
}

@Suite("SQLiteEventStore")
struct SQLiteEventStoreTests {
    private func withStore<T>(
        replayBatchSize: Int = 10_000, taskIndexWindow: Int = SQLiteEventStore.defaultTaskIndexWindow,
        _ body: (SQLiteEventStore, String) async throws -> T
    ) async throws -> T {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("events.db").path
            let store = try SQLiteEventStore(path: path, replayBatchSize: replayBatchSize, taskIndexWindow: taskIndexWindow)
            defer { try? store.close() }
            return try await body(store, path)
        }
    }

    /// The events of several commands, one array per command, encoded as the engine encodes a
    /// group commit: each command's events added as it is decided.
    private static func encoded(_ groups: [[Event]]) -> EncodedEvents {
        var encoder = EventBatchEncoder()
        for group in groups { encoder.add(group) }
        return encoder.take()
    }

    @Test("appended events read back in order with gap-free sequences")
    func appendThenRead() async throws {
        try await withStore { store, _ in
            let events = SampleEvents.lifecycles(10)
            #expect(try await store.append(Array(events[0..<6]), to: "acme", expectedVersion: 0) == 6)
            #expect(try await store.append(Array(events[6...]), to: "acme", expectedVersion: 6) == 10)
            #expect(try await store.version(of: "acme") == 10)

            let all = try await store.read("acme", after: 0, limit: 100)
            #expect(all.map(\.event) == events)
            #expect(all.map(\.sequence) == Array(1...10))
            #expect(all.allSatisfy { $0.workspace == "acme" })

            let middle = try await store.read("acme", after: 4, limit: 3)
            #expect(middle.map(\.sequence) == [5, 6, 7])
            #expect(middle.map(\.event) == Array(events[4..<7]))
            #expect(try await store.read("acme", after: 10, limit: 5).isEmpty)
            #expect(try await store.read("acme", after: 0, limit: .max).map(\.event) == events)
            #expect(try await store.read("acme", after: 0, limit: 0).isEmpty)
        }
    }

    @Test("replay hands over the log in order, in batches of the configured size")
    func replayInBatches() async throws {
        try await withStore(replayBatchSize: 3) { store, _ in
            let events = SampleEvents.lifecycles(10)
            _ = try await store.append(events, to: "acme", expectedVersion: 0)

            let everything = BatchRecorder()
            try await store.replay("acme", after: 0) { everything.record($0) }
            #expect(everything.all.map(\.count) == [3, 3, 3, 1])
            #expect(everything.events.map(\.event) == events)
            #expect(everything.events.map(\.sequence) == Array(1...10))

            let tail = BatchRecorder()
            try await store.replay("acme", after: 4) { tail.record($0) }
            #expect(tail.all.map(\.count) == [3, 3])
            #expect(tail.events.map(\.sequence) == Array(5...10))

            let nothing = BatchRecorder()
            try await store.replay("acme", after: 10) { nothing.record($0) }
            try await store.replay("elsewhere", after: 0) { nothing.record($0) }
            #expect(nothing.all.isEmpty)
        }
    }

    @Test("an error thrown by the replay closure stops the replay and reaches the caller")
    func replayStopsOnError() async throws {
        struct Stop: Error {}
        try await withStore(replayBatchSize: 2) { store, _ in
            _ = try await store.append(SampleEvents.lifecycles(8), to: "acme", expectedVersion: 0)
            let seen = BatchRecorder()
            await #expect(throws: Stop.self) {
                try await store.replay("acme", after: 0) { batch in
                    seen.record(batch)
                    if seen.all.count == 2 { throw Stop() }
                }
            }
            #expect(seen.events.map(\.sequence) == [1, 2, 3, 4])
        }
    }

    @Test("a stale expected version writes nothing and leaves the log intact")
    func versionConflict() async throws {
        try await withStore { store, _ in
            let first = SampleEvents.lifecycle(task: 1)
            _ = try await store.append(first, to: "acme", expectedVersion: 0)

            for expected: Int64 in [0, 2, 5, -1] {
                let error = await #expect(throws: EventStoreError.self) {
                    try await store.append(SampleEvents.lifecycle(task: 2), to: "acme", expectedVersion: expected)
                }
                #expect(error?.code == .versionConflict)
                #expect(error?.message.contains("workspace acme is at version 4") == true)
            }
            #expect(try await store.version(of: "acme") == 4)
            #expect(try await store.read("acme", after: 0, limit: 100).map(\.event) == first)
            #expect(try await store.events(of: "task-2", in: "acme").isEmpty)
            let rows = try await store.database.read { try Int.fetchOne($0, sql: "SELECT SUM(count) FROM event_chunks") }
            #expect(rows == 4)
        }
    }

    @Test("of two writers appending at the same version, exactly one wins")
    func racingWriters() async throws {
        try await withStore { store, _ in
            let outcomes = await withTaskGroup(of: Result<Int64, any Error>.self) { group in
                for task in 0..<2 {
                    group.addTask {
                        do {
                            return .success(try await store.append(
                                SampleEvents.lifecycle(task: task), to: "acme", expectedVersion: 0))
                        } catch {
                            return .failure(error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let versions = outcomes.compactMap { try? $0.get() }
            #expect(versions == [4])
            let conflicts = outcomes.compactMap { outcome -> EventStoreError? in
                if case .failure(let error) = outcome { return error as? EventStoreError }
                return nil
            }
            #expect(conflicts.map(\.code) == [.versionConflict])
            let stored = try await store.read("acme", after: 0, limit: 100)
            #expect(stored.count == 4)
        }
    }

    @Test("an empty append checks the version and changes nothing")
    func emptyAppend() async throws {
        try await withStore { store, _ in
            #expect(try await store.append([], to: "acme", expectedVersion: 0) == 0)
            #expect(try await store.workspaces().isEmpty)
            _ = try await store.append(SampleEvents.lifecycle(task: 1), to: "acme", expectedVersion: 0)
            #expect(try await store.append([], to: "acme", expectedVersion: 4) == 4)
            let error = await #expect(throws: EventStoreError.self) {
                try await store.append([], to: "acme", expectedVersion: 3)
            }
            #expect(error?.code == .versionConflict)
        }
    }

    @Test("the events of several commands, encoded as decided, append as one batch, stored and indexed as if joined")
    func appendGrouped() async throws {
        try await withStore { store, _ in
            let events = SampleEvents.lifecycles(12)
            // Uneven groups, an empty one among them, cutting lifecycles apart.
            let groups = [Array(events[0..<1]), [], Array(events[1..<7]), Array(events[7..<8]), Array(events[8...])]
            #expect(try await store.append(Self.encoded(groups), to: "acme", expectedVersion: 0) == 12)
            #expect(try await store.read("acme", after: 0, limit: .max).map(\.event) == events)

            try await withStore { joined, _ in
                _ = try await joined.append(events, to: "acme", expectedVersion: 0)
                for task in events.compactMap(\.taskID) {
                    let grouped = try await store.events(of: task, in: "acme")
                    #expect(grouped == (try await joined.events(of: task, in: "acme")))
                    #expect(!grouped.isEmpty)
                }
            }
            let error = await #expect(throws: EventStoreError.self) {
                try await store.append(Self.encoded([events]), to: "acme", expectedVersion: 3)
            }
            #expect(error?.code == .versionConflict)
            let version = try await store.version(of: "acme")
            #expect(version == 12)
        }
    }

    @Test("an event the format cannot hold fails the whole append before anything is written")
    func unencodableEvent() async throws {
        try await withStore { store, _ in
            var deep: JSONValue = 1
            for _ in 0..<(EventCodec.maximumJSONDepth + 1) { deep = .array([deep]) }
            var events = SampleEvents.lifecycle(task: 1)
            events.append(Event(
                time: SampleEvents.start, actor: "api",
                payload: .taskCreated(TaskCreated(
                    task: "task-deep", workflow: "claims", workflowVersion: 1, channel: .default, priority: 5,
                    attributes: deep))))
            let error = await #expect(throws: EventStoreError.self) {
                try await store.append(events, to: "acme", expectedVersion: 0)
            }
            #expect(error?.code == .invalidEvent)
            let version = try await store.version(of: "acme")
            let stored = try await store.read("acme", after: 0, limit: 10)
            #expect(version == 0)
            #expect(stored.isEmpty)
        }
    }

    @Test("an event that cannot be encoded in a grouped append is named by its place in the whole batch")
    func unencodableEventInGroups() async throws {
        try await withStore { store, _ in
            var deep: JSONValue = 1
            for _ in 0..<(EventCodec.maximumJSONDepth + 1) { deep = .array([deep]) }
            let bad = Event(
                time: SampleEvents.start, actor: "api",
                payload: .taskCreated(TaskCreated(
                    task: "task-deep", workflow: "claims", workflowVersion: 1, channel: .default, priority: 5,
                    attributes: deep)))
            let groups = [SampleEvents.lifecycle(task: 1), [], SampleEvents.lifecycle(task: 2), [bad]]
            let error = await #expect(throws: EventStoreError.self) {
                try await store.append(Self.encoded(groups), to: "acme", expectedVersion: 0)
            }
            #expect(error?.code == .invalidEvent)
            let position = groups[0].count + groups[2].count + 1
            let message = error?.message ?? ""
            let namesPosition = message.range(of: "event \(position) of the batch (") != nil
            #expect(namesPosition, "\(message)")
            let version = try await store.version(of: "acme")
            #expect(version == 0)
        }
    }

    @Test("events(of:in:) returns one task's events in order, through the task index")
    func eventsOfOneTask() async throws {
        try await withStore { store, _ in
            // Interleave three tasks' lifecycles so that one task's events are not contiguous.
            let lifecycles = (0..<3).map { SampleEvents.lifecycle(task: $0) }
            var interleaved: [Event] = []
            for step in 0..<4 { for task in 0..<3 { interleaved.append(lifecycles[task][step]) } }
            _ = try await store.append(interleaved, to: "acme", expectedVersion: 0)
            _ = try await store.append(SampleEvents.lifecycle(task: 1), to: "other", expectedVersion: 0)

            let task1 = try await store.events(of: "task-1", in: "acme")
            #expect(task1.map(\.event) == lifecycles[1])
            #expect(task1.map(\.sequence) == [2, 5, 8, 11])
            #expect(try await store.events(of: "task-9", in: "acme").isEmpty)

            for (query, arguments) in [
                (SQLiteEventStore.taskFirstQuery, ["acme", "task-1"] as StatementArguments),
                (SQLiteEventStore.taskRunsQuery, ["acme", 2] as StatementArguments),
            ] {
                let plan = try await store.database.read { db in
                    try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + query, arguments: arguments).map { $0["detail"] as String }
                }
                #expect(plan.contains { $0.contains("USING PRIMARY KEY") }, "\(plan)")
                #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
            }
        }
    }

    @Test("two workspaces are isolated and both listed")
    func workspacesAreIsolated() async throws {
        try await withStore { store, _ in
            let alpha = SampleEvents.lifecycles(6)
            let beta = SampleEvents.lifecycles(3, firstTask: 100)
            _ = try await store.append(beta, to: "beta", expectedVersion: 0)
            _ = try await store.append(alpha, to: "alpha", expectedVersion: 0)

            #expect(try await store.workspaces() == ["alpha", "beta"])
            #expect(try await store.version(of: "alpha") == 6)
            #expect(try await store.version(of: "beta") == 3)
            #expect(try await store.read("alpha", after: 0, limit: 100).map(\.event) == alpha)
            #expect(try await store.read("beta", after: 0, limit: 100).map(\.sequence) == [1, 2, 3])
            #expect(try await store.read("beta", after: 0, limit: 100).map(\.event) == beta)

            // A conflict in one workspace leaves the other writable at its own version.
            await #expect(throws: EventStoreError.self) {
                try await store.append(beta, to: "alpha", expectedVersion: 3)
            }
            #expect(try await store.append(beta, to: "beta", expectedVersion: 3) == 6)
            #expect(try await store.version(of: "alpha") == 6)
            #expect(try await store.events(of: "task-100", in: "alpha").isEmpty)
            #expect(try await store.events(of: "task-100", in: "beta").map(\.sequence) == [1, 2, 3, 4, 5, 6])
        }
    }

    @Test("a batch is stored as chunks; the task index names each task's first event once, and each later run by it")
    func chunksAndTaskIndex() async throws {
        // A window of one event: every append writes the index.
        try await withStore(taskIndexWindow: 1) { store, _ in
            // Task 5's lifecycle in one append: its four events form one run. A definition event
            // has no task; task 6's events interrupt task 5's, which then start a second run.
            var events = [SampleEvents.everyCase[0]] + SampleEvents.lifecycle(task: 5)
            events.insert(SampleEvents.lifecycle(task: 6)[0], at: 3)
            _ = try await store.append(events, to: "acme", expectedVersion: 0)
            let big = SampleEvents.lifecycles(ChunkAssembler.maximumEvents + 5, firstTask: 100)
            _ = try await store.append(big, to: "acme", expectedVersion: Int64(events.count))
            let (chunks, firsts, runs) = try await store.database.read { db in
                (
                    try Row.fetchAll(db, sql: "SELECT first, count FROM event_chunks ORDER BY first")
                        .map { [$0["first"] as Int64, $0["count"] as Int64] },
                    try Row.fetchAll(db, sql: "SELECT task, first FROM tasks WHERE task IN ('task-5', 'task-6') ORDER BY first")
                        .map { "\($0["task"] as String)@\($0["first"] as Int64)" },
                    try TaskIndexRows(db, workspace: "acme").runs.filter { $0.hasPrefix("2@") || $0.hasPrefix("4@") }
                )
            }
            // The second append overflows one chunk into more; chunks follow each other without gaps.
            let second = Int64(events.count) + 1
            #expect(chunks.first == [1, 6])
            #expect(chunks.count >= 3)
            var next = second
            for chunk in chunks.dropFirst() {
                #expect(chunk[0] == next)
                #expect(chunk[1] <= Int64(ChunkAssembler.maximumEvents))
                next += chunk[1]
            }
            #expect(next == second + Int64(big.count))
            #expect(firsts == ["task-5@2", "task-6@4"])
            #expect(runs == ["2@5"])
            #expect(try await store.events(of: "task-5", in: "acme").map(\.sequence) == [2, 3, 5, 6])
            #expect(try await store.read("acme", after: 0, limit: .max).map(\.event) == events + big)
            // A page that starts inside one chunk and ends inside the next.
            let boundary = Int(chunks[2][0] - second)
            let across = try await store.read("acme", after: chunks[2][0] - 4, limit: 6)
            #expect(across.map(\.event) == Array(big[(boundary - 3)..<(boundary + 3)]))
        }
    }

    @Test("a file of the first schema, one row per event, is converted when opened")
    func migratesRowPerEventFiles() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("v1.db").path
            let acme = SampleEvents.everyCase + SampleEvents.lifecycles(50)
            let zeta = SampleEvents.lifecycle(task: 3)
            // Written as the first release of the store wrote them.
            let old = try DatabaseQueue(path: path)
            try await old.write { db in
                try db.execute(sql: """
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations VALUES ('v1 events and workspaces');
                    CREATE TABLE events (
                        workspace TEXT NOT NULL, sequence INTEGER NOT NULL, time DOUBLE NOT NULL, type TEXT NOT NULL,
                        task TEXT, actor TEXT NOT NULL, payload BLOB NOT NULL, PRIMARY KEY (workspace, sequence)
                    ) WITHOUT ROWID;
                    CREATE INDEX events_by_task ON events(workspace, task, sequence);
                    CREATE TABLE workspaces (id TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL) WITHOUT ROWID;
                    """)
                for (workspace, events) in [("acme", acme), ("zeta", zeta)] {
                    for (index, event) in events.enumerated() {
                        try db.execute(
                            sql: "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?)",
                            arguments: [
                                workspace, index + 1, event.time.timeIntervalSince1970, event.type,
                                event.taskID?.rawValue, event.actor, Data(try EventCodec.encode(event)),
                            ])
                    }
                    try db.execute(sql: "INSERT INTO workspaces VALUES (?, ?)", arguments: [workspace, events.count])
                }
            }
            try old.close()

            let store = try SQLiteEventStore(path: path)
            defer { try? store.close() }
            #expect(try await store.workspaces() == ["acme", "zeta"])
            #expect(try await store.read("acme", after: 0, limit: .max).map(\.event) == acme)
            #expect(try await store.read("zeta", after: 0, limit: .max).map(\.event) == zeta)
            #expect(try await store.events(of: "task-3", in: "zeta").map(\.event) == zeta)
            #expect(try await store.events(of: "task-7", in: "acme").map(\.event) == acme.filter { $0.taskID == "task-7" })
            #expect(try await store.append(SampleEvents.lifecycle(task: 4), to: "zeta", expectedVersion: 4) == 8)
            let tables = try await store.database.read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            }
            #expect(!tables.contains("events"))
        }
    }

    @Test("a file of the second schema, its task index keyed by task id, is converted when opened")
    func migratesTaskIndexKeyedByID() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("v2.db").path
            // Three tasks interleaved, so that two of them have runs after their first; a second
            // workspace reuses one of the task ids.
            let lifecycles = (0..<3).map { SampleEvents.lifecycle(task: $0) }
            var acme = [SampleEvents.everyCase[0]]
            for step in 0..<4 { for task in [0, 1] { acme.append(lifecycles[task][step]) } }
            acme += lifecycles[2]
            let zeta = SampleEvents.lifecycle(task: 1)
            let written = [("acme", acme), ("zeta", zeta)]
            // Written as the second release of the store wrote them.
            let old = try DatabaseQueue(path: path)
            try SQLiteEventStore.migrator.migrate(old, upTo: "v2 event chunks and task index")
            try await old.write { db in
                for (workspace, events) in written {
                    let half = events.count / 2
                    try SQLiteEventStore.insertIndexedByTaskID(
                        EncodedBatch(Array(events[..<half])), into: WorkspaceID(workspace), after: 0, db)
                    try SQLiteEventStore.insertIndexedByTaskID(
                        EncodedBatch(Array(events[half...])), into: WorkspaceID(workspace), after: Int64(half), db)
                    try db.execute(sql: "INSERT INTO workspaces VALUES (?, ?)", arguments: [workspace, events.count])
                }
            }
            try old.close()

            let store = try SQLiteEventStore(path: path)
            defer { try? store.close() }
            for task in 0..<3 {
                let id = TaskID("task-\(task)")
                #expect(try await store.events(of: id, in: "acme").map(\.event) == acme.filter { $0.taskID == id })
            }
            #expect(try await store.events(of: "task-1", in: "zeta").map(\.event) == zeta)
            #expect(try await store.events(of: "task-1", in: "acme").map(\.sequence) == [3, 5, 7, 9])
            let (tables, firsts) = try await store.database.read { db in
                (
                    try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
                    try Row.fetchAll(db, sql: "SELECT workspace, task, first FROM tasks ORDER BY workspace, first")
                        .map { "\($0["workspace"] as String)/\($0["task"] as String)@\($0["first"] as Int64)" }
                )
            }
            #expect(!tables.contains("task_events"))
            #expect(firsts == ["acme/task-0@2", "acme/task-1@3", "acme/task-2@10", "zeta/task-1@1"])
            // A converted task goes on collecting events under its first one.
            let more = SampleEvents.lifecycle(task: 0)
            _ = try await store.append(more, to: "acme", expectedVersion: Int64(acme.count))
            #expect(
                try await store.events(of: "task-0", in: "acme").map(\.event)
                    == acme.filter { $0.taskID == "task-0" } + more)
        }
    }

    @Test("a task first met by an earlier store on the file is indexed under its first event, and a task's own first run adds no run row")
    func taskMetAgainAfterReopening() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("events.db").path
            let seven = SampleEvents.lifecycle(task: 7)
            let eight = SampleEvents.lifecycle(task: 8)
            // A window of one event: every append writes the index.
            do {
                let store = try SQLiteEventStore(path: path, taskIndexWindow: 1)
                _ = try await store.append(Array(seven[..<2]) + Array(eight[..<2]), to: "acme", expectedVersion: 0)
                try store.close()
            }
            // The reopened store remembers no task: it finds task 7 in the index and starts task 9.
            let store = try SQLiteEventStore(path: path, taskIndexWindow: 1)
            defer { try? store.close() }
            let nine = SampleEvents.lifecycle(task: 9)
            _ = try await store.append(Array(seven[2...]) + nine, to: "acme", expectedVersion: 4)
            _ = try await store.append(Array(eight[2...]), to: "acme", expectedVersion: 10)
            #expect(try await store.events(of: "task-7", in: "acme").map(\.sequence) == [1, 2, 5, 6])
            #expect(try await store.events(of: "task-7", in: "acme").map(\.event) == seven)
            #expect(try await store.events(of: "task-8", in: "acme").map(\.event) == eight)
            #expect(try await store.events(of: "task-9", in: "acme").map(\.event) == nine)
            let (firsts, runs) = try await store.database.read { db in
                (
                    try Row.fetchAll(db, sql: "SELECT task, first FROM tasks ORDER BY first")
                        .map { "\($0["task"] as String)@\($0["first"] as Int64)" },
                    try Row.fetchAll(db, sql: "SELECT first, sequence FROM task_runs ORDER BY sequence")
                        .map { "\($0["first"] as Int64)@\($0["sequence"] as Int64)" }
                )
            }
            #expect(firsts == ["task-7@1", "task-8@3", "task-9@7"])
            // Task 7's and task 8's later runs came in windows after their first events'.
            #expect(runs == ["1@5", "3@11"])
        }
    }

    @Test(
        "the task index holds, row for row, what a scan of the log gives through its mark, and events(of:in:) every task's events, over batches of many tasks and across a reopening",
        arguments: [1, 500, 700, SQLiteEventStore.defaultTaskIndexWindow])
    func taskIndexMatchesScan(window: Int) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("events.db").path
            // Lifecycles dealt out round-robin, so that each batch holds one event of each of many
            // tasks (more than one multi-row statement's worth), a task's events land in several
            // batches, and some tasks reach past the reopening; ids long and short. The batches
            // hold about 200 events, so a window of 500 is written by the third append, made again
            // from the chunks by the reopened store, and one of 700 spans the reopening and is
            // written by the fourth.
            var lifecycles = (0..<300).map { SampleEvents.lifecycle(task: $0) }
            for index in stride(from: 0, to: 300, by: 7) {
                // Four offers of a task whose id is too long to pack.
                guard case .taskOffered(_, let worker, let expires, let decision) = lifecycles[index][1].payload else {
                    Issue.record("the sample lifecycle's second event is not an offer")
                    return
                }
                let offer = Event(
                    time: SampleEvents.start, actor: "system",
                    payload: .taskOffered(
                        task: TaskID("a-task-id-longer-than-sixteen-bytes-\(index)"), worker: worker,
                        expiresAt: expires, decision: decision))
                lifecycles[index] = Array(repeating: offer, count: 4)
            }
            var log: [Event] = []
            var batches: [[Event]] = []
            for round in 0..<4 {
                var batch: [Event] = []
                for (index, lifecycle) in lifecycles.enumerated() where (index + round) % 3 != 0 || round == 3 {
                    if round < lifecycle.count { batch.append(lifecycle[round]) }
                }
                batches.append(batch)
            }
            do {
                let store = try SQLiteEventStore(path: path, taskIndexWindow: window)
                for batch in batches.prefix(2) {
                    _ = try await store.append(batch, to: "acme", expectedVersion: Int64(log.count))
                    log += batch
                }
                try store.close()
            }
            let store = try SQLiteEventStore(path: path, taskIndexWindow: window)
            defer { try? store.close() }
            for batch in batches.dropFirst(2) {
                _ = try await store.append(batch, to: "acme", expectedVersion: Int64(log.count))
                log += batch
            }

            let (indexed, stored, reference) = try await TaskIndexRows.storedAndScanned(store, log: log)
            // The mark lies where some append wrote the index: after the last append whose window
            // reached the limit.
            var marks: [Int64] = [0]
            var sinceMark: Int64 = 0
            for batch in batches {
                sinceMark += Int64(batch.count)
                if sinceMark >= Int64(window) {
                    marks.append(marks.last! + sinceMark)
                    sinceMark = 0
                } else {
                    marks.append(marks.last!)
                }
            }
            #expect(indexed == marks.last!)
            #expect(stored.firsts == reference.firsts)
            #expect(stored.runs.count == reference.runs.count)
            #expect(Set(stored.runs) == Set(reference.runs))
            for task in Set(log.compactMap(\.taskID)).sorted(by: { $0.rawValue < $1.rawValue }) {
                #expect(try await store.events(of: task, in: "acme").map(\.event) == log.filter { $0.taskID == task })
            }
            #expect(try await store.events(of: "no-such-task", in: "acme").isEmpty)
        }
    }

    @Test("two stores appending to one file in turn keep one task index: each remakes its window when the other has appended", arguments: [1, 9, 13])
    func twoStoresShareTheIndex(window: Int) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("events.db").path
            let first = try SQLiteEventStore(path: path, taskIndexWindow: window)
            let second = try SQLiteEventStore(path: path, taskIndexWindow: window)
            defer {
                try? first.close()
                try? second.close()
            }
            // Six lifecycles interleaved two events at a time, appended by the two stores in turn.
            let lifecycles = (0..<6).map { SampleEvents.lifecycle(task: $0) }
            var log: [Event] = []
            for round in 0..<4 {
                for pair in 0..<3 {
                    let batch = [lifecycles[2 * pair][round], lifecycles[2 * pair + 1][round]]
                    let store = (round * 3 + pair) % 2 == 0 ? first : second
                    _ = try await store.append(batch, to: "acme", expectedVersion: Int64(log.count))
                    log += batch
                }
            }
            let (indexed, stored, reference) = try await TaskIndexRows.storedAndScanned(first, log: log)
            #expect(indexed > 0)
            #expect(stored.firsts == reference.firsts)
            #expect(stored.runs.sorted() == reference.runs.sorted())
            for task in 0..<6 {
                let id = TaskID("task-\(task)")
                #expect(try await first.events(of: id, in: "acme").map(\.event) == lifecycles[task])
                #expect(try await second.events(of: id, in: "acme").map(\.event) == lifecycles[task])
            }
        }
    }

    @Test("a run list gives back the runs it was made of, and a damaged one is refused")
    func runListsRoundTrip() throws {
        var generator = SeededGenerator(seed: 23)
        for _ in 0..<200 {
            let first = Int64.random(in: 1...1_000_000_000, using: &generator)
            var runs: [Int64] = []
            var previous = first
            for _ in 0..<Int.random(in: 0...20, using: &generator) {
                // Gaps from 1 to ones that need a varint of several bytes.
                previous += Int64.random(in: 1...(1 << Int64.random(in: 1...40, using: &generator)), using: &generator)
                runs.append(previous)
            }
            var bytes: [UInt8] = []
            TaskRunList.append(runs[...], after: first, to: &bytes)
            let decoded = try bytes.withUnsafeBytes { try TaskRunList.decode($0, after: first) }
            #expect(decoded == runs)
        }
        // A zero gap (a run at the task's first event) and a varint cut short.
        for damaged: [UInt8] in [[0x00], [0x85]] {
            #expect(throws: DecodingFailure.self) { try damaged.withUnsafeBytes { try TaskRunList.decode($0, after: 10) } }
        }
    }

    @Test("remembered first events are bounded: a full generation retires the one before it")
    func firstEventsAreBounded() {
        var firsts = TaskFirstEvents()
        let size = TaskFirstEvents.generationSize
        for index in 0..<size { firsts.remember(Int64(index), of: "t\(index)") }
        // The first generation is full and now the older one: still answered.
        #expect(firsts.first(of: "t0") == 0)
        #expect(firsts.first(of: "t\(size)") == nil)
        for index in size..<(2 * size) { firsts.remember(Int64(index), of: "t\(index)") }
        // A second full generation retired the first, except t0, which was met again meanwhile.
        #expect(firsts.first(of: "t1") == nil)
        #expect(firsts.first(of: "t0") == 0)
        #expect(firsts.first(of: "t\(2 * size - 1)") == Int64(2 * size - 1))
    }

    @Test("the table of task keys answers as a dictionary does, over short, packed and long ids, updates and growth")
    func taskKeyTableMatchesDictionary() {
        var generator = SeededGenerator(seed: 11)
        var table = TaskKeyTable(capacity: 4)
        var reference: [String: Int64] = [:]
        // Ids of 0 to 24 bytes from a small alphabet, so that many repeat (updates) and the packed
        // lengths 1–7, 8–16 and the unpacked ones above 16 all occur; numbers like "T17" and "T71"
        // share their bytes in another order.
        let alphabet = Array("T0123456789ab")
        for step in 0..<60_000 {
            let length = Int.random(in: 0...24, using: &generator)
            let id = String((0..<length).map { _ in alphabet[Int.random(in: 0..<(length < 4 ? 13 : 3), using: &generator)] })
            let key = TaskKey(id)
            if Bool.random(using: &generator) {
                table.set(Int64(step), for: key)
                reference[id] = Int64(step)
            }
            #expect(table.value(for: key) == reference[id])
        }
        #expect(table.count == reference.count)
        for (id, value) in reference { #expect(table.value(for: TaskKey(id)) == value) }
        // Ids that were never set are not found, including prefixes and extensions of set ones.
        for id in reference.keys.prefix(500) {
            for other in [id + "z", "z" + id, String(id.dropLast())] where reference[other] == nil {
                #expect(table.value(for: TaskKey(other)) == nil)
            }
        }
    }

    @Test("a closed and reopened file store reads back everything it acknowledged")
    func durableAcrossReopen() async throws {
        try await withTemporaryDirectory { directory in
            // Parent directories that do not exist yet are created.
            let path = directory.appendingPathComponent("nested/deeper/flowtune.db").path
            let events = SampleEvents.everyCase + SampleEvents.lifecycles(2_500)
            do {
                let store = try SQLiteEventStore(path: path)
                _ = try await store.append(Array(events[0..<100]), to: "acme", expectedVersion: 0)
                _ = try await store.append(Array(events[100...]), to: "acme", expectedVersion: 100)
                _ = try await store.append(SampleEvents.lifecycle(task: 1), to: "zeta", expectedVersion: 0)
                try store.close()
            }
            let reopened = try SQLiteEventStore(path: path)
            defer { try? reopened.close() }
            #expect(try await reopened.workspaces() == ["acme", "zeta"])
            #expect(try await reopened.version(of: "acme") == Int64(events.count))
            let recorder = BatchRecorder()
            try await reopened.replay("acme", after: 0) { recorder.record($0) }
            #expect(recorder.events.map(\.event) == events)
            #expect(try await reopened.append(SampleEvents.lifecycle(task: 2), to: "zeta", expectedVersion: 4) == 8)
        }
    }

    @Test("the writer syncs every commit by default, and only at checkpoints when asked")
    func durabilitySetting() async throws {
        try await withTemporaryDirectory { directory in
            let full = try SQLiteEventStore(path: directory.appendingPathComponent("full.db").path)
            let normal = try SQLiteEventStore(
                path: directory.appendingPathComponent("normal.db").path, durability: .normal)
            defer {
                try? full.close()
                try? normal.close()
            }
            // 2 is FULL, 1 is NORMAL; the journal must be the write-ahead log for readers to run beside the writer.
            let fullSetting = try await full.database.writeWithoutTransaction { db in
                (try Int.fetchOne(db, sql: "PRAGMA synchronous"), try String.fetchOne(db, sql: "PRAGMA journal_mode"))
            }
            let normalSetting = try await normal.database.writeWithoutTransaction { db in
                try Int.fetchOne(db, sql: "PRAGMA synchronous")
            }
            #expect(fullSetting.0 == 2)
            #expect(fullSetting.1 == "wal")
            #expect(normalSetting == 1)
        }
    }

    @Test("a damaged payload is reported as corrupt, naming the workspace and sequence")
    func corruptPayload() async throws {
        try await withStore(replayBatchSize: 2) { store, path in
            let events = SampleEvents.lifecycle(task: 7)
            _ = try await store.append(events, to: "acme", expectedVersion: 0)

            // Damage the second event behind the store's back, as a disk or a stray tool might,
            // keeping the chunk's framing intact.
            let tamper = try DatabaseQueue(path: path)
            try await tamper.write { db in
                var chunk = [UInt8](try Data.fetchOne(db, sql: "SELECT events FROM event_chunks WHERE workspace = 'acme'")!)
                let firstLength = Int(chunk[1]) | Int(chunk[2]) << 8 | Int(chunk[3]) << 16 | Int(chunk[4]) << 24
                let second = 1 + 4 + firstLength
                let secondLength = Int(chunk[second]) | Int(chunk[second + 1]) << 8 | Int(chunk[second + 2]) << 16
                    | Int(chunk[second + 3]) << 24
                chunk.replaceSubrange(second..<(second + 4 + secondLength), with: [2, 0, 0, 0, 0x01, 0xFF])
                try db.execute(sql: "UPDATE event_chunks SET events = ? WHERE workspace = 'acme'", arguments: [Data(chunk)])
            }
            try tamper.close()

            let reading = await #expect(throws: EventStoreError.self) {
                try await store.read("acme", after: 0, limit: 10)
            }
            #expect(reading?.code == .corrupt)
            #expect(reading?.message.contains("event 2 of workspace acme is corrupt") == true, "\(reading?.message ?? "")")
            #expect(reading?.message.contains("unknown event tag 255") == true)

            let replaying = await #expect(throws: EventStoreError.self) {
                try await store.replay("acme", after: 0) { _ in }
            }
            #expect(replaying?.code == .corrupt)
            let byTask = await #expect(throws: EventStoreError.self) {
                try await store.events(of: "task-7", in: "acme")
            }
            #expect(byTask?.code == .corrupt)

            // The rest of the log is still readable, and the store still appends.
            #expect(try await store.read("acme", after: 2, limit: 10).map(\.event) == Array(events[2...]))
            #expect(try await store.read("acme", after: 0, limit: 1).map(\.event) == [events[0]])
            #expect(try await store.append(SampleEvents.lifecycle(task: 8), to: "acme", expectedVersion: 4) == 8)
        }
    }

    @Test("the in-memory store appends, reads, replays and checks versions like the file store")
    func inMemory() async throws {
        let store = try SQLiteEventStore.inMemory(replayBatchSize: 4)
        let events = SampleEvents.everyCase
        #expect(try await store.append(events, to: "acme", expectedVersion: 0) == Int64(events.count))
        let recorder = BatchRecorder()
        try await store.replay("acme", after: 0) { recorder.record($0) }
        #expect(recorder.events.map(\.event) == events)
        #expect(recorder.all.dropLast().allSatisfy { $0.count == 4 })
        let error = await #expect(throws: EventStoreError.self) {
            try await store.append(events, to: "acme", expectedVersion: 0)
        }
        #expect(error?.code == .versionConflict)
        #expect(try await store.workspaces() == ["acme"])
    }
}

/// The task index as its tables hold it: each indexed task's first event, and `first@sequence` for
/// each later run, whether it lies in its task's `tasks` row or in a `task_runs` row. Or the same
/// made by scanning a log, as the reference.
struct TaskIndexRows {
    var firsts: [String: Int64] = [:]
    var runs: [String] = []

    /// The rows of `workspace`'s index tables.
    init(_ db: Database, workspace: String) throws {
        for row in try Row.fetchAll(db, sql: "SELECT task, first, runs FROM tasks WHERE workspace = ?", arguments: [workspace]) {
            let first: Int64 = row["first"]
            firsts[row["task"]] = first
            if let list = row["runs"] as Data? {
                let later = try [UInt8](list).withUnsafeBytes { try TaskRunList.decode($0, after: first) }
                runs += later.map { "\(first)@\($0)" }
            }
        }
        runs += try Row.fetchAll(db, sql: "SELECT first, sequence FROM task_runs WHERE workspace = ?", arguments: [workspace])
            .map { "\($0["first"] as Int64)@\($0["sequence"] as Int64)" }
    }

    /// The mark up to which `store` has indexed workspace "acme", its index tables, and what a
    /// scan of `log` (the workspace's whole log) up to that mark makes of the same chunks.
    static func storedAndScanned(
        _ store: SQLiteEventStore, log: [Event]
    ) async throws -> (indexed: Int64, stored: TaskIndexRows, reference: TaskIndexRows) {
        let (chunkStarts, indexed, stored) = try await store.database.read { db in
            (
                Set(try Int64.fetchAll(db, sql: "SELECT first FROM event_chunks WHERE workspace = 'acme'")),
                try Int64.fetchOne(db, sql: "SELECT indexed FROM workspaces WHERE id = 'acme'") ?? -1,
                try TaskIndexRows(db, workspace: "acme")
            )
        }
        return (indexed, stored, TaskIndexRows(scanning: log, chunkStarts: chunkStarts, through: indexed))
    }

    /// What the index holds through event `through` of `log`, whose chunks start at `chunkStarts`:
    /// each task's first sequence, and the first sequence of each later run of its events that are
    /// consecutive within one chunk.
    init(scanning log: [Event], chunkStarts: Set<Int64>, through: Int64) {
        var previous: TaskID?
        for (offset, event) in log.enumerated() where Int64(offset) < through {
            let sequence = Int64(offset + 1)
            if chunkStarts.contains(sequence) { previous = nil }
            defer { previous = event.taskID }
            guard let task = event.taskID, task != previous else { continue }
            if let first = firsts[task.rawValue] {
                runs.append("\(first)@\(sequence)")
            } else {
                firsts[task.rawValue] = sequence
            }
        }
    }
}
