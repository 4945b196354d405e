extension ShiftScheduler {
    /// Each template's count bounded to the whole numbers either side of its relaxed count (at
    /// least none, at most the template's own upper bound): the box RENS searches. A template
    /// the relaxation holds whole stays there.
    static func roundingBox(relaxed: [Double], upper: [Double]) -> (lower: [Double], upper: [Double]) {
        let tolerance = 1e-6
        var low = [Double](repeating: 0, count: relaxed.count)
        var high = [Double](repeating: 0, count: relaxed.count)
        for column in relaxed.indices {
            low[column] = max(0, (relaxed[column] + tolerance).rounded(.down))
            high[column] = max(low[column], min(upper[column], (relaxed[column] - tolerance).rounded(.up)))
        }
        return (low, high)
    }

    /// A covering schedule costing at most `target` within the relaxation's rounding box
    /// (``roundingBox(relaxed:upper:)``) when CBC finds one within `maxNodes` nodes and
    /// `timeLimit` seconds, with the nodes it explored and whether a limit stopped it; no
    /// schedule when the box holds none at `target` or a limit came first.
    ///
    /// RENS: the relaxation with its cuts already decides most templates (whole counts, most of
    /// them none), and the others are bounded to the whole numbers either side of theirs: a
    /// program of the few undecided templates, with a cutoff that admits only schedules at
    /// `target` — when that is the proven bound, a feasibility problem whose first answer is
    /// optimal. The schedule is checked against the problem's own coverage before it is
    /// returned.
    ///
    /// The caller holds ``IntegerProgram/lock``: CBC's driver keeps its parameters in statics.
    func searchRoundingBox(
        _ problem: ShiftSchedulingProblem, matrix: SparseColumns, relaxed: [Double], target: Double, unit: Double?,
        maxNodes: Int, timeLimit: Double
    ) -> (workers: [Int]?, nodes: Int, stopped: Bool) {
        let box = Self.roundingBox(relaxed: relaxed, upper: matrix.columnUpper)
        // Off a cost grid, anything up to the target within the solver's tolerance.
        let step = unit ?? 1e-6 * max(1, target)
        // No cut generators: the box's program is solved at its root or in a few nodes, and
        // Gomory cuts there measured no faster.
        let result = matrix.branchAndCut(
            start: nil, unit: unit, timeLimit: timeLimit, relativeGap: 0,
            options: [("cuts", "off"), ("maxNodes", String(maxNodes))],
            lower: box.lower, upper: box.upper, cutoff: target + step / 2, solutionLimit: 1)
        guard let found = result.solution, problem.isCovered(by: found), problem.cost(of: found) <= target + 1e-9 else {
            return (nil, result.nodes, result.stopped)
        }
        return (found, result.nodes, result.stopped)
    }
}
