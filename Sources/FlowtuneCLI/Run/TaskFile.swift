import FlowtuneCore
import Foundation

/// A file of tasks to feed a workspace: JSON Lines (`.jsonl`) or CSV (`.csv`), one task per line.
///
/// Each task names its workflow and may give an id, arrival time, channel, priority, attributes,
/// and how its workers will behave: how long each step takes (`handle`), the outcome of each step
/// in order (`outcomes`), and the evidence they supply (`evidence`).
///
/// ```
/// {"id": "T-1", "workflow": "support", "at": "0s", "channel": "chat", "priority": 3,
///  "attributes": {"tier": "gold"}, "handle": "6m", "outcomes": ["done", "solved"],
///  "evidence": {"category": "billing", "resolution": "refund issued"}}
/// ```
/// In CSV the columns are the same; `attributes.NAME` and `evidence.NAME` columns fill those
/// objects and `outcomes` separates steps with `;`.
struct TaskFile {
    /// One task of the file.
    struct Entry: Sendable {
        var line: Int
        var request: NewTask
        /// Seconds after the start of the run.
        var offset: TimeInterval
        var handle: TimeInterval?
        var outcomes: [String]
        var evidence: [String: JSONValue]
    }

    var entries: [Entry]
    /// The absolute time of offset zero, when the file gives absolute times.
    var start: Date?

    /// A problem in the file, located by path, line and field.
    struct Problem: Error, CustomStringConvertible {
        var path: String
        var line: Int
        var field: String?
        var message: String

        var description: String {
            "\(path):\(line)\(field.map { ": \($0)" } ?? ""): \(message)"
        }
    }

    private static let fields: Set<String> = [
        "id", "workflow", "at", "channel", "priority", "attributes", "handle", "outcomes", "evidence",
    ]

    /// Reads the file at `path`, choosing the format by its extension.
    static func read(path: String) throws -> TaskFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(path: path, line: 0, field: nil, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Problem(path: path, line: 0, field: nil, message: "the file is not UTF-8 text")
        }
        if path.lowercased().hasSuffix(".csv") {
            return try parseCSV(text, path: path)
        }
        return try parseJSONLines(text, path: path)
    }

    static func parseJSONLines(_ text: String, path: String) throws -> TaskFile {
        var raw: [(line: Int, fields: [String: JSONValue])] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let value: JSONValue
            do {
                value = try JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8))
            } catch {
                throw Problem(path: path, line: index + 1, field: nil, message: "not valid JSON")
            }
            guard case .object(let fields) = value else {
                throw Problem(path: path, line: index + 1, field: nil, message: "each line must be a JSON object")
            }
            raw.append((index + 1, fields))
        }
        return try build(raw, path: path)
    }

    static func parseCSV(_ text: String, path: String) throws -> TaskFile {
        let rows: [CSVRows.Row]
        do {
            rows = try CSVRows.parse(text)
        } catch {
            throw Problem(path: path, line: error.line, field: nil, message: error.message)
        }
        guard let header = rows.first else { return TaskFile(entries: [], start: nil) }
        var raw: [(line: Int, fields: [String: JSONValue])] = []
        for row in rows.dropFirst() {
            if row.cells.allSatisfy({ $0.isEmpty }) { continue }
            guard row.cells.count == header.cells.count else {
                throw Problem(
                    path: path, line: row.line, field: nil,
                    message: "expected \(header.cells.count) columns as in the header, found \(row.cells.count)")
            }
            var fields: [String: JSONValue] = [:]
            var attributes: [String: JSONValue] = [:]
            var evidence: [String: JSONValue] = [:]
            for (column, cell) in zip(header.cells, row.cells) where !cell.isEmpty {
                if column.hasPrefix("attributes.") {
                    attributes[String(column.dropFirst("attributes.".count))] = scalar(cell)
                } else if column.hasPrefix("evidence.") {
                    evidence[String(column.dropFirst("evidence.".count))] = .string(cell)
                } else if column == "outcomes" {
                    fields[column] = .array(cell.split(separator: ";").map { .string(String($0)) })
                } else if column == "priority" {
                    fields[column] = scalar(cell)
                } else {
                    fields[column] = .string(cell)
                }
            }
            if !attributes.isEmpty { fields["attributes"] = .object(attributes) }
            if !evidence.isEmpty { fields["evidence"] = .object(evidence) }
            raw.append((row.line, fields))
        }
        return try build(raw, path: path)
    }

    private static func scalar(_ cell: String) -> JSONValue {
        if let number = Double(cell) { return .number(number) }
        if cell == "true" { return .bool(true) }
        if cell == "false" { return .bool(false) }
        return .string(cell)
    }

    private static func build(_ raw: [(line: Int, fields: [String: JSONValue])], path: String) throws -> TaskFile {
        var entries: [Entry] = []
        var absolute: [(index: Int, date: Date)] = []
        for (line, fields) in raw {
            func problem(_ field: String, _ message: String) -> Problem {
                Problem(path: path, line: line, field: field, message: message)
            }
            for key in fields.keys.sorted() where !Self.fields.contains(key) {
                throw problem(key, "unknown field; expected one of \(Self.fields.sorted().joined(separator: ", "))")
            }
            guard let workflow = fields["workflow"]?.stringValue, !workflow.isEmpty else {
                throw problem("workflow", "every task needs a workflow")
            }
            var request = NewTask(workflow: WorkflowID(workflow))
            if let id = fields["id"] {
                guard let text = id.stringValue ?? id.numberValue.map({ String(Int($0)) }) else {
                    throw problem("id", "must be a string")
                }
                request.id = TaskID(text)
                request.idempotencyKey = text
            }
            if let channel = fields["channel"] {
                guard let text = channel.stringValue else { throw problem("channel", "must be a string") }
                request.channel = Channel(text)
            }
            if let priority = fields["priority"] {
                guard let number = priority.numberValue, number == number.rounded(), (1...9).contains(number) else {
                    throw problem("priority", "must be a whole number from 1 (most urgent) to 9")
                }
                request.priority = Int(number)
            }
            if let attributes = fields["attributes"] {
                guard case .object = attributes else { throw problem("attributes", "must be an object") }
                request.attributes = attributes
            }
            var offset: TimeInterval = 0
            if let at = fields["at"] {
                if let seconds = at.numberValue, seconds >= 0 {
                    offset = seconds
                } else if let text = at.stringValue, let seconds = DurationText.seconds(from: text) {
                    offset = seconds
                } else if let text = at.stringValue, let date = ISO8601DateFormatter().date(from: text) {
                    absolute.append((entries.count, date))
                } else {
                    throw problem("at", "must be an ISO 8601 time such as 2026-01-05T09:00:00Z or an offset such as 90s or 1h")
                }
            }
            var handle: TimeInterval?
            if let value = fields["handle"] {
                guard let text = value.stringValue ?? value.numberValue.map({ "\($0)" }),
                    let seconds = DurationText.seconds(from: text), seconds > 0
                else { throw problem("handle", "must be a duration such as 6m") }
                handle = seconds
            }
            var outcomes: [String] = []
            if let value = fields["outcomes"] {
                guard case .array(let items) = value, let texts = Optional(items.compactMap(\.stringValue)),
                    texts.count == items.count
                else { throw problem("outcomes", "must be a list of outcome names") }
                outcomes = texts
            }
            var evidence: [String: JSONValue] = [:]
            if let value = fields["evidence"] {
                guard case .object(let members) = value else { throw problem("evidence", "must be an object") }
                evidence = members
            }
            entries.append(Entry(
                line: line, request: request, offset: offset, handle: handle, outcomes: outcomes, evidence: evidence))
        }
        var start: Date?
        if !absolute.isEmpty {
            guard absolute.count == entries.count else {
                let timed = Set(absolute.map(\.index))
                let first = entries.indices.first { !timed.contains($0) }!
                throw Problem(
                    path: path, line: entries[first].line, field: "at",
                    message: "other tasks give absolute times: give every task an absolute time, or none")
            }
            let first = absolute.map(\.date).min()!
            start = first
            for (index, date) in absolute { entries[index].offset = date.timeIntervalSince(first) }
        }
        return TaskFile(entries: entries, start: start)
    }
}
