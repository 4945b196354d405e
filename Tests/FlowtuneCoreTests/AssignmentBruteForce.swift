@testable import FlowtuneCore

/// The reference the assignment solver is checked against: every way of giving each task one
/// eligible worker with capacity left, or none, and the best of them by (most tasks, least cost).
enum AssignmentBruteForce {
    struct Best: Equatable {
        var assigned: Int
        var cost: Double
    }

    /// The best assignment of `problem`, optionally with `task` forbidden from `worker`.
    static func best(_ problem: AssignmentProblem, forbidding pair: (task: Int, worker: Int)? = nil) -> Best {
        var best = Best(assigned: 0, cost: 0)
        var capacity = problem.capacities
        func place(_ task: Int, _ assigned: Int, _ cost: Double) {
            if task == problem.taskCount {
                if assigned > best.assigned || (assigned == best.assigned && cost < best.cost) {
                    best = Best(assigned: assigned, cost: cost)
                }
                return
            }
            place(task + 1, assigned, cost)
            for worker in 0..<problem.workerCount where capacity[worker] > 0 {
                if let pair, pair.task == task, pair.worker == worker { continue }
                guard let pairCost = problem.cost(task: task, worker: worker) else { continue }
                capacity[worker] -= 1
                place(task + 1, assigned + 1, cost + pairCost)
                capacity[worker] += 1
            }
        }
        place(0, 0, 0)
        return best
    }

    /// A random problem: `forbidden` is the share of ineligible pairs; `integer` costs in 0...3
    /// make ties common; capacities drawn from `capacities`.
    static func randomProblem(
        tasks: Int, workers: Int, forbidden: Double, integer: Bool, capacities: ClosedRange<Int> = 1...1,
        using generator: inout SeededGenerator
    ) -> AssignmentProblem {
        let costs = (0..<(tasks * workers)).map { _ -> Double in
            if Double.random(in: 0..<1, using: &generator) < forbidden { return .infinity }
            return integer ? Double(Int.random(in: 0...3, using: &generator)) : Double.random(in: -2..<10, using: &generator)
        }
        let capacity = (0..<workers).map { _ in Int.random(in: capacities, using: &generator) }
        return try! AssignmentProblem(taskCount: tasks, workerCount: workers, costs: costs, capacities: capacity)
    }
}
