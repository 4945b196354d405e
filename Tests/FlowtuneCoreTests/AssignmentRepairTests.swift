import Foundation
import Testing

@testable import FlowtuneCore

/// The auction-and-repair path of the optimal-batch assignment: against brute force on small
/// instances (called directly, below the size where the solver would choose it), against the
/// dense solve on medium ones of the standard benchmark classes, and the auction's own guarantee.
@Suite("Optimal-batch assignment: auction and repair")
struct AssignmentRepairTests {
    /// Runs `body` on the rows × columns matrix the core sees for `problem`.
    static func withCore<Result>(
        _ problem: AssignmentProblem, _ body: (SlotLayout, UnsafeBufferPointer<Double>) -> Result
    ) -> Result {
        let layout = SlotLayout(problem)
        return layout.withMatrix(problem) { body(layout, $0) }
    }

    /// Every eligible pair's reduced cost is non-negative and every assigned pair's is zero, to
    /// `tolerance` relative to the cost; used slots' potentials at most the threshold, unused at least.
    static func checkCertificate(_ problem: AssignmentProblem, _ solution: AssignmentSolution, _ label: String) {
        let duals = solution.duals
        var used = Set<Int>()
        for task in 0..<problem.taskCount {
            if let slot = solution.slotOfTask[task] { used.insert(slot) }
            for (slot, worker) in duals.workerOfSlot.enumerated() {
                guard let cost = problem.cost(task: task, worker: worker) else { continue }
                let tolerance = 1e-9 * max(1, abs(cost))
                let reduced = cost - duals.taskPotentials[task] - duals.slotPotentials[slot]
                #expect(reduced >= -tolerance, "\(label): task \(task), slot \(slot) reduced cost \(reduced)")
                if solution.slotOfTask[task] == slot {
                    #expect(abs(reduced) <= tolerance, "\(label): assigned pair (\(task), \(slot)) not tight")
                }
            }
        }
        for slot in duals.workerOfSlot.indices {
            let potential = duals.slotPotentials[slot]
            let tolerance = 1e-9 * max(1, abs(potential))
            if used.contains(slot) {
                #expect(potential <= duals.slotThreshold + tolerance, "\(label): used slot \(slot) above the threshold")
            } else {
                #expect(potential >= duals.slotThreshold - tolerance, "\(label): unused slot \(slot) below the threshold")
            }
        }
    }

    @Test("the repair equals brute force on small instances, or declines exactly when not every row fits",
          arguments: AssignmentTests.families)
    func repairMatchesBruteForce(_ family: AssignmentTests.Family) {
        var solved = 0
        for (index, problem) in AssignmentTests.instances(family).enumerated() {
            let best = AssignmentBruteForce.best(problem)
            let rows = min(problem.taskCount, problem.slotCount)
            guard rows >= 2 else { continue }
            // Rows bidding in the auction, and columns bidding (as when rows are worker slots).
            for columnsBid in [false, true] {
                let label = "\(family) #\(index)\(columnsBid ? ", columns bid" : "")"
                let repaired = Self.withCore(problem) { layout, matrix in
                    AssignmentCore.solveRepaired(matrix, rows: layout.rows, columns: layout.columns, columnsBid: columnsBid)
                        .map { ($0, layout) }
                }
                guard let (core, layout) = repaired else {
                    #expect(best.assigned < rows, "\(label): declined although all \(rows) rows fit")
                    continue
                }
                let solution = AssignmentSolution(problem: problem, layout: layout, core: core)
                #expect(solution.assignedCount == best.assigned, "\(label)")
                #expect(AssignmentTests.close(solution.totalCost, best.cost), "\(label): \(solution.totalCost) vs \(best.cost)")
                AssignmentTests.checkDuals(problem, solution, label)
                solved += 1
            }
        }
        #expect(solved > 10)
    }

    /// A medium instance of one of the classes the solver is benchmarked on.
    /// Small instances built like the hard benchmark classes, where every row ranks the columns
    /// alike: `a_i · b_j` with real or small integer factors, and Machol–Wien `(i+1)(j+1)` with
    /// rows and columns shuffled; square and both rectangular shapes, some with forbidden pairs
    /// or capacities.
    static func rankOneInstances(count: Int) -> [(label: String, problem: AssignmentProblem)] {
        var generator = SeededGenerator(seed: 0x5EED_0F_0A55)
        return (0..<count).map { index in
            let tasks = Int.random(in: 2...6, using: &generator)
            let workers = Int.random(in: 2...6, using: &generator)
            let kind = ["product", "integer product", "machol"][index % 3]
            let a: [Double], b: [Double]
            switch kind {
            case "product":
                a = (0..<tasks).map { _ in Double.random(in: 1..<100, using: &generator) }
                b = (0..<workers).map { _ in Double.random(in: 1..<100, using: &generator) }
            case "integer product":
                a = (0..<tasks).map { _ in Double(Int.random(in: 1...4, using: &generator)) }
                b = (0..<workers).map { _ in Double(Int.random(in: 1...4, using: &generator)) }
            default:
                a = (1...tasks).map(Double.init).shuffled(using: &generator)
                b = (1...workers).map(Double.init).shuffled(using: &generator)
            }
            let forbidden = index % 4 == 3 ? 0.25 : 0
            let costs = (0..<(tasks * workers)).map { position -> Double in
                Double.random(in: 0..<1, using: &generator) < forbidden ? .infinity : a[position / workers] * b[position % workers]
            }
            let capacities = index % 5 == 4 ? (0..<workers).map { _ in Int.random(in: 0...2, using: &generator) } : nil
            let problem = try! AssignmentProblem(taskCount: tasks, workerCount: workers, costs: costs, capacities: capacities)
            return ("\(kind) \(tasks)×\(workers) #\(index)", problem)
        }
    }

    @Test("on small product and Machol–Wien costs the repair and the solver equal brute force")
    func rankOneCostsMatchBruteForce() {
        var repairedCount = 0
        for (label, problem) in Self.rankOneInstances(count: 90) {
            let best = AssignmentBruteForce.best(problem)
            let solved = AssignmentSolver.solve(problem)
            #expect(solved.assignedCount == best.assigned, "\(label)")
            #expect(AssignmentTests.close(solved.totalCost, best.cost), "\(label): \(solved.totalCost) vs \(best.cost)")
            AssignmentTests.checkDuals(problem, solved, label)
            let rows = min(problem.taskCount, problem.slotCount)
            guard rows >= 2 else { continue }
            for columnsBid in [false, true] {
                let repaired = Self.withCore(problem) { layout, matrix in
                    AssignmentCore.solveRepaired(matrix, rows: layout.rows, columns: layout.columns, columnsBid: columnsBid)
                        .map { AssignmentSolution(problem: problem, layout: layout, core: $0) }
                }
                guard let repaired else {
                    #expect(best.assigned < rows, "\(label): declined although all \(rows) rows fit")
                    continue
                }
                #expect(repaired.assignedCount == best.assigned, "\(label)")
                #expect(AssignmentTests.close(repaired.totalCost, best.cost), "\(label): \(repaired.totalCost) vs \(best.cost)")
                AssignmentTests.checkDuals(problem, repaired, label)
                repairedCount += 1
            }
        }
        #expect(repairedCount > 100)
    }

    static func instance(_ kind: String, tasks: Int, workers: Int, capacities: [Int]? = nil, seed: UInt64) -> AssignmentProblem {
        var generator = SeededGenerator(seed: seed)
        let count = tasks * workers
        var costs: [Double]
        switch kind {
        case "integer":  // many ties
            costs = (0..<count).map { _ in Double(Int.random(in: 1...10, using: &generator)) }
        case "geometric":
            let points = (0..<(tasks + workers)).map { _ in
                (Double.random(in: 0..<1, using: &generator), Double.random(in: 0..<1, using: &generator))
            }
            costs = (0..<count).map { index in
                let a = points[index / workers], b = points[tasks + index % workers]
                return ((a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1)).squareRoot()
            }
        case "product":  // c = a_i · b_j: every assignment in sorted opposite order is optimal
            let a = (0..<tasks).map { _ in Double.random(in: 1..<100, using: &generator) }
            let b = (0..<workers).map { _ in Double.random(in: 1..<100, using: &generator) }
            costs = (0..<count).map { a[$0 / workers] * b[$0 % workers] }
        case "machol":  // c = (i+1)(j+1), all ties broken only by position
            costs = (0..<count).map { Double(($0 / workers + 1) * ($0 % workers + 1)) }
        case "integer product":  // a_i · b_j with a and b small integers: products and ties at once
            let a = (0..<tasks).map { _ in Double(Int.random(in: 1...20, using: &generator)) }
            let b = (0..<workers).map { _ in Double(Int.random(in: 1...20, using: &generator)) }
            costs = (0..<count).map { a[$0 / workers] * b[$0 % workers] }
        case "types":  // a few task types, worker speed per type, task size, a fifth ineligible
            let typical = (0..<4).map { _ in Double.random(in: 100..<1000, using: &generator) }
            let factor = (0..<(workers * 4)).map { _ in
                Double.random(in: 0..<1, using: &generator) < 0.2 ? Double.infinity : Double.random(in: 0.6..<1.6, using: &generator)
            }
            let type = (0..<tasks).map { _ in Int.random(in: 0..<4, using: &generator) }
            let size = (0..<tasks).map { _ in Double.random(in: 0.7..<1.4, using: &generator) }
            costs = (0..<count).map { index in
                let task = index / workers, worker = index % workers
                return typical[type[task]] * size[task] * factor[worker * 4 + type[task]]
            }
        default:  // "sparse": 85% ineligible
            costs = (0..<count).map { _ in
                Double.random(in: 0..<1, using: &generator) < 0.85 ? .infinity : Double.random(in: 0..<100, using: &generator)
            }
        }
        return try! AssignmentProblem(taskCount: tasks, workerCount: workers, costs: costs, capacities: capacities)
    }

    @Test("the repair gives the dense solve's optimum on medium instances of every benchmark class",
          arguments: ["integer", "geometric", "product", "integer product", "machol", "types", "sparse"])
    func repairMatchesDenseSolve(_ kind: String) {
        let shapes: [(tasks: Int, workers: Int, capacities: [Int]?)] = [
            (60, 60, nil), (57, 60, nil), (60, 57, nil),
            (70, 25, (0..<25).map { 2 + $0 % 3 }), (66, 22, (0..<22).map { 2 + $0 % 3 }),
        ]
        for (index, shape) in shapes.enumerated() {
            let problem = Self.instance(kind, tasks: shape.tasks, workers: shape.workers, capacities: shape.capacities, seed: UInt64(index + 1))
            let label = "\(kind) \(shape.tasks)×\(shape.workers) #\(index)"
            let (repaired, columnsBidding, dense) = Self.withCore(problem) { layout, matrix in
                (AssignmentCore.solveRepaired(matrix, rows: layout.rows, columns: layout.columns).map {
                    AssignmentSolution(problem: problem, layout: layout, core: $0)
                }, AssignmentCore.solveRepaired(matrix, rows: layout.rows, columns: layout.columns, columnsBid: true).map {
                    AssignmentSolution(problem: problem, layout: layout, core: $0)
                }, AssignmentSolution(problem: problem, layout: layout, core: AssignmentCore.augment(matrix, rows: layout.rows, columns: layout.columns)))
            }
            if let columnsBidding {
                #expect(columnsBidding.assignedCount == dense.assignedCount, "\(label), columns bid")
                #expect(AssignmentTests.close(columnsBidding.totalCost, dense.totalCost), "\(label), columns bid")
                Self.checkCertificate(problem, columnsBidding, "\(label), columns bid")
            } else {
                #expect(dense.assignedCount < min(problem.taskCount, problem.slotCount), "\(label), columns bid: declined")
            }
            let solved = AssignmentSolver.solve(problem)
            #expect(solved.assignedCount == dense.assignedCount, "\(label)")
            #expect(AssignmentTests.close(solved.totalCost, dense.totalCost), "\(label): \(solved.totalCost) vs \(dense.totalCost)")
            Self.checkCertificate(problem, solved, label)
            // Declining is allowed only when not every row fits.
            guard let repaired else {
                #expect(dense.assignedCount < min(problem.taskCount, problem.slotCount), "\(label): declined")
                continue
            }
            #expect(repaired.assignedCount == dense.assignedCount, "\(label)")
            #expect(AssignmentTests.close(repaired.totalCost, dense.totalCost), "\(label): \(repaired.totalCost) vs \(dense.totalCost)")
            Self.checkCertificate(problem, repaired, label)
        }
    }

    @Test("a completed auction's matching is within n·ε of the optimum, and optimal on integer costs")
    func auctionIsNearlyOptimal() {
        for seed in 1...6 {
            let n = 50
            let problem = Self.instance(seed % 2 == 0 ? "geometric" : "integer", tasks: n, workers: n, seed: UInt64(seed))
            var v = [Double](repeating: 0, count: n)
            var col4row = [Int](repeating: -1, count: n)
            var row4col = [Int](repeating: -1, count: n)
            let completed = problem.costs.withUnsafeBufferPointer { costs in
                v.withUnsafeMutableBufferPointer { v in
                    col4row.withUnsafeMutableBufferPointer { col4row in
                        row4col.withUnsafeMutableBufferPointer { row4col in
                            AssignmentCore.auction(
                                costs.baseAddress!, rows: n, columns: n, workBudget: 1000 * n * n,
                                provenBudget: 1000 * n * n, v: v, col4row: col4row, row4col: row4col)
                        }
                    }
                }
            }
            #expect(completed, "seed \(seed)")
            #expect(Set(col4row).count == n && !col4row.contains(-1), "seed \(seed): not a complete matching")
            let total = (0..<n).reduce(0.0) { $0 + problem.costs[$1 * n + col4row[$1]] }
            let optimum = AssignmentSolver.solve(problem).totalCost
            let range = (problem.costs.max() ?? 0) - (problem.costs.min() ?? 0)
            #expect(total >= optimum - 1e-9 * max(1, optimum), "seed \(seed)")
            #expect(total <= optimum + Double(n) * range * 1e-9 + 1e-9 * max(1, optimum), "seed \(seed): \(total) vs \(optimum)")
            if seed % 2 == 1 {
                // Integer costs: the auction stops at ε < 1/n, where ε-complementary slackness
                // leaves less than 1 between its total and the optimum, so none.
                #expect(total == optimum, "seed \(seed): integer costs, \(total) vs \(optimum)")
            }
            for (row, column) in col4row.enumerated() where column >= 0 { #expect(row4col[column] == row) }
        }
    }
}
