import ArgumentParser
import FlowtuneCore
import FlowtuneServer
import Foundation
import Hummingbird
import Logging

/// `flowtune serve`: the engine behind the HTTP API, on the embedded SQLite store.
///
/// On SIGTERM or SIGINT the server stops accepting connections, finishes the requests in
/// flight, stops its services and closes the store, then exits with status 0.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the HTTP API for one workspace until SIGTERM or SIGINT.",
        discussion: """
            Configuration comes from --config (YAML), then FLOWTUNE_* environment variables, then \
            these flags. Every route but /health and /openapi.json needs an API key \
            (Authorization: Bearer KEY). Definition files given with --define are applied at \
            start; what the workspace already holds unchanged is not applied again.
            """)

    @Option(help: "A YAML configuration file.") var config: String?
    @Option(help: "The port to listen on (0 picks a free one).") var port: Int?
    @Option(help: "The address to listen on.") var host: String?
    @Option(help: "The SQLite database file.") var db: String?
    @Option(help: "Definition files to apply at start (queues, workers, workflows).") var define: [String] = []

    func run() async throws {
        var configuration = ServerConfiguration()
        do {
            if let config {
                guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                    throw ValidationError("cannot read \(config)")
                }
                try configuration.apply(yaml: text, file: config)
            }
            try configuration.apply(environment: ProcessInfo.processInfo.environment)
        } catch let problem as ServerConfiguration.Problem {
            throw ValidationError(problem.description)
        }
        if let port {
            guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
            configuration.port = port
        }
        if let host { configuration.host = host }
        if let db { configuration.databasePath = db }
        guard !configuration.keys.isEmpty else {
            throw ValidationError("no API keys configured: add api_keys to --config or set FLOWTUNE_API_KEYS=name:admin=SECRET")
        }
        let definition: WorkspaceDefinition?
        do {
            definition = define.isEmpty ? nil : try ValidateCommand.loadDefinition(paths: define)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }

        let logger = configuration.makeLogger()
        let server = try await FlowtuneServer.open(configuration)
        do {
            if let definition {
                let state = await server.host.engine.currentState
                for command in Self.changes(definition, from: state) {
                    try await server.host.engine.submit(command, actor: "serve --define")
                }
            }
            // runService installs the SIGTERM/SIGINT handlers and returns once every service,
            // the HTTP server first, has shut down gracefully.
            try await server.application(logger: logger).runService()
        } catch {
            try? server.close()
            throw error
        }
        try server.close()
        logger.info("stopped; store closed", metadata: ["db": .string(configuration.databasePath)])
    }

    /// The definition's commands that would change `state`: restarting with the same files
    /// neither adds workflow versions nor resets workers' statuses or the queues they serve.
    static func changes(_ definition: WorkspaceDefinition, from state: WorkspaceState) -> [Command] {
        definition.commands.compactMap { command in
            switch command {
            case .configure(let settings): return settings != state.settings ? command : nil
            case .defineQueue(let queue): return state.queue(queue.id) != queue ? command : nil
            case .registerWorker(var worker):
                // Status (changed over the API) and the serving queue (moved by reallocation or an
                // operator) are live state; the file only gives the first ones.
                guard var current = state.worker(worker.id)?.worker else { return command }
                let serving = current.servingQueue
                current.status = worker.status
                current.servingQueue = worker.servingQueue
                guard current != worker else { return nil }
                // The replaced profile keeps the queue the worker serves now.
                worker.servingQueue = serving
                return .registerWorker(worker)
            case .defineWorkflow(let workflow):
                guard var current = state.workflow(workflow.id) else { return command }
                current.version = workflow.version
                return current != workflow ? command : nil
            default: return command
            }
        }
    }
}
