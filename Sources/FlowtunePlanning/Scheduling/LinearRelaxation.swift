import CCbc

/// The scheduling program's linear relaxation held in CLP, re-solved from its last basis when
/// bounds change, for the bound it proves and for diving to whole schedules.
///
/// A dive rounds the relaxation to a schedule one template at a time: the template whose
/// fractional workers are closest to a whole worker above is raised to that many, the
/// relaxation is re-solved warm (a few dual pivots) and the rest shift around it, until every
/// count is whole. Raising a lower bound never loses coverage, so every dive ends in a covering
/// schedule, usually within a worker or two of the relaxation's cost where plain rounding up
/// lands tens above.
final class LinearRelaxation {
    private let model: UnsafeMutableRawPointer
    private let columns: Int
    /// The relaxation's optimum: a lower bound on every schedule's cost.
    private(set) var objective = 0.0
    /// Its solution, fractional workers per template.
    private(set) var solution: [Double] = []
    private var basis: [UInt8] = []

    /// Loads `matrix` into CLP and solves it by dual simplex; throws when CLP stops on the time
    /// limit or reports the program unsolvable.
    init(_ matrix: SparseColumns, timeLimit: Double) throws {
        guard let model = Clp_newModel() else { throw ShiftSchedulingError(reason: "CLP could not create a model") }
        self.model = model
        columns = matrix.costs.count
        Clp_setLogLevel(model, 0)
        Clp_setMaximumSeconds(model, timeLimit)
        Clp_loadProblem(model, matrix.columnCount, matrix.rowCount, matrix.columnStarts, matrix.rowIndices, matrix.values,
                        matrix.columnLower, matrix.columnUpper, matrix.costs, matrix.rowLower, matrix.rowUpper)
        try resolve(
            timedOut: "the time limit of \(timeLimit) s ran out before the linear relaxation was solved",
            failed: "the linear relaxation did not solve")
    }

    deinit { Clp_deleteModel(model) }

    /// Adds `cuts` as rows and re-solves from the last basis (the old optimum stays dual
    /// feasible, so a few dual pivots); `objective` becomes the bound the cuts prove. Throws as
    /// the first solve does.
    func add(_ cuts: [WorkerCut]) throws {
        guard !cuts.isEmpty else { return }
        var starts: [CoinBigIndex] = [0]
        var columnIndices: [Int32] = []
        for cut in cuts {
            columnIndices.append(contentsOf: cut.templates.map { Int32($0) })
            starts.append(CoinBigIndex(columnIndices.count))
        }
        let elements = [Double](repeating: 1, count: columnIndices.count)
        let lower = cuts.map { Double($0.workers) }
        let upper = [Double](repeating: .infinity, count: cuts.count)
        Clp_addRows(model, Int32(cuts.count), lower, upper, starts, columnIndices, elements)
        try resolve(
            timedOut: "the time limit ran out before the relaxation with its cuts was solved",
            failed: "the relaxation with its cuts did not solve")
    }

    /// Runs dual simplex from the model's current basis and reads back the objective, the
    /// solution and the basis; `timedOut` and `failed` say what was being solved when it stops.
    private func resolve(timedOut: String, failed: String) throws {
        Clp_dual(model, 0)
        switch Clp_status(model) {
        case 0: break
        case 3: throw ShiftSchedulingError(reason: timedOut)
        case let status: throw ShiftSchedulingError(reason: "\(failed) (CLP status \(status))")
        }
        objective = Clp_objectiveValue(model)
        solution = Array(UnsafeBufferPointer(start: Clp_primalColumnSolution(model), count: columns))
        let statuses = Int(Clp_getNumRows(model)) + columns
        basis = Array(UnsafeBufferPointer(start: Clp_statusArray(model), count: statuses))
    }

    /// How a dive picks the template to round next, and which way.
    enum DiveRule: CaseIterable {
        /// Raise the count nearest to the whole number above it; the others stay free.
        case nearestUp
        /// First hold every template at the whole part of its relaxed count, then as
        /// ``nearestUp``: fewer re-solves, a different schedule.
        case keepWholeParts
        /// Round the count nearest to a whole number, down as readily as up (up when capping
        /// it leaves no cover).
        case nearest
        /// Raise the count furthest from whole, the most undecided template first.
        case mostFractionalUp
    }

    /// A covering schedule rounded from the relaxation by `rule`, or nil when CLP fails on the
    /// way (the time limit). Leaves the relaxation as it was solved.
    func dive(_ rule: DiveRule, deadline: () -> Bool) -> [Int]? {
        let lower = Clp_columnLower(model)!
        let upper = Clp_columnUpper(model)!
        let savedUpper = Array(UnsafeBufferPointer(start: upper, count: columns))
        defer {
            for column in 0..<columns {
                lower[column] = 0
                upper[column] = savedUpper[column]
            }
            Clp_copyinStatus(model, basis)
            Clp_dual(model, 0)
        }
        var values = solution
        let tolerance = 1e-6
        if rule == .keepWholeParts {
            for column in 0..<columns { lower[column] = (values[column] + tolerance).rounded(.down) }
        }
        for _ in 0...(2 * columns) {
            var chosen = -1
            var best = Double.infinity
            var up = true
            for column in 0..<columns {
                let above = (values[column] - tolerance).rounded(.up) - values[column]
                guard above > tolerance, above < 1 - tolerance else { continue }
                let below = 1 - above
                let score: Double
                switch rule {
                case .nearestUp, .keepWholeParts: score = above
                case .nearest: score = min(above, below)
                case .mostFractionalUp: score = abs(above - 0.5)
                }
                if score < best {
                    best = score
                    chosen = column
                    up = rule != .nearest || above <= below
                }
            }
            if chosen < 0 { return values.map { Int(($0 + tolerance).rounded(.down)) } }
            if deadline() { return nil }
            let value = values[chosen]
            if up {
                lower[chosen] = (value - tolerance).rounded(.up)
            } else {
                upper[chosen] = (value + tolerance).rounded(.down)
            }
            Clp_dual(model, 0)
            if !up, Clp_status(model) == 1 {
                upper[chosen] = savedUpper[chosen]
                lower[chosen] = (value - tolerance).rounded(.up)
                Clp_dual(model, 0)
            }
            guard Clp_status(model) == 0 else { return nil }
            values = Array(UnsafeBufferPointer(start: Clp_primalColumnSolution(model), count: columns))
        }
        return nil
    }
}
