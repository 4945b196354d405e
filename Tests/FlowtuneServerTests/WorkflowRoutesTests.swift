import FlowtuneCore
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Workflow routes")
struct WorkflowRoutesTests {
    static let billing = """
        queues:
          - id: billing
            priority: 3
            service_level: { percent: 90, within: 10m }
            requirement: { skills: { support: 4 } }
        workflows:
          - id: refund
            promise: { text: every refund decided within a day, within: 1d }
            steps:
              - id: check
                queue: billing
                ownership: { source_system: erp, decision_owner: finance, response_window: 2h }
                next: { approve: pay, deny: end }
              - id: pay
                queue: inbox
                ownership: { source_system: erp, decision_owner: finance, response_window: 1h }
        """

    @Test("a YAML document defines its queues and workflows; workflows may use queues the workspace has")
    func uploadYAML() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let uploaded = try await client.send(
                .post, "/v1/workflows", key: ServerFixture.adminKey, text: Self.billing, contentType: "application/yaml")
            #expect(uploaded.status == .created)
            let body = try uploaded.json
            #expect(body["queues"] == ["billing"])
            #expect(body["workflows"]?.arrayValue?.first?["id"] == "refund")
            #expect(body["workflows"]?.arrayValue?.first?["version"] == 1)

            let refund = try await client.send(.get, "/v1/workflows/refund", key: ServerFixture.viewerKey)
            #expect(refund.status == .ok)
            let workflow = try refund.json
            #expect(workflow["steps"]?.arrayValue?.map { $0["queue"] } == ["billing", "inbox"])
            #expect(workflow["steps"]?.arrayValue?.first?["next"] == ["approve": "pay", "deny": "end"])
            #expect(workflow["steps"]?.arrayValue?.first?["ownership"]?["response_window"] == "2h")
            #expect(workflow["promise"]?["within"] == "1d")

            let list = try await client.send(.get, "/v1/workflows", key: ServerFixture.viewerKey)
            #expect(try list.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["refund", "support"])
        }
        let state = await fixture.server.host.engine.currentState
        #expect(state.queue("billing")?.serviceLevel.within == 600)
        #expect(state.workflow("refund")?.steps.count == 2)
    }

    @Test("a JSON document works the same, and uploading again makes a new version")
    func uploadJSONAndVersions() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let document = """
                {"workflows": [{"id": "support", "name": "Support v2", "steps": [
                  {"id": "answer", "queue": "inbox",
                   "ownership": {"source_system": "helpdesk", "decision_owner": "lead", "response_window": "30m"}}]}]}
                """
            let uploaded = try await client.send(.post, "/v1/workflows", key: ServerFixture.adminKey, json: document)
            #expect(uploaded.status == .created)
            #expect(try uploaded.json["workflows"]?.arrayValue?.first?["version"] == 2)

            let versions = try await client.send(.get, "/v1/workflows/support/versions", key: ServerFixture.operatorKey)
            #expect(versions.status == .ok)
            let all = try #require(try versions.json["versions"]?.arrayValue)
            #expect(all.map { $0["version"] } == [1, 2])
            #expect(all.map { $0["name"] } == ["support", "Support v2"])
            let latest = try await client.send(.get, "/v1/workflows/support", key: ServerFixture.viewerKey)
            #expect(try latest.json["version"] == 2)
            #expect(try latest.json["steps"]?.arrayValue?.first?["ownership"]?["response_window"] == "30m")
        }
    }

    @Test("every problem of a document comes back at once with field, line and column, and nothing is applied")
    func validationErrors() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let before = await fixture.server.host.engine.committedVersion
        try await fixture.server.application().test(.router) { client in
            let document = """
                queues:
                  - id: billing
                    priority: 12
                workflows:
                  - id: refund
                    steps:
                      - id: check
                        queue: billnig
                        ownership: { source_system: erp, decision_owner: finance, response_window: 2h }
                """
            let refused = try await client.send(
                .post, "/v1/workflows", key: ServerFixture.adminKey, text: document, contentType: "application/yaml")
            #expect(refused.status == .unprocessableContent)
            #expect(refused.headers[.contentType] == "application/problem+json")
            let problem = try refused.json
            #expect(problem["title"] == "Invalid definition")
            let errors = try #require(problem["errors"]?.arrayValue)
            #expect(errors.map { $0["field"] } == ["queues[0].priority", "workflows[0].steps[0].queue"])
            #expect(errors.map { $0["line"] } == [3, 8])
            #expect(errors.map { $0["column"] } == [15, 16])
            #expect(errors[1]["message"]?.stringValue?.contains("billnig") == true)

            let typo = try await client.send(
                .post, "/v1/workflows", key: ServerFixture.adminKey,
                text: "workflows:\n  - id: x\n    stpes: []\n", contentType: "application/yaml")
            #expect(typo.status == .unprocessableContent)
            let typoErrors = try #require(try typo.json["errors"]?.arrayValue)
            let misspelt = try #require(typoErrors.first { $0["field"] == "workflows[0].stpes" })
            #expect(misspelt["line"] == 3)
            #expect(misspelt["column"] == 5)

            let malformed = try await client.send(.post, "/v1/workflows", key: ServerFixture.adminKey, json: #"{"workflows": ["#)
            #expect(malformed.status == .badRequest)
            #expect(try malformed.json["title"] == "Malformed JSON")

            let empty = try await client.send(.post, "/v1/workflows", key: ServerFixture.adminKey, json: "{}")
            #expect(empty.status == .unprocessableContent)
            #expect(try empty.json["field"] == "workflows")

            let wrongType = try await client.send(
                .post, "/v1/workflows", key: ServerFixture.adminKey, text: "<xml/>", contentType: "application/xml")
            #expect(wrongType.status == .unsupportedMediaType)
            #expect(try wrongType.json["field"] == "Content-Type")

            let unknown = try await client.send(.get, "/v1/workflows/nope", key: ServerFixture.viewerKey)
            #expect(unknown.status == .notFound)
            #expect(try unknown.json["field"] == "id")
            #expect(try await client.send(.get, "/v1/workflows/nope/versions", key: ServerFixture.viewerKey).status == .notFound)
        }
        #expect(await fixture.server.host.engine.committedVersion == before)
        #expect(await fixture.server.host.engine.currentState.queue("billing") == nil)
    }
}

extension JSONValue {
    /// The elements when this is an array.
    var arrayValue: [JSONValue]? {
        if case .array(let values) = self { return values }
        return nil
    }
}
