import Foundation
import FlowtuneCore
internal import Yams

extension ColumnMapping {
    /// The keys a mapping file may hold.
    static let yamlKeys = [
        "case", "activity", "timestamp", "start_timestamp", "lifecycle", "resource", "group", "attributes",
        "case_attributes", "keep_other_columns", "time_zone", "timestamp_format", "null_markers", "delimiter",
    ]

    /// Reads a mapping file.
    ///
    /// ```yaml
    /// case: ticket_id              # required
    /// activity: status             # required
    /// timestamp: closed_at         # when the work was completed; timestamp and/or start_timestamp
    /// start_timestamp: opened_at
    /// lifecycle: transition        # optional: start / complete / … per row
    /// resource: agent
    /// group: team
    /// attributes: [channel, amount]        # kept on each activity instance
    /// case_attributes: [customer, region]  # kept on the case, from its first row
    /// keep_other_columns: false    # true: every column not named above too (case:… on the case)
    /// time_zone: Europe/Amsterdam  # for timestamps without an offset; default UTC
    /// timestamp_format: dd/MM/yyyy HH:mm[:ss]   # default iso8601; also epoch, epoch-ms
    /// null_markers: ["", EMPTY, UNKNOWN]        # cells that mean "none"; default [""]
    /// delimiter: ";"               # , (default) ; | or tab
    /// ```
    ///
    /// - Throws: ``MiningError`` at the line and column of the first problem, with the key's
    ///   path (`attributes[1]`): invalid YAML, an unknown key, a value of the wrong type, a
    ///   missing `case`, `activity` or timestamp, an unknown time zone, format or delimiter.
    public static func load(yaml: String, file: String) throws(MiningError) -> ColumnMapping {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw malformed(error, file: file)
        }
        guard let root, case .mapping(let mapping) = root else {
            throw MiningError(
                file: file, line: root?.mark?.line ?? 1, column: root?.mark?.column,
                message: "expected a mapping of keys such as case:, activity: and timestamp:")
        }
        var fields: [String: Node] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key else {
                throw MiningError(file: file, line: key.mark?.line, column: key.mark?.column, message: "keys must be plain text")
            }
            let name = scalar.string
            guard yamlKeys.contains(name) else {
                let hint = Suggestion.closest(to: name, among: yamlKeys).map { " (did you mean \($0)?)" }
                    ?? "; expected one of: \(yamlKeys.joined(separator: ", "))"
                throw MiningError(
                    file: file, line: key.mark?.line, column: key.mark?.column, field: name, message: "unknown key\(hint)")
            }
            // `resource: ~` is the same as leaving the key out.
            if value.null != nil { continue }
            fields[name] = value
        }

        func text(_ key: String) throws(MiningError) -> String? {
            guard let node = fields[key] else { return nil }
            guard case .scalar(let scalar) = node else {
                throw mismatch("a column name or value", node, at: key, file: file)
            }
            return scalar.string
        }
        func list(_ key: String) throws(MiningError) -> [String] {
            guard let node = fields[key] else { return [] }
            guard case .sequence(let items) = node else {
                throw mismatch("a list such as [channel, amount]", node, at: key, file: file)
            }
            var result: [String] = []
            for (index, item) in items.enumerated() {
                guard case .scalar(let scalar) = item else {
                    throw mismatch("text", item, at: "\(key)[\(index)]", file: file)
                }
                result.append(item.null != nil ? "" : scalar.string)
            }
            return result
        }
        func required(_ key: String) throws(MiningError) -> String {
            guard let value = try text(key) else {
                throw MiningError(file: file, line: root.mark?.line ?? 1, column: root.mark?.column, field: key,
                    message: "missing required key \(key): the column holding the \(key == "case" ? "case id" : key)")
            }
            return value
        }
        func problem(_ key: String, _ message: String) -> MiningError {
            let mark = fields[key]?.mark
            return MiningError(file: file, line: mark?.line, column: mark?.column, field: key, message: message)
        }

        var result = ColumnMapping(caseID: try required("case"), activity: try required("activity"))
        result.completeTimestamp = try text("timestamp")
        result.startTimestamp = try text("start_timestamp")
        guard result.completeTimestamp != nil || result.startTimestamp != nil else {
            throw MiningError(
                file: file, line: root.mark?.line ?? 1, column: root.mark?.column, field: "timestamp",
                message: "missing required key timestamp (or start_timestamp): the column holding when each event happened")
        }
        result.lifecycle = try text("lifecycle")
        result.resource = try text("resource")
        result.group = try text("group")
        result.attributes = try list("attributes")
        result.caseAttributes = try list("case_attributes")
        if let node = fields["keep_other_columns"] {
            guard case .scalar(let scalar) = node, let flag = Bool.construct(from: scalar) else {
                throw mismatch("true or false", node, at: "keep_other_columns", file: file)
            }
            result.keepOtherColumns = flag
        }
        if let zone = try text("time_zone") {
            do {
                result.timeZone = try TimeZoneRule(named: zone)
            } catch {
                throw problem("time_zone", error.description)
            }
        }
        if let format = try text("timestamp_format") {
            do {
                result.timestampFormat = try TimestampFormat(parsing: format)
            } catch {
                throw problem("timestamp_format", "\(error.message); or write iso8601, epoch or epoch-ms")
            }
        }
        if fields["null_markers"] != nil { result.nullMarkers = try list("null_markers") }
        if let delimiter = try text("delimiter") {
            guard let value = Delimiter(name: delimiter) else {
                throw problem("delimiter", "unknown delimiter \"\(delimiter)\"; expected \",\", \";\", \"|\" or tab")
            }
            result.delimiter = value
        }
        return result
    }

    /// Reads the mapping file at `url`.
    public static func load(contentsOf url: URL) throws(MiningError) -> ColumnMapping {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw MiningError(file: url.path, message: "cannot read the mapping file: \(error.localizedDescription)")
        }
        return try load(yaml: text, file: url.path)
    }

    private static func mismatch(_ expected: String, _ node: Node, at path: String, file: String) -> MiningError {
        let found: String
        switch node {
        case .mapping: found = "a mapping"
        case .sequence: found = "a list"
        case .alias: found = "an alias"
        case .scalar(let scalar): found = "\"\(scalar.string)\""
        }
        return MiningError(
            file: file, line: node.mark?.line, column: node.mark?.column, field: path,
            message: "expected \(expected), found \(found)")
    }

    private static func malformed(_ error: any Error, file: String) -> MiningError {
        switch error as? YamlError {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return MiningError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return MiningError(
                file: file, line: context.mark.line, column: context.mark.column, field: duplicates.sorted().first,
                message: "invalid YAML: \(duplicates.sorted().joined(separator: ", ")) is written more than once")
        default:
            return MiningError(file: file, message: "invalid YAML: \(error)")
        }
    }
}
