import FlowtuneCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypes
import Synchronization

/// Serves the three requests of a task's lifecycle — `POST /v1/tasks`, `POST /v1/tasks/{id}/accept`
/// and `POST /v1/tasks/{id}/complete` — straight from the connection's channel pipeline, with the
/// same handlers, answers and problem documents as the router, and hands every other request on.
///
/// A request through Hummingbird's server crosses an asynchronous stream into the connection's
/// task, gets a `Request`, a logger and a context, the router's lookup and three middleware
/// layers, and is written back through an asynchronous writer: together about as much CPU as the
/// engine's work for it. Here the request is read on the event loop, one task runs the handler
/// and the answer is written from the event loop.
///
/// Only a request that is sure to get the router's own answer is served here: a recognised key
/// whose role admits the route, a body within the limit that the fast JSON reader accepts, a
/// plain task id, no `Connection: close`. Anything else — a missing or unknown key, a body the
/// decoder must report on, an oversized body, any other route — is passed on untouched, so that
/// the router answers it exactly as before. Errors from the handler itself (a refused command)
/// become the same problem documents as on the router.
///
/// Answers leave in request order: a request is served here only when no earlier request on the
/// connection is still being answered, and while one is served here, later requests (pipelined
/// ones) wait, and once one waits, so does the connection's next read.
final class TaskRouteShortcut: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// What the shortcut needs from the server; shared by every connection.
    struct Setup: Sendable {
        var routes: TaskRoutes
        /// Who may call each route served here, by path pattern: the access the router checks,
        /// read from the same route list, so that the two can never disagree.
        var access: [String: RouteAccess]
        var keys: KeyRing
        var bodyLimit: Int
        var telemetry: ServerTelemetry
        var serverName: String?
        var logger: Logger
        /// Counts the requests served here.
        var served: ServedCount
    }

    /// How many requests the shortcuts of a server have served: so that a test can tell them
    /// from the router, whose answers are the same.
    final class ServedCount: Sendable {
        private let count = Atomic<Int>(0)
        var value: Int { count.load(ordering: .relaxed) }
        func add() { count.add(1, ordering: .relaxed) }
    }

    private enum State {
        /// Between requests, or passing one on.
        case idle
        /// A request that may be served here: its head and body so far.
        case collecting(HTTPRequest, ByteBuffer)
        /// A request passed on to the router, until its end.
        case forwarding
        /// A request being served here, until its answer is written.
        case serving
    }

    private let setup: Setup
    private var state = State.idle
    /// Requests passed on whose answers have not yet been written.
    private var unanswered = 0
    /// Parts that arrived while a request was served here, for after its answer.
    private var held: [HTTPRequestPart] = []
    private var readHeld = false
    private var heldEvents: [Any] = []

    init(setup: Setup) {
        self.setup = setup
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        read(unwrapInboundIn(data), context: context)
    }

    private func read(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch (state, part) {
        case (.serving, _):
            held.append(part)
        case (.idle, .head(let head)):
            if unanswered == 0, Route(head) != nil {
                state = .collecting(head, context.channel.allocator.buffer(capacity: 0))
            } else {
                pass(part, context: context)
            }
        case (.collecting(let head, var body), .body(let chunk)):
            state = .idle  // the buffer is uniquely held while appending
            body.writeImmutableBuffer(chunk)
            if body.readableBytes > setup.bodyLimit {
                pass(.head(head), context: context)
                context.fireChannelRead(wrapInboundOut(.body(body)))
                releaseEvents(context: context)
            } else {
                state = .collecting(head, body)
            }
        case (.collecting(let head, let body), .end(let trailers)):
            if let job = job(head, body) {
                setup.served.add()
                state = .serving
                serve(job, head: head, body: body, context: context)
            } else {
                pass(.head(head), context: context)
                if body.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(.body(body))) }
                context.fireChannelRead(wrapInboundOut(.end(trailers)))
                state = .idle
                releaseEvents(context: context)
            }
        case (.forwarding, .end):
            context.fireChannelRead(wrapInboundOut(part))
            state = .idle
        default:
            // The rest of a request being passed on, or parts out of order, which the router's
            // side reports as it always has.
            context.fireChannelRead(wrapInboundOut(part))
        }
    }

    /// Passes a request's head (or a stray part) on to the router.
    private func pass(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        if case .head = part {
            unanswered += 1
            state = .forwarding
        }
        context.fireChannelRead(wrapInboundOut(part))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Graceful shutdown closes idle connections; this one is not idle while it reads or
        // serves a request here, which the handlers behind have not seen.
        var busy = false
        switch state {
        case .collecting, .serving: busy = true
        case .idle, .forwarding: busy = false
        }
        if busy, event is ChannelShouldQuiesceEvent {
            heldEvents.append(event)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: - Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { unanswered = max(0, unanswered - 1) }
        context.write(data, promise: promise)
    }

    func read(context: ChannelHandlerContext) {
        // A client that waits for each answer has nothing held, and the connection keeps reading
        // (pausing and resuming reads costs two system calls a request); one that pipelines is
        // read no further until the request served here is answered, so at most one read's
        // worth of requests waits here.
        if case .serving = state, !held.isEmpty {
            readHeld = true
        } else {
            context.read()
        }
    }

    // MARK: - Serving

    /// The three routes served here.
    private enum Route {
        case create
        case accept(Substring)
        case complete(Substring)

        init?(_ head: HTTPRequest) {
            guard head.method == .post, let path = head.path else { return nil }
            if path == "/v1/tasks" {
                self = .create
                return
            }
            let prefix = "/v1/tasks/"
            guard path.hasPrefix(prefix) else { return nil }
            let rest = path.dropFirst(prefix.count)
            guard let slash = rest.firstIndex(of: "/") else { return nil }
            let id = rest[..<slash]
            // Only ids that read the same before and after percent-decoding and routing.
            guard !id.isEmpty, id.utf8.allSatisfy(Self.plain) else { return nil }
            switch rest[rest.index(after: slash)...] {
            case "accept": self = .accept(id)
            case "complete": self = .complete(id)
            default: return nil
            }
        }

        var pattern: String {
            switch self {
            case .create: "/v1/tasks"
            case .accept: "/v1/tasks/{id}/accept"
            case .complete: "/v1/tasks/{id}/complete"
            }
        }

        /// RFC 3986's unreserved characters.
        static func plain(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                true
            default: false
            }
        }
    }

    /// The access of the `POST` routes among `routes`, by path pattern.
    static func access(of routes: [APIRoute]) -> [String: RouteAccess] {
        Dictionary(routes.filter { $0.method == .post }.map { ($0.path, $0.access) }, uniquingKeysWith: { first, _ in first })
    }

    private struct Job: Sendable {
        var route: String
        var caller: String
        var run: @Sendable () async throws -> JSONAnswer
    }

    /// The work of a request that gets the router's answer when served here; nil to pass it on.
    private func job(_ head: HTTPRequest, _ body: ByteBuffer) -> Job? {
        guard let route = Route(head), body.readableBytes > 0,
            AuthenticationMiddleware.value(of: .connection, in: head.headerFields) == nil,
            let secret = AuthenticationMiddleware.secret(in: head.headerFields),
            let identity = setup.keys.identify(secret), setup.access[route.pattern]?.admits(identity.role) == true,
            let value = FastJSON.parse(body)
        else { return nil }
        let routes = setup.routes
        switch route {
        case .create:
            guard let created = TaskRoutes.CreateBody(fast: value) else { return nil }
            let key = AuthenticationMiddleware.value(of: TaskRoutes.idempotencyKey, in: head.headerFields)
            return Job(route: route.pattern, caller: identity.name) {
                try await routes.create(created, key: key, by: identity)
            }
        case .accept(let id):
            var named: String?
            if identity.worker == nil {
                guard let work = TaskRoutes.WorkBody(fast: value) else { return nil }
                named = work.worker
            }
            guard let worker = try? TaskRoutes.worker(for: identity, named: named) else { return nil }
            let task = TaskID(String(id))
            return Job(route: route.pattern, caller: identity.name) {
                try await routes.accept(task, as: worker, by: identity)
            }
        case .complete(let id):
            guard let completion = TaskRoutes.CompleteBody(fast: value),
                let worker = try? TaskRoutes.worker(for: identity, named: completion.worker)
            else { return nil }
            let task = TaskID(String(id))
            return Job(route: route.pattern, caller: identity.name) {
                try await routes.complete(task, completion, as: worker, by: identity)
            }
        }
    }

    private func serve(_ job: Job, head: HTTPRequest, body: ByteBuffer, context: ChannelHandlerContext) {
        let setup = setup
        let channel = context.channel
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let start = ContinuousClock.now
        let eventLoop = context.eventLoop
        Task {
            let answered = await TaskRouteShortcut.respond(job, head: head, body: body, channel: channel, setup: setup, start: start)
            eventLoop.execute {
                handler.value.answer(answered.head, answered.body, context: bound.value)
            }
        }
    }

    /// Runs the request's handler and returns its answer's head and body, as the router would.
    private static func respond(
        _ job: Job, head: HTTPRequest, body: ByteBuffer, channel: any NIOCore.Channel, setup: Setup,
        start: ContinuousClock.Instant
    ) async -> Answered {
        var response: Response
        var buffer: ByteBuffer?
        do {
            let answer = try await RequestCaller.$name.withValue(job.caller) { try await job.run() }
            response = answer.response
            buffer = answer.json
        } catch {
            response = problem(for: error, head: head, body: body, channel: channel, setup: setup)
            buffer = await BodyCollector.bytes(of: response.body)
        }
        setup.telemetry.recordRequest(
            route: job.route, method: "POST", status: response.status.code, duration: .now - start)
        // As Hummingbird's server adds them to every answer.
        response.headers.append(HTTPField(name: .date, value: HTTPDate.now))
        if let name = setup.serverName { response.headers.append(HTTPField(name: .server, value: name)) }
        return Answered(head: response.head, body: buffer)
    }

    private struct Answered: Sendable {
        var head: HTTPResponse
        var body: ByteBuffer?
    }

    /// Writes the answer of the request served here, then goes on with what waited for it.
    private func answer(_ head: HTTPResponse, _ body: ByteBuffer?, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if let body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        state = .idle
        let parts = held
        held = []
        guard context.channel.isActive else { return }
        var passed = false
        for (index, part) in parts.enumerated() {
            read(part, context: context)
            if case .serving = state {
                // Another request served here: the rest waits for its answer in turn.
                held.append(contentsOf: parts[(index + 1)...])
                break
            }
            passed = true
        }
        if passed { context.fireChannelReadComplete() }
        if case .serving = state { return }
        releaseEvents(context: context)
        if readHeld {
            readHeld = false
            context.read()
        }
    }

    /// Passes on the events held while a request was read or served here.
    private func releaseEvents(context: ChannelHandlerContext) {
        let events = heldEvents
        heldEvents = []
        for event in events { context.fireUserInboundEventTriggered(event) }
    }

    /// The problem document the router would have answered `error` with.
    private static func problem(
        for error: any Error, head: HTTPRequest, body: ByteBuffer, channel: any NIOCore.Channel, setup: Setup
    ) -> Response {
        let request = Request(head: head, body: RequestBody(buffer: body))
        var context = FlowtuneRequestContext(source: .init(channel: channel, logger: setup.logger))
        context.maxBodySize = setup.bodyLimit
        let problem = ProblemMiddleware.problem(for: error, request: request, context: context)
        if let problem = problem as? any HTTPResponseError, let response = try? problem.response(from: request, context: context) {
            return response
        }
        return Response(status: .internalServerError)
    }
}

/// Reads a response body written as buffers (a problem document's) into one buffer.
private final class BodyCollector: ResponseBodyWriter {
    private var collected: ByteBuffer?

    func write(_ buffer: ByteBuffer) async throws {
        if collected == nil {
            collected = buffer
        } else {
            collected!.writeImmutableBuffer(buffer)
        }
    }

    func finish(_ trailingHeaders: HTTPFields?) async throws {}

    static func bytes(of body: ResponseBody) async -> ByteBuffer? {
        let collector = BodyCollector()
        try? await body.write(collector)
        return collector.collected
    }
}
