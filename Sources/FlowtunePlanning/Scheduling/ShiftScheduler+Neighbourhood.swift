import FlowtuneCore

extension ShiftScheduler {
    /// Which templates a neighbourhood search leaves free around a schedule; the others stay
    /// fixed at the schedule's counts and CBC solves what is left, a program of a quarter or a
    /// third of the templates.
    enum Neighbourhood: Hashable, Sendable {
        /// Free where the schedule and the relaxation (with its cuts) hold different counts,
        /// fixed where they agree (RINS): the relaxation already agrees with most of a dive, and
        /// where it does not is where a cheaper schedule differs.
        case disagreement
        /// Free a seeded random half of the templates where the schedule and the relaxation
        /// disagree: a smaller program, a different part of the week.
        case random
        /// Free the templates whose shift starts in one part of the day — the `part`-th of
        /// `parts` equal slices, widened by half a slice either side — on every rotation, and
        /// fix the rest: a cheaper schedule that moves workers between nearby start times
        /// rather than between the templates the relaxation left undecided.
        case timeOfDay(part: Int, parts: Int)
    }

    /// Which templates `neighbourhood` leaves free around `workers`, given the relaxation's
    /// counts `relaxed`.
    static func freeTemplates(
        _ neighbourhood: Neighbourhood, workers: [Int], relaxed: [Double], random: inout SeededGenerator,
        problem: ShiftSchedulingProblem? = nil
    ) -> [Bool] {
        let tolerance = 1e-6
        return workers.indices.map { column in
            let disagrees = abs(relaxed[column] - Double(workers[column])) > tolerance
            switch neighbourhood {
            case .disagreement: return disagrees
            case .random: return disagrees && Bool.random(using: &random)
            case .timeOfDay(let part, let parts):
                guard let problem, parts > 0 else { return false }
                let day = problem.intervalsPerDay
                let start = problem.templates[column].start % day
                // The distance around the clock from the slice's centre, in units of a
                // slice's width times parts (integers, no rounding).
                let centre = (2 * part + 1) * day
                var distance = abs(2 * parts * start - centre) % (2 * parts * day)
                distance = min(distance, 2 * parts * day - distance)
                return distance < 2 * day
            }
        }
    }

    /// A cheaper covering schedule near `start` when CBC finds one within `budget` seconds,
    /// else `start`, with the nodes CBC explored.
    ///
    /// Each of ``neighbourhoods`` in turn fixes the templates outside it at the best schedule
    /// so far; what the fixed templates leave short (intervals and cuts) is a small covering
    /// program over the free ones, which CBC searches for a schedule a whole unit cheaper
    /// (its cutoff). When a unit cheaper already meets `bound`, the first schedule CBC finds
    /// is optimal and the search stops there; otherwise it may run to its limit and the next
    /// neighbourhood starts from what it found. Every schedule is checked against the
    /// problem's own coverage before it is kept.
    ///
    /// The caller holds ``IntegerProgram/lock``: CBC's driver keeps its parameters in statics, and
    /// two solves at once on different threads read each other's.
    func searchNeighbourhoods(
        _ problem: ShiftSchedulingProblem, start: [Int], relaxed: [Double], cuts: [WorkerCut], bound: Double,
        unit: Double?, budget: Double, elapsed: () -> Double
    ) -> (workers: [Int], nodes: Int) {
        let deadline = elapsed() + budget
        let perTry = timeLimit * neighbourhoodTryShare
        var best = start
        var nodes = 0
        var random = SeededGenerator(seed: neighbourhoodSeed)
        for (neighbourhood, options) in neighbourhoods {
            let cost = problem.cost(of: best)
            let remaining = deadline - elapsed()
            if cost <= bound + 1e-9 || remaining <= 0.001 { break }
            let free = Self.freeTemplates(neighbourhood, workers: best, relaxed: relaxed, random: &random, problem: problem)
            guard free.contains(true), let program = SparseColumns(problem, cuts: cuts, fixing: best, free: free) else {
                continue
            }
            var found = best
            if program.rowCount == 0 {
                // The fixed templates cover everything: the free ones can all go.
                for column in found.indices where free[column] { found[column] = 0 }
            } else {
                let fixedCost = problem.templates.indices.reduce(0.0) {
                    $0 + (free[$1] ? 0 : problem.templates[$1].cost * Double(best[$1]))
                }
                // Off a cost grid, any cheaper schedule will do.
                let step = unit ?? 1e-6 * max(1, cost)
                let meetsBound = cost - step <= bound + 1e-9
                let result = program.branchAndCut(
                    start: nil, unit: unit, timeLimit: min(perTry, remaining), relativeGap: 0, options: options,
                    cutoff: cost - fixedCost - step / 2, solutionLimit: meetsBound ? 1 : nil)
                nodes += result.nodes
                guard let solution = result.solution else {
                    trace?(String(format: "%7.3f s    %@ neighbourhood, %d free, %d rows: nothing cheaper, %d nodes",
                                  elapsed(), "\(neighbourhood)", free.filter { $0 }.count, Int(program.rowCount), result.nodes))
                    continue
                }
                var next = 0
                for column in found.indices where free[column] {
                    found[column] = solution[next]
                    next += 1
                }
            }
            if problem.isCovered(by: found), problem.cost(of: found) < cost - 1e-9 { best = found }
            if let trace {
                trace(String(format: "%7.3f s    %@ neighbourhood, %d free, %d rows: cost %.2f",
                             elapsed(), "\(neighbourhood)", free.filter { $0 }.count, Int(program.rowCount), problem.cost(of: best)))
            }
        }
        return (best, nodes)
    }
}
