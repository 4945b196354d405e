extension ShiftScheduler {
    /// The templates grouped by shift shape — the same start, length and breaks — whatever days
    /// they are worked: a week's seven five-day rotations of one shift are one shape. Groups in
    /// the order of their first template, each ascending.
    static func shiftShapes(_ problem: ShiftSchedulingProblem) -> [[Int]] {
        struct Shape: Hashable {
            var start: Int
            var length: Int
            var breaks: [ShiftTemplate.Break]
        }
        var groupOf: [Shape: Int] = [:]
        var groups: [[Int]] = []
        for (column, template) in problem.templates.enumerated() {
            let shape = Shape(start: template.start, length: template.length, breaks: template.breaks)
            if let group = groupOf[shape] {
                groups[group].append(column)
            } else {
                groupOf[shape] = groups.count
                groups.append([column])
            }
        }
        return groups
    }

    /// Per shift shape, the least and most workers the shape box allows on its templates
    /// together: the whole numbers either side of the relaxation's total for the shape, widened
    /// by `slack` workers each way (never below none).
    static func shapeBox(relaxed: [Double], shapes: [[Int]], slack: Int) -> [(templates: [Int], lower: Int, upper: Int)] {
        let tolerance = 1e-6
        return shapes.map { templates in
            let total = templates.reduce(0.0) { $0 + relaxed[$1] }
            let lower = max(0, Int((total + tolerance).rounded(.down)) - slack)
            let upper = max(lower, Int((total - tolerance).rounded(.up)) + slack)
            return (templates, lower, upper)
        }
    }

    /// A covering schedule costing at most `target` whose workers per shift shape lie within
    /// the shape box (``shapeBox(relaxed:shapes:slack:)``) when CBC finds one within `maxNodes`
    /// nodes and `timeLimit` seconds, with the nodes it explored and whether a limit stopped it.
    ///
    /// The rounding box (``searchRoundingBox``) holds each template near its relaxed count; but
    /// the relaxation of a week of rotations is degenerate in how a shape's workers spread over
    /// its rotations — many spreads cost the same — and the schedule at the bound may spread
    /// them quite differently (on one generated week, 8 workers on a rotation where the
    /// relaxation has none, and none where it has 8), while each shape's total stays within a
    /// worker or two of the relaxation's. So here the templates are free and only each shape's
    /// total is bounded, by a row of the program, with the same cutoff that admits only
    /// schedules at `target`. The schedule is checked against the problem's own coverage before
    /// it is returned.
    ///
    /// The caller holds ``IntegerProgram/lock``: CBC's driver keeps its parameters in statics.
    func searchShapeBox(
        _ problem: ShiftSchedulingProblem, cuts: [WorkerCut], relaxed: [Double], target: Double, unit: Double?,
        slack: Int, maxNodes: Int, timeLimit: Double
    ) -> (workers: [Int]?, nodes: Int, stopped: Bool) {
        let box = Self.shapeBox(relaxed: relaxed, shapes: Self.shiftShapes(problem), slack: slack)
        var matrix = SparseColumns(problem, cuts: cuts + box.map { WorkerCut(templates: $0.templates, workers: $0.lower) })
        // The shapes' rows come last; each is bounded above too.
        let first = matrix.rowUpper.count - box.count
        for (index, shape) in box.enumerated() { matrix.rowUpper[first + index] = Double(shape.upper) }
        let step = unit ?? 1e-6 * max(1, target)
        let result = matrix.branchAndCut(
            start: nil, unit: unit, timeLimit: timeLimit, relativeGap: 0,
            options: [("cuts", "off"), ("maxNodes", String(maxNodes))],
            cutoff: target + step / 2, solutionLimit: 1)
        guard let found = result.solution, problem.isCovered(by: found), problem.cost(of: found) <= target + 1e-9 else {
            return (nil, result.nodes, result.stopped)
        }
        return (found, result.nodes, result.stopped)
    }
}
