import FlowtuneCore
import Foundation
import Testing

@testable import FlowtunePlanning

/// Every schedule with 0…cap workers per template that covers the requirement.
private func coveringSchedules(_ problem: ShiftSchedulingProblem, cap: Int) -> [[Int]] {
    var found: [[Int]] = []
    forEachCoveringSchedule(problem, cap: cap) { found.append($0) }
    return found
}

/// One shift shape per interval of the day, each offered on all seven five-day rotations of a
/// week, and every interval needing 5, 5, 5, 5, 5, 3, 3 staff from Monday.
private func rotationWeek(intervals: Int) throws -> ShiftSchedulingProblem {
    var templates: [ShiftTemplate] = []
    for interval in 0..<intervals {
        for first in 0..<7 {
            templates.append(ShiftTemplate(name: "i\(interval)-r\(first)", start: interval, length: 1,
                                           days: (0..<5).map { (first + $0) % 7 }.sorted()))
        }
    }
    let required = [5, 5, 5, 5, 5, 3, 3].flatMap { [Int](repeating: $0, count: intervals) }
    return try ShiftSchedulingProblem(required: required, intervalsPerDay: intervals, templates: templates)
}

@Suite("Shift scheduling cuts")
struct SchedulingCutTests {
    @Test("Five-day rotations need 7 workers for 5, 5, 5, 5, 5, 3, 3 where the relaxation has 6.2; the cuts add it up")
    func rotationWeekBound() throws {
        let problem = try rotationWeek(intervals: 2)
        let cuts = problem.timeOfDayCuts()
        // One cut per interval of the day, 7 workers each (a window of two would be the whole day).
        #expect(cuts.contains { $0.templates == Array(0..<7) && $0.workers == 7 })
        #expect(cuts.contains { $0.templates == Array(7..<14) && $0.workers == 7 })
        #expect(cuts.count == 2)
        let relaxation = try LinearRelaxation(SparseColumns(problem), timeLimit: 10)
        #expect(abs(relaxation.objective - 12.4) < 1e-6)
        try relaxation.add(cuts)
        // Rounding the whole relaxation proves 13; the cuts prove 14, the optimum.
        #expect(abs(relaxation.objective - 14) < 1e-6)
        let schedule = try ShiftScheduler(timeLimit: 10).solve(problem)
        #expect(schedule.cost == 14 && schedule.isOptimal && schedule.lowerBound == 14)
        #expect(abs(schedule.linearRelaxation - 12.4) < 1e-6)
        #expect(problem.isCovered(by: schedule.workers))
    }

    @Test("A day's horizon gives no cuts: its windows' relaxations are already whole")
    func oneDay() {
        let day = ShiftSchedulingProblem.contactCentre(days: 1, templates: 34, seed: 1)
        #expect(day.timeOfDayCuts().isEmpty)
    }

    @Test("Every cut holds for every covering schedule, and optima still equal brute force")
    func validAgainstBruteForce() throws {
        var cutsSeen = 0
        var lifted = 0
        for seed in 1...36 as ClosedRange<UInt64> {
            let days = seed % 2 == 0 ? 3 : 4
            let problem = rotationProblem(seed: seed, days: days, perDay: days == 3 ? 4 : 3, headcount: seed % 3 != 0)
            let cuts = problem.timeOfDayCuts()
            cutsSeen += cuts.count
            let schedules = coveringSchedules(problem, cap: 2)
            let optimum = schedules.map { problem.cost(of: $0) }.min()!
            for workers in schedules {
                for cut in cuts {
                    let total = cut.templates.reduce(0) { $0 + workers[$1] }
                    #expect(total >= cut.workers, "seed \(seed): \(workers) breaks \(cut)")
                }
            }
            let relaxation = try LinearRelaxation(SparseColumns(problem), timeLimit: 10)
            let plain = relaxation.objective
            try relaxation.add(cuts)
            #expect(relaxation.objective >= plain - 1e-9 && relaxation.objective <= optimum + 1e-6, "seed \(seed)")
            if relaxation.objective > plain + 1e-6 { lifted += 1 }
            let schedule = try ShiftScheduler(timeLimit: 10).solve(problem)
            #expect(problem.isCovered(by: schedule.workers), "seed \(seed)")
            #expect(schedule.isOptimal && abs(schedule.cost - optimum) < 1e-9, "seed \(seed): \(schedule.cost) against \(optimum)")
            #expect(schedule.lowerBound <= optimum + 1e-9, "seed \(seed)")
        }
        // The instances are ones the cuts are made for: they must show up and lift bounds.
        #expect(cutsSeen > 0)
        #expect(lifted > 0)
    }

    @Test("Generated weeks by headcount: the cuts lift the bound above the plain relaxation, never above a schedule")
    func generatedWeeks() throws {
        for demand in [ShiftSchedulingProblem.GeneratedDemand.officeHours, .eveningPeak, .roundTheClock] {
            let problem = ShiftSchedulingProblem.contactCentre(days: 7, templates: 192, seed: 5, demand: demand)
            let cuts = problem.timeOfDayCuts()
            #expect(!cuts.isEmpty)
            let relaxation = try LinearRelaxation(SparseColumns(problem), timeLimit: 10)
            let plain = relaxation.objective
            try relaxation.add(cuts)
            #expect(relaxation.objective > plain + 1e-6, "\(demand)")
            let schedule = try ShiftScheduler(timeLimit: 2).solve(problem)
            #expect(problem.isCovered(by: schedule.workers))
            #expect(relaxation.objective <= schedule.cost + 1e-6)
            #expect(schedule.lowerBound <= schedule.cost + 1e-9 && schedule.isOptimal == (schedule.gap == 0))
        }
    }

    @Test("The LP file with cuts is the plain one plus a row per cut, over the cut's templates, at its workers")
    func lpFormatWithCuts() {
        let problem = ShiftSchedulingProblem.contactCentre(days: 7, templates: 192, seed: 5, demand: .roundTheClock)
        let cuts = problem.timeOfDayCuts()
        let plain = problem.lpFormat().split(separator: "\n").map(String.init)
        let withCuts = problem.lpFormatWithCuts().split(separator: "\n").map(String.init)
        func isCut(_ line: String) -> Bool { line.hasPrefix(" c") && line.dropFirst(2).first?.isNumber == true }
        let cutLines = withCuts.filter(isCut)
        #expect(withCuts.filter { !isCut($0) } == plain)
        #expect(cutLines.count == cuts.count)
        for (index, line) in cutLines.enumerated() where index < cuts.count {
            let parts = line.split(separator: ":", maxSplits: 1)
            #expect(parts.first.map(String.init) == " c\(index)")
            let sides = parts.last!.components(separatedBy: ">=")
            let templates = sides[0].split(separator: "+").map { Int($0.trimmingCharacters(in: .whitespaces).dropFirst())! }
            #expect(templates == cuts[index].templates)
            #expect(Int(sides[1].trimmingCharacters(in: .whitespaces)) == cuts[index].workers)
        }
    }
}
