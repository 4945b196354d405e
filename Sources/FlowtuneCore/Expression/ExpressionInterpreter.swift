/// The reference evaluator: walks the parsed tree, evaluates every operand and applies
/// ``ExpressionSemantics``. No short cuts and no specializations, so that it stays obviously
/// right; the compiled form must agree with it on every input.
enum ExpressionInterpreter {
    static func evaluate(_ node: ExpressionNode, _ input: ExpressionInput, subject: ExpressionValue) -> ExpressionValue {
        func value(_ node: ExpressionNode) -> ExpressionValue { evaluate(node, input, subject: subject) }
        switch node.kind {
        case .literal(let literal):
            return literal
        case .subject:
            return subject
        case .path(let root, let keys):
            var current: JSONValue = root < input.roots.count ? input.roots[root] : .null
            for key in keys {
                guard let next = current[key] else { return .null }
                current = next
            }
            return ExpressionValue(current)
        case .negate(let operand):
            return ExpressionSemantics.negate(value(operand))
        case .not(let operand):
            return ExpressionSemantics.not(value(operand))
        case .and(let left, let right):
            return ExpressionSemantics.and(value(left), value(right))
        case .or(let left, let right):
            return ExpressionSemantics.or(value(left), value(right))
        case .arithmetic(let op, let left, let right):
            return ExpressionSemantics.arithmetic(op, value(left), value(right))
        case .comparison(let op, let left, let right):
            return ExpressionSemantics.compare(op, value(left), value(right))
        case .conditional(let condition, let then, let otherwise):
            return value(condition) == .bool(true) ? value(then) : value(otherwise)
        case .membership(let operand, let items, let negated):
            let x = value(operand)
            var result = ExpressionValue.bool(false)
            for item in items {
                switch item {
                case .value(let element):
                    result = ExpressionSemantics.or(result, ExpressionSemantics.member(x, value(element)))
                case .interval(let lower, let lowerClosed, let upper, let upperClosed):
                    let inside = ExpressionSemantics.within(
                        x, lower: value(lower), lowerClosed: lowerClosed, upper: value(upper), upperClosed: upperClosed)
                    result = ExpressionSemantics.or(result, inside)
                }
            }
            return negated ? ExpressionSemantics.not(result) : result
        case .list(let elements):
            return .list(elements.map(value))
        case .matches(let operand, let pattern):
            guard case .string(let text) = value(operand) else { return .null }
            return .bool(pattern.matches(text))
        case .call(let function, let arguments):
            let values = arguments.map(value)
            if values.contains(where: \.isNull) { return .null }
            switch (function, values.count) {
            case (.now, _): return .date(input.now)
            case (.min, 2...): return ExpressionSemantics.extremum(of: values, keeping: -1)
            case (.max, 2...): return ExpressionSemantics.extremum(of: values, keeping: 1)
            case (_, 1): return ExpressionSemantics.call(function, values[0])
            case (_, 2): return ExpressionSemantics.call(function, values[0], values[1])
            default: return .null
            }
        }
    }
}
