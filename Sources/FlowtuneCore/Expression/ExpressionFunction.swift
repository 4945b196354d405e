/// The built-in functions. There are no others: an expression cannot define or load one.
enum ExpressionFunction: String, Sendable, CaseIterable {
    case contains, startsWith, endsWith, lower, upper, length, matches
    case abs, min, max, round, floor, ceiling
    case now, date, duration

    typealias Kind = ExpressionValue.Kind

    /// How many arguments the function takes.
    var arity: ClosedRange<Int> {
        switch self {
        case .now: 0...0
        case .lower, .upper, .length, .abs, .floor, .ceiling, .date, .duration: 1...1
        case .contains, .startsWith, .endsWith, .matches: 2...2
        case .round: 1...2
        case .min, .max: 1...Int.max
        }
    }

    /// How the call is written in messages.
    var signature: String {
        switch self {
        case .contains: "contains(text, part) or contains(list, value)"
        case .startsWith: "startsWith(text, prefix)"
        case .endsWith: "endsWith(text, suffix)"
        case .lower: "lower(text)"
        case .upper: "upper(text)"
        case .length: "length(text or list)"
        case .matches: "matches(text, \"pattern\")"
        case .abs: "abs(number or duration)"
        case .min: "min(a, b, …) or min(list)"
        case .max: "max(a, b, …) or max(list)"
        case .round: "round(number) or round(number, digits)"
        case .floor: "floor(number)"
        case .ceiling: "ceiling(number)"
        case .now: "now()"
        case .date: "date(\"2026-01-31\") or date(text)"
        case .duration: "duration(\"4h\") or duration(text or seconds)"
        }
    }

    /// The kinds the argument at `index` may have, given the call's argument count.
    func accepted(argument index: Int, of count: Int) -> Set<Kind> {
        switch self {
        case .contains: index == 0 ? [.string, .list] : Set(Kind.allCases)
        case .startsWith, .endsWith, .lower, .upper, .matches: [.string]
        case .length: [.string, .list]
        case .abs: [.number, .duration]
        case .min, .max: count == 1 ? [.list] : [.number, .string, .duration, .date]
        case .round, .floor, .ceiling: [.number]
        case .now: []
        case .date: [.string, .date, .number]
        case .duration: [.string, .duration, .number]
        }
    }

    /// The kind of the result when it can be known before evaluation (ignoring null).
    func resultKind(arguments: [Kind?]) -> Kind? {
        switch self {
        case .contains, .startsWith, .endsWith, .matches: .bool
        case .lower, .upper: .string
        case .length, .round, .floor, .ceiling: .number
        case .abs: arguments.first ?? nil
        case .min, .max:
            arguments.count > 1 && arguments.allSatisfy({ $0 != nil && $0 == arguments[0] }) ? arguments[0] : nil
        case .now, .date: .date
        case .duration: .duration
        }
    }
}
