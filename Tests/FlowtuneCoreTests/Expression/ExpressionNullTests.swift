import Testing

@testable import FlowtuneCore

/// The null semantics of docs/expressions.md, as a table.
@Suite("Expression null semantics")
struct ExpressionNullTests {
    @Test("three-valued and, or, not", arguments: [
        ("true and true", ExpressionValue.bool(true)), ("true and false", .bool(false)), ("false and null", .bool(false)),
        ("null and false", .bool(false)), ("true and null", .null), ("null and true", .null), ("null and null", .null),
        ("true or null", .bool(true)), ("null or true", .bool(true)), ("false or null", .null), ("null or false", .null),
        ("null or null", .null), ("false or false", .bool(false)), ("not null", .null), ("not(null)", .null),
        ("not true", .bool(false)),
    ])
    func logic(source: String, expected: ExpressionValue) throws {
        #expect(try evaluate(source) == expected)
    }

    @Test("non-booleans count as null in logic", arguments: [
        ("task.n and true", ExpressionValue.null), ("task.n and false", .bool(false)), ("task.s or true", .bool(true)),
        ("task.s or false", .null), ("not task.n", .null),
    ])
    func nonBooleans(source: String, expected: ExpressionValue) throws {
        #expect(try evaluate(source, task: ["n": 1, "s": "yes"]) == expected)
    }

    @Test("comparisons and arithmetic with null", arguments: [
        ("task.x = null", ExpressionValue.bool(true)), ("null = null", .bool(true)), ("task.n = null", .bool(false)),
        ("task.n != null", .bool(true)), ("task.x != null", .bool(false)), ("task.x = 0", .bool(false)),
        ("task.x < 1", .null), ("task.x >= task.x", .null), ("task.x + 1", .null), ("1 - task.x", .null),
        ("task.x * 2", .null), ("task.x / 2", .null), ("-task.x", .null), ("task.n / 0", .null),
        ("task.x in [1..3]", .null), ("task.x in (1, 2)", .bool(false)), ("task.x in (1, null)", .bool(true)),
        ("task.x not in [1..3]", .null), ("task.s in [1..3]", .null), ("task.n in [1..task.s]", .null),
        ("task.n in [5..task.s]", .bool(false)),
    ])
    func comparisons(source: String, expected: ExpressionValue) throws {
        #expect(try evaluate(source, task: ["n": 1, "s": "a"]) == expected)
    }

    @Test func membershipWithNullItemsIsNullWhenNothingMatches() throws {
        #expect(try evaluate("task.n in [task.lo..task.hi]", task: ["n": 5]) == .null)
        #expect(try evaluate("task.n in [task.lo..task.hi] or true", task: ["n": 5]) == .bool(true))
    }

    @Test func mismatchedArithmeticIsNull() throws {
        for source in ["task.s + 1", "task.d + 1", "task.n - task.s", "task.s * 2", "task.b / 2", "task.list + 1"] {
            #expect(try evaluate(source, task: ["s": "a", "d": "2026-01-01", "n": 2, "b": true, "list": [1]]) == .null, "\(source)")
        }
    }

    @Test func overflowIsNull() throws {
        #expect(try evaluate("task.n * task.n", task: ["n": 1e300]) == .null)
    }
}
