/// Compiles a checked tree into nested closures, once.
///
/// What makes the result fast: constant subtrees are folded to their value; a path is a root index
/// and keys resolved in advance; `and`/`or`/`if`/`in` stop as soon as the answer is known;
/// comparisons and `in` against literals are specialized by the literal's kind, so that
/// `task.amount > 5000` reads one number and compares two doubles. No closure allocates for a
/// scalar result.
enum ExpressionCompiler {
    typealias Node = ExpressionNode
    typealias Evaluator = ExpressionEvaluator

    static func compile(_ node: Node) -> Evaluator {
        if node.isConstant {
            let value = ExpressionInterpreter.evaluate(node, ExpressionInput(roots: []), subject: .null)
            return { _, _ in value }
        }
        switch node.kind {
        case .literal(let value):
            return { _, _ in value }
        case .subject:
            return { _, subject in copy subject }
        case .path(let root, let keys):
            return compilePath(root: root, keys: keys)
        case .negate(let operand):
            let operand = compile(operand)
            return { input, subject in ExpressionSemantics.negate(operand(input, subject)) }
        case .not(let operand):
            let operand = compile(operand)
            return { input, subject in
                if case .bool(let truth) = operand(input, subject) { return .bool(!truth) }
                return .null
            }
        case .and(let left, let right):
            let left = compile(left)
            let right = compile(right)
            return { input, subject in
                let first = left(input, subject)
                if case .bool(false) = first { return first }
                let second = right(input, subject)
                if case .bool(false) = second { return second }
                if case .bool(true) = first, case .bool(true) = second { return second }
                return .null
            }
        case .or(let left, let right):
            let left = compile(left)
            let right = compile(right)
            return { input, subject in
                let first = left(input, subject)
                if case .bool(true) = first { return first }
                let second = right(input, subject)
                if case .bool(true) = second { return second }
                if case .bool(false) = first, case .bool(false) = second { return second }
                return .null
            }
        case .conditional(let condition, let then, let otherwise):
            let condition = compile(condition)
            let then = compile(then)
            let otherwise = compile(otherwise)
            return { input, subject in
                if case .bool(true) = condition(input, subject) { return then(input, subject) }
                return otherwise(input, subject)
            }
        case .comparison(let op, let left, let right):
            return compileComparison(op, left, right)
        case .arithmetic(let op, let left, let right):
            return compileArithmetic(op, left, right)
        case .membership(let operand, let items, let negated):
            let test = compileMembership(compile(operand), items)
            guard negated else { return test }
            return { input, subject in ExpressionSemantics.not(test(input, subject)) }
        case .list(let elements):
            let elements = elements.map(compile)
            return { input, subject in .list(elements.map { $0(input, subject) }) }
        case .matches(let operand, let pattern):
            let operand = compile(operand)
            return { input, subject in
                guard case .string(let text) = operand(input, subject) else { return .null }
                return .bool(pattern.matches(text))
            }
        case .call(let function, let arguments):
            return compileCall(function, arguments.map(compile))
        }
    }

    /// A JSON value read through a path, as the language sees it.
    @inline(__always)
    static func value(_ json: JSONValue) -> ExpressionValue {
        switch json {
        case .number(let value): value.isFinite ? .number(value) : .null
        case .string(let value): .string(value)
        case .bool(let value): .bool(value)
        case .null, .object: .null
        case .array: ExpressionValue(json)
        }
    }

    static func compilePath(root: Int, keys: [String]) -> Evaluator {
        switch keys.count {
        case 0:
            return { input, _ in root < input.roots.count ? value(input.roots[root]) : .null }
        case 1:
            let key = keys[0]
            return { input, _ in
                guard root < input.roots.count, case .object(let members) = input.roots[root], let found = members[key] else {
                    return .null
                }
                return value(found)
            }
        case 2:
            let (first, second) = (keys[0], keys[1])
            return { input, _ in
                guard root < input.roots.count, case .object(let members) = input.roots[root],
                    case .object(let inner) = members[first], let found = inner[second]
                else { return .null }
                return value(found)
            }
        default:
            return { input, _ in
                guard root < input.roots.count else { return .null }
                var current = input.roots[root]
                for key in keys {
                    guard case .object(let members) = current, let next = members[key] else { return .null }
                    current = next
                }
                return value(current)
            }
        }
    }

    static func compileComparison(_ op: ComparisonOperator, _ left: Node, _ right: Node) -> Evaluator {
        if right.isConstant {
            let constant = ExpressionInterpreter.evaluate(right, ExpressionInput(roots: []), subject: .null)
            return compareWithConstant(op, compile(left), constant)
        }
        if left.isConstant {
            let constant = ExpressionInterpreter.evaluate(left, ExpressionInput(roots: []), subject: .null)
            return compareWithConstant(op.mirrored, compile(right), constant)
        }
        let left = compile(left)
        let right = compile(right)
        switch op {
        case .equal: return { input, subject in .bool(left(input, subject) == right(input, subject)) }
        case .notEqual: return { input, subject in .bool(left(input, subject) != right(input, subject)) }
        default:
            return { input, subject in
                let first = left(input, subject)
                let second = right(input, subject)
                if case .number(let a) = first, case .number(let b) = second { return .bool(holdsNumbers(op, a, b)) }
                guard let order = first.ordering(with: second) else { return .null }
                return .bool(ExpressionSemantics.holds(op, order))
            }
        }
    }

    @inline(__always)
    static func holdsNumbers(_ op: ComparisonOperator, _ a: Double, _ b: Double) -> Bool {
        switch op {
        case .lessThan: a < b
        case .lessThanOrEqual: a <= b
        case .greaterThan: a > b
        case .greaterThanOrEqual: a >= b
        case .equal: a == b
        case .notEqual: a != b
        }
    }

    /// `operand op constant`, with one closure per operator for numbers so that the operator is
    /// not switched on at run time.
    static func compareWithConstant(_ op: ComparisonOperator, _ operand: @escaping Evaluator, _ constant: ExpressionValue) -> Evaluator {
        switch (op, constant) {
        case (.equal, .string(let text)):
            return { input, subject in
                if case .string(let value) = operand(input, subject) { return .bool(value == text) }
                return .bool(false)
            }
        case (.notEqual, .string(let text)):
            return { input, subject in
                if case .string(let value) = operand(input, subject) { return .bool(value != text) }
                return .bool(true)
            }
        case (.equal, .number(let number)):
            return { input, subject in
                if case .number(let value) = operand(input, subject) { return .bool(value == number) }
                return .bool(false)
            }
        case (.notEqual, .number(let number)):
            return { input, subject in
                if case .number(let value) = operand(input, subject) { return .bool(value != number) }
                return .bool(true)
            }
        case (.equal, _):
            return { input, subject in .bool(operand(input, subject) == constant) }
        case (.notEqual, _):
            return { input, subject in .bool(operand(input, subject) != constant) }
        case (.lessThan, .number(let number)):
            return { input, subject in
                if case .number(let value) = operand(input, subject) { return .bool(value < number) }
                return .null
            }
        case (.lessThanOrEqual, .number(let number)):
            return { input, subject in
                if case .number(let value) = operand(input, subject) { return .bool(value <= number) }
                return .null
            }
        case (.greaterThan, .number(let number)):
            return { input, subject in
                if case .number(let value) = operand(input, subject) { return .bool(value > number) }
                return .null
            }
        case (.greaterThanOrEqual, .number(let number)):
            return { input, subject in
                if case .number(let value) = operand(input, subject) { return .bool(value >= number) }
                return .null
            }
        default:
            return { input, subject in
                guard let order = operand(input, subject).ordering(with: constant) else { return .null }
                return .bool(ExpressionSemantics.holds(op, order))
            }
        }
    }

    static func compileArithmetic(_ op: ArithmeticOperator, _ left: Node, _ right: Node) -> Evaluator {
        let left = compile(left)
        let right = compile(right)
        switch op {
        case .add:
            return { input, subject in
                let a = left(input, subject)
                let b = right(input, subject)
                if case .number(let x) = a, case .number(let y) = b { return ExpressionSemantics.number(x + y) }
                return ExpressionSemantics.arithmetic(.add, a, b)
            }
        case .subtract:
            return { input, subject in
                let a = left(input, subject)
                let b = right(input, subject)
                if case .number(let x) = a, case .number(let y) = b { return ExpressionSemantics.number(x - y) }
                return ExpressionSemantics.arithmetic(.subtract, a, b)
            }
        case .multiply:
            return { input, subject in
                let a = left(input, subject)
                let b = right(input, subject)
                if case .number(let x) = a, case .number(let y) = b { return ExpressionSemantics.number(x * y) }
                return ExpressionSemantics.arithmetic(.multiply, a, b)
            }
        case .divide:
            return { input, subject in
                let a = left(input, subject)
                let b = right(input, subject)
                if case .number(let x) = a, case .number(let y) = b { return y == 0 ? .null : ExpressionSemantics.number(x / y) }
                return ExpressionSemantics.arithmetic(.divide, a, b)
            }
        }
    }

    static func compileMembership(_ operand: @escaping Evaluator, _ items: [MembershipItem]) -> Evaluator {
        // Literal values only: a list (or, when long and all strings, a set) searched in place.
        if items.allSatisfy(\.isConstantValue) {
            var constants: [ExpressionValue] = []
            for case .value(let node) in items {
                let value = ExpressionInterpreter.evaluate(node, ExpressionInput(roots: []), subject: .null)
                if case .list(let elements) = value { constants += elements } else { constants.append(value) }
            }
            let strings = constants.compactMap(\.stringValue)
            if strings.count == constants.count, strings.count > 8 {
                let set = Set(strings)
                return { input, subject in
                    if case .string(let value) = operand(input, subject) { return .bool(set.contains(value)) }
                    return .bool(false)
                }
            }
            return { [constants] input, subject in .bool(constants.contains(operand(input, subject))) }
        }
        // One interval between literal numbers: two comparisons.
        if items.count == 1, case .interval(let lower, let lowerClosed, let upper, let upperClosed) = items[0],
            lower.isConstant, upper.isConstant,
            case .number(let low) = ExpressionInterpreter.evaluate(lower, ExpressionInput(roots: []), subject: .null),
            case .number(let high) = ExpressionInterpreter.evaluate(upper, ExpressionInput(roots: []), subject: .null)
        {
            return { input, subject in
                guard case .number(let value) = operand(input, subject) else { return .null }
                let above = lowerClosed ? value >= low : value > low
                let below = upperClosed ? value <= high : value < high
                return .bool(above && below)
            }
        }
        let compiled: [CompiledItem] = items.map {
            switch $0 {
            case .value(let node): .value(compile(node))
            case .interval(let lower, let lowerClosed, let upper, let upperClosed):
                .interval(compile(lower), lowerClosed, compile(upper), upperClosed)
            }
        }
        return { input, subject in
            let value = operand(input, subject)
            var sawNull = false
            for item in compiled {
                let result: ExpressionValue
                switch item {
                case .value(let element):
                    result = ExpressionSemantics.member(value, element(input, subject))
                case .interval(let lower, let lowerClosed, let upper, let upperClosed):
                    result = ExpressionSemantics.within(
                        value, lower: lower(input, subject), lowerClosed: lowerClosed, upper: upper(input, subject),
                        upperClosed: upperClosed)
                }
                switch result {
                case .bool(true): return result
                case .bool(false): continue
                default: sawNull = true
                }
            }
            return sawNull ? .null : .bool(false)
        }
    }

    private enum CompiledItem {
        case value(Evaluator)
        case interval(Evaluator, Bool, Evaluator, Bool)
    }

    static func compileCall(_ function: ExpressionFunction, _ arguments: [Evaluator]) -> Evaluator {
        switch (function, arguments.count) {
        case (.now, _):
            return { input, _ in .date(input.now) }
        case (_, 1):
            let argument = arguments[0]
            return { input, subject in ExpressionSemantics.call(function, argument(input, subject)) }
        case (_, 2):
            let (first, second) = (arguments[0], arguments[1])
            return { input, subject in
                let a = first(input, subject)
                if case .null = a { return .null }
                return ExpressionSemantics.call(function, a, second(input, subject))
            }
        default:
            // min and max of three or more: pairwise, stopping at the first null or mismatch.
            let keeping = function == .min ? -1 : 1
            return { input, subject in
                var best = arguments[0](input, subject)
                for argument in arguments.dropFirst() {
                    best = ExpressionSemantics.pick(best, argument(input, subject), keeping: keeping)
                    if case .null = best { return .null }
                }
                return best
            }
        }
    }
}

extension MembershipItem {
    fileprivate var isConstantValue: Bool {
        if case .value(let node) = self { return node.isConstant }
        return false
    }
}

extension ComparisonOperator {
    /// The operator with its operands swapped: `5 < x` is `x > 5`.
    var mirrored: ComparisonOperator {
        switch self {
        case .lessThan: .greaterThan
        case .lessThanOrEqual: .greaterThanOrEqual
        case .greaterThan: .lessThan
        case .greaterThanOrEqual: .lessThanOrEqual
        case .equal, .notEqual: self
        }
    }
}
