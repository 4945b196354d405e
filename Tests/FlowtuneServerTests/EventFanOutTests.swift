import FlowtuneCore
@testable import FlowtuneServer
import FlowtuneStore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@Suite("Event stream fan-out")
struct EventFanOutTests {
    static func ids(_ body: String) -> [Int] { EventStreamRoutesTests.ids(body) }

    /// Creates `count` tasks in one engine call, so that all their events are committed and
    /// published together.
    static func burst(_ fixture: ServerFixture, count: Int) async throws {
        let commands = (0..<count).map { _ in Command.createTask(NewTask(workflow: "support")) }
        let results = try await fixture.server.host.engine.submit(commands, actor: "fixture")
        for result in results { _ = try result.get() }
    }

    /// Marks a stream started once its opening comment is out: by then it has joined the fan-out
    /// and fixed where it starts, so that an event committed afterwards is owed to it.
    static func noteStart(_ body: String, in started: Locked<Bool>) {
        if body.contains(": flowtune events after ") { started.withLock { $0 = true } }
    }

    /// Waits for a stream read on another task to start, rather than for a fixed pause that a busy
    /// machine can outlast.
    static func waitForStart(_ started: Locked<Bool>) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !started.withLock({ $0 }) {
            guard ContinuousClock.now < deadline else { throw TimedOut(uri: "/v1/events", read: "no opening comment") }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// A router with only the event stream, on its own fan-out settings.
    static func router(_ routes: EventStreamRoutes) -> Router<FlowtuneRequestContext> {
        let router = Router(context: FlowtuneRequestContext.self)
        for route in routes.routes {
            router.on(RouterPath(route.path), method: route.method, use: route.handler)
        }
        return router
    }

    @Test("a burst of events reaches a live stream in order, complete, in a few writes, and resumes from any id")
    func burst() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let committed = Int(await fixture.server.host.engine.committedVersion)
        let probe = RouterProbe(fixture.server)
        let total = Locked(0)
        let started = Locked(false)
        let reading = Task {
            try await probe.call(
                .get, "/v1/events", key: ServerFixture.viewerKey,
                until: { body in
                    Self.noteStart(body, in: started)
                    return Self.ids(body).count >= total.withLock { $0 } && total.withLock { $0 } > 0
                })
        }
        try await Self.waitForStart(started)
        try await Self.burst(fixture, count: 300)
        let version = Int(await fixture.server.host.engine.committedVersion)
        total.withLock { $0 = version - committed }
        let reply = try await reading.value
        #expect(Self.ids(reply.body) == Array((committed + 1)...version))
        // Hundreds of events, drained and written together rather than one write each (a few
        // segments of 20 ms while the burst is encoded; a slow machine makes a few more).
        #expect(version - committed >= 300)
        #expect(reply.writes <= (version - committed) / 20)

        // Resuming from the middle gives the rest, each once.
        let middle = committed + (version - committed) / 2
        let resumed = try await probe.call(
            .get, "/v1/events", key: ServerFixture.viewerKey, headers: [HTTPField.Name("Last-Event-ID")!: String(middle)],
            until: { Self.ids($0).count >= version - middle })
        #expect(Self.ids(resumed.body) == Array((middle + 1)...version))
    }

    @Test("a stalled stream holds back neither the engine nor other streams; it is told to resume and can")
    func stalled() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        var settings = EventFanOut.Settings()
        settings.retainedBytes = 16 << 10
        let routes = EventStreamRoutes(host: fixture.server.host, settings: settings)
        let router = Self.router(routes)
        let committed = Int(await fixture.server.host.engine.committedVersion)

        // A client that reads the stream's start, then stops reading.
        let gate = Gate()
        let stalledSink = Sink()
        let responder = router.buildResponder()
        let request = Request(
            head: HTTPRequest(method: .get, scheme: "http", authority: "localhost", path: "/v1/events"),
            body: RequestBody(buffer: ByteBuffer()))
        let context = FlowtuneRequestContext(
            source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: Logger(label: "probe")))
        let response = try await responder.respond(to: request, context: context)
        let stalled = Task { try await response.body.write(GatedWriter(sink: stalledSink, gate: gate)) }

        // A client that keeps up.
        let total = Locked(0)
        let keepingUp = RouterProbe(router)
        let started = Locked(false)
        let reading = Task {
            try await keepingUp.call(
                .get, "/v1/events", key: nil,
                until: { body in
                    Self.noteStart(body, in: started)
                    return Self.ids(body).count >= total.withLock { $0 } && total.withLock { $0 } > 0
                })
        }
        try await Self.waitForStart(started)
        // Far more than the fan-out keeps: the engine commits it all while one client reads nothing.
        for _ in 0..<3 {
            try await Self.burst(fixture, count: 100)
            try await Task.sleep(for: .milliseconds(20))
        }
        let version = Int(await fixture.server.host.engine.committedVersion)
        total.withLock { $0 = version - committed }
        let reply = try await reading.value
        #expect(Self.ids(reply.body) == Array((committed + 1)...version))

        // The stalled client reads again: what it got is a gapless start, then the note to resume.
        gate.open()
        try await stalled.value
        let seen = Self.ids(stalledSink.text)
        #expect(stalledSink.text.contains(": behind"))
        #expect(stalledSink.text.contains("reconnect with Last-Event-ID"))
        let lastSeen = seen.last ?? committed
        #expect(seen == Array((committed + 1)...lastSeen) || seen.isEmpty)
        #expect(lastSeen < version)
        #expect(routes.fanOut.memberCount == 0)

        // Resuming where it stopped gives the rest, each once.
        let resumed = try await RouterProbe(router).call(
            .get, "/v1/events", key: nil, headers: [HTTPField.Name("Last-Event-ID")!: String(lastSeen)],
            until: { Self.ids($0).count >= version - lastSeen })
        #expect(Self.ids(resumed.body) == Array((lastSeen + 1)...version))
    }

    @Test("the fan-out drops its engine subscription when its last stream ends and starts a new one for the next")
    func restarts() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let routes = EventStreamRoutes(host: fixture.server.host)
        let router = Self.router(routes)
        for round in 0..<2 {
            let committed = Int(await fixture.server.host.engine.committedVersion)
            let probe = RouterProbe(router)
            let started = Locked(false)
            let reading = Task {
                try await probe.call(.get, "/v1/events", key: nil) { body in
                    Self.noteStart(body, in: started)
                    return Self.ids(body).count >= 2
                }
            }
            try await Self.waitForStart(started)
            #expect(routes.fanOut.memberCount == 1, "round \(round)")
            _ = try await fixture.createTask()
            let reply = try await reading.value
            #expect(Array(Self.ids(reply.body).prefix(2)) == [committed + 1, committed + 2])
            #expect(routes.fanOut.memberCount == 0)
        }
    }
}

/// A value shared between a test and its closures.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result { mutex.withLock { body(&$0) } }
}

/// Holds writers back until opened.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let now = state.withLock { state in
                if state.open { return true }
                state.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}

/// A client that takes the first write, then reads nothing more until the gate opens.
struct GatedWriter: ResponseBodyWriter {
    let sink: Sink
    let gate: Gate
    var writes = 0

    mutating func write(_ buffer: ByteBuffer) async throws {
        writes += 1
        if writes > 1 { await gate.wait() }
        sink.append(buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

@Suite("Event JSON")
struct EventJSONTests {
    @Test("events are written byte for byte as the encoder writes their resource")
    func sameAsEncoder() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let engine = fixture.server.host.engine
        let first = try await fixture.createTask()
        try await engine.submit(.acceptOffer(first, worker: "ana"), actor: "ana")
        try await engine.submit(.completeStep(first, worker: "ana", outcome: nil, evidence: ["resolution": "fixed \"it\" / done\n"]), actor: "ana")
        let second = try await fixture.createTask()
        try await engine.submit(.flagException(second, reason: "odd\tcase\u{1}", context: ["why": "é 😀 \\ /"]), actor: "key:ops", cause: "POST /v1/tasks/x/exception")
        let third = try await fixture.createTask()
        try await engine.submit(.cancelTask(third, reason: "duplicate"), actor: "key:admin")
        var events = try await fixture.server.host.store.read(fixture.server.host.workspace, after: 0, limit: 10_000)
        events.append(StoredEvent(
            workspace: fixture.server.host.workspace, sequence: 1 << 40,
            event: Event(time: Date(timeIntervalSince1970: 1_800_000_000.1234), actor: "a\"b\\c/\u{7}", cause: nil, payload: events[0].event.payload)))
        #expect(events.count > 10)
        for stored in events {
            var buffer = ByteBuffer()
            try EventJSON.write(sequence: stored.sequence, event: stored.event, into: &buffer)
            let expected = try JSONEncoder.api.encode(EventResource(StoredEventView(sequence: stored.sequence, event: stored.event)))
            #expect(String(buffer: buffer) == String(decoding: expected, as: UTF8.self), "\(stored.event.type)")
        }
    }
}
