import AsyncHTTPClient
import FlowtuneCore
import FlowtuneServer
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A Flowtune server (or any Hummingbird application) running with its services on a free port
/// of 127.0.0.1, for tests that need real HTTP: webhooks, telemetry feeds.
struct LiveServer: Sendable {
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Runs `application` and returns once it listens.
    static func start<App: ApplicationProtocol>(
        _ make: (@escaping @Sendable (Int) async -> Void) -> App
    ) async throws -> LiveServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = make { port in continuation.yield(port) }
        let group = ServiceGroup(
            configuration: .init(services: [application], logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw NotStarted() }
        return LiveServer(port: port, group: group, task: task)
    }

    /// Starts `server` on a free loopback port.
    static func start(_ server: FlowtuneServer) async throws -> LiveServer {
        try await start { running in
            server.application(logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), onServerRunning: running)
        }
    }

    /// Shuts down gracefully and waits for every service to stop.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }

    var base: String { "http://127.0.0.1:\(port)" }

    struct NotStarted: Error {}
}

/// A configuration on a fresh database, listening on a free loopback port, with an admin key.
func liveConfiguration(_ directory: URL) -> ServerConfiguration {
    var configuration = ServerConfiguration()
    configuration.host = "127.0.0.1"
    configuration.port = 0
    configuration.databasePath = directory.appendingPathComponent("live.db").path
    configuration.keys = [
        APIKey(name: "admin", role: .admin, secret: ServerFixture.adminKey),
        APIKey(name: "dashboard", role: .viewer, secret: ServerFixture.viewerKey),
        APIKey(name: "ana", role: .worker, worker: "ana", secret: ServerFixture.anaKey),
    ]
    return configuration
}

/// The small support desk of ``ServerFixture``, applied to `server`.
func defineDesk(_ server: FlowtuneServer) async throws {
    let definition = try WorkspaceDefinition(yaml: """
        queues:
          - id: inbox
            requirement: { skills: { support: 3 } }
        workers:
          - { id: ana, skills: { support: 8 } }
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
}

/// Sends a request with the admin key over loopback and returns status and body.
func call(
    _ method: HTTPMethod, _ url: String, key: String? = ServerFixture.adminKey, json: String? = nil
) async throws -> (status: Int, body: String) {
    var request = HTTPClientRequest(url: url)
    request.method = method
    if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
    if let json {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: json))
    }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    let body = try await response.body.collect(upTo: 4 << 20)
    return (Int(response.status.code), String(buffer: body))
}

/// A fresh temporary directory.
func temporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-live-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}
