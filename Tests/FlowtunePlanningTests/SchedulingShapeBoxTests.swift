import FlowtuneCore
import Foundation
import Testing

@testable import FlowtunePlanning

/// The cheapest covering schedule of at most `cap` workers a template whose shape totals lie
/// within `box`, by enumeration; nil when there is none.
private func cheapestInShapeBox(
    _ problem: ShiftSchedulingProblem, box: [(templates: [Int], lower: Int, upper: Int)], cap: Int
) -> Double? {
    var best: Double?
    var workers = [Int](repeating: 0, count: problem.templates.count)
    func visit(_ column: Int) {
        if column == workers.count {
            let inBox = box.allSatisfy { shape in
                let total = shape.templates.reduce(0) { $0 + workers[$1] }
                return total >= shape.lower && total <= shape.upper
            }
            if inBox, problem.isCovered(by: workers) {
                let cost = problem.cost(of: workers)
                best = min(best ?? cost, cost)
            }
            return
        }
        for count in 0...cap {
            workers[column] = count
            visit(column + 1)
        }
    }
    visit(0)
    return best
}

@Suite("Shift scheduling shape box")
struct SchedulingShapeBoxTests {
    @Test("Shapes group a generated week's templates by start, length and breaks: 28 shapes of up to 7 rotations")
    func shapesOfAWeek() {
        let problem = ShiftSchedulingProblem.contactCentre(days: 7, templates: 192, seed: 3)
        let shapes = ShiftScheduler.shiftShapes(problem)
        #expect(shapes.count == 28)
        #expect(shapes.flatMap { $0 }.sorted() == Array(problem.templates.indices))
        #expect(shapes.dropLast().allSatisfy { $0.count == 7 } && shapes.last?.count == 3)
        for shape in shapes {
            let first = problem.templates[shape[0]]
            #expect(shape.allSatisfy {
                let template = problem.templates[$0]
                return template.start == first.start && template.length == first.length && template.breaks == first.breaks
            })
            #expect(Set(shape.map { problem.templates[$0].days ?? [] }).count == shape.count, "one rotation each")
        }
    }

    @Test("Templates alike but for their breaks are different shapes")
    func breaksMakeAShape() throws {
        let templates = [
            ShiftTemplate(name: "a", start: 0, length: 4, days: [0]),
            ShiftTemplate(name: "b", start: 0, length: 4, breaks: [.init(offset: 2, length: 1)], days: [0]),
            ShiftTemplate(name: "c", start: 0, length: 4, days: [1]),
        ]
        let problem = try ShiftSchedulingProblem(required: [1, 1, 1, 1, 1, 1, 1, 1], intervalsPerDay: 4, templates: templates)
        #expect(ShiftScheduler.shiftShapes(problem) == [[0, 2], [1]])
    }

    @Test("The shape box holds each shape's total between the whole numbers either side of the relaxation's, widened by the slack")
    func box() {
        let relaxed = [1.5, 2.25, 0, 3, 0.0000001, 0, 0]
        let shapes = [[0, 1], [2, 3], [4, 5, 6]]
        let tight = ShiftScheduler.shapeBox(relaxed: relaxed, shapes: shapes, slack: 0)
        #expect(tight.map(\.lower) == [3, 3, 0] && tight.map(\.upper) == [4, 3, 0])
        let wide = ShiftScheduler.shapeBox(relaxed: relaxed, shapes: shapes, slack: 1)
        #expect(wide.map(\.lower) == [2, 2, 0] && wide.map(\.upper) == [5, 4, 1])
        #expect(wide.map(\.templates) == shapes)
    }

    @Test("A schedule in the shape box at the target is found when enumeration has one, never one below the optimum, and it covers")
    func againstEnumeration() throws {
        var found = 0
        var refuted = 0
        for seed in 1...16 as ClosedRange<UInt64> {
            let problem = rotationProblem(seed: seed + 7000, days: 3, perDay: 3, headcount: seed % 2 == 0, breaks: false)
            let optimum = bruteForceOptimum(problem, cap: 2)
            let cuts = problem.timeOfDayCuts()
            let relaxation = try LinearRelaxation(SparseColumns(problem), timeLimit: 10)
            try relaxation.add(cuts)
            for slack in [0, 1] {
                let box = ShiftScheduler.shapeBox(
                    relaxed: relaxation.solution, shapes: ShiftScheduler.shiftShapes(problem), slack: slack)
                // Requirements of at most 2 bound every template at 2: the enumeration is complete.
                let inBox = cheapestInShapeBox(problem, box: box, cap: 2)
                for target in [optimum, optimum - (problem.costUnit ?? 1)] {
                    let result = IntegerProgram.lock.withLock { _ in
                        ShiftScheduler(timeLimit: 10).searchShapeBox(
                            problem, cuts: cuts, relaxed: relaxation.solution, target: target, unit: problem.costUnit,
                            slack: slack, maxNodes: 100_000, timeLimit: 10)
                    }
                    let reachable = inBox.map { $0 <= target + 1e-9 } ?? false
                    if let workers = result.workers {
                        #expect(problem.isCovered(by: workers), "seed \(seed)")
                        #expect(problem.cost(of: workers) <= target + 1e-9, "seed \(seed)")
                        #expect(problem.cost(of: workers) >= optimum - 1e-9, "seed \(seed): below the optimum")
                        #expect(box.allSatisfy { shape in
                            let total = shape.templates.reduce(0) { $0 + workers[$1] }
                            return total >= shape.lower && total <= shape.upper
                        }, "seed \(seed): outside the box")
                        found += 1
                    } else {
                        #expect(!reachable, "seed \(seed): the shape box has a schedule at \(target)")
                        refuted += 1
                    }
                }
            }
        }
        #expect(found > 0 && refuted > 0)
    }

    @Test("Solves that reach the shape box prove the brute-force optimum on small weeks, and claim it only there")
    func solvesThroughTheShapeBox() throws {
        for seed in 1...12 as ClosedRange<UInt64> {
            let problem = rotationProblem(seed: seed + 8000, days: 3, perDay: 4, headcount: true, breaks: false)
            let optimum = bruteForceOptimum(problem, cap: 2)
            // A rounding box of one node stops at its limit, so the shape box runs.
            var scheduler = ShiftScheduler(timeLimit: 10)
            scheduler.roundingBoxNodes = 1
            for nodes in [30, 0] {
                scheduler.shapeBoxNodes = nodes
                let schedule = try scheduler.solve(problem)
                #expect(problem.isCovered(by: schedule.workers), "seed \(seed)")
                #expect(abs(schedule.cost - optimum) < 1e-9, "seed \(seed): \(schedule.cost) against \(optimum)")
                #expect(schedule.isOptimal && schedule.lowerBound <= optimum + 1e-9, "seed \(seed)")
            }
        }
    }
}
