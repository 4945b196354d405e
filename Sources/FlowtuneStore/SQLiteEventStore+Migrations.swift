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
        return migrator
    }
}
