import Foundation
internal import Yams

/// Walks the YAML node tree of one definition file, turning it into domain values while it
/// records where every field is written and every problem it meets.
///
/// The reader never stops at a problem: a field it cannot read keeps its default and the walk
/// goes on, so one pass reports everything wrong with the file's structure. An item that is
/// not even a mapping still takes its place in its list (as a blank placeholder), so that the
/// index of every later item — and every path a later check reports — matches the file.
struct DocumentReader {
    /// Problems found so far, in the order met.
    private(set) var issues: [DefinitionError.Issue] = []
    /// Where each field is written.
    private(set) var sourceMap: SourceMap
    /// Whether the text parsed as YAML at all.
    private(set) var isWellFormed = true

    /// Creates a reader for the file named `file`.
    init(file: String) {
        sourceMap = SourceMap(file: file)
    }

    /// The top-level fields of the file, or nil when there is nothing to read (empty, or not YAML).
    mutating func rootFields(of yaml: String) -> Fields? {
        rootFields(
            of: yaml, allowed: Self.documentKeys, what: "a mapping with workspace, queues, workers or workflows")
    }

    /// The top-level fields of a file whose field names must come from `allowed`, or nil when
    /// there is nothing to read (empty, or not YAML).
    mutating func rootFields(of yaml: String, allowed: [String], what: String) -> Fields? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            isWellFormed = false
            reportMalformed(error, in: yaml)
            return nil
        }
        // An empty file, or one holding only comments, defines nothing and is not an error.
        guard let root, !Self.isNull(root) else { return nil }
        return fields(of: root, at: "", allowed: allowed, what: what)
    }

    // MARK: - Reporting

    /// Records a problem at a node's position.
    mutating func report(_ message: String, at path: String, _ mark: Mark?) {
        issues.append(DefinitionError.Issue(at: location(of: mark), path: path, message: message))
    }

    /// Records a problem at a line and column of the file.
    mutating func report(_ message: String, at path: String, line: Int, column: Int) {
        issues.append(DefinitionError.Issue(file: sourceMap.file, line: line, column: column, path: path, message: message))
    }

    /// Records a problem at the position of the field at `path`, or of the nearest enclosing one.
    mutating func report(_ message: String, atField path: String) {
        issues.append(DefinitionError.Issue(at: sourceMap.location(of: path), path: path, message: message))
    }

    /// Records that the value at `path` has the wrong shape.
    mutating func mismatch(expected: String, found node: Node, at path: String) {
        report("expected \(expected), found \(Self.describe(node))", at: path, node.mark)
    }

    /// Records that a required field is absent from `fields`, or present without a value.
    mutating func reportMissing(_ key: String, in fields: Fields) {
        if fields.hasEntry(key) {
            report("\(key) has no value", atField: fields.path(key))
        } else {
            // Point at the mapping that lacks the field: the field itself is written nowhere.
            issues.append(DefinitionError.Issue(
                at: sourceMap.location(of: fields.path), path: fields.path(key), message: "missing required field \(key)"))
        }
    }

    private func location(of mark: Mark?) -> FileLocation {
        FileLocation(file: sourceMap.file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    private mutating func record(_ path: String, _ mark: Mark?) {
        guard let mark else { return }
        sourceMap.record(path, line: mark.line, column: mark.column)
    }

    private mutating func reportMalformed(_ error: any Error, in yaml: String) {
        switch error as? YamlError {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let during = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            report("invalid YAML: \(problem)\(during)", at: "", mark)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let names = duplicates.sorted().joined(separator: ", ")
            report("invalid YAML: \(names) is written more than once in the same mapping", at: "", context.mark)
        case .reader(let problem, let offset, _, _):
            let position = offset.map { Self.location(atCharacterOffset: $0, in: yaml) } ?? (line: 1, column: 1)
            issues.append(DefinitionError.Issue(
                file: sourceMap.file, line: position.line, column: position.column, path: "",
                message: "invalid YAML: \(problem)"))
        default:
            report("invalid YAML: \(error)", at: "", nil)
        }
    }

    private static func location(atCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }

    // MARK: - Mappings

    /// The fields of a mapping node, in written order.
    struct Fields {
        /// The mapping's own path.
        let path: String
        /// Field names and values as written; null values included, so that "no value" can be
        /// told from "not written".
        fileprivate(set) var entries: [(name: String, value: Node)] = []

        /// The path of the field `key` in this mapping.
        func path(_ key: String) -> String {
            path.isEmpty ? key : "\(path).\(key)"
        }

        /// The value of `key`, or nil when it is absent or written without a value.
        subscript(key: String) -> Node? {
            guard let value = entries.first(where: { $0.name == key })?.value, !DocumentReader.isNull(value) else {
                return nil
            }
            return value
        }

        /// Whether `key` is written, with or without a value.
        func hasEntry(_ key: String) -> Bool {
            entries.contains { $0.name == key }
        }
    }

    /// Reads `node` as a mapping whose field names must come from `allowed`.
    ///
    /// Unknown fields are reported with the closest allowed name. Each field's position is
    /// recorded: the value's for a scalar (that is what a wrong value needs pointed at), the
    /// name's for a mapping, list or empty value.
    mutating func fields(of node: Node, at path: String, allowed: [String], what: String) -> Fields? {
        guard case .mapping(let mapping) = node else {
            mismatch(expected: what, found: node, at: path)
            return nil
        }
        var fields = Fields(path: path)
        for (key, value) in Self.pairs(of: mapping) {
            guard case .scalar(let name) = key, !Self.isNull(key) else {
                report("field names must be plain text, found \(Self.describe(key))", at: path, key.mark)
                continue
            }
            let fieldPath = fields.path(name.string)
            guard allowed.contains(name.string) else {
                let hint = Suggestion.closest(to: name.string, among: allowed).map { " (did you mean \($0)?)" }
                    ?? "; expected one of: \(allowed.joined(separator: ", "))"
                report("unknown field \(name.string)\(hint)", at: fieldPath, key.mark)
                continue
            }
            record(fieldPath, Self.isScalar(value) && !Self.isNull(value) ? value.mark : key.mark)
            fields.entries.append((name.string, value))
        }
        return fields
    }

    /// Reads `node` as a map from free-form names (skills, channels, attributes, outcomes) to
    /// values read by `value`.
    ///
    /// Positions are recorded at the name, which is what a check on an entry is about, unless
    /// `pointAtValues`, for maps whose values are the references to check.
    mutating func dictionary<Value>(
        _ node: Node, at path: String, what: String, pointAtValues: Bool = false,
        value: (inout DocumentReader, Node, String) -> Value?
    ) -> [String: Value]? {
        guard case .mapping(let mapping) = node else {
            mismatch(expected: what, found: node, at: path)
            return nil
        }
        var result: [String: Value] = [:]
        for (key, entry) in Self.pairs(of: mapping) {
            guard case .scalar(let name) = key, !Self.isNull(key) else {
                report("names must be plain text, found \(Self.describe(key))", at: path, key.mark)
                continue
            }
            let entryPath = "\(path).\(name.string)"
            record(entryPath, pointAtValues && Self.isScalar(entry) ? entry.mark : key.mark)
            if let parsed = value(&self, entry, entryPath) {
                result[name.string] = parsed
            }
        }
        return result
    }

    /// Reads `node` as a list of mappings, each read by `read`; an element that is not a mapping
    /// is reported and stands as `placeholder`.
    mutating func list<Item>(
        _ node: Node, at path: String, of noun: String, allowed: [String], placeholder: Item,
        read: (inout DocumentReader, Fields) -> Item
    ) -> [Item] {
        guard case .sequence(let sequence) = node else {
            mismatch(expected: "a list of \(noun)s", found: node, at: path)
            return []
        }
        var items: [Item] = []
        for (index, element) in sequence.enumerated() {
            let itemPath = "\(path)[\(index)]"
            record(itemPath, element.mark)
            if let fields = fields(of: element, at: itemPath, allowed: allowed, what: "a \(noun) (a mapping of fields)") {
                items.append(read(&self, fields))
            } else {
                items.append(placeholder)
            }
        }
        return items
    }

    // MARK: - Scalars

    /// Reads text; any scalar qualifies, since `team: 42` plainly means the team "42".
    mutating func text(_ node: Node, at path: String) -> String? {
        guard case .scalar(let scalar) = node, !Self.isNull(node) else {
            mismatch(expected: "text", found: node, at: path)
            return nil
        }
        return scalar.string
    }

    /// Reads the field `key` as text, reporting it when it is missing.
    mutating func requiredText(_ fields: Fields, _ key: String) -> String? {
        guard let node = fields[key] else {
            reportMissing(key, in: fields)
            return nil
        }
        return text(node, at: fields.path(key))
    }

    /// Reads a whole number written as one (`5`, not `"5"` or `5.5`).
    mutating func wholeNumber(_ node: Node, at path: String) -> Int? {
        if case .scalar(let scalar) = node, Self.tag(of: node) == .int, let value = Int.construct(from: scalar) {
            return value
        }
        mismatch(expected: "a whole number", found: node, at: path)
        return nil
    }

    /// Reads a number written as one.
    mutating func number(_ node: Node, at path: String) -> Double? {
        if case .scalar(let scalar) = node {
            switch Self.tag(of: node) {
            case .int: if let value = Int.construct(from: scalar) { return Double(value) }
            case .float: if let value = Double.construct(from: scalar) { return value }
            default: break
            }
        }
        mismatch(expected: "a number", found: node, at: path)
        return nil
    }

    /// Reads `true` or `false` written as such.
    mutating func flag(_ node: Node, at path: String) -> Bool? {
        if case .scalar(let scalar) = node, Self.tag(of: node) == .bool, let value = Bool.construct(from: scalar) {
            return value
        }
        mismatch(expected: "true or false", found: node, at: path)
        return nil
    }

    /// Reads a duration such as `90s`, `15m`, `1h30m` or `2d`; a bare number is seconds.
    mutating func duration(_ node: Node, at path: String) -> TimeInterval? {
        guard case .scalar(let scalar) = node, !Self.isNull(node) else {
            mismatch(expected: "a duration such as 15m", found: node, at: path)
            return nil
        }
        if let seconds = DurationText.seconds(from: scalar.string), seconds.isFinite {
            return seconds
        }
        report("\"\(scalar.string)\" is not a duration; write it like 90s, 15m, 4h, 1h30m or 2d", at: path, node.mark)
        return nil
    }

    /// Reads the field `key` as a duration, reporting it when it is missing.
    mutating func requiredDuration(_ fields: Fields, _ key: String) -> TimeInterval? {
        guard let node = fields[key] else {
            reportMissing(key, in: fields)
            return nil
        }
        return duration(node, at: fields.path(key))
    }

    /// Reads one of an enumeration's values by its raw name; `what` names the enumeration in messages.
    mutating func choice<Value: RawRepresentable & CaseIterable>(
        _ node: Node, at path: String, what: String
    ) -> Value? where Value.RawValue == String {
        guard let name = text(node, at: path) else { return nil }
        if let value = Value(rawValue: name) { return value }
        let options = Value.allCases.map(\.rawValue)
        let hint = Suggestion.closest(to: name, among: options).map { " (did you mean \($0)?)" }
            ?? "; expected \(Self.alternatives(options))"
        report("unknown \(what) \"\(name)\"\(hint)", at: path, node.mark)
        return nil
    }

    /// Reads a list of text, such as `[pci, gdpr]`.
    mutating func textList(_ node: Node, at path: String) -> [String]? {
        guard case .sequence(let sequence) = node else {
            mismatch(expected: "a list such as [a, b]", found: node, at: path)
            return nil
        }
        var values: [String] = []
        for (index, element) in sequence.enumerated() {
            let elementPath = "\(path)[\(index)]"
            record(elementPath, element.mark)
            if let value = text(element, at: elementPath) { values.append(value) }
        }
        return values
    }

    // MARK: - Nodes

    /// The node's resolved tag: `5` is an int, `"5"` a string, `~` null.
    static func tag(of node: Node) -> Tag.Name {
        Tag.Name(rawValue: node.tag.rawValue)
    }

    static func isNull(_ node: Node) -> Bool {
        if case .scalar = node { return Self.tag(of: node) == .null }
        return false
    }

    static func isScalar(_ node: Node) -> Bool {
        if case .scalar = node { return true }
        return false
    }

    /// How a node reads in a message: `"high"`, `12`, `a mapping`, `a list`, `nothing`.
    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar(let scalar):
            switch Self.tag(of: node) {
            case .null: return "nothing"
            case .int, .float, .bool: return scalar.string
            default: return "\"\(scalar.string)\""
            }
        }
    }

    /// `a, b or c`.
    static func alternatives(_ words: [String]) -> String {
        guard let last = words.last else { return "" }
        return words.count == 1 ? last : "\(words.dropLast().joined(separator: ", ")) or \(last)"
    }

    /// A mapping's pairs with merge keys (`<<: *defaults`) expanded; fields written out win over
    /// merged ones, as YAML specifies.
    private static func pairs(of mapping: Node.Mapping) -> [(key: Node, value: Node)] {
        var written: [(key: Node, value: Node)] = []
        var merged: [(key: Node, value: Node)] = []
        for (key, value) in mapping {
            guard Self.tag(of: key) == .merge else {
                written.append((key, value))
                continue
            }
            switch value {
            case .mapping(let source):
                merged += pairs(of: source)
            case .sequence(let sources):
                for case .mapping(let source) in sources { merged += pairs(of: source) }
            default:
                written.append((key, value))
            }
        }
        var seen = Set(written.compactMap { $0.key.scalar?.string })
        return written + merged.filter { pair in pair.key.scalar.map { seen.insert($0.string).inserted } ?? true }
    }
}
