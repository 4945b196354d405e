import Crypto
import FlowtuneCore
import FlowtuneServer
import FlowtuneStore
import Foundation
import Hummingbird
import Logging
import Testing

/// A webhook receiver on 127.0.0.1: records what it is sent and answers with the statuses it is
/// told to, then 200.
actor Receiver {
    struct Delivery: Sendable {
        var eventID: String
        var timestamp: String
        var signature: String
        var body: Data
    }

    private(set) var deliveries: [Delivery] = []
    private var failures: [Int]
    private var failAlways: Int?

    init(failFirst failures: [Int] = []) { self.failures = failures }

    func fail(always status: Int?) { failAlways = status }

    fileprivate func receive(_ delivery: Delivery) -> Int {
        deliveries.append(delivery)
        if let failAlways { return failAlways }
        return failures.isEmpty ? 200 : failures.removeFirst()
    }

    /// Starts an HTTP server for this receiver at `/hook`.
    nonisolated func start() async throws -> LiveServer {
        let router = Router()
        router.post("hook") { request, context -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let status = await self.receive(Delivery(
                eventID: request.headers[.init("Flowtune-Event-Id")!] ?? "",
                timestamp: request.headers[.init("Flowtune-Timestamp")!] ?? "",
                signature: request.headers[.init("Flowtune-Signature")!] ?? "",
                body: Data(body.readableBytesView)))
            return Response(status: .init(code: status))
        }
        return try await LiveServer.start { running in
            Application(
                router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in await running(channel.localAddress?.port ?? 0) },
                logger: Logger(label: "receiver", factory: { _ in SwiftLogNoOpLogHandler() }))
        }
    }
}

@Suite("Webhooks")
struct WebhookTests {
    /// HMAC-SHA256 from its definition (RFC 2104) over plain SHA-256, independent of the HMAC
    /// implementation the server signs with.
    static func referenceHMAC(key: [UInt8], message: [UInt8]) -> String {
        var block = key.count > 64 ? Array(SHA256.hash(data: key)) : key
        block += [UInt8](repeating: 0, count: 64 - block.count)
        let inner = Array(SHA256.hash(data: block.map { $0 ^ 0x36 } + message))
        let outer = SHA256.hash(data: block.map { $0 ^ 0x5c } + inner)
        return outer.map { String(format: "%02x", $0) }.joined()
    }

    @Test("the signature is HMAC-SHA256 of timestamp.body under the secret")
    func signature() {
        // RFC 4231, test case 2, checks the reference itself.
        #expect(
            Self.referenceHMAC(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let body = Data(#"{"id":"42","type":"TaskRouted"}"#.utf8)
        let secret = "whsec_abc123"
        let signed = WebhookSignature.sign(secret: secret, timestamp: 1_767_603_600, body: body)
        #expect(signed == "v1=" + Self.referenceHMAC(key: Array(secret.utf8), message: Array("1767603600.".utf8) + Array(body)))
        #expect(WebhookSignature.verify(signed, secret: secret, timestamp: 1_767_603_600, body: body))
        #expect(!WebhookSignature.verify(signed, secret: secret, timestamp: 1_767_603_601, body: body))
        #expect(!WebhookSignature.verify(signed, secret: "other", timestamp: 1_767_603_600, body: body))
        #expect(!WebhookSignature.verify(signed, secret: secret, timestamp: 1_767_603_600, body: Data("{}".utf8)))
    }

    @Test("backoff doubles from the initial delay up to the cap, scaled by jitter in [½, 1)")
    func backoff() {
        let policy = WebhookPolicy(initialDelay: .milliseconds(100), maxDelay: .seconds(1))
        #expect(policy.delay(after: 1, unit: 0) == .milliseconds(50))
        #expect(policy.delay(after: 1, unit: 1) == .milliseconds(100))
        #expect(policy.delay(after: 3, unit: 0.5) == .milliseconds(300))
        #expect(policy.delay(after: 10, unit: 1) == .seconds(1))
    }

    @Test("subscriptions are admin only, validated, and show their secret once")
    func management() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let body = #"{"url": "http://127.0.0.1:9/hook", "events": ["TaskRouted"]}"#
            #expect(try await client.send(.post, "/v1/webhooks", key: ServerFixture.operatorKey, json: body).status == .forbidden)
            #expect(try await client.send(.get, "/v1/webhooks", key: ServerFixture.viewerKey).status == .forbidden)
            let bad = try await client.send(
                .post, "/v1/webhooks", key: ServerFixture.adminKey, json: #"{"url": "http://127.0.0.1:9/", "events": ["TaskRouted", "Nope"]}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(try bad.json["field"]?.stringValue == "events[1]")
            let badURL = try await client.send(
                .post, "/v1/webhooks", key: ServerFixture.adminKey, json: #"{"url": "ftp://x", "events": ["*"]}"#)
            #expect(try badURL.json["field"]?.stringValue == "url")

            let created = try await client.send(.post, "/v1/webhooks", key: ServerFixture.adminKey, json: body)
            #expect(created.status == .created)
            let id = try #require(try created.json["id"]?.stringValue)
            #expect(try created.json["secret"]?.stringValue?.hasPrefix("whsec_") == true)
            let listed = try await client.send(.get, "/v1/webhooks", key: ServerFixture.adminKey)
            #expect(try listed.json["count"]?.numberValue == 1)
            guard case .array(let items) = try listed.json["items"], let first = items.first else {
                Issue.record("no subscriptions listed")
                return
            }
            #expect(first["id"]?.stringValue == id)
            #expect(first["secret"] == nil)
            #expect(try await client.send(.get, "/v1/webhooks/\(id)/deliveries", key: ServerFixture.adminKey).status == .ok)
            #expect(try await client.send(.delete, "/v1/webhooks/\(id)", key: ServerFixture.adminKey).status == .noContent)
            #expect(try await client.send(.delete, "/v1/webhooks/\(id)", key: ServerFixture.adminKey).status == .notFound)
        }
    }

    /// Waits up to five seconds for `condition`.
    static func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<250 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    static func subscribe(_ live: LiveServer, to receiver: LiveServer, events: String) async throws -> (id: String, secret: String) {
        let created = try await call(
            .POST, "\(live.base)/v1/webhooks", json: #"{"url": "\#(receiver.base)/hook", "events": \#(events)}"#)
        #expect(created.status == 201)
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(created.body.utf8))
        return (try #require(json["id"]?.stringValue), try #require(json["secret"]?.stringValue))
    }

    @Test("events are delivered signed to a receiver on loopback, only the subscribed types, retried after 500s")
    func delivery() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = Receiver(failFirst: [500, 500])
        let receiving = try await receiver.start()
        var server = try await FlowtuneServer.open(liveConfiguration(directory))
        server.webhookPolicy = WebhookPolicy(
            maxAttempts: 4, initialDelay: .milliseconds(20), maxDelay: .milliseconds(100), timeout: .seconds(5),
            pollInterval: .milliseconds(10), random: { 0.5 })
        try await defineDesk(server)
        let live = try await LiveServer.start(server)
        do {
            let (id, secret) = try await Self.subscribe(live, to: receiving, events: #"["TaskRouted"]"#)
            let created = try await call(.POST, "\(live.base)/v1/tasks", json: #"{"workflow": "support"}"#)
            #expect(created.status == 201)
            #expect(try await Self.eventually { await receiver.deliveries.count >= 3 })
            try await Task.sleep(for: .milliseconds(100))
            let received = await receiver.deliveries
            // Two refusals, then the same event again, and nothing else: TaskCreated is not subscribed.
            #expect(received.count == 3)
            #expect(Set(received.map(\.eventID)).count == 1)
            let routed = try await server.host.store.read(server.host.workspace, after: 0, limit: 1000)
                .filter { $0.event.type == "TaskRouted" }
            #expect(received.first?.eventID == routed.first.map { String($0.sequence) })
            for delivery in received {
                let timestamp = try #require(Int(delivery.timestamp))
                #expect(delivery.signature == "v1=" + Self.referenceHMAC(
                    key: Array(secret.utf8), message: Array("\(timestamp).".utf8) + Array(delivery.body)))
                #expect(abs(Double(timestamp) - Date().timeIntervalSince1970) < 60)
                let body = try JSONDecoder().decode(JSONValue.self, from: delivery.body)
                #expect(body["id"]?.stringValue == delivery.eventID)
                #expect(body["type"]?.stringValue == "TaskRouted")
                #expect(body["data"]?["worker"]?.stringValue == "ana")
            }
            let log = try await call(.GET, "\(live.base)/v1/webhooks/\(id)/deliveries")
            let entries = try JSONDecoder().decode(JSONValue.self, from: Data(log.body.utf8))
            guard case .array(let items) = entries["items"] else { Issue.record("no delivery log"); return }
            #expect(items.compactMap { $0["attempt"]?.numberValue } == [3, 2, 1])
            #expect(items.compactMap { $0["status"]?.numberValue } == [200, 500, 500])
            #expect(items.compactMap { $0["delivered"] } == [true, false, false])
            #expect(items[1]["error"]?.stringValue == "HTTP 500")
        } catch {
            try await live.stop()
            try await receiving.stop()
            throw error
        }
        try await live.stop()
        try await receiving.stop()
        try server.close()
    }

    @Test("after a restart delivery resumes from the durable cursor and loses no event")
    func resume() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let receiver = Receiver()
        await receiver.fail(always: 503)
        let receiving = try await receiver.start()
        let policy = WebhookPolicy(
            maxAttempts: 10_000, initialDelay: .milliseconds(10), maxDelay: .milliseconds(50), timeout: .seconds(5),
            pollInterval: .milliseconds(10), random: { 0.5 })

        // First run: the receiver is down, so nothing gets through.
        var first = try await FlowtuneServer.open(liveConfiguration(directory))
        first.webhookPolicy = policy
        try await defineDesk(first)
        var live = try await LiveServer.start(first)
        let subscription = try await Self.subscribe(live, to: receiving, events: #"["TaskCreated", "TaskCancelled"]"#)
        for _ in 0..<3 {
            #expect(try await call(.POST, "\(live.base)/v1/tasks", json: #"{"workflow": "support"}"#).status == 201)
        }
        #expect(try await Self.eventually { await receiver.deliveries.count >= 3 })
        try await live.stop()
        try first.close()

        // Between runs, more work is committed with no dispatcher running.
        var second = try await FlowtuneServer.open(liveConfiguration(directory))
        second.webhookPolicy = policy
        for _ in 0..<2 {
            try await second.host.engine.submit(.createTask(NewTask(workflow: "support")), actor: "test")
        }
        await receiver.fail(always: nil)
        live = try await LiveServer.start(second)
        let expected = try await second.host.store.read(second.host.workspace, after: 0, limit: 10_000)
            .filter { $0.event.type == "TaskCreated" }.map { String($0.sequence) }
        #expect(expected.count == 5)
        let delivered = { await Set(receiver.deliveries.filter { !$0.body.isEmpty }.map(\.eventID)) }
        let complete = try await Self.eventually {
            let log = try await call(.GET, "\(live.base)/v1/webhooks/\(subscription.id)/deliveries?limit=1000").body
            return log.components(separatedBy: "\"delivered\":true").count - 1 >= 5
        }
        #expect(complete)
        #expect(await delivered() == Set(expected))
        let saved = try #require(try second.webhooks.subscription(subscription.id))
        #expect(saved.cursor >= Int64(expected.last.flatMap { Int($0) } ?? 0))
        try await live.stop()
        try await receiving.stop()
        try second.close()
    }
}
