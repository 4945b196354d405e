import AsyncHTTPClient
import FlowtuneCore
import FlowtuneServer
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Drives full task lifecycles over the HTTP API: N clients, each creating a task, accepting its
/// offer as the worker it was offered to, and completing every step with evidence until the task
/// finishes, then starting the next. Bounded by a count of lifecycles and by a duration.
struct LoadGenerator: Sendable {
    /// What to run and how hard.
    struct Settings: Sendable {
        var clients = 16
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
    }

    /// What a run measured.
    struct Report: Sendable, CustomStringConvertible {
        var lifecycles: Int
        var abandoned: Int
        var failures: Int
        var lastFailure: String?
        var seconds: Double
        /// Create sent → offer accepted, in nanoseconds, one per lifecycle.
        var createToAssigned: LatencySummary

        var rate: Double { seconds > 0 ? Double(lifecycles) / seconds : 0 }

        var description: String {
            var text = String(
                format: "%d lifecycles in %.2fs: %.0f lifecycles/s; create→assigned p50 %.2f ms, p99 %.2f ms",
                lifecycles, seconds, rate, createToAssigned.p50 / 1000, createToAssigned.p99 / 1000)
            if abandoned > 0 { text += "; \(abandoned) abandoned waiting for an offer" }
            if failures > 0 { text += "; \(failures) failed requests (last: \(lastFailure ?? "?"))" }
            return text
        }
    }

    let api: APIClient
    let key: String
    let settings: Settings
    /// The evidence sent with every completion, as JSON text.
    let evidenceJSON: String
    /// The body of every creation.
    let createBody: String

    init(api: APIClient, key: String, settings: Settings) {
        self.api = api
        self.key = key
        self.settings = settings
        evidenceJSON = jsonText(.object(settings.evidence))
        var task: [String: JSONValue] = ["workflow": .string(settings.workflow)]
        if let channel = settings.channel { task["channel"] = .string(channel) }
        createBody = jsonText(.object(task))
    }

    /// Runs the clients until `count` lifecycles have started or `duration` has passed.
    func run() async -> Report {
        let started = Locked(0)
        let results = Locked(Tally())
        // Steps whose completion needs an outcome named; learned from the server's answer.
        let needsOutcome = Locked<Set<String>>([])
        let start = ContinuousClock.now
        let deadline = start + .seconds(settings.duration)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<settings.clients {
                group.addTask {
                    while ContinuousClock.now < deadline, !Task.isCancelled {
                        let claimed = started.withLock { count -> Bool in
                            guard count < settings.count else { return false }
                            count += 1
                            return true
                        }
                        guard claimed else { return }
                        let outcome = await lifecycle(deadline: deadline, needsOutcome: needsOutcome)
                        results.withLock { $0.add(outcome) }
                    }
                }
            }
        }
        let elapsed = ContinuousClock.now - start
        let tally = results.withLock { $0 }
        return Report(
            lifecycles: tally.completed, abandoned: tally.abandoned, failures: tally.failures, lastFailure: tally.lastFailure,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            createToAssigned: LatencySummary(nanoseconds: tally.latencies))
    }

    private struct Tally {
        var completed = 0
        var abandoned = 0
        var failures = 0
        var lastFailure: String?
        var latencies: [UInt64] = []

        mutating func add(_ outcome: Outcome) {
            switch outcome {
            case .completed(let latency):
                completed += 1
                latencies.append(latency)
            case .abandoned: abandoned += 1
            case .failed(let reason):
                failures += 1
                lastFailure = reason
            }
        }
    }

    private enum Outcome {
        case completed(createToAssigned: UInt64)
        case abandoned
        case failed(String)
    }

    private func lifecycle(deadline: ContinuousClock.Instant, needsOutcome: Locked<Set<String>>) async -> Outcome {
        do {
            let began = monotonicNanoseconds()
            var answer = try await api.sendReading(.POST, "/v1/tasks", key: key, json: createBody)
            guard answer.isSuccess, let id = answer.json["id"]?.stringValue else {
                return .failed("create: \(answer.status) \(answer.json["detail"]?.stringValue ?? "")")
            }
            var assignedAfter: UInt64?
            // A workflow has a handful of steps; the bound stops a looping workflow.
            for _ in 0..<16 {
                if answer.json["state"]?.stringValue == "completed" {
                    return .completed(createToAssigned: assignedAfter ?? 0)
                }
                if answer.json["state"]?.stringValue != "offered" {
                    answer = try await awaitOffer(id, deadline: deadline)
                    guard answer.json["state"]?.stringValue == "offered" else { return .abandoned }
                }
                guard let worker = answer.json["worker"]?.stringValue, let step = answer.json["step"]?.stringValue else {
                    return .failed("task \(id) offered without a worker")
                }
                let workerJSON = "{\"worker\":\(Self.quoted(worker))}"
                let accepted = try await api.sendReading(.POST, "/v1/tasks/\(id)/accept", key: key, json: workerJSON)
                guard accepted.isSuccess else { return .failed("accept: \(accepted.status) \(accepted.json["detail"]?.stringValue ?? "")") }
                if assignedAfter == nil { assignedAfter = monotonicNanoseconds() - began }
                var withOutcome = needsOutcome.withLock({ $0.contains(step) })
                answer = try await api.sendReading(
                    .POST, "/v1/tasks/\(id)/complete", key: key, json: completeBody(worker: worker, outcome: withOutcome))
                if answer.status == 422, answer.json["field"]?.stringValue == "outcome", !withOutcome {
                    needsOutcome.withLock { _ = $0.insert(step) }
                    withOutcome = true
                    answer = try await api.sendReading(
                        .POST, "/v1/tasks/\(id)/complete", key: key, json: completeBody(worker: worker, outcome: true))
                }
                guard answer.isSuccess else { return .failed("complete: \(answer.status) \(answer.json["detail"]?.stringValue ?? "")") }
            }
            return .failed("task \(id) did not finish within 16 steps")
        } catch {
            return .failed("\(error)")
        }
    }

    // MARK: Bodies
    //
    // Written once or spliced from strings, and answers read with the server's fast JSON reader:
    // the load generator shares the server's cores, so what it spends is taken from the server.

    private func completeBody(worker: String, outcome: Bool) -> String {
        var body = "{\"evidence\":\(evidenceJSON)"
        if outcome { body += ",\"outcome\":\(Self.quoted(settings.outcome))" }
        return body + ",\"worker\":\(Self.quoted(worker))}"
    }

    /// A string as JSON: ids and names as they come, through the encoder only when they need escaping.
    static func quoted(_ text: String) -> String {
        let plain = text.utf8.allSatisfy { $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
        return plain ? "\"\(text)\"" : jsonText(.string(text))
    }

    /// Polls a queued task until it is offered, for at most `offerWait` seconds.
    private func awaitOffer(_ id: String, deadline: ContinuousClock.Instant) async throws -> APIClient.Answer {
        let until = min(deadline, .now + .seconds(settings.offerWait))
        while true {
            let answer = try await api.sendReading(.GET, "/v1/tasks/\(id)", key: key)
            let task = answer.json["task"] ?? .null
            if task["state"]?.stringValue == "offered" || ContinuousClock.now >= until {
                return APIClient.Answer(status: answer.status, json: task)
            }
            try await Task.sleep(for: .milliseconds(2))
        }
    }
}

/// A value shared between concurrent clients behind a lock; a class so closures can share it.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<Result: Sendable>(_ body: (inout Value) -> Result) -> Result {
        mutex.withLock { body(&$0) }
    }
}

extension APIClient {
    /// ``send(_:_:key:json:)``, reading the answer with the server's fast JSON reader (and the
    /// decoder for whatever it leaves).
    func sendReading(_ method: HTTPMethod, _ path: String, key: String, json body: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 16 << 20)
        let json: JSONValue
        if buffer.readableBytes == 0 {
            json = .null
        } else if let fast = FastJSON.parse(buffer) {
            json = fast
        } else {
            json = (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))) ?? .null
        }
        return Answer(status: Int(response.status.code), json: json)
    }
}
