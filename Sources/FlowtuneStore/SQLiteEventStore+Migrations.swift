import FlowtuneCore
import Foundation
import GRDB

extension SQLiteEventStore {
    /// The schema's history. Registered migrations are part of the file format: never edit one
    /// that has shipped, only append new ones.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 events and workspaces") { db in
            // Without a rowid the rows live in the primary-key B-tree itself: one tree to update
            // per append instead of a table plus a key index.
            try db.create(table: "events", options: [.withoutRowID]) { table in
                table.column("workspace", .text).notNull()
                table.column("sequence", .integer).notNull()
                table.column("time", .real).notNull()
                table.column("type", .text).notNull()
                table.column("task", .text)
                table.column("actor", .text).notNull()
                table.column("payload", .blob).notNull()
                table.primaryKey(["workspace", "sequence"])
            }
            try db.create(index: "events_by_task", on: "events", columns: ["workspace", "task", "sequence"])
            try db.create(table: "workspaces", options: [.withoutRowID]) { table in
                table.column("id", .text).notNull().primaryKey()
                table.column("version", .integer).notNull()
            }
        }
        migrator.registerMigration("v2 event chunks and task index") { db in
            // A row per event cost two B-tree insertions per event (the row and its task index
            // entry), which bounded appends to about 200k events/s. Chunks of consecutive events
            // cost one row per hundreds of events, and the task index gets one entry per run of a
            // task's events in a chunk: about one per command rather than one per event.
            try db.execute(sql: """
                CREATE TABLE event_chunks (
                    workspace TEXT NOT NULL,
                    first INTEGER NOT NULL,
                    count INTEGER NOT NULL,
                    events BLOB NOT NULL
                );
                CREATE UNIQUE INDEX event_chunks_by_first ON event_chunks(workspace, first);
                CREATE TABLE task_events (
                    workspace TEXT NOT NULL,
                    task TEXT NOT NULL,
                    sequence INTEGER NOT NULL,
                    PRIMARY KEY (workspace, task, sequence)
                ) WITHOUT ROWID;
                """)
            try moveRowsToChunks(db)
            try db.execute(sql: "DROP TABLE events")
        }
        migrator.registerMigration("v3 task index keyed by first event") { db in
            // Index rows keyed by task id landed all over the index, wherever each id sorts, so an
            // append dirtied (and the WAL wrote and synced) a page per row. Keyed by the task's
            // first event they land at the end, and only the task's first row carries its id.
            try db.execute(sql: """
                CREATE TABLE tasks (
                    workspace TEXT NOT NULL,
                    task TEXT NOT NULL,
                    first INTEGER NOT NULL,
                    PRIMARY KEY (workspace, task)
                ) WITHOUT ROWID;
                CREATE TABLE task_runs (
                    workspace TEXT NOT NULL,
                    first INTEGER NOT NULL,
                    sequence INTEGER NOT NULL,
                    PRIMARY KEY (workspace, first, sequence)
                ) WITHOUT ROWID;
                INSERT INTO tasks(workspace, task, first)
                    SELECT workspace, task, MIN(sequence) FROM task_events GROUP BY workspace, task;
                INSERT INTO task_runs(workspace, first, sequence)
                    SELECT runs.workspace, tasks.first, runs.sequence
                    FROM task_events AS runs
                    JOIN tasks ON tasks.workspace = runs.workspace AND tasks.task = runs.task
                    WHERE runs.sequence > tasks.first
                    ORDER BY 1, 2, 3;
                DROP TABLE task_events;
                """)
        }
        migrator.registerMigration("v4 task index written in windows") { db in
            // Appends write the task index a window of events at a time (see `TaskIndexWindow`):
            // `indexed` marks the last event the index tables cover, and a task whose first event
            // is in a window keeps its later runs in that window in its `tasks` row. Every event
            // of an existing file is indexed already.
            try db.execute(sql: """
                ALTER TABLE workspaces ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;
                UPDATE workspaces SET indexed = version;
                ALTER TABLE tasks ADD COLUMN runs BLOB;
                """)
        }
        return migrator
    }

    /// Moves the events of a v1 file, one row each, into chunks, workspace by workspace.
    ///
    /// Each event is decoded and encoded again, so that the chunks and the task index are made by
    /// the same code as an append's; a v1 event that cannot be decoded stops the migration, which
    /// then leaves the file as it was.
    private static func moveRowsToChunks(_ db: Database) throws {
        let workspaces = try String.fetchAll(db, sql: "SELECT DISTINCT workspace FROM events ORDER BY workspace")
        for name in workspaces {
            let workspace = WorkspaceID(name)
            let rows = try Row.fetchCursor(
                db, sql: "SELECT sequence, payload FROM events WHERE workspace = ? ORDER BY sequence",
                arguments: [name])
            var moved: Int64 = 0
            var pending: [Event] = []
            while let row = try rows.next() {
                let sequence: Int64 = row[0]
                guard sequence == moved + Int64(pending.count) + 1 else {
                    throw EventStoreError(.corrupt, "workspace \(workspace) has no event \(moved + Int64(pending.count) + 1)")
                }
                let payload: [UInt8] = [UInt8](row[1] as Data)
                pending.append(try EventCodec.decode(payload, workspace: workspace, sequence: sequence))
                if pending.count == 65_536 {
                    try insertIndexedByTaskID(EncodedBatch(pending), into: workspace, after: moved, db)
                    moved += Int64(pending.count)
                    pending.removeAll(keepingCapacity: true)
                }
            }
            if !pending.isEmpty { try insertIndexedByTaskID(EncodedBatch(pending), into: workspace, after: moved, db) }
        }
    }
}
