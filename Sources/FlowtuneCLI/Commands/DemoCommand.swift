import ArgumentParser
import Foundation

/// `flowtune demo`: a support desk at work, served over HTTP, with a live line of its measures.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a support desk with simulated customers and agents against a local server.",
        discussion: """
            Starts the server on 127.0.0.1 (a free port unless --port), defines a support desk \
            with 25 agents, and prints the URL and an admin key. Customers open tickets at a rate \
            that follows a day compressed into --day seconds; agents accept and complete them over \
            the API, some without the evidence a step needs, which sends those tickets to the \
            exception lane. Every few seconds a line shows tasks/s, waiting, exceptions and \
            service level. Stops after --duration seconds, or on Ctrl-C.
            """)

    @Option(help: "Seconds to run (default: until Ctrl-C).") var duration: Double?
    @Option(help: "The SQLite database file (default: a temporary one, removed afterwards).") var db: String?
    @Option(help: "The port (default: a free one).") var port: Int = 0
    @Option(help: "Tickets per second at the busiest time of day.") var peak: Double = 5
    @Option(help: "Seconds in one compressed day.") var day: Double = 120
    @Option(help: "Scales the agents' handling times; below 1 is faster.") var pace: Double = 1
    @Option(help: "Seconds between live lines.") var every: Double = 3
    @Option(help: "Seed of the simulated traffic.") var seed: UInt64 = 2026

    func validate() throws {
        if let duration, duration <= 0 { throw ValidationError("--duration must be positive") }
        guard peak > 0 else { throw ValidationError("--peak must be positive") }
        guard day > 0 else { throw ValidationError("--day must be positive") }
        guard pace > 0 else { throw ValidationError("--pace must be positive") }
        guard every > 0 else { throw ValidationError("--every must be positive") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
    }

    func run() async throws {
        var settings = DemoTraffic.Settings()
        settings.peak = peak
        settings.day = day
        settings.pace = pace
        settings.reportEvery = every
        settings.duration = duration
        settings.seed = seed
        // Written straight to the file handle, so that each line shows at once even into a pipe.
        let run = DemoRun(databasePath: db, port: port, settings: settings, output: { line in
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        })
        _ = try await run.run()
    }
}
