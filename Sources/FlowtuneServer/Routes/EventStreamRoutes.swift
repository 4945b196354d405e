import FlowtuneCore
import FlowtuneEngine
import FlowtuneStore
import Foundation
import HTTPTypes
import Hummingbird
import DequeModule
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// `/v1/events`: committed events as Server-Sent Events, resumable with `Last-Event-ID`.
///
/// Each event is written as `id:` (its log sequence), `event:` (its type) and `data:` (the same
/// JSON as the audit and task history show). A client that reconnects with the last id it saw
/// gets what it missed from the store, then the live feed, with nothing twice and nothing lost.
/// A comment line every `heartbeat` seconds keeps proxies from closing a quiet stream and finds
/// a client that has gone. The stream ends when the client disconnects or the server shuts down.
///
/// Every stream of the server reads the live feed from one ``EventFanOut``: each event is
/// encoded once, and a stream writes all the frames that are ready in one write. A stream that
/// falls further behind than the fan-out keeps is sent a comment saying so and ends; its client
/// reconnects with `Last-Event-ID` and catches up from the store.
struct EventStreamRoutes {
    let host: WorkspaceHost
    /// The live feed shared by every stream of this server.
    let fanOut: EventFanOut

    /// How many stored events one replay read fetches.
    static let replayPage = 1_000

    init(host: WorkspaceHost, heartbeat: TimeInterval = 15, settings: EventFanOut.Settings = EventFanOut.Settings()) {
        self.host = host
        var settings = settings
        settings.heartbeat = heartbeat
        fanOut = EventFanOut(host: host, settings: settings)
    }

    var routes: [APIRoute] {
        [APIRoute(.get, "/v1/events", .read, stream)]
    }

    @Sendable func stream(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let requested = try Self.lastEventID(request)
        let types = request.uri.queryParameters["types"].map { Set($0.split(separator: ",").map(String.init)) }
        let host = host
        // Join before the replay reads the store, so that an event committed in between is in one
        // or the other (or both: the sequence check drops the repeat).
        let member = await fanOut.join()
        // Without an id to resume from, the stream starts with what is committed from now on.
        let resumeFrom = if let requested { requested } else { await host.engine.committedVersion }
        let body = ResponseBody { writer in
            defer { member.leave() }
            var sent = resumeFrom
            var tick = member.tick
            var live = false
            // Tell the client how long to wait before reconnecting, and start the stream at once
            // so that it knows it is connected even before the first event.
            try await writer.write(ByteBuffer(string: "retry: 2000\n: flowtune events after \(resumeFrom)\n\n"))
            try await withGracefulShutdownHandler {
                loop: while true {
                    switch member.take(after: sent, types: types, tick: tick) {
                    case .frames(let pieces, let last):
                        live = true
                        sent = last
                        try await Self.write(pieces, to: &writer)
                    case .wait:
                        live = true
                        await member.wait(after: sent, tick: tick)
                    case .heartbeat(let now):
                        tick = now
                        try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    case .behind(let oldest):
                        if live {
                            // Too far behind to be kept up: the client resumes from the store.
                            try await writer.write(ByteBuffer(
                                string: ": behind by more than this server keeps (from \(oldest)); reconnect with Last-Event-ID \(sent)\n\n"))
                            break loop
                        }
                        // Not yet live: what was committed before the fan-out's oldest frame is read from the store.
                        let page = try await host.store.read(host.workspace, after: sent, limit: Self.replayPage)
                        guard let last = page.last else {
                            try await Task.sleep(for: .milliseconds(10))
                            continue
                        }
                        var buffer = ByteBuffer()
                        for stored in page where stored.sequence > sent {
                            if let types, !types.contains(stored.event.type) { continue }
                            var frame = try Self.frame(stored)
                            buffer.writeBuffer(&frame)
                        }
                        sent = max(sent, last.sequence)
                        if buffer.readableBytes > 0 { try await writer.write(buffer) }
                    case .end:
                        break loop
                    }
                }
            } onGracefulShutdown: {
                member.end()
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/event-stream", .cacheControl: "no-cache",
                HTTPField.Name("X-Accel-Buffering")!: "no",
            ],
            body: body)
    }

    /// Writes frames as one buffer.
    private static func write(_ pieces: [ByteBuffer], to writer: inout any ResponseBodyWriter) async throws {
        switch pieces.count {
        case 0: return
        case 1: try await writer.write(pieces[0])
        default:
            var buffer = ByteBufferAllocator().buffer(capacity: pieces.reduce(0) { $0 + $1.readableBytes })
            for var piece in pieces { buffer.writeBuffer(&piece) }
            try await writer.write(buffer)
        }
    }

    /// One event as an SSE frame. The JSON has no raw newlines, so it fits one `data:` line.
    static func frame(_ stored: StoredEvent) throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 1024)
        try writeFrame(stored, into: &buffer)
        return buffer
    }

    /// Appends one event's SSE frame to `buffer`.
    static func writeFrame(_ stored: StoredEvent, into buffer: inout ByteBuffer) throws {
        buffer.writeStaticString("id: ")
        buffer.writeString(String(stored.sequence))
        buffer.writeStaticString("\nevent: ")
        buffer.writeString(stored.event.type)
        buffer.writeStaticString("\ndata: ")
        try EventJSON.write(sequence: stored.sequence, event: stored.event, into: &buffer)
        buffer.writeStaticString("\n\n")
    }

    /// The position to resume after: the `Last-Event-ID` header, else the `after` query
    /// parameter (for clients that cannot set headers); nil for neither.
    static func lastEventID(_ request: Request) throws -> Int64? {
        if let header = request.headers[HTTPField.Name("Last-Event-ID")!] {
            guard let id = Int64(header.trimmingCharacters(in: .whitespaces)), id >= 0 else {
                throw Problem(
                    .badRequest, title: "Invalid header",
                    detail: "Last-Event-ID must be the id of an event this stream sent, not \(header)", field: "Last-Event-ID")
            }
            return id
        }
        if let text = request.uri.queryParameters["after"] {
            guard let id = Int64(String(text)), id >= 0 else {
                throw Problem(.badRequest, title: "Invalid query", detail: "after must be an event id", field: "after")
            }
            return id
        }
        return nil
    }
}
