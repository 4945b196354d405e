extension ExpressionValue {
    /// The kinds of value the language has, for messages and static checks.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case null, bool, number, string, duration, date, list

        /// The kind with an article, as messages name it: "a number", "an ...".
        var phrase: String {
            switch self {
            case .null: "null"
            case .bool: "a boolean"
            case .number: "a number"
            case .string: "a string"
            case .duration: "a duration"
            case .date: "a date"
            case .list: "a list"
            }
        }
    }

    /// The value's kind.
    public var kind: Kind {
        switch self {
        case .null: .null
        case .bool: .bool
        case .number: .number
        case .string: .string
        case .duration: .duration
        case .date: .date
        case .list: .list
        }
    }

    /// Reads a JSON value the way a path does: arrays become lists (their objects null), an object
    /// is not a value and becomes null.
    ///
    /// ```swift
    /// ExpressionValue(["vip", "eu"] as JSONValue)   // .list([.string("vip"), .string("eu")])
    /// ExpressionValue(["tier": "gold"] as JSONValue) // .null
    /// ```
    public init(_ json: JSONValue) {
        switch json {
        case .null, .object: self = .null
        case .bool(let value): self = .bool(value)
        case .number(let value): self = value.isFinite ? .number(value) : .null
        case .string(let value): self = .string(value)
        case .array(let values): self = .list(values.map(ExpressionValue.init))
        }
    }

    /// Whether the value is null.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The boolean when this is a boolean.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number when this is a number.
    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The string when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as JSON: durations as seconds, dates as ISO 8601 text (as `date(...)` reads it).
    public var json: JSONValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .number(let value): .number(value)
        case .string(let value): .string(value)
        case .duration(let seconds): .number(seconds)
        case .date(let seconds): .string(ExpressionDate.format(seconds))
        case .list(let values): .array(values.map(\.json))
        }
    }

    /// How the two values order when they are of one ordered kind (numbers, strings, durations,
    /// dates), else nil: what `<`, `<=`, `>` and `>=` follow.
    ///
    /// ```swift
    /// ExpressionValue.number(3).ordering(with: .number(5))  // -1
    /// ExpressionValue.number(3).ordering(with: .string("5")) // nil
    /// ```
    public func ordering(with other: ExpressionValue) -> Int? {
        switch (self, other) {
        case (.number(let a), .number(let b)), (.duration(let a), .duration(let b)), (.date(let a), .date(let b)):
            a < b ? -1 : (a > b ? 1 : (a == b ? 0 : nil))
        case (.string(let a), .string(let b)):
            a < b ? -1 : (a == b ? 0 : 1)
        default:
            nil
        }
    }
}

extension ExpressionValue: CustomStringConvertible {
    /// The value written back as a literal of the language, so that parsing it gives the value
    /// again: `null`, `true`, `42`, `0.5`, `"gold"`, `1h30m`, `date("2026-01-31")`, `[1, 2]`.
    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): value ? "true" : "false"
        case .number(let value): ExpressionValue.numberText(value)
        case .string(let value): ExpressionValue.quoted(value)
        case .duration(let seconds): ExpressionValue.durationText(seconds)
        case .date(let seconds): ExpressionDate.literal(seconds)
        case .list(let values): "[" + values.map(\.description).joined(separator: ", ") + "]"
        }
    }

    static func numberText(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            return String(Int64(value))
        }
        return "\(value)"
    }

    static func durationText(_ seconds: Double) -> String {
        if seconds < 0 { return "-" + durationText(-seconds) }
        guard seconds == seconds.rounded(), seconds < 1e15 else { return numberText(seconds) + "s" }
        var remaining = Int64(seconds)
        if remaining == 0 { return "0s" }
        var text = ""
        for (unit, size) in [("d", Int64(86400)), ("h", 3600), ("m", 60), ("s", 1)] where remaining >= size {
            text += "\(remaining / size)\(unit)"
            remaining %= size
        }
        return text
    }

    /// `value` as a string literal, with the escapes the lexer reads.
    static func quoted(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}
