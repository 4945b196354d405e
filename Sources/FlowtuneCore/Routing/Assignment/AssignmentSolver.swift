/// The exact assignment behind the `optimal-batch` routing policy: tasks to worker slots at the
/// least total cost, under eligibility and capacity.
///
/// The objective is lexicographic: **as many tasks assigned as possible first**, then the least
/// total cost among those assignments. Tasks that cannot be placed in any such assignment are
/// listed in ``AssignmentSolution/unassignedTasks``.
///
/// Capacity is handled by expanding a worker with capacity `k` into `k` identical slots (columns),
/// which keeps the problem a plain rectangular linear assignment: min-cost flow would avoid the
/// copies, but batches are a few thousand slots at most and the dense matrix lets the inner loop
/// run over contiguous memory. When there are more tasks than slots the matrix is transposed so the
/// shorter side is the one augmented, as SciPy does.
///
/// The solver is shortest augmenting path with dual potentials (Crouse's variant of
/// Jonker–Volgenant); see `AssignmentCore` for the rule that keeps it exact when not every task
/// can be placed. From 32 rows up it first tries a sparse set of candidate pairs and keeps that
/// answer only when the duals prove it optimal on the full matrix. When they do not and the matrix
/// is near square (structured costs: task types, worker speeds, ties), an ε-scaling auction finds
/// nearly optimal prices and the exact search starts from them, placing only the rows they leave
/// unsettled; that answer too is kept only when every reduced cost of the full matrix confirms it.
/// Time is O(n²·m) in the worst case for n rows and m columns, and far less on typical matrices.
///
/// ```swift
/// let problem = try AssignmentProblem(taskCount: 2, workerCount: 2, costs: [3, 1, 2, .infinity])
/// let solution = AssignmentSolver.solve(problem)
/// solution.workerOfTask        // [1, 0]
/// solution.totalCost           // 3
/// solution.alternatives(for: problem)   // what forbidding each pair would cost
/// ```
public enum AssignmentSolver {
    /// Solves `problem` exactly.
    public static func solve(_ problem: AssignmentProblem) -> AssignmentSolution {
        let layout = SlotLayout(problem)
        let core = layout.withMatrix(problem) { matrix in
            AssignmentCore.solve(matrix, rows: layout.rows, columns: layout.columns, rowsAreSlots: layout.transposed)
        }
        return AssignmentSolution(problem: problem, layout: layout, core: core)
    }
}

/// How tasks and slots map onto the rows and columns the core works on.
struct SlotLayout: Sendable, Hashable {
    /// The worker each slot belongs to.
    var workerOfSlot: [Int]
    /// The first slot of each worker, then the slot count; a worker's slots are consecutive.
    var firstSlot: [Int]
    var taskCount: Int
    /// Rows are slots and columns tasks when there are more tasks than slots.
    var transposed: Bool

    init(_ problem: AssignmentProblem) {
        var workerOfSlot: [Int] = []
        var firstSlot: [Int] = []
        for (worker, capacity) in problem.capacities.enumerated() {
            firstSlot.append(workerOfSlot.count)
            workerOfSlot.append(contentsOf: repeatElement(worker, count: capacity))
        }
        firstSlot.append(workerOfSlot.count)
        self.workerOfSlot = workerOfSlot
        self.firstSlot = firstSlot
        taskCount = problem.taskCount
        transposed = problem.taskCount > workerOfSlot.count
    }

    var slotCount: Int { workerOfSlot.count }
    var rows: Int { transposed ? slotCount : taskCount }
    var columns: Int { transposed ? taskCount : slotCount }

    /// The slots of `worker`.
    func slots(of worker: Int) -> Range<Int> {
        firstSlot[worker]..<firstSlot[worker + 1]
    }

    /// Calls `body` with the row-major matrix the core solves, with the pairs of `blocked` (a task
    /// and a worker) forbidden. The problem's own storage is used when no copy is needed.
    func withMatrix<Result>(
        _ problem: AssignmentProblem, blocking blocked: (task: Int, worker: Int)? = nil,
        _ body: (UnsafeBufferPointer<Double>) -> Result
    ) -> Result {
        let workers = problem.workerCount
        if !transposed && blocked == nil && problem.capacities.allSatisfy({ $0 == 1 }) {
            return problem.costs.withUnsafeBufferPointer(body)
        }
        var matrix = [Double](repeating: .infinity, count: rows * columns)
        problem.costs.withUnsafeBufferPointer { costs in
            matrix.withUnsafeMutableBufferPointer { matrix in
                if transposed {
                    for slot in 0..<slotCount {
                        let worker = workerOfSlot[slot]
                        for task in 0..<taskCount { matrix[slot * taskCount + task] = costs[task * workers + worker] }
                    }
                } else {
                    for task in 0..<taskCount {
                        for slot in 0..<slotCount { matrix[task * slotCount + slot] = costs[task * workers + workerOfSlot[slot]] }
                    }
                }
                if let blocked {
                    for slot in slots(of: blocked.worker) {
                        matrix[transposed ? slot * taskCount + blocked.task : blocked.task * slotCount + slot] = .infinity
                    }
                }
            }
        }
        return matrix.withUnsafeBufferPointer(body)
    }
}

/// An optimal assignment, with the dual potentials that prove it.
public struct AssignmentSolution: Sendable, Hashable {
    /// The worker each task goes to, or `nil` for an unassigned task.
    public let workerOfTask: [Int?]
    /// The slot each task takes (see ``AssignmentDuals/workerOfSlot``), or `nil`.
    public let slotOfTask: [Int?]
    /// Tasks left unassigned because no assignment of the maximum size includes them all:
    /// ineligible everywhere, or competing for too little eligible capacity.
    public let unassignedTasks: [Int]
    /// How many tasks are assigned: the largest number any assignment can reach.
    public let assignedCount: Int
    /// The total cost of the assigned pairs: the least of any assignment of ``assignedCount`` tasks.
    public let totalCost: Double
    /// Dual potentials certifying the optimum.
    public let duals: AssignmentDuals

    let layout: SlotLayout
    let core: AssignmentCore

    init(problem: AssignmentProblem, layout: SlotLayout, core: AssignmentCore) {
        var slotOfTask = [Int?](repeating: nil, count: problem.taskCount)
        if layout.transposed {
            for (slot, task) in core.columnOfRow.enumerated() where task >= 0 { slotOfTask[task] = slot }
        } else {
            for (task, slot) in core.columnOfRow.enumerated() where slot >= 0 { slotOfTask[task] = slot }
        }
        self.slotOfTask = slotOfTask
        workerOfTask = slotOfTask.map { $0.map { layout.workerOfSlot[$0] } }
        unassignedTasks = slotOfTask.indices.filter { slotOfTask[$0] == nil }
        assignedCount = problem.taskCount - unassignedTasks.count
        var total = 0.0
        for (task, worker) in workerOfTask.enumerated() {
            if let worker { total += problem.costs[task * problem.workerCount + worker] }
        }
        totalCost = total
        duals = layout.transposed
            ? AssignmentDuals(
                taskPotentials: core.columnPotentials, slotPotentials: core.rowPotentials,
                taskThreshold: core.columnThreshold, slotThreshold: core.rowThreshold, workerOfSlot: layout.workerOfSlot)
            : AssignmentDuals(
                taskPotentials: core.rowPotentials, slotPotentials: core.columnPotentials,
                taskThreshold: core.rowThreshold, slotThreshold: core.columnThreshold, workerOfSlot: layout.workerOfSlot)
        self.layout = layout
        self.core = core
    }
}

/// Dual potentials of an optimal assignment: a certificate that no assignment of the same size
/// costs less.
///
/// With `u` the task potentials and `v` the slot potentials:
/// - every eligible pair has reduced cost `cost − u[task] − v[slot] ≥ 0`, and every assigned pair `= 0`;
/// - assigned tasks have `u ≤ taskThreshold ≤` unassigned tasks' `u`;
/// - used slots have `v ≤ slotThreshold ≤` unused slots' `v`.
///
/// Summing the first line over any assignment of the same size and using the other two shows it
/// costs at least the optimum. That the size itself is the largest possible is a separate fact
/// (there is no augmenting path), which the duals do not show.
public struct AssignmentDuals: Sendable, Hashable {
    /// `u`, one per task.
    public let taskPotentials: [Double]
    /// `v`, one per slot.
    public let slotPotentials: [Double]
    /// Separates assigned tasks' potentials (at most) from unassigned ones' (at least).
    public let taskThreshold: Double
    /// Separates used slots' potentials (at most) from unused ones' (at least).
    public let slotThreshold: Double
    /// The worker each slot belongs to; a worker with capacity `k` has `k` consecutive slots.
    public let workerOfSlot: [Int]
}
