/// Someone who can be put on a shift: skills, weekly hours, days off, and which shifts they
/// like.
public struct RosterEmployee: Sendable, Hashable, Codable {
    /// The employee's name in the roster.
    public var name: String
    /// Skills and certifications held.
    public var skills: Set<String>
    /// The most hours at work (breaks included) per week.
    public var maxHoursPerWeek: Double
    /// Days of the horizon (0-based) the employee cannot work.
    public var unavailableDays: Set<Int>
    /// How much the employee wants each template, by name: positive for wanted, negative for
    /// unwanted, absent for indifferent.
    public var preferences: [String: Double]

    /// An employee; by default 40 hours a week, available every day, indifferent to shifts.
    public init(
        name: String, skills: Set<String> = [], maxHoursPerWeek: Double = 40, unavailableDays: Set<Int> = [],
        preferences: [String: Double] = [:]
    ) {
        self.name = name
        self.skills = skills
        self.maxHoursPerWeek = maxHoursPerWeek
        self.unavailableDays = unavailableDays
        self.preferences = preferences
    }
}

/// Working-time rules every rostered shift keeps.
public struct LaborRules: Sendable, Hashable, Codable {
    /// The least rest between the end of one day's shift and the start of the next, in hours.
    public var minimumRestHours: Double
    /// The most days worked in a row.
    public var maxConsecutiveDays: Int

    /// Rules; by default 11 hours' rest (the EU working-time directive's daily rest) and at most
    /// six days in a row.
    public init(minimumRestHours: Double = 11, maxConsecutiveDays: Int = 6) {
        self.minimumRestHours = minimumRestHours
        self.maxConsecutiveDays = maxConsecutiveDays
    }
}

/// At least `minimum[i]` of the staff on the queue in interval i must hold `skill`.
public struct SkillRequirement: Sendable, Hashable, Codable {
    /// The skill or certification.
    public var skill: String
    /// Per interval of the horizon, the fewest on the queue holding it.
    public var minimum: [Int]

    /// A requirement of `skill` per interval.
    public init(skill: String, minimum: [Int]) {
        self.skill = skill
        self.minimum = minimum
    }
}

/// Named employees on a schedule's shifts.
public struct Roster: Sendable, Hashable, Codable {
    /// One employee on one template for the horizon.
    public struct Assignment: Sendable, Hashable, Codable {
        /// The employee's name.
        public var employee: String
        /// The template's name.
        public var template: String
    }

    /// An interval short of staff holding a skill.
    public struct Shortfall: Sendable, Hashable, Codable {
        /// The skill.
        public var skill: String
        /// The interval of the horizon.
        public var interval: Int
        /// How many more holders it needs.
        public var missing: Int
    }

    /// Who works which template, in template then employee order.
    public var assignments: [Assignment]
    /// Per template, positions in the schedule no eligible employee could take.
    public var unfilled: [String: Int]
    /// Intervals where too few rostered staff hold a required skill.
    public var shortfalls: [Shortfall]
    /// The sum of the assigned employees' preferences for their templates.
    public var preference: Double
    /// Whether the roster is proven best: fewest unfilled positions, then fewest skill
    /// shortfalls, then the highest preference.
    public var isOptimal: Bool
}

/// Puts named employees on the positions a ``ShiftSchedule`` opened — one template per employee
/// for the horizon — keeping every labor rule, so that as many positions as possible are
/// filled, then every interval has the skills it requires, then employees get the shifts they
/// prefer. Exact: an assignment integer program solved by CBC within the time limit.
///
/// Rules are checked per template, since a template is worked the same way each of its days:
/// weekly hours are its hours at work over the horizon scaled to seven days (the horizon
/// repeats); rest between two worked days in a row is 24 h less its length; days in a row are
/// counted across the end of the horizon when it is a whole number of weeks. A template that
/// breaks a rule is given to nobody and its positions are reported unfilled.
///
/// ```swift
/// let roster = try Rostering(rules: LaborRules(minimumRestHours: 11, maxConsecutiveDays: 5))
///     .roster(problem, schedule: schedule, employees: staff,
///             skills: [SkillRequirement(skill: "spanish", minimum: spanishNeed)])
/// roster.assignments   // who works what
/// roster.unfilled      // positions to hire for
/// ```
public struct Rostering: Sendable, Hashable {
    /// The rules every assignment keeps.
    public var rules: LaborRules
    /// Wall-clock seconds the solve may take.
    public var timeLimit: Double

    /// Rostering under `rules` within `timeLimit` seconds.
    public init(rules: LaborRules = LaborRules(), timeLimit: Double = 10) {
        self.rules = rules
        self.timeLimit = timeLimit
    }

    /// Whether `template` keeps the rules, and if not, why.
    public func violation(of template: ShiftTemplate, in problem: ShiftSchedulingProblem) -> String? {
        let days = problem.days
        let worked = Set(template.days ?? Array(0..<days))
        let hoursPerInterval = 24 / Double(problem.intervalsPerDay)
        let wraps = days % 7 == 0
        func next(_ day: Int) -> Int? { day + 1 < days ? day + 1 : (wraps ? 0 : nil) }
        let rest = 24 - Double(template.length) * hoursPerInterval
        if rest < rules.minimumRestHours, worked.contains(where: { next($0).map(worked.contains) ?? false }) {
            return "leaves \(rest) h of rest between days in a row, under \(rules.minimumRestHours) h"
        }
        func previous(_ day: Int) -> Int? { day > 0 ? day - 1 : (wraps ? days - 1 : nil) }
        // Runs start on a worked day whose previous day is off; none does when every day of a
        // repeating week is worked, which never ends.
        var longest = wraps && worked.count == days ? Int.max : 0
        for first in worked where !(previous(first).map(worked.contains) ?? false) {
            var run = 1
            var day = first
            while let following = next(day), worked.contains(following), following != first {
                run += 1
                day = following
            }
            longest = max(longest, run)
        }
        if longest > rules.maxConsecutiveDays {
            return "is worked \(longest == Int.max ? "every day" : "\(longest) days in a row"), over \(rules.maxConsecutiveDays)"
        }
        return nil
    }

    /// The hours at work per week on `template`.
    func weeklyHours(of template: ShiftTemplate, in problem: ShiftSchedulingProblem) -> Double {
        let worked = Double(template.days?.count ?? problem.days)
        return Double(template.length) * 24 / Double(problem.intervalsPerDay) * worked * 7 / Double(problem.days)
    }

    /// The best roster of `employees` on the positions of `schedule`.
    public func roster(
        _ problem: ShiftSchedulingProblem, schedule: ShiftSchedule, employees: [RosterEmployee], skills: [SkillRequirement] = []
    ) throws -> Roster {
        guard schedule.workers.count == problem.templates.count else {
            throw ShiftSchedulingError(reason: "the schedule has \(schedule.workers.count) counts for \(problem.templates.count) templates")
        }
        guard Set(employees.map(\.name)).count == employees.count else {
            throw ShiftSchedulingError(reason: "two employees share a name")
        }
        for requirement in skills where requirement.minimum.count != problem.required.count {
            throw ShiftSchedulingError(
                reason: "skill \(requirement.skill) gives \(requirement.minimum.count) intervals for a \(problem.required.count)-interval horizon")
        }
        let open = problem.templates.indices.filter { schedule.workers[$0] > 0 }
        let allowed = Set(open.filter { violation(of: problem.templates[$0], in: problem) == nil })

        // Lexicographic weights: a position outweighs every skill shortfall, which outweighs
        // every preference.
        let preferenceRange = employees.reduce(1.0) { $0 + ($1.preferences.values.map(abs).max() ?? 0) }
        let shortfallWeight = 2 * preferenceRange
        let skillDemand = skills.reduce(0) { $0 + $1.minimum.reduce(0, +) }
        let unfilledWeight = shortfallWeight * Double(skillDemand + 1) + preferenceRange

        var program = IntegerProgram()
        var choices: [(employee: Int, template: Int, column: Int)] = []
        for (e, employee) in employees.enumerated() {
            for j in open where allowed.contains(j) {
                let template = problem.templates[j]
                let days = Set(template.days ?? Array(0..<problem.days))
                guard days.isDisjoint(with: employee.unavailableDays),
                      weeklyHours(of: template, in: problem) <= employee.maxHoursPerWeek + 1e-9 else { continue }
                let column = program.addColumn(cost: -(employee.preferences[template.name] ?? 0), upper: 1)
                choices.append((e, j, column))
            }
        }
        // One template per employee.
        var byEmployee = [[Int]](repeating: [], count: employees.count)
        var byTemplate = [Int: [Int]]()
        for choice in choices {
            byEmployee[choice.employee].append(choice.column)
            byTemplate[choice.template, default: []].append(choice.column)
        }
        for columns in byEmployee where !columns.isEmpty {
            program.addRow(columns, [Double](repeating: 1, count: columns.count), upper: 1)
        }
        // Every position filled, or counted unfilled.
        var unfilledColumns: [Int: Int] = [:]
        for j in open {
            let slack = program.addColumn(cost: unfilledWeight, upper: Double(schedule.workers[j]))
            unfilledColumns[j] = slack
            let columns = (byTemplate[j] ?? []) + [slack]
            let count = Double(schedule.workers[j])
            program.addRow(columns, [Double](repeating: 1, count: columns.count), lower: count, upper: count)
        }
        // Skills per interval, with a shortfall when the employees cannot give them.
        var shortfallColumns: [(skill: String, interval: Int, column: Int)] = []
        for requirement in skills {
            for (interval, minimum) in requirement.minimum.enumerated() where minimum > 0 {
                var columns: [Int] = []
                for choice in choices where employees[choice.employee].skills.contains(requirement.skill)
                    && problem.coverage[choice.template].contains(interval) {
                    columns.append(choice.column)
                }
                let shortfall = program.addColumn(cost: shortfallWeight, upper: Double(minimum))
                shortfallColumns.append((requirement.skill, interval, shortfall))
                program.addRow(columns + [shortfall], [Double](repeating: 1, count: columns.count + 1), lower: Double(minimum))
            }
        }

        guard let solution = program.solve(timeLimit: timeLimit) else {
            throw ShiftSchedulingError(reason: "no roster was found within \(timeLimit) s")
        }
        let chosen = choices.filter { solution.values[$0.column] > 0.5 }.sorted {
            ($0.template, $0.employee) < ($1.template, $1.employee)
        }
        var unfilled: [String: Int] = [:]
        for (j, column) in unfilledColumns {
            let count = Int(solution.values[column].rounded())
            if count > 0 { unfilled[problem.templates[j].name, default: 0] += count }
        }
        let shortfalls = shortfallColumns.compactMap { item -> Roster.Shortfall? in
            let missing = Int(solution.values[item.column].rounded())
            return missing > 0 ? Roster.Shortfall(skill: item.skill, interval: item.interval, missing: missing) : nil
        }
        return Roster(
            assignments: chosen.map { Roster.Assignment(employee: employees[$0.employee].name, template: problem.templates[$0.template].name) },
            unfilled: unfilled, shortfalls: shortfalls,
            preference: chosen.reduce(0) { $0 + (employees[$1.employee].preferences[problem.templates[$1.template].name] ?? 0) },
            isOptimal: solution.isOptimal)
    }
}
