import Foundation
import FlowtuneCore
internal import Yams

extension LogRules {
    /// The fields of a `rules:` section.
    static let yamlKeys = [
        "exceptions", "rescue", "response_window", "response_windows", "promises", "end_activities", "as_of",
    ]

    /// Reads the `rules:` section of a scorecard file; the file's other sections (ratings,
    /// weights) belong to their own readers and are not looked at here.
    ///
    /// ```yaml
    /// rules:
    ///   exceptions:
    ///     activities: ["T16 Report reasons to hold request", "Exception*"]
    ///     attributes: {"case:channel": [Email]}
    ///   rescue: {groups: [Managers]}
    ///   response_window: 1d                # after any step
    ///   response_windows:                  # after these steps
    ///     "T02 Check confirmation of receipt": 4h
    ///   promises:
    ///     - name: first answer within 4 h
    ///       from: case_start               # or an activity: the clock starts when it ends
    ///       to: T02 Check confirmation of receipt
    ///       within: 4h
    ///   end_activities: ["T10 Determine necessity to stop indication"]
    ///   as_of: 2012-06-01T00:00:00Z         # "now" for open cases; default: the log's latest time
    /// ```
    ///
    /// - Throws: ``MiningError`` naming the file, line and field path of the first problem (any
    ///   others follow in its message): unknown fields, wrong types, bad durations or times.
    public static func load(yaml: String, file: String) throws(MiningError) -> LogRules {
        var reader = MiningYAMLReader(file: file)
        var rules = LogRules()
        if let root = reader.root(yaml), let sections = reader.fields(root, at: "", allowed: nil),
           let node = sections["rules"] {
            rules = reader.rules(node, at: "rules")
        }
        if let error = reader.error { throw error }
        return rules
    }
}

/// Reads the YAML of scorecard files the way the rest of Flowtune reads its definitions: every
/// problem is recorded with its file, line and field path, and reading goes on past the first, so
/// one run tells the operator everything to fix.
struct MiningYAMLReader {
    let file: String
    private(set) var problems: [MiningError] = []

    init(file: String) { self.file = file }

    /// The problems as one error: the first, with the others following in its message.
    var error: MiningError? {
        guard var first = problems.first else { return nil }
        if problems.count > 1 {
            first.message += "\n" + problems.dropFirst().map(\.description).joined(separator: "\n")
        }
        return first
    }

    // MARK: - Structure

    struct Fields {
        let path: String
        var entries: [(name: String, value: Node)] = []

        func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

        subscript(key: String) -> Node? {
            guard let value = entries.first(where: { $0.name == key })?.value else { return nil }
            if case .scalar = value, value.tag.rawValue == Tag.Name.null.rawValue { return nil }
            return value
        }
    }

    /// The document's top node; nil (with a problem recorded) when the text is not YAML. An empty
    /// document is an empty mapping.
    mutating func root(_ yaml: String) -> Node? {
        do {
            return try Yams.compose(yaml: yaml) ?? Node.mapping(Node.Mapping([]))
        } catch let error as YamlError {
            var line: Int?
            var problem = "\(error)"
            switch error {
            case .scanner(_, let text, let mark, _), .parser(_, let text, let mark, _),
                .composer(_, let text, let mark, _):
                line = mark.line
                problem = text
            case .duplicatedKeysInMapping(let duplicates, let context):
                line = context.mark.line
                problem = "\(duplicates.joined(separator: ", ")) given twice"
            default:
                break
            }
            problems.append(MiningError(file: file, line: line, message: "not valid YAML: \(problem)"))
            return nil
        } catch {
            problems.append(MiningError(file: file, message: "not valid YAML: \(error)"))
            return nil
        }
    }

    /// The fields of a mapping; with `allowed`, any other field is a problem (with the closest
    /// allowed name when it looks like a typo).
    mutating func fields(_ node: Node, at path: String, allowed: [String]?) -> Fields? {
        guard case .mapping(let mapping) = node else {
            mismatch("a mapping of fields", node, at: path)
            return nil
        }
        var fields = Fields(path: path)
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                report("field names must be plain text", at: path, key.mark)
                continue
            }
            if let allowed, !allowed.contains(name) {
                let hint = Suggestion.closest(to: name, among: allowed).map { " (did you mean \($0)?)" }
                    ?? "; expected one of: \(allowed.joined(separator: ", "))"
                report("unknown field \(name)\(hint)", at: fields.path(name), key.mark)
                continue
            }
            fields.entries.append((name, value))
        }
        return fields
    }

    /// A mapping whose keys are names the operator chose (steps, teams), each with its value.
    mutating func named(_ node: Node, at path: String) -> [(name: String, path: String, value: Node)] {
        guard case .mapping(let mapping) = node else {
            mismatch("a mapping from names to values", node, at: path)
            return []
        }
        var entries: [(name: String, path: String, value: Node)] = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                report("names must be plain text", at: path, key.mark)
                continue
            }
            entries.append((name, Self.path(path, name: name), value))
        }
        return entries
    }

    /// `path["name"]`: operators' names hold spaces and dots, so they are quoted in a path.
    static func path(_ path: String, name: String) -> String { "\(path)[\"\(name)\"]" }

    // MARK: - Values

    mutating func text(_ node: Node, at path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            mismatch("text", node, at: path)
            return nil
        }
        return scalar.string
    }

    /// A list of names; a single name is read as a list of one.
    mutating func texts(_ node: Node, at path: String) -> [String] {
        switch node {
        case .scalar(let scalar):
            return [scalar.string]
        case .sequence(let list):
            var names: [String] = []
            for (index, item) in list.enumerated() {
                if let name = text(item, at: "\(path)[\(index)]") { names.append(name) }
            }
            return names
        default:
            mismatch("a list of names", node, at: path)
            return []
        }
    }

    mutating func number(_ node: Node, at path: String) -> Double? {
        if case .scalar(let scalar) = node,
            node.tag.rawValue == Tag.Name.int.rawValue || node.tag.rawValue == Tag.Name.float.rawValue,
            let value = Double(scalar.string), value.isFinite
        {
            return value
        }
        mismatch("a number", node, at: path)
        return nil
    }

    mutating func duration(_ node: Node, at path: String) -> Double? {
        guard case .scalar(let scalar) = node else {
            mismatch("a duration such as 4h", node, at: path)
            return nil
        }
        if let seconds = DurationText.seconds(from: scalar.string), seconds.isFinite { return seconds }
        report("\"\(scalar.string)\" is not a duration; write it like 90s, 15m, 4h, 1h30m or 2d", at: path, node.mark)
        return nil
    }

    mutating func time(_ node: Node, at path: String) -> Double? {
        guard case .scalar(let scalar) = node else {
            mismatch("a time such as 2012-06-01T00:00:00Z", node, at: path)
            return nil
        }
        if let seconds = Timestamp.parse(scalar.string.trimmingCharacters(in: .whitespaces)) { return seconds }
        report("\"\(scalar.string)\" is not a time; write it like 2012-06-01T00:00:00Z or 2012-06-01 08:00:00+02:00",
            at: path, node.mark)
        return nil
    }

    // MARK: - Rules

    mutating func rules(_ node: Node, at path: String) -> LogRules {
        var rules = LogRules()
        guard let fields = fields(node, at: path, allowed: LogRules.yamlKeys) else { return rules }
        if let node = fields["exceptions"] { rules.exceptions = markers(node, at: fields.path("exceptions")) }
        if let node = fields["rescue"] { rules.rescue = markers(node, at: fields.path("rescue")) }
        if let node = fields["response_window"] { rules.responseWindow = duration(node, at: fields.path("response_window")) }
        if let node = fields["response_windows"] {
            for entry in named(node, at: fields.path("response_windows")) {
                if let seconds = duration(entry.value, at: entry.path) { rules.responseWindows[entry.name] = seconds }
            }
        }
        if let node = fields["promises"] {
            if case .sequence(let list) = node {
                for (index, item) in list.enumerated() {
                    if let promise = promise(item, at: fields.path("promises") + "[\(index)]") { rules.promises.append(promise) }
                }
            } else {
                mismatch("a list of promises", node, at: fields.path("promises"))
            }
        }
        if let node = fields["end_activities"] { rules.endActivities = texts(node, at: fields.path("end_activities")) }
        if let node = fields["as_of"] { rules.asOf = time(node, at: fields.path("as_of")) }
        return rules
    }

    static let markerKeys = ["activities", "resources", "groups", "attributes"]

    mutating func markers(_ node: Node, at path: String) -> Markers {
        var markers = Markers()
        guard let fields = fields(node, at: path, allowed: Self.markerKeys) else { return markers }
        if let node = fields["activities"] { markers.activities = texts(node, at: fields.path("activities")) }
        if let node = fields["resources"] { markers.resources = texts(node, at: fields.path("resources")) }
        if let node = fields["groups"] { markers.groups = texts(node, at: fields.path("groups")) }
        if let node = fields["attributes"] {
            for entry in named(node, at: fields.path("attributes")) {
                markers.attributes[entry.name] = texts(entry.value, at: entry.path)
            }
        }
        return markers
    }

    static let promiseKeys = ["name", "from", "to", "within"]

    mutating func promise(_ node: Node, at path: String) -> LogRules.Promise? {
        guard let fields = fields(node, at: path, allowed: Self.promiseKeys) else { return nil }
        var to: String?
        var within: Double?
        if let node = fields["to"] { to = text(node, at: fields.path("to")) } else { missing("to", in: fields, node) }
        if let node = fields["within"] {
            within = duration(node, at: fields.path("within"))
        } else {
            missing("within", in: fields, node)
        }
        var anchor = LogRules.Promise.Anchor.caseStart
        if let node = fields["from"], let name = text(node, at: fields.path("from")), name != "case_start" {
            anchor = .activity(name)
        }
        guard let to, let within else { return nil }
        var name = "\(to) within \(DurationText.format(within))"
        if let node = fields["name"], let given = text(node, at: fields.path("name")) { name = given }
        return LogRules.Promise(name: name, from: anchor, to: to, within: within)
    }

    // MARK: - Reporting

    mutating func report(_ message: String, at path: String, _ mark: Mark?) {
        problems.append(MiningError(file: file, line: mark?.line, field: path.isEmpty ? nil : path, message: message))
    }

    mutating func mismatch(_ expected: String, _ node: Node, at path: String) {
        let found: String
        switch node {
        case .mapping: found = "a mapping"
        case .sequence: found = "a list"
        case .alias: found = "an alias"
        case .scalar(let scalar): found = "\"\(scalar.string)\""
        }
        report("expected \(expected), found \(found)", at: path, node.mark)
    }

    mutating func missing(_ key: String, in fields: Fields, _ node: Node) {
        report("missing required field \(key)", at: fields.path(key), node.mark)
    }
}
