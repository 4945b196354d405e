import FlowtuneCore
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Decision routes")
struct DecisionRoutesTests {
    /// Amounts over 5000 from gold customers go to the exception lane.
    static let laneV1 = """
        decision: approval-lane
        name: Approval lane
        hit_policy: FIRST
        inputs:
          - { name: amount, expression: task.amount }
          - { name: tier, expression: customer.tier }
        outputs:
          - { name: lane, values: [exception, routine] }
          - { name: reason, type: string }
          - { name: owner, type: string }
        rules:
          - { when: ['> 5000', '"gold"'], then: [exception, approval threshold, finance-lead] }
          - { when: [-, -], then: [routine, standard path, ''] }
        tests:
          - name: big gold claim
            input: { task: { amount: 6200, customer: { tier: gold } } }
            expect: { lane: exception }
        """

    /// Version 2: any amount over 2000 needs approval.
    static let laneV2 = laneV1.replacingOccurrences(of: "['> 5000', '\"gold\"']", with: "['> 2000', -]")

    static let claims = """
        workflows:
          - id: claims
            steps:
              - id: review
                queue: inbox
                ownership: { source_system: erp, decision_owner: claims-lead, response_window: 1h }
                decisions: { lane: approval-lane }
        """

    @Test("publish v1 and v2, list versions, read v1 unchanged, roll back to v1 as v3; each new task records the version that decided it")
    func versionsAndRollback() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let v1 = try await client.send(
                .post, "/v1/decisions", key: ServerFixture.adminKey, text: Self.laneV1, contentType: "application/yaml")
            #expect(v1.status == .created)
            #expect(v1.headers[.location] == "/v1/decisions/approval-lane/versions/1")
            let first = try v1.json
            #expect(first["id"] == "approval-lane")
            #expect(first["version"] == 1)
            #expect(first["hitPolicy"] == "FIRST")
            #expect(first["file"] == "approval-lane.yaml")
            #expect(first["publishedBy"] == "key:admin")
            #expect(first["warnings"] == [])

            // The same text again changes nothing.
            let again = try await client.send(
                .post, "/v1/decisions", key: ServerFixture.adminKey, text: Self.laneV1, contentType: "application/yaml")
            #expect(again.status == .ok)
            #expect(try again.json["version"] == 1)

            // A workflow may name the decision once it is published.
            let workflow = try await client.send(
                .post, "/v1/workflows", key: ServerFixture.adminKey, text: Self.claims, contentType: "application/yaml")
            #expect(workflow.status == .created)
            let steps = try workflow.json["workflows"]?.arrayValue?.first?["steps"]?.arrayValue
            #expect(steps?.first?["decisions"] == ["lane": "approval-lane"])

            let taskA = try await Self.createClaim(client, amount: 3000)
            #expect(try await Self.decidedBy(client, taskA) == [1])
            #expect(try await Self.lane(client, taskA) == "routine")

            let v2 = try await client.send(
                .post, "/v1/decisions", key: ServerFixture.adminKey, text: Self.laneV2, contentType: "text/yaml")
            #expect(v2.status == .created)
            #expect(try v2.json["version"] == 2)

            let taskB = try await Self.createClaim(client, amount: 3000)
            #expect(try await Self.decidedBy(client, taskB) == [2])
            #expect(try await Self.lane(client, taskB) == "exception")
            // A's history is what it was.
            #expect(try await Self.decidedBy(client, taskA) == [1])

            let versions = try await client.send(.get, "/v1/decisions/approval-lane/versions", key: ServerFixture.viewerKey)
            #expect(versions.status == .ok)
            let listed = try #require(try versions.json["versions"]?.arrayValue)
            #expect(listed.map { $0["version"] } == [1, 2])
            #expect(listed.allSatisfy { $0["restores"] == nil })

            let readV1 = try await client.send(.get, "/v1/decisions/approval-lane/versions/1", key: ServerFixture.operatorKey)
            #expect(readV1.status == .ok)
            #expect(try readV1.json["yaml"]?.stringValue == Self.laneV1)
            #expect(try readV1.json["latest"] == false)

            let rollback = try await client.send(
                .post, "/v1/decisions/approval-lane/rollback", key: ServerFixture.adminKey,
                json: #"{"version": 1, "reason": "v2 flooded the exception lane"}"#)
            #expect(rollback.status == .created)
            #expect(rollback.headers[.location] == "/v1/decisions/approval-lane/versions/3")
            let third = try rollback.json
            #expect(third["version"] == 3)
            #expect(third["restores"] == 1)
            #expect(third["latest"] == true)
            #expect(third["yaml"]?.stringValue == Self.laneV1)

            let taskC = try await Self.createClaim(client, amount: 3000)
            #expect(try await Self.decidedBy(client, taskC) == [3])
            #expect(try await Self.lane(client, taskC) == "routine")
            #expect(try await Self.decidedBy(client, taskB) == [2])

            let latest = try await client.send(.get, "/v1/decisions/approval-lane", key: ServerFixture.viewerKey)
            let decision = try latest.json
            #expect(decision["version"] == 3)
            #expect(decision["name"] == "Approval lane")
            #expect(decision["inputs"]?.arrayValue?.map { $0["expression"] } == ["task.amount", "customer.tier"])
            #expect(decision["outputs"]?.arrayValue?.map { $0["name"] } == ["lane", "reason", "owner"])
            #expect(decision["outputs"]?.arrayValue?.first?["values"] == ["exception", "routine"])
            #expect(decision["rules"] == 2)
            #expect(decision["tests"] == 1)

            let list = try await client.send(.get, "/v1/decisions", key: ServerFixture.operatorKey)
            let items = try #require(try list.json["items"]?.arrayValue)
            #expect(items.count == 1)
            #expect(items.first?["version"] == 3)
            #expect(items.first?["restores"] == 1)
            #expect(items.first?["publishedBy"] == "key:admin")
            #expect(items.first?["publishedAt"]?.stringValue != nil)

            // The rollback's reason is in its event's cause.
            let audit = try await client.send(.get, "/v1/audit?actor=key:admin", key: ServerFixture.viewerKey)
            let published = try #require(try audit.json["items"]?.arrayValue).filter { $0["type"] == "DecisionPublished" }
            #expect(published.map { $0["data"]?["version"] } == [1, 2, 3])
            #expect(published.last?["cause"]?.stringValue?.contains("v2 flooded the exception lane") == true)
        }
        let state = await fixture.server.host.engine.currentState
        #expect(state.decisions["approval-lane"]?.map(\.version) == [1, 2, 3])
    }

    @Test("a file that does not load is a 422 listing every problem with its field, line and column; nothing is published")
    func loadErrors() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let before = await fixture.server.host.engine.committedVersion
        let broken = """
            decision: broken
            hit_policy: FRIST
            inputs:
              - { name: amount, expression: task.amount > }
            outputs:
              - { name: lane }
            rules:
              - { when: ['> 5000'], then: [exception] }
            """
        try await fixture.server.application().test(.router) { client in
            let refused = try await client.send(
                .post, "/v1/decisions", key: ServerFixture.adminKey, text: broken, contentType: "application/yaml")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let problem = try refused.json
            let errors = try #require(problem["errors"]?.arrayValue)
            #expect(errors.count >= 2)
            let policy = try #require(errors.first { $0["field"] == "hit_policy" })
            #expect(policy["line"] == 2)
            #expect(policy["column"] == 13)
            #expect(policy["message"]?.stringValue?.contains("FIRST") == true)
            let expression = try #require(errors.first { $0["field"]?.stringValue?.hasPrefix("inputs[0]") == true })
            #expect(expression["line"] == 4)
            #expect(errors.allSatisfy { $0["line"]?.numberValue != nil && $0["column"]?.numberValue != nil })
            #expect(problem["field"] == errors.first?["field"])

            // The same file through validate: 200, with the same issues and nothing run.
            let validated = try await client.send(
                .post, "/v1/decisions/validate", key: ServerFixture.viewerKey, text: broken, contentType: "application/yaml")
            #expect(validated.status == .ok)
            let report = try validated.json
            #expect(report["valid"] == false)
            #expect(report["issues"]?.arrayValue?.map { $0["field"] } == errors.map { $0["field"] })
            #expect(report["examples"] == [])

            // A JSON body wrapping the text reports the same positions, in the text.
            let wrapped = try JSONEncoder().encode(["file": "broken.yaml", "yaml": broken])
            let viaJSON = try await client.send(
                .post, "/v1/decisions", key: ServerFixture.adminKey, json: String(decoding: wrapped, as: UTF8.self))
            #expect(viaJSON.status == .unprocessableContent)
            #expect(try viaJSON.json["errors"] == problem["errors"])
        }
        #expect(await fixture.server.host.engine.committedVersion == before)
        #expect(await fixture.server.host.engine.currentState.decisions.isEmpty)
    }

    @Test("a failing example refuses publishing, naming the example, where it is, and its mismatches")
    func failingExample() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let wrong = Self.laneV1.replacingOccurrences(of: "expect: { lane: exception }", with: "expect: { lane: routine }")
            + "\n  - { name: small, input: { task: { amount: 10 } }, expect: { lane: routine } }"
        try await fixture.server.application().test(.router) { client in
            let refused = try await client.send(
                .post, "/v1/decisions", key: ServerFixture.adminKey, text: wrong, contentType: "application/yaml")
            #expect(refused.status == .unprocessableContent)
            let problem = try refused.json
            #expect(problem["title"] == "Failing examples")
            #expect(problem["field"] == "tests[0]")
            let errors = try #require(problem["errors"]?.arrayValue)
            #expect(errors.count == 1)
            #expect(errors[0]["field"] == "tests[0]")
            #expect(errors[0]["line"] == 15)
            #expect(errors[0]["message"]?.stringValue?.contains("big gold claim") == true)
            #expect(errors[0]["message"]?.stringValue?.contains("lane: expected") == true)
            let examples = try #require(problem["examples"]?.arrayValue)
            #expect(examples.first?["name"] == "big gold claim")
            #expect(examples.first?["trace"]?["selectedRules"] == [1])

            let validated = try await client.send(
                .post, "/v1/decisions/validate", key: ServerFixture.operatorKey, text: wrong, contentType: "text/plain")
            let report = try validated.json
            #expect(report["valid"] == false)
            #expect(report["issues"] == [])
            #expect(report["examples"]?.arrayValue?.map { $0["passed"] } == [false, true])
            #expect(report["examples"]?.arrayValue?.first?["mismatches"]?.arrayValue?.count == 1)
        }
        #expect(await fixture.server.host.engine.currentState.decisions.isEmpty)
    }

    @Test("validate reports a good file's warnings and examples, and whether it is already published")
    func validateGood() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        // The last rule can never fire under FIRST: a warning, not an error.
        let shadowed = Self.laneV1.replacingOccurrences(
            of: "  - { when: [-, -], then: [routine, standard path, ''] }",
            with: "  - { when: [-, -], then: [routine, standard path, ''] }\n  - { when: ['< 10', -], then: [routine, tiny, ''] }")
        try await fixture.server.application().test(.router) { client in
            let report = try await client.send(
                .post, "/v1/decisions/validate", key: ServerFixture.viewerKey, text: shadowed, contentType: "application/yaml")
            #expect(report.status == .ok)
            let body = try report.json
            #expect(body["valid"] == true)
            #expect(body["id"] == "approval-lane")
            #expect(body["latestVersion"] == nil)
            let warning = try #require(body["warnings"]?.arrayValue?.first)
            #expect(warning["field"] == "rules[2]")
            #expect(warning["line"] == 14)
            #expect(body["examples"]?.arrayValue?.map { $0["passed"] } == [true])

            let published = try await client.send(
                .post, "/v1/decisions", key: ServerFixture.adminKey, text: shadowed, contentType: "application/yaml")
            #expect(published.status == .created)
            #expect(try published.json["warnings"]?.arrayValue?.first?["field"] == "rules[2]")

            let after = try await client.send(
                .post, "/v1/decisions/validate", key: ServerFixture.viewerKey, text: shadowed, contentType: "application/yaml")
            #expect(try after.json["latestVersion"] == 1)
            #expect(try after.json["unchanged"] == true)
        }
        #expect(await fixture.server.host.engine.currentState.decisions["approval-lane"]?.count == 1)
    }

    @Test("evaluate a table sent with the request, or a published version, on an input, and get its trace")
    func evaluate() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.publishDecision(Self.laneV1)
        try await fixture.server.publishDecision(Self.laneV2)
        let yaml = String(decoding: try JSONEncoder().encode(Self.laneV1), as: UTF8.self)
        try await fixture.server.application().test(.router) { client in
            let uploaded = try await client.send(
                .post, "/v1/decisions/evaluate", key: ServerFixture.viewerKey,
                json: #"{"yaml": \#(yaml), "input": {"task": {"amount": 6200, "customer": {"tier": "gold"}}}}"#)
            #expect(uploaded.status == .ok)
            let result = try uploaded.json
            #expect(result["outputs"]?["lane"] == "exception")
            #expect(result["outputs"]?["owner"] == "finance-lead")
            #expect(result["version"] == nil)
            #expect(result["trace"]?["matchedRules"] == [1, 2])
            #expect(result["trace"]?["selectedRules"] == [1])
            #expect(result["trace"]?["inputs"]?.arrayValue?.map { $0["value"] } == [6200, "gold"])

            let latest = try await client.send(
                .post, "/v1/decisions/approval-lane/evaluate", key: ServerFixture.operatorKey,
                json: #"{"input": {"task": {"amount": 3000}}}"#)
            #expect(latest.status == .ok)
            #expect(try latest.json["version"] == 2)
            #expect(try latest.json["trace"]?["version"] == 2)
            #expect(try latest.json["outputs"]?["lane"] == "exception")

            let first = try await client.send(
                .post, "/v1/decisions/approval-lane/evaluate", key: ServerFixture.operatorKey,
                json: #"{"version": 1, "input": {"task": {"amount": 3000}}, "now": "2026-01-31T10:00:00Z"}"#)
            #expect(try first.json["version"] == 1)
            #expect(try first.json["outputs"]?["lane"] == "routine")

            let stray = try await client.send(
                .post, "/v1/decisions/approval-lane/evaluate", key: ServerFixture.viewerKey, json: #"{"input": {"amount": 3000}}"#)
            #expect(stray.status == .unprocessableContent)
            #expect(try stray.json["field"] == "input.amount")

            let noVersion = try await client.send(
                .post, "/v1/decisions/approval-lane/evaluate", key: ServerFixture.viewerKey,
                json: #"{"version": 7, "input": {}}"#)
            #expect(noVersion.status == .unprocessableContent)
            #expect(try noVersion.json["field"] == "version")

            let badTime = try await client.send(
                .post, "/v1/decisions/approval-lane/evaluate", key: ServerFixture.viewerKey,
                json: #"{"input": {}, "now": "yesterday"}"#)
            #expect(try badTime.json["field"] == "now")

            let noInput = try await client.send(
                .post, "/v1/decisions/approval-lane/evaluate", key: ServerFixture.viewerKey, json: #"{"version": 1}"#)
            #expect(noInput.status == .unprocessableContent)
            #expect(try noInput.json["field"] == "input")

            let unknown = try await client.send(
                .post, "/v1/decisions/nope/evaluate", key: ServerFixture.viewerKey, json: #"{"input": {}}"#)
            #expect(unknown.status == .notFound)
            #expect(try unknown.json["field"] == "id")

            let brokenYAML = try await client.send(
                .post, "/v1/decisions/evaluate", key: ServerFixture.viewerKey,
                json: #"{"yaml": "decision: x\nhit_policy: FRIST\n", "input": {}}"#)
            #expect(brokenYAML.status == .unprocessableContent)
            #expect(try brokenYAML.json["errors"]?.arrayValue?.contains { $0["field"] == "hit_policy" && $0["line"] == 2 } == true)
        }
    }

    @Test("bad requests are problems naming the field, and change nothing")
    func badRequests() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.publishDecision(Self.laneV1)
        let before = await fixture.server.host.engine.committedVersion
        try await fixture.server.application().test(.router) { client in
            let admin = ServerFixture.adminKey
            let unknown = try await client.send(.get, "/v1/decisions/nope", key: ServerFixture.viewerKey)
            #expect(unknown.status == .notFound)
            #expect(try unknown.json["field"] == "id")
            #expect(try await client.send(.get, "/v1/decisions/nope/versions", key: admin).status == .notFound)
            let noVersion = try await client.send(.get, "/v1/decisions/approval-lane/versions/9", key: admin)
            #expect(noVersion.status == .notFound)
            #expect(try noVersion.json["field"] == "version")
            let notNumber = try await client.send(.get, "/v1/decisions/approval-lane/versions/first", key: admin)
            #expect(notNumber.status == .badRequest)
            #expect(try notNumber.json["field"] == "version")

            let unknownRollback = try await client.send(
                .post, "/v1/decisions/nope/rollback", key: admin, json: #"{"version": 1, "reason": "x"}"#)
            #expect(unknownRollback.status == .notFound)
            #expect(try unknownRollback.json["field"] == "id")
            let wrongType = try await client.send(
                .post, "/v1/decisions/approval-lane/rollback", key: admin, json: #"{"version": "one", "reason": "x"}"#)
            #expect(wrongType.status == .unprocessableContent)
            #expect(try wrongType.json["field"] == "version")
            let noReason = try await client.send(.post, "/v1/decisions/approval-lane/rollback", key: admin, json: #"{"version": 1}"#)
            #expect(try noReason.json["field"] == "reason")
            let blankReason = try await client.send(
                .post, "/v1/decisions/approval-lane/rollback", key: admin, json: #"{"version": 1, "reason": "  "}"#)
            #expect(blankReason.status == .unprocessableContent)
            #expect(try blankReason.json["field"] == "reason")
            let missingVersion = try await client.send(
                .post, "/v1/decisions/approval-lane/rollback", key: admin, json: #"{"version": 4, "reason": "x"}"#)
            #expect(missingVersion.status == .unprocessableContent)
            #expect(try missingVersion.json["field"] == "version")
            let malformedRollback = try await client.send(.post, "/v1/decisions/approval-lane/rollback", key: admin, json: "{")
            #expect(malformedRollback.status == .badRequest)

            let malformed = try await client.send(.post, "/v1/decisions", key: admin, json: #"{"yaml": "#)
            #expect(malformed.status == .badRequest)
            #expect(try malformed.json["title"] == "Malformed JSON")
            let yamlNumber = try await client.send(.post, "/v1/decisions", key: admin, json: #"{"yaml": 12}"#)
            #expect(yamlNumber.status == .unprocessableContent)
            #expect(try yamlNumber.json["field"] == "yaml")
            let extra = try await client.send(.post, "/v1/decisions", key: admin, json: #"{"yaml": "x", "text": "y"}"#)
            #expect(try extra.json["field"] == "text")
            let array = try await client.send(.post, "/v1/decisions", key: admin, json: "[]")
            #expect(array.status == .unprocessableContent)
            let xml = try await client.send(.post, "/v1/decisions", key: admin, text: "<decision/>", contentType: "application/xml")
            #expect(xml.status == .unsupportedMediaType)
            #expect(try xml.json["field"] == "Content-Type")
            let empty = try await client.send(.post, "/v1/decisions", key: admin, text: "", contentType: "application/yaml")
            #expect(empty.status == .badRequest)
            let notADecision = try await client.send(
                .post, "/v1/decisions", key: admin, text: "queues: []\n", contentType: "application/yaml")
            #expect(notADecision.status == .unprocessableContent)
            #expect(try notADecision.json["errors"]?.arrayValue?.isEmpty == false)
        }
        #expect(await fixture.server.host.engine.committedVersion == before)
        #expect(await fixture.server.host.engine.currentState.decisions["approval-lane"]?.count == 1)
    }

    @Test("a decision written as JSON, or wrapped with a file name, publishes too")
    func jsonBodies() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let wrapped = String(decoding: try JSONEncoder().encode(["file": "lanes/approval.yaml", "yaml": Self.laneV1]), as: UTF8.self)
            let published = try await client.send(.post, "/v1/decisions", key: ServerFixture.adminKey, json: wrapped)
            #expect(published.status == .created)
            #expect(try published.json["file"] == "lanes/approval.yaml")
            #expect(try published.json["yaml"]?.stringValue == Self.laneV1)

            let asJSON = """
                {"decision": "priority", "hit_policy": "UNIQUE",
                 "inputs": [{"name": "intent", "expression": "model.intent.name"}],
                 "outputs": [{"name": "priority", "type": "number"}],
                 "rules": [{"when": ["\\"cancellation\\""], "then": ["1"]}, {"when": ["not(\\"cancellation\\")"], "then": ["5"]}],
                 "tests": [{"input": {"model": {"intent": {"name": "cancellation"}}}, "expect": {"priority": 1}}]}
                """
            let json = try await client.send(.post, "/v1/decisions?file=priority.json", key: ServerFixture.adminKey, json: asJSON)
            #expect(json.status == .created)
            #expect(try json.json["id"] == "priority")
            #expect(try json.json["file"] == "priority.json")
            #expect(try json.json["hitPolicy"] == "UNIQUE")

            let evaluated = try await client.send(
                .post, "/v1/decisions/priority/evaluate", key: ServerFixture.viewerKey,
                json: #"{"input": {"model": {"intent": {"name": "refund"}}}}"#)
            #expect(try evaluated.json["outputs"]?["priority"] == 5)
        }
    }

    @Test("readers read and evaluate; only an admin publishes or rolls back; a worker key sees no decisions")
    func roles() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.publishDecision(Self.laneV1)
        try await fixture.server.application().test(.router) { client in
            for key in [ServerFixture.viewerKey, ServerFixture.operatorKey] {
                #expect(try await client.send(.get, "/v1/decisions", key: key).status == .ok)
                #expect(try await client.send(.get, "/v1/decisions/approval-lane", key: key).status == .ok)
                let publish = try await client.send(.post, "/v1/decisions", key: key, text: Self.laneV2, contentType: "application/yaml")
                #expect(publish.status == .forbidden)
                #expect(publish.headers[.contentType] == "application/problem+json")
                let rollback = try await client.send(
                    .post, "/v1/decisions/approval-lane/rollback", key: key, json: #"{"version": 1, "reason": "x"}"#)
                #expect(rollback.status == .forbidden)
            }
            #expect(try await client.send(.get, "/v1/decisions", key: ServerFixture.anaKey).status == .forbidden)
            #expect(try await client.send(.get, "/v1/decisions", key: nil).status == .unauthorized)
        }
        #expect(await fixture.server.host.engine.currentState.decisions["approval-lane"]?.count == 1)
    }

    // MARK: - Helpers

    /// Creates a task of the claims workflow over HTTP and returns its id.
    static func createClaim(_ client: some TestClientProtocol, amount: Int) async throws -> String {
        let created = try await client.send(
            .post, "/v1/tasks", key: ServerFixture.adminKey,
            json: #"{"workflow": "claims", "attributes": {"amount": \#(amount), "customer": {"tier": "silver"}}}"#)
        #expect(created.status == .created, "\(String(buffer: created.body))")
        return try #require(try created.json["id"]?.stringValue)
    }

    /// The versions of the decisions applied to a task, from its history.
    static func decidedBy(_ client: some TestClientProtocol, _ id: String) async throws -> [Double] {
        let read = try await client.send(.get, "/v1/tasks/\(id)", key: ServerFixture.viewerKey)
        let history = try #require(try read.json["history"]?.arrayValue)
        return history.filter { $0["type"] == "DecisionApplied" }.compactMap { $0["data"]?["trace"]?["version"]?.numberValue }
    }

    /// The task's lane now.
    static func lane(_ client: some TestClientProtocol, _ id: String) async throws -> String? {
        let read = try await client.send(.get, "/v1/tasks/\(id)", key: ServerFixture.viewerKey)
        return try read.json["task"]?["lane"]?.stringValue
    }
}

extension FlowtuneServer {
    /// Publishes a decision file straight through the engine, as a fixture would.
    func publishDecision(_ yaml: String) async throws {
        try await host.engine.submit(.publishDecision(DefinitionSource(file: "fixture.yaml", text: yaml)), actor: "fixture")
    }
}
