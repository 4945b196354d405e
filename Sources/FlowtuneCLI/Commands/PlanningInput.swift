import ArgumentParser
import FlowtuneCore
import FlowtuneMining
import FlowtunePlanning
import FlowtuneStore
import Foundation
import Synchronization
import Yams

/// A problem with a planning command's input, at a file's line and column when it has one.
struct PlanningInputError: Error, CustomStringConvertible {
    var file: String
    var line: Int?
    var column: Int?
    var message: String

    var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let line, let column, line > 0 { place += ":\(column)" }
        return "\(place): \(message)"
    }
}

/// Arrivals per queue, bucketed on the wall clock of the history.
struct PlanningHistory {
    /// One queue's history.
    struct Queue {
        var name: String
        var arrivals: IntervalSeries
        var count: Int
        var handling: HandlingTimeHistory?
    }

    var source: String
    var queues: [Queue]
    /// The one UTC offset every timestamp had, or the zone's when converted; nil when mixed.
    var utcOffset: Int?
}

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
            offset = zone == nil ? 0 : nil
        } else {
            (arrivals, offset) = try readCSV(path)
        }
        var local = arrivals
        if let zone {
            var offsets = Set<Int>()
            for index in local.indices {
                let shift = zone.secondsFromGMT(for: Date(timeIntervalSince1970: local[index].utc))
                offsets.insert(shift)
                local[index].local = local[index].utc + Double(shift)
            }
            offset = offsets.count == 1 ? offsets.first : nil
        }
        if let queue { local.removeAll { $0.queue != queue } }
        guard let first = local.map(\.local).min(), let last = local.map(\.local).max() else {
            throw PlanningInputError(file: path, message: queue.map { "no arrivals for queue \($0)" } ?? "no arrivals")
        }
        let firstDay = (first / 86_400).rounded(.down) * 86_400
        let days = Int(((last - firstDay) / 86_400).rounded(.down)) + 1
        let count = days * Int(86_400 / seconds)
        var names: [String] = []
        var grouped: [String: [Arrival]] = [:]
        for arrival in local {
            if grouped[arrival.queue] == nil { names.append(arrival.queue) }
            grouped[arrival.queue, default: []].append(arrival)
        }
        let queues = names.sorted().map { name in
            let items = grouped[name]!
            let withHandling = items.filter { $0.handling != nil }
            return PlanningHistory.Queue(
                name: name,
                arrivals: IntervalSeries(counting: items.map(\.local), start: firstDay, interval: seconds, count: count),
                count: items.count,
                handling: withHandling.isEmpty ? nil : HandlingTimeHistory(
                    observations: withHandling.map { (time: $0.local, seconds: $0.handling!) }, start: firstDay,
                    interval: seconds, count: count))
        }
        return PlanningHistory(source: URL(fileURLWithPath: path).lastPathComponent, queues: queues, utcOffset: offset)
    }

    /// One arrival: when (in UTC and on the wall clock it is bucketed by), its queue, and its
    /// handling time when the file gives one.
    struct Arrival {
        var utc: Double
        var local: Double
        var queue: String
        var handling: Double?
    }

    /// Reads a CSV of arrivals, returning them with the UTC offset every timestamp shared (nil
    /// when they differ or none is written).
    func readCSV(_ path: String) throws -> ([Arrival], Int?) {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw PlanningInputError(file: path, message: "cannot read: \(error.localizedDescription)")
        }
        let table = try CSVTable(text: text, file: path)
        func column(_ name: String, option: String, required: Bool) throws -> Int? {
            if let index = table.header.firstIndex(where: { $0.lowercased() == name.lowercased() }) { return index }
            guard required else { return nil }
            throw PlanningInputError(
                file: path, line: 1, column: 1,
                message: "no column \(name) in the header (\(table.header.joined(separator: ", "))); name it with \(option)")
        }
        let timeIndex = try column(timestampColumn, option: "--timestamp-column", required: true)!
        let queueIndex = try column(queueColumn, option: "--queue-column", required: true)!
        let handlingIndex = try column(handlingColumn, option: "--handling-column", required: false)
        var arrivals: [Arrival] = []
        arrivals.reserveCapacity(table.rows.count)
        var offsets = Set<Int>()
        for row in table.rows {
            func field(_ index: Int, _ name: String) throws -> String {
                guard index < row.fields.count else {
                    throw PlanningInputError(file: path, line: row.line, column: row.columns.last.map { $0 + 1 } ?? 1,
                                             message: "\(name): missing; the row has \(row.fields.count) fields")
                }
                return row.fields[index]
            }
            let stamp = try field(timeIndex, timestampColumn).trimmingCharacters(in: .whitespaces)
            guard let utc = Timestamp.parse(stamp) else {
                throw PlanningInputError(file: path, line: row.line, column: row.columns[timeIndex],
                                         message: "\(timestampColumn): \"\(stamp)\" is not an ISO 8601 timestamp such as 2026-03-02T09:15:00+01:00")
            }
            // The wall clock as written: the same text read as if it were UTC.
            let wallClock = Self.wallClock(stamp) ?? utc
            offsets.insert(Int((wallClock - utc).rounded()))
            let queue = try field(queueIndex, queueColumn).trimmingCharacters(in: .whitespaces)
            guard !queue.isEmpty else {
                throw PlanningInputError(file: path, line: row.line, column: row.columns[queueIndex], message: "\(queueColumn): empty")
            }
            var handling: Double?
            if let handlingIndex, handlingIndex < row.fields.count {
                let value = row.fields[handlingIndex].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty {
                    guard let seconds = Double(value), seconds >= 0, seconds.isFinite else {
                        throw PlanningInputError(file: path, line: row.line, column: row.columns[handlingIndex],
                                                 message: "\(handlingColumn): \"\(value)\" is not a number of seconds ≥ 0")
                    }
                    handling = seconds
                }
            }
            arrivals.append(Arrival(utc: utc, local: wallClock, queue: queue, handling: handling))
        }
        return (arrivals, offsets.count == 1 ? offsets.first : nil)
    }

    /// The wall-clock reading of an ISO 8601 timestamp, ignoring its offset.
    static func wallClock(_ stamp: String) -> Double? {
        var text = Substring(stamp)
        if text.hasSuffix("Z") || text.hasSuffix("z") { text = text.dropLast() }
        if let sign = text.lastIndex(where: { $0 == "+" || $0 == "-" }), text.distance(from: text.startIndex, to: sign) > 10 {
            text = text[..<sign]
        }
        return Timestamp.parse(String(text))
    }

    /// TaskCreated events of a store: a workflow's tasks arrive at its queue.
    static func readStore(_ path: String, workspace: String?) async throws -> [Arrival] {
        let store = try SQLiteEventStore(path: path)
        defer { try? store.close() }
        let name = try await store.chosenWorkspace(workspace, path: path, hint: "--workspace")
        let collector = Collector()
        try await store.replay(name, after: 0) { batch in collector.add(batch) }
        return collector.arrivals()
    }

    private final class Collector: Sendable {
        private let items = Mutex<[Arrival]>([])
        func add(_ batch: [StoredEvent]) {
            items.withLock { items in
                for stored in batch {
                    if case .taskCreated(let created) = stored.event.payload {
                        let time = stored.event.time.timeIntervalSince1970
                        items.append(Arrival(utc: time, local: time, queue: created.workflow.rawValue))
                    }
                }
            }
        }
        func arrivals() -> [Arrival] { items.withLock { $0 } }
    }
}

/// A CSV file split into a header and rows, remembering each row's line and each field's column.
struct CSVTable {
    struct Row {
        var line: Int
        var fields: [String]
        /// The 1-based character column each field starts at.
        var columns: [Int]
    }

    var header: [String]
    var rows: [Row]

    init(text: String, file: String) throws {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let first = lines.first else { throw PlanningInputError(file: file, message: "empty file: no header") }
        header = Self.split(first.hasPrefix("\u{FEFF}") ? first.dropFirst() : first, file: file, line: 1).fields
        rows = []
        rows.reserveCapacity(lines.count)
        for (offset, line) in lines.enumerated().dropFirst() {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.allSatisfy(\.isWhitespace) { continue }
            rows.append(Self.split(trimmed, file: file, line: offset + 1))
        }
    }

    /// Splits one line on commas; a field in double quotes may hold commas and doubled quotes.
    static func split(_ line: Substring, file: String, line number: Int) -> Row {
        var fields: [String] = []
        var columns: [Int] = []
        var current = ""
        var quoted = false
        var column = 1
        var fieldStart = 1
        var previousQuote = false
        for character in line {
            if quoted {
                if character == "\"" { quoted = false; previousQuote = true } else { current.append(character) }
            } else if character == "\"" {
                if previousQuote { current.append("\"") }
                quoted = true
            } else if character == "," {
                fields.append(current)
                columns.append(fieldStart)
                current = ""
                fieldStart = column + 1
                previousQuote = false
            } else {
                current.append(character)
                previousQuote = false
            }
            column += 1
        }
        fields.append(current)
        columns.append(fieldStart)
        return Row(line: number, fields: fields, columns: columns)
    }
}

/// Seconds in `text`: `20s`, `2m`, `15m`, `1h`, `8h30m`, `90` (seconds); nil when unreadable.
func parseDuration(_ text: String) -> Double? {
    let text = text.trimmingCharacters(in: .whitespaces).lowercased()
    if let plain = Double(text) { return plain >= 0 ? plain : nil }
    var total = 0.0
    var number = ""
    var seenUnit = false
    for character in text {
        if character.isNumber || character == "." {
            number.append(character)
        } else if character == " " {
            continue
        } else {
            guard let value = Double(number) else { return nil }
            switch character {
            case "h": total += value * 3600
            case "m": total += value * 60
            case "s": total += value
            default: return nil
            }
            number = ""
            seenUnit = true
        }
    }
    guard number.isEmpty, seenUnit else { return nil }
    return total
}

/// A target written as `80% in 20s` (or `80/20`): the service level and its answer time.
func parseTarget(_ text: String) -> (level: Double, answerTime: Double)? {
    let lower = text.lowercased().replacingOccurrences(of: "within", with: "in")
    let parts: [String]
    if lower.contains(" in ") {
        parts = lower.components(separatedBy: " in ")
    } else {
        parts = lower.split(separator: "/").map(String.init)
    }
    guard parts.count == 2 else { return nil }
    let levelText = parts[0].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "%", with: "")
    guard var level = Double(levelText), let answer = parseDuration(parts[1]) else { return nil }
    if level > 1 { level /= 100 }
    return (level, answer)
}

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
        var queues: [ForecastReport.Queue] = []
        for queue in history.queues {
            let horizon = days * queue.arrivals.intervalsPerDay
            let forecaster = Forecaster(configuration: .init(horizon: horizon, backtestDays: backtestDays))
            let forecast: Forecast
            do { forecast = try forecaster.forecast(queue.arrivals) } catch let error as ForecastError {
                throw PlanningInputError(file: history.source, message: "queue \(queue.name): \(error)")
            }
            let handling = try queue.handling.map { try HandlingTimeForecaster().forecast($0, horizon: horizon) }
            queues.append(ForecastReport.Queue(
                name: queue.name, arrivals: queue.count, history: queue.arrivals, forecast: forecast, handlingTime: handling))
        }
        return ForecastReport(source: history.source, utcOffset: history.utcOffset, queues: queues)
    }
}

/// The arrivals a staffing plan is made for: per queue calls per interval and, when known, the
/// handling time of each.
struct PlannedArrivals {
    struct Queue {
        var name: String
        var calls: IntervalSeries
        var handlingTime: IntervalSeries?
    }

    var source: String
    var utcOffset: Int?
    var queues: [Queue]

    init(_ report: ForecastReport) {
        source = report.source
        utcOffset = report.utcOffset
        queues = report.queues.map { Queue(name: $0.name, calls: $0.forecast.series, handlingTime: $0.handlingTime?.series) }
    }

    /// Reads a forecast CSV as `flowtune forecast --csv` writes it: `queue,start,forecast` and
    /// optionally `handling_seconds`, consecutive intervals per queue.
    init(forecastCSV path: String, queue only: String?) throws {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw PlanningInputError(file: path, message: "cannot read: \(error.localizedDescription)")
        }
        let table = try CSVTable(text: text, file: path)
        func column(_ name: String) -> Int? { table.header.firstIndex { $0.lowercased() == name } }
        guard let queueIndex = column("queue"), let startIndex = column("start"), let valueIndex = column("forecast") else {
            throw PlanningInputError(file: path, line: 1, column: 1,
                                     message: "a forecast file has the columns queue, start, forecast (and handling_seconds); this one has \(table.header.joined(separator: ", "))")
        }
        let handlingIndex = column("handling_seconds")
        var names: [String] = []
        var rows: [String: [(start: Double, calls: Double, handling: Double?, line: Int)]] = [:]
        var offsets = Set<Int>()
        for row in table.rows {
            guard row.fields.count > max(queueIndex, startIndex, valueIndex) else {
                throw PlanningInputError(file: path, line: row.line, column: 1, message: "the row has \(row.fields.count) fields")
            }
            let stamp = row.fields[startIndex].trimmingCharacters(in: .whitespaces)
            guard let utc = Timestamp.parse(stamp), let start = PlanningInput.wallClock(stamp) else {
                throw PlanningInputError(file: path, line: row.line, column: row.columns[startIndex],
                                         message: "start: \"\(stamp)\" is not an ISO 8601 timestamp")
            }
            offsets.insert(Int((start - utc).rounded()))
            guard let calls = Double(row.fields[valueIndex].trimmingCharacters(in: .whitespaces)), calls >= 0, calls.isFinite else {
                throw PlanningInputError(file: path, line: row.line, column: row.columns[valueIndex],
                                         message: "forecast: \"\(row.fields[valueIndex])\" is not a number of calls ≥ 0")
            }
            var handling: Double?
            if let handlingIndex, handlingIndex < row.fields.count, !row.fields[handlingIndex].isEmpty {
                guard let seconds = Double(row.fields[handlingIndex]), seconds > 0 else {
                    throw PlanningInputError(file: path, line: row.line, column: row.columns[handlingIndex],
                                             message: "handling_seconds: \"\(row.fields[handlingIndex])\" is not a positive number of seconds")
                }
                handling = seconds
            }
            let name = row.fields[queueIndex]
            if let only, name != only { continue }
            if rows[name] == nil { names.append(name) }
            rows[name, default: []].append((start, calls, handling, row.line))
        }
        guard !names.isEmpty else {
            throw PlanningInputError(file: path, message: only.map { "no rows for queue \($0)" } ?? "no forecast rows")
        }
        var queues: [Queue] = []
        for name in names {
            let items = rows[name]!
            let step = items.count > 1 ? items[1].start - items[0].start : 900
            guard step > 0 else { throw PlanningInputError(file: path, line: items[1].line, column: 1, message: "start: not after the row before") }
            for (k, item) in items.enumerated() where item.start != items[0].start + Double(k) * step {
                throw PlanningInputError(file: path, line: item.line, column: 1,
                                         message: "start: queue \(name)'s intervals are not consecutive \(PlanningFormatting.duration(step)) steps")
            }
            let handling = items.allSatisfy { $0.handling != nil }
                ? IntervalSeries(start: items[0].start, interval: step, values: items.map { $0.handling! }) : nil
            queues.append(Queue(name: name, calls: IntervalSeries(start: items[0].start, interval: step, values: items.map(\.calls)),
                                handlingTime: handling))
        }
        source = URL(fileURLWithPath: path).lastPathComponent
        utcOffset = offsets.count == 1 ? offsets.first : nil
        self.queues = queues
    }
}

/// Formatting the CLI needs outside a report.
enum PlanningFormatting {
    static func duration(_ seconds: Double) -> String {
        seconds.truncatingRemainder(dividingBy: 60) == 0 ? "\(Int(seconds / 60))-minute" : "\(Int(seconds))-second"
    }
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
        var queues: [StaffingReport.Queue] = []
        for queue in arrivals.queues {
            let handling: IntervalSeries
            if let fixedHandling {
                handling = IntervalSeries(start: queue.calls.start, interval: queue.calls.interval,
                                          values: Array(repeating: fixedHandling, count: queue.calls.count))
            } else if let forecast = queue.handlingTime {
                handling = forecast
            } else {
                throw ValidationError("queue \(queue.name): \(arrivals.source) gives no handling times; give one with --handling-time, such as 5m")
            }
            var calls = queue.calls
            calls.values = calls.values.map { $0 < closedBelow ? 0 : $0 }
            do {
                let plan = try StaffingPlan(arrivals: calls, handlingTime: handling, target: goal, patience: model,
                                            shrinkage: shrinkage, minimumAgents: minimumAgents)
                queues.append(StaffingReport.Queue(name: queue.name, plan: plan))
            } catch let error as StaffingError {
                throw StaffingError(interval: nil, reason: "queue \(queue.name): \(error)")
            }
        }
        return StaffingReport(source: arrivals.source, utcOffset: arrivals.utcOffset, queues: queues)
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
    static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

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
            var seconds: Double?
            if clock {
                let parts = raw.split(separator: ":").map { Int($0) }
                if parts.count == 2, let h = parts[0], let m = parts[1], (0..<24).contains(h), (0..<60).contains(m) {
                    seconds = Double(h * 3600 + m * 60)
                }
            } else {
                seconds = parseDuration(raw)
            }
            guard let seconds else {
                throw fail(node, "\(field): \"\(raw)\" is not " + (clock ? "a time of day such as \"07:30\"" : "a duration such as 8h30m"))
            }
            let count = seconds / interval
            guard count == count.rounded() else {
                throw fail(node, "\(field): \(raw) is not on the \(PlanningFormatting.duration(interval)) interval grid")
            }
            return Int(count)
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
