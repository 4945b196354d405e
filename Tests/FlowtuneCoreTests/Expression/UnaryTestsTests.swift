import Testing

@testable import FlowtuneCore

@Suite("Unary tests")
struct UnaryTestsTests {
    let input = ExpressionInput(roots: [["limit": 100, "tier": "gold", "tiers": ["gold", "silver"]]])

    /// Whether `cell` matches `value`, compiled and interpreted alike.
    func matches(_ cell: String, _ value: ExpressionValue, sourceLocation: SourceLocation = #_sourceLocation) throws -> Bool {
        let tests = try UnaryTests(cell)
        let compiled = tests.matches(value, in: input)
        #expect(compiled == tests.test.interpretMatches(value, in: input), "\(cell) on \(value)", sourceLocation: sourceLocation)
        return compiled
    }

    @Test func structureOfEachForm() throws {
        #expect(try UnaryTests("-").test == .anything)
        #expect(try UnaryTests("\"gold\"").test == .equal(.string("gold")))
        #expect(try UnaryTests("5").test == .equal(.number(5)))
        #expect(try UnaryTests("-5").test == .equal(.number(-5)))
        #expect(try UnaryTests("true").test == .equal(.bool(true)))
        #expect(try UnaryTests("null").test == .equal(.null))
        #expect(try UnaryTests("4h").test == .equal(.duration(14400)))
        #expect(try UnaryTests("4h + 30m").test == .equal(.duration(16200)))
        #expect(try UnaryTests("date(\"2026-01-31\")").test == .equal(.date(day(2026, 1, 31))))
        #expect(try UnaryTests("> 5000").test == .compare(.greaterThan, .number(5000)))
        #expect(try UnaryTests("<= 3").test == .compare(.lessThanOrEqual, .number(3)))
        #expect(try UnaryTests("!= \"x\"").test == .compare(.notEqual, .string("x")))
        #expect(try UnaryTests("= 5").test == .equal(.number(5)))
        #expect(try UnaryTests("> 2 * 3").test == .compare(.greaterThan, .number(6)))
        #expect(try UnaryTests("[1..3]").test == .interval(ValueInterval(lower: .number(1), upper: .number(3))))
        #expect(try UnaryTests("(1..3]").test == .interval(ValueInterval(lower: .number(1), lowerClosed: false, upper: .number(3))))
        #expect(try UnaryTests("]1..3[").test
            == .interval(ValueInterval(lower: .number(1), lowerClosed: false, upper: .number(3), upperClosed: false)))
        #expect(try UnaryTests("[1..3)").test == .interval(ValueInterval(lower: .number(1), upper: .number(3), upperClosed: false)))
        #expect(try UnaryTests("[1h..1d]").test == .interval(ValueInterval(lower: .duration(3600), upper: .duration(86400))))
        #expect(try UnaryTests("\"gold\",\"platinum\"").test == .anyOf([.equal(.string("gold")), .equal(.string("platinum"))]))
        #expect(try UnaryTests("< 0, > 100").test == .anyOf([.compare(.lessThan, .number(0)), .compare(.greaterThan, .number(100))]))
        #expect(try UnaryTests("not(\"gold\", \"silver\")").test == .not([.equal(.string("gold")), .equal(.string("silver"))]))
        #expect(try UnaryTests("not([1..3])").test == .not([.interval(ValueInterval(lower: .number(1), upper: .number(3)))]))
        #expect(try UnaryTests("[\"a\", \"b\"]").test == .anyOf([.equal(.string("a")), .equal(.string("b"))]))
        #expect(try UnaryTests("(1 + 2)").test == .equal(.number(3)))
    }

    @Test func expressionCells() throws {
        let limit = try UnaryTests("> task.limit")
        guard case .expression(let expression) = limit.test else {
            Issue.record("expected an expression test, got \(limit.test)")
            return
        }
        #expect(expression.source == "? > task.limit")
        #expect(limit.paths == [["task", "limit"]])
        #expect(limit.test == (try UnaryTests("? > task.limit").test))
        #expect(try matches("> task.limit", .number(101)))
        #expect(try !matches("> task.limit", .number(100)))
        #expect(try matches("? > task.limit", .number(101)))
        #expect(try matches("contains(?, \"vip\")", .string("a vip customer")))
        #expect(try matches("contains(?, \"vip\")", .list([.string("vip")])))
        #expect(try !matches("contains(?, \"vip\")", .string("regular")))
        #expect(try matches("[task.limit..200]", .number(150)))
        #expect(try !matches("[task.limit..200]", .number(50)))
        // A value that is not boolean: the input must equal it.
        #expect(try matches("task.tier", .string("gold")))
        #expect(try !matches("task.tier", .string("silver")))
        #expect(try matches("task.limit * 2", .number(200)))
        // A list: the input must be one of its elements.
        #expect(try matches("task.tiers", .string("silver")))
        #expect(try !matches("task.tiers", .string("bronze")))
        // A boolean from an expression that does not read ?: compared, like any other value.
        #expect(try matches("task.limit > 5", .bool(true)))
        #expect(try !matches("task.limit > 5", .bool(false)))
        #expect(try !matches("task.limit > 5", .number(1)))
        // A cell that starts with not(...) but goes on is one expression.
        #expect(try UnaryTests("not(? > 5) and ? > 1").test != .not([]))
        #expect(try matches("not(? > 5) and ? > 1", .number(3)))
        #expect(try !matches("not(? > 5) and ? > 1", .number(7)))
        #expect(try matches("\"gold\", > task.limit", .number(500)))
        #expect(try matches("\"gold\", > task.limit", .string("gold")))
    }

    @Test func eachFormAgainstValues() throws {
        #expect(try matches("-", .number(1)))
        #expect(try matches("\"gold\"", .string("gold")))
        #expect(try !matches("\"gold\"", .string("Gold")))
        #expect(try !matches("5", .string("5")))
        #expect(try matches("5", .number(5)))
        #expect(try matches("true", .bool(true)))
        #expect(try !matches("true", .bool(false)))
        #expect(try matches("4h", .duration(14400)))
        #expect(try matches("> 5000", .number(5000.5)))
        #expect(try !matches("> 5000", .number(5000)))
        #expect(try !matches("> 5000", .string("6000")))
        #expect(try matches(">= 5000", .number(5000)))
        #expect(try matches("< 3", .number(2)))
        #expect(try matches("<= 3", .number(3)))
        #expect(try matches("< \"m\"", .string("apple")))
        #expect(try matches("> 1h", .duration(3601)))
        #expect(try matches("< date(\"2026-01-01\")", .date(0)))
        #expect(try matches("!= \"x\"", .string("y")))
        #expect(try matches("!= \"x\"", .number(1)))
        #expect(try !matches("!= \"x\"", .string("x")))
        #expect(try matches("[1..3]", .number(1)))
        #expect(try matches("[1..3]", .number(3)))
        #expect(try !matches("(1..3]", .number(1)))
        #expect(try !matches("[1..3)", .number(3)))
        #expect(try !matches("]1..3[", .number(3)))
        #expect(try matches("]1..3[", .number(2)))
        #expect(try !matches("[1..3]", .string("2")))
        #expect(try matches("[\"a\"..\"c\"]", .string("b")))
        #expect(try matches("\"gold\",\"platinum\"", .string("platinum")))
        #expect(try !matches("\"gold\",\"platinum\"", .string("silver")))
        #expect(try matches("< 0, > 100", .number(-1)))
        #expect(try !matches("< 0, > 100", .number(50)))
        #expect(try matches("not(\"gold\", \"silver\")", .string("bronze")))
        #expect(try !matches("not(\"gold\", \"silver\")", .string("gold")))
        #expect(try matches("not([1..3])", .number(4)))
        let many = (1...12).map { "\"s\($0)\"" }.joined(separator: ", ")
        #expect(try matches(many, .string("s12")))
        #expect(try !matches(many, .string("s13")))
        #expect(try !matches(many, .number(1)))
    }

    /// A null input matches only `-`, `null`, a `not(...)` none of whose tests matches, and an
    /// expression over `?` that is true for it.
    @Test("null input", arguments: [
        ("-", true), ("null", true), ("\"gold\"", false), ("5", false), ("false", false), ("> 5", false), ("< 5", false),
        ("!= \"x\"", false), ("!= null", false), ("= null", true), ("[1..3]", false), ("\"a\", \"b\"", false),
        ("\"a\", null", true), ("not(\"gold\")", true), ("not([1..3])", true), ("not(null)", false),
        ("not(\"a\", null)", false), ("> task.limit", false), ("task.tier", false), ("task.missing", false),
        ("contains(?, \"x\")", false), ("? = null", true), ("? = null or ? > 5", true), ("not(? > 5)", true),
        ("not(> 5)", true),
    ])
    func nullInput(cell: String, expected: Bool) throws {
        #expect(try matches(cell, .null) == expected)
    }

    @Test func aNullExpressionResultNeverMatches() throws {
        #expect(try !matches("task.missing", .string("x")))
        #expect(try !matches("? > task.missing", .number(1)))
    }

    @Test func descriptionWritesTheCellBack() throws {
        for cell in ["-", "\"gold\"", "> 5000", "[1..3)", "(1..3]", "\"a\", \"b\"", "not(\"a\", < 3)", "? > task.limit", "= null"] {
            let tests = try UnaryTests(cell)
            #expect(try UnaryTests(tests.test.description).test == tests.test, "\(cell)")
        }
        #expect(UnaryTest.interval(ValueInterval(lower: .number(1), lowerClosed: false, upper: .number(3))).description == "(1..3]")
        #expect(UnaryTests(test: .compare(.greaterThan, .number(5))).source == "> 5")
    }

    @Test func hashableBySource() throws {
        #expect(try UnaryTests("> 5") == UnaryTests("> 5"))
        #expect(try UnaryTests("> 5") != UnaryTests(">5"))
    }
}
