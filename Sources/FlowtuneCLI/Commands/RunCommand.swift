import ArgumentParser
import FlowtuneCore
import FlowtuneEngine
import FlowtuneStore
import Foundation

/// `flowtune run`: loads a workspace definition and a task file, processes the tasks through the
/// engine on the embedded store, and prints assignments, exceptions and metrics.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Process a file of tasks through a workspace and report what happened.",
        discussion: """
            Tasks arrive at their times on a virtual clock; workers accept offers after --accept-after \
            and work each step for the task's `handle` time (or --handle). Every event is committed \
            to the SQLite store, in a new workspace per run.
            """)

    @Argument(help: "YAML files defining queues, workers and workflows.")
    var definitions: [String]

    @Option(help: "Tasks to process: a .jsonl or .csv file.")
    var tasks: String

    @Option(help: "The SQLite database file.")
    var db = "flowtune.db"

    @Option(help: "Workspace to create; run-N (the next free number) when not given.")
    var workspace: String?

    @Option(help: "How long a worker takes to accept an offer.")
    var acceptAfter = "10s"

    @Option(help: "How long a step takes when the task file does not say.")
    var handle = "8m"

    @Option(help: "How many assignments to list.")
    var show = 15

    func run() async throws {
        guard let acceptDelay = DurationText.seconds(from: acceptAfter) else {
            throw ValidationError("--accept-after must be a duration such as 10s")
        }
        guard let handleTime = DurationText.seconds(from: handle), handleTime > 0 else {
            throw ValidationError("--handle must be a duration such as 8m")
        }
        let definition = try loadDefinition()
        let file: TaskFile
        do {
            file = try TaskFile.read(path: tasks)
        } catch let problem as TaskFile.Problem {
            FileHandle.standardError.write(Data("\(problem)\n".utf8))
            throw ExitCode(1)
        }

        let store = try SQLiteEventStore(path: db)
        let existing = try await store.workspaces()
        let name = WorkspaceID(workspace ?? Self.nextRunName(existing))
        guard try await store.version(of: name) == 0 else {
            throw ValidationError("workspace \(name) already has events in \(db); choose another --workspace")
        }
        let start = file.start ?? Date(timeIntervalSince1970: 1_767_603_600)  // 2026-01-05 09:00 UTC
        let clock = ManualClock(start: start)
        let engine = try await WorkspaceEngine.open(
            name, store: store, clock: clock)
        for command in definition.commands {
            try await engine.submit(command, actor: "definition")
        }
        let report = try await Runner(acceptAfter: acceptDelay, defaultHandle: handleTime).run(
            file, engine: engine, clock: clock)
        let state = await engine.currentState
        let committed = await engine.committedVersion
        // The measures come from the log as committed, not from memory: what the report shows
        // is what a restart would see.
        let log = LogCollector()
        try await store.replay(name, after: 0) { batch in log.append(batch.map(\.event)) }
        try store.close()

        RunReport(
            workspace: name, db: db, definition: definition, file: file, tasksPath: tasks, report: report,
            log: log.events, state: state, committed: committed, show: show
        ).print()
    }

    private func loadDefinition() throws -> WorkspaceDefinition {
        do {
            return try ValidateCommand.loadDefinition(paths: definitions)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
    }

    static func nextRunName(_ existing: [WorkspaceID]) -> String {
        let numbers = existing.compactMap { id -> Int? in
            id.rawValue.hasPrefix("run-") ? Int(id.rawValue.dropFirst(4)) : nil
        }
        return "run-\((numbers.max() ?? 0) + 1)"
    }
}

/// Gathers replayed events; a reference so that the store's batch callback can fill it.
final class LogCollector: @unchecked Sendable {
    private(set) var events: [Event] = []

    func append(_ batch: [Event]) { events += batch }
}
