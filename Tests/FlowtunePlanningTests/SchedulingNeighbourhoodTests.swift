import FlowtuneCore
import Foundation
import Testing

@testable import FlowtunePlanning

/// Seconds since `start`, as the scheduler reads its clock.
private func elapsed(since start: ContinuousClock.Instant) -> Double {
    let duration = ContinuousClock.now - start
    return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
}

/// A covering schedule far from optimal: on every template the largest requirement it covers.
private func everyoneOn(_ problem: ShiftSchedulingProblem) -> [Int] {
    problem.coverage.map { column in column.map { problem.required[$0] }.max() ?? 0 }
}

/// The full-program coverage of `fixed` completed by `completion` on the free templates.
private func completed(_ fixed: [Int], free: [Bool], with completion: [Int]) -> [Int] {
    var workers = fixed
    var next = 0
    for column in workers.indices where free[column] {
        workers[column] = completion[next]
        next += 1
    }
    return workers
}

@Suite("Shift scheduling neighbourhood search")
struct SchedulingNeighbourhoodTests {
    @Test("The sub-program's rows hold exactly when the completed schedule covers the problem and meets the cuts")
    func subProgramAgainstFullProgram() throws {
        var random = SeededGenerator(seed: 7)
        var checked = 0
        for seed in 1...30 as ClosedRange<UInt64> {
            let days = seed % 2 == 0 ? 2 : 3
            let problem = smallProblem(seed: seed + 500, days: days, perDay: 4, templates: 5, costs: .integral)
            let cuts = problem.timeOfDayCuts()
            let fixed = problem.templates.indices.map { _ in Int.random(in: 0...2, using: &random) }
            let free = problem.templates.indices.map { _ in Bool.random(using: &random) }
            let freeCount = free.filter { $0 }.count
            guard freeCount > 0 else { continue }
            let program = SparseColumns(problem, cuts: cuts, fixing: fixed, free: free)
            // Every completion of 0…3 workers on the free templates.
            var completion = [Int](repeating: 0, count: freeCount)
            func visit(_ index: Int) {
                if index < freeCount {
                    for count in 0...3 {
                        completion[index] = count
                        visit(index + 1)
                    }
                    return
                }
                let workers = completed(fixed, free: free, with: completion)
                let full = problem.isCovered(by: workers)
                    && cuts.allSatisfy { cut in cut.templates.reduce(0) { $0 + workers[$1] } >= cut.workers }
                guard let program else {
                    // Nil only when some interval or cut the fixed templates leave short has no
                    // free template: then no completion covers.
                    #expect(!full, "seed \(seed): a covering completion of a program said to have none")
                    return
                }
                var activity = [Double](repeating: 0, count: program.rowLower.count)
                for (column, count) in completion.enumerated() {
                    let start = Int(program.columnStarts[column])
                    let end = Int(program.columnStarts[column + 1])
                    for entry in start..<end { activity[Int(program.rowIndices[entry])] += Double(count) }
                }
                let sub = zip(activity, program.rowLower).allSatisfy { $0 >= $1 - 1e-9 }
                #expect(sub == full, "seed \(seed): sub-program \(sub), full program \(full) for \(workers)")
                checked += 1
            }
            visit(0)
            if let program {
                #expect(program.costs == problem.templates.indices.filter { free[$0] }.map { problem.templates[$0].cost })
            }
        }
        #expect(checked > 1000)
    }

    @Test("With every template free the search reaches the brute-force optimum from a poor start, and never goes below it")
    func wholeNeighbourhoodFindsOptimum() throws {
        let kinds: [SmallCosts] = [.integral, .fractional, .quarters, .fives]
        for seed in 1...32 as ClosedRange<UInt64> {
            let kind = kinds[Int(seed) % kinds.count]
            let days = seed % 3 == 0 ? 2 : 1
            let problem = smallProblem(seed: seed + 2000, days: days, perDay: days == 1 ? 10 : 6,
                                       templates: seed % 2 == 0 ? 4 : 5, costs: kind)
            let optimum = bruteForceOptimum(problem, cap: 3)
            let start = everyoneOn(problem)
            #expect(problem.isCovered(by: start))
            // A "relaxation" half a worker off everywhere frees every template.
            let relaxed = start.map { Double($0) + 0.5 }
            var scheduler = ShiftScheduler(timeLimit: 20)
            scheduler.neighbourhoods = [(.disagreement, [])]
            scheduler.neighbourhoodTryShare = 1
            let started = ContinuousClock.now
            // Searching towards the true optimum as the bound: one improvement may not reach it,
            // so the cutoff only asks for a cheaper schedule and CBC runs to its optimum.
            // CBC solves take turns in a process, as `ShiftScheduler.schedule` takes them.
            let result = IntegerProgram.lock.withLock { _ in
                scheduler.searchNeighbourhoods(
                    problem, start: start, relaxed: relaxed, cuts: problem.timeOfDayCuts(), bound: optimum,
                    unit: problem.costUnit, budget: 20, elapsed: { elapsed(since: started) })
            }
            #expect(problem.isCovered(by: result.workers), "seed \(seed) \(kind)")
            #expect(problem.cost(of: result.workers) >= optimum - 1e-9, "seed \(seed) \(kind)")
            if problem.cost(of: start) > optimum + 1e-9 {
                #expect(abs(problem.cost(of: result.workers) - optimum) < 1e-9,
                        "seed \(seed) \(kind): \(problem.cost(of: result.workers)) against \(optimum)")
            }
        }
    }

    @Test("Fixed templates stay fixed, and a bound below the optimum is never met")
    func fixedStayFixedAndNoFalseOptimum() throws {
        for seed in 1...24 as ClosedRange<UInt64> {
            let problem = smallProblem(seed: seed + 3000, days: 1, perDay: 10, templates: 5, costs: .integral)
            let optimum = bruteForceOptimum(problem, cap: 3)
            let start = everyoneOn(problem)
            // The relaxation agrees with the start on the first two templates: they stay put.
            var relaxed = start.map { Double($0) + 0.5 }
            relaxed[0] = Double(start[0])
            relaxed[1] = Double(start[1])
            var scheduler = ShiftScheduler(timeLimit: 20)
            scheduler.neighbourhoods = [(.disagreement, []), (.random, []), (.random, [])]
            scheduler.neighbourhoodTryShare = 1
            let started = ContinuousClock.now
            // A bound a unit below the optimum: the search asks for the first schedule that
            // meets it, and there is none.
            let result = IntegerProgram.lock.withLock { _ in
                scheduler.searchNeighbourhoods(
                    problem, start: start, relaxed: relaxed, cuts: [], bound: optimum - 1, unit: problem.costUnit,
                    budget: 20, elapsed: { elapsed(since: started) })
            }
            #expect(result.workers[0] == start[0] && result.workers[1] == start[1], "seed \(seed)")
            #expect(problem.isCovered(by: result.workers), "seed \(seed)")
            #expect(problem.cost(of: result.workers) >= optimum - 1e-9, "seed \(seed)")
            #expect(problem.cost(of: result.workers) <= problem.cost(of: start), "seed \(seed)")
        }
    }

    @Test("Random neighbourhoods free a part of the disagreement, the same part for the same seed")
    func randomNeighbourhood() {
        let workers = [3, 0, 2, 5, 1, 0, 4, 2, 2, 1, 0, 3]
        let relaxed = [2.5, 0, 2, 4.2, 1, 0.3, 4, 1.9, 2.2, 0.7, 0, 3.4]
        var first = SeededGenerator(seed: 11)
        var second = SeededGenerator(seed: 11)
        let disagreement = ShiftScheduler.freeTemplates(.disagreement, workers: workers, relaxed: relaxed, random: &first)
        #expect(disagreement == [true, false, false, true, false, true, false, true, true, true, false, true])
        first = SeededGenerator(seed: 11)
        let part = ShiftScheduler.freeTemplates(.random, workers: workers, relaxed: relaxed, random: &first)
        #expect(part == ShiftScheduler.freeTemplates(.random, workers: workers, relaxed: relaxed, random: &second))
        #expect(zip(part, disagreement).allSatisfy { !$0 || $1 })
    }

    @Test("Generated weeks by headcount: the solve with the search proves the same optimum as without it")
    func generatedWeeks() throws {
        let weeks: [(UInt64, ShiftSchedulingProblem.GeneratedDemand)] = [(2, .roundTheClock), (1, .eveningPeak)]
        for (seed, demand) in weeks {
            let problem = ShiftSchedulingProblem.contactCentre(days: 7, templates: 192, seed: seed, demand: demand)
            let with = try ShiftScheduler(timeLimit: 60).solve(problem)
            var plain = ShiftScheduler(timeLimit: 60)
            plain.neighbourhoods = []
            let without = try plain.solve(problem)
            #expect(problem.isCovered(by: with.workers))
            #expect(with.isOptimal && without.isOptimal, "\(demand) seed \(seed)")
            #expect(with.cost == without.cost, "\(demand) seed \(seed): \(with.cost) against \(without.cost)")
        }
    }
}

@Suite("Shift scheduling neighbourhoods by time of day")
struct SchedulingTimeOfDayNeighbourhoodTests {
    /// Templates starting on every quarter hour of a day of 96 intervals, one per start.
    private func everyStart() throws -> ShiftSchedulingProblem {
        let templates = (0..<96).map { ShiftTemplate(name: "t\($0)", start: $0, length: 8) }
        return try ShiftSchedulingProblem(required: [Int](repeating: 1, count: 96), intervalsPerDay: 96, templates: templates)
    }

    @Test("A part of the day frees the templates starting within a slice's width of its centre, around midnight too")
    func partOfDayAgainstHours() throws {
        let problem = try everyStart()
        var random = SeededGenerator(seed: 1)
        let workers = [Int](repeating: 1, count: 96)
        let relaxed = [Double](repeating: 1, count: 96)
        for parts in [1, 3, 4, 6, 8, 12] {
            var freedSomewhere = [Bool](repeating: false, count: 96)
            for part in 0..<parts {
                let free = ShiftScheduler.freeTemplates(
                    .timeOfDay(part: part, parts: parts), workers: workers, relaxed: relaxed, random: &random, problem: problem)
                // In hours: the slice is 24 / parts wide, centred at (part + ½) × 24 / parts.
                let width = 24.0 / Double(parts)
                let centre = (Double(part) + 0.5) * width
                for column in 0..<96 {
                    let hour = Double(column) / 4
                    let around = abs(hour - centre).truncatingRemainder(dividingBy: 24)
                    let distance = min(around, 24 - around)
                    #expect(free[column] == (distance < width - 1e-9), "parts \(parts) part \(part) start \(hour) h")
                    if free[column] { freedSomewhere[column] = true }
                }
            }
            // The parts together leave no start time out.
            #expect(freedSomewhere.allSatisfy { $0 }, "parts \(parts)")
        }
    }

    @Test("Searching parts of the day never goes below the brute-force optimum; the whole day as one part reaches it")
    func partsOfDayAgainstBruteForce() throws {
        let kinds: [SmallCosts] = [.integral, .fractional, .quarters, .fives]
        for seed in 1...24 as ClosedRange<UInt64> {
            let kind = kinds[Int(seed) % kinds.count]
            let days = seed % 2 == 0 ? 2 : 3
            let problem = smallProblem(seed: seed + 4000, days: days, perDay: 6, templates: 5, costs: kind)
            let optimum = bruteForceOptimum(problem, cap: 3)
            let start = everyoneOn(problem)
            // Parts of the day ignore the relaxation: it agrees with the start everywhere.
            let relaxed = start.map(Double.init)
            for parts in [1, 3] {
                var scheduler = ShiftScheduler(timeLimit: 20)
                scheduler.neighbourhoods = (0..<parts).map { (.timeOfDay(part: $0, parts: parts), []) }
                scheduler.neighbourhoodTryShare = 1
                let started = ContinuousClock.now
                // A bound a unit below the optimum: nothing the search finds may meet it.
                let result = IntegerProgram.lock.withLock { _ in
                    scheduler.searchNeighbourhoods(
                        problem, start: start, relaxed: relaxed, cuts: problem.timeOfDayCuts(), bound: optimum - 1,
                        unit: problem.costUnit, budget: 20, elapsed: { elapsed(since: started) })
                }
                let cost = problem.cost(of: result.workers)
                #expect(problem.isCovered(by: result.workers), "seed \(seed) \(kind) parts \(parts)")
                #expect(cost >= optimum - 1e-9, "seed \(seed) \(kind) parts \(parts): \(cost) below \(optimum)")
                #expect(cost <= problem.cost(of: start) + 1e-9, "seed \(seed) \(kind) parts \(parts)")
                if parts == 1 {
                    #expect(abs(cost - optimum) < 1e-9, "seed \(seed) \(kind): \(cost) against \(optimum)")
                }
            }
        }
    }

    @Test("Small weeks solved with the default neighbourhoods: proven optima equal brute force")
    func smallWeeksAgainstBruteForce() throws {
        for seed in 1...16 as ClosedRange<UInt64> {
            let problem = smallProblem(seed: seed + 5000, days: 3, perDay: 6, templates: 5, costs: .integral)
            let optimum = bruteForceOptimum(problem, cap: 3)
            let schedule = try ShiftScheduler(timeLimit: 20).solve(problem)
            #expect(problem.isCovered(by: schedule.workers), "seed \(seed)")
            #expect(schedule.cost >= optimum - 1e-9, "seed \(seed)")
            #expect(schedule.lowerBound <= optimum + 1e-9, "seed \(seed)")
            if schedule.isOptimal { #expect(abs(schedule.cost - optimum) < 1e-9, "seed \(seed)") }
        }
    }
}
