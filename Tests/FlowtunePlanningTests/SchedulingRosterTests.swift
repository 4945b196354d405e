import FlowtuneCore
import Testing

@testable import FlowtunePlanning

/// A week of hourly intervals, nothing required (rostering reads the schedule's positions).
private func week(_ templates: [ShiftTemplate]) throws -> ShiftSchedulingProblem {
    try ShiftSchedulingProblem(required: [Int](repeating: 0, count: 7 * 24), intervalsPerDay: 24, templates: templates)
}

private func schedule(_ problem: ShiftSchedulingProblem, _ workers: [Int]) -> ShiftSchedule {
    ShiftSchedule(problem: problem, workers: workers, lowerBound: 0, linearRelaxation: 0, isOptimal: true, nodes: 0, seconds: 0)
}

@Suite("Rostering")
struct SchedulingRosterTests {
    @Test("Rules: too little rest between days in a row, too many days in a row, every day of a week")
    func rules() throws {
        let long = ShiftTemplate(name: "long", start: 6, length: 14, days: [0, 1])
        let apart = ShiftTemplate(name: "apart", start: 6, length: 14, days: [0, 2])
        let six = ShiftTemplate(name: "six", start: 8, length: 8, days: [3, 4, 5, 6, 0, 1])
        let always = ShiftTemplate(name: "always", start: 8, length: 8)
        let problem = try week([long, apart, six, always])
        let rostering = Rostering(rules: LaborRules(minimumRestHours: 11, maxConsecutiveDays: 5))
        #expect(rostering.violation(of: long, in: problem) == "leaves 10.0 h of rest between days in a row, under 11.0 h")
        #expect(rostering.violation(of: apart, in: problem) == nil)
        #expect(rostering.violation(of: six, in: problem) == "is worked 6 days in a row, over 5")
        #expect(rostering.violation(of: always, in: problem) == "is worked every day, over 5")
        #expect(Rostering().violation(of: six, in: problem) == nil)
    }

    @Test("Positions go to eligible employees; what nobody can take is reported unfilled")
    func eligibility() throws {
        let early = ShiftTemplate(name: "early", start: 6, length: 8, days: [0, 1, 2, 3, 4])
        let weekend = ShiftTemplate(name: "weekend", start: 9, length: 10, days: [5, 6])
        let long = ShiftTemplate(name: "long", start: 6, length: 14, days: [0, 1])
        let problem = try week([early, weekend, long])
        let staff = [
            RosterEmployee(name: "ana", maxHoursPerWeek: 40, unavailableDays: [5]),
            RosterEmployee(name: "ben", maxHoursPerWeek: 20, preferences: ["early": 3]),  // 40 h is too many
            RosterEmployee(name: "eve", maxHoursPerWeek: 40, preferences: ["weekend": 1]),
        ]
        let roster = try Rostering().roster(problem, schedule: schedule(problem, [1, 2, 1]), employees: staff)
        #expect(Set(roster.assignments.map { "\($0.employee):\($0.template)" }) == ["ana:early", "ben:weekend", "eve:weekend"])
        #expect(roster.unfilled == ["long": 1])
        #expect(roster.preference == 1)
        #expect(roster.isOptimal)
    }

    @Test("Rosters equal brute force: fewest unfilled, then fewest skill shortfalls, then most preferred")
    func bruteForce() throws {
        for seed in 1...12 as ClosedRange<UInt64> {
            var random = SeededGenerator(seed: seed)
            var templates: [ShiftTemplate] = []
            for index in 0..<3 {
                let days = Array((0..<7).filter { _ in Bool.random(using: &random) }.prefix(5))
                templates.append(ShiftTemplate(
                    name: "t\(index)", start: Int.random(in: 0..<24, using: &random), length: Int.random(in: 4...10, using: &random),
                    days: days.isEmpty ? [index] : days))
            }
            let problem = try week(templates)
            let counts = (0..<3).map { _ in Int.random(in: 1...2, using: &random) }
            let employees = (0..<5).map { index in
                RosterEmployee(
                    name: "e\(index)", skills: Bool.random(using: &random) ? ["french"] : [],
                    maxHoursPerWeek: Double(Int.random(in: 20...50, using: &random)),
                    unavailableDays: Bool.random(using: &random) ? [Int.random(in: 0..<7, using: &random)] : [],
                    preferences: ["t\(Int.random(in: 0..<3, using: &random))": Double(Int.random(in: -2...3, using: &random))])
            }
            var french = [Int](repeating: 0, count: 7 * 24)
            for _ in 0..<6 { french[Int.random(in: 0..<(7 * 24), using: &random)] = Int.random(in: 1...2, using: &random) }
            let requirement = SkillRequirement(skill: "french", minimum: french)
            let rostering = Rostering()
            let roster = try rostering.roster(problem, schedule: schedule(problem, counts), employees: employees, skills: [requirement])

            // Every way to give each employee nothing or one template.
            func eligible(_ e: Int, _ j: Int) -> Bool {
                let template = templates[j]
                return rostering.violation(of: template, in: problem) == nil
                    && Set(template.days!).isDisjoint(with: employees[e].unavailableDays)
                    && rostering.weeklyHours(of: template, in: problem) <= employees[e].maxHoursPerWeek
            }
            var best: (unfilled: Int, shortfall: Int, preference: Double)?
            var choice = [Int](repeating: -1, count: employees.count)
            func visit(_ e: Int) {
                if e == employees.count {
                    var taken = [0, 0, 0]
                    for j in choice where j >= 0 { taken[j] += 1 }
                    guard zip(taken, counts).allSatisfy({ $0 <= $1 }) else { return }
                    let unfilled = zip(counts, taken).reduce(0) { $0 + $1.0 - $1.1 }
                    var shortfall = 0
                    for (interval, minimum) in french.enumerated() where minimum > 0 {
                        let holders = employees.indices.filter {
                            choice[$0] >= 0 && employees[$0].skills.contains("french") && problem.coverage[choice[$0]].contains(interval)
                        }.count
                        shortfall += max(0, minimum - holders)
                    }
                    let preference = employees.indices.reduce(0.0) {
                        $0 + (choice[$1] >= 0 ? employees[$1].preferences["t\(choice[$1])"] ?? 0 : 0)
                    }
                    if let current = best,
                       (current.unfilled, current.shortfall, -current.preference) <= (unfilled, shortfall, -preference) { return }
                    best = (unfilled, shortfall, preference)
                    return
                }
                for j in -1..<3 where j == -1 || eligible(e, j) {
                    choice[e] = j
                    visit(e + 1)
                }
                choice[e] = -1
            }
            visit(0)
            let expected = try #require(best)
            #expect(roster.unfilled.values.reduce(0, +) == expected.unfilled, "seed \(seed)")
            #expect(roster.shortfalls.reduce(0) { $0 + $1.missing } == expected.shortfall, "seed \(seed)")
            #expect(roster.preference == expected.preference, "seed \(seed)")
            #expect(roster.isOptimal)
            #expect(Set(roster.assignments.map(\.employee)).count == roster.assignments.count, "one template each")
        }
    }
}
