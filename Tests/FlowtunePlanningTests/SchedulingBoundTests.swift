import FlowtuneCore
import Testing

@testable import FlowtunePlanning

/// Three intervals needing one worker each, three templates covering two of them each: the
/// relaxation puts half a worker on every template (1.5 × cost) where any schedule needs two.
private func triangle(costs: [Double]) throws -> ShiftSchedulingProblem {
    try ShiftSchedulingProblem(
        required: [1, 1, 1], intervalsPerDay: 3,
        templates: [
            ShiftTemplate(name: "a", start: 0, length: 2, cost: costs[0]),
            ShiftTemplate(name: "b", start: 1, length: 2, cost: costs[1]),
            // Starts at 2 and wraps to interval 0.
            ShiftTemplate(name: "c", start: 2, length: 2, cost: costs[2]),
        ])
}

@Suite("Shift scheduling bounds and dives")
struct SchedulingBoundTests {
    @Test("The cost unit is the largest amount every cost is a whole multiple of, or none")
    func costUnit() throws {
        #expect(try triangle(costs: [1, 1, 1]).costUnit == 1)
        #expect(try triangle(costs: [10, 15, 40]).costUnit == 5)
        #expect(try triangle(costs: [0.75, 1.5, 2.25]).costUnit == 0.75)
        #expect(try triangle(costs: [0.1, 0.2, 0.7]).costUnit.map { abs($0 - 0.1) < 1e-12 } == true)
        #expect(try triangle(costs: [0, 6, 9]).costUnit == 3)
        #expect(try triangle(costs: [1, 1.0 / 3, 1]).costUnit == nil)
        #expect(try triangle(costs: [1, 1, 1.0000001]).costUnit == nil)
        #expect(try triangle(costs: [0, 0, 0]).costUnit == nil)
        let week = ShiftSchedulingProblem.contactCentre(days: 7, templates: 192, seed: 1, cost: .paidTime)
        // Paid intervals a day times five days.
        #expect(week.costUnit.map { $0.truncatingRemainder(dividingBy: 5) == 0 } == true)
    }

    @Test("The bound rounds up to the grid, and only when there is one")
    func rounding() throws {
        let problem = try triangle(costs: [1, 1, 1])
        #expect(problem.roundedUp(1.5, unit: 1) == 2)
        #expect(problem.roundedUp(2, unit: 1) == 2)
        // A relaxation a hair above a whole number (solver tolerance) stays on it.
        #expect(problem.roundedUp(2 + 1e-9, unit: 1) == 2)
        #expect(problem.roundedUp(4.5, unit: 3) == 6)
        #expect(problem.roundedUp(1.5, unit: nil) == 1.5)
    }

    @Test("The triangle: proven optimal by the rounded bound on a grid, by search off it")
    func triangleBound() throws {
        for (costs, optimum) in [([1.0, 1, 1], 2.0), ([3.0, 3, 3], 6.0), ([0.5, 0.5, 0.5], 1.0), ([1, 1, 1.0000001], 2.0)] {
            let problem = try triangle(costs: costs)
            let schedule = try ShiftScheduler(timeLimit: 10).solve(problem)
            #expect(abs(schedule.linearRelaxation - 1.5 * costs.min()!) < 1e-6, "\(costs)")
            #expect(abs(schedule.cost - optimum) < 1e-9, "\(costs)")
            #expect(schedule.isOptimal && schedule.gap == 0, "\(costs)")
            #expect(problem.isCovered(by: schedule.workers))
        }
        // Off the grid the relaxation is not rounded: the proof of 2 is the search's.
        let offGrid = try triangle(costs: [1, 1, 1.0000001])
        #expect(offGrid.costUnit == nil)
        #expect(offGrid.roundedUp(1.50000005, unit: offGrid.costUnit) == 1.50000005)
    }

    @Test("Never a wrong proof: optima and bounds against brute force for every kind of cost")
    func bruteForceAllCosts() throws {
        let kinds: [SmallCosts] = [.integral, .fractional, .quarters, .fives]
        for seed in 1...48 as ClosedRange<UInt64> {
            let kind = kinds[Int(seed) % kinds.count]
            let days = seed % 3 == 0 ? 2 : 1
            let problem = smallProblem(seed: seed + 1000, days: days, perDay: days == 1 ? 10 : 6,
                                       templates: seed % 2 == 0 ? 4 : 5, costs: kind)
            let optimum = bruteForceOptimum(problem, cap: 3)
            let schedule = try ShiftScheduler(timeLimit: 10).solve(problem)
            #expect(problem.isCovered(by: schedule.workers), "seed \(seed) \(kind)")
            #expect(schedule.lowerBound <= optimum + 1e-9, "seed \(seed) \(kind): bound \(schedule.lowerBound) above \(optimum)")
            #expect(schedule.linearRelaxation <= optimum + 1e-9, "seed \(seed) \(kind)")
            #expect(schedule.isOptimal, "seed \(seed) \(kind)")
            #expect(abs(schedule.cost - optimum) < 1e-9, "seed \(seed) \(kind): \(schedule.cost) against \(optimum)")
        }
    }

    @Test("Every dive ends in a covering schedule no cheaper than the optimum")
    func dives() throws {
        for seed in 1...24 as ClosedRange<UInt64> {
            let days = seed % 2 == 0 ? 2 : 1
            let problem = smallProblem(seed: seed + 2000, days: days, perDay: days == 1 ? 10 : 6, templates: 5,
                                       costs: seed % 3 == 0 ? .fractional : .integral)
            let optimum = bruteForceOptimum(problem, cap: 3)
            let relaxation = try LinearRelaxation(SparseColumns(problem), timeLimit: 10)
            #expect(relaxation.objective <= optimum + 1e-9)
            for rule in LinearRelaxation.DiveRule.allCases {
                let workers = try #require(relaxation.dive(rule, deadline: { false }), "seed \(seed) \(rule)")
                #expect(workers.allSatisfy { $0 >= 0 }, "seed \(seed) \(rule)")
                #expect(problem.isCovered(by: workers), "seed \(seed) \(rule)")
                #expect(problem.cost(of: workers) >= optimum - 1e-9, "seed \(seed) \(rule)")
                // A dive leaves the relaxation as it found it: the same dive again, the same schedule.
                #expect(relaxation.dive(rule, deadline: { false }) == workers, "seed \(seed) \(rule)")
            }
        }
    }

    @Test("Generated weeks of other shapes and prices: premiums on a quarter grid, every schedule covering")
    func generatedKinds() throws {
        let office = ShiftSchedulingProblem.contactCentre(days: 7, templates: 192, seed: 3)
        let evening = ShiftSchedulingProblem.contactCentre(days: 7, templates: 192, seed: 3, demand: .eveningPeak)
        let clock = ShiftSchedulingProblem.contactCentre(days: 7, templates: 192, seed: 3, demand: .roundTheClock)
        // The evening peak is later in the day; around the clock the night is busier.
        func busiest(_ problem: ShiftSchedulingProblem) -> Int { problem.required[0..<96].indices.max { problem.required[$0] < problem.required[$1] }! }
        #expect(busiest(office) < 60 && busiest(evening) >= 68)
        #expect(clock.required[8] > 2 * office.required[8])
        let paid = ShiftSchedulingProblem.contactCentre(days: 7, templates: 192, seed: 3, cost: .paidTime)
        let premium = ShiftSchedulingProblem.contactCentre(days: 7, templates: 192, seed: 3, cost: .premiumPaidTime)
        #expect(paid.coverage == premium.coverage)
        for (flat, priced) in zip(paid.templates, premium.templates) {
            // Premiums only add, in quarters, at most 75% on top.
            #expect(priced.cost >= flat.cost && priced.cost <= 1.75 * flat.cost)
            #expect((priced.cost * 4).rounded() == priced.cost * 4)
        }
        // Two rotations of one shape: the one working the weekend costs more.
        #expect(Set(premium.templates.prefix(7).map(\.cost)).count > 1)
        #expect(premium.costUnit.map { $0 >= 0.25 && ($0 * 4).rounded() == $0 * 4 } == true)
        for problem in [evening, clock, premium] {
            let schedule = try ShiftScheduler(timeLimit: 0.3).solve(problem)
            #expect(problem.isCovered(by: schedule.workers))
            #expect(schedule.linearRelaxation <= schedule.lowerBound + 1e-6 && schedule.lowerBound <= schedule.cost + 1e-9)
            #expect(schedule.isOptimal == (schedule.gap == 0))
        }
    }
}
