import ArgumentParser
import FlowtuneCore
import FlowtuneMining
import FlowtunePlanning
import FlowtuneStore
import Foundation
import Synchronization
import Yams

/// The history the planning commands read: a CSV of arrivals (`timestamp,queue[,handling_seconds]`)
/// or a Flowtune event store (TaskCreated events, a queue per workflow), bucketed per queue.
struct PlanningInput: ParsableArguments {
    @Option(help: "Interval length: 15m, 30m or 60m.") var interval = "15m"
    @Option(help: "Only this queue (a workflow, for an event store).") var queue: String?
    @Option(name: .customLong("timestamp-column"), help: "The CSV column holding each arrival's time (ISO 8601).")
    var timestampColumn = "timestamp"
    @Option(name: .customLong("queue-column"), help: "The CSV column naming the queue.") var queueColumn = "queue"
    @Option(name: .customLong("handling-column"), help: "The CSV column holding handling seconds (optional in the file).")
    var handlingColumn = "handling_seconds"
    @Option(help: "Bucket in this zone (a tz name such as Europe/Amsterdam, UTC or +01:00). Without it a CSV's times are bucketed on the wall clock they are written in, an event store's in UTC.")
    var zone: String?
    @Option(help: "For a Flowtune event store with several workspaces: the workspace to read.") var workspace: String?

    /// The interval length in seconds.
    func intervalSeconds() throws -> Double {
        guard let seconds = parseDuration(interval), [900.0, 1800, 3600].contains(seconds) else {
            throw ValidationError("--interval: \(interval) is not 15m, 30m or 60m")
        }
        return seconds
    }

    func timeZone() throws -> TimeZone? {
        guard let zone else { return nil }
        if zone.uppercased() == "UTC" || zone == "Z" { return TimeZone(secondsFromGMT: 0) }
        if let first = zone.first, first == "+" || first == "-" {
            let digits = zone.dropFirst().split(separator: ":").compactMap { Int($0) }
            if digits.count == 2 || digits.count == 1 {
                let seconds = (digits[0] * 3600 + (digits.count == 2 ? digits[1] * 60 : 0)) * (first == "-" ? -1 : 1)
                if let zone = TimeZone(secondsFromGMT: seconds) { return zone }
            }
        }
        guard let named = TimeZone(identifier: zone) else { throw ValidationError("--zone: no time zone \(zone)") }
        return named
    }

    /// Reads `path`, a CSV of arrivals or an event store.
    func load(_ path: String) async throws -> PlanningHistory {
        let seconds = try intervalSeconds()
        let zone = try timeZone()
        let arrivals: [Arrival]
        var offset: Int?
        if try MiningInput.kind(of: path) == .store {
            arrivals = try await Self.readStore(path, workspace: workspace)
            offset = 0
        } else {
            (arrivals, offset) = try readCSV(path)
        }
        return try PlanningHistory(arrivals: arrivals, source: URL(fileURLWithPath: path).lastPathComponent, interval: seconds,
                                   utcOffset: offset, zone: zone, queue: queue)
    }

    /// Reads a CSV of arrivals, returning them with the UTC offset every timestamp shared (nil
    /// when they differ or none is written).
    func readCSV(_ path: String) throws -> ([Arrival], Int?) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw PlanningInputError(file: path, message: "cannot read: \(error.localizedDescription)")
        }
        let reader = ArrivalCSV(
            timestampColumn: timestampColumn, queueColumn: queueColumn, handlingColumn: handlingColumn,
            renaming: [timestampColumn: "--timestamp-column", queueColumn: "--queue-column"])
        return try reader.read(text, file: path)
    }

    /// The arrivals of a store's log: TaskCreated events, a workflow's tasks arriving at its
    /// queue, with handling times from acceptance to the step's completion.
    static func readStore(_ path: String, workspace: String?) async throws -> [Arrival] {
        let store = try SQLiteEventStore(path: path)
        defer { try? store.close() }
        let name = try await store.chosenWorkspace(workspace, path: path, hint: "--workspace")
        let collector = Collector()
        try await store.replay(name, after: 0) { batch in collector.add(batch) }
        return collector.arrivals()
    }

    private final class Collector: Sendable {
        private let log = Mutex(ArrivalLog())
        func add(_ batch: [StoredEvent]) { log.withLock { $0.add(batch.lazy.map(\.event)) } }
        func arrivals() -> [Arrival] { log.withLock { $0.arrivals } }
    }
}

/// Seconds in `text`: `20s`, `2m`, `15m`, `1h`, `8h30m`, `90` (seconds); nil when unreadable.
func parseDuration(_ text: String) -> Double? { PlanningText.seconds(text) }

/// A target written as `80% in 20s` (or `80/20`): the service level and its answer time.
func parseTarget(_ text: String) -> (level: Double, answerTime: Double)? { PlanningText.target(text) }

/// Runs a planning command's body, printing a problem with the input — its file, line and
/// field — or with the plan to standard error with exit status 1.
func reportingPlanningProblems(_ body: () async throws -> Void) async throws {
    func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        return ExitCode(1)
    }
    do {
        try await body()
    } catch let error as PlanningInputError {
        throw fail(error.description)
    } catch let error as ForecastError {
        throw fail("forecast: \(error)")
    } catch let error as StaffingError {
        throw fail("staffing: \(error)")
    } catch let error as ShiftSchedulingError {
        throw fail("schedule: \(error)")
    }
}

/// How far ahead to forecast and over how many days to choose the method.
struct ForecastOptions: ParsableArguments {
    @Option(help: "Days to forecast after the history.") var days = 1
    @Option(name: .customLong("backtest-days"), help: "Days at the history's end the methods are backtested over.")
    var backtestDays = 20

    /// Forecasts every queue of `history`, with its handling time when the history has one.
    func forecast(_ history: PlanningHistory) throws -> ForecastReport {
        guard days >= 1 else { throw ValidationError("--days must be at least 1") }
        guard backtestDays >= 1 else { throw ValidationError("--backtest-days must be at least 1") }
        return try history.forecast(days: days, backtestDays: backtestDays)
    }
}

extension PlannedArrivals {
    /// Reads a forecast CSV as `flowtune forecast --csv` writes it: `queue,start,forecast` and
    /// optionally `handling_seconds`, consecutive intervals per queue.
    init(forecastCSV path: String, queue only: String?) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw PlanningInputError(file: path, message: "cannot read: \(error.localizedDescription)")
        }
        try self.init(forecastCSV: text, file: path, queue: only)
        source = URL(fileURLWithPath: path).lastPathComponent
    }
}

/// Formatting the CLI needs outside a report.
enum PlanningFormatting {
    static func duration(_ seconds: Double) -> String { PlanningText.intervalName(seconds) }
}

/// The promise a staffing plan keeps and how agents are counted.
struct StaffingOptions: ParsableArguments {
    @Option(help: "The service level: \"80% in 20s\" (80% of calls answered within 20 seconds).") var target = "80% in 20s"
    @Option(name: .customLong("max-occupancy"), help: "The highest share of agents' time on calls, such as 0.85.")
    var maxOccupancy: Double?
    @Option(name: .customLong("max-abandonment"), help: "With --patience: the highest share of callers hanging up, such as 0.05.")
    var maxAbandonment: Double?
    @Option(help: "The share of paid time not on the queue (breaks, meetings, absence), such as 0.3.") var shrinkage = 0.0
    @Option(help: "Callers' mean patience, such as 2m: staff with Erlang A (callers hang up). Without it Erlang C.")
    var patience: String?
    @Option(name: .customLong("handling-time"), help: "The mean handling time, such as 5m, when the history has none (it overrides a forecast one).")
    var handlingTime: String?
    @Option(name: .customLong("minimum-agents"), help: "Agents in every interval, calls or not.") var minimumAgents = 0
    @Option(name: .customLong("closed-below"), help: "Intervals forecast below this many calls are taken as closed: no calls, no agents (a smoothed forecast is rarely exactly 0 at night).")
    var closedBelow = 0.1

    /// Staffs every queue of `arrivals`.
    func staff(_ arrivals: PlannedArrivals) throws -> StaffingReport {
        guard let (level, answer) = parseTarget(target) else {
            throw ValidationError("--target: write it as \"80% in 20s\", not \(target)")
        }
        let goal = StaffingTarget(serviceLevel: level, answerTime: answer, maxAbandonment: maxAbandonment, maxOccupancy: maxOccupancy)
        if let problem = goal.problem { throw ValidationError("--target: \(problem)") }
        guard shrinkage >= 0, shrinkage < 1 else { throw ValidationError("--shrinkage: \(shrinkage) is not in [0, 1)") }
        var model = CallerPatience.unlimited
        if let patience {
            guard let seconds = parseDuration(patience), seconds > 0 else { throw ValidationError("--patience: \(patience) is not a duration such as 2m") }
            model = .exponential(meanPatience: seconds)
        } else if maxAbandonment != nil {
            throw ValidationError("--max-abandonment needs --patience: under Erlang C nobody hangs up")
        }
        var fixedHandling: Double?
        if let handlingTime {
            guard let seconds = parseDuration(handlingTime), seconds > 0 else {
                throw ValidationError("--handling-time: \(handlingTime) is not a duration such as 5m")
            }
            fixedHandling = seconds
        }
        return try arrivals.staff(target: goal, patience: model, shrinkage: shrinkage, handlingTime: fixedHandling,
                                  minimumAgents: minimumAgents, closedBelow: closedBelow,
                                  handlingHint: "one with --handling-time, such as 5m")
    }
}

/// Reads shift templates from YAML:
///
/// ```yaml
/// templates:
///   - name: early
///     start: "07:00"          # wall clock, on the interval grid
///     length: 8h30m           # breaks included
///     breaks: [{after: 4h, length: 30m}]
///     days: [mon, tue, wed, thu, fri]   # optional: every day of the horizon
///     cost: 8                 # optional: 1 (a head)
/// ```
enum ShiftTemplateFile {
    static let dayNames = PlanningText.dayNames

    /// The templates of `path` in intervals of `interval` seconds, their days placed on a
    /// horizon of `days` days whose first day is weekday `firstWeekday` (Monday = 0).
    static func load(_ path: String, interval: Double, days: Int, firstWeekday: Int) throws -> [ShiftTemplate] {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw PlanningInputError(file: path, message: "cannot read: \(error.localizedDescription)")
        }
        func fail(_ node: Node?, _ message: String) -> PlanningInputError {
            PlanningInputError(file: path, line: node?.mark?.line ?? 1, column: node?.mark?.column ?? 1, message: message)
        }
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw PlanningInputError(file: path, message: "not YAML: \(error)")
        }
        guard let root, let top = root.mapping, let list = top["templates"] else {
            throw fail(root, "a templates file is a mapping with a `templates` list")
        }
        guard let items = list.sequence, !items.isEmpty else { throw fail(list, "templates: a list of at least one template") }
        func intervals(_ node: Node, _ field: String, clock: Bool) throws -> Int {
            let raw = node.scalar?.string ?? ""
            if let problem = PlanningText.gridProblem(raw, interval: interval, clock: clock) { throw fail(node, "\(field): \(problem)") }
            return PlanningText.intervals(raw, interval: interval, clock: clock)!
        }
        var templates: [ShiftTemplate] = []
        for (index, item) in items.enumerated() {
            guard let fields = item.mapping else { throw fail(item, "templates[\(index)]: a mapping with name, start and length") }
            for key in fields.keys {
                guard let name = key.scalar?.string, ["name", "start", "length", "breaks", "days", "cost"].contains(name) else {
                    throw fail(key, "templates[\(index)]: unknown field \(key.scalar?.string ?? "?"); the fields are name, start, length, breaks, days, cost")
                }
            }
            guard let nameNode = fields["name"], let name = nameNode.scalar?.string, !name.isEmpty else {
                throw fail(item, "templates[\(index)]: name is required")
            }
            let at = "template \(name)"
            guard let startNode = fields["start"] else { throw fail(item, "\(at): start is required") }
            guard let lengthNode = fields["length"] else { throw fail(item, "\(at): length is required") }
            let start = try intervals(startNode, "\(at): start", clock: true)
            let length = try intervals(lengthNode, "\(at): length", clock: false)
            guard length > 0 else { throw fail(lengthNode, "\(at): length: a shift lasts longer than zero") }
            var breaks: [ShiftTemplate.Break] = []
            if let breaksNode = fields["breaks"] {
                guard let list = breaksNode.sequence else { throw fail(breaksNode, "\(at): breaks: a list of {after, length}") }
                for entry in list {
                    guard let entryFields = entry.mapping, let after = entryFields["after"], let breakLength = entryFields["length"] else {
                        throw fail(entry, "\(at): a break is {after: DURATION, length: DURATION}, such as {after: 4h, length: 30m}")
                    }
                    let offset = try intervals(after, "\(at): break after", clock: false)
                    let size = try intervals(breakLength, "\(at): break length", clock: false)
                    guard size > 0, offset + size <= length else {
                        throw fail(entry, "\(at): the break must lie inside the \(lengthNode.scalar?.string ?? "") shift")
                    }
                    breaks.append(.init(offset: offset, length: size))
                }
            }
            var worked: [Int]?
            if let daysNode = fields["days"] {
                guard let list = daysNode.sequence else { throw fail(daysNode, "\(at): days: a list such as [mon, tue, wed]") }
                var weekdays = Set<Int>()
                for day in list {
                    guard let text = day.scalar?.string.lowercased().prefix(3), let weekday = dayNames.firstIndex(of: String(text)) else {
                        throw fail(day, "\(at): days: \"\(day.scalar?.string ?? "")\" is not a weekday (mon … sun)")
                    }
                    weekdays.insert(weekday)
                }
                worked = (0..<days).filter { weekdays.contains((firstWeekday + $0) % 7) }
            }
            var cost = 1.0
            if let costNode = fields["cost"] {
                guard let value = Double(costNode.scalar?.string ?? ""), value >= 0, value.isFinite else {
                    throw fail(costNode, "\(at): cost: \"\(costNode.scalar?.string ?? "")\" is not a number ≥ 0")
                }
                cost = value
            }
            guard !templates.contains(where: { $0.name == name }) else { throw fail(nameNode, "\(at): named twice") }
            templates.append(ShiftTemplate(name: name, start: start, length: length, breaks: breaks, days: worked, cost: cost))
        }
        return templates
    }
}

extension PlanningFormatting {
    /// `2026-03-02 Mon` for a wall-clock reading.
    static func day(_ seconds: Double) -> String {
        let days = Int((seconds / 86_400).rounded(.down))
        let (year, month, day) = CivilDate.civil(fromDays: days)
        return String(format: "%04d-%02d-%02d ", year, month, day) + ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][((days % 7) + 7) % 7]
    }

    /// `+01:00`, or `UTC`.
    static func offset(_ seconds: Int) -> String {
        guard seconds != 0 else { return "UTC" }
        return String(format: "%@%02d:%02d", seconds < 0 ? "-" : "+", abs(seconds) / 3600, abs(seconds) / 60 % 60)
    }
}
