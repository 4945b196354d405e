import FlowtuneCore
import FlowtuneEngine
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Reallocation routes")
struct ReallocationRoutesTests {
    /// Two flexible inbox workers proposed for a billing queue, each move over the cost limit.
    private func proposals(_ fixture: ServerFixture) async throws {
        let engine = fixture.server.host.engine
        try await engine.submit(.defineQueue(Queue(id: "billing")), actor: "fixture")
        for (id, cost) in [("cleo", 9.0), ("dan", 12.0)] {
            try await engine.submit(
                .registerWorker(Worker(
                    id: WorkerID(id), skills: ["support": 4], servingQueue: "inbox", flexible: true, moveCost: cost)),
                actor: "fixture")
        }
        let explanation = ReallocationExplanation(
            summary: "billing is at risk", target: ServiceLevelShift(queue: "billing", agentsBefore: 0, before: 0, after: 0.6, goal: 0.82),
            targetAfterPlan: 0.9, donor: ServiceLevelShift(queue: "inbox", agentsBefore: 4, before: 0.99, after: 0.97, goal: 0.82),
            skillLevels: [:], skillFit: 0, costLimit: 5, candidatesConsidered: 2, passedOver: [])
        let moves = [("cleo", 9.0), ("dan", 12.0)].map { id, cost in
            PlannedMove(worker: WorkerID(id), from: "inbox", to: "billing", cost: cost, needsApproval: true, explanation: explanation)
        }
        try await engine.submit(.reallocate(ReallocationRound(risks: [], moves: moves)), actor: "system", cause: "reallocation")
    }

    @Test("operators list pending moves, approve one and decline the other; refusals name the field")
    func approveAndDecline() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await proposals(fixture)
        try await fixture.server.application().test(.router) { client in
            let viewer = try await client.send(.get, "/v1/reallocations", key: ServerFixture.viewerKey)
            #expect(viewer.status == .forbidden)

            let list = try await client.send(.get, "/v1/reallocations", key: ServerFixture.operatorKey)
            #expect(list.status == .ok)
            let items = try #require(try list.json["items"]?.arrayValue)
            #expect(items.map { $0["id"] } == ["R1", "R2"])
            #expect(items.first?["status"] == "pending")
            #expect(items.first?["worker"] == "cleo")
            #expect(items.first?["from"] == "inbox")
            #expect(items.first?["to"] == "billing")
            #expect(items.first?["needsApproval"] == true)
            #expect(items.first?["explanation"]?["summary"] == "billing is at risk")

            let approved = try await client.send(.post, "/v1/reallocations/R1/approve", key: ServerFixture.operatorKey)
            #expect(approved.status == .ok)
            #expect(try approved.json["status"] == "applied")
            #expect(try approved.json["decidedBy"] == "key:ops")

            let again = try await client.send(.post, "/v1/reallocations/R1/approve", key: ServerFixture.adminKey)
            #expect(again.status == .conflict)
            #expect(again.headers[.contentType] == "application/problem+json")
            #expect(try again.json["field"] == "id")
            #expect(try again.json["detail"] == "move R1 was already applied by key:ops")

            let unknown = try await client.send(.post, "/v1/reallocations/R9/approve", key: ServerFixture.operatorKey)
            #expect(unknown.status == .notFound)
            #expect(try unknown.json["field"] == "id")

            let blank = try await client.send(.post, "/v1/reallocations/R2/decline", key: ServerFixture.operatorKey, json: #"{"reason": " "}"#)
            #expect(blank.status == .unprocessableContent)
            #expect(try blank.json["field"] == "reason")
            let missing = try await client.send(.post, "/v1/reallocations/R2/decline", key: ServerFixture.operatorKey, json: "{}")
            #expect(missing.status == .unprocessableContent)
            #expect(try missing.json["field"] == "reason")

            let declined = try await client.send(
                .post, "/v1/reallocations/R2/decline", key: ServerFixture.adminKey, json: #"{"reason": "dan is training"}"#)
            #expect(declined.status == .ok)
            #expect(try declined.json["status"] == "declined")
            #expect(try declined.json["reason"] == "dan is training")

            let pending = try await client.send(.get, "/v1/reallocations?status=pending", key: ServerFixture.operatorKey)
            #expect(try pending.json["count"] == 0)
            let recent = try await client.send(.get, "/v1/reallocations", key: ServerFixture.operatorKey)
            #expect(try recent.json["items"]?.arrayValue?.map { $0["id"] } == ["R2", "R1"], "most recently decided first")
            let bogus = try await client.send(.get, "/v1/reallocations?status=maybe", key: ServerFixture.operatorKey)
            #expect(bogus.status == .badRequest)
            #expect(try bogus.json["field"] == "status")

            let cleo = try await client.send(.get, "/v1/workers/cleo", key: ServerFixture.viewerKey)
            #expect(try cleo.json["serving_queue"] == "billing")
            #expect(try cleo.json["flexible"] == true)
            #expect(try cleo.json["move_cost"] == 9)

            // The moves are in the log like every event, with the operator as actor.
            let audit = try await client.send(.get, "/v1/audit?actor=key:ops", key: ServerFixture.viewerKey)
            #expect(try audit.json["items"]?.arrayValue?.map { $0["type"] } == ["WorkerReallocated"])
        }
        #expect(await fixture.server.host.engine.currentState.worker("cleo")?.worker.servingQueue == "billing")
        #expect(await fixture.server.host.engine.currentState.worker("dan")?.worker.servingQueue == "inbox")
    }

    @Test("replacing a profile without serving_queue keeps the queue the worker serves")
    func replaceKeepsServingQueue() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await proposals(fixture)
        try await fixture.server.host.engine.submit(.approveReallocation("R1"), actor: "lead")
        try await fixture.server.application().test(.router) { client in
            let put = try await client.send(
                .put, "/v1/workers/cleo", key: ServerFixture.operatorKey,
                json: #"{"skills": {"support": 6}, "flexible": true, "move_cost": 3}"#)
            #expect(put.status == .ok)
            #expect(try put.json["serving_queue"] == "billing")
            #expect(try put.json["move_cost"] == 3)
            let wrong = try await client.send(
                .put, "/v1/workers/cleo", key: ServerFixture.operatorKey, json: #"{"serving_queue": "nowhere"}"#)
            #expect(wrong.status == .unprocessableContent)
            #expect(try wrong.json["field"] == "serving_queue")
        }
    }

    @Test("the configuration file turns the pass on for the server's engine")
    func configurationTurnsPassOn() async throws {
        var configuration = ServerConfiguration()
        try configuration.apply(
            yaml: "reallocation: { enabled: true, automatic_cost_limit: 5, interval: 15m, horizon_intervals: 2 }", file: "flowtune.yaml")
        #expect(configuration.reallocation.enabled)
        #expect(configuration.reallocation.automaticCostLimit == 5)
        #expect(configuration.reallocation.intervalLength == 900)
        #expect(configuration.reallocation.horizonIntervals == 2)
        var bad = ServerConfiguration()
        #expect(throws: ServerConfiguration.Problem.self) { try bad.apply(yaml: "reallocation: { horizon_intervals: 0 }", file: "f.yaml") }
        do {
            try bad.apply(yaml: "reallocation: { automatic_cost_limit: lots }", file: "f.yaml")
        } catch let problem as ServerConfiguration.Problem {
            #expect(problem.field == "reallocation.automatic_cost_limit")
        }

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-realloc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        configuration.databasePath = directory.appendingPathComponent("server.db").path
        let server = try await FlowtuneServer.open(configuration, clock: ManualClock())
        defer { try? server.close() }
        #expect(await server.host.engine.reallocationConfiguration?.automaticCostLimit == 5)
    }
}
