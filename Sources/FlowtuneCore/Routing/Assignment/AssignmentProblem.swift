/// Waiting tasks, workers with free capacity, and what each task would cost on each worker: the
/// input of the `optimal-batch` routing policy's exact assignment.
///
/// A worker with capacity `k` takes up to `k` tasks; internally it becomes `k` identical slots, so
/// the problem is a rectangular linear assignment between tasks and slots (see
/// ``AssignmentSolver``). A pair whose cost is `Double.infinity` is ineligible: the task can never
/// go to that worker.
///
/// ```swift
/// // 3 tasks, 2 workers; task 2 may only go to worker 0, which takes two tasks.
/// let problem = try AssignmentProblem(taskCount: 3, workerCount: 2, costs: [
///     4, 1,
///     2, 3,
///     5, .infinity,
/// ], capacities: [2, 1])
/// let solution = AssignmentSolver.solve(problem)   // tasks 0→1, 1→0, 2→0, total 8
/// ```
public struct AssignmentProblem: Sendable, Hashable {
    /// Tasks waiting: the rows of ``costs``.
    public let taskCount: Int
    /// Workers with free capacity: the columns of ``costs``.
    public let workerCount: Int
    /// Cost of task `t` on worker `w` at `t * workerCount + w`; `.infinity` where ineligible.
    public let costs: [Double]
    /// How many of these tasks each worker can take at once.
    public let capacities: [Int]

    /// Creates a problem from a row-major `taskCount × workerCount` cost matrix.
    ///
    /// - Parameters:
    ///   - costs: finite costs for eligible pairs, `.infinity` for ineligible ones.
    ///   - capacities: one per worker, each ≥ 0; every worker takes one task when omitted.
    /// - Throws: ``InvalidInput`` naming the first entry that is not a cost.
    public init(taskCount: Int, workerCount: Int, costs: [Double], capacities: [Int]? = nil) throws(InvalidInput) {
        guard taskCount >= 0, workerCount >= 0 else {
            throw InvalidInput(reason: "task and worker counts must not be negative (\(taskCount) × \(workerCount))")
        }
        guard costs.count == taskCount * workerCount else {
            throw InvalidInput(reason: "\(costs.count) costs for \(taskCount) tasks × \(workerCount) workers")
        }
        for (index, cost) in costs.enumerated() where cost.isNaN || cost == -.infinity {
            throw InvalidInput(
                reason: "cost of task \(index / workerCount) on worker \(index % workerCount) is \(cost); "
                    + "use a finite number, or +infinity for an ineligible pair")
        }
        let capacities = capacities ?? Array(repeating: 1, count: workerCount)
        guard capacities.count == workerCount else {
            throw InvalidInput(reason: "\(capacities.count) capacities for \(workerCount) workers")
        }
        if let worker = capacities.firstIndex(where: { $0 < 0 }) {
            throw InvalidInput(reason: "worker \(worker) has negative capacity \(capacities[worker])")
        }
        self.taskCount = taskCount
        self.workerCount = workerCount
        self.costs = costs
        self.capacities = capacities
    }

    /// Creates a problem by asking `cost` for each pair; `nil` marks the pair ineligible.
    public init(
        taskCount: Int, workerCount: Int, capacities: [Int]? = nil, cost: (_ task: Int, _ worker: Int) -> Double?
    ) throws(InvalidInput) {
        var costs = [Double]()
        costs.reserveCapacity(max(0, taskCount * workerCount))
        for task in 0..<max(0, taskCount) {
            for worker in 0..<max(0, workerCount) { costs.append(cost(task, worker) ?? .infinity) }
        }
        try self.init(taskCount: taskCount, workerCount: workerCount, costs: costs, capacities: capacities)
    }

    /// The cost of `task` on `worker`; `nil` when the pair is ineligible.
    public func cost(task: Int, worker: Int) -> Double? {
        let value = costs[task * workerCount + worker]
        return value == .infinity ? nil : value
    }

    /// Total slots: the sum of the capacities.
    public var slotCount: Int { capacities.reduce(0, +) }

    /// Why a problem could not be built.
    public struct InvalidInput: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong, naming the task, worker or count.
        public var reason: String
        /// A readable message.
        public var description: String { "invalid assignment problem: \(reason)" }
    }
}
