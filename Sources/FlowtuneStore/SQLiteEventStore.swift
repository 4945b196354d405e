import FlowtuneCore
import Foundation
import GRDB
import Synchronization

#if canImport(GRDBSQLite)
import GRDBSQLite
#elseif canImport(SQLite3)
import SQLite3
#endif

/// The embedded event store: one SQLite file in WAL mode, read and written through GRDB.
///
/// Appends are serialized on the single writer connection, each in one immediate transaction that
/// checks the workspace's version, inserts the batch and moves the version on. Readers run on a pool
/// of connections in parallel with the writer and see only committed batches.
///
/// ```swift
/// let store = try SQLiteEventStore(path: "data/flowtune.db")
/// let version = try await store.append(events, to: "acme", expectedVersion: 0)
/// try await store.replay("acme", after: 0) { batch in
///     for stored in batch { state.evolve(stored.event) }
/// }
/// ```
///
/// Schema: `event_chunks(workspace, first, count, events)`, unique on `(workspace, first)`, holds
/// the log as chunks of up to ``ChunkAssembler/maximumEvents`` consecutive events: `first` is the
/// sequence of the chunk's first event and `events` the events in ``EventCodec``'s format, each
/// behind its 4-byte length. The task index has two tables without a rowid: `tasks(workspace, task,
/// first)` names each task's first event, once per task; `task_runs(workspace, first, sequence)`
/// names the first event of each later run of consecutive events about the task within a chunk,
/// keyed by the task's first event rather than its id. Those keys grow with the log whatever the
/// task ids look like, so an append's index rows land together at the end of the index instead of
/// dirtying pages all over it, and all but one row per task are keyed by numbers.
/// `workspaces(id, version, indexed)` holds each log's length and the last event the task index
/// covers. The index is written a window of events at a time (``TaskIndexWindow``), so that a task
/// whose events all fall in one window costs one row: its `tasks` row, whose `runs` column lists
/// its later runs in that window. Runs in later windows get `task_runs` rows. The events after
/// `indexed` are found by scanning their chunks, which ``events(of:in:)`` does and which a store
/// does on its first append to remake its window. A chunk, any index rows and the new version and
/// mark are written in one transaction, so a reader sees all of an append or none.
///
/// Files of earlier schemas are converted when opened: one row per event (migration
/// `v2 event chunks and task index`), then an index row per run keyed by the task's id (`v3 task
/// index keyed by first event`), then the mark and the runs column (`v4 task index written in
/// windows`), which leave existing rows as they are.
public final class SQLiteEventStore: EventStore {
    /// When an append counts as done.
    public enum Durability: Sendable, Hashable {
        /// Every commit is synced to disk before `append` returns: an acknowledged append survives
        /// a power loss or an operating-system crash.
        case full
        /// Commits reach the operating system before `append` returns and are synced at
        /// checkpoints: an acknowledged append survives a crash of the process, but the last
        /// appends may be lost with power. Faster where syncs are slow.
        case normal
    }

    /// The number of events ``replay(_:after:batch:)`` hands over at a time.
    public let replayBatchSize: Int

    /// The connections; internal so that tests can inspect the file as SQLite sees it.
    let database: any DatabaseWriter

    /// What this store remembers of each workspace's task index: the first events of tasks it has
    /// indexed or looked up, and the entries after the `indexed` mark. An append takes its
    /// workspace's memory out, adds to it as it goes and puts it back only once it has committed,
    /// so everything in it is committed: a task's first event never changes then, so a first
    /// event never goes stale, and a window is checked against the log's version before use.
    private let taskIndex = Mutex([WorkspaceID: TaskIndexMemory]())

    /// How many events the task index lags the log at most before an append writes it: see
    /// ``TaskIndexWindow``.
    let taskIndexWindow: Int64

    /// The timings of every append, when the store was opened with `tracingAppends`.
    public let appendTrace: AppendTrace?

    /// Opens the store at `path`, creating the file and its parent directories if needed, and
    /// brings its schema up to date.
    ///
    /// - Parameters:
    ///   - path: The database file. SQLite keeps `-wal` and `-shm` files beside it.
    ///   - durability: When an append counts as done; ``Durability/full`` unless you accept losing
    ///     acknowledged appends with power.
    ///   - replayBatchSize: How many events ``replay(_:after:batch:)`` decodes and hands over at a time.
    ///   - taskIndexWindow: How many events the task index may lag the log before an append writes
    ///     it; ``events(of:in:)`` reads the events after the index from the chunks.
    ///   - tracingAppends: Whether to time every append (``appendTrace``), for benchmarks.
    public convenience init(
        path: String, durability: Durability = .full, replayBatchSize: Int = 10_000,
        taskIndexWindow: Int = defaultTaskIndexWindow, tracingAppends: Bool = false
    ) throws {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let pool = try DatabasePool(path: path, configuration: Self.configuration())
        // GRDB sets `synchronous = NORMAL` on the writer when it switches to WAL, after any
        // `prepareDatabase` hook has run, so the choice is applied here, once the pool is open.
        // Only the writer's setting matters: it is the connection that commits.
        try pool.writeWithoutTransaction { db in
            switch durability {
            case .full: try db.execute(sql: "PRAGMA synchronous = FULL")
            case .normal: try db.execute(sql: "PRAGMA synchronous = NORMAL")
            }
            // The task index takes each batch's rows at scattered places; with SQLite's default
            // 2 MB cache a batch's dirty pages overflow it and are spilled and re-read mid-transaction.
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        try self.init(
            database: pool, replayBatchSize: replayBatchSize, taskIndexWindow: taskIndexWindow,
            appendTrace: tracingAppends ? AppendTrace() : nil)
    }

    /// Opens a store that lives in memory and vanishes with it: for tests and simulations.
    ///
    /// It behaves like a file store except that readers and the writer take turns.
    public static func inMemory(
        replayBatchSize: Int = 10_000, taskIndexWindow: Int = defaultTaskIndexWindow
    ) throws -> SQLiteEventStore {
        try SQLiteEventStore(
            database: DatabaseQueue(configuration: configuration()), replayBatchSize: replayBatchSize,
            taskIndexWindow: taskIndexWindow)
    }

    /// How many events the task index lags the log at most, unless a store is opened with another
    /// figure: enough that most tasks of a busy log start and end within one window, few enough that
    /// scanning the window's chunks for one task's events takes a millisecond or so.
    public static let defaultTaskIndexWindow = 16_384

    private init(
        database: any DatabaseWriter, replayBatchSize: Int, taskIndexWindow: Int, appendTrace: AppendTrace? = nil
    ) throws {
        precondition(replayBatchSize > 0, "replayBatchSize must be positive")
        precondition(taskIndexWindow > 0, "taskIndexWindow must be positive")
        self.database = database
        self.appendTrace = appendTrace
        self.replayBatchSize = replayBatchSize
        self.taskIndexWindow = Int64(taskIndexWindow)
        try Self.migrator.migrate(database)
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        // Another process (a CLI inspecting the file) may hold the write lock for a moment.
        configuration.busyMode = .timeout(5)
        configuration.label = "FlowtuneStore"
        return configuration
    }

    /// Closes the database connections, after any access in progress. The store cannot be used
    /// afterwards. Closing is optional: the connections also close when the store is released.
    public func close() throws {
        try database.close()
    }

    // MARK: - Writing

    /// Appends `events` after event number `expectedVersion` in one transaction and returns the new
    /// version. With ``Durability/full`` the batch is on disk when this returns.
    ///
    /// - Throws: ``EventStoreError/Code/versionConflict`` when the workspace is not at
    ///   `expectedVersion`, ``EventStoreError/Code/invalidEvent`` when an event cannot be encoded;
    ///   either way nothing is written.
    public func append(_ events: [Event], to workspace: WorkspaceID, expectedVersion: Int64) async throws -> Int64 {
        // Encode before taking the writer: the writer connection is the one serial resource, so
        // it should only bind and step.
        try await append(EncodedBatch(events), to: workspace, expectedVersion: expectedVersion)
    }

    /// Appends a batch encoded as it was decided (``EventBatchEncoder``), its bytes as they are: the
    /// same as ``append(_:to:expectedVersion:)`` with its events, without encoding them here.
    ///
    /// - Throws: as ``append(_:to:expectedVersion:)``; ``EventStoreError/Code/invalidEvent`` when an
    ///   event of the batch could not be encoded, and then nothing is written.
    public func append(_ batch: EncodedEvents, to workspace: WorkspaceID, expectedVersion: Int64) async throws -> Int64 {
        if let failure = batch.failure { throw failure }
        return try await append(batch.batch, to: workspace, expectedVersion: expectedVersion)
    }

    private func append(_ batch: EncodedBatch, to workspace: WorkspaceID, expectedVersion: Int64) async throws -> Int64 {
        let window = taskIndexWindow
        let trace = appendTrace
        let calledAt = trace == nil ? 0 : AppendTrace.now()
        return try await database.writeWithoutTransaction { db in
            let startedAt = trace == nil ? 0 : AppendTrace.now()
            var writtenAt: UInt64 = 0
            var version = expectedVersion
            // Dropped if the transaction fails: the window may hold entries the rollback took back.
            var memory = taskIndex.withLock { $0.removeValue(forKey: workspace) } ?? TaskIndexMemory()
            try db.inTransaction(.immediate) {
                let (current, indexed) = try Self.marks(of: workspace, in: db)
                guard current == expectedVersion else {
                    throw EventStoreError(
                        .versionConflict,
                        "workspace \(workspace) is at version \(current), the append expected \(expectedVersion)")
                }
                guard batch.count > 0 else { return .commit }
                try Self.insert(batch, into: workspace, after: current, indexed: indexed, db, memory: &memory)
                version = current + Int64(batch.count)
                var newIndexed = indexed
                if let pending = memory.window, pending.eventCount >= window {
                    try Self.writeIndex(of: pending, into: workspace, db, firsts: &memory.firsts)
                    newIndexed = version
                    memory.window = TaskIndexWindow(indexed: version)
                }
                // Cached, as every statement of an append: parsing it again per batch showed in profiles.
                try db.cachedStatement(sql: """
                    INSERT INTO workspaces(id, version, indexed) VALUES (?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET version = excluded.version, indexed = excluded.indexed
                    """).execute(arguments: [workspace.rawValue, version, newIndexed])
                if trace != nil { writtenAt = AppendTrace.now() }
                return .commit
            }
            taskIndex.withLock { $0[workspace] = memory }
            if let trace {
                trace.record(AppendTrace.Append(
                    events: batch.count, bytes: batch.bytes.count, calledAt: calledAt, startedAt: startedAt,
                    writtenAt: writtenAt, committedAt: AppendTrace.now()))
            }
            return version
        }
    }

    /// Inserts the chunks through the C API on a cached statement, binding the blobs straight from
    /// the encoded buffer, and notes the batch's task index entries in `memory`'s window: first
    /// made again from the chunks after `indexed` when the window in memory is not the log's as it
    /// stands (a new store, a failed append, another process's appends).
    static func insert(
        _ batch: EncodedBatch, into workspace: WorkspaceID, after version: Int64, indexed: Int64, _ db: Database,
        memory: inout TaskIndexMemory
    ) throws {
        var window: TaskIndexWindow
        if let kept = memory.window, kept.version == version, kept.indexed == indexed {
            window = kept
        } else {
            window = try rebuildWindow(of: workspace, after: indexed, db, firsts: &memory.firsts)
            guard window.version == version else {
                throw EventStoreError(
                    .corrupt, "workspace \(workspace) is at version \(version) but its chunks end at event \(window.version)")
            }
        }
        // Out of `memory` while it grows, so that its arrays are not shared and copied.
        memory.window = nil
        try withCachedStatement(chunkInsert, workspace: workspace, db) { chunkStatement, _ in
            try batch.bytes.withUnsafeBytes { bytes in
                let base = bytes.baseAddress!
                try insertChunks(of: batch, from: base, after: version, through: chunkStatement, db)
                for entry in batch.taskEntries {
                    window.add(
                        task: UnsafeRawBufferPointer(rebasing: bytes[entry.task]), at: version + Int64(entry.event) + 1,
                        firsts: &memory.firsts)
                }
            }
        }
        window.version = version + Int64(batch.count)
        memory.window = window
    }

    /// The window of the workspace's chunks after event `indexed`, as the appends that wrote them
    /// noted it.
    static func rebuildWindow(
        of workspace: WorkspaceID, after indexed: Int64, _ db: Database, firsts: inout TaskFirstEvents
    ) throws -> TaskIndexWindow {
        var window = TaskIndexWindow(indexed: indexed)
        try forEachChunk(of: workspace, after: indexed, db) { first, count, chunk throws(EventStoreError) in
            guard first == window.version + 1 else {
                throw EventStoreError(.corrupt, "workspace \(workspace) has no event \(window.version + 1)")
            }
            try window.add(chunk: chunk, workspace: workspace, first: first, count: count, firsts: &firsts)
            window.version = first + Int64(count) - 1
        }
        return window
    }

    /// Calls `body` with each chunk of the workspace whose first event is after `after`, in order:
    /// its first event, its count and its bytes, which lie in SQLite's row buffer.
    private static func forEachChunk(
        of workspace: WorkspaceID, after: Int64, _ db: Database,
        _ body: (Int64, Int, UnsafeRawBufferPointer) throws(EventStoreError) -> Void
    ) throws {
        let query = "SELECT first, count, events FROM event_chunks WHERE workspace = ? AND first > ? ORDER BY first"
        try withCachedStatement(query, workspace: workspace, db) { statement, handle in
            try check(sqlite3_bind_int64(handle, 2, after), db)
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { return }
                guard code == SQLITE_ROW else { throw error(code, db, sql: statement.sql) }
                let first = sqlite3_column_int64(handle, 0)
                let count = Int(sqlite3_column_int64(handle, 1))
                // Ask for the pointer before the length, as SQLite documents, so no conversion moves it.
                let pointer = sqlite3_column_blob(handle, 2)
                let length = Int(sqlite3_column_bytes(handle, 2))
                try body(first, count, UnsafeRawBufferPointer(start: pointer, count: length))
            }
        }
    }

    /// Writes the window's entries to the index tables: a `tasks` row for each task taken to start
    /// in it, carrying its later runs in the window, and a `task_runs` row for each run of a task
    /// that started before it. Then `firsts` learns the tasks that started.
    ///
    /// The tasks it takes to start are inserted together, many rows per statement; only when some
    /// were there already (a task first met by an earlier process on the file, and no longer
    /// remembered) are their first events looked up, and their runs in the window, the first
    /// included, become `task_runs` rows.
    static func writeIndex(
        of window: TaskIndexWindow, into workspace: WorkspaceID, _ db: Database, firsts: inout TaskFirstEvents
    ) throws {
        var started: [(task: Int, runs: Range<Int>)] = []
        var lists: [UInt8] = []
        var runRows: [(first: Int64, sequence: Int64)] = []
        window.forEachTask { place, runs in
            let task = window.tasks[place]
            if task.starts {
                let start = lists.count
                TaskRunList.append(runs, after: task.first, to: &lists)
                started.append((place, start..<lists.count))
            } else {
                for run in runs { runRows.append((task.first, run)) }
            }
        }
        var firstOf = started.map { window.tasks[$0.task].first }
        try window.ids.withUnsafeBytes { ids in
            let base = ids.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
            try lists.withUnsafeBytes { lists in
                let listBase = lists.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
                guard !started.isEmpty else { return }
                let inserted = try insertRows(
                    started.count, table: "tasks(workspace, task, first, runs)", columns: 3,
                    conflict: " ON CONFLICT DO NOTHING", workspace: workspace, db
                ) { handle, row, parameter in
                    let task = window.tasks[started[row].task]
                    try check(bindText(handle, parameter, base, task.id), db)
                    try check(sqlite3_bind_int64(handle, parameter + 1, task.first), db)
                    let runs = started[row].runs
                    // SQLITE_STATIC: the lists outlive the step.
                    try check(
                        runs.isEmpty
                            ? sqlite3_bind_null(handle, parameter + 2)
                            : sqlite3_bind_blob(handle, parameter + 2, listBase + runs.lowerBound, Int32(runs.count), nil),
                        db)
                }
                guard inserted < started.count else { return }
                try withCachedStatement(taskFirstQuery, workspace: workspace, db) { statement, stored in
                    for row in started.indices {
                        sqlite3_reset(stored)
                        try check(bindText(stored, 2, base, window.tasks[started[row].task].id), db)
                        let code = sqlite3_step(stored)
                        guard code == SQLITE_ROW else { throw error(code, db, sql: statement.sql) }
                        firstOf[row] = sqlite3_column_int64(stored, 0)
                    }
                }
            }
        }
        // A task that had started before the window after all: its runs in the window, its first
        // event here included, are later runs of the task it is.
        if zip(started, firstOf).contains(where: { window.tasks[$0.task].first != $1 }) {
            var rowOf = [Int: Int]()
            for row in started.indices where window.tasks[started[row].task].first != firstOf[row] {
                rowOf[started[row].task] = row
            }
            window.forEachTask { place, runs in
                guard let row = rowOf[place] else { return }
                runRows.append((firstOf[row], window.tasks[place].first))
                for run in runs { runRows.append((firstOf[row], run)) }
            }
        }
        if !runRows.isEmpty {
            // In key order, so that the rows land in the index's pages one after another.
            runRows.sort { $0.first != $1.first ? $0.first < $1.first : $0.sequence < $1.sequence }
            _ = try insertRows(
                runRows.count, table: "task_runs(workspace, first, sequence)", columns: 2, conflict: "",
                workspace: workspace, db
            ) { handle, row, parameter in
                try check(sqlite3_bind_int64(handle, parameter, runRows[row].first), db)
                try check(sqlite3_bind_int64(handle, parameter + 1, runRows[row].sequence), db)
            }
        }
        window.ids.withUnsafeBytes { ids in
            for row in started.indices {
                firsts.remember(firstOf[row], of: TaskKey(UnsafeRawBufferPointer(rebasing: ids[window.tasks[started[row].task].id])))
            }
        }
    }

    /// How many rows one statement of ``insertRows(_:table:columns:conflict:workspace:_:bind:)``
    /// inserts at most: enough that stepping and resetting are paid once for many rows, few enough
    /// that the statement stays small.
    static let rowsPerInsert = 64

    /// Inserts `count` rows into `table` (its column list, the workspace first) through multi-row
    /// `INSERT … VALUES` statements of up to ``rowsPerInsert`` rows, and returns how many rows were
    /// inserted. `bind` binds row `row`'s `columns` values from parameter `parameter` on.
    private static func insertRows(
        _ count: Int, table: String, columns: Int, conflict: String, workspace: WorkspaceID, _ db: Database,
        bind: (SQLiteStatement, Int, Int32) throws -> Void
    ) throws -> Int {
        var inserted = 0
        var row = 0
        while row < count {
            let rows = min(rowsPerInsert, count - row)
            // `?1` is the workspace in every row; each bare `?` takes the next number.
            let values = Array(
                repeating: "(?1" + String(repeating: ", ?", count: columns) + ")", count: rows
            ).joined(separator: ", ")
            try withCachedStatement("INSERT INTO \(table) VALUES \(values)\(conflict)", workspace: workspace, db) { statement, handle in
                for offset in 0..<rows {
                    try bind(handle, row + offset, Int32(2 + offset * columns))
                }
                let code = sqlite3_step(handle)
                guard code == SQLITE_DONE else { throw error(code, db, sql: statement.sql) }
                inserted += Int(sqlite3_changes(db.sqliteConnection))
            }
            row += rows
        }
        return inserted
    }

    /// Inserts a batch as the second schema indexed it, one `task_events` row per run keyed by the
    /// task's id: what migration `v2 event chunks and task index` writes, which later migrations
    /// then convert, so that the migrations stay as they shipped.
    static func insertIndexedByTaskID(
        _ batch: EncodedBatch, into workspace: WorkspaceID, after version: Int64, _ db: Database
    ) throws {
        let taskInsert = "INSERT INTO task_events(workspace, task, sequence) VALUES (?, ?, ?)"
        try withCachedStatement(chunkInsert, workspace: workspace, db) { chunkStatement, _ in
            try withCachedStatement(taskInsert, workspace: workspace, db) { taskStatement, tasks in
                try batch.bytes.withUnsafeBytes { bytes in
                    let base = bytes.baseAddress!
                    try insertChunks(of: batch, from: base, after: version, through: chunkStatement, db)
                    for entry in batch.taskEntries {
                        try check(bindText(tasks, 2, base, entry.task), db)
                        try check(sqlite3_bind_int64(tasks, 3, version + Int64(entry.event) + 1), db)
                        try step(tasks, db, taskStatement)
                    }
                }
            }
        }
    }

    /// Steps `statement` (an `event_chunks` insert whose workspace is bound) once per chunk of
    /// `batch`, binding each chunk's blob straight from `base`, the batch's encoded bytes.
    private static func insertChunks(
        of batch: EncodedBatch, from base: UnsafeRawPointer, after version: Int64, through statement: Statement,
        _ db: Database
    ) throws {
        let chunks = statement.sqliteStatement
        // SQLITE_STATIC (a nil destructor): the bytes outlive the step that reads them.
        for chunk in batch.chunks {
            try check(sqlite3_bind_int64(chunks, 2, version + Int64(chunk.first) + 1), db)
            try check(sqlite3_bind_int64(chunks, 3, Int64(chunk.count)), db)
            try check(sqlite3_bind_blob(chunks, 4, base + chunk.bytes.lowerBound, Int32(chunk.bytes.count), nil), db)
            try step(chunks, db, statement)
        }
    }

    // MARK: - Reading

    /// The number of events in the workspace's log; 0 for a workspace never written to.
    public func version(of workspace: WorkspaceID) async throws -> Int64 {
        try await database.read { db in try Self.version(of: workspace, in: db) }
    }

    /// Up to `limit` events with sequence greater than `after`, in order.
    ///
    /// - Throws: ``EventStoreError/Code/corrupt`` when a stored event cannot be decoded.
    public func read(_ workspace: WorkspaceID, after: Int64, limit: Int) async throws -> [StoredEvent] {
        guard limit > 0 else { return [] }
        return try await database.read { db in try Self.page(of: workspace, after: after, limit: limit, db) }
    }

    /// Hands every event after `after` to `batch`, in order, ``replayBatchSize`` at a time, reading
    /// ahead one batch while `batch` runs. Memory stays bounded by two batches whatever the log's size.
    ///
    /// An error thrown by `batch` stops the replay and is rethrown.
    ///
    /// - Throws: ``EventStoreError/Code/corrupt`` when a stored event cannot be decoded.
    public func replay(
        _ workspace: WorkspaceID, after: Int64, batch: @Sendable ([StoredEvent]) throws -> Void
    ) async throws {
        let size = replayBatchSize
        var current = try await database.read { db in try Self.page(of: workspace, after: after, limit: size, db) }
        while !current.isEmpty {
            guard current.count == size else {
                try batch(current)
                return
            }
            // Sequences have no gaps and rows are never changed, so paging by sequence reads a
            // consistent log without holding one read transaction open for the whole replay; and
            // the next page is read and decoded while the caller folds this one.
            let last = current[current.count - 1].sequence
            async let next = database.read { db in try Self.page(of: workspace, after: last, limit: size, db) }
            try batch(current)
            current = try await next
        }
    }

    /// The events about `task`, in order, found through the task index: the task's first event and
    /// the first event of each later run of its events in one chunk, each run read from there while
    /// it lasts.
    ///
    /// - Throws: ``EventStoreError/Code/corrupt`` when a stored event cannot be decoded.
    public func events(of task: TaskID, in workspace: WorkspaceID) async throws -> [StoredEvent] {
        try await database.read { db in
            var runs = try Self.indexedRuns(of: task, in: workspace, db)
            // The events after the index: scanned in the chunks, which one read transaction sees
            // together with the mark.
            let (_, indexed) = try Self.marks(of: workspace, in: db)
            var id = task.rawValue
            try id.withUTF8 { id in
                try Self.forEachChunk(of: workspace, after: indexed, db) { first, count, chunk throws(EventStoreError) in
                    try TaskIndexWindow.forEachRun(in: chunk, workspace: workspace, first: first, count: count) {
                        sequence, runTask in
                        if runTask.count == id.count, id.isEmpty || memcmp(runTask.baseAddress!, id.baseAddress!, id.count) == 0 {
                            runs.append(sequence)
                        }
                    }
                }
            }
            guard !runs.isEmpty else { return [] }
            runs.sort()
            let chunkQuery = """
                SELECT first, count, events FROM event_chunks
                WHERE workspace = ? AND first <= ?
                ORDER BY first DESC
                LIMIT 1
                """
            return try Self.withCachedStatement(chunkQuery, workspace: workspace, db) { statement, handle in
                var events: [StoredEvent] = []
                for run in runs {
                    sqlite3_reset(handle)
                    try check(sqlite3_bind_int64(handle, 2, run), db)
                    let code = sqlite3_step(handle)
                    guard code == SQLITE_ROW else {
                        if code == SQLITE_DONE {
                            throw EventStoreError(.corrupt, "event \(run) of workspace \(workspace) is indexed but not stored")
                        }
                        throw error(code, db, sql: statement.sql)
                    }
                    var runLength = 0
                    try Self.forEachEvent(of: handle, workspace: workspace, from: run) { (sequence, bytes) throws(EventStoreError) in
                        let event = try EventCodec.decode(bytes, workspace: workspace, sequence: sequence, strings: nil)
                        guard event.taskID == task else { return false }
                        events.append(StoredEvent(workspace: workspace, sequence: sequence, event: event))
                        runLength += 1
                        return true
                    }
                    guard runLength > 0 else {
                        throw EventStoreError(.corrupt, "event \(run) of workspace \(workspace) is indexed under task \(task) but is not about it")
                    }
                }
                return events
            }
        }
    }

    /// The first event of `task` and of each of its later runs that the index tables name: the
    /// `tasks` row's first event and runs, and the task's `task_runs` rows; empty when the task has
    /// no `tasks` row.
    private static func indexedRuns(of task: TaskID, in workspace: WorkspaceID, _ db: Database) throws -> [Int64] {
        var runs: [Int64] = []
        try withCachedStatement("SELECT first, runs FROM tasks WHERE workspace = ? AND task = ?", workspace: workspace, db) {
            statement, handle in
            try check(bindText(handle, 2, task.rawValue), db)
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else { throw error(code, db, sql: statement.sql) }
            let first = sqlite3_column_int64(handle, 0)
            runs.append(first)
            let pointer = sqlite3_column_blob(handle, 1)
            let length = Int(sqlite3_column_bytes(handle, 1))
            do throws(DecodingFailure) {
                runs += try TaskRunList.decode(UnsafeRawBufferPointer(start: pointer, count: length), after: first)
            } catch {
                throw EventStoreError(.corrupt, "the runs of task \(task) of workspace \(workspace) are corrupt: \(error.reason)")
            }
        }
        guard let first = runs.first else { return [] }
        runs += try Int64.fetchAll(db, sql: taskRunsQuery, arguments: [workspace.rawValue, first])
        return runs
    }

    /// The workspaces that have events, sorted by id.
    public func workspaces() async throws -> [WorkspaceID] {
        try await database.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM workspaces WHERE version > 0 ORDER BY id").map(WorkspaceID.init)
        }
    }

    /// Inserts one chunk; its workspace is the first parameter, as in every statement of the store.
    static let chunkInsert = "INSERT INTO event_chunks(workspace, first, count, events) VALUES (?, ?, ?, ?)"

    /// Runs `body` with the cached statement for `sql`, reset and with `workspace` bound to its
    /// first parameter, and resets it and clears its bindings afterwards, even when `body` throws:
    /// a cached statement left stepped would keep its transaction's snapshot pinned, and one left
    /// bound would keep pointers into buffers that are gone.
    ///
    /// ```swift
    /// try withCachedStatement(taskFirstQuery, workspace: workspace, db) { statement, handle in
    ///     try check(bindText(handle, 2, "T1"), db)
    ///     guard sqlite3_step(handle) == SQLITE_ROW else { … }
    /// }
    /// ```
    static func withCachedStatement<Result>(
        _ sql: String, workspace: WorkspaceID, _ db: Database,
        _ body: (Statement, SQLiteStatement) throws -> Result
    ) throws -> Result {
        let statement = try db.cachedStatement(sql: sql)
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        try check(bindText(handle, 1, workspace.rawValue), db)
        return try body(statement, handle)
    }

    /// A task's first event, from the primary key of `tasks`.
    static let taskFirstQuery = """
        SELECT first FROM tasks
        WHERE workspace = ? AND task = ?
        """

    /// The first events of a task's later runs, from the primary key of `task_runs`.
    static let taskRunsQuery = """
        SELECT sequence FROM task_runs
        WHERE workspace = ? AND first = ?
        ORDER BY sequence
        """

    /// The workspace's version and the last event its task index tables cover; both 0 for a
    /// workspace never written to.
    private static func marks(of workspace: WorkspaceID, in db: Database) throws -> (version: Int64, indexed: Int64) {
        try withCachedStatement("SELECT version, indexed FROM workspaces WHERE id = ?", workspace: workspace, db) {
            statement, handle in
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return (0, 0) }
            guard code == SQLITE_ROW else { throw error(code, db, sql: statement.sql) }
            return (sqlite3_column_int64(handle, 0), sqlite3_column_int64(handle, 1))
        }
    }

    private static func version(of workspace: WorkspaceID, in db: Database) throws -> Int64 {
        try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT version FROM workspaces WHERE id = ?"), arguments: [workspace.rawValue]) ?? 0
    }

    /// Up to `limit` events after `after`: from the chunk holding event `after + 1` on.
    private static func page(of workspace: WorkspaceID, after: Int64, limit: Int, _ db: Database) throws -> [StoredEvent] {
        let query = """
            SELECT first, count, events FROM event_chunks
            WHERE workspace = ?1 AND first >= IFNULL(
                (SELECT MAX(first) FROM event_chunks WHERE workspace = ?1 AND first <= ?2), 1)
            ORDER BY first
            """
        return try withCachedStatement(query, workspace: workspace, db) { statement, handle in
            try check(sqlite3_bind_int64(handle, 2, after &+ 1), db)
            var events: [StoredEvent] = []
            // A caller may pass `Int.max` to mean "all of it".
            events.reserveCapacity(min(limit, 10_000))
            // Worth its setup only over many rows.
            let strings = limit >= 256 ? StringTable() : nil
            while events.count < limit {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else { throw error(code, db, sql: statement.sql) }
                try forEachEvent(of: handle, workspace: workspace, from: after + 1) { (sequence, bytes) throws(EventStoreError) in
                    let event = try EventCodec.decode(bytes, workspace: workspace, sequence: sequence, strings: strings)
                    events.append(StoredEvent(workspace: workspace, sequence: sequence, event: event))
                    return events.count < limit
                }
            }
            return events
        }
    }

    /// Hands over the event blobs of the `first, count, events` row `handle` stands on, from
    /// sequence `from` on, straight from SQLite's row buffer.
    private static func forEachEvent(
        of handle: SQLiteStatement, workspace: WorkspaceID, from: Int64,
        _ body: (Int64, UnsafeRawBufferPointer) throws(EventStoreError) -> Bool
    ) throws(EventStoreError) {
        let first = sqlite3_column_int64(handle, 0)
        let count = Int(sqlite3_column_int64(handle, 1))
        // Ask for the pointer before the length, as SQLite documents, so no conversion moves it.
        let pointer = sqlite3_column_blob(handle, 2)
        let length = Int(sqlite3_column_bytes(handle, 2))
        try EventChunk.forEach(
            in: UnsafeRawBufferPointer(start: pointer, count: length), workspace: workspace, first: first, count: count,
            from: from, body)
    }
}

// MARK: - SQLite C API helpers

/// SQLite's `SQLITE_TRANSIENT`: copy the value before the bind returns.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

private func bindText(_ statement: SQLiteStatement, _ index: Int32, _ text: String) -> Int32 {
    var text = text
    return text.withUTF8 { utf8 in
        // A zero-length UTF-8 view may have no base address; SQLite would read that as NULL.
        guard let base = utf8.baseAddress else { return sqlite3_bind_text(statement, index, "", 0, transient) }
        return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) {
            sqlite3_bind_text(statement, index, $0, Int32(utf8.count), transient)
        }
    }
}

/// Binds UTF-8 bytes lying in `base[range]` without copying them: they must outlive the step.
private func bindText(_ statement: SQLiteStatement, _ index: Int32, _ base: UnsafeRawPointer, _ range: Range<Int>) -> Int32 {
    // An empty range still gets a valid pointer, so that SQLite binds '' rather than NULL.
    sqlite3_bind_text(
        statement, index, (base + range.lowerBound).assumingMemoryBound(to: CChar.self), Int32(range.count), nil)
}

/// Runs an insert and readies the statement for the next row.
private func step(_ handle: SQLiteStatement, _ db: Database, _ statement: Statement) throws {
    let code = sqlite3_step(handle)
    guard code == SQLITE_DONE else { throw error(code, db, sql: statement.sql) }
    sqlite3_reset(handle)
}

private func check(_ code: Int32, _ db: Database) throws {
    guard code == SQLITE_OK else { throw error(code, db, sql: nil) }
}

private func error(_ code: Int32, _ db: Database, sql: String?) -> DatabaseError {
    let message = db.sqliteConnection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
    return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
}

/// What a store remembers of one workspace's task index between appends.
struct TaskIndexMemory: Sendable {
    /// The first events of tasks met before the window.
    var firsts = TaskFirstEvents()
    /// The entries not yet written to the index tables; nil until an append makes it.
    var window: TaskIndexWindow?
}
