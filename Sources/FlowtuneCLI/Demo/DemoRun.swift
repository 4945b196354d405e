import FlowtuneCore
import FlowtuneEngine
import FlowtuneServer
import Foundation
import Logging
import ServiceLifecycle

/// One run of `flowtune demo`: a server on a free loopback port with the demo desk, a demo admin
/// key and one key per agent, and ``DemoTraffic`` driving it over HTTP until the duration ends
/// or SIGINT/SIGTERM arrives. The server then shuts down gracefully and the store is closed.
struct DemoRun {
    /// The database; a temporary one, removed afterwards, when nil.
    var databasePath: String?
    /// The port; 0 picks a free one.
    var port = 0
    var settings = DemoTraffic.Settings()
    /// Where the live lines go.
    var output: @Sendable (String) -> Void = { print($0) }

    /// Runs the demo and returns what the simulated people did.
    func run() async throws -> DemoSummary {
        var temporary: URL?
        let path: String
        if let databasePath {
            path = databasePath
        } else {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-demo-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            temporary = directory
            path = directory.appendingPathComponent("demo.db").path
        }
        defer { if let temporary { try? FileManager.default.removeItem(at: temporary) } }

        let adminKey = APIKey.generateSecret()
        var workerKeys: [String: String] = [:]
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = port
        configuration.databasePath = path
        // The live line is the demo's output; the server only speaks up for problems.
        configuration.logLevel = "warning"
        configuration.keys = [APIKey(name: "demo-admin", role: .admin, secret: adminKey)]
        // Reallocation on, scaled to the demo's compressed day: a pass every 5 s looking a
        // minute ahead in 30 s intervals, rates averaged over half a minute. Every move of the
        // desk costs 1, within the automatic limit, so moves happen at once.
        configuration.reallocation = ReallocationConfiguration(
            enabled: true, period: 5, automaticCostLimit: 1, intervalLength: 30, horizonIntervals: 2,
            arrivalTimeConstant: 30, defaultHandlingTime: 5)
        for member in DemoDesk.roster {
            let secret = APIKey.generateSecret()
            workerKeys[member.id] = secret
            configuration.keys.append(APIKey(name: member.id, role: .worker, worker: WorkerID(member.id), secret: secret))
        }

        let server = try await FlowtuneServer.open(configuration)
        let stats = DemoStats()
        do {
            let state = await server.host.engine.currentState
            for command in ServeCommand.changes(try DemoDesk.definition(), from: state) {
                try await server.host.engine.submit(command, actor: "demo")
            }
            let (ports, announce) = AsyncStream<Int>.makeStream()
            let logger = configuration.makeLogger()
            let application = server.application(logger: logger) { port in announce.yield(port) }
            let traffic = DemoTraffic(
                server: server, ports: ports, adminKey: adminKey, workerKeys: workerKeys, settings: settings, stats: stats,
                output: output)
            let group = ServiceGroup(
                configuration: .init(
                    services: [
                        .init(service: application),
                        // The traffic ending (its duration is over) ends the demo.
                        .init(service: traffic, successTerminationBehavior: .gracefullyShutdownGroup),
                    ],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch {
            try? server.close()
            throw error
        }
        try server.close()
        let summary = await stats.summary
        output(
            "demo over: \(summary.created) tickets created, \(summary.finished) completed, \(summary.stepsCompleted) steps, "
                + "\(summary.sentWithoutEvidence) sent to the exception lane, \(summary.exceptionsResolved) exceptions resolved"
                + (databasePath.map { "; the log is in \($0)" } ?? ""))
        return summary
    }
}
