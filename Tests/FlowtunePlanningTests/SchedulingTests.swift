import FlowtuneCore
import Foundation
import Testing

@testable import FlowtunePlanning

/// Calls `body` with every schedule of 0…cap workers per template that covers the requirement.
func forEachCoveringSchedule(_ problem: ShiftSchedulingProblem, cap: Int, _ body: ([Int]) -> Void) {
    var workers = [Int](repeating: 0, count: problem.templates.count)
    func visit(_ index: Int) {
        if index == workers.count {
            if problem.isCovered(by: workers) { body(workers) }
            return
        }
        for count in 0...cap {
            workers[index] = count
            visit(index + 1)
        }
        workers[index] = 0
    }
    visit(0)
}

/// The cheapest covering schedule by trying every combination of 0…cap workers per template.
private func bruteForce(_ problem: ShiftSchedulingProblem, cap: Int) -> Double {
    var best = Double.infinity
    forEachCoveringSchedule(problem, cap: cap) { best = min(best, problem.cost(of: $0)) }
    return best
}

/// How a small problem's templates are priced.
enum SmallCosts {
    /// Whole numbers 1 to 5.
    case integral
    /// Anything between 0.5 and 4: no grid, so no rounding of the bound.
    case fractional
    /// Quarters between 0.25 and 3.
    case quarters
    /// Multiples of 5 up to 40, like paid hours over a five-day week.
    case fives

    func draw(using random: inout SeededGenerator) -> Double {
        switch self {
        case .integral: Double(Int.random(in: 1...5, using: &random))
        case .fractional: Double.random(in: 0.5...4, using: &random)
        case .quarters: Double(Int.random(in: 1...12, using: &random)) * 0.25
        case .fives: Double(Int.random(in: 1...8, using: &random)) * 5
        }
    }
}

/// A small multi-day problem of rotations: two shift shapes, each offered on every run of
/// `days − 1` consecutive days (wrapping around the horizon), some running past midnight,
/// some with a break unless `breaks` is false; requirements 0…2.
func rotationProblem(
    seed: UInt64, days: Int, perDay: Int, headcount: Bool, breaks withBreaks: Bool = true
) -> ShiftSchedulingProblem {
    var random = SeededGenerator(seed: seed)
    while true {
        var templates: [ShiftTemplate] = []
        for shape in 0..<2 {
            let length = Int.random(in: 1...perDay, using: &random)
            let start = Int.random(in: 0..<perDay, using: &random)
            let breaks: [ShiftTemplate.Break] = withBreaks && length >= 3 && Bool.random(using: &random)
                ? [.init(offset: Int.random(in: 1...(length - 2), using: &random), length: 1)] : []
            for first in 0..<days {
                let worked = (0..<(days - 1)).map { (first + $0) % days }.sorted()
                templates.append(ShiftTemplate(
                    name: "s\(shape)-r\(first)", start: start, length: length, breaks: breaks, days: worked,
                    cost: headcount ? 1 : Double(Int.random(in: 1...4, using: &random))))
            }
        }
        let required = (0..<(days * perDay)).map { _ in Int.random(in: 0...2, using: &random) }
        if let problem = try? ShiftSchedulingProblem(required: required, intervalsPerDay: perDay, templates: templates) {
            return problem
        }
    }
}

/// The cheapest covering schedule by brute force, for tests elsewhere in the target.
func bruteForceOptimum(_ problem: ShiftSchedulingProblem, cap: Int) -> Double { bruteForce(problem, cap: cap) }

/// A small random problem: `days` days of `perDay` intervals, a few templates with breaks, some
/// worked on only some days, some running past midnight; every interval coverable.
func smallProblem(seed: UInt64, days: Int, perDay: Int, templates count: Int, integralCosts: Bool) -> ShiftSchedulingProblem {
    smallProblem(seed: seed, days: days, perDay: perDay, templates: count, costs: integralCosts ? .integral : .fractional)
}

/// A small random problem priced by `costs`.
func smallProblem(seed: UInt64, days: Int, perDay: Int, templates count: Int, costs: SmallCosts) -> ShiftSchedulingProblem {
    var random = SeededGenerator(seed: seed)
    while true {
        var templates: [ShiftTemplate] = []
        for index in 0..<count {
            let length = Int.random(in: 2...min(6, perDay), using: &random)
            let breaks: [ShiftTemplate.Break] = length >= 4 && Bool.random(using: &random)
                ? [.init(offset: Int.random(in: 1...(length - 2), using: &random), length: 1)] : []
            let worked = days == 1 ? nil : (0..<days).filter { _ in Bool.random(using: &random) }
            let cost = costs.draw(using: &random)
            templates.append(ShiftTemplate(
                name: "t\(index)", start: Int.random(in: 0..<perDay, using: &random), length: length, breaks: breaks,
                days: worked.map { $0.isEmpty ? [0] : $0 }, cost: cost))
        }
        let required = (0..<(days * perDay)).map { _ in Int.random(in: 0...3, using: &random) }
        if let problem = try? ShiftSchedulingProblem(required: required, intervalsPerDay: perDay, templates: templates) {
            return problem
        }
    }
}

@Suite("Shift scheduling")
struct SchedulingTests {
    @Test("Optima equal brute force on small instances, integer and fractional costs, one and two days")
    func bruteForceOptima() throws {
        for seed in 1...40 as ClosedRange<UInt64> {
            let days = seed % 3 == 0 ? 2 : 1
            let problem = smallProblem(seed: seed, days: days, perDay: days == 1 ? 10 : 6,
                                       templates: seed % 2 == 0 ? 4 : 5, integralCosts: seed % 4 != 1)
            let schedule = try ShiftScheduler(timeLimit: 10).solve(problem)
            // No template needs more workers than the largest requirement (3) it covers.
            let optimum = bruteForce(problem, cap: 3)
            #expect(abs(schedule.cost - optimum) < 1e-9, "seed \(seed): \(schedule.cost) against \(optimum)")
            #expect(schedule.isOptimal && schedule.gap == 0, "seed \(seed)")
            #expect(problem.isCovered(by: schedule.workers), "seed \(seed)")
            #expect(schedule.linearRelaxation <= optimum + 1e-9, "seed \(seed)")
            #expect(schedule.workers.allSatisfy { $0 >= 0 })
        }
    }

    @Test("A generated day: 96 intervals, 34 templates, proven optimal headcount covering every interval")
    func generatedDay() throws {
        for seed in 1...3 as ClosedRange<UInt64> {
            let problem = ShiftSchedulingProblem.contactCentre(days: 1, templates: 34, seed: seed)
            #expect(problem.templates.count == 34 && problem.required.count == 96)
            let schedule = try ShiftScheduler(timeLimit: 10).solve(problem)
            #expect(schedule.isOptimal)
            #expect(schedule.lowerBound == schedule.cost && schedule.gap == 0)
            #expect(Double(schedule.headcount) == schedule.cost)
            #expect(schedule.linearRelaxation <= schedule.cost)
            #expect(zip(schedule.staffing, problem.required).allSatisfy { $0 >= $1 })
            #expect(schedule.surplus.allSatisfy { $0 >= 0 })
            // Proven optimal: one worker fewer than the schedule is below the rounded-up bound.
            #expect(Double(schedule.headcount - 1) < schedule.linearRelaxation.rounded(.up))
        }
    }

    @Test("The time limit stops a hard week and the gap to the proven bound is reported")
    func timeLimit() throws {
        // Paid time over a week with 192 templates: CBC does not close it in seconds.
        let problem = ShiftSchedulingProblem.contactCentre(days: 7, templates: 192, seed: 2, cost: .paidTime)
        let started = ContinuousClock.now
        let schedule = try ShiftScheduler(timeLimit: 0.5).solve(problem)
        let seconds = Double((ContinuousClock.now - started).components.attoseconds) * 1e-18
            + Double((ContinuousClock.now - started).components.seconds)
        #expect(seconds < 1.5, "took \(seconds) s against a 0.5 s limit")
        #expect(!schedule.isOptimal)
        #expect(schedule.gap > 0 && schedule.gap < 0.05)
        #expect(schedule.lowerBound < schedule.cost)
        #expect(schedule.linearRelaxation <= schedule.lowerBound + 1e-6)
        #expect(abs(schedule.gap - (schedule.cost - schedule.lowerBound) / schedule.cost) < 1e-12)
        #expect(problem.isCovered(by: schedule.workers))
    }

    @Test("A night shift on a one-day horizon wraps to the morning; on a week, into the next day")
    func wrapAround() throws {
        let night = ShiftTemplate(name: "night", start: 20, length: 8, breaks: [.init(offset: 3, length: 1)])
        let day = try ShiftSchedulingProblem(required: [Int](repeating: 0, count: 24), intervalsPerDay: 24, templates: [night])
        #expect(day.coverage[0] == [0, 1, 2, 3, 20, 21, 22])
        let week = try ShiftSchedulingProblem(
            required: [Int](repeating: 0, count: 48), intervalsPerDay: 24,
            templates: [ShiftTemplate(name: "night", start: 20, length: 8, days: [1])])
        #expect(week.coverage[0] == [44, 45, 46, 47, 0, 1, 2, 3].sorted())
    }

    @Test("Bad problems are refused with the template or interval named")
    func refusals() {
        #expect(throws: ShiftSchedulingError(reason: "no template covers 1 interval(s) with staff required: day 0 interval 5")) {
            try ShiftSchedulingProblem(required: [1, 1, 0, 0, 0, 1], intervalsPerDay: 6,
                                       templates: [ShiftTemplate(name: "a", start: 0, length: 2)])
        }
        #expect(throws: ShiftSchedulingError(template: "late", reason: "starts at interval 7, outside a 6-interval day")) {
            try ShiftSchedulingProblem(required: [0, 0, 0, 0, 0, 0], intervalsPerDay: 6,
                                       templates: [ShiftTemplate(name: "late", start: 7, length: 2)])
        }
        #expect(throws: ShiftSchedulingError(template: "b", reason: "has a break at 2 for 2 intervals, outside its 3")) {
            try ShiftSchedulingProblem(required: [0, 0, 0, 0, 0, 0], intervalsPerDay: 6,
                                       templates: [ShiftTemplate(name: "b", start: 0, length: 3, breaks: [.init(offset: 2, length: 2)])])
        }
        #expect(throws: ShiftSchedulingError(template: "w", reason: "is worked on day 3 of a 2-day horizon")) {
            try ShiftSchedulingProblem(required: [Int](repeating: 0, count: 12), intervalsPerDay: 6,
                                       templates: [ShiftTemplate(name: "w", start: 0, length: 3, days: [0, 3])])
        }
    }

    @Test("Nothing required, nobody scheduled")
    func empty() throws {
        let problem = try ShiftSchedulingProblem(required: [0, 0, 0, 0], intervalsPerDay: 4,
                                                 templates: [ShiftTemplate(name: "a", start: 0, length: 2)])
        let schedule = try ShiftScheduler().solve(problem)
        #expect(schedule.workers == [0] && schedule.cost == 0 && schedule.isOptimal)
    }
}
