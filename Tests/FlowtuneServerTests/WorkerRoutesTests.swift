import FlowtuneCore
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Worker routes")
struct WorkerRoutesTests {
    @Test("register, read, list with load and status, replace a profile, change status and skills")
    func lifecycle() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let created = try await client.send(
                .post, "/v1/workers", key: ServerFixture.operatorKey,
                json: #"{"id": "cy", "team": "night", "skills": {"support": 6}, "channels": {"chat": 2}, "cost_per_hour": 30, "status": "away"}"#)
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/v1/workers/cy")
            #expect(try created.json["cost_per_hour"] == 30)
            #expect(try created.json["channels"] == ["chat": 2])

            let duplicate = try await client.send(.post, "/v1/workers", key: ServerFixture.operatorKey, json: #"{"id": "cy"}"#)
            #expect(duplicate.status == .conflict)

            _ = try await fixture.createTask()
            let list = try await client.send(.get, "/v1/workers", key: ServerFixture.viewerKey)
            let items = try #require(try list.json["items"]?.arrayValue)
            #expect(items.map { $0["id"] } == ["ana", "ben", "cy"])
            #expect(items[0]["total_load"] == 1)
            #expect(items[0]["load"] == ["default": 1])
            #expect(items[0]["idle_since"] == .null)
            #expect(items[1]["total_load"] == 0)
            #expect(items[1]["idle_since"]?.stringValue != nil)
            let away = try await client.send(.get, "/v1/workers?status=away", key: ServerFixture.viewerKey)
            #expect(try away.json["items"]?.arrayValue?.map { $0["id"] } == ["cy"])

            // A profile without status keeps the current one.
            let replaced = try await client.send(
                .put, "/v1/workers/cy", key: ServerFixture.operatorKey, json: #"{"team": "day", "skills": {"support": 9}}"#)
            #expect(replaced.status == .ok)
            #expect(try replaced.json["team"] == "day")
            #expect(try replaced.json["status"] == "away")

            let available = try await client.send(
                .post, "/v1/workers/cy/status", key: ServerFixture.operatorKey, json: #"{"status": "available"}"#)
            #expect(available.status == .ok)
            #expect(try available.json["status"] == "available")

            let skills = try await client.send(
                .put, "/v1/workers/cy/skills", key: ServerFixture.operatorKey, json: #"{"skills": {"support": 4, "billing": 8}}"#)
            #expect(skills.status == .ok)
            #expect(try skills.json["skills"] == ["support": 4, "billing": 8])

            let read = try await client.send(.get, "/v1/workers/cy", key: ServerFixture.viewerKey)
            #expect(try read.json["team"] == "day")
        }
        let worker = await fixture.server.host.engine.currentState.worker("cy")?.worker
        #expect(worker?.status == .available)
        #expect(worker?.skills == ["support": 4, "billing": 8])
    }

    @Test("bad worker requests are problems naming the field, and change nothing")
    func badRequests() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let before = await fixture.server.host.engine.committedVersion
        try await fixture.server.application().test(.router) { client in
            let level = try await client.send(
                .post, "/v1/workers", key: ServerFixture.operatorKey, json: #"{"id": "cy", "skills": {"support": 11}}"#)
            #expect(level.status == .unprocessableContent)
            #expect(try level.json["field"] == "skills.support")

            let yaml = try await client.send(
                .put, "/v1/workers/ben", key: ServerFixture.operatorKey, text: "team: night\nskills: { support: 11 }\n",
                contentType: "application/yaml")
            #expect(yaml.status == .unprocessableContent)
            let entry = try #require(try yaml.json["errors"]?.arrayValue?.first)
            #expect(entry["field"] == "skills.support")
            #expect(entry["line"] == 2)
            #expect(entry["column"] == 11)

            let status = try await client.send(.post, "/v1/workers/ana/status", key: ServerFixture.operatorKey, json: #"{"status": "asleep"}"#)
            #expect(status.status == .unprocessableContent)
            #expect(try status.json["field"] == "status")

            let wrongType = try await client.send(
                .put, "/v1/workers/ana/skills", key: ServerFixture.operatorKey, json: #"{"skills": {"support": "high"}}"#)
            #expect(wrongType.status == .unprocessableContent)
            #expect(try wrongType.json["field"] == "skills.support")

            let outOfRange = try await client.send(
                .put, "/v1/workers/ana/skills", key: ServerFixture.operatorKey, json: #"{"skills": {"support": -1}}"#)
            #expect(outOfRange.status == .unprocessableContent)
            #expect(try outOfRange.json["field"] == "skills.support")

            let missingBody = try await client.send(.post, "/v1/workers/ana/status", key: ServerFixture.operatorKey, json: "{}")
            #expect(try missingBody.json["field"] == "status")

            #expect(try await client.send(.get, "/v1/workers/zed", key: ServerFixture.viewerKey).status == .notFound)
            let unknown = try await client.send(.post, "/v1/workers/zed/status", key: ServerFixture.operatorKey, json: #"{"status": "away"}"#)
            #expect(unknown.status == .notFound)
            #expect(try await client.send(.put, "/v1/workers/zed", key: ServerFixture.operatorKey, json: "{}").status == .notFound)
        }
        #expect(await fixture.server.host.engine.committedVersion == before)
    }
}
