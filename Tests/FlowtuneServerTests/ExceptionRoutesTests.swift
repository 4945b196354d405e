import FlowtuneCore
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Exception and override routes")
struct ExceptionRoutesTests {
    @Test("the exception lane: list oldest due first, claim, resolve back to the routine path")
    func claimAndResolve() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let first = try await fixture.createTask(id: "A")
        fixture.clock.advance(by: 60)
        let second = try await fixture.createTask(id: "B")
        try await fixture.server.application().test(.router) { client in
            for id in [second, first] {
                let flagged = try await client.send(
                    .post, "/v1/tasks/\(id)/exception", key: ServerFixture.operatorKey, json: #"{"reason": "customer disputes charge"}"#)
                #expect(flagged.status == .ok)
                fixture.clock.advance(by: 5)
            }
            let lane = try await client.send(.get, "/v1/exceptions", key: ServerFixture.viewerKey)
            #expect(lane.status == .ok)
            let items = try #require(try lane.json["items"]?.arrayValue)
            // B was flagged first, so it is due first.
            #expect(items.map { $0["id"] } == ["B", "A"])
            #expect(items.first?["exception"]?["reason"] == "customer disputes charge")

            let claimed = try await client.send(.post, "/v1/exceptions/A/claim", key: ServerFixture.operatorKey)
            #expect(claimed.status == .ok)
            #expect(try claimed.json["exception"]?["claimedBy"] == "key:ops")
            let unclaimed = try await client.send(.get, "/v1/exceptions?claimed=false", key: ServerFixture.viewerKey)
            #expect(try unclaimed.json["items"]?.arrayValue?.map { $0["id"] } == ["B"])
            let byOther = try await client.send(.post, "/v1/exceptions/A/claim", key: ServerFixture.adminKey)
            #expect(byOther.status == .conflict)

            let resumed = try await client.send(
                .post, "/v1/exceptions/A/resolve", key: ServerFixture.operatorKey,
                json: #"{"resolution": "resume", "note": "charge confirmed with customer"}"#)
            #expect(resumed.status == .ok)
            #expect(try resumed.json["lane"] == "routine")
            #expect(try resumed.json["step"] == "answer")

            let cancelled = try await client.send(
                .post, "/v1/exceptions/B/resolve", key: ServerFixture.operatorKey,
                json: #"{"resolution": "cancel", "note": "duplicate of A"}"#)
            #expect(cancelled.status == .ok)
            #expect(try cancelled.json["state"] == "cancelled")

            // A task in the routine lane cannot be resolved or claimed as an exception.
            let notInLane = try await client.send(
                .post, "/v1/exceptions/A/resolve", key: ServerFixture.operatorKey, json: #"{"resolution": "complete", "note": "x"}"#)
            #expect(notInLane.status == .conflict)
            #expect(notInLane.headers[.contentType] == "application/problem+json")
            #expect(try await client.send(.post, "/v1/exceptions/A/claim", key: ServerFixture.operatorKey).status == .conflict)

            let badResolution = try await client.send(
                .post, "/v1/exceptions/A/resolve", key: ServerFixture.operatorKey, json: #"{"resolution": "ignore", "note": "x"}"#)
            #expect(badResolution.status == .unprocessableContent)
            #expect(try badResolution.json["field"] == "resolution")
            let noNote = try await client.send(
                .post, "/v1/exceptions/A/resolve", key: ServerFixture.operatorKey, json: #"{"resolution": "complete"}"#)
            #expect(try noNote.json["field"] == "note")
            let unknown = try await client.send(.post, "/v1/exceptions/Z9/claim", key: ServerFixture.operatorKey)
            #expect(unknown.status == .notFound)
        }
        let state = await fixture.server.host.engine.currentState
        #expect(state.task("A")?.lane == .routine)
        #expect(state.finished["B"] == .cancelled)
    }

    @Test("reassigning an exception item hands it to the worker named")
    func reassign() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let task = try await fixture.createTask()
        try await fixture.server.application().test(.router) { client in
            let routine = try await client.send(
                .post, "/v1/exceptions/\(task)/reassign", key: ServerFixture.operatorKey, json: #"{"worker": "ben", "reason": "knows the account"}"#)
            #expect(routine.status == .conflict)

            _ = try await client.send(.post, "/v1/tasks/\(task)/exception", key: ServerFixture.anaKey, json: #"{"reason": "needs a specialist"}"#)
            let reassigned = try await client.send(
                .post, "/v1/exceptions/\(task)/reassign", key: ServerFixture.operatorKey, json: #"{"worker": "ben", "reason": "knows the account"}"#)
            #expect(reassigned.status == .ok)
            #expect(try reassigned.json["worker"] == "ben")
            #expect(try reassigned.json["state"] == "assigned")
            #expect(try reassigned.json["lane"] == "routine")

            let noWorker = try await client.send(
                .post, "/v1/exceptions/\(task)/reassign", key: ServerFixture.operatorKey, json: #"{"worker": 7, "reason": "x"}"#)
            #expect(noWorker.status == .unprocessableContent)
            #expect(try noWorker.json["field"] == "worker")
        }
    }

    @Test("overrides change priority, lane or worker, each with a reason and the caller recorded as actor")
    func overrides() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let task = try await fixture.createTask()
        try await fixture.server.application().test(.router) { client in
            let priority = try await client.send(
                .post, "/v1/tasks/\(task)/override", key: ServerFixture.operatorKey, json: #"{"priority": 1, "reason": "VIP customer"}"#)
            #expect(priority.status == .ok)
            #expect(try priority.json["priority"] == 1)

            let reassigned = try await client.send(
                .post, "/v1/tasks/\(task)/override", key: ServerFixture.operatorKey, json: #"{"reassign": "ben", "reason": "continuity"}"#)
            #expect(reassigned.status == .ok)
            #expect(try reassigned.json["worker"] == "ben")

            let lane = try await client.send(
                .post, "/v1/tasks/\(task)/override", key: ServerFixture.adminKey, json: #"{"lane": "exception", "reason": "legal review"}"#)
            #expect(lane.status == .ok)
            #expect(try lane.json["lane"] == "exception")

            let sameLane = try await client.send(
                .post, "/v1/tasks/\(task)/override", key: ServerFixture.adminKey, json: #"{"lane": "exception", "reason": "again"}"#)
            #expect(sameLane.status == .conflict)
            let two = try await client.send(
                .post, "/v1/tasks/\(task)/override", key: ServerFixture.operatorKey, json: #"{"priority": 2, "lane": "routine", "reason": "x"}"#)
            #expect(two.status == .unprocessableContent)
            let none = try await client.send(.post, "/v1/tasks/\(task)/override", key: ServerFixture.operatorKey, json: #"{"reason": "x"}"#)
            #expect(none.status == .unprocessableContent)
            let noReason = try await client.send(.post, "/v1/tasks/\(task)/override", key: ServerFixture.operatorKey, json: #"{"priority": 2}"#)
            #expect(try noReason.json["field"] == "reason")
            let badLane = try await client.send(
                .post, "/v1/tasks/\(task)/override", key: ServerFixture.operatorKey, json: #"{"lane": "fast", "reason": "x"}"#)
            #expect(try badLane.json["field"] == "lane")
            let outOfRange = try await client.send(
                .post, "/v1/tasks/\(task)/override", key: ServerFixture.operatorKey, json: #"{"priority": 0, "reason": "x"}"#)
            #expect(try outOfRange.json["field"] == "priority")
            #expect(try await client.send(
                .post, "/v1/tasks/T404/override", key: ServerFixture.operatorKey, json: #"{"priority": 2, "reason": "x"}"#).status == .notFound)

            let audit = try await client.send(.get, "/v1/audit?task=\(task)&actor=key:ops", key: ServerFixture.viewerKey)
            let events = try #require(try audit.json["items"]?.arrayValue)
            let overrides = events.filter { $0["type"] == "OverrideApplied" }
            #expect(overrides.map { $0["data"]?["reason"] } == ["VIP customer", "continuity"])
        }
    }
}
