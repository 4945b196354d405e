import ArgumentParser
import FlowtuneCore
import Foundation

/// `flowtune bench assignment`: the optimal-batch assignment on seeded 1,000 × 1,000 matrices
/// against issue 6's target (the exact optimum in ≤ 100 ms), with the matrices written out for
/// `Benchmarks/assignment/scipy_reference.py` to time SciPy's `linear_sum_assignment` on.
struct AssignmentBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assignment",
        abstract: "Exact min-cost assignment of 1,000 tasks to 1,000 workers, and the alternative cost of every pair.",
        discussion: """
            Nine kinds of matrix, --matrices seeds each: uniform costs in [0, 1); a skill/speed \
            model (cost = predicted handling time of the task's type on the worker, about 20% of \
            pairs ineligible); the same model with workers of capacity 2–4 (about 1,000 slots); \
            integer costs in 1...100 and 1...1000 (ties); geometric (Euclidean distances between \
            random points); product (a[task] · b[worker]); Machol–Wien ((task + 1) · (worker + 1)); \
            and sparse (90% ineligible, a hidden permutation always eligible). --kinds picks some. \
            Each matrix is solved --repeats times; the median wall and thread-CPU time are reported. \
            The alternative cost of every assigned pair is timed once per matrix. With \
            --write-matrices DIR the matrices (tasks × slots, float64 .npy, +inf where ineligible) \
            and manifest.json with each optimum are written for the SciPy reference script.
            """)

    @Option(help: "Tasks per matrix.") var tasks = 1000
    @Option(help: "Workers per matrix (capacity 1 unless the kind says otherwise).") var workers = 1000
    @Option(help: "Seeded matrices of each kind.") var matrices = 5
    @Option(help: "Solves timed per matrix.") var repeats = 3
    @Flag(help: "Skip timing the alternative costs (they take longer than the solve).") var skipAlternatives = false
    @Option(parsing: .upToNextOption, help: "Only these kinds of matrix (all when omitted).")
    var kinds: [AssignmentBenchmark.Kind] = []
    @Option(help: "Write each matrix and the optima to this directory for Benchmarks/assignment/scipy_reference.py.")
    var writeMatrices: String?

    func run() async throws {
        if let directory = writeMatrices {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var manifest: [[String: Any]] = []
        print("assignment: \(tasks) tasks, \(matrices) matrices per kind, \(repeats) solves each")
        for kind in kinds.isEmpty ? AssignmentBenchmark.Kind.allCases : kinds {
            var wall: [Double] = []
            var cpu: [Double] = []
            var alternativeTimes: [Double] = []
            for seed in 1...max(1, matrices) {
                let benchmark = AssignmentBenchmark(kind: kind, tasks: tasks, workers: workers, seed: UInt64(seed))
                let problem = benchmark.problem
                var solution: AssignmentSolution?
                for _ in 0..<max(1, repeats) {
                    let started = ContinuousClock.now
                    let cpuStarted = threadCPUNanoseconds()
                    solution = AssignmentSolver.solve(problem)
                    cpu.append(Double(threadCPUNanoseconds() - cpuStarted) * 1e-9)
                    wall.append(seconds(since: started))
                }
                let result = solution!
                var line = String(format: "  %@ seed %d: %d slots, %.1f%% ineligible, %d assigned, optimum %.6f, solve %.1f ms",
                    kind.rawValue, seed, problem.slotCount, benchmark.ineligibleShare * 100, result.assignedCount,
                    result.totalCost, wall.suffix(max(1, repeats)).sorted()[max(1, repeats) / 2] * 1e3)
                if !skipAlternatives {
                    let started = ContinuousClock.now
                    let alternatives = result.alternatives(for: problem)
                    let elapsed = seconds(since: started)
                    alternativeTimes.append(elapsed)
                    let extra = alternatives.filter { $0.lostAssignments == 0 }.map(\.extraCost).sorted()
                    line += String(format: "; alternatives for %d pairs %.0f ms (%.1f µs a pair), median extra cost %.4f",
                        alternatives.count, elapsed * 1e3, elapsed * 1e6 / Double(max(1, alternatives.count)),
                        extra.isEmpty ? 0 : extra[extra.count / 2])
                }
                print(line)
                if let directory = writeMatrices {
                    let file = "\(kind.rawValue)-\(seed).npy"
                    try benchmark.slotMatrix().write(to: URL(fileURLWithPath: directory).appendingPathComponent(file))
                    manifest.append([
                        "kind": kind.rawValue, "seed": seed, "file": file, "rows": problem.taskCount,
                        "columns": problem.slotCount, "assigned": result.assignedCount, "optimum": result.totalCost,
                    ])
                }
            }
            wall.sort()
            cpu.sort()
            var summary = String(format: "  %@: median solve %.1f ms (thread CPU %.1f ms), fastest %.1f ms, slowest %.1f ms over %d solves",
                kind.rawValue, wall[wall.count / 2] * 1e3, cpu[cpu.count / 2] * 1e3, wall[0] * 1e3, wall.last! * 1e3, wall.count)
            if !alternativeTimes.isEmpty {
                alternativeTimes.sort()
                summary += String(format: "; alternatives median %.0f ms", alternativeTimes[alternativeTimes.count / 2] * 1e3)
            }
            print(summary)
        }
        if let directory = writeMatrices {
            let data = try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys])
            try data.write(to: URL(fileURLWithPath: directory).appendingPathComponent("manifest.json"))
            print("wrote \(manifest.count) matrices and manifest.json to \(directory)")
        }
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}

/// One seeded benchmark matrix.
struct AssignmentBenchmark {
    enum Kind: String, CaseIterable, ExpressibleByArgument {
        /// Costs uniform in [0, 1), every pair eligible.
        case uniform
        /// Predicted handling time of the task's type on the worker; ~20% ineligible.
        case skill
        /// The skill model with a third as many workers, each of capacity 2–4.
        case skillCapacity = "skill-capacity"
        /// Integer costs uniform in 1...100: many ties.
        case integer100 = "integer-100"
        /// Integer costs uniform in 1...1000.
        case integer1000 = "integer-1000"
        /// Euclidean distance between a random point per task and one per worker in the unit square.
        case geometric
        /// `a[task] · b[worker]` with both uniform in [1, 100): every assignment pairing them in
        /// opposite order is optimal, and the dual is highly degenerate.
        case product
        /// Machol–Wien: `(task + 1) · (worker + 1)`, integer products with ties everywhere.
        case macholWien = "machol-wien"
        /// 90% of pairs ineligible (+inf), costs uniform in [0, 1000) elsewhere; a hidden random
        /// permutation is always eligible so every task can be placed.
        case sparse
    }

    let kind: Kind
    let problem: AssignmentProblem

    init(kind: Kind, tasks: Int, workers: Int, seed: UInt64) {
        self.kind = kind
        var generator = SeededGenerator(seed: seed &* 0x9E37_79B9 &+ UInt64(Kind.allCases.firstIndex(of: kind)!))
        switch kind {
        case .uniform:
            let costs = (0..<(tasks * workers)).map { _ in Double.random(in: 0..<1, using: &generator) }
            problem = try! AssignmentProblem(taskCount: tasks, workerCount: workers, costs: costs)
        case .skill:
            problem = Self.skillModel(tasks: tasks, workers: workers, capacities: nil, using: &generator)
        case .skillCapacity:
            let count = max(1, workers / 3)
            let capacities = (0..<count).map { _ in Int.random(in: 2...4, using: &generator) }
            problem = Self.skillModel(tasks: tasks, workers: count, capacities: capacities, using: &generator)
        case .integer100, .integer1000:
            let top = kind == .integer100 ? 100 : 1000
            let costs = (0..<(tasks * workers)).map { _ in Double(Int.random(in: 1...top, using: &generator)) }
            problem = try! AssignmentProblem(taskCount: tasks, workerCount: workers, costs: costs)
        case .geometric:
            let points = (0..<(tasks + workers)).map { _ in
                (x: Double.random(in: 0..<1, using: &generator), y: Double.random(in: 0..<1, using: &generator))
            }
            let costs = (0..<(tasks * workers)).map { index in
                let task = points[index / workers], worker = points[tasks + index % workers]
                return ((task.x - worker.x) * (task.x - worker.x) + (task.y - worker.y) * (task.y - worker.y)).squareRoot()
            }
            problem = try! AssignmentProblem(taskCount: tasks, workerCount: workers, costs: costs)
        case .product:
            let a = (0..<tasks).map { _ in Double.random(in: 1..<100, using: &generator) }
            let b = (0..<workers).map { _ in Double.random(in: 1..<100, using: &generator) }
            let costs = (0..<(tasks * workers)).map { a[$0 / workers] * b[$0 % workers] }
            problem = try! AssignmentProblem(taskCount: tasks, workerCount: workers, costs: costs)
        case .macholWien:
            let costs = (0..<(tasks * workers)).map { Double(($0 / workers + 1) * ($0 % workers + 1)) }
            problem = try! AssignmentProblem(taskCount: tasks, workerCount: workers, costs: costs)
        case .sparse:
            let hidden = Array((0..<workers).shuffled(using: &generator).prefix(tasks))
            var costs = (0..<(tasks * workers)).map { _ in
                Double.random(in: 0..<1, using: &generator) < 0.9 ? Double.infinity : Double.random(in: 0..<1000, using: &generator)
            }
            for (task, worker) in hidden.enumerated() where costs[task * workers + worker] == .infinity {
                costs[task * workers + worker] = Double.random(in: 0..<1000, using: &generator)
            }
            problem = try! AssignmentProblem(taskCount: tasks, workerCount: workers, costs: costs)
        }
    }

    /// A support desk: 12 task types with typical handling times from 2 to 20 minutes; each worker
    /// is faster or slower than typical per type (log-normal, σ 0.35) and lacks the skill for a
    /// type with probability 0.2; each task is bigger or smaller than typical (log-normal, σ 0.25).
    /// The cost of a pair is the predicted handling time in seconds.
    static func skillModel(tasks: Int, workers: Int, capacities: [Int]?, using generator: inout SeededGenerator)
        -> AssignmentProblem
    {
        let types = 12
        func normal() -> Double {
            let a = Double.random(in: Double.ulpOfOne..<1, using: &generator)
            let b = Double.random(in: 0..<1, using: &generator)
            return (-2 * log(a)).squareRoot() * cos(2 * .pi * b)
        }
        let typical = (0..<types).map { _ in 120 * pow(10, Double.random(in: 0..<1, using: &generator)) }
        let factor = (0..<(workers * types)).map { _ in
            Double.random(in: 0..<1, using: &generator) < 0.2 ? Double.infinity : exp(0.35 * normal())
        }
        let typeOfTask = (0..<tasks).map { _ in Int.random(in: 0..<types, using: &generator) }
        let size = (0..<tasks).map { _ in exp(0.25 * normal()) }
        var costs = [Double](repeating: 0, count: tasks * workers)
        for task in 0..<tasks {
            let type = typeOfTask[task]
            for worker in 0..<workers {
                costs[task * workers + worker] = typical[type] * size[task] * factor[worker * types + type]
            }
        }
        return try! AssignmentProblem(taskCount: tasks, workerCount: workers, costs: costs, capacities: capacities)
    }

    var ineligibleShare: Double {
        Double(problem.costs.filter { $0 == .infinity }.count) / Double(max(1, problem.costs.count))
    }

    /// The tasks × slots matrix as a NumPy .npy file (version 1.0, little-endian float64, C order).
    func slotMatrix() -> Data {
        let slots = problem.slotCount
        var header = "{'descr': '<f8', 'fortran_order': False, 'shape': (\(problem.taskCount), \(slots)), }"
        // The magic, version and length take 10 bytes; the header ends in a newline at a multiple of 64.
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        data.append(contentsOf: [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)])
        data.append(contentsOf: Array(header.utf8))
        var values = [Double]()
        values.reserveCapacity(problem.taskCount * slots)
        for task in 0..<problem.taskCount {
            for (worker, capacity) in problem.capacities.enumerated() {
                let cost = problem.costs[task * problem.workerCount + worker]
                for _ in 0..<capacity { values.append(cost) }
            }
        }
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        return data
    }
}
