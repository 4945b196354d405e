/// How many workers to start on each shift template so that every interval of the horizon has
/// at least the staff it requires, at least cost:
///
///     minimize Σ_j cost_j · x_j   subject to   Σ_j a_ij · x_j ≥ required_i for every interval i,
///                                              x_j ≥ 0 integer,
///
/// where a_ij = 1 when a worker on template j is on the queue in interval i.
///
/// The horizon is `days` days of `intervalsPerDay` intervals and wraps around: a shift running
/// past the end of the last day covers the first day's early intervals, as it does when the
/// week (or a single day) repeats.
///
/// ```swift
/// let problem = try ShiftSchedulingProblem(required: plan.scheduledStaff, intervalsPerDay: 96, templates: templates)
/// let schedule = try ShiftScheduler().solve(problem)
/// ```
public struct ShiftSchedulingProblem: Sendable, Hashable {
    /// Staff required per interval over the horizon, day after day.
    public let required: [Int]
    /// Intervals in a day (96 for 15 minutes).
    public let intervalsPerDay: Int
    /// The shift templates to choose from.
    public let templates: [ShiftTemplate]
    /// Per template, the intervals of the horizon a worker on it covers, ascending.
    public let coverage: [[Int]]

    /// A problem over `required.count / intervalsPerDay` days. Refuses templates that do not fit
    /// the horizon and requirements no template can cover, naming them.
    public init(required: [Int], intervalsPerDay: Int, templates: [ShiftTemplate]) throws {
        guard intervalsPerDay > 0, !required.isEmpty, required.count % intervalsPerDay == 0 else {
            throw ShiftSchedulingError(reason: "\(required.count) required values are not a whole number of \(intervalsPerDay)-interval days")
        }
        if let index = required.firstIndex(where: { $0 < 0 }) {
            throw ShiftSchedulingError(reason: "interval \(index) requires \(required[index]) staff")
        }
        let days = required.count / intervalsPerDay
        let horizon = required.count
        var coverage: [[Int]] = []
        coverage.reserveCapacity(templates.count)
        for template in templates {
            func refuse(_ reason: String) -> ShiftSchedulingError { ShiftSchedulingError(template: template.name, reason: reason) }
            guard template.start >= 0, template.start < intervalsPerDay else {
                throw refuse("starts at interval \(template.start), outside a \(intervalsPerDay)-interval day")
            }
            guard template.length > 0, template.length <= horizon else {
                throw refuse("lasts \(template.length) intervals; a shift lasts between 1 and \(horizon)")
            }
            for item in template.breaks where item.offset < 0 || item.length <= 0 || item.offset + item.length > template.length {
                throw refuse("has a break at \(item.offset) for \(item.length) intervals, outside its \(template.length)")
            }
            let worked = template.days ?? Array(0..<days)
            if let day = worked.first(where: { $0 < 0 || $0 >= days }) {
                throw refuse("is worked on day \(day) of a \(days)-day horizon")
            }
            guard Set(worked).count == worked.count else { throw refuse("names a day twice") }
            guard template.cost >= 0, template.cost.isFinite else { throw refuse("costs \(template.cost)") }
            var covered: [Int] = []
            for day in worked {
                for offset in 0..<template.length where template.isWorking(atOffset: offset) {
                    covered.append((day * intervalsPerDay + template.start + offset) % horizon)
                }
            }
            covered.sort()
            // A shift longer than a day on a one-day horizon would cover an interval twice.
            guard zip(covered, covered.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw refuse("covers an interval twice: it overlaps itself around the horizon")
            }
            coverage.append(covered)
        }
        var covers = [Bool](repeating: false, count: horizon)
        for column in coverage { for interval in column { covers[interval] = true } }
        let uncovered = required.indices.filter { required[$0] > 0 && !covers[$0] }
        if !uncovered.isEmpty {
            let named = uncovered.prefix(5).map { "day \($0 / intervalsPerDay) interval \($0 % intervalsPerDay)" }
            throw ShiftSchedulingError(
                reason: "no template covers \(uncovered.count) interval(s) with staff required: \(named.joined(separator: ", "))")
        }
        self.required = required
        self.intervalsPerDay = intervalsPerDay
        self.templates = templates
        self.coverage = coverage
    }

    /// Days in the horizon.
    public var days: Int { required.count / intervalsPerDay }

    /// Staff on the queue per interval when `workers[j]` work template j.
    public func staffing(_ workers: [Int]) -> [Int] {
        precondition(workers.count == templates.count, "one count per template")
        var staff = [Int](repeating: 0, count: required.count)
        for (column, count) in zip(coverage, workers) where count != 0 {
            for interval in column { staff[interval] += count }
        }
        return staff
    }

    /// Whether `workers` covers every interval's requirement.
    public func isCovered(by workers: [Int]) -> Bool {
        zip(staffing(workers), required).allSatisfy { $0 >= $1 }
    }

    /// The cost of `workers`.
    public func cost(of workers: [Int]) -> Double {
        zip(templates, workers).reduce(0) { $0 + $1.0.cost * Double($1.1) }
    }
}

/// A scheduling problem that cannot be posed or solved: a template that does not fit the
/// horizon, an interval no template covers, a solver failure.
public struct ShiftSchedulingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The template concerned, by name, when the problem is one template's.
    public var template: String?
    /// What is wrong, in words.
    public var reason: String

    /// An error about `template` (nil for the problem as a whole).
    public init(template: String? = nil, reason: String) {
        self.template = template
        self.reason = reason
    }

    public var description: String {
        if let template { return "template \(template): \(reason)" }
        return reason
    }
}
