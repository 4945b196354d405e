import Foundation
import Synchronization
import Testing

@testable import FlowtunePlanning

/// A CBC search's result as `branchAndCut` returns it, for the merging rules alone.
private func searchResult(
    _ solution: [Int]?, objective: Double = .infinity, bound: Double, provenOptimal: Bool = false
) -> SparseColumns.SearchResult {
    (solution, objective, bound, provenOptimal, 0, !provenOptimal)
}

@Suite("Shift scheduling probe before the neighbourhoods")
struct SchedulingProbeTests {

    @Test("A search's schedule is taken only when it covers and costs no more; its bound rounds up, never past the cost")
    func mergingRules() {
        let problem = rotationProblem(seed: 11, days: 3, perDay: 4, headcount: true)
        let optimum = bruteForceOptimum(problem, cap: 3)
        var start: [Int] = []
        forEachCoveringSchedule(problem, cap: 3) { if start.isEmpty || problem.cost(of: $0) > problem.cost(of: start) { start = $0 } }
        let startCost = problem.cost(of: start)
        #expect(startCost > optimum)

        // A bound below the schedule: rounded up to the unit, not optimal.
        let partial = ShiftScheduler.afterSearch(
            searchResult(nil, bound: optimum - 0.6), from: start, bound: optimum - 2, problem: problem, unit: 1)
        #expect(partial.workers == start)
        #expect(partial.bound == optimum && !partial.isOptimal)

        // A schedule that does not cover is never taken, whatever it claims.
        let empty = [Int](repeating: 0, count: problem.templates.count)
        let uncovered = ShiftScheduler.afterSearch(
            searchResult(empty, objective: 0, bound: 0, provenOptimal: true), from: start, bound: optimum - 1,
            problem: problem, unit: 1)
        #expect(uncovered.workers == start && !uncovered.isOptimal)

        // A bound above the schedule (a search that pruned everything) is capped at its cost.
        let capped = ShiftScheduler.afterSearch(
            searchResult(nil, bound: startCost + 3), from: start, bound: optimum, problem: problem, unit: 1)
        #expect(capped.bound == startCost && capped.isOptimal)

        // The optimum found and proven: taken, and the bound is its cost.
        var best: [Int] = []
        forEachCoveringSchedule(problem, cap: 3) { if best.isEmpty || problem.cost(of: $0) < problem.cost(of: best) { best = $0 } }
        let proven = ShiftScheduler.afterSearch(
            searchResult(best, objective: optimum, bound: optimum - 0.5, provenOptimal: true), from: start,
            bound: optimum - 1, problem: problem, unit: 1)
        #expect(proven.workers == best && proven.isOptimal && proven.bound == optimum)
    }

    @Test("Solves through the probe, cut short or not, equal brute force and claim optimality only there")
    func probeAgainstBruteForce() throws {
        let probed = Mutex(0)
        // Seeds around one (310) whose rounding box holds nothing at the bound and whose dives
        // stop above it, so that the probe runs; on the others the box or a dive closes first.
        for seed in 8...12 as ClosedRange<UInt64> {
            let problem = rotationProblem(seed: seed + 300, days: 4, perDay: 6, headcount: seed % 2 == 0)
            let optimum = bruteForceOptimum(problem, cap: 2)
            for nodes in [1, 1000] {
                // Nothing else may close the week after the rounding box and the dives: no shape
                // box, no neighbourhoods, and the last search held to its root.
                var scheduler = ShiftScheduler(timeLimit: 10)
                scheduler.shapeBoxNodes = 0
                scheduler.neighbourhoods = []
                scheduler.probeNodes = nodes
                scheduler.solverOptions += [("maxNodes", "0")]
                scheduler.trace = { line in if line.contains("probe,") { probed.withLock { $0 += 1 } } }
                let schedule = try scheduler.solve(problem)
                #expect(problem.isCovered(by: schedule.workers), "seed \(seed)")
                #expect(schedule.cost >= optimum - 1e-9, "seed \(seed): \(schedule.cost) below the optimum \(optimum)")
                #expect(schedule.lowerBound <= optimum + 1e-9, "seed \(seed): bound \(schedule.lowerBound) above \(optimum)")
                if schedule.isOptimal {
                    #expect(abs(schedule.cost - optimum) < 1e-9, "seed \(seed): optimal claimed at \(schedule.cost)")
                }
            }
        }
        // The checks above covered the probe's results.
        #expect(probed.withLock { $0 } > 0)
    }

    @Test("Solves with any list of dives, none included, equal brute force and claim optimality only there")
    func diveRulesAgainstBruteForce() throws {
        let lists: [[LinearRelaxation.DiveRule]] = [[], [.nearestUp, .keepWholeParts], LinearRelaxation.DiveRule.allCases]
        for seed in 8...12 as ClosedRange<UInt64> {
            let problem = rotationProblem(seed: seed + 300, days: 4, perDay: 6, headcount: seed % 2 == 0)
            let optimum = bruteForceOptimum(problem, cap: 2)
            for rules in lists {
                var scheduler = ShiftScheduler(timeLimit: 10)
                scheduler.diveRules = rules
                let schedule = try scheduler.solve(problem)
                #expect(problem.isCovered(by: schedule.workers), "seed \(seed), \(rules)")
                #expect(schedule.cost >= optimum - 1e-9, "seed \(seed), \(rules): \(schedule.cost) below the optimum \(optimum)")
                #expect(schedule.lowerBound <= optimum + 1e-9, "seed \(seed), \(rules): bound above the optimum")
                // A limit of 10 s on a four-day week: every solve closes, the dives or not.
                #expect(schedule.isOptimal && abs(schedule.cost - optimum) < 1e-9, "seed \(seed), \(rules): \(schedule.cost) against \(optimum)")
            }
        }
    }
}
