/// Compiles a ``UnaryTest`` into one closure, specialized by the literal's kind so that the common
/// cells (`"gold"`, `> 5000`, `[1..3]`, a list of strings) compare without going through the
/// general value rules.
enum UnaryTestCompiler {
    /// The cells matched without a closure call: `-`, `null`, a literal number, string or
    /// boolean, a comparison with a number, an interval between numbers.
    enum FastTest: Sendable {
        case anything
        case null
        /// `= n` when written as a literal, else the comparison.
        case number(ComparisonOperator, Double)
        case numberInterval(Double, lowerClosed: Bool, Double, upperClosed: Bool)
        case string(String)
        case bool(Bool)
        /// `"a", "b"`, or with `negated` `not("a", "b")`.
        case strings([String], negated: Bool)
        case general

        init(_ test: UnaryTest) {
            switch test {
            case .anything: self = .anything
            case .equal(.null): self = .null
            case .equal(.number(let number)): self = .number(.equal, number)
            case .equal(.string(let text)): self = .string(text)
            case .equal(.bool(let truth)): self = .bool(truth)
            case .compare(let op, .number(let number)) where op != .equal: self = .number(op, number)
            case .interval(let interval):
                guard case .number(let low) = interval.lower, case .number(let high) = interval.upper else {
                    self = .general
                    return
                }
                self = .numberInterval(low, lowerClosed: interval.lowerClosed, high, upperClosed: interval.upperClosed)
            case .anyOf(let tests), .not(let tests):
                let strings = tests.compactMap { test -> String? in
                    if case .equal(.string(let text)) = test { return text }
                    return nil
                }
                guard strings.count == tests.count, !strings.isEmpty, strings.count <= 8 else {
                    self = .general
                    return
                }
                if case .not = test { self = .strings(strings, negated: true) } else { self = .strings(strings, negated: false) }
            default: self = .general
            }
        }
    }

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
