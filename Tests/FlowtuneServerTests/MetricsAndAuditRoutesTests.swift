import FlowtuneCore
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Metrics and audit routes")
struct MetricsAndAuditRoutesTests {
    @Test("metrics per queue, workflow and worker reflect the work done")
    func metrics() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            // ana: offered at once, accepts after 2 minutes, completes after 10 more.
            let first = try await fixture.createTask()
            fixture.clock.advance(by: 120)
            try await client.send(.post, "/v1/tasks/\(first)/accept", key: ServerFixture.anaKey)
            fixture.clock.advance(by: 600)
            try await client.send(.post, "/v1/tasks/\(first)/complete", key: ServerFixture.anaKey, json: #"{"evidence": {"resolution": "refund"}}"#)
            // Two more: one offered to ana, one to ben; a third waits past the 5-minute threshold.
            _ = try await fixture.createTask()
            _ = try await fixture.createTask()
            let waiting = try await fixture.createTask()
            fixture.clock.advance(by: 400)
            try await client.send(.post, "/v1/tasks/\(waiting)/exception", key: ServerFixture.operatorKey, json: #"{"reason": "stuck"}"#)
            _ = try await fixture.createTask()
            fixture.clock.advance(by: 301)
            try await fixture.metricsCaughtUp()

            let response = try await client.send(.get, "/v1/metrics", key: ServerFixture.viewerKey)
            #expect(response.status == .ok)
            let metrics = try response.json
            let inbox = try #require(metrics["queues"]?.arrayValue?.first { $0["id"] == "inbox" })
            #expect(inbox["entered"] == 5)
            #expect(inbox["answered"] == 1)
            #expect(inbox["waitP50"] == 120)
            #expect(inbox["serviceLevel"]?["attained"] == 1)
            #expect(inbox["serviceLevel"]?["target"] == 0.8)
            #expect(inbox["serviceLevel"]?["met"] == true)
            #expect(inbox["exceptionRate"] == 0.2)
            #expect(inbox["waiting"] == 1)
            #expect(inbox["stale"] == 3)

            let support = try #require(metrics["workflows"]?.arrayValue?.first { $0["id"] == "support" })
            #expect(support["created"] == 5)
            #expect(support["completed"] == 1)
            #expect(support["cycleTimeP50"] == 720)
            #expect(support["exceptionRate"] == 0.2)
            #expect(support["throughputPerHour"]?.numberValue != nil)

            let ana = try #require(metrics["workers"]?.arrayValue?.first { $0["id"] == "ana" })
            #expect(ana["stepsCompleted"] == 1)
            #expect(ana["busySeconds"] == 600)
            #expect(ana["utilization"]?.numberValue.map { $0 > 0 && $0 <= 1 } == true)
        }
    }

    @Test("audit by task, actor and time range, paged, with clear problems for bad parameters")
    func audit() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let start = fixture.clock.now()
        try await fixture.server.application().test(.router) { client in
            let created = try await client.send(.post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "support"}"#)
            let id = try #require(try created.json["id"]?.stringValue)
            fixture.clock.advance(by: 3600)
            try await client.send(.post, "/v1/tasks/\(id)/accept", key: ServerFixture.anaKey)

            let byTask = try await client.send(.get, "/v1/audit?task=\(id)", key: ServerFixture.viewerKey)
            #expect(byTask.status == .ok)
            #expect(try byTask.json["items"]?.arrayValue?.map { $0["type"] } == ["TaskCreated", "TaskRouted", "OfferAccepted"])

            let byActor = try await client.send(.get, "/v1/audit?actor=ana", key: ServerFixture.viewerKey)
            #expect(try byActor.json["items"]?.arrayValue?.map { $0["type"] } == ["OfferAccepted"])

            let later = APITimeText.format(start.addingTimeInterval(1800))
            let afterHalfHour = try await client.send(.get, "/v1/audit?from=\(later)", key: ServerFixture.viewerKey)
            #expect(try afterHalfHour.json["items"]?.arrayValue?.map { $0["type"] } == ["OfferAccepted"])
            let beforeHalfHour = try await client.send(.get, "/v1/audit?to=\(later)&task=\(id)", key: ServerFixture.viewerKey)
            #expect(try beforeHalfHour.json["items"]?.arrayValue?.map { $0["type"] } == ["TaskCreated", "TaskRouted"])

            // The fixture's definitions come first in the log; page through everything two at a time.
            var seen: [Int] = []
            var after = 0
            while true {
                let page = try await client.send(.get, "/v1/audit?limit=2&after=\(after)", key: ServerFixture.viewerKey)
                let body = try page.json
                seen += body["items"]?.arrayValue?.compactMap { $0["sequence"]?.numberValue.map(Int.init) } ?? []
                guard let next = body["next"]?.numberValue else { break }
                after = Int(next)
            }
            let total = await fixture.server.host.engine.committedVersion
            #expect(seen == Array(1...Int(total)))

            let badTime = try await client.send(.get, "/v1/audit?from=yesterday", key: ServerFixture.viewerKey)
            #expect(badTime.status == .badRequest)
            #expect(badTime.headers[.contentType] == "application/problem+json")
            #expect(try badTime.json["field"] == "from")
            #expect(try badTime.json["detail"]?.stringValue?.contains("ISO 8601") == true)
            let badTo = try await client.send(.get, "/v1/audit?to=2026-13-45", key: ServerFixture.viewerKey)
            #expect(try badTo.json["field"] == "to")
            let reversed = try await client.send(
                .get, "/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", key: ServerFixture.viewerKey)
            #expect(reversed.status == .badRequest)
            let badLimit = try await client.send(.get, "/v1/audit?limit=0", key: ServerFixture.viewerKey)
            #expect(try badLimit.json["field"] == "limit")
        }
    }
}

/// Formats times as the API writes them, for query parameters.
enum APITimeText {
    static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
    }
}
