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
struct EventStreamRoutes {
    let host: WorkspaceHost
    /// Seconds between heartbeat comments.
    var heartbeat: TimeInterval = 15
    /// Frames of recent events, shared by every stream of this server: each event is encoded
    /// once, not once per subscriber.
    let frames = SSEFrameCache(capacity: 4096)

    /// How many stored events one replay read fetches.
    static let replayPage = 1_000

    var routes: [APIRoute] {
        [APIRoute(.get, "/v1/events", .read, stream)]
    }

    @Sendable func stream(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let requested = try Self.lastEventID(request)
        let types = request.uri.queryParameters["types"].map { Set($0.split(separator: ",").map(String.init)) }
        let host = host
        let frames = frames
        // Subscribe before the replay reads the store, so that an event committed in between is
        // in one or the other (or both: the sequence check drops the repeat).
        let live = await host.engine.subscribe()
        let feed = SSEFeed(live: live, heartbeat: heartbeat)
        // Without an id to resume from, the stream starts with what is committed from now on.
        let resumeFrom = if let requested { requested } else { await host.engine.committedVersion }
        let body = ResponseBody { writer in
            defer { feed.finish() }
            var sent = resumeFrom
            func send(_ stored: StoredEvent) async throws {
                guard stored.sequence > sent else { return }
                sent = stored.sequence
                if let types, !types.contains(stored.event.type) { return }
                try await writer.write(frames.frame(for: stored))
            }
            // Tell the client how long to wait before reconnecting, and start the stream at once
            // so that it knows it is connected even before the first event.
            try await writer.write(ByteBuffer(string: "retry: 2000\n: flowtune events after \(resumeFrom)\n\n"))
            while true {
                let batch = try await host.store.read(host.workspace, after: sent, limit: Self.replayPage)
                for stored in batch { try await send(stored) }
                if batch.count < Self.replayPage { break }
            }
            try await withGracefulShutdownHandler {
                for await item in feed.items {
                    switch item {
                    case .event(let stored): try await send(stored)
                    case .heartbeat: try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                    }
                }
            } onGracefulShutdown: {
                feed.finish()
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

    /// One event as an SSE frame. The JSON has no raw newlines, so it fits one `data:` line.
    static func frame(_ stored: StoredEvent) throws -> ByteBuffer {
        let resource = EventResource(StoredEventView(sequence: stored.sequence, event: stored.event))
        let json = try JSONEncoder.api.encode(resource)
        var buffer = ByteBuffer()
        buffer.writeString("id: \(stored.sequence)\nevent: \(stored.event.type)\ndata: ")
        buffer.writeBytes(json)
        buffer.writeString("\n\n")
        return buffer
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

/// The live events of one stream merged with heartbeat ticks, ended by whichever of the
/// subscription, the client or the server stops first.
final class SSEFeed: Sendable {
    enum Item: Sendable {
        case event(StoredEvent)
        case heartbeat
    }

    let items: AsyncStream<Item>
    private let continuation: AsyncStream<Item>.Continuation
    private let tasks: [Task<Void, Never>]

    init(live: AsyncStream<StoredEvent>, heartbeat: TimeInterval) {
        let (items, continuation) = AsyncStream<Item>.makeStream(bufferingPolicy: .unbounded)
        self.items = items
        self.continuation = continuation
        let forward = Task {
            for await stored in live { continuation.yield(.event(stored)) }
            // The engine finished its subscriptions: the server is stopping.
            continuation.finish()
        }
        let tick = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(heartbeat))
                if Task.isCancelled { break }
                continuation.yield(.heartbeat)
            }
        }
        let producers = [forward, tick]
        tasks = producers
        // Ending the merged stream, for any reason, stops both producers and, by cancelling the
        // forwarding task's iteration, drops the engine subscription.
        continuation.onTermination = { _ in
            for task in producers { task.cancel() }
        }
    }

    /// Ends the stream.
    func finish() {
        continuation.finish()
    }

    deinit {
        continuation.finish()
    }
}

/// SSE frames of recent events by log position, so that a hundred subscribers cost one encoding
/// per event. Events are immutable, so a frame never goes stale; the oldest are dropped first.
final class SSEFrameCache: Sendable {
    private let state: NIOLockedValueBox<(frames: [Int64: ByteBuffer], order: Deque<Int64>)>
    private let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        state = NIOLockedValueBox(([:], Deque()))
    }

    func frame(for stored: StoredEvent) throws -> ByteBuffer {
        if let cached = state.withLockedValue({ $0.frames[stored.sequence] }) { return cached }
        let frame = try EventStreamRoutes.frame(stored)
        state.withLockedValue { state in
            guard state.frames.updateValue(frame, forKey: stored.sequence) == nil else { return }
            state.order.append(stored.sequence)
            if state.order.count > capacity, let oldest = state.order.popFirst() {
                state.frames[oldest] = nil
            }
        }
        return frame
    }
}
