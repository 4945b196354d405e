import FlowtuneCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import FlowtuneServer

@Suite("Request gate")
struct RequestGateTests {
    @Test("a header is read as HTTPFields' subscript reads it: absent, one value, several joined")
    func headerValueMatchesSubscript() {
        var generator = SeededGenerator(seed: 7)
        let names: [HTTPField.Name] = [.authorization, .contentType, .accept, HTTPField.Name("X-API-Key")!]
        for _ in 0..<2_000 {
            var fields = HTTPFields()
            for _ in 0..<Int(generator.next() % 6) {
                let name = names[Int(generator.next() % UInt64(names.count))]
                fields.append(HTTPField(name: name, value: "v\(generator.next() % 100)"))
            }
            for name in names {
                #expect(AuthenticationMiddleware.value(of: name, in: fields) == fields[name])
            }
        }
    }

    @Test("two Authorization headers are refused as before; the limit, the key and problem documents keep their order")
    func gateOrder() async throws {
        let fixture = try await ServerFixture.make(bodyLimit: 64)
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            var twice = HTTPFields()
            twice.append(HTTPField(name: .authorization, value: "Bearer \(ServerFixture.adminKey)"))
            twice.append(HTTPField(name: .authorization, value: "Bearer \(ServerFixture.viewerKey)"))
            let refused = try await client.execute(uri: "/v1/queues", method: .get, headers: twice)
            #expect(refused.status == .unauthorized)
            #expect(try refused.json["title"]?.stringValue == "Unknown API key")

            // No key on an unknown path: the key is asked for before the route is looked up.
            let unkeyed = try await client.send(.get, "/v1/nowhere", key: nil)
            #expect(unkeyed.status == .unauthorized)
            let unknown = try await client.send(.get, "/v1/nowhere", key: ServerFixture.adminKey)
            #expect(unknown.status == .notFound)
            #expect(try unknown.json["title"]?.stringValue == "No such route")

            // The configured limit is in force behind the key, and named in the problem.
            let large = String(repeating: "x", count: 100)
            let tooLarge = try await client.send(
                .post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "support", "id": "\#(large)"}"#)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(try tooLarge.json["detail"]?.stringValue?.contains("64 bytes") == true)

            // A refused command is a problem document, not a 500.
            let missing = try await client.send(
                .post, "/v1/tasks", key: ServerFixture.adminKey, json: #"{"workflow": "nope"}"#)
            #expect((400..<500).contains(missing.status.code))
            #expect(missing.headers[.contentType] == "application/problem+json")
        }
    }
}
