import FlowtuneCore
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@Suite("Telemetry")
struct TelemetryTests {
    @Test("/metrics needs a reading key and reports requests per route pattern, queue depth, service level and exceptions")
    func prometheus() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            #expect(try await client.send(.get, "/metrics", key: nil).status == .unauthorized)
            #expect(try await client.send(.get, "/metrics", key: ServerFixture.anaKey).status == .forbidden)

            let created = try await client.send(.post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "support"}"#)
            let id = try #require(try created.json["id"]?.stringValue)
            try await client.send(.post, "/v1/tasks/\(id)/accept", key: ServerFixture.anaKey)
            try await client.send(.post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "support"}"#)
            let second = try await client.send(.post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "support"}"#)
            let other = try #require(try second.json["id"]?.stringValue)
            try await client.send(.post, "/v1/tasks/\(other)/exception", key: ServerFixture.adminKey, json: #"{"reason": "needs a refund"}"#)

            let response = try await client.send(.get, "/metrics", key: ServerFixture.viewerKey)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(buffer: response.body)
            let lines = Set(text.split(separator: "\n").map(String.init))
            // Task ids do not make series of their own: the accept is counted under its pattern.
            #expect(lines.contains(#"flowtune_http_requests_total{route="/v1/tasks",method="POST",status="201"} 3"#))
            #expect(text.contains(#"route="/v1/tasks/{id}/accept",method="POST",status="200"} 1"#))
            #expect(!text.contains(id + "/accept"))
            #expect(lines.contains(#"flowtune_http_requests_total{route="/metrics",method="GET",status="401"} 1"#))
            #expect(text.contains(#"flowtune_http_request_duration_seconds_count{route="/v1/tasks",method="POST",status="201"} 3"#))
            // ana holds the first two (one assigned, one offered, at capacity two or not): whatever
            // she cannot hold waits, and the gauge agrees with the engine.
            let waiting = await fixture.server.host.engine.currentState.waitingCounts["inbox"] ?? -1
            #expect(lines.contains(#"flowtune_queue_depth{queue="inbox"} \#(waiting)"#) || lines.contains(#"flowtune_queue_depth{queue="inbox"} \#(Double(waiting))"#))
            #expect(lines.contains("flowtune_exception_lane_size 1") || lines.contains("flowtune_exception_lane_size 1.0"))
        }
    }

    @Test("service-level attainment and routing latency come from committed events")
    func liveFeeds() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await FlowtuneServer.open(liveConfiguration(directory))
        defer { try? server.close() }
        try await defineDesk(server)
        let live = try await LiveServer.start(server)
        do {
            let created = try await call(.POST, "\(live.base)/v1/tasks", json: #"{"workflow": "support"}"#)
            #expect(created.status == 201)
            let id = try #require(try JSONDecoder().decode(JSONValue.self, from: Data(created.body.utf8))["id"]?.stringValue)
            #expect(try await call(.POST, "\(live.base)/v1/tasks/\(id)/accept", key: ServerFixture.anaKey).status == 200)
            // The feeds fold committed events asynchronously: poll, bounded.
            var text = ""
            for _ in 0..<100 {
                text = try await call(.GET, "\(live.base)/metrics", key: ServerFixture.viewerKey).body
                if text.contains("flowtune_routing_decision_seconds_count 1"),
                    text.contains(#"flowtune_queue_service_level_attainment{queue="inbox"} 1"#)
                {
                    break
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(text.contains("flowtune_routing_decision_seconds_count 1"))
            #expect(text.contains(#"flowtune_queue_service_level_attainment{queue="inbox"} 1"#))
        } catch {
            try await live.stop()
            throw error
        }
        try await live.stop()
    }

    @Test("the JSON log handler writes one parseable object per line with level, message and metadata")
    func jsonLogs() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "flowtune") { label in
            JSONLogHandler(label: label, destination: .lines({ line in lines.withLock { $0.append(line) } }))
        }
        logger[metadataKey: "caller"] = "ops"
        logger.info("task routed", metadata: ["task": "T1", "candidates": ["ana", "ben"]])
        logger.debug("not written at info")
        logger.error("store failed", metadata: ["attempt": .stringConvertible(3)])
        let written = lines.withLock { $0 }
        #expect(written.count == 2)
        #expect(written.allSatisfy { $0.hasSuffix("\n") && $0.dropLast().firstIndex(of: "\n") == nil })
        let first = try JSONDecoder().decode(JSONValue.self, from: Data(written[0].utf8))
        #expect(first["level"]?.stringValue == "info")
        #expect(first["message"]?.stringValue == "task routed")
        #expect(first["label"]?.stringValue == "flowtune")
        #expect(first["metadata"]?["caller"]?.stringValue == "ops")
        #expect(first["metadata"]?["candidates"] == .array(["ana", "ben"]))
        #expect(first["time"]?.stringValue.flatMap { ISO8601DateFormatter.withFractions.date(from: $0) } != nil)
        let second = try JSONDecoder().decode(JSONValue.self, from: Data(written[1].utf8))
        #expect(second["level"]?.stringValue == "error")
        #expect(second["metadata"]?["attempt"]?.stringValue == "3")
        #expect(second["location"]?.stringValue?.contains("TelemetryTests.swift") == true)
    }

    @Test("log.format json in the configuration makes JSON loggers")
    func configuredFormat() throws {
        var configuration = ServerConfiguration()
        try configuration.apply(yaml: "log: { format: json, level: debug }", file: "test.yaml")
        let logger = configuration.makeLogger()
        #expect(logger.handler is JSONLogHandler)
        #expect(logger.logLevel == .debug)
    }
}

extension ISO8601DateFormatter {
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
