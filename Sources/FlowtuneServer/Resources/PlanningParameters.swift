import FlowtuneCore
import FlowtunePlanning
import Foundation

/// The parameters of a planning request, from a JSON body or, beside a CSV body or none, from
/// the query string: where the history comes from and how to forecast, staff and schedule.
///
/// Every field is optional; the defaults are the CLI's. A value given as text where a number is
/// expected is read as a number, so that `?interval=30` and `{"interval": 30}` mean the same.
/// Every problem names the field.
struct PlanningParameters: Sendable {
    /// A CSV of arrivals (`timestamp,queue[,handling_seconds]`); nil to read the workspace's log.
    var csv: String?
    /// Only this queue.
    var queue: String?
    /// The interval length in seconds: 900, 1800 or 3600.
    var interval: Double = 900
    /// The zone the history is bucketed in; nil for the wall clock a CSV is written in, UTC for the log.
    var zone: TimeZone?
    /// Days to forecast.
    var horizonDays = 1
    /// Days the methods are backtested over.
    var backtestDays = 20
    /// The methods to choose among; every one for `automatic`.
    var methods = ForecastMethod.allCases
    /// The CSV's column names.
    var columns = ArrivalCSV()
    /// The promise staffed to.
    var target = StaffingTarget(serviceLevel: 0.8, answerTime: 20)
    /// Callers' patience: Erlang A when finite, Erlang C when unlimited.
    var patience = CallerPatience.unlimited
    /// The share of paid time off the queue.
    var shrinkage = 0.0
    /// A mean handling time overriding the history's, in seconds.
    var handlingTime: Double?
    /// Agents in every interval.
    var minimumAgents = 0
    /// Intervals forecast below this many calls count as closed.
    var closedBelow = 0.1
    /// Shift templates, for a schedule.
    var templates: [ShiftTemplateSpec]?
    /// The solver's time limit in seconds.
    var timeLimit = 10.0

    /// The longest solve a request may ask for: a schedule holds the process's one solver lock
    /// for as long as it runs.
    static let maxTimeLimit = 60.0
    /// The longest forecast horizon, in days.
    static let maxHorizonDays = 28

    static let fields: Set<String> = [
        "csv", "queue", "interval", "zone", "horizon_days", "backtest_days", "method", "timestamp_column", "queue_column",
        "handling_column", "target", "max_occupancy", "max_abandonment", "patience", "shrinkage", "handling_time",
        "minimum_agents", "closed_below", "templates", "time_limit",
    ]

    /// Reads `members`, a JSON body's object or the query string's parameters as strings.
    init(_ members: [String: JSONValue]) throws {
        if let unknown = members.keys.sorted().first(where: { !Self.fields.contains($0) }) {
            let hint = unknown == "format" ? " (the answer's format is a query parameter or the Accept header)" : ""
            throw Self.invalid(unknown, "\(unknown) is not a planning parameter\(hint); they are \(Self.fields.sorted().joined(separator: ", "))")
        }
        func text(_ name: String) throws -> String? {
            guard let value = members[name], value != .null else { return nil }
            guard let string = value.stringValue else { throw Self.invalid(name, "\(name) must be a string") }
            return string
        }
        func number(_ name: String) throws -> Double? {
            guard let value = members[name], value != .null else { return nil }
            if let number = value.numberValue, number.isFinite { return number }
            if let string = value.stringValue, let number = Double(string.trimmingCharacters(in: .whitespaces)), number.isFinite {
                return number
            }
            throw Self.invalid(name, "\(name) must be a number")
        }
        func whole(_ name: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let value = try number(name) else { return nil }
            guard value == value.rounded(), value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
                throw Self.invalid(name, "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(value)")
            }
            return Int(value)
        }
        func duration(_ name: String) throws -> Double? {
            guard let value = members[name], value != .null else { return nil }
            if let seconds = value.numberValue, seconds.isFinite, seconds >= 0 { return seconds }
            if let string = value.stringValue, let seconds = PlanningText.seconds(string) { return seconds }
            throw Self.invalid(name, "\(name) must be a duration such as \"5m\" or a number of seconds")
        }

        csv = try text("csv")
        queue = try text("queue")
        if let raw = members["interval"], raw != .null {
            // Minutes as planners write them (15, 30, 60); "15m" and seconds (900) are read too.
            func seconds(_ number: Double) -> Double { number >= 900 ? number : number * 60 }
            let written = raw.stringValue?.trimmingCharacters(in: .whitespaces)
            let value = raw.numberValue.map(seconds) ?? written.flatMap { Double($0).map(seconds) ?? PlanningText.seconds($0) }
            guard let value, [900.0, 1800, 3600].contains(value) else {
                throw Self.invalid("interval", "interval must be 15, 30 or 60 (minutes), not \(Self.show(raw))")
            }
            interval = value
        }
        if let name = try text("zone") {
            zone = try Self.zone(name)
        }
        horizonDays = try whole("horizon_days", 1...Self.maxHorizonDays) ?? horizonDays
        backtestDays = try whole("backtest_days", 1...366) ?? backtestDays
        if let method = try text("method"), method != "automatic", method != "auto" {
            guard let chosen = ForecastMethod(rawValue: method) else {
                throw Self.invalid("method", "method must be automatic or one of \(ForecastMethod.allCases.map(\.rawValue).joined(separator: ", ")), not \(method)")
            }
            methods = [chosen]
        }
        columns = ArrivalCSV(
            timestampColumn: try text("timestamp_column") ?? "timestamp", queueColumn: try text("queue_column") ?? "queue",
            handlingColumn: try text("handling_column") ?? "handling_seconds")
        columns.renaming = [columns.timestampColumn: "timestamp_column", columns.queueColumn: "queue_column"]

        var level = 0.8
        var answer = 20.0
        if let written = try text("target") {
            guard let parsed = PlanningText.target(written) else {
                throw Self.invalid("target", "target must be written like \"80% in 20s\", not \(written)")
            }
            (level, answer) = parsed
        }
        target = StaffingTarget(
            serviceLevel: level, answerTime: answer, maxAbandonment: try number("max_abandonment"),
            maxOccupancy: try number("max_occupancy"))
        if let problem = target.problem {
            let field = members["max_occupancy"] != nil && problem.contains("ccupancy") ? "max_occupancy"
                : members["max_abandonment"] != nil && problem.contains("bandon") ? "max_abandonment" : "target"
            throw Self.invalid(field, "\(field): \(problem)")
        }
        if let mean = try duration("patience") {
            guard mean > 0 else { throw Self.invalid("patience", "patience must be longer than zero") }
            patience = .exponential(meanPatience: mean)
        } else if members["max_abandonment"] != nil {
            throw Self.invalid("max_abandonment", "max_abandonment needs patience: under Erlang C nobody hangs up")
        }
        if let share = try number("shrinkage") {
            guard share >= 0, share < 1 else { throw Self.invalid("shrinkage", "shrinkage must be in [0, 1), not \(share)") }
            shrinkage = share
        }
        if let seconds = try duration("handling_time") {
            guard seconds > 0 else { throw Self.invalid("handling_time", "handling_time must be longer than zero") }
            handlingTime = seconds
        }
        minimumAgents = try whole("minimum_agents", 0...100_000) ?? minimumAgents
        if let floor = try number("closed_below") {
            guard floor >= 0 else { throw Self.invalid("closed_below", "closed_below must be 0 or more") }
            closedBelow = floor
        }
        if let list = members["templates"], list != .null {
            do {
                templates = try JSONDecoder().decode([ShiftTemplateSpec].self, from: JSONEncoder().encode(list))
            } catch let error as DecodingError {
                var problem = Problem(error)
                let path = problem.field.map { $0.isEmpty ? "templates" : "templates" + ($0.hasPrefix("[") ? $0 : ".\($0)") } ?? "templates"
                problem.detail = problem.detail.replacingOccurrences(of: problem.field ?? "\u{0}", with: path)
                problem.field = path
                throw problem
            }
        }
        if let seconds = try duration("time_limit") {
            guard seconds > 0, seconds <= Self.maxTimeLimit else {
                throw Self.invalid("time_limit", "time_limit must be more than 0 and at most \(Int(Self.maxTimeLimit))s")
            }
            timeLimit = seconds
        }
    }

    /// A zone named as in the tz database, `UTC`, or an offset such as `+01:00`.
    static func zone(_ name: String) throws -> TimeZone {
        if name.uppercased() == "UTC" || name == "Z" { return TimeZone(secondsFromGMT: 0)! }
        if let first = name.first, first == "+" || first == "-" {
            let digits = name.dropFirst().split(separator: ":").compactMap { Int($0) }
            if digits.count == 2 || digits.count == 1 {
                let seconds = (digits[0] * 3600 + (digits.count == 2 ? digits[1] * 60 : 0)) * (first == "-" ? -1 : 1)
                if let zone = TimeZone(secondsFromGMT: seconds) { return zone }
            }
        }
        guard let named = TimeZone(identifier: name) else {
            throw invalid("zone", "zone: no time zone \(name); give a tz name such as Europe/Amsterdam, UTC or +01:00")
        }
        return named
    }

    static func invalid(_ field: String, _ detail: String) -> Problem {
        Problem(.unprocessableContent, title: "Invalid planning parameter", detail: detail, field: field)
    }

    private static func show(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .number(let number): number == number.rounded() ? String(Int(number)) : String(number)
        default: "\(value)"
        }
    }
}
