import FlowtuneCore
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The OpenAPI document against the route catalog: every route documented, every documented
/// route real.
@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    static let methods = ["get", "put", "post", "delete", "patch", "head", "options"]

    @Test("served without a key, as OpenAPI 3.1 with bearer-key security")
    func served() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let response = try await client.send(.get, "/openapi.json", key: nil)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let document = try response.json
            #expect(document["openapi"]?.stringValue == "3.1.0")
            #expect(document["components"]?["securitySchemes"]?["bearerKey"]?["scheme"]?.stringValue == "bearer")
            #expect(document["components"]?["securitySchemes"]?["bearerKey"]?["type"]?.stringValue == "http")
            #expect(document["components"]?["schemas"]?["Problem"] != nil)
        }
    }

    @Test("every catalogued route is documented with its access, and every documented operation is catalogued")
    func matchesCatalog() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let document = try await Self.document(fixture)
        let documented = try Self.operations(document)
        let catalogued = Dictionary(uniqueKeysWithValues: fixture.server.routeCatalog.map { ("\($0.method) \($0.path)", $0.access) })
        let operationIDs = documented.values.compactMap { $0["operationId"]?.stringValue }
        #expect(Set(operationIDs).count == documented.count, "operation ids must be unique")
        #expect(Set(documented.keys).subtracting(catalogued.keys).isEmpty, "documented but not catalogued")
        #expect(Set(catalogued.keys).subtracting(documented.keys).isEmpty, "catalogued but not documented")
        for (route, access) in catalogued {
            let operation = documented[route]
            #expect(operation?["x-flowtune-access"]?.stringValue == access.rawValue, "\(route)")
            #expect(operation?["summary"]?.stringValue?.isEmpty == false, "\(route)")
            guard case .object(let responses) = operation?["responses"] else {
                Issue.record("\(route) documents no responses")
                continue
            }
            #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(route) documents no success")
            if access == .open {
                #expect(operation?["security"] == .array([]), "\(route) should need no key")
            } else {
                #expect(responses["401"] != nil && responses["403"] != nil, "\(route) documents no auth failures")
            }
            // Every path parameter is declared.
            for name in route.split(separator: "{").dropFirst().map({ $0.prefix { $0 != "}" } }) {
                guard case .array(let parameters) = operation?["parameters"] else {
                    Issue.record("\(route) declares no parameters")
                    continue
                }
                #expect(parameters.contains { $0["name"]?.stringValue == String(name) && $0["in"]?.stringValue == "path" }, "\(route)")
            }
            if operation?["requestBody"] != nil {
                #expect(responses["422"]?["content"]?["application/problem+json"] != nil, "\(route) documents no problem for a bad body")
            }
        }
    }

    @Test("every documented operation answers through the router")
    func documentedRoutesExist() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let task = try await fixture.createTask()
        let document = try await Self.document(fixture)
        let probe = RouterProbe(fixture.server)
        for route in try Self.operations(document).keys.sorted() {
            let parts = route.split(separator: " ", maxSplits: 1)
            let method = try #require(HTTPRequest.Method(String(parts[0])))
            let uri = RouteAccessMatrixTests.concrete(String(parts[1]), task: task)
            let reply = try await probe.call(method, uri, key: ServerFixture.adminKey, until: { $0.contains("retry:") })
            // An unknown id is a 404 too, but not this one.
            #expect(reply.status != .methodNotAllowed, "\(route): \(reply.body)")
            #expect(!reply.body.contains("No such route"), "\(route): \(reply.body)")
            #expect(reply.status != .internalServerError, "\(route): \(reply.body)")
        }
        // And the check can fail: an undocumented path is a missing route.
        let missing = try await probe.call(.get, "/v1/nothing-here", key: ServerFixture.adminKey)
        #expect(missing.status == .notFound)
        #expect(try missing.json["title"]?.stringValue == "No such route")
    }

    @Test("a definition document's routing policy lists every policy the core knows, and the predictive block its fields")
    func routingPolicies() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let document = try await Self.document(fixture)
        let workspace = document["components"]?["schemas"]?["DefinitionDocument"]?["properties"]?["workspace"]?["properties"]
        guard case .array(let names) = workspace?["routing_policy"]?["enum"] else {
            Issue.record("routing_policy has no enumeration")
            return
        }
        #expect(names.compactMap(\.stringValue) == RoutingPolicyKind.allCases.map(\.rawValue))
        #expect(names.compactMap(\.stringValue).contains("optimal-batch"))
        guard case .object(let predictive) = workspace?["predictive"]?["properties"] else {
            Issue.record("the workspace settings have no predictive block")
            return
        }
        #expect(predictive.keys.sorted() == [
            "batch_interval", "customer_cost_per_hour", "fairness_bound", "fairness_minimum", "fairness_period",
            "missed_promise_cost", "task_value", "type_attribute", "value_attribute",
        ])
    }

    static func document(_ fixture: ServerFixture) async throws -> JSONValue {
        let reply = try await RouterProbe(fixture.server).call(.get, "/openapi.json", key: nil)
        return try reply.json
    }

    /// `METHOD /path` → operation, for every operation in the document.
    static func operations(_ document: JSONValue) throws -> [String: JSONValue] {
        guard case .object(let paths) = document["paths"] else { throw CancellationError() }
        var operations: [String: JSONValue] = [:]
        for (path, item) in paths {
            for method in methods {
                if let operation = item[method] { operations["\(method.uppercased()) \(path)"] = operation }
            }
        }
        return operations
    }
}
