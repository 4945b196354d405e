import Testing

@testable import FlowtuneCore

@Suite("Expression errors")
struct ExpressionErrorTests {
    @Test func missingOperand() throws {
        let error = try #require(parseError("task.amount > and 3"))
        #expect(error.line == 1)
        #expect(error.column == 15)
        #expect(error.message == "expected a value after '>', found 'and'")
        #expect(error.description == """
            line 1, column 15: expected a value after '>', found 'and'
              task.amount > and 3
                            ^
            """)
    }

    @Test func missingOperandAtTheEnd() throws {
        let error = try #require(parseError("amount >"))
        #expect(error.description == """
            line 1, column 9: expected a value after '>', found the end
              amount >
                      ^
            """)
    }

    @Test func unterminatedString() throws {
        let error = try #require(parseError("tier = \"gold"))
        #expect(error.description == """
            line 1, column 8: unterminated string: a closing " is missing
              tier = "gold
                     ^
            """)
    }

    @Test func unknownFunction() throws {
        let error = try #require(parseError("amount > 1 and lowr(tier) = \"x\""))
        #expect((error.line, error.column) == (1, 16))
        #expect(error.message.hasPrefix("unknown function 'lowr'; did you mean lower?"))
        #expect(error.description.hasSuffix("""
              amount > 1 and lowr(tier) = "x"
                             ^
            """))
    }

    @Test func badRegularExpression() throws {
        let error = try #require(parseError("matches(code, \"[A-Z\")"))
        #expect((error.line, error.column) == (1, 15))
        #expect(error.message.hasPrefix("invalid regular expression \"[A-Z\": "))
        #expect(error.description.hasSuffix("""
              matches(code, "[A-Z")
                            ^
            """))
    }

    @Test func strayToken() throws {
        let error = try #require(parseError("amount > 5 5"))
        #expect(error.description == """
            line 1, column 12: expected an operator or the end, found '5'
              amount > 5 5
                         ^
            """)
        let paren = try #require(parseError("(amount > 5))"))
        #expect((paren.column, paren.message) == (13, "expected an operator or the end, found ')'"))
    }

    @Test func positionsOnLaterLines() throws {
        let error = try #require(parseError("amount > 5000\n  and tier = \"gold\"\n  and (lower(x) ="))
        #expect((error.line, error.column) == (3, 18))
        #expect(error.description == "line 3, column 18: expected a value after '=', found the end\n    and (lower(x) =\n  " + String(repeating: " ", count: 17) + "^")
    }

    @Test func tabsKeepTheCaretAligned() throws {
        let error = try #require(parseError("\tamount >> 1"))
        #expect(error.description == "line 1, column 10: expected a value after '>', found '>'\n  \tamount >> 1\n  \t        ^")
    }

    @Test("messages for other mistakes", arguments: [
        ("lower(1, 2)", 1, "lower takes 1 argument, not 2: lower(text)"),
        ("now(1)", 1, "now takes 0 arguments, not 1: now()"),
        ("matches(x, task.p)", 12, "the pattern of matches must be a string literal, such as \"^[A-Z]{2}-[0-9]+$\""),
        ("date(\"2026-02-30\")", 6, "\"2026-02-30\" is not a date; write date(\"2026-01-31\") or date(\"2026-01-31T10:00:00Z\")"),
        ("duration(\"soon\")", 10, "\"soon\" is not a duration; write it as 90s, 15m, 4h, 2d or 1h30m"),
        ("4hours", 2, "'hours' is not a duration unit; use s, m, h, d or w (as in 90s, 15m, 4h, 2d, 1h30m)"),
        ("1h30", 5, "expected a unit after 30 (s, m, h, d or w)"),
        ("\"a\" > 5", 5, "'>' cannot compare a string with a number"),
        ("true < false", 6, "'<' cannot order a boolean; only numbers, strings, durations and dates have an order"),
        ("4h + 2", 4, "cannot add a duration and a number with '+'"),
        ("lower(3)", 7, "lower expects a string, not a number: lower(text)"),
        ("1 and x", 1, "'and' expects a boolean, not a number"),
        ("if 1 then 2 else 3", 4, "'if' expects a boolean, not a number"),
        ("-\"a\"", 1, "cannot negate a string; '-' applies to numbers and durations"),
        ("a < b < c", 7, "comparisons do not chain; join them with 'and', as in a < b and b < c"),
        ("a && b", 3, "'&' is not an operator; write 'and'"),
        ("!a", 1, "'!' is not an operator; write not(...) to negate"),
        ("tier = 'gold'", 8, "strings are written in straight double quotes, \"like this\""),
        ("\"a\\qb\"", 3, "unknown escape '\\q'; use \\\", \\\\, \\n, \\r, \\t or \\uXXXX"),
        ("x in [1..3", 11, "expected ']', ')' or '[' to close the interval, found the end"),
        ("[1..3]", 3, "an interval such as [1..3] can only follow 'in', as in x in [1..3]"),
        ("x in [1..\"z\"]", 7, "an interval cannot compare a number with a string"),
        ("min(1, \"a\")", 8, "min compares values of one kind, not a number and a string"),
        ("contains(\"abc\", 1)", 17, "contains(text, part) looks for a string in a string, not a number"),
        ("task.", 6, "expected a name after '.', found the end"),
        ("", 1, "expected an expression, found nothing"),
        ("if x then 1", 12, "expected 'else', found the end"),
        ("a # b", 3, "unexpected character '#'"),
    ])
    func messages(source: String, column: Int, message: String) throws {
        let error = try #require(parseError(source))
        #expect(error.message == message)
        #expect(error.column == column)
    }

    @Test("cell errors", arguments: [
        ("", 1, "the test is empty; write - to match any value"),
        ("\"a\", -", 6, "'-' matches any value and must be the whole test"),
        ("> ", 3, "expected a value after '>', found the end"),
        ("\"a\" \"b\"", 5, "expected ',' or the end of the test, found '\"b\"'"),
        ("]1, 3[", 3, "expected '..' in the interval, found ','"),
        ("> \"a\" + 1", 7, "cannot add a string and a number with '+'"),
        ("[1..\"z\"]", 2, "an interval cannot compare a number with a string"),
        ("not(\"a\"", 8, "expected ')', found the end"),
    ])
    func cellMessages(source: String, column: Int, message: String) throws {
        let error = try #require(cellError(source))
        #expect(error.message == message)
        #expect(error.column == column)
    }
}
