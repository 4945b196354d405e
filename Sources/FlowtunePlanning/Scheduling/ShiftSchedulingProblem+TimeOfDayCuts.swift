import CCbc

/// A valid inequality on a scheduling program: at least `workers` workers in all start on
/// these templates, Σ_{j ∈ templates} x_j ≥ workers, in every covering schedule.
struct WorkerCut: Sendable, Hashable {
    /// Template indices, ascending.
    var templates: [Int]
    /// The least number of workers on them together.
    var workers: Int
}

extension ShiftSchedulingProblem {
    /// Cuts from one time of day across the horizon's days: for each window of `widths`
    /// intervals starting at each interval of the day, the requirement of that window on every
    /// day, and the templates covering any of it.
    ///
    /// Restricted to the window's rows, a template is only the days (and window intervals) it
    /// covers there, and templates alike there are one column: a covering program of a few rows
    /// (days × width) and few columns (the distinct day patterns: the rotations). Its relaxation
    /// rounded up is a Chvátal–Gomory cut of the whole program (its dual, which prices every
    /// template at 1 or less, weighs the window's rows). Rounding per window is what the whole
    /// relaxation misses when workers must work a fixed pattern of days: a time of day needing
    /// 5, 5, 5, 5, 5, 3, 3 staff over a week of five-day rotations has a relaxation of 6.2
    /// workers and needs 7, and the whole program's relaxation spreads such fractions over the
    /// week where each window's rounding would have added them up.
    ///
    /// Kept only where the cut says more than one interval's requirement alone. Valid for any
    /// costs (the cut counts workers, not cost); it lifts the bound where the cost counts
    /// workers. A horizon of one day gives nothing: each window's program is then an interval
    /// matrix, whose relaxation is already whole.
    func timeOfDayCuts(widths: [Int] = [1, 2]) -> [WorkerCut] {
        guard days > 1 else { return [] }
        let horizon = required.count
        var covering = [[Int32]](repeating: [], count: horizon)
        for (column, intervals) in coverage.enumerated() {
            for interval in intervals { covering[interval].append(Int32(column)) }
        }
        var cuts: [WorkerCut] = []
        var seen = Set<[Int]>()
        for width in widths where width > 0 && width < intervalsPerDay {
            for start in 0..<intervalsPerDay {
                var rows: [Int] = []
                for day in 0..<days {
                    for offset in 0..<width { rows.append((day * intervalsPerDay + start + offset) % horizon) }
                }
                rows = Array(Set(rows)).sorted()
                let largest = rows.map { required[$0] }.max() ?? 0
                guard largest > 0 else { continue }
                // Each template's pattern over the window's rows, then the distinct patterns.
                var patterns: [Int: [Int32]] = [:]
                for (position, row) in rows.enumerated() {
                    for column in covering[row] { patterns[Int(column), default: []].append(Int32(position)) }
                }
                let templates = patterns.keys.sorted()
                guard !templates.isEmpty else { continue }
                let distinct = Array(Set(patterns.values))
                guard let relaxation = Self.windowRelaxation(patterns: distinct, required: rows.map { Double(required[$0]) })
                else { continue }
                // The relaxation within the solver's tolerance, rounded up to whole workers.
                let workers = Int((relaxation - 1e-6).rounded(.up))
                guard workers > largest else { continue }
                if seen.insert(templates + [-workers]).inserted {
                    cuts.append(WorkerCut(templates: templates, workers: workers))
                }
            }
        }
        return cuts
    }

    /// The least fractional number of workers covering `required` when each worker covers the
    /// rows of one of `patterns`; nil when CLP fails.
    private static func windowRelaxation(patterns: [[Int32]], required: [Double]) -> Double? {
        guard let model = Clp_newModel() else { return nil }
        defer { Clp_deleteModel(model) }
        Clp_setLogLevel(model, 0)
        var starts: [CoinBigIndex] = [0]
        var indices: [Int32] = []
        for pattern in patterns {
            indices.append(contentsOf: pattern)
            starts.append(CoinBigIndex(indices.count))
        }
        let values = [Double](repeating: 1, count: indices.count)
        let count = patterns.count
        let lower = [Double](repeating: 0, count: count)
        let upper = [Double](repeating: .infinity, count: count)
        let costs = [Double](repeating: 1, count: count)
        let rowUpper = [Double](repeating: .infinity, count: required.count)
        Clp_loadProblem(model, Int32(count), Int32(required.count), starts, indices, values, lower, upper, costs, required,
                        rowUpper)
        Clp_dual(model, 0)
        guard Clp_status(model) == 0 else { return nil }
        return Clp_objectiveValue(model)
    }
}
