import FlowtuneCore
import FlowtuneServer
import Foundation
import Synchronization

/// Drives full task lifecycles over the HTTP API: N clients, each creating a task, accepting its
/// offer as the worker it was offered to, and completing every step with evidence until the task
/// finishes, then starting the next. Bounded by a count of lifecycles and by a duration.
///
/// The clients are ``LifecycleDriver``'s: keep-alive connections on one thread, requests written
/// as bytes and answers read for the few fields needed, because the load generator shares the
/// server's cores and whatever it spends is taken from the server it measures.
struct LoadGenerator: Sendable {
    /// What to run and how hard.
    struct Settings: Sendable {
        var clients = 16
        /// Lifecycles started per second at fixed times (an open loop); nil for a closed loop.
        var rate: Double?
        var count = 10_000
        var duration = 30.0
        var workflow = "support"
        /// The channel of the tasks; the server's default channel when nil.
        var channel: String?
        /// Evidence sent with every completion; extra fields are ignored by steps that do not ask.
        var evidence: [String: JSONValue] = [
            "category": "loadgen", "resolution": "handled by loadgen", "root_cause": "synthetic load",
        ]
        /// The outcome named for steps with several next steps.
        var outcome = "solved"
        /// The longest a task may wait in a queue for an offer before the lifecycle is abandoned.
        var offerWait = 5.0
        /// Whether the report keeps every completed lifecycle's timings (``Report/timeline``).
        var keepsTimeline = false
    }

    /// What a run measured.
    struct Report: Sendable, CustomStringConvertible {
        var lifecycles: Int
        var abandoned: Int
        var failures: Int
        var lastFailure: String?
        var seconds: Double
        /// The fixed rate asked for, if any.
        var target: Double?
        var started: Int
        /// Lifecycles started more than a millisecond after they were due (fixed rate only).
        var late: Int
        /// Lifecycles due that were still waiting for a connection at the deadline, never started.
        var unstarted: Int
        /// The longest wait past a due time, in nanoseconds.
        var longestStartDelay: UInt64
        /// Create sent → the answer showing the task offered to a worker, in nanoseconds, one per lifecycle.
        var createToAssigned: LatencySummary
        /// Create sent → the offer accepted.
        var createToAccepted: LatencySummary
        /// One round trip of each request.
        var create: LatencySummary
        var accept: LatencySummary
        var complete: LatencySummary
        /// With ``Settings/keepsTimeline``: every completed lifecycle, placed in the run.
        var timeline: [LifecycleDriver.LifecycleSample] = []
        /// When the run's clock started, in seconds since 1970.
        var startedAt = 0.0

        var rate: Double { seconds > 0 ? Double(lifecycles) / seconds : 0 }

        var description: String {
            var text = String(
                format: "%d lifecycles in %.2fs: %.0f lifecycles/s; create→assigned p50 %.2f ms, p99 %.2f ms",
                lifecycles, seconds, rate, createToAssigned.p50 / 1000, createToAssigned.p99 / 1000)
            if let target {
                text += String(
                    format: "\n  fixed rate %.0f/s: %d started, %d late (over 1 ms past due; longest %.2f ms), %d due but never started; latencies from the due time",
                    target, started, late, Double(longestStartDelay) / 1e6, unstarted)
            }
            if abandoned > 0 { text += "; \(abandoned) abandoned waiting for an offer" }
            if failures > 0 { text += "; \(failures) failed (last: \(lastFailure ?? "?"))" }
            func line(_ name: String, _ summary: LatencySummary) -> String {
                String(format: "\n  %@ p50 %.2f ms, p99 %.2f ms", name, summary.p50 / 1000, summary.p99 / 1000)
            }
            text += line("create→accepted", createToAccepted)
            text += line("create round trip", create)
            text += line("accept round trip", accept)
            text += line("complete round trip", complete)
            return text
        }
    }

    /// The server, such as `http://127.0.0.1:8080`.
    let url: String
    let key: String
    let settings: Settings

    init(url: String, key: String, settings: Settings) {
        self.url = url
        self.key = key
        self.settings = settings
    }

    /// A generator for the server `api` talks to; its own connections are not used.
    init(api: APIClient, key: String, settings: Settings) {
        self.init(url: api.base, key: key, settings: settings)
    }

    /// A problem with the server's address: not plain HTTP, or not on this machine.
    struct AddressProblem: Error, CustomStringConvertible {
        var description: String
    }

    /// Host and port of `url`, which must be `http://HOST[:PORT][/]`.
    static func address(_ url: String) throws -> (host: String, port: Int) {
        guard let components = URLComponents(string: url), components.scheme == "http", let host = components.host,
            !host.isEmpty, components.path.isEmpty || components.path == "/"
        else {
            throw AddressProblem(description: "--url must be http://HOST[:PORT] on this machine, such as http://127.0.0.1:8080")
        }
        return (host, components.port ?? 80)
    }

    /// Runs the clients until `count` lifecycles have started or `duration` has passed. A server
    /// that cannot be reached is reported as a failure, with no lifecycles.
    func run() async -> Report {
        do {
            return try await drive()
        } catch {
            let none = LatencySummary(nanoseconds: [])
            return Report(
                lifecycles: 0, abandoned: 0, failures: 1, lastFailure: "\(error)", seconds: 0, target: settings.rate,
                started: 0, late: 0, unstarted: 0, longestStartDelay: 0, createToAssigned: none,
                createToAccepted: none, create: none, accept: none, complete: none)
        }
    }

    private func drive() async throws -> Report {
        let (host, port) = try Self.address(url)
        var driver = LifecycleDriver.Settings(host: host, port: port, key: key)
        driver.clients = settings.clients
        driver.rate = settings.rate
        driver.count = settings.count
        driver.duration = settings.duration
        driver.workflow = settings.workflow
        driver.channel = settings.channel
        driver.evidence = jsonText(.object(settings.evidence))
        driver.outcome = settings.outcome
        driver.offerWait = settings.offerWait
        driver.keepsTimeline = settings.keepsTimeline
        let report = try await LifecycleDriver.run(driver)
        return Report(
            lifecycles: report.lifecycles, abandoned: report.abandoned, failures: report.failures,
            lastFailure: report.lastFailure, seconds: report.seconds, target: settings.rate, started: report.started,
            late: report.late, unstarted: report.unstarted, longestStartDelay: report.longestStartDelay,
            createToAssigned: LatencySummary(nanoseconds: report.createToAssigned),
            createToAccepted: LatencySummary(nanoseconds: report.createToAccepted),
            create: LatencySummary(nanoseconds: report.create), accept: LatencySummary(nanoseconds: report.accept),
            complete: LatencySummary(nanoseconds: report.complete), timeline: report.timeline,
            startedAt: report.startedAt)
    }
}

/// A value shared between concurrent tasks behind a lock; a class so closures can share it.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}
