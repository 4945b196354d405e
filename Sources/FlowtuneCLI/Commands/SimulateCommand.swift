import ArgumentParser
import FlowtuneCore
import FlowtuneSimulation
import FlowtuneStore
import Foundation

/// `flowtune simulate SCENARIO.yaml...`: runs a scenario through the core's routing on a
/// virtual clock and reports waiting, cycle time, service level, abandonment, utilization, cost
/// and exceptions with 95% confidence intervals; `--compare` runs several policies on the same
/// customers and reports their paired differences.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate", abstract: "Simulate a scenario and compare routing policies.",
        discussion: """
            The scenario file has a `simulation:` section (horizon, warm-up, replications, seed, \
            task types with arrivals, handling times and patience); the workspace's queues, \
            workers and workflows come from the same file, from the files its `definitions` \
            name, or from further files on the command line. Each --compare policy runs on the \
            same replications (common random numbers); differences are against the first. \
            Shifts and breaks set workers' status in the core; a `replay` section replays arrivals \
            from a CSV file or from the TaskCreated events of a Flowtune event store (SQLite). \
            --csv and --html write the report as a tidy table and as a self-contained page with charts.
            """)

    @Argument(help: "The scenario file, and any definition files it does not name itself.")
    var files: [String]

    @Option(
        name: .customLong("compare"),
        help: ArgumentHelp(
            "A routing policy to run: \(RoutingPolicyKind.allCases.map(\.rawValue).joined(separator: ", ")). Repeat to compare."))
    var policies: [String] = []

    @Option(help: "Replications per policy, in place of the scenario's.")
    var replications: Int?

    @Option(help: "The seed, in place of the scenario's.")
    var seed: UInt64?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @Option(help: "Also write the report as CSV (one row per number) to this file.")
    var csv: String?

    @Option(help: "Also write an HTML report with charts (self-contained) to this file.")
    var html: String?

    func run() async throws {
        var kinds: [RoutingPolicyKind] = []
        for name in policies {
            guard let kind = RoutingPolicyKind(rawValue: name) else {
                throw ValidationError(
                    "unknown policy \(name); expected \(RoutingPolicyKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            kinds.append(kind)
        }
        if let replications, replications < 1 { throw ValidationError("--replications must be at least 1") }

        var scenario: Scenario
        do {
            let sources = try Self.sources(for: files)
            scenario = try Scenario.load(sources, replay: try await Self.replay(for: sources))
        } catch let error as DefinitionError {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        if let seed { scenario.seed = seed }
        if let replications { scenario.replications = replications }
        let simulator: Simulator
        do {
            simulator = try Simulator(scenario: scenario)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(1)
        }
        let showProgress = !json && isatty(STDERR_FILENO) == 1
        let started = ContinuousClock.now
        let report = simulator.run(policies: kinds) { done, total in
            guard showProgress else { return }
            let width = 30
            let filled = width * done / total
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) replications".utf8))
            if done == total { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        }
        for (path, text) in [(csv, report.csv()), (html, report.html())] {
            guard let path else { continue }
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            } catch {
                throw ValidationError("\(path): cannot write the report: \(error.localizedDescription)")
            }
        }
        if json {
            FileHandle.standardOutput.write(try report.json())
            print()
        } else {
            print(report.table(), terminator: "")
            print("\nran in \(started.duration(to: .now).formatted(.units(allowed: [.seconds, .milliseconds], width: .narrow)))")
        }
    }

    /// Reads the history a scenario's `replay` section names, relative to the scenario file: a CSV
    /// file as text, or the `TaskCreated` events of one workspace of a Flowtune event store.
    ///
    /// The store is read here rather than in the simulation module, which does no I/O; the
    /// module turns the events into arrivals itself. (The store has no export of events as
    /// JSON Lines to read instead.)
    static func replay(for sources: [DefinitionSource]) async throws -> ReplayData? {
        guard let scenario = sources.first(where: { Scenario.isScenarioFile($0.text) }),
            let reference = Scenario.replayReference(in: scenario)
        else { return nil }
        let directory = (scenario.file as NSString).deletingLastPathComponent
        func resolve(_ path: String) -> String { path.hasPrefix("/") || directory.isEmpty ? path : "\(directory)/\(path)" }
        switch reference {
        case .csv(let file):
            let path = resolve(file)
            switch ValidateCommand.read(path) {
            case .success(let text): return .csv(DefinitionSource(file: path, text: text))
            case .failure(let reason): throw ValidationError("\(path): \(reason)")
            }
        case .events(let file, let workspace):
            let path = resolve(file)
            guard FileManager.default.fileExists(atPath: path) else { throw ValidationError("\(path): no such event store") }
            let store = try SQLiteEventStore(path: path)
            defer { try? store.close() }
            let name = try await store.chosenWorkspace(workspace, path: path, hint: "replay.workspace")
            let collected = CreatedEvents()
            try await store.replay(name, after: 0) { batch in
                collected.append(batch.compactMap { stored in
                    if case .taskCreated = stored.event.payload { return stored.event }
                    return nil
                })
            }
            return .events(file: path, collected.events)
        }
    }

    /// Reads the files given and the definition files each scenario names, once each.
    static func sources(for paths: [String]) throws -> [DefinitionSource] {
        var sources: [DefinitionSource] = []
        var seen: Set<String> = []
        func add(_ path: String) throws {
            let key = URL(fileURLWithPath: path).standardizedFileURL.path
            guard seen.insert(key).inserted else { return }
            switch ValidateCommand.read(path) {
            case .success(let text): sources.append(DefinitionSource(file: path, text: text))
            case .failure(let reason): throw ValidationError("\(path): \(reason)")
            }
        }
        for path in paths { try add(path) }
        for source in sources where Scenario.isScenarioFile(source.text) {
            let directory = (source.file as NSString).deletingLastPathComponent
            for reference in Scenario.referencedDefinitions(in: source) {
                try add(reference.hasPrefix("/") || directory.isEmpty ? reference : "\(directory)/\(reference)")
            }
        }
        return sources
    }
}

/// Gathers `TaskCreated` events from the store's batches; a reference so that the batch callback
/// can fill it.
private final class CreatedEvents: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Event] = []

    func append(_ events: [Event]) {
        lock.lock()
        stored += events
        lock.unlock()
    }

    var events: [Event] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
