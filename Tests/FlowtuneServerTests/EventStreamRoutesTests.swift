import FlowtuneCore
@testable import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import Testing

@Suite("Event stream route")
struct EventStreamRoutesTests {
    /// The `id:` values of the frames in an SSE body.
    static func ids(_ body: String) -> [Int] {
        body.split(separator: "\n").compactMap { line in line.hasPrefix("id: ") ? Int(line.dropFirst(4)) : nil }
    }

    /// The frames of an SSE body as (id, event, data).
    static func frames(_ body: String) -> [(id: Int, event: String, data: JSONValue?)] {
        body.components(separatedBy: "\n\n").compactMap { frame in
            var id: Int?
            var event: String?
            var data: JSONValue?
            for line in frame.split(separator: "\n") {
                if line.hasPrefix("id: ") { id = Int(line.dropFirst(4)) }
                if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = try? JSONDecoder().decode(JSONValue.self, from: Data(line.dropFirst(6).utf8)) }
            }
            guard let id, let event else { return nil }
            return (id, event, data)
        }
    }

    @Test("resuming with Last-Event-ID replays what was missed, then continues live, each event once")
    func resume() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let task = try await fixture.createTask()
        let committed = Int(await fixture.server.host.engine.committedVersion)
        let probe = RouterProbe(fixture.server)
        let resumeAfter = 3
        // Enough: everything up to now, and the two events accepting the offer will add.
        let wanted = committed - resumeAfter + 1
        let reading = Task {
            try await probe.call(
                .get, "/v1/events", key: ServerFixture.viewerKey,
                headers: [HTTPField.Name("Last-Event-ID")!: String(resumeAfter)],
                until: { Self.ids($0).count >= wanted })
        }
        // Give the replay time to go out, so that the new event most likely comes through the live
        // subscription; if it comes through the store instead, it must still come exactly once.
        try await Task.sleep(for: .milliseconds(100))
        try await fixture.server.host.engine.submit(.acceptOffer(task, worker: "ana"), actor: "ana")
        let reply = try await reading.value
        #expect(reply.status == .ok)
        #expect(reply.headers[.contentType] == "text/event-stream")
        #expect(reply.body.hasPrefix("retry: "))
        let frames = Self.frames(reply.body)
        #expect(frames.map(\.id) == Array((resumeAfter + 1)...(committed + 1)))
        #expect(frames.last?.event == "OfferAccepted")
        #expect(frames.last?.data?["task"]?.stringValue == task.rawValue)
        #expect(frames.last?.data?["sequence"]?.numberValue == Double(committed + 1))
        #expect(frames.first { $0.event == "TaskRouted" }?.data?["data"]?["decision"]?["policy"] == "skill-score")
    }

    @Test("without Last-Event-ID the stream starts at the live end; a bad id is a 400 naming the header")
    func liveAndBadID() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let committed = Int(await fixture.server.host.engine.committedVersion)
        let probe = RouterProbe(fixture.server)
        let started = Locked(false)
        let reading = Task {
            try await probe.call(.get, "/v1/events?types=TaskCreated", key: ServerFixture.viewerKey) { body in
                EventFanOutTests.noteStart(body, in: started)
                return Self.ids(body).count >= 1
            }
        }
        try await EventFanOutTests.waitForStart(started)
        _ = try await fixture.createTask()
        let reply = try await reading.value
        let frames = Self.frames(reply.body)
        // Only the new task's creation: nothing from before, and no TaskRouted (filtered out).
        #expect(frames.map(\.id) == [committed + 1])
        #expect(frames.map(\.event) == ["TaskCreated"])

        let bad = try await probe.call(.get, "/v1/events", key: ServerFixture.viewerKey, headers: [HTTPField.Name("Last-Event-ID")!: "abc"])
        #expect(bad.status == .badRequest)
        #expect(try bad.json["field"] == "Last-Event-ID")
    }

    @Test("a quiet stream sends heartbeat comments")
    func heartbeat() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let router = Router(context: FlowtuneRequestContext.self)
        for route in EventStreamRoutes(host: fixture.server.host, heartbeat: 0.05).routes {
            router.on(RouterPath(route.path), method: route.method, use: route.handler)
        }
        let reply = try await RouterProbe(router).call(
            .get, "/v1/events", key: nil, until: { $0.components(separatedBy: ": heartbeat\n\n").count > 2 })
        #expect(reply.status == .ok)
        #expect(Self.ids(reply.body).isEmpty)
    }

    @Test("the stream ends when the server shuts down its subscriptions")
    func endsOnShutdown() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let probe = RouterProbe(fixture.server)
        let reading = Task { try await probe.call(.get, "/v1/events?after=0", key: ServerFixture.viewerKey) }
        // The stream subscribes to the engine when its first listener arrives; on a busy machine
        // that can take a while, and a shutdown before it would have nothing to end.
        let deadline = ContinuousClock.now + .seconds(60)
        while await fixture.server.host.engine.subscriberCount == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        // What the metrics feed does on graceful shutdown.
        await fixture.server.host.engine.finishSubscriptions()
        let reply = try await reading.value
        // The replay went out before the end, and nothing after.
        let committed = Int(await fixture.server.host.engine.committedVersion)
        #expect(Self.ids(reply.body) == Array(1...committed))
    }
}
