import ArgumentParser
import Foundation
import FlowtuneCore

/// `flowtune bench ...`: the benchmarks behind the figures in Benchmarks/README.md.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure routing latency, lifecycle throughput and restart time.",
        discussion: "Build in release for meaningful figures: swift run -c release flowtune bench routing",
        subcommands: [RoutingBench.self, LifecycleBench.self, CoreBench.self, RestartBench.self, DecisionBench.self, MiningBench.self, CSVImportBench.self, PlanningBench.self, ClassifierBench.self, AssignmentBench.self])

    struct DecisionBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decisions",
            abstract: "Evaluations per second of a 20-row, 5-input FIRST decision table on one core.")

        @Option(help: "Compiled evaluations per run (a quarter as many traced, a tenth interpreted).")
        var evaluations = 5_000_000
        @Option(help: "How many times to repeat the measurement; the median of each figure is reported.") var runs = 5

        func run() async throws {
            print("decisions: 20-row, 5-input FIRST table, one thread, \(evaluations) evaluations per run")
            var results: [DecisionBenchmark.Result] = []
            for index in 1...runs {
                let result = try DecisionBenchmark(evaluations: evaluations, seed: UInt64(index)).run()
                print(String(format: "  run %d: compiled %.0f/s, with trace %.0f/s, interpreted %.0f/s",
                    index, result.compiled, result.traced, result.interpreted))
                results.append(result)
            }
            func median(_ value: (DecisionBenchmark.Result) -> Double) -> Double {
                results.map(value).sorted()[results.count / 2]
            }
            let histogram = results[0].ruleHistogram.enumerated().map { "\($0.offset + 1):\($0.element)" }.joined(separator: " ")
            print("rows deciding, of 4096 inputs: \(histogram)")
            print(String(format: "median: compiled %.0f evaluations/s, with trace %.0f/s, interpreted %.0f/s",
                median(\.compiled), median(\.traced), median(\.interpreted)))
        }
    }

    struct RoutingBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "routing", abstract: "Latency of single routing decisions on a large workspace.")

        @Option(help: "Workers in the workspace.") var workers = 1000
        @Option(help: "Queues in the workspace.") var queues = 20
        @Option(help: "Tasks waiting while decisions are timed.") var waiting = 10_000
        @Option(help: "Decisions timed in each direction.") var decisions = 20_000
        @Option(help: "How many times to repeat the measurement; the median run is reported.") var runs = 3
        @Option(help: "The routing policy: round-robin, longest-idle, skill-score, predictive or optimal-batch.")
        var policy = RoutingPolicyKind.skillScore.rawValue

        func run() async throws {
            guard let kind = RoutingPolicyKind(rawValue: policy) else {
                throw ValidationError(
                    "unknown routing policy \(policy); expected \(RoutingPolicyKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            print("routing: \(workers) workers, \(queues) queues, \(waiting) waiting tasks, \(decisions) decisions per direction, \(kind.rawValue)")
            var results: [RoutingBenchmark.Result] = []
            for index in 1...runs {
                let result = RoutingBenchmark(
                    workers: workers, queues: queues, waiting: waiting, decisions: decisions, seed: UInt64(index),
                    policy: kind
                ).run()
                print("  run \(index): task→worker \(result.taskToWorker)")
                print("         worker→task \(result.workerToTask)")
                results.append(result)
            }
            let median = results.sorted { $0.taskToWorker.p99 < $1.taskToWorker.p99 }[results.count / 2]
            print(String(format: "median run: task→worker p99 %.1fµs (%.0f candidates scored per decision), worker→task p99 %.1fµs",
                median.taskToWorker.p99, median.candidatesPerDecision, median.workerToTask.p99))
        }
    }

    struct LifecycleBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lifecycles",
            abstract: "Full task lifecycles per second through the engine on SQLite, durably committed.")

        @Option(help: "Lifecycles to run.") var count = 200_000
        @Option(help: "Concurrent clients.") var clients = 64
        @Option(help: "Workers in the workspace.") var workers = 200
        @Option(help: "Tasks each worker holds at once.") var capacity = 1
        @Option(help: "Database file; a fresh temporary file when not given.") var db: String?
        @Option(help: "How many times to repeat the measurement; the median run is reported.") var runs = 3
        @Flag(help: "Print each acknowledged command as it is acknowledged (for crash tests).") var printAcks = false

        func run() async throws {
            print("lifecycles: \(count) × (create+route → accept → complete), \(clients) clients, \(workers) workers × capacity \(capacity), synchronous=FULL")
            var results: [LifecycleBenchmark.Result] = []
            for index in 1...(db == nil ? runs : 1) {
                let path = db ?? FileManager.default.temporaryDirectory
                    .appendingPathComponent("flowtune-bench-\(UUID().uuidString).db").path
                defer {
                    if db == nil {
                        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
                    }
                }
                var benchmark = LifecycleBenchmark(
                    lifecycles: count, clients: clients, workers: workers, capacity: capacity, path: path)
                if printAcks {
                    benchmark.onAcknowledged = { line in
                        // Unbuffered, so a killed process has printed exactly what was acknowledged.
                        FileHandle.standardOutput.write(Data("ack \(line)\n".utf8))
                    }
                }
                let result = try await benchmark.run()
                print(String(format: "  run %d: %.0f lifecycles/s (%.0f events/s) in %.2fs; create→assigned %@",
                    index, result.perSecond, Double(result.events) / result.seconds, result.seconds,
                    result.createToAssigned.description))
                print(String(format: "    history of one task: %.2f ms (the last task), %.2f ms (the first)",
                    result.historyRead.last * 1e3, result.historyRead.first * 1e3))
                results.append(result)
            }
            let median = results.sorted { $0.perSecond < $1.perSecond }[results.count / 2]
            print(String(format: "median run: %.0f lifecycles/s, create→assigned p99 %.0fµs", median.perSecond, median.createToAssigned.p99))
        }
    }

    struct CoreBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "core",
            abstract: "The lifecycles of `bench lifecycles` decided on the core alone, on one thread, without engine or store.")

        @Option(help: "Lifecycles to run.") var count = 200_000
        @Option(help: "Tasks in flight at once.") var inFlight = 1000
        @Option(help: "Workers in the workspace.") var workers = 150
        @Option(help: "Tasks each worker holds at once.") var capacity = 8
        @Option(help: "How many times to repeat the measurement; the median run is reported.") var runs = 3

        func run() async throws {
            print("core: \(count) × (create+route → accept → complete) on WorkspaceState, \(inFlight) in flight, \(workers) workers × capacity \(capacity), one thread")
            var results: [CoreBenchmark.Result] = []
            for index in 1...runs {
                let result = try CoreBenchmark(
                    lifecycles: count, inFlight: inFlight, workers: workers, capacity: capacity
                ).run()
                print(String(format: "  run %d: %.0f lifecycles/s (%.2f µs each); per CPU second of the thread %.0f (%.2f µs each)",
                    index, result.perSecond, 1e6 / result.perSecond, result.perCPUSecond, 1e6 / result.perCPUSecond))
                results.append(result)
            }
            let median = results.sorted { $0.perCPUSecond < $1.perCPUSecond }[results.count / 2]
            print(String(format: "median run: %.0f lifecycles per CPU second (%.2f µs each), %.0f/s wall",
                median.perCPUSecond, 1e6 / median.perCPUSecond, median.perSecond))
        }
    }

    struct RestartBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restart", abstract: "Time to reopen a workspace by folding a large log.")

        @Option(help: "Events in the log.") var events = 1_000_000
        @Option(help: "How many times to reopen; the median is reported.") var runs = 3

        func run() async throws {
            let path = FileManager.default.temporaryDirectory
                .appendingPathComponent("flowtune-restart-\(UUID().uuidString).db").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            let benchmark = RestartBenchmark(events: events, path: path)
            let written = try await benchmark.prepare()
            print("restart: a log of \(written) events (task lifecycles with routing decisions)")
            var times: [Double] = []
            for index in 1...runs {
                let (seconds, version) = try await benchmark.open()
                guard version == written else { throw BenchFailure("reopened at \(version) of \(written) events") }
                print(String(format: "  run %d: ready in %.2fs (%.0f events/s)", index, seconds, Double(written) / seconds))
                times.append(seconds)
            }
            print(String(format: "median: ready in %.2fs", times.sorted()[times.count / 2]))
        }
    }
}
