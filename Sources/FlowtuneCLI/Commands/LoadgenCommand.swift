import ArgumentParser
import FlowtuneCore
import Foundation

/// `flowtune loadgen`: full task lifecycles against a running server, for throughput and latency.
struct LoadgenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadgen",
        abstract: "Drive full task lifecycles against a running server and report the rate and latency.",
        discussion: """
            Each of --clients clients creates a task, accepts its offer as the offered worker and \
            completes each step with --evidence until the task finishes, then starts the next; \
            at most --count lifecycles, for at most --duration seconds. The key must be an admin \
            key (it creates tasks and acts for workers). The server must be on this machine: the \
            clients share one thread and keep-alive connections so that they take little of the \
            cores the server runs on. Prints lifecycles/s, create→assigned p50 and p99 (create \
            sent to the answer that shows the task offered), and each request's round trip.

            With --rate the load is an open loop: lifecycles are due at evenly spread times, R a \
            second, each started on a free connection (up to --clients), and latencies are \
            measured from the due time, so a server that falls behind is measured at the load \
            asked for rather than at the load it can keep up with. Prints how many started late.
            """)

    @Option(help: "The server on this machine, such as http://127.0.0.1:8080.") var url: String
    @Option(help: "An admin API key.") var key: String
    @Option(help: "Concurrent clients; with --rate, the most connections to use.") var clients: Int = 16
    @Option(help: "Lifecycles to start per second, at fixed times (default: each client starts its next when the last ends).")
    var rate: Double?
    @Option(help: "The most lifecycles to start.") var count: Int = 10_000
    @Option(help: "The most seconds to run.") var duration: Double = 30
    @Option(help: "The workflow of the tasks.") var workflow: String = "support"
    @Option(help: "The channel of the tasks (default: the server's default channel).") var channel: String?
    @Option(help: "Evidence for every completion, as a JSON object.")
    var evidence: String = #"{"category": "loadgen", "resolution": "handled by loadgen", "root_cause": "synthetic load"}"#
    @Option(help: "The outcome named at steps with several next steps.") var outcome: String = "solved"
    @Option(help: ArgumentHelp(
        "Write every completed lifecycle's timings to this CSV file, to place a tail in time.",
        discussion: "Columns: due_ms (since the run began; the first line gives its wall-clock start), start_delay_ms, create_round_trip_ms, create_to_assigned_ms, completed_ms (the last three from the due time, but the round trip)."))
    var timeline: String?

    func validate() throws {
        guard (1...4096).contains(clients) else { throw ValidationError("--clients must be 1 to 4096") }
        guard count > 0 else { throw ValidationError("--count must be positive") }
        if let rate, !(rate > 0 && rate.isFinite) { throw ValidationError("--rate must be positive") }
        guard duration > 0 else { throw ValidationError("--duration must be positive") }
        do { _ = try LoadGenerator.address(url) } catch { throw ValidationError("\(error)") }
    }

    func run() async throws {
        guard case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(evidence.utf8)) else {
            throw ValidationError("--evidence must be a JSON object")
        }
        var settings = LoadGenerator.Settings()
        settings.clients = clients
        settings.rate = rate
        settings.count = count
        settings.duration = duration
        settings.workflow = workflow
        settings.channel = channel
        settings.evidence = fields
        settings.outcome = outcome
        settings.keepsTimeline = timeline != nil
        let report = await LoadGenerator(url: url, key: key, settings: settings).run()
        print(report)
        if let timeline { try Self.write(report, timelineTo: timeline) }
        if report.lifecycles == 0 { throw ExitCode(1) }
    }

    /// Writes the run's timeline as CSV: one line per completed lifecycle, in milliseconds.
    static func write(_ report: LoadGenerator.Report, timelineTo path: String) throws {
        var text = String(format: "# started at %.6f s since 1970\n", report.startedAt)
        text += "due_ms,start_delay_ms,create_round_trip_ms,create_to_assigned_ms,completed_ms\n"
        func ms(_ nanoseconds: UInt64) -> String { String(format: "%.3f", Double(nanoseconds) / 1e6) }
        for sample in report.timeline.sorted(by: { $0.due < $1.due }) {
            text += "\(ms(sample.due)),\(ms(sample.startDelay)),\(ms(sample.createRoundTrip)),"
            text += "\(ms(sample.createToAssigned)),\(ms(sample.completed))\n"
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        } catch {
            throw ValidationError("cannot write --timeline \(path): \(error.localizedDescription)")
        }
    }
}
