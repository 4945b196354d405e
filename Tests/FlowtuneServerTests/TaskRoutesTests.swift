import FlowtuneCore
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Task routes")
struct TaskRoutesTests {
    @Test("a task's whole life over HTTP: created and routed, accepted, completed, with its history explained")
    func lifecycle() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let created = try await client.send(
                .post, "/v1/tasks", key: ServerFixture.adminKey,
                json: #"{"workflow": "support", "priority": 3, "attributes": {"customer": "acme"}}"#)
            #expect(created.status == .created)
            let task = try created.json
            let id = try #require(task["id"]?.stringValue)
            #expect(task["state"]?.stringValue == "offered")
            #expect(task["worker"]?.stringValue == "ana")
            #expect(created.headers[.location] == "/v1/tasks/\(id)")

            let accepted = try await client.send(.post, "/v1/tasks/\(id)/accept", key: ServerFixture.anaKey)
            #expect(accepted.status == .ok)
            #expect(try accepted.json["state"]?.stringValue == "assigned")

            let refused = try await client.send(
                .post, "/v1/tasks/\(id)/complete", key: ServerFixture.anaKey, json: #"{"evidence": {}}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.json["field"]?.stringValue == "evidence.resolution")

            let completed = try await client.send(
                .post, "/v1/tasks/\(id)/complete", key: ServerFixture.anaKey,
                json: #"{"evidence": {"resolution": "password reset"}}"#)
            #expect(completed.status == .ok)
            #expect(try completed.json["state"]?.stringValue == "completed")

            let read = try await client.send(.get, "/v1/tasks/\(id)", key: ServerFixture.viewerKey)
            #expect(read.status == .ok)
            let body = try read.json
            #expect(body["finished"]?.stringValue == "completed")
            guard case .array(let history) = body["history"] else { Issue.record("no history"); return }
            #expect(history.compactMap { $0["type"]?.stringValue } == ["TaskCreated", "TaskRouted", "OfferAccepted", "StepCompleted"])
            let decision = history[1]["data"]?["decision"]
            #expect(decision?["policy"]?.stringValue == "skill-score")
            guard case .array(let candidates) = decision?["candidates"] else { Issue.record("no candidates"); return }
            #expect(candidates.first?["id"]?.stringValue == "ana")
            #expect(decision?["runnerUpLost"]?.stringValue?.contains("ben") == true)
        }
    }

    @Test("an idempotency key makes retries safe and catches a reused key")
    func idempotency() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "order-17"]
            let first = try await client.send(
                .post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "support"}"#, headers: key)
            let second = try await client.send(
                .post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "support"}"#, headers: key)
            #expect(first.status == .created)
            #expect(second.status == .ok)
            #expect(try first.json["id"] == second.json["id"])
            let conflicting = try await client.send(
                .post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "support", "priority": 1}"#,
                headers: key)
            #expect(conflicting.status == .unprocessableContent)
            #expect(conflicting.headers[.contentType] == "application/problem+json")
            #expect(try conflicting.json["field"]?.stringValue == "Idempotency-Key")
        }
        let tasks = await fixture.server.host.engine.currentState.tasks
        #expect(tasks.count == 1)
    }

    @Test("bad input is a problem document naming the field, and changes nothing")
    func badInput() async throws {
        let fixture = try await ServerFixture.make(bodyLimit: 256)
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let malformed = try await client.send(.post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "#)
            #expect(malformed.status == .badRequest)
            #expect(try malformed.json["title"]?.stringValue == "Malformed JSON")

            let wrongType = try await client.send(
                .post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "support", "priority": "high"}"#)
            #expect(wrongType.status == .unprocessableContent)
            #expect(try wrongType.json["field"]?.stringValue == "priority")

            let missing = try await client.send(.post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"priority": 2}"#)
            #expect(try missing.json["field"]?.stringValue == "workflow")

            let unknown = try await client.send(.post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "billing"}"#)
            #expect(unknown.status == .notFound)
            #expect(try unknown.json["field"]?.stringValue == "workflow")

            let outOfRange = try await client.send(
                .post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "support", "priority": 12}"#)
            #expect(outOfRange.status == .unprocessableContent)
            #expect(try outOfRange.json["field"]?.stringValue == "priority")

            let huge = String(repeating: "x", count: 1000)
            let tooLarge = try await client.send(
                .post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "support", "attributes": {"note": "\#(huge)"}}"#)
            #expect(tooLarge.status == .contentTooLarge)

            let noTask = try await client.send(.post, "/v1/tasks/T404/accept", key: ServerFixture.anaKey)
            #expect(noTask.status == .notFound)
        }
        #expect(await fixture.server.host.engine.currentState.tasks.isEmpty)
    }

    @Test("keys are required and roles are enforced")
    func authorization() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            #expect(try await client.send(.get, "/health", key: nil).status == .ok)
            let anonymous = try await client.send(.get, "/v1/tasks", key: nil)
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.contentType] == "application/problem+json")
            #expect(try await client.send(.get, "/v1/tasks", key: "wrong").status == .unauthorized)
            #expect(
                try await client.send(.post, "/v1/tasks", key: ServerFixture.viewerKey, json: #"{"workflow": "support"}"#).status
                    == .forbidden)

            let created = try await client.send(.post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "support"}"#)
            let id = try #require(try created.json["id"]?.stringValue)
            // The task is offered to ana: ben may neither accept it nor see it.
            let stolen = try await client.send(.post, "/v1/tasks/\(id)/accept", key: ServerFixture.benKey)
            #expect(stolen.status == .forbidden)
            #expect(try await client.send(.get, "/v1/tasks/\(id)", key: ServerFixture.benKey).status == .notFound)
            let bensList = try await client.send(.get, "/v1/tasks", key: ServerFixture.benKey)
            #expect(try bensList.json["count"]?.numberValue == 0)
            let anasList = try await client.send(.get, "/v1/tasks", key: ServerFixture.anaKey)
            #expect(try anasList.json["count"]?.numberValue == 1)
        }
    }
}
