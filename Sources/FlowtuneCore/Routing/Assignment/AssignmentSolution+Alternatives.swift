/// How much worse the best assignment is when one chosen pair is forbidden: the number behind
/// "the best alternative assignment was X worse" in an `optimal-batch` explanation.
public struct AssignmentAlternative: Sendable, Hashable, Codable {
    /// The task of the chosen pair.
    public let task: Int
    /// The worker it was assigned to.
    public let worker: Int
    /// How many fewer tasks the best assignment without this pair places: 0 normally, 1 when every
    /// assignment of the maximum size needs this pair.
    public let lostAssignments: Int
    /// The best such assignment's total cost minus the optimum (never negative when
    /// ``lostAssignments`` is 0; when a task is lost it may be negative, as one cost fewer is paid).
    public let extraCost: Double

    /// Creates an alternative record.
    public init(task: Int, worker: Int, lostAssignments: Int, extraCost: Double) {
        self.task = task
        self.worker = worker
        self.lostAssignments = lostAssignments
        self.extraCost = extraCost
    }
}

extension AssignmentSolution {
    /// For every assigned task, the best assignment with that task forbidden from its worker
    /// (all of the worker's slots), compared with this optimum.
    ///
    /// Each pair costs one Dijkstra search from the optimal duals, stopping as soon as the cheapest
    /// alternative is known: forbidding a pair of an optimal assignment changes it along a single
    /// alternating cycle through that pair, possibly passing through a free slot, an unused task or
    /// a task left unassigned. Only when no alternative of the same size exists is the problem
    /// solved again with the pair forbidden. Separate from ``AssignmentSolver/solve(_:)`` so the
    /// routing decision itself does not pay for it.
    ///
    /// - Parameter problem: the problem this solution came from.
    /// - Returns: one entry per assigned task, in task order.
    public func alternatives(for problem: AssignmentProblem) -> [AssignmentAlternative] {
        let tasks = workerOfTask.indices.filter { workerOfTask[$0] != nil }
        return alternatives(for: problem, tasks: tasks)
    }

    /// The alternatives for the given assigned `tasks` only; unassigned tasks are skipped.
    public func alternatives(for problem: AssignmentProblem, tasks: [Int]) -> [AssignmentAlternative] {
        let layout = layout
        let core = core
        return layout.withMatrix(problem) { matrix in
            var search = AlternativeSearch(core: core, costs: matrix)
            var result: [AssignmentAlternative] = []
            for task in tasks {
                guard let slot = slotOfTask[task] else { continue }
                let worker = layout.workerOfSlot[slot]
                let found: Double?
                if layout.transposed {
                    found = search.cheapestCycle(source: slot, target: task, blockedRows: layout.slots(of: worker), blockedColumns: task..<(task + 1))
                } else {
                    found = search.cheapestCycle(source: task, target: slot, blockedRows: task..<(task + 1), blockedColumns: layout.slots(of: worker))
                }
                if let found {
                    result.append(AssignmentAlternative(task: task, worker: worker, lostAssignments: 0, extraCost: max(0, found)))
                } else {
                    let resolved = layout.withMatrix(problem, blocking: (task, worker)) { blocked in
                        AssignmentCore.solve(blocked, rows: layout.rows, columns: layout.columns, rowsAreSlots: layout.transposed)
                    }
                    let other = AssignmentSolution(problem: problem, layout: layout, core: resolved)
                    result.append(AssignmentAlternative(
                        task: task, worker: worker, lostAssignments: assignedCount - other.assignedCount,
                        extraCost: other.totalCost - totalCost))
                }
            }
            return result
        }
    }
}

/// Dijkstra over the residual graph of an optimal assignment, with arc lengths reduced by its
/// duals so they are never negative. Besides rows and columns the graph has a node `t` (free
/// column → t → used column: one column starts being used, another stops) and a node `s` (matched
/// row → s → unmatched row: one row stops being matched, another starts).
struct AlternativeSearch {
    let core: AssignmentCore
    let costs: UnsafeBufferPointer<Double>
    private var columnDistance: [Double]
    private var columnDone: [Bool]
    private var rowDistance: [Double]
    private var rowDone: [Bool]
    private let unmatchedRows: [Int]

    init(core: AssignmentCore, costs: UnsafeBufferPointer<Double>) {
        self.core = core
        self.costs = costs
        columnDistance = Array(repeating: .infinity, count: core.columns)
        columnDone = Array(repeating: false, count: core.columns)
        rowDistance = Array(repeating: .infinity, count: core.rows)
        rowDone = Array(repeating: false, count: core.rows)
        unmatchedRows = (0..<core.rows).filter { core.columnOfRow[$0] < 0 }
    }

    /// The reduced length of the shortest path from row `source` to column `target` (its matched
    /// column) that uses no arc from `blockedRows` to `blockedColumns`: the extra cost of the best
    /// assignment of the same size without that pair. `nil` when there is none.
    mutating func cheapestCycle(source: Int, target: Int, blockedRows: Range<Int>, blockedColumns: Range<Int>) -> Double? {
        let nr = core.rows, nc = core.columns
        let alpha = core.rowThreshold, beta = core.columnThreshold
        for j in 0..<nc {
            columnDistance[j] = .infinity
            columnDone[j] = false
        }
        for r in 0..<nr {
            rowDistance[r] = .infinity
            rowDone[r] = false
        }
        var sDistance = Double.infinity, tDistance = Double.infinity
        var sDone = false, tDone = false

        return core.columnPotentials.withUnsafeBufferPointer { v in
            core.rowPotentials.withUnsafeBufferPointer { u in
                columnDistance.withUnsafeMutableBufferPointer { columnDistance in
                    columnDone.withUnsafeMutableBufferPointer { columnDone in
                        func scan(_ r: Int, at distance: Double) {
                            rowDone[r] = true
                            let base = distance - u[r]
                            let row = costs.baseAddress! + r * nc
                            let skip = blockedRows.contains(r) ? blockedColumns : 0..<0
                            for j in 0..<nc where !columnDone[j] && !skip.contains(j) {
                                let candidate = base + row[j] - v[j]
                                if candidate < columnDistance[j] { columnDistance[j] = candidate }
                            }
                            if core.columnOfRow[r] >= 0 && !sDone { sDistance = min(sDistance, distance + alpha - u[r]) }
                        }
                        scan(source, at: 0)
                        while true {
                            var lowest = Double.infinity
                            var pickedColumn = -1, pickedRow = -1
                            for j in 0..<nc where !columnDone[j] && columnDistance[j] < lowest {
                                lowest = columnDistance[j]
                                pickedColumn = j
                            }
                            for d in unmatchedRows where !rowDone[d] && rowDistance[d] < lowest {
                                lowest = rowDistance[d]
                                pickedRow = d
                                pickedColumn = -1
                            }
                            var pickedS = false, pickedT = false
                            if !sDone && sDistance < lowest {
                                lowest = sDistance
                                pickedS = true
                            }
                            if !tDone && tDistance < lowest {
                                lowest = tDistance
                                pickedT = true
                                pickedS = false
                            }
                            if lowest == .infinity { return nil }
                            if pickedT {
                                tDone = true
                                for j in 0..<nc where !columnDone[j] && core.rowOfColumn[j] >= 0 {
                                    columnDistance[j] = min(columnDistance[j], lowest + beta - v[j])
                                }
                            } else if pickedS {
                                sDone = true
                                for d in unmatchedRows where !rowDone[d] {
                                    rowDistance[d] = min(rowDistance[d], lowest + u[d] - alpha)
                                }
                            } else if pickedRow >= 0 {
                                scan(pickedRow, at: lowest)
                            } else {
                                let j = pickedColumn
                                columnDone[j] = true
                                if j == target { return lowest }
                                let r = core.rowOfColumn[j]
                                if r >= 0 {
                                    scan(r, at: lowest)
                                } else if !tDone {
                                    tDistance = min(tDistance, lowest + v[j] - beta)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
