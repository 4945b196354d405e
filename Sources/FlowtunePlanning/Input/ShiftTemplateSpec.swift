/// A shift template as a planner writes it — times of day and durations as text, weekdays by
/// name — before it is placed on a horizon's interval grid.
///
/// ```swift
/// let early = ShiftTemplateSpec(name: "early", start: "07:00", length: "8h30m",
///                               breaks: [.init(after: "4h", length: "30m")], days: ["mon", "fri"])
/// try early.template(at: "templates[0]", interval: 900, days: 7, firstWeekday: 0)
/// // ShiftTemplate(name: "early", start: 28, length: 34, breaks: [16+2], days: [0, 4], cost: 1)
/// ```
public struct ShiftTemplateSpec: Sendable, Hashable, Codable {
    /// A break, `length` long, `after` the shift's start.
    public struct Break: Sendable, Hashable, Codable {
        /// Time from the shift's start, such as `4h`.
        public var after: String
        /// The break's length, such as `30m`.
        public var length: String

        /// A break.
        public init(after: String, length: String) {
            self.after = after
            self.length = length
        }
    }

    /// The template's name.
    public var name: String
    /// The time of day it starts, such as `07:00`, on the interval grid.
    public var start: String
    /// Its length with breaks, such as `8h30m`.
    public var length: String
    /// Its breaks.
    public var breaks: [Break]?
    /// The weekdays it is worked (`mon` … `sun`); every day of the horizon when absent.
    public var days: [String]?
    /// What one worker on it costs over the horizon; 1 (a head) when absent.
    public var cost: Double?

    /// A template as written.
    public init(name: String, start: String, length: String, breaks: [Break]? = nil, days: [String]? = nil, cost: Double? = nil) {
        self.name = name
        self.start = start
        self.length = length
        self.breaks = breaks
        self.days = days
        self.cost = cost
    }

    /// The template on a grid of `interval`-second intervals over `days` days whose first is
    /// weekday `firstWeekday` (Monday = 0). Problems name the field under `path`, such as
    /// `templates[2].start`.
    public func template(at path: String, interval: Double, days horizon: Int, firstWeekday: Int) throws -> ShiftTemplate {
        func fail(_ field: String, _ message: String) -> PlanningInputError {
            PlanningInputError(file: "templates", field: "\(path).\(field)", message: "template \(name): \(field): \(message)")
        }
        guard !name.isEmpty else { throw PlanningInputError(file: "templates", field: "\(path).name", message: "\(path).name: empty") }
        func intervals(_ text: String, _ field: String, clock: Bool) throws -> Int {
            if let problem = PlanningText.gridProblem(text, interval: interval, clock: clock) { throw fail(field, problem) }
            return PlanningText.intervals(text, interval: interval, clock: clock)!
        }
        let first = try intervals(start, "start", clock: true)
        let size = try intervals(length, "length", clock: false)
        guard size > 0 else { throw fail("length", "a shift lasts longer than zero") }
        var pauses: [ShiftTemplate.Break] = []
        for (index, item) in (breaks ?? []).enumerated() {
            let offset = try intervals(item.after, "breaks[\(index)].after", clock: false)
            let span = try intervals(item.length, "breaks[\(index)].length", clock: false)
            guard span > 0, offset + span <= size else { throw fail("breaks[\(index)]", "the break must lie inside the \(length) shift") }
            pauses.append(.init(offset: offset, length: span))
        }
        var worked: [Int]?
        if let days {
            var weekdays = Set<Int>()
            for (index, day) in days.enumerated() {
                guard let weekday = PlanningText.weekday(day) else { throw fail("days[\(index)]", "\"\(day)\" is not a weekday (mon … sun)") }
                weekdays.insert(weekday)
            }
            worked = (0..<horizon).filter { weekdays.contains((firstWeekday + $0) % 7) }
        }
        let price = cost ?? 1
        guard price >= 0, price.isFinite else { throw fail("cost", "\(price) is not a number ≥ 0") }
        return ShiftTemplate(name: name, start: first, length: size, breaks: pauses, days: worked, cost: price)
    }
}
