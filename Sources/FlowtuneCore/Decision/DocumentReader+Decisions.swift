import Foundation
internal import Yams

extension DocumentReader {
    static let decisionKeys = ["decision", "name", "hit_policy", "inputs", "outputs", "rules", "tests"]
    static let decisionInputKeys = ["name", "expression", "values"]
    static let decisionOutputKeys = ["name", "type", "values", "default"]
    static let decisionRuleKeys = ["when", "then", "note"]
    static let decisionTestKeys = ["name", "input", "expect"]
    static let reservedDecisionIDs: Set<String> = ["validate", "evaluate"]

    /// What an output's entries are written as.
    enum OutputKind: String, CaseIterable {
        /// Text, written plainly or in double quotes.
        case string
        case number
        case boolean
        case duration
        case date
        /// Any expression, text in double quotes.
        case expression
    }

    /// Reads a whole decision file; nil when it is not even a mapping with the basic fields.
    mutating func readDecision(_ yaml: String) -> DecisionTable? {
        guard let root = rootFields(
            of: yaml, allowed: Self.decisionKeys, what: "a decision: a mapping with decision, hit_policy, inputs, outputs and rules")
        else { return nil }
        let id = requiredText(root, "decision")
        if let id, Self.reservedDecisionIDs.contains(id) {
            // The API serves /v1/decisions/validate and /v1/decisions/evaluate for any table.
            report("\(id) names an action of the decisions API; choose another id", atField: root.path("decision"))
        }
        let name = root["name"].flatMap { text($0, at: root.path("name")) }
        var hitPolicy = HitPolicy.unique
        if let node = root["hit_policy"], let written = text(node, at: root.path("hit_policy")) {
            if let policy = HitPolicy(name: written) {
                hitPolicy = policy
            } else {
                let names = HitPolicy.all.map(\.name)
                let hint = Suggestion.closest(to: written.uppercased(), among: names).map { " (did you mean \($0)?)" }
                    ?? "; expected \(Self.alternatives(names))"
                report("unknown hit policy \"\(written)\"\(hint)", at: root.path("hit_policy"), node.mark)
            }
        }

        var inputs: [DecisionTable.Input?] = []
        if let node = root["inputs"] {
            inputs = list(node, at: root.path("inputs"), of: "input", allowed: Self.decisionInputKeys, placeholder: nil) {
                reader, fields in reader.decisionInput(fields)
            }
        } else {
            reportMissing("inputs", in: root)
        }
        var outputs: [(DecisionTable.Output, OutputKind)?] = []
        if let node = root["outputs"] {
            outputs = list(node, at: root.path("outputs"), of: "output", allowed: Self.decisionOutputKeys, placeholder: nil) {
                reader, fields in reader.decisionOutput(fields)
            }
            if outputs.isEmpty { report("a decision needs at least one output", atField: root.path("outputs")) }
        } else {
            reportMissing("outputs", in: root)
        }
        if case .collect(let aggregation?) = hitPolicy, outputs.count != 1 {
            report(
                "COLLECT \(aggregation.rawValue) combines one output; this table has \(outputs.count)",
                atField: root.path("hit_policy"))
        }
        if hitPolicy == .priority, !outputs.contains(where: { $0?.0.values != nil }) {
            report("PRIORITY ranks rules by the outputs' value lists; give at least one output its values, highest priority first",
                atField: root.path("hit_policy"))
        }
        for (index, input) in inputs.enumerated() {
            guard let input else { continue }
            if inputs[..<index].contains(where: { $0?.name == input.name }) {
                report("input \(input.name) is defined twice", atField: "inputs[\(index)].name")
            }
        }
        for (index, output) in outputs.enumerated() {
            guard let output else { continue }
            if outputs[..<index].contains(where: { $0?.0.name == output.0.name }) {
                report("output \(output.0.name) is defined twice", atField: "outputs[\(index)].name")
            }
        }

        var rules: [DecisionTable.Rule?] = []
        if let node = root["rules"] {
            rules = list(node, at: root.path("rules"), of: "rule", allowed: Self.decisionRuleKeys, placeholder: nil) {
                reader, fields in reader.decisionRule(fields, inputs: inputs, outputs: outputs)
            }
        } else {
            reportMissing("rules", in: root)
        }
        var tests: [DecisionTable.TestCase?] = []
        if let node = root["tests"] {
            tests = list(node, at: root.path("tests"), of: "test", allowed: Self.decisionTestKeys, placeholder: nil) {
                reader, fields in reader.decisionTest(fields, outputs: outputs)
            }
        }
        guard let id, issues.isEmpty else { return nil }
        return DecisionTable(
            id: DecisionID(id), name: name, hitPolicy: hitPolicy, inputs: inputs.compactMap { $0 },
            outputs: outputs.compactMap { $0?.0 }, rules: rules.compactMap { $0 }, tests: tests.compactMap { $0 })
    }

    // MARK: - Columns

    private mutating func decisionInput(_ fields: Fields) -> DecisionTable.Input? {
        guard let name = requiredText(fields, "name") else { return nil }
        let expressionPath = fields.path("expression")
        let written = fields["expression"]
        let source = written.flatMap { text($0, at: expressionPath) } ?? name
        guard let expression = compileExpression(source, node: written ?? fields["name"], at: written == nil ? fields.path("name") : expressionPath)
        else { return nil }
        var values: [ExpressionValue]?
        if let node = fields["values"] {
            values = valueList(node, at: fields.path("values"), kind: nil)
        }
        return DecisionTable.Input(name: name, expression: expression, values: values)
    }

    private mutating func decisionOutput(_ fields: Fields) -> (DecisionTable.Output, OutputKind)? {
        guard let name = requiredText(fields, "name") else { return nil }
        var values: [ExpressionValue]?
        var kind: OutputKind?
        if let node = fields["type"] {
            kind = choice(node, at: fields.path("type"), what: "output type")
        }
        if let node = fields["values"] {
            values = valueList(node, at: fields.path("values"), kind: kind)
        }
        // Plain words listed as an output's values are text: `values: [exception, routine]`
        // makes `then: [exception]` mean the text, not a path.
        let resolved = kind ?? (values?.allSatisfy { if case .string = $0 { true } else { false } } == true ? .string : .expression)
        var defaultValue: ExpressionValue?
        if let node = fields["default"] {
            defaultValue = outputValue(node, at: fields.path("default"), kind: resolved)
        }
        return (DecisionTable.Output(name: name, values: values, defaultValue: defaultValue), resolved)
    }

    // MARK: - Rules

    private mutating func decisionRule(
        _ fields: Fields, inputs: [DecisionTable.Input?], outputs: [(DecisionTable.Output, OutputKind)?]
    ) -> DecisionTable.Rule? {
        var tests: [UnaryTests?] = []
        if let node = fields["when"] {
            let cells = row(node, at: fields.path("when"), names: inputs.map { $0?.name }, what: "input", blank: "-")
            tests = cells.enumerated().map { column, cell in
                guard let (cellNode, path) = cell else { return try? UnaryTests("-") }
                return unaryTests(cellNode, at: path, input: inputs.indices.contains(column) ? inputs[column] : nil)
            }
        } else {
            tests = inputs.map { _ in try? UnaryTests("-") }
        }
        var entries: [Expression?] = []
        if let node = fields["then"] {
            let cells = row(node, at: fields.path("then"), names: outputs.map { $0?.0.name }, what: "output", blank: nil)
            entries = cells.enumerated().map { column, cell in
                guard let (cellNode, path) = cell else {
                    return try? Expression("null")
                }
                let kind = outputs.indices.contains(column) ? outputs[column]?.1 ?? .expression : .expression
                return outputExpression(cellNode, at: path, kind: kind)
            }
        } else {
            reportMissing("then", in: fields)
        }
        let note = fields["note"].flatMap { text($0, at: fields.path("note")) }
        guard tests.allSatisfy({ $0 != nil }), entries.allSatisfy({ $0 != nil }), fields["then"] != nil else { return nil }
        return DecisionTable.Rule(tests: tests.compactMap { $0 }, outputs: entries.compactMap { $0 }, annotation: note)
    }

    /// The cells of a `when` or `then`: a list in column order, a mapping by column name (an
    /// input left out is `-`; an output left out is an error), or a single scalar for a
    /// one-column table.
    private mutating func row(
        _ node: Node, at path: String, names: [String?], what: String, blank: String?
    ) -> [(Node, String)?] {
        switch node {
        case .sequence(let sequence):
            if sequence.count != names.count {
                report(
                    "this row has \(sequence.count) \(what) cell\(sequence.count == 1 ? "" : "s"); the table has \(names.count) \(what)\(names.count == 1 ? "" : "s")",
                    at: path, node.mark)
            }
            return names.indices.map { index in
                index < sequence.count ? (Array(sequence)[index], "\(path)[\(index)]") : nil
            }
        case .mapping:
            guard let cells = dictionary(node, at: path, what: "cells by \(what) name", pointAtValues: true, value: { _, cell, _ in cell })
            else { return names.map { _ in nil } }
            for written in cells.keys where !names.contains(written) {
                let known = names.compactMap { $0 }
                let hint = Suggestion.closest(to: written, among: known).map { " (did you mean \($0)?)" } ?? ""
                report("no \(what) is named \(written)\(hint)", atField: "\(path).\(written)")
            }
            return names.map { name in
                guard let name else { return nil }
                if let cell = cells[name] { return (cell, "\(path).\(name)") }
                if blank == nil { report("missing \(what) \(name)", atField: path) }
                return nil
            }
        default:
            guard names.count == 1 else {
                mismatch(expected: "a list of \(names.count) cells, or a mapping by \(what) name", found: node, at: path)
                return names.map { _ in nil }
            }
            return [(node, path)]
        }
    }

    private mutating func unaryTests(_ node: Node, at path: String, input: DecisionTable.Input?) -> UnaryTests? {
        guard case .scalar(let scalar) = node else {
            mismatch(expected: "a cell such as \"> 5000\", '\"gold\"' or -", found: node, at: path)
            return nil
        }
        var source = Self.isNull(node) ? "-" : scalar.string
        // A plain word the input lists among its values is that value, not a path.
        if let values = input?.values, values.contains(.string(source)), scalar.style != .doubleQuoted {
            source = Self.quoted(source)
        }
        do {
            return try UnaryTests(source)
        } catch {
            reportExpressionError(error, in: node, at: path)
            return nil
        }
    }

    private mutating func outputExpression(_ node: Node, at path: String, kind: OutputKind) -> Expression? {
        guard case .scalar(let scalar) = node else {
            mismatch(expected: "an output entry", found: node, at: path)
            return nil
        }
        if Self.isNull(node) { return try? Expression("null") }
        var source = scalar.string
        if kind == .string, Self.tag(of: node) == .str, !(source.hasPrefix("\"") && source.hasSuffix("\"") && source.count >= 2) {
            source = Self.quoted(source)
        }
        return compileExpression(source, node: node, at: path)
    }

    private mutating func compileExpression(_ source: String, node: Node?, at path: String) -> Expression? {
        do {
            return try Expression(source)
        } catch {
            if let node {
                reportExpressionError(error, in: node, at: path)
            } else {
                report(error.message, atField: path)
            }
            return nil
        }
    }

    /// Reports an error in a cell at its place in the file: the cell's position moved on by
    /// the column the expression error names (past the opening quote of a quoted scalar).
    private mutating func reportExpressionError(_ error: ExpressionError, in node: Node, at path: String) {
        let mark = node.mark
        var column = (mark?.column ?? 1) + error.column - 1
        if case .scalar(let scalar) = node, scalar.style == .singleQuoted || scalar.style == .doubleQuoted {
            column += 1
        }
        let line = (mark?.line ?? 1) + error.line - 1
        let caret = error.description.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
            .joined(separator: "\n")
        let message = caret.isEmpty ? error.message : "\(error.message)\n\(caret)"
        report(message, at: path, line: line, column: error.line == 1 ? column : error.column)
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    // MARK: - Values

    /// A list of values (`values: [gold, silver]`), each read as `kind` says.
    private mutating func valueList(_ node: Node, at path: String, kind: OutputKind?) -> [ExpressionValue]? {
        guard case .sequence(let sequence) = node else {
            mismatch(expected: "a list of values such as [gold, silver]", found: node, at: path)
            return nil
        }
        var values: [ExpressionValue] = []
        for (index, element) in sequence.enumerated() {
            if let value = outputValue(element, at: "\(path)[\(index)]", kind: kind ?? .string) {
                if values.contains(value) {
                    report("\(value) is listed twice", at: "\(path)[\(index)]", element.mark)
                }
                values.append(value)
            }
        }
        return values
    }

    /// A single literal value: numbers, booleans and null as YAML types them; text as text,
    /// unless the column holds durations or dates.
    mutating func outputValue(_ node: Node, at path: String, kind: OutputKind) -> ExpressionValue? {
        switch node {
        case .scalar(let scalar):
            switch Self.tag(of: node) {
            case .null: return .null
            case .bool: return .bool(Bool.construct(from: scalar) ?? false)
            case .int, .float:
                let number = Double(scalar.string.replacingOccurrences(of: "_", with: "")) ?? Double.construct(from: scalar) ?? 0
                return kind == .duration ? .duration(number) : .number(number)
            default:
                if kind == .expression {
                    // Untyped: a constant written as one (4h, "text", date("…")), else plain text.
                    return (try? Expression(scalar.string))?.constantValue ?? .string(scalar.string)
                }
                if kind == .duration || kind == .date {
                    do {
                        let expression = try Expression(scalar.string)
                        if let value = expression.constantValue { return value }
                        report("\(scalar.string) is not a constant value", at: path, node.mark)
                    } catch {
                        reportExpressionError(error, in: node, at: path)
                    }
                    return nil
                }
                return .string(scalar.string)
            }
        case .sequence(let sequence):
            var values: [ExpressionValue] = []
            for (index, element) in sequence.enumerated() {
                guard let value = outputValue(element, at: "\(path)[\(index)]", kind: kind) else { return nil }
                values.append(value)
            }
            return .list(values)
        default:
            mismatch(expected: "a value", found: node, at: path)
            return nil
        }
    }

    /// Any YAML value as JSON: the documents a test case feeds in.
    mutating func json(_ node: Node, at path: String) -> JSONValue? {
        switch node {
        case .scalar(let scalar):
            switch Self.tag(of: node) {
            case .null: return .null
            case .bool: return .bool(Bool.construct(from: scalar) ?? false)
            case .int, .float:
                return .number(Double(scalar.string.replacingOccurrences(of: "_", with: "")) ?? Double.construct(from: scalar) ?? 0)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var values: [JSONValue] = []
            for (index, element) in sequence.enumerated() {
                guard let value = json(element, at: "\(path)[\(index)]") else { return nil }
                values.append(value)
            }
            return .array(values)
        case .mapping:
            let members = dictionary(node, at: path, what: "a mapping") { reader, value, memberPath in
                reader.json(value, at: memberPath)
            }
            return members.map { .object($0) }
        case .alias:
            mismatch(expected: "a value", found: node, at: path)
            return nil
        }
    }

    // MARK: - Tests

    private mutating func decisionTest(_ fields: Fields, outputs: [(DecisionTable.Output, OutputKind)?]) -> DecisionTable.TestCase? {
        let index = fields.path.split(separator: "[").last.flatMap { Int($0.dropLast()) } ?? 0
        let name = fields["name"].flatMap { text($0, at: fields.path("name")) } ?? "test \(index + 1)"
        var input: [String: JSONValue] = [:]
        if let node = fields["input"] {
            guard case .object(let roots)? = json(node, at: fields.path("input")) else {
                if case .mapping = node {} else { mismatch(expected: "a mapping of task, worker and model documents", found: node, at: fields.path("input")) }
                return nil
            }
            let known = ExpressionScope.decision.roots
            // Anything but the scope's roots is read as the task's own attributes, so that
            // `input: { amount: 6200 }` is a task with that amount.
            let extra = roots.filter { !known.contains($0.key) }
            input = roots.filter { known.contains($0.key) }
            if !extra.isEmpty {
                var task = input["task"]?.objectValue ?? [:]
                task.merge(extra) { written, _ in written }
                input["task"] = .object(task)
            }
        }
        guard let expectNode = fields["expect"] else {
            reportMissing("expect", in: fields)
            return nil
        }
        if case .scalar(let scalar) = expectNode, scalar.string == "none" {
            return DecisionTable.TestCase(name: name, input: input, expected: [:], expectsNoMatch: true)
        }
        guard let written = dictionary(expectNode, at: fields.path("expect"), what: "outputs by name, or none", value: { _, node, _ in node })
        else { return nil }
        var expected: [String: ExpressionValue] = [:]
        for (key, node) in written {
            guard let output = outputs.compactMap({ $0 }).first(where: { $0.0.name == key }) else {
                let hint = Suggestion.closest(to: key, among: outputs.compactMap { $0?.0.name }).map { " (did you mean \($0)?)" } ?? ""
                report("no output is named \(key)\(hint)", atField: "\(fields.path("expect")).\(key)")
                continue
            }
            let kind = output.1 == .expression ? OutputKind.string : output.1
            if let value = outputValue(node, at: "\(fields.path("expect")).\(key)", kind: kind) {
                expected[key] = value
            }
        }
        return DecisionTable.TestCase(name: name, input: input, expected: expected)
    }
}
