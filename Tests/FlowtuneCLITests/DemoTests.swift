import FlowtuneCore
import FlowtuneServer
import FlowtuneStore
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import FlowtuneCLI

@Suite("flowtune demo and loadgen")
struct DemoTests {
    @Test("the demo desk is a valid workspace of 25 agents over three queues")
    func desk() throws {
        let definition = try DemoDesk.definition()
        #expect(definition.workers.count == 25)
        #expect(definition.queues.count == 3)
        #expect(definition.workflows.map(\.id) == ["support"])
        // The engine accepts every command of it.
        var state = WorkspaceState()
        for command in definition.commands {
            _ = try state.execute(command, context: CommandContext(now: Date(), actor: "test", cause: nil))
        }
        #expect(state.workers.count == 25)
        #expect(state.workflow("support")?.steps.count == 3)
        // Eight agents the reallocation pass may move, each serving a queue they fully qualify for.
        let flexible = state.workers.map(\.worker).filter(\.flexible)
        #expect(flexible.count == 8)
        #expect(Set(flexible.compactMap(\.servingQueue)) == ["triage", "tier1"])
        for worker in flexible {
            let serving = try #require(worker.servingQueue)
            let queue = try #require(state.queue(serving))
            #expect(queue.requirement.unmet(by: worker) == nil, "\(worker.id) cannot fully serve \(queue.id)")
        }
    }

    @Test("a few seconds of demo create tickets and complete them over HTTP, and the log holds every one")
    func demo() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-demo-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("demo.db").path
        let lines = Locked<[String]>([])
        var settings = DemoTraffic.Settings()
        settings.peak = 12
        settings.day = 4
        settings.pace = 0.25
        settings.reportEvery = 1
        settings.duration = 5
        let run = DemoRun(databasePath: db, settings: settings, output: { line in lines.withLock { $0.append(line) } })
        let summary = try await run.run()

        #expect(summary.created > 10)
        #expect(summary.finished > 0)
        #expect(summary.stepsCompleted >= summary.finished)
        let output = lines.withLock { $0 }
        #expect(output.contains { $0.contains("http://127.0.0.1:") })
        #expect(output.contains { $0.hasPrefix("  admin key: ft_") })
        #expect(output.contains { $0.contains("tasks/s") && $0.contains("waiting") && $0.contains("service level") })

        // What the agents were told succeeded is in the log.
        let store = try SQLiteEventStore(path: db)
        defer { try? store.close() }
        let log = try await store.read("default", after: 0, limit: .max)
        let created = log.filter { $0.event.type == "TaskCreated" }.count
        let finished = log.filter {
            if case .stepCompleted(let completion) = $0.event.payload, completion.next == .end { return true }
            return false
        }.count
        #expect(created == summary.created)
        #expect(finished >= summary.finished)
    }

    @Test("loadgen drives full lifecycles over loopback, bounded by its count")
    func loadgen() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-loadgen-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.databasePath = directory.appendingPathComponent("load.db").path
        configuration.keys = [APIKey(name: "load", role: .admin, secret: "load-secret")]
        let server = try await FlowtuneServer.open(configuration)
        for command in try DemoDesk.definition().commands {
            try await server.host.engine.submit(command, actor: "test")
        }
        let (ports, announce) = AsyncStream<Int>.makeStream()
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let group = ServiceGroup(
            configuration: .init(services: [server.application(logger: quiet) { announce.yield($0) }], logger: quiet))
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())

        var settings = LoadGenerator.Settings()
        settings.clients = 4
        settings.count = 60
        settings.duration = 20
        settings.channel = "chat"
        let http = APIClient.makeHTTPClient(connections: 4)
        let report = await LoadGenerator(api: APIClient(base: "http://127.0.0.1:\(port)", http: http), key: "load-secret", settings: settings).run()
        try await http.shutdown()
        await group.triggerGracefulShutdown()
        try await running.value

        #expect(report.failures == 0, "\(report.lastFailure ?? "")")
        #expect(report.lifecycles + report.abandoned == 60)
        #expect(report.lifecycles > 0)
        #expect(report.createToAssigned.count == report.lifecycles)
        #expect(report.createToAssigned.p50 > 0)
        #expect(report.createToAssigned.p99 >= report.createToAssigned.p50)
        // Each lifecycle ran to its end: triage, then resolution.
        let finished = await server.host.engine.currentState.finished.values.filter { $0.name == "completed" }.count
        #expect(finished == report.lifecycles)
        try server.close()
    }
}
