import FlowtuneCore
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting

/// A server on a fresh database with a small support desk and one key per role.
struct ServerFixture {
    static let adminKey = "admin-secret"
    static let operatorKey = "operator-secret"
    static let viewerKey = "viewer-secret"
    static let anaKey = "ana-secret"
    static let benKey = "ben-secret"

    let directory: URL
    let server: FlowtuneServer
    let clock: ManualClock

    /// A fixture; `live` makes it listen on a free loopback port (for ``LiveServer``), and
    /// `taskShortcut` chooses how the lifecycle's routes are served.
    static func make(bodyLimit: Int = 1 << 20, live: Bool = false, taskShortcut: Bool = true) async throws -> ServerFixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var configuration = ServerConfiguration()
        configuration.databasePath = directory.appendingPathComponent("server.db").path
        configuration.bodyLimit = bodyLimit
        configuration.taskShortcut = taskShortcut
        if live {
            configuration.host = "127.0.0.1"
            configuration.port = 0
        }
        configuration.keys = [
            APIKey(name: "admin", role: .admin, secret: adminKey),
            APIKey(name: "ops", role: .operator, secret: operatorKey),
            APIKey(name: "dashboard", role: .viewer, secret: viewerKey),
            APIKey(name: "ana", role: .worker, worker: "ana", secret: anaKey),
            APIKey(name: "ben", role: .worker, worker: "ben", secret: benKey),
        ]
        let clock = ManualClock()
        let server = try await FlowtuneServer.open(configuration, clock: clock)
        let definition = try WorkspaceDefinition(yaml: """
            queues:
              - id: inbox
                requirement: { skills: { support: 3 } }
                # Offers stand for a day, so that tests which move the clock do not race the timer service.
                offer_timeout: 1d
            workers:
              - { id: ana, skills: { support: 8 } }
              - { id: ben, skills: { support: 5 } }
            workflows:
              - id: support
                steps:
                  - id: answer
                    queue: inbox
                    ownership:
                      source_system: helpdesk
                      decision_owner: lead
                      response_window: 1h
                      required_evidence: [resolution]
            """)
        for command in definition.commands {
            try await server.host.engine.submit(command, actor: "fixture")
        }
        return ServerFixture(directory: directory, server: server, clock: clock)
    }

    func cleanUp() {
        try? server.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

extension TestClientProtocol {
    /// Sends `body` as JSON with `key`.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, key: String?, json body: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    /// The body parsed as JSON.
    var json: JSONValue {
        get throws { try JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView)) }
    }
}
