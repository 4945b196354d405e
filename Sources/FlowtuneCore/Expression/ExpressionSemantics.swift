/// What each operator and function does to values. The interpreter and the compiled form share
/// these rules; they differ in how they walk the tree, not in what a value means.
///
/// The rules, in short: comparisons, arithmetic and functions with a null or mismatched operand
/// give null; `=` and `!=` always give a boolean (`null = null`); `and`, `or` and `not` follow
/// three-valued logic; a number that is not finite becomes null.
enum ExpressionSemantics {
    @inline(__always)
    static func number(_ value: Double) -> ExpressionValue {
        value.isFinite ? .number(value) : .null
    }

    @inline(__always)
    static func duration(_ value: Double) -> ExpressionValue {
        value.isFinite ? .duration(value) : .null
    }

    @inline(__always)
    static func date(_ value: Double) -> ExpressionValue {
        value.isFinite ? .date(value) : .null
    }

    /// `not x`: null unless `x` is a boolean.
    static func not(_ value: ExpressionValue) -> ExpressionValue {
        if case .bool(let truth) = value { return .bool(!truth) }
        return .null
    }

    /// `a and b` over evaluated operands: false wins, then null, then true.
    static func and(_ left: ExpressionValue, _ right: ExpressionValue) -> ExpressionValue {
        if case .bool(false) = left { return .bool(false) }
        if case .bool(false) = right { return .bool(false) }
        if case .bool(true) = left, case .bool(true) = right { return .bool(true) }
        return .null
    }

    /// `a or b` over evaluated operands: true wins, then null, then false.
    static func or(_ left: ExpressionValue, _ right: ExpressionValue) -> ExpressionValue {
        if case .bool(true) = left { return .bool(true) }
        if case .bool(true) = right { return .bool(true) }
        if case .bool(false) = left, case .bool(false) = right { return .bool(false) }
        return .null
    }

    /// Language equality: values of different kinds are unequal, `null = null`.
    @inline(__always)
    static func equal(_ left: ExpressionValue, _ right: ExpressionValue) -> Bool {
        left == right
    }

    static func compare(_ op: ComparisonOperator, _ left: ExpressionValue, _ right: ExpressionValue) -> ExpressionValue {
        switch op {
        case .equal: return .bool(equal(left, right))
        case .notEqual: return .bool(!equal(left, right))
        default:
            guard let order = left.ordering(with: right) else { return .null }
            return .bool(holds(op, order))
        }
    }

    /// Whether an ordering `order` (-1, 0, 1) satisfies `op`.
    @inline(__always)
    static func holds(_ op: ComparisonOperator, _ order: Int) -> Bool {
        switch op {
        case .lessThan: order < 0
        case .lessThanOrEqual: order <= 0
        case .greaterThan: order > 0
        case .greaterThanOrEqual: order >= 0
        case .equal: order == 0
        case .notEqual: order != 0
        }
    }

    static func negate(_ value: ExpressionValue) -> ExpressionValue {
        switch value {
        case .number(let x): .number(-x)
        case .duration(let x): .duration(-x)
        default: .null
        }
    }

    static func arithmetic(_ op: ArithmeticOperator, _ left: ExpressionValue, _ right: ExpressionValue) -> ExpressionValue {
        switch (op, left, right) {
        case (.add, .number(let a), .number(let b)): number(a + b)
        case (.add, .duration(let a), .duration(let b)): duration(a + b)
        case (.add, .date(let a), .duration(let b)), (.add, .duration(let b), .date(let a)): date(a + b)
        case (.add, .string(let a), .string(let b)): .string(a + b)
        case (.subtract, .number(let a), .number(let b)): number(a - b)
        case (.subtract, .duration(let a), .duration(let b)): duration(a - b)
        case (.subtract, .date(let a), .duration(let b)): date(a - b)
        case (.subtract, .date(let a), .date(let b)): duration(a - b)
        case (.multiply, .number(let a), .number(let b)): number(a * b)
        case (.multiply, .duration(let a), .number(let b)), (.multiply, .number(let b), .duration(let a)): duration(a * b)
        case (.divide, .number(let a), .number(let b)): b == 0 ? .null : number(a / b)
        case (.divide, .duration(let a), .number(let b)): b == 0 ? .null : duration(a / b)
        case (.divide, .duration(let a), .duration(let b)): b == 0 ? .null : number(a / b)
        default: .null
        }
    }

    /// Whether `op` is defined between the two kinds, for the static check.
    static func arithmeticDefined(_ op: ArithmeticOperator, _ left: ExpressionValue.Kind, _ right: ExpressionValue.Kind) -> Bool {
        switch (op, left, right) {
        case (.add, .number, .number), (.add, .duration, .duration), (.add, .date, .duration), (.add, .duration, .date),
            (.add, .string, .string),
            (.subtract, .number, .number), (.subtract, .duration, .duration), (.subtract, .date, .duration),
            (.subtract, .date, .date),
            (.multiply, .number, .number), (.multiply, .duration, .number), (.multiply, .number, .duration),
            (.divide, .number, .number), (.divide, .duration, .number), (.divide, .duration, .duration):
            true
        default: false
        }
    }

    static func arithmeticKind(_ op: ArithmeticOperator, _ left: ExpressionValue.Kind, _ right: ExpressionValue.Kind) -> ExpressionValue.Kind {
        switch (op, left, right) {
        case (.subtract, .date, .date): .duration
        case (.divide, .duration, .duration): .number
        case (_, .date, _), (_, _, .date): .date
        case (_, .duration, _), (_, _, .duration): .duration
        default: left
        }
    }

    /// `x` against one value of an `in` list: equal to it, or to one of its elements when it is a list.
    static func member(_ value: ExpressionValue, _ item: ExpressionValue) -> ExpressionValue {
        if case .list(let elements) = item {
            return .bool(elements.contains(value))
        }
        return .bool(value == item)
    }

    /// `x` against an interval: `lower ≤ x and x ≤ upper` (`<` at an open end), three-valued.
    static func within(
        _ value: ExpressionValue, lower: ExpressionValue, lowerClosed: Bool, upper: ExpressionValue, upperClosed: Bool
    ) -> ExpressionValue {
        let low: ExpressionValue = value.ordering(with: lower).map { .bool(lowerClosed ? $0 >= 0 : $0 > 0) } ?? .null
        let high: ExpressionValue = value.ordering(with: upper).map { .bool(upperClosed ? $0 <= 0 : $0 < 0) } ?? .null
        return and(low, high)
    }

    /// The functions of one argument.
    static func call(_ function: ExpressionFunction, _ argument: ExpressionValue) -> ExpressionValue {
        switch (function, argument) {
        case (.lower, .string(let text)): .string(text.lowercased())
        case (.upper, .string(let text)): .string(text.uppercased())
        case (.length, .string(let text)): .number(Double(text.count))
        case (.length, .list(let elements)): .number(Double(elements.count))
        case (.abs, .number(let x)): .number(Swift.abs(x))
        case (.abs, .duration(let x)): .duration(Swift.abs(x))
        case (.round, .number(let x)): .number(x.rounded(.toNearestOrAwayFromZero))
        case (.floor, .number(let x)): .number(x.rounded(.down))
        case (.ceiling, .number(let x)): .number(x.rounded(.up))
        case (.min, .list(let elements)): extremum(of: elements, keeping: -1)
        case (.max, .list(let elements)): extremum(of: elements, keeping: 1)
        case (.date, .string(let text)): ExpressionDate.parse(text).map(ExpressionValue.date) ?? .null
        case (.date, .date): argument
        case (.date, .number(let seconds)): .date(seconds)
        case (.duration, .string(let text)): ExpressionLexer.durationSeconds(text).map(duration) ?? .null
        case (.duration, .duration): argument
        case (.duration, .number(let seconds)): .duration(seconds)
        default: .null
        }
    }

    /// The functions of two arguments (and each step of `min`/`max` over several).
    static func call(_ function: ExpressionFunction, _ first: ExpressionValue, _ second: ExpressionValue) -> ExpressionValue {
        switch (function, first, second) {
        case (.contains, .string(let text), .string(let part)): .bool(part.isEmpty || text.contains(part))
        case (.contains, .list(let elements), _): second.isNull ? .null : .bool(elements.contains(second))
        case (.startsWith, .string(let text), .string(let prefix)): .bool(text.hasPrefix(prefix))
        case (.endsWith, .string(let text), .string(let suffix)): .bool(text.hasSuffix(suffix))
        case (.min, _, _): pick(first, second, keeping: -1)
        case (.max, _, _): pick(first, second, keeping: 1)
        case (.round, .number(let x), .number(let digits)):
            if digits != digits.rounded() || Swift.abs(digits) > 15 {
                .null
            } else {
                roundNumber(x, digits: Int(digits))
            }
        default: .null
        }
    }

    static func roundNumber(_ value: Double, digits: Int) -> ExpressionValue {
        var scale = 1.0
        for _ in 0..<Swift.abs(digits) { scale *= 10 }
        if digits >= 0 {
            let scaled = value * scale
            return scaled.isFinite ? number((scaled).rounded(.toNearestOrAwayFromZero) / scale) : .number(value)
        }
        return number((value / scale).rounded(.toNearestOrAwayFromZero) * scale)
    }

    /// The smaller (`keeping` -1) or larger (1) of two values of one ordered kind, else null.
    @inline(__always)
    static func pick(_ first: ExpressionValue, _ second: ExpressionValue, keeping: Int) -> ExpressionValue {
        guard let order = first.ordering(with: second) else { return .null }
        return order == keeping || order == 0 ? first : second
    }

    static func extremum(of elements: [ExpressionValue], keeping: Int) -> ExpressionValue {
        guard var best = elements.first else { return .null }
        for element in elements.dropFirst() {
            best = pick(best, element, keeping: keeping)
            if best.isNull { return .null }
        }
        return best.ordering(with: best) == nil ? .null : best
    }
}
