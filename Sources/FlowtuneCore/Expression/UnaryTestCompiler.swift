/// Compiles a ``UnaryTest`` into one closure, specialized by the literal's kind so that the common
/// cells (`"gold"`, `> 5000`, `[1..3]`, a list of strings) compare without going through the
/// general value rules.
enum UnaryTestCompiler {
    static func compile(_ test: UnaryTest) -> UnaryTestMatcher {
        switch test {
        case .anything:
            return { _, _ in true }
        case .equal(let literal):
            return equal(literal)
        case .compare(.equal, let literal):
            return { value, _ in !value.isNull && value == literal }
        case .compare(.notEqual, let literal):
            return { value, _ in !value.isNull && value != literal }
        case .compare(let op, .number(let number)):
            switch op {
            case .lessThan: return { value, _ in if case .number(let x) = value { x < number } else { false } }
            case .lessThanOrEqual: return { value, _ in if case .number(let x) = value { x <= number } else { false } }
            case .greaterThan: return { value, _ in if case .number(let x) = value { x > number } else { false } }
            default: return { value, _ in if case .number(let x) = value { x >= number } else { false } }
            }
        case .compare(let op, let literal):
            return { value, _ in
                guard let order = value.ordering(with: literal) else { return false }
                return ExpressionSemantics.holds(op, order)
            }
        case .interval(let interval):
            if case .number(let low) = interval.lower, case .number(let high) = interval.upper {
                let (lowerClosed, upperClosed) = (interval.lowerClosed, interval.upperClosed)
                return { value, _ in
                    guard case .number(let x) = value else { return false }
                    return (lowerClosed ? x >= low : x > low) && (upperClosed ? x <= high : x < high)
                }
            }
            return { value, _ in interval.contains(value) }
        case .anyOf(let tests):
            return anyOf(tests)
        case .not(let tests):
            let any = anyOf(tests)
            return { value, input in !any(value, input) }
        case .expression(let expression):
            let readsSubject = expression.readsSubject
            return { value, input in
                UnaryTest.passes(expression.evaluate(input, subject: value), value: value, readsSubject: readsSubject)
            }
        }
    }

    static func equal(_ literal: ExpressionValue) -> UnaryTestMatcher {
        switch literal {
        case .null: return { value, _ in value.isNull }
        case .string(let text): return { value, _ in if case .string(let x) = value { x == text } else { false } }
        case .number(let number): return { value, _ in if case .number(let x) = value { x == number } else { false } }
        case .bool(let truth): return { value, _ in if case .bool(let x) = value { x == truth } else { false } }
        default: return { value, _ in value == literal }
        }
    }

    static func anyOf(_ tests: [UnaryTest]) -> UnaryTestMatcher {
        let strings = tests.compactMap { test -> String? in
            if case .equal(.string(let text)) = test { return text }
            return nil
        }
        if strings.count == tests.count, !tests.isEmpty {
            if strings.count > 8 {
                let set = Set(strings)
                return { value, _ in if case .string(let x) = value { set.contains(x) } else { false } }
            }
            return { value, _ in
                guard case .string(let x) = value else { return false }
                for text in strings where text == x { return true }
                return false
            }
        }
        if tests.count == 1 { return compile(tests[0]) }
        let matchers = tests.map(compile)
        return { value, input in
            for matcher in matchers where matcher(value, input) { return true }
            return false
        }
    }
}
