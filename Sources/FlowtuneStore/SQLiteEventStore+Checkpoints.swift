import Foundation
import GRDB

extension SQLiteEventStore {
    /// Sets how many pages the write-ahead log may hold before the writer copies it into the
    /// database file itself, right after a commit (SQLite's `wal_autocheckpoint`; 1,000 pages
    /// unless set; 0 never).
    ///
    /// That copy runs on the writer connection, so every append waiting behind it waits for it,
    /// and it costs two extra syncs (the database file's, then the log's header when the log starts
    /// over). A server that checkpoints in the background with a ``WALCheckpointer`` raises this
    /// so that the writer only checkpoints when the background falls far behind.
    ///
    /// ```swift
    /// try await store.setAutomaticCheckpoint(pages: 16_384)
    /// ```
    public func setAutomaticCheckpoint(pages: Int) async throws {
        precondition(pages >= 0, "pages must not be negative")
        try await database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(pages)")
        }
    }

    /// How many pages the writer lets the write-ahead log hold before it checkpoints it itself.
    public func automaticCheckpointPages() async throws -> Int {
        try await database.writeWithoutTransaction { db in
            try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") ?? 0
        }
    }
}

/// Copies a SQLite file's write-ahead log into the database file on a connection of its own,
/// beside the store's writer rather than on it.
///
/// A passive checkpoint takes none of the writer's locks: commits go on while it copies and syncs,
/// and it copies only what was committed when it began. Run often, it keeps the part of the log not
/// yet copied small, so that when the writer does checkpoint (see
/// ``SQLiteEventStore/setAutomaticCheckpoint(pages:)``) there is little left to copy.
///
/// ```swift
/// let checkpointer = try WALCheckpointer(path: "data/flowtune.db")
/// let pass = try checkpointer.checkpoint()
/// print(pass.logFrames, pass.copiedFrames)
/// ```
public final class WALCheckpointer: Sendable {
    /// What one checkpoint found and did.
    public struct Pass: Sendable, Hashable {
        /// Frames in the log when the checkpoint ran.
        public var logFrames: Int
        /// Frames of the log now in the database file, this pass's and earlier ones'.
        public var copiedFrames: Int
        /// False when another checkpoint (the writer's) held the log, so this one did nothing.
        public var ran: Bool
    }

    private let database: DatabaseQueue

    /// Opens a connection to the SQLite file at `path`, which must already be in WAL mode (as a
    /// ``SQLiteEventStore`` leaves it).
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.label = "FlowtuneCheckpoints"
        // Never wait on a lock: a busy log is simply checkpointed on the next pass.
        configuration.busyMode = .immediateError
        database = try DatabaseQueue(path: path, configuration: configuration)
        // This connection never commits, but the writer's default would make it checkpoint if it did.
        try database.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
    }

    /// Runs one passive checkpoint: copies every frame committed so far that no reader still
    /// needs, syncs the database file, and returns what the log held.
    public func checkpoint() throws -> Pass {
        do {
            return try database.writeWithoutTransaction { db in
                let (log, copied) = try db.checkpoint(.passive)
                return Pass(logFrames: log, copiedFrames: copied, ran: true)
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            return Pass(logFrames: 0, copiedFrames: 0, ran: false)
        }
    }

    /// Closes the connection; the checkpointer cannot be used afterwards.
    public func close() throws {
        try database.close()
    }
}
