import CCbc
import Foundation

/// Solves a ``ShiftSchedulingProblem`` exactly with COIN-OR CBC, a branch-and-cut MIP solver
/// (Debian: coinor-libcbc-dev), within a time limit, and says how far from proven optimal the
/// answer is when the limit stops it.
///
/// The linear relaxation is solved first with CLP, then again with the time-of-day cuts of a
/// multi-day horizon (``ShiftSchedulingProblem/timeOfDayCuts(widths:)``: each time of day's
/// workers over the days, rounded up to whole workers), which on weeks of day rotations lift it
/// by a worker or two. When every template's cost is a whole multiple of one unit (1 for
/// headcount, 5 for paid intervals over five-day rotations, 0.25 for quarter-hour premiums)
/// every schedule's cost is too, so the relaxation rounded up to the next unit bounds the
/// optimum; with costs off any grid nothing is rounded. CBC first looks for a schedule at
/// that bound within the relaxation's rounding box (``searchRoundingBox``: each template
/// between the whole numbers either side of its relaxed count, RENS), which on most headcount
/// weeks ends the solve within a few dozen nodes; on headcount weeks where that box runs to its
/// limit, in the shape box (``searchShapeBox``: the templates free, each shift shape's total
/// within a worker of the relaxation's). Dives on the relaxation (round one
/// template's count, re-solve warm, repeat) then give a covering schedule, usually within a
/// unit of that bound: one that meets it is proven optimal without branching. Where the
/// rounding box searched its whole box and held nothing at the bound, a short CBC search from
/// the best dive comes next (``probeNodes``): its root, with strong branching, often proves the
/// dive optimal, the bound having been a unit short. Otherwise a
/// neighbourhood search (``searchNeighbourhoods``) frees the templates starting in one part of
/// the day, then those where the best dive and the relaxation disagree, fixes the rest, and
/// lets CBC look for a schedule a unit cheaper among the free ones, a program a third the
/// size, stopping at the first that meets the bound. What it ends with,
/// trimmed of workers the cover does not need, is CBC's starting schedule and the cuts are
/// rows of CBC's program, so a schedule comes back even when the limit is reached before CBC
/// improves on it, with the bound it is measured against.
///
/// ```swift
/// let schedule = try ShiftScheduler(timeLimit: 5).solve(problem)
/// schedule.workers      // per template, how many start on it
/// schedule.isOptimal    // proven optimal, or stopped by the limit with `gap` left
/// ```
public struct ShiftScheduler: Sendable {
    /// Wall-clock seconds the whole solve may take.
    public var timeLimit: Double
    /// The relative gap between the schedule's cost and the proven bound at which the search
    /// may stop; 0 asks for a proven optimum.
    public var relativeGap: Double
    /// CBC command-line options (name without the dash, value). Gomory cuts at the root
    /// alone: on 24 generated weeks (192 templates, headcount) CBC's other cut generators and
    /// their rounds in the tree cost more time than the bound they add. Measured as CPU time
    /// per solve, 16 of the 24 were proven optimal within a second this way, against 10 with
    /// CBC's defaults, which left 3 unsolved after 6 s. Five root rounds of all generators
    /// instead did better on office-hours weeks and worse on the other demand shapes.
    var solverOptions: [(String, String)] = [("cuts", "off"), ("gomory", "root")]
    /// The neighbourhoods searched around the best dive, in order, each with CBC's options
    /// for its sub-program: each part of the day, in slices of 2 and then 4 hours widened to
    /// twice that (a few milliseconds each: most are refuted at their root), then where the
    /// dive and the relaxation disagree (with Gomory cuts at the root, then without), then two
    /// random halves of the disagreement.
    var neighbourhoods: [(Neighbourhood, [(String, String)])] =
        [12, 6].flatMap { parts in (0..<parts).map { (Neighbourhood.timeOfDay(part: $0, parts: parts), [("cuts", "off")]) } }
        + [
            (.disagreement, [("cuts", "off"), ("gomory", "root")]), (.disagreement, [("cuts", "off")]),
            (.random, [("cuts", "off")]), (.random, [("cuts", "off")]),
        ]
    /// The most branch-and-bound nodes CBC may take to look for a schedule at the bound within
    /// the relaxation's rounding box (``searchRoundingBox``) before the dives; 0 skips it. On
    /// the generated headcount weeks that find one, it takes 0–41 nodes (once 111).
    var roundingBoxNodes = 100
    /// The share of the time limit the rounding box may take.
    var roundingBoxShare = 0.1
    /// The most nodes CBC may take to look for a schedule at the bound within the shape box
    /// (``searchShapeBox``: each shift shape's workers near the relaxation's, the templates
    /// free) when the rounding box ran to its node limit without one; 0 skips it. Round the
    /// clock seed 20 is found at 16 nodes.
    var shapeBoxNodes = 30
    /// How many workers each shape's total may stray beyond the whole numbers either side of
    /// the relaxation's.
    var shapeBoxSlack = 1
    /// The share of the time limit the shape box may take.
    var shapeBoxShare = 0.3
    /// The most nodes of the probe: CBC's search of the whole program from the best dive,
    /// before the neighbourhood search, on weeks whose rounding box holds no schedule at the
    /// bound; 0 skips it. On most generated headcount weeks of that kind it proves the dive
    /// optimal, or finds the schedule at the bound, within 0–10 nodes; round the clock seed 10
    /// needs exactly 10 (its tree is complete at the 10th node), which a limit of 10 stopped
    /// one node short, so that CBC's last search had to repeat the root after the
    /// neighbourhoods.
    var probeNodes = 15
    /// The share of the time limit the probe may take.
    var probeShare = 0.1
    /// The dives tried, in order. The two quick ones: on the 120 generated headcount weeks of
    /// seeds 1–40, the rounding box now closes most weeks before any dive, and where the dives
    /// run, ``LinearRelaxation/DiveRule/nearest`` (0.08–0.25 s of CPU on a week) and
    /// ``LinearRelaxation/DiveRule/mostFractionalUp`` (0.04–0.16 s) ended below the better of
    /// these two on 4 weeks, all closed within half a second without them.
    var diveRules: [LinearRelaxation.DiveRule] = [.nearestUp, .keepWholeParts]
    /// How many dives are tried before the neighbourhood search; the rest come after it.
    var divesBeforeSearch = 4
    /// The seed of the random neighbourhoods: the same problem is searched the same way.
    var neighbourhoodSeed: UInt64 = 1
    /// The share of the time limit one neighbourhood's sub-program may take.
    var neighbourhoodTryShare = 0.03
    /// The share of the time limit the whole neighbourhood search may take.
    var neighbourhoodShare = 0.1
    /// Receives a line per phase of a solve (relaxation, cuts, dives, neighbourhoods, CBC's
    /// search) with the seconds since the start, the schedule's cost and the bound, to see
    /// where a slow solve spends its time; with it set, CBC prints its own log too.
    ///
    /// ```swift
    /// var scheduler = ShiftScheduler(timeLimit: 5)
    /// scheduler.trace = { print($0) }
    /// ```
    public var trace: (@Sendable (String) -> Void)?

    /// A scheduler stopping after `timeLimit` seconds or at `relativeGap` (0: proven optimal).
    public init(timeLimit: Double = 10, relativeGap: Double = 0) {
        self.timeLimit = timeLimit
        self.relativeGap = relativeGap
    }

    /// The cheapest covering schedule found within the limit, its proven bound and gap.
    public func solve(_ problem: ShiftSchedulingProblem) throws -> ShiftSchedule {
        guard timeLimit > 0, relativeGap >= 0 else {
            throw ShiftSchedulingError(reason: "time limit \(timeLimit) s and gap \(relativeGap) are not positive")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let cpuStarted = Foundation.clock()
        func elapsed() -> Double {
            let duration = started.duration(to: clock.now)
            return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        }
        let columns = problem.templates.count
        if problem.required.allSatisfy({ $0 == 0 }) || columns == 0 {
            return ShiftSchedule(problem: problem, workers: [Int](repeating: 0, count: columns), lowerBound: 0,
                                 linearRelaxation: 0, isOptimal: true, nodes: 0, seconds: elapsed())
        }
        let unit = problem.costUnit
        func note(_ phase: String, _ workers: [Int]? = nil, bound: Double? = nil) {
            guard let trace else { return }
            // The process's CPU time beside the wall clock: on a busy machine the wall clock
            // says more about the other work than about this solve.
            let cpu = Double(Foundation.clock() - cpuStarted) / Double(CLOCKS_PER_SEC)
            var line = String(format: "%7.3f s (CPU %.3f s)  %@", elapsed(), cpu, phase)
            if let workers { line += String(format: ", cost %.2f", problem.cost(of: workers)) }
            if let bound { line += String(format: ", bound %.2f", bound) }
            trace(line)
        }

        // CBC's driver keeps state in statics: every CBC solve in the process takes the same lock.
        return try IntegerProgram.lock.withLock { _ in
            let relaxation = try LinearRelaxation(SparseColumns(problem), timeLimit: timeLimit)
            let plainRelaxation = relaxation.objective
            note(String(format: "relaxation %.3f", plainRelaxation))
            // Over several days the relaxation with each time of day's workers rounded up:
            // on five-day rotations it is usually the optimum, where the plain relaxation
            // rounded is a unit or two short.
            let cuts = problem.timeOfDayCuts()
            try relaxation.add(cuts)
            let matrix = SparseColumns(problem, cuts: cuts)
            // Every schedule costs a whole number of units, so the bound rounds up to one.
            var provenBound = problem.roundedUp(relaxation.objective, unit: unit)
            note(String(format: "%d time-of-day cuts, relaxation %.3f", cuts.count, relaxation.objective), bound: provenBound)
            var rounded = relaxation.solution.map { Int(($0 - 1e-7).rounded(.up)) }
            repair(&rounded, problem: problem)
            trim(&rounded, problem: problem)
            var start = rounded
            func atBound() -> Bool { problem.cost(of: start) <= provenBound + 1e-9 }
            func dive(_ rules: some Sequence<LinearRelaxation.DiveRule>) {
                for rule in rules {
                    if atBound() || elapsed() >= timeLimit / 4 { break }
                    guard var dived = relaxation.dive(rule, deadline: { elapsed() >= timeLimit }) else { continue }
                    repair(&dived, problem: problem)
                    trim(&dived, problem: problem)
                    if problem.cost(of: dived) < problem.cost(of: start) { start = dived }
                    note("dive \(rule)", dived)
                }
            }
            // Most weeks' optimum is the bound or one unit above it, and a dive that meets the
            // bound ends the solve without CBC. Before the rounding box, running the two slow
            // dives after the neighbourhood search measured no better (they found the bound on
            // weeks the search did not); with the box and the probe they no longer pay (see
            // `diveRules`).
            let rules = diveRules
            // RENS first: on most headcount weeks the bound is the optimum and a schedule at it
            // lies within a worker of the relaxation on every template, which CBC finds in
            // the box at or near its root, before any dive. Not on one day: there the dives
            // close the rounding in a millisecond or two, and loading CBC took 15 ms.
            // How a box's search ended, for the trace.
            func outcome(_ found: (workers: [Int]?, nodes: Int, stopped: Bool)) -> String {
                found.workers != nil ? "at the bound" : found.stopped ? "stopped at its limit" : "none at the bound"
            }
            var searchNodes = 0
            var roundingBoxStopped = false
            var roundingBoxRefuted = false
            if roundingBoxNodes > 0, problem.days > 1, !atBound() {
                let found = searchRoundingBox(
                    problem, matrix: matrix, relaxed: relaxation.solution, target: provenBound, unit: unit,
                    maxNodes: roundingBoxNodes, timeLimit: min(timeLimit * roundingBoxShare, max(0.001, timeLimit - elapsed())))
                searchNodes += found.nodes
                if let workers = found.workers { start = workers }
                roundingBoxStopped = found.workers == nil && found.nodes >= roundingBoxNodes
                roundingBoxRefuted = found.workers == nil && !found.stopped
                note("rounding box, \(found.nodes) nodes: \(outcome(found))", start, bound: provenBound)
            }
            // The rounding box holds each template near the relaxation; where the schedule at the
            // bound spreads a shape's workers over its rotations otherwise, the shape box finds
            // it with the templates free and only each shape's total bounded. Only after the
            // rounding box ran to its node limit (where it refutes the bound quickly, the bound
            // is often a unit short and the shape box would not help; where the wall clock cut
            // it short, on a loaded machine, there is no time for a second box), and only where every
            // template costs the same — the cost counts workers, as the cuts do, and the bound
            // is nearly always the optimum; on paid time it rarely is, and the search would
            // take CBC's time.
            let countsWorkers = problem.templates.allSatisfy { $0.cost == problem.templates[0].cost }
            if shapeBoxNodes > 0, roundingBoxStopped, countsWorkers, !atBound() {
                let found = searchShapeBox(
                    problem, cuts: cuts, relaxed: relaxation.solution, target: provenBound, unit: unit,
                    slack: shapeBoxSlack, maxNodes: shapeBoxNodes,
                    timeLimit: min(timeLimit * shapeBoxShare, max(0.001, timeLimit - elapsed())))
                searchNodes += found.nodes
                if let workers = found.workers { start = workers }
                note("shape box, \(found.nodes) nodes: \(outcome(found))", start, bound: provenBound)
            }
            dive(rules.prefix(divesBeforeSearch))
            // Where the rounding box holds no schedule at the bound, the bound is often a unit
            // short of the optimum, and then no neighbourhood can meet it: the search spends its
            // whole budget before CBC proves the dive optimal, often at its root (Gomory cuts and
            // strong branching). So a short run of CBC's search from the best dive comes first
            // there; it also finds the schedule at the bound within a few nodes on some weeks.
            // Not where the box ran to its limit: those weeks' schedules lie deeper in CBC's
            // tree, and the probe only delayed what finds them.
            if probeNodes > 0, roundingBoxRefuted, !atBound(), elapsed() < timeLimit {
                let probe = matrix.branchAndCut(
                    start: start, unit: unit, timeLimit: min(timeLimit * probeShare, max(0.001, timeLimit - elapsed())),
                    relativeGap: 0, options: solverOptions + [("maxNodes", String(probeNodes))], log: trace != nil)
                searchNodes += probe.nodes
                let searched = Self.afterSearch(probe, from: start, bound: provenBound, problem: problem, unit: unit)
                start = searched.workers
                provenBound = searched.bound
                note("probe, \(probe.nodes) nodes", start, bound: provenBound)
            }
            if !atBound(), !neighbourhoods.isEmpty {
                let searched = searchNeighbourhoods(
                    problem, start: start, relaxed: relaxation.solution, cuts: cuts, bound: provenBound, unit: unit,
                    budget: timeLimit * neighbourhoodShare, elapsed: elapsed)
                start = searched.workers
                trim(&start, problem: problem)
                searchNodes += searched.nodes
                note("neighbourhoods, \(searched.nodes) nodes", start, bound: provenBound)
            }
            dive(rules.dropFirst(divesBeforeSearch))
            if atBound() {
                return ShiftSchedule(problem: problem, workers: start, lowerBound: provenBound,
                                     linearRelaxation: plainRelaxation, isOptimal: true, nodes: searchNodes,
                                     seconds: elapsed())
            }
            let remaining = timeLimit - elapsed()
            guard remaining > 0.001 else {
                return ShiftSchedule(problem: problem, workers: start, lowerBound: provenBound,
                                     linearRelaxation: plainRelaxation, isOptimal: false, nodes: searchNodes, seconds: elapsed())
            }
            // CBC starts from the best dive. With the time-of-day cuts' bound the dive is
            // usually a unit above the optimum and CBC's root heuristics close that unit (on 36
            // generated headcount weeks, 36 proven within 5 s, 32 within 1 s, against 35 and 30
            // starting from the plain rounding, which was the better start before the cuts).
            // A cutoff half a unit below the dive, so that the tree only looks for a cheaper
            // schedule, measured worse (33 of 36).
            let result = matrix.branchAndCut(start: start, unit: unit, timeLimit: remaining,
                                             relativeGap: relativeGap, options: solverOptions, log: trace != nil)
            let searched = Self.afterSearch(result, from: start, bound: provenBound, problem: problem, unit: unit)
            note("CBC, \(result.nodes) nodes", searched.workers, bound: result.bound)
            return ShiftSchedule(problem: problem, workers: searched.workers, lowerBound: searched.bound,
                                 linearRelaxation: plainRelaxation, isOptimal: searched.isOptimal, nodes: searchNodes + result.nodes,
                                 seconds: elapsed())
        }
    }

    /// The schedule and proven bound after a CBC search of the whole program that started from
    /// `start`, a covering schedule, with `bound` proven before it: CBC's schedule when it
    /// covers and costs no more than `start`, and the larger of `bound` and CBC's own bound
    /// rounded up to the cost unit — never above the schedule's cost. Optimal when that bound
    /// reaches the schedule's cost, or CBC proved that very cost optimal; the bound is then the
    /// cost.
    static func afterSearch(
        _ result: SparseColumns.SearchResult, from start: [Int], bound: Double, problem: ShiftSchedulingProblem,
        unit: Double?
    ) -> (workers: [Int], bound: Double, isOptimal: Bool) {
        var workers = start
        if let found = result.solution, problem.isCovered(by: found), problem.cost(of: found) <= problem.cost(of: start) {
            workers = found
        }
        let cost = problem.cost(of: workers)
        let searched = result.bound.isFinite ? problem.roundedUp(result.bound, unit: unit) : bound
        let proven = min(max(bound, searched), cost)
        let optimal = result.provenOptimal && abs(cost - result.objective) <= 1e-6 * max(1, abs(cost))
            || cost <= proven + 1e-9
        return (workers, optimal ? cost : proven, optimal)
    }

    /// Adds workers on the cheapest template covering each interval short of its requirement;
    /// a dive's counts, taken to whole numbers within the solver's tolerance, may fall short by
    /// a hair.
    private func repair(_ workers: inout [Int], problem: ShiftSchedulingProblem) {
        var staff = problem.staffing(workers)
        var covering = [[Int]](repeating: [], count: problem.required.count)
        for (column, intervals) in problem.coverage.enumerated() { for interval in intervals { covering[interval].append(column) } }
        for interval in problem.required.indices where staff[interval] < problem.required[interval] {
            guard let cheapest = covering[interval].min(by: { problem.templates[$0].cost < problem.templates[$1].cost }) else { continue }
            let missing = problem.required[interval] - staff[interval]
            workers[cheapest] += missing
            for covered in problem.coverage[cheapest] { staff[covered] += missing }
        }
    }

    /// Removes workers the cover does not need, costliest templates first, keeping coverage.
    private func trim(_ workers: inout [Int], problem: ShiftSchedulingProblem) {
        var staff = problem.staffing(workers)
        let order = problem.templates.indices.sorted { problem.templates[$0].cost > problem.templates[$1].cost }
        for j in order where workers[j] > 0 {
            let column = problem.coverage[j]
            let spare = column.map { staff[$0] - problem.required[$0] }.min() ?? workers[j]
            let removable = min(workers[j], max(0, spare))
            guard removable > 0 else { continue }
            workers[j] -= removable
            for interval in column { staff[interval] -= removable }
        }
    }
}

/// A schedule: how many workers start on each template, its cost, and how good it is proven to
/// be.
public struct ShiftSchedule: Sendable, Hashable, Codable {
    /// Workers per template, in the problem's template order.
    public var workers: [Int]
    /// The schedule's cost: Σ cost × workers.
    public var cost: Double
    /// A proven lower bound on the cost of any covering schedule (equal to ``cost`` when
    /// optimal).
    public var lowerBound: Double
    /// The linear relaxation's optimum: fractional workers allowed. At most the optimum.
    public var linearRelaxation: Double
    /// (cost − lower bound) / cost: 0 when proven optimal.
    public var gap: Double
    /// Whether the schedule is proven optimal.
    public var isOptimal: Bool
    /// Staff on the queue per interval.
    public var staffing: [Int]
    /// Staff beyond the requirement per interval.
    public var surplus: [Int]
    /// Branch-and-bound nodes CBC explored, in the neighbourhood search and the main search.
    public var nodes: Int
    /// Wall-clock seconds the solve took.
    public var seconds: Double

    init(
        problem: ShiftSchedulingProblem, workers: [Int], lowerBound: Double, linearRelaxation: Double,
        isOptimal: Bool, nodes: Int, seconds: Double
    ) {
        self.workers = workers
        cost = problem.cost(of: workers)
        self.lowerBound = lowerBound
        self.linearRelaxation = linearRelaxation
        gap = cost > 0 ? max(0, (cost - lowerBound) / cost) : 0
        self.isOptimal = isOptimal
        staffing = problem.staffing(workers)
        surplus = zip(staffing, problem.required).map { $0 - $1 }
        self.nodes = nodes
        self.seconds = seconds
    }

    /// Workers scheduled in all.
    public var headcount: Int { workers.reduce(0, +) }
}

/// The constraint matrix in compressed sparse columns, as CLP and CBC load it.
struct SparseColumns {
    var columnStarts: [CoinBigIndex]
    var rowIndices: [Int32]
    var values: [Double]
    var costs: [Double]
    var rowLower: [Double]
    var rowUpper: [Double]
    var columnLower: [Double]
    var columnUpper: [Double]

    /// The covering rows, one per interval, then a row per cut.
    init(_ problem: ShiftSchedulingProblem, cuts: [WorkerCut] = []) {
        var cutRows = [[Int32]](repeating: [], count: problem.templates.count)
        for (index, cut) in cuts.enumerated() {
            for column in cut.templates { cutRows[column].append(Int32(problem.required.count + index)) }
        }
        columnStarts = [0]
        rowIndices = []
        for (column, intervals) in problem.coverage.enumerated() {
            rowIndices.append(contentsOf: intervals.map { Int32($0) })
            rowIndices.append(contentsOf: cutRows[column])
            columnStarts.append(CoinBigIndex(rowIndices.count))
        }
        values = [Double](repeating: 1, count: rowIndices.count)
        costs = problem.templates.map(\.cost)
        rowLower = problem.required.map(Double.init) + cuts.map { Double($0.workers) }
        rowUpper = [Double](repeating: .infinity, count: rowLower.count)
        columnLower = [Double](repeating: 0, count: costs.count)
        // Nobody needs more workers on one template than the largest requirement it covers.
        columnUpper = problem.coverage.map { column in Double(column.map { problem.required[$0] }.max() ?? 0) }
    }

    /// The program left when the templates not `free` are fixed at `workers`: the free
    /// templates alone, over the intervals and cuts the fixed ones leave short, each needing
    /// what they leave. Nil when an interval left short has no free template covering it.
    init?(_ problem: ShiftSchedulingProblem, cuts: [WorkerCut], fixing workers: [Int], free: [Bool]) {
        var staff = [Int](repeating: 0, count: problem.required.count)
        for (column, intervals) in problem.coverage.enumerated() where !free[column] && workers[column] > 0 {
            for interval in intervals { staff[interval] += workers[column] }
        }
        var rowOf = [Int32](repeating: -1, count: problem.required.count + cuts.count)
        rowLower = []
        for interval in problem.required.indices where problem.required[interval] > staff[interval] {
            rowOf[interval] = Int32(rowLower.count)
            rowLower.append(Double(problem.required[interval] - staff[interval]))
        }
        for (index, cut) in cuts.enumerated() {
            let fixed = cut.templates.reduce(0) { $0 + (free[$1] ? 0 : workers[$1]) }
            guard cut.workers > fixed else { continue }
            rowOf[problem.required.count + index] = Int32(rowLower.count)
            rowLower.append(Double(cut.workers - fixed))
        }
        var cutRows = [[Int]](repeating: [], count: problem.templates.count)
        for (index, cut) in cuts.enumerated() {
            for column in cut.templates { cutRows[column].append(problem.required.count + index) }
        }
        columnStarts = [0]
        rowIndices = []
        costs = []
        columnUpper = []
        var covered = [Bool](repeating: false, count: rowLower.count)
        for column in problem.templates.indices where free[column] {
            var largest = 0.0
            for row in problem.coverage[column] + cutRows[column] where rowOf[row] >= 0 {
                let index = Int(rowOf[row])
                rowIndices.append(Int32(index))
                covered[index] = true
                if row < problem.required.count { largest = max(largest, rowLower[index]) }
            }
            columnStarts.append(CoinBigIndex(rowIndices.count))
            costs.append(problem.templates[column].cost)
            columnUpper.append(largest)
        }
        guard covered.allSatisfy({ $0 }) else { return nil }
        values = [Double](repeating: 1, count: rowIndices.count)
        rowUpper = [Double](repeating: .infinity, count: rowLower.count)
        columnLower = [Double](repeating: 0, count: costs.count)
    }

    /// What a CBC search ended with: its best schedule (nil when it found none) and that
    /// schedule's cost, the bound it proved, whether it proved the schedule optimal, the nodes
    /// it explored and whether a limit stopped it.
    typealias SearchResult = (solution: [Int]?, objective: Double, bound: Double, provenOptimal: Bool, nodes: Int, stopped: Bool)

    var columnCount: Int32 { Int32(costs.count) }
    var rowCount: Int32 { Int32(rowLower.count) }

    /// CBC's branch and cut from `start` (costs on a grid of `unit` when given), stopping at
    /// the limit or gap. `lower` and `upper` replace the columns' bounds (a sub-program with
    /// some templates fixed); `cutoff` rejects every schedule costing that much or more, and
    /// `solutionLimit` stops the search at that many schedules found.
    func branchAndCut(
        start: [Int]?, unit: Double?, timeLimit: Double, relativeGap: Double, options: [(String, String)],
        lower: [Double]? = nil, upper: [Double]? = nil, cutoff: Double? = nil, solutionLimit: Int? = nil,
        log: Bool = false
    ) -> SearchResult {
        let model = Cbc_newModel()!
        defer { Cbc_deleteModel(model) }
        Cbc_loadProblem(model, columnCount, rowCount, columnStarts, rowIndices, values, lower ?? columnLower,
                        upper ?? columnUpper, costs, rowLower, rowUpper)
        for column in 0..<columnCount { Cbc_setInteger(model, column) }
        if let start {
            let indices = start.indices.filter { start[$0] > 0 }
            Cbc_setMIPStartI(model, Int32(indices.count), indices.map { Int32($0) }, indices.map { Double(start[$0]) })
        }
        if let cutoff { Cbc_setParameter(model, "cutoff", String(cutoff)) }
        if let solutionLimit { Cbc_setParameter(model, "maxSolutions", String(solutionLimit)) }
        // A schedule must improve on the last by a unit, less a margin for the relaxation's
        // tolerance: a node whose bound sits on the next unit down is still searched.
        if let unit { Cbc_setParameter(model, "increment", String(unit * (1 - 1e-4))) }
        Cbc_setLogLevel(model, log ? 1 : 0)
        Cbc_setParameter(model, "timeMode", "elapsed")
        Cbc_setMaximumSeconds(model, timeLimit)
        if relativeGap > 0 { Cbc_setAllowableFractionGap(model, relativeGap) }
        for (name, value) in options { Cbc_setParameter(model, name, value) }
        Cbc_solve(model)
        let nodes = Int(Cbc_getNodeCount(model))
        let bound = Cbc_getBestPossibleObjValue(model)
        // Stopped by a limit rather than by searching the whole tree.
        let stopped = Cbc_isSecondsLimitReached(model) != 0 || Cbc_isNodeLimitReached(model) != 0
        guard let best = Cbc_bestSolution(model) else {
            return (nil, .infinity, bound, false, nodes, stopped)
        }
        let solution = (0..<costs.count).map { Int(best[$0].rounded()) }
        return (solution, Cbc_getObjValue(model), bound, Cbc_isProvenOptimal(model) != 0, nodes, stopped)
    }
}
