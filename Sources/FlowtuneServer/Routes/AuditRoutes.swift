import FlowtuneCore
import FlowtuneStore
import Foundation
import Hummingbird

/// `/v1/audit`: the event log queried by task, actor and time range.
///
/// Reads go through the ``EventStore`` protocol: a task's events come from its index, anything
/// else is a scan of the log in pages, from the `after` position onward, so a long log is read in
/// bounded pieces and a client pages through it with `next`.
struct AuditRoutes {
    let host: WorkspaceHost

    /// One page of matching events, and where the next page starts.
    struct AuditPage: Encodable, Sendable {
        var items: [EventResource]
        var count: Int
        /// The `after` to pass for the next page; absent when the log has no more matches.
        var next: Int64?
    }

    /// How many events one scan reads from the store at a time.
    static let scanPage = 1_000
    /// How many events one request may scan, so that a query matching little cannot read the whole log at once.
    static let scanBudget = 200_000

    var routes: [APIRoute] {
        [APIRoute(.get, "/v1/audit", .read, audit)]
    }

    @Sendable func audit(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let from = try Self.time(query, "from")
        let to = try Self.time(query, "to")
        if let from, let to, from > to {
            throw Problem(.badRequest, title: "Invalid query", detail: "from must not be later than to", field: "from")
        }
        let limit = try Self.whole(query, "limit", default: 100, range: 1...10_000)
        let after = Int64(try Self.whole(query, "after", default: 0, range: 0...Int.max))
        let actor = query["actor"].map(String.init)
        func matches(_ stored: StoredEvent) -> Bool {
            if let actor, stored.event.actor != actor { return false }
            if let from, stored.event.time < from { return false }
            if let to, stored.event.time > to { return false }
            return true
        }
        var found: [StoredEvent] = []
        var next: Int64?
        if let task = query["task"] {
            let events = try await host.store.events(of: TaskID(String(task)), in: host.workspace)
            let matching = events.filter { $0.sequence > after && matches($0) }
            found = Array(matching.prefix(limit))
            if matching.count > limit { next = found.last?.sequence }
        } else {
            var position = after
            var scanned = 0
            scan: while scanned < Self.scanBudget {
                let batch = try await host.store.read(host.workspace, after: position, limit: Self.scanPage)
                guard let last = batch.last else { break }
                for stored in batch {
                    position = stored.sequence
                    if let to, stored.event.time > to, stored.event.time.timeIntervalSince(to) > Self.clockSlack {
                        // The log is in time order give or take clock adjustments: well past
                        // `to`, nothing later can match.
                        break scan
                    }
                    guard matches(stored) else { continue }
                    if found.count == limit {
                        next = found.last?.sequence
                        break scan
                    }
                    found.append(stored)
                }
                scanned += batch.count
                position = last.sequence
                if batch.count < Self.scanPage { break }
            }
            if next == nil, scanned >= Self.scanBudget { next = position }
        }
        let items = found.map { EventResource(StoredEventView(sequence: $0.sequence, event: $0.event)) }
        return try JSONResponse.make(AuditPage(items: items, count: items.count, next: next))
    }

    /// How far past `to` an event must be before the scan stops, allowing for a wall clock set back.
    static let clockSlack: TimeInterval = 3600

    static func time(_ query: Parameters, _ name: String) throws -> Date? {
        guard let text = query[Substring(name)] else { return nil }
        guard let date = APITime.parse(String(text)) else {
            throw Problem(
                .badRequest, title: "Invalid query",
                detail: "\(name) must be an ISO 8601 time such as 2026-03-01T09:00:00Z, not \(text)", field: name)
        }
        return date
    }

    static func whole(_ query: Parameters, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = query[Substring(name)] else { return value }
        guard let number = Int(String(text)), range.contains(number) else {
            throw Problem(
                .badRequest, title: "Invalid query",
                detail: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)", field: name)
        }
        return number
    }
}
