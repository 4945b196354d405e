import FlowtuneCore
import FlowtuneStore
import Foundation

/// The body of a webhook delivery: the event as the API shows it, with its log sequence as the
/// id a receiver deduplicates on.
///
/// ```json
/// {"id": "1842", "sequence": 1842, "workspace": "default", "type": "TaskRouted",
///  "time": "2026-01-05T09:00:00.000Z", "actor": "system", "task": "T17", "data": {...}}
/// ```
struct WebhookEvent: Encodable, Sendable {
    var id: String
    var workspace: String
    var event: EventResource

    init(_ stored: StoredEvent) {
        id = String(stored.sequence)
        workspace = stored.workspace.rawValue
        event = EventResource(StoredEventView(sequence: stored.sequence, event: stored.event))
    }

    enum CodingKeys: String, CodingKey { case id, workspace }

    func encode(to encoder: any Encoder) throws {
        // The event's own fields sit at the top level beside the id.
        try event.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(workspace, forKey: .workspace)
    }

    /// The encoded body.
    func body() throws -> Data {
        try JSONEncoder.api.encode(self)
    }
}
