/// How one of a table's example cases came out.
public struct DecisionTestOutcome: Sendable, Hashable {
    /// The case's name.
    public var name: String
    /// Whether the table gave what the case expects.
    public var passed: Bool
    /// Each difference, as `lane: expected "exception", got "routine"`.
    public var mismatches: [String]
    /// How the evaluation went.
    public var trace: DecisionTrace
}

extension DecisionTable {
    /// Runs the table's example cases (`tests:` in its file), as `flowtune decide test` and
    /// every publish do.
    ///
    /// `now` is the clock reading `now()` returns, in seconds since 1970.
    public func runTests(now: Double = 0) -> [DecisionTestOutcome] {
        tests.map { run($0, now: now) }
    }

    /// Runs one example case.
    public func run(_ test: TestCase, now: Double = 0) -> DecisionTestOutcome {
        let scope = inputs.first?.expression.scope ?? .decision
        let input = ExpressionInput(roots: scope.roots.map { test.input[$0] ?? .null }, now: now)
        let (result, trace) = evaluateTraced(input)
        var mismatches: [String] = []
        if let failure = result.failure {
            mismatches.append(failure.message)
        } else if test.expectsNoMatch {
            if !result.isEmpty {
                mismatches.append("expected no rule to match; rules \(DecisionFailure.rowList(result.matchedRules)) matched")
            }
        } else {
            for name in test.expected.keys.sorted() {
                let expected = test.expected[name]!
                let actual = result[name]
                if !Self.same(expected, actual) {
                    mismatches.append("\(name): expected \(expected), got \(actual)")
                }
            }
        }
        return DecisionTestOutcome(name: test.name, passed: mismatches.isEmpty, mismatches: mismatches, trace: trace)
    }

    /// Equal values, numbers within a rounding error of each other (so that 0.1 + 0.2 passes
    /// for 0.3), and a single value equal to a one-element list.
    static func same(_ expected: ExpressionValue, _ actual: ExpressionValue) -> Bool {
        switch (expected, actual) {
        case (.number(let a), .number(let b)), (.duration(let a), .duration(let b)), (.date(let a), .date(let b)):
            return a == b || abs(a - b) <= 1e-9 * max(abs(a), abs(b))
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { same($0, $1) }
        case (_, .list(let b)) where b.count == 1:
            return same(expected, b[0])
        default:
            return expected == actual
        }
    }
}
