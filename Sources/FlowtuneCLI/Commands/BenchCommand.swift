import ArgumentParser
import Foundation

/// `flowtune bench ...`: the benchmarks behind the figures in Benchmarks/README.md.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure routing latency, lifecycle throughput and restart time.",
        discussion: "Build in release for meaningful figures: swift run -c release flowtune bench routing",
        subcommands: [RoutingBench.self])

    struct RoutingBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "routing", abstract: "Latency of single routing decisions on a large workspace.")

        @Option(help: "Workers in the workspace.") var workers = 1000
        @Option(help: "Queues in the workspace.") var queues = 20
        @Option(help: "Tasks waiting while decisions are timed.") var waiting = 10_000
        @Option(help: "Decisions timed in each direction.") var decisions = 20_000
        @Option(help: "How many times to repeat the measurement; the median run is reported.") var runs = 3

        func run() async throws {
            print("routing: \(workers) workers, \(queues) queues, \(waiting) waiting tasks, \(decisions) decisions per direction")
            var results: [RoutingBenchmark.Result] = []
            for index in 1...runs {
                let result = RoutingBenchmark(
                    workers: workers, queues: queues, waiting: waiting, decisions: decisions, seed: UInt64(index)
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
}
