import FlowtuneCore
import Foundation

/// Where a scenario's replayed arrivals come from, as its `replay` section names it; the shell
/// reads it (a file, or an event store) and hands the contents to ``Scenario/load(_:replay:)``.
public enum ReplayReference: Sendable, Hashable {
    /// A CSV file, as written in the scenario (relative to the scenario file).
    case csv(file: String)
    /// A Flowtune event store (SQLite) and the workspace in it, if the scenario names one.
    case events(store: String, workspace: String?)
}

/// The history a scenario replays, read by the shell.
public enum ReplayData: Sendable {
    /// The text of the CSV file the scenario names; `file` is used in error messages.
    case csv(DefinitionSource)
    /// A workspace's events from an event store; only `TaskCreated` events count. `file` names
    /// the store in error messages.
    case events(file: String, [Event])
}

/// What a scenario's `replay` section says.
struct ReplaySpec {
    var path: String
    var file: String?
    var events: String?
    var workspace: String?
    var timeColumn: String?
    var typeColumn: String?
    var channelColumn: String?
    var priorityColumn: String?
    var attributeColumns: [(attribute: String, column: String)] = []

    var reference: ReplayReference? {
        if let file { return .csv(file: file) }
        if let events { return .events(store: events, workspace: workspace) }
        return nil
    }
}

/// Turns replayed history into arrivals per task type.
///
/// A CSV row's time is an ISO 8601 instant or an offset from the scenario's start (`90s`, `1h`,
/// or seconds); without a `start` in the scenario, a history of instants starts at midnight UTC
/// of its first day. Rows outside the run (before the start, after horizon + drain) are left out.
struct ReplayReader {
    var issues: [DefinitionError.Issue] = []

    /// One arrival before its time is placed on the scenario's clock.
    struct Row {
        var type: Int
        var instant: Date?
        var offset: Double
        var arrival: ReplayedArrival
    }

    /// Reads a CSV history; `replayTypes` maps a task type's name to its index.
    mutating func rows(csv source: DefinitionSource, spec: ReplaySpec, replayTypes: [(name: String, index: Int)]) -> [Row] {
        let table: [CSVRows.Row]
        do {
            table = try CSVRows.parse(source.text)
        } catch {
            issues.append(DefinitionError.Issue(file: source.file, line: error.line, column: 1, path: "", message: error.message))
            return []
        }
        guard let header = table.first else {
            issues.append(DefinitionError.Issue(file: source.file, line: 1, column: 1, path: "", message: "the file is empty; it needs a header row"))
            return []
        }
        let names = header.cells.map { $0.trimmingCharacters(in: .whitespaces) }
        var missing = false
        func column(_ name: String?, _ field: String) -> Int? {
            guard let name else { return nil }
            if let index = names.firstIndex(of: name) { return index }
            let hint = Suggestion.closest(to: name, among: names).map { " (did you mean \($0)?)" } ?? ""
            issues.append(DefinitionError.Issue(
                file: source.file, line: header.line, column: 1, path: "\(spec.path).columns.\(field)",
                message: "no column \(name)\(hint); the header has \(names.joined(separator: ", "))"))
            missing = true
            return nil
        }
        let timeColumn = column(spec.timeColumn, "time")
        let typeColumn = column(spec.typeColumn, "type")
        let channelColumn = column(spec.channelColumn, "channel")
        let priorityColumn = column(spec.priorityColumn, "priority")
        let attributeColumns = spec.attributeColumns.map { ($0.attribute, column($0.column, "attributes.\($0.attribute)")) }
        guard !missing, let timeColumn else { return [] }
        if typeColumn == nil, replayTypes.count != 1 { return [] }

        var rows: [Row] = []
        for row in table.dropFirst() {
            if row.cells.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            func cell(_ index: Int) -> String {
                index < row.cells.count ? row.cells[index].trimmingCharacters(in: .whitespaces) : ""
            }
            func problem(_ index: Int, _ message: String) {
                issues.append(DefinitionError.Issue(file: source.file, line: row.line, column: index + 1, path: names[index], message: message))
            }
            var type = replayTypes.first?.index ?? 0
            if let typeColumn {
                let value = cell(typeColumn)
                guard let match = replayTypes.first(where: { $0.name == value }) else {
                    let known = replayTypes.map(\.name)
                    let hint = Suggestion.closest(to: value, among: known).map { " (did you mean \($0)?)" } ?? ""
                    problem(typeColumn, "no replayed task type \"\(value)\"\(hint); replayed types: \(known.joined(separator: ", "))")
                    continue
                }
                type = match.index
            }
            let text = cell(timeColumn)
            var instant: Date?
            var offset = 0.0
            if let date = Self.instant(text) {
                instant = date
            } else if let seconds = DurationText.seconds(from: text), seconds.isFinite {
                offset = seconds
            } else {
                problem(timeColumn, "\"\(text)\" is not a time; write an ISO 8601 instant (2026-01-05T08:12:00Z) or an offset from the start (90s, 1h30m, 5400)")
                continue
            }
            var arrival = ReplayedArrival(time: 0)
            if let channelColumn {
                let value = cell(channelColumn)
                if !value.isEmpty { arrival.channel = Channel(value) }
            }
            if let priorityColumn {
                let value = cell(priorityColumn)
                if !value.isEmpty {
                    guard let priority = Int(value), (1...9).contains(priority) else {
                        problem(priorityColumn, "priority must be a whole number from 1 (most urgent) to 9, not \"\(value)\"")
                        continue
                    }
                    arrival.priority = priority
                }
            }
            for case let (attribute, index?) in attributeColumns {
                let value = cell(index)
                if !value.isEmpty { arrival.attributes[attribute] = Self.json(value) }
            }
            rows.append(Row(type: type, instant: instant, offset: offset, arrival: arrival))
        }
        return rows
    }

    /// Reads the `TaskCreated` events of a log; a task goes to the replayed type that follows its
    /// workflow on its channel, or else the first that follows its workflow. Tasks of workflows no
    /// replayed type follows are left out.
    mutating func rows(events: [Event], replayTypes: [(request: NewTask, index: Int)]) -> [Row] {
        var rows: [Row] = []
        for event in events {
            guard case .taskCreated(let created) = event.payload else { continue }
            let match = replayTypes.first { $0.request.workflow == created.workflow && $0.request.channel == created.channel }
                ?? replayTypes.first { $0.request.workflow == created.workflow }
            guard let match else { continue }
            var attributes: [String: JSONValue] = [:]
            if case .object(let members) = created.attributes { attributes = members }
            rows.append(Row(
                type: match.index, instant: event.time, offset: 0,
                arrival: ReplayedArrival(time: 0, channel: created.channel, priority: created.priority, attributes: attributes)))
        }
        return rows
    }

    /// Places rows on the scenario's clock and splits them by type, in time order.
    static func arrivals(_ rows: [Row], start: Date, end: Double, types: Int) -> [[ReplayedArrival]] {
        var byType = Array(repeating: [ReplayedArrival](), count: types)
        for row in rows {
            var arrival = row.arrival
            arrival.time = row.instant.map { $0.timeIntervalSince(start) } ?? row.offset
            guard arrival.time >= 0, arrival.time <= end else { continue }
            byType[row.type].append(arrival)
        }
        // A stable sort: rows at the same time keep the file's order.
        return byType.map { list in
            list.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        }
    }

    /// Midnight UTC of the first instant's day: a history's day lines up with the scenario's.
    static func defaultStart(for rows: [Row]) -> Date? {
        guard let first = rows.compactMap(\.instant).min() else { return nil }
        let seconds = (first.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        return Date(timeIntervalSince1970: seconds)
    }

    static func instant(_ text: String) -> Date? {
        guard text.count >= 10, text.contains("-") else { return nil }
        return formatters.lazy.compactMap { $0.date(from: text) }.first
    }

    // ISO8601DateFormatter is documented as thread-safe; building one per row would dominate
    // the reading of a long history.
    nonisolated(unsafe) private static let formatters: [ISO8601DateFormatter] = {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        // "2026-01-05 08:12:00" without a zone: read as UTC, as spreadsheets often write it.
        let spaced = ISO8601DateFormatter()
        spaced.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withSpaceBetweenDateAndTime]
        return [plain, fractional, spaced]
    }()

    static func json(_ text: String) -> JSONValue {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        if let number = Double(text), number.isFinite { return .number(number) }
        return .string(text)
    }
}

