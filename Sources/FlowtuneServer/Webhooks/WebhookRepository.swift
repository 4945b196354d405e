import Foundation
import GRDB

/// Webhook subscriptions and their delivery log, kept in the server's SQLite file in tables of
/// their own, beside the event store's.
///
/// The tables are not events: a subscription's cursor moves with every delivery, and the log of
/// attempts is operational data, pruned to the newest ``deliveriesKept`` per subscription.
public final class WebhookRepository: Sendable {
    private let database: DatabaseQueue
    /// How many delivery attempts are kept per subscription.
    public let deliveriesKept: Int

    /// Opens the tables in the SQLite file at `path`, creating them if needed.
    public init(path: String, deliveriesKept: Int = 1000) throws {
        var configuration = Configuration()
        // The event store writes to the same file; wait for its transactions rather than fail.
        configuration.busyMode = .timeout(5)
        configuration.label = "FlowtuneWebhooks"
        database = try DatabaseQueue(path: path, configuration: configuration)
        self.deliveriesKept = deliveriesKept
        try database.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS webhook_subscriptions (
                    id TEXT PRIMARY KEY NOT NULL,
                    url TEXT NOT NULL,
                    events TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    created_at DOUBLE NOT NULL,
                    cursor INTEGER NOT NULL
                );
                CREATE TABLE IF NOT EXISTS webhook_deliveries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    subscription TEXT NOT NULL,
                    event_id INTEGER NOT NULL,
                    event_type TEXT NOT NULL,
                    attempt INTEGER NOT NULL,
                    status INTEGER,
                    duration_ms DOUBLE NOT NULL,
                    error TEXT,
                    at DOUBLE NOT NULL
                );
                CREATE INDEX IF NOT EXISTS webhook_deliveries_by_subscription ON webhook_deliveries(subscription, id);
                """)
        }
    }

    /// Closes the connection; the repository cannot be used afterwards.
    public func close() throws {
        try database.close()
    }

    /// Stores a new subscription.
    public func insert(_ subscription: WebhookSubscription) throws {
        let events = String(decoding: try JSONEncoder().encode(subscription.events), as: UTF8.self)
        try database.write { db in
            try db.execute(
                sql: "INSERT INTO webhook_subscriptions (id, url, events, secret, created_at, cursor) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    subscription.id, subscription.url.absoluteString, events, subscription.secret,
                    subscription.createdAt.timeIntervalSince1970, subscription.cursor,
                ])
        }
    }

    /// Every subscription, oldest first.
    public func subscriptions() throws -> [WebhookSubscription] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhook_subscriptions ORDER BY created_at, id").compactMap(Self.subscription)
        }
    }

    /// The subscription `id`, if there is one.
    public func subscription(_ id: String) throws -> WebhookSubscription? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM webhook_subscriptions WHERE id = ?", arguments: [id]).flatMap(Self.subscription)
        }
    }

    /// Deletes subscription `id` and its delivery log; false when there was none.
    @discardableResult
    public func delete(_ id: String) throws -> Bool {
        try database.write { db in
            try db.execute(sql: "DELETE FROM webhook_subscriptions WHERE id = ?", arguments: [id])
            let found = db.changesCount > 0
            try db.execute(sql: "DELETE FROM webhook_deliveries WHERE subscription = ?", arguments: [id])
            return found
        }
    }

    /// Records that subscription `id` has handled the log up to `sequence`. The cursor only
    /// moves forward.
    public func advanceCursor(of id: String, to sequence: Int64) throws {
        try database.write { db in
            try db.execute(
                sql: "UPDATE webhook_subscriptions SET cursor = ? WHERE id = ? AND cursor < ?",
                arguments: [sequence, id, sequence])
        }
    }

    /// Appends one attempt to the delivery log, pruning the subscription's oldest entries now
    /// and then, and returns the entry's id.
    @discardableResult
    public func log(
        subscription: String, eventID: Int64, eventType: String, attempt: Int, status: Int?, durationMs: Double,
        error: String?, at: Date
    ) throws -> Int64 {
        let kept = deliveriesKept
        return try database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO webhook_deliveries (subscription, event_id, event_type, attempt, status, duration_ms, error, at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [subscription, eventID, eventType, attempt, status, durationMs, error, at.timeIntervalSince1970])
            let id = db.lastInsertedRowID
            // Pruning every 64th entry keeps the cost off most deliveries.
            if id % 64 == 0 {
                try db.execute(
                    sql: """
                        DELETE FROM webhook_deliveries WHERE subscription = ? AND id < (
                            SELECT id FROM webhook_deliveries WHERE subscription = ? ORDER BY id DESC LIMIT 1 OFFSET ?)
                        """,
                    arguments: [subscription, subscription, kept - 1])
            }
            return id
        }
    }

    /// The newest `limit` attempts for subscription `id`, newest first.
    public func deliveries(of id: String, limit: Int = 100) throws -> [WebhookDelivery] {
        try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM webhook_deliveries WHERE subscription = ? ORDER BY id DESC LIMIT ?",
                arguments: [id, limit]
            ).map { row in
                WebhookDelivery(
                    id: row["id"], subscription: row["subscription"], eventID: row["event_id"],
                    eventType: row["event_type"], attempt: row["attempt"], status: row["status"],
                    durationMs: row["duration_ms"], error: row["error"],
                    at: Date(timeIntervalSince1970: row["at"]))
            }
        }
    }

    private static func subscription(_ row: Row) -> WebhookSubscription? {
        let text: String = row["events"]
        guard let url = URL(string: row["url"]),
            let events = try? JSONDecoder().decode([String].self, from: Data(text.utf8))
        else { return nil }
        return WebhookSubscription(
            id: row["id"], url: url, events: events, secret: row["secret"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), cursor: row["cursor"])
    }
}
