import FlowtuneCore
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Queue routes")
struct QueueRoutesTests {
    @Test("create, read, list with waiting counts, and redefine a queue")
    func lifecycle() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let created = try await client.send(
                .post, "/v1/queues", key: ServerFixture.adminKey,
                json: #"{"id": "vip", "priority": 2, "service_level": {"percent": 95, "within": "2m"}, "requirement": {"skills": {"support": 7}}}"#)
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/v1/queues/vip")
            let queue = try created.json
            #expect(queue["service_level"] == ["percent": 95, "within": "2m"])
            #expect(queue["requirement"]?["skills"] == ["support": 7])
            #expect(queue["waiting"] == 0)

            let again = try await client.send(.post, "/v1/queues", key: ServerFixture.adminKey, json: #"{"id": "vip"}"#)
            #expect(again.status == .conflict)
            #expect(try again.json["field"] == "id")

            // Both workers are busy with one task each, so the third waits in the inbox.
            for _ in 0..<3 { _ = try await fixture.createTask() }
            let list = try await client.send(.get, "/v1/queues", key: ServerFixture.viewerKey)
            #expect(list.status == .ok)
            let items = try #require(try list.json["items"]?.arrayValue)
            #expect(items.map { $0["id"] } == ["inbox", "vip"])
            #expect(items.first?["waiting"] == 1)

            // What a GET returns can be PUT back; the id may be left out of the body.
            let replaced = try await client.send(
                .put, "/v1/queues/vip", key: ServerFixture.adminKey,
                json: #"{"priority": 1, "offer_timeout": "45s", "relaxation": [{"after": "5m", "skills": {"support": 5}}]}"#)
            #expect(replaced.status == .ok)
            #expect(try replaced.json["priority"] == 1)
            #expect(try replaced.json["offer_timeout"] == "45s")
            #expect(try replaced.json["relaxation"]?.arrayValue?.first?["after"] == "5m")
            let read = try await client.send(.get, "/v1/queues/vip", key: ServerFixture.operatorKey)
            #expect(try read.json["relaxation"]?.arrayValue?.first?["skills"] == ["support": 5])
        }
        let state = await fixture.server.host.engine.currentState
        #expect(state.queue("vip")?.priority == 1)
        #expect(state.queue("vip")?.offerTimeout == 45)
    }

    @Test("bad queue bodies are problems naming the field, at its line and column in the body")
    func badBodies() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let before = await fixture.server.host.engine.committedVersion
        try await fixture.server.application().test(.router) { client in
            let outOfRange = try await client.send(
                .post, "/v1/queues", key: ServerFixture.adminKey, json: "{\"id\": \"vip\",\n \"priority\": 12}")
            #expect(outOfRange.status == .unprocessableContent)
            let problem = try outOfRange.json
            #expect(problem["field"] == "priority")
            #expect(problem["errors"]?.arrayValue?.first?["line"] == 2)
            #expect(problem["errors"]?.arrayValue?.first?["column"] == 14)

            let wrongType = try await client.send(
                .post, "/v1/queues", key: ServerFixture.adminKey, json: #"{"id": "vip", "service_level": {"percent": "most"}}"#)
            #expect(wrongType.status == .unprocessableContent)
            #expect(try wrongType.json["field"] == "service_level.percent")
            #expect(try wrongType.json["errors"]?.arrayValue?.first?["line"] == 1)

            let unknownField = try await client.send(
                .post, "/v1/queues", key: ServerFixture.adminKey, json: #"{"id": "vip", "priortiy": 3}"#)
            #expect(try unknownField.json["field"] == "priortiy")

            let malformed = try await client.send(.post, "/v1/queues", key: ServerFixture.adminKey, json: #"{"id": "#)
            #expect(malformed.status == .badRequest)
            #expect(try malformed.json["title"] == "Malformed JSON")

            let notObject = try await client.send(.post, "/v1/queues", key: ServerFixture.adminKey, json: "[1, 2]")
            #expect(notObject.status == .unprocessableContent)

            // On a PUT the id comes from the path; positions still count in the body as sent.
            let putOutOfRange = try await client.send(.put, "/v1/queues/inbox", key: ServerFixture.adminKey, json: #"{"priority": 12}"#)
            #expect(putOutOfRange.status == .unprocessableContent)
            #expect(try putOutOfRange.json["errors"]?.arrayValue?.first?["field"] == "priority")
            #expect(try putOutOfRange.json["errors"]?.arrayValue?.first?["line"] == 1)
            #expect(try putOutOfRange.json["errors"]?.arrayValue?.first?["column"] == 14)

            let mismatched = try await client.send(.put, "/v1/queues/inbox", key: ServerFixture.adminKey, json: #"{"id": "other"}"#)
            #expect(mismatched.status == .unprocessableContent)
            #expect(try mismatched.json["field"] == "id")

            let unknownSkill = try await client.send(
                .post, "/v1/queues", key: ServerFixture.adminKey, json: #"{"id": "fr", "requirement": {"skills": {"french": 3}}}"#)
            #expect(unknownSkill.status == .unprocessableContent)
            #expect(try unknownSkill.json["field"] == "requirement.skills.french")

            #expect(try await client.send(.get, "/v1/queues/nope", key: ServerFixture.viewerKey).status == .notFound)
            let missing = try await client.send(.put, "/v1/queues/nope", key: ServerFixture.adminKey, json: #"{"priority": 3}"#)
            #expect(missing.status == .notFound)
        }
        #expect(await fixture.server.host.engine.committedVersion == before)
    }
}
