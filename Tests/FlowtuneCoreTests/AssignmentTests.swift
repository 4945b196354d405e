import Testing

@testable import FlowtuneCore

/// The optimal-batch assignment against brute force on small seeded instances, its duals against
/// the optimality conditions, and the alternative costs against brute force with the pair forbidden.
@Suite("Optimal-batch assignment")
struct AssignmentTests {
    /// One family of random instances: sizes, share of ineligible pairs, costs, capacities.
    struct Family: CustomStringConvertible {
        var name: String
        var tasks: ClosedRange<Int>
        var workers: ClosedRange<Int>
        var forbidden: Double
        var integer: Bool
        var capacities: ClosedRange<Int> = 1...1
        var description: String { name }
    }

    static let families: [Family] = [
        Family(name: "square", tasks: 1...5, workers: 1...5, forbidden: 0, integer: false),
        Family(name: "more workers than tasks", tasks: 1...3, workers: 4...6, forbidden: 0, integer: false),
        Family(name: "more tasks than workers", tasks: 4...6, workers: 1...3, forbidden: 0, integer: false),
        Family(name: "forbidden pairs", tasks: 2...5, workers: 2...5, forbidden: 0.3, integer: false),
        Family(name: "sparse eligibility, rows that cannot all be placed", tasks: 2...5, workers: 2...5, forbidden: 0.7, integer: false),
        Family(name: "ties", tasks: 2...5, workers: 2...5, forbidden: 0.2, integer: true),
        Family(name: "capacities", tasks: 2...6, workers: 1...4, forbidden: 0.25, integer: false, capacities: 0...3),
        Family(name: "capacities with ties", tasks: 2...6, workers: 1...4, forbidden: 0.4, integer: true, capacities: 0...2),
    ]

    static func instances(_ family: Family, count: Int = 60) -> [AssignmentProblem] {
        var generator = SeededGenerator(seed: UInt64(family.name.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        return (0..<count).map { _ in
            AssignmentBruteForce.randomProblem(
                tasks: Int.random(in: family.tasks, using: &generator),
                workers: Int.random(in: family.workers, using: &generator),
                forbidden: family.forbidden, integer: family.integer, capacities: family.capacities,
                using: &generator)
        }
    }

    static func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }

    @Test("the optimum equals brute force: most tasks assigned, then least cost", arguments: families)
    func optimumMatchesBruteForce(_ family: Family) {
        for (index, problem) in Self.instances(family).enumerated() {
            let solution = AssignmentSolver.solve(problem)
            let best = AssignmentBruteForce.best(problem)
            #expect(solution.assignedCount == best.assigned, "\(family) #\(index)")
            #expect(Self.close(solution.totalCost, best.cost), "\(family) #\(index): \(solution.totalCost) vs \(best.cost)")
            // The assignment reported is a real one: eligible pairs, capacity kept, cost summed.
            var load = [Int](repeating: 0, count: problem.workerCount)
            var cost = 0.0
            for (task, worker) in solution.workerOfTask.enumerated() {
                guard let worker else {
                    #expect(solution.unassignedTasks.contains(task))
                    continue
                }
                load[worker] += 1
                #expect(problem.cost(task: task, worker: worker) != nil, "\(family) #\(index): ineligible pair used")
                cost += problem.cost(task: task, worker: worker) ?? .infinity
            }
            #expect(zip(load, problem.capacities).allSatisfy { $0 <= $1 }, "\(family) #\(index): over capacity")
            #expect(cost == solution.totalCost)
        }
    }

    @Test("the duals satisfy complementary slackness and the thresholds", arguments: families)
    func dualsCertifyTheOptimum(_ family: Family) {
        for (index, problem) in Self.instances(family).enumerated() {
            Self.checkDuals(problem, AssignmentSolver.solve(problem), "\(family) #\(index)")
        }
    }

    @Test("the duals certify larger instances too: 120 tasks × 90 workers of capacity 1–2, 60% ineligible")
    func dualsOnLargerInstances() {
        var generator = SeededGenerator(seed: 42)
        for index in 0..<4 {
            let problem = AssignmentBruteForce.randomProblem(
                tasks: 120 + 40 * (index % 2), workers: 90, forbidden: 0.6 + 0.3 * Double(index / 2),
                integer: index == 3, capacities: 1...2, using: &generator)
            let solution = AssignmentSolver.solve(problem)
            Self.checkDuals(problem, solution, "large #\(index)")
            #expect(solution.assignedCount <= min(problem.taskCount, problem.slotCount))
        }
    }

    @Test("from 32 rows up the candidate-pair solve gives the dense solve's optimum, or hands over to it")
    func candidatesAgreeWithDenseSolve() {
        var generator = SeededGenerator(seed: 7)
        for index in 0..<24 {
            let tasks = Int.random(in: 32...70, using: &generator)
            let problem = AssignmentBruteForce.randomProblem(
                tasks: tasks, workers: tasks + Int.random(in: 0...20, using: &generator),
                forbidden: [0, 0.2, 0.5][index % 3], integer: index % 4 == 3, using: &generator)
            let n = problem.taskCount, m = problem.workerCount
            let (full, dense) = problem.costs.withUnsafeBufferPointer { costs in
                (AssignmentCore.solve(costs, rows: n, columns: m), AssignmentCore.augment(costs, rows: n, columns: m))
            }
            func total(_ core: AssignmentCore) -> Double {
                core.columnOfRow.enumerated().reduce(0) { $0 + ($1.element >= 0 ? problem.costs[$1.offset * m + $1.element] : 0) }
            }
            #expect(full.columnOfRow.filter { $0 >= 0 }.count == dense.columnOfRow.filter { $0 >= 0 }.count, "#\(index)")
            #expect(Self.close(total(full), total(dense)), "#\(index): \(total(full)) vs \(total(dense))")
            Self.checkDuals(problem, AssignmentSolver.solve(problem), "candidates #\(index)")
        }
    }

    static func checkDuals(_ problem: AssignmentProblem, _ solution: AssignmentSolution, _ label: String) {
        let duals = solution.duals
        let tolerance = 1e-9
        var usedSlots = Set<Int>()
        for task in 0..<problem.taskCount {
            if let slot = solution.slotOfTask[task] { usedSlots.insert(slot) }
            for (slot, worker) in duals.workerOfSlot.enumerated() {
                guard let cost = problem.cost(task: task, worker: worker) else { continue }
                let reduced = cost - duals.taskPotentials[task] - duals.slotPotentials[slot]
                #expect(reduced >= -tolerance, "\(label): task \(task), slot \(slot) has reduced cost \(reduced)")
                if solution.slotOfTask[task] == slot {
                    #expect(abs(reduced) <= tolerance, "\(label): assigned pair (\(task), \(slot)) is not tight")
                }
            }
            let potential = duals.taskPotentials[task]
            if solution.slotOfTask[task] != nil {
                #expect(potential <= duals.taskThreshold + tolerance, "\(label): assigned task \(task) above the threshold")
            } else {
                #expect(potential >= duals.taskThreshold - tolerance, "\(label): unassigned task \(task) below the threshold")
            }
        }
        for slot in duals.workerOfSlot.indices {
            let potential = duals.slotPotentials[slot]
            if usedSlots.contains(slot) {
                #expect(potential <= duals.slotThreshold + tolerance, "\(label): used slot \(slot) above the threshold")
            } else {
                #expect(potential >= duals.slotThreshold - tolerance, "\(label): unused slot \(slot) below the threshold")
            }
        }
    }

    @Test("each alternative cost equals brute force with the pair forbidden", arguments: families)
    func alternativesMatchBruteForce(_ family: Family) {
        var checked = 0
        for (index, problem) in Self.instances(family, count: 40).enumerated() {
            let solution = AssignmentSolver.solve(problem)
            let best = AssignmentBruteForce.best(problem)
            let alternatives = solution.alternatives(for: problem)
            #expect(alternatives.map(\.task) == solution.workerOfTask.indices.filter { solution.workerOfTask[$0] != nil })
            for alternative in alternatives {
                #expect(solution.workerOfTask[alternative.task] == alternative.worker)
                let without = AssignmentBruteForce.best(problem, forbidding: (alternative.task, alternative.worker))
                #expect(alternative.lostAssignments == best.assigned - without.assigned,
                    "\(family) #\(index): task \(alternative.task)")
                #expect(Self.close(alternative.extraCost, without.cost - best.cost),
                    "\(family) #\(index): task \(alternative.task) \(alternative.extraCost) vs \(without.cost - best.cost)")
                checked += 1
            }
        }
        #expect(checked > 40)
    }

    @Test("a worked example: capacity, an ineligible pair, and what each choice saves")
    func workedExample() throws {
        // Task 2 may only go to worker 0, which takes two tasks.
        let problem = try AssignmentProblem(taskCount: 3, workerCount: 2, costs: [
            4, 1,
            2, 3,
            5, .infinity,
        ], capacities: [2, 1])
        let solution = AssignmentSolver.solve(problem)
        #expect(solution.workerOfTask == [1, 0, 0])
        #expect(solution.totalCost == 8)
        #expect(solution.unassignedTasks.isEmpty)
        let alternatives = solution.alternatives(for: problem)
        // Without 0→1: 0→0, 1→1, 2→0 = 4 + 3 + 5 = 12. Without 1→0: 1→1, 0→0, 2→0 = 12.
        // Without 2→0: task 2 cannot be placed; 0→1, 1→0 = 3, one task fewer.
        #expect(alternatives == [
            AssignmentAlternative(task: 0, worker: 1, lostAssignments: 0, extraCost: 4),
            AssignmentAlternative(task: 1, worker: 0, lostAssignments: 0, extraCost: 4),
            AssignmentAlternative(task: 2, worker: 0, lostAssignments: 1, extraCost: -5),
        ])
    }

    @Test("the most tasks come first, whichever task is dearer, and whichever row comes first")
    func cardinalityBeforeCost() throws {
        // One worker, two tasks: the cheaper task wins even though the dearer one comes first.
        let one = AssignmentSolver.solve(try AssignmentProblem(taskCount: 2, workerCount: 1, costs: [10, 1]))
        #expect(one.workerOfTask == [nil, 0])
        #expect(one.unassignedTasks == [0])
        // Placing all three needs the expensive pair 0→0; a cheaper assignment of two exists but loses.
        let three = AssignmentSolver.solve(try AssignmentProblem(taskCount: 3, workerCount: 3, costs: [
            100, 1, .infinity,
            .infinity, 1, 2,
            .infinity, .infinity, 1,
        ]))
        #expect(three.assignedCount == 3)
        #expect(three.totalCost == 102)
        // A task eligible nowhere is reported and the others are still placed optimally.
        let stranded = AssignmentSolver.solve(try AssignmentProblem(taskCount: 3, workerCount: 2, costs: [
            .infinity, .infinity,
            1, 2,
            3, 1,
        ]))
        #expect(stranded.workerOfTask == [nil, 0, 1])
        #expect(stranded.unassignedTasks == [0])
        #expect(stranded.totalCost == 2)
    }

    @Test("empty problems and workers without capacity")
    func degenerate() throws {
        #expect(AssignmentSolver.solve(try AssignmentProblem(taskCount: 0, workerCount: 3, costs: [])).assignedCount == 0)
        let noWorkers = AssignmentSolver.solve(try AssignmentProblem(taskCount: 2, workerCount: 0, costs: []))
        #expect(noWorkers.unassignedTasks == [0, 1])
        let closed = AssignmentSolver.solve(try AssignmentProblem(taskCount: 2, workerCount: 2, costs: [1, 5, 1, 5], capacities: [0, 1]))
        #expect(closed.workerOfTask == [1, nil] || closed.workerOfTask == [nil, 1])
        #expect(closed.totalCost == 5)
    }

    @Test("costs that are not numbers, and counts that do not match, are refused by name")
    func invalidInput() {
        #expect(throws: AssignmentProblem.InvalidInput.self) {
            try AssignmentProblem(taskCount: 2, workerCount: 2, costs: [1, 2, 3])
        }
        do {
            _ = try AssignmentProblem(taskCount: 2, workerCount: 2, costs: [1, 2, .nan, 4])
            Issue.record("NaN accepted")
        } catch {
            #expect(error.reason.contains("task 1 on worker 0"))
        }
        #expect(throws: AssignmentProblem.InvalidInput.self) {
            try AssignmentProblem(taskCount: 1, workerCount: 1, costs: [-.infinity])
        }
        #expect(throws: AssignmentProblem.InvalidInput.self) {
            try AssignmentProblem(taskCount: 1, workerCount: 2, costs: [1, 2], capacities: [1, -1])
        }
        #expect(throws: AssignmentProblem.InvalidInput.self) {
            try AssignmentProblem(taskCount: 1, workerCount: 2, costs: [1, 2], capacities: [1])
        }
    }

    @Test("the closure initialiser marks nil pairs ineligible")
    func closureInitialiser() throws {
        let problem = try AssignmentProblem(taskCount: 2, workerCount: 3) { task, worker in
            worker == task ? nil : Double(task * 3 + worker)
        }
        #expect(problem.cost(task: 0, worker: 0) == nil)
        #expect(problem.cost(task: 1, worker: 2) == 5)
        let solution = AssignmentSolver.solve(problem)
        #expect(solution.workerOfTask == [1, 0])
        #expect(solution.totalCost == 4)
    }
}
