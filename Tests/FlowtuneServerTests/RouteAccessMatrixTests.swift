import FlowtuneCore
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import Testing

/// Every catalogued route called with every role and with no key.
@Suite("Route × role matrix")
struct RouteAccessMatrixTests {
    /// The callers, those a route refuses first so that their calls change nothing before the
    /// admitted ones run.
    static let callers: [(key: String?, role: Role?)] = [
        (nil, nil), (ServerFixture.viewerKey, .viewer), (ServerFixture.anaKey, .worker),
        (ServerFixture.operatorKey, .operator), (ServerFixture.adminKey, .admin),
    ]

    @Test("each role gets 401/403 exactly where the access rules refuse it", arguments: try await Self.catalog())
    func route(_ route: RouteDescription) async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        // A task offered to ana, so that her key's calls on "own" routes are her own.
        let task = try await fixture.createTask()
        // A published decision, so that its routes answer about something that exists.
        try await fixture.server.publishDecision(DecisionRoutesTests.laneV1)
        let probe = RouterProbe(fixture.server)
        let uri = Self.concrete(route.path, task: task)
        for (key, role) in Self.callers {
            let reply = try await probe.call(
                HTTPRequest.Method(route.method)!, uri, key: key, until: { $0.contains("retry:") })
            let caller = role?.rawValue ?? "no key"
            if route.access == .open {
                #expect(reply.status == .ok, "\(route) with \(caller)")
            } else if let role, route.access.admits(role) {
                #expect(reply.status != .unauthorized && reply.status != .forbidden, "\(route) with \(caller): \(reply.body)")
                #expect(reply.status != .internalServerError, "\(route) with \(caller): \(reply.body)")
            } else {
                #expect(reply.status == (role == nil ? .unauthorized : .forbidden), "\(route) with \(caller)")
                #expect(reply.headers[.contentType] == "application/problem+json", "\(route) with \(caller)")
            }
        }
    }

    @Test("a worker key may set its own status but not another worker's")
    func ownStatus() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let own = try await client.send(.post, "/v1/workers/ana/status", key: ServerFixture.anaKey, json: #"{"status": "away"}"#)
            #expect(own.status == .ok)
            #expect(try own.json["status"]?.stringValue == "away")
            let other = try await client.send(.post, "/v1/workers/ben/status", key: ServerFixture.anaKey, json: #"{"status": "away"}"#)
            #expect(other.status == .forbidden)
            #expect(try other.json["field"]?.stringValue == "id")
        }
        #expect(await fixture.server.host.engine.currentState.worker("ben")?.worker.status == .available)
    }

    static func catalog() async throws -> [RouteDescription] {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        return fixture.server.routeCatalog
    }

    /// `path` with its parameter filled in with something that exists in the fixture.
    static func concrete(_ path: String, task: TaskID) -> String {
        let id =
            if path.hasPrefix("/v1/workflows") { "support" }
            else if path.hasPrefix("/v1/queues") { "inbox" }
            else if path.hasPrefix("/v1/workers") { "ana" }
            else if path.hasPrefix("/v1/webhooks") { "wh_unknown" }
            else if path.hasPrefix("/v1/decisions") { "approval-lane" }
            else if path.hasPrefix("/v1/reallocations") { "R1" }
            else { task.rawValue }
        return path.replacingOccurrences(of: "{id}", with: id).replacingOccurrences(of: "{version}", with: "1")
    }
}
