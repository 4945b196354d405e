import Testing

@testable import FlowtuneCore

@Suite("Expression functions")
struct ExpressionFunctionTests {
    let task: JSONValue = ["name": "Ada Lovelace", "tags": ["vip", "eu"], "code": "AB-1234", "n": -2.5]

    @Test func stringFunctions() throws {
        #expect(try evaluate("contains(name, \"Love\")", task: task) == .bool(true))
        #expect(try evaluate("contains(name, \"love\")", task: task) == .bool(false))
        #expect(try evaluate("contains(name, \"\")", task: task) == .bool(true))
        #expect(try evaluate("contains(tags, \"vip\")", task: task) == .bool(true))
        #expect(try evaluate("contains(tags, \"us\")", task: task) == .bool(false))
        #expect(try evaluate("startsWith(name, \"Ada\")", task: task) == .bool(true))
        #expect(try evaluate("startsWith(name, \"Lovelace\")", task: task) == .bool(false))
        #expect(try evaluate("endsWith(name, \"lace\")", task: task) == .bool(true))
        #expect(try evaluate("endsWith(name, \"Ada\")", task: task) == .bool(false))
        #expect(try evaluate("lower(name)", task: task) == .string("ada lovelace"))
        #expect(try evaluate("upper(name)", task: task) == .string("ADA LOVELACE"))
        #expect(try evaluate("length(name)", task: task) == .number(12))
        #expect(try evaluate("length(\"née\")") == .number(3))
        #expect(try evaluate("length(tags)", task: task) == .number(2))
        #expect(try evaluate("lower(name) = \"ada lovelace\"", task: task) == .bool(true))
    }

    @Test func matchesFindsThePatternAnywhere() throws {
        #expect(try evaluate("matches(code, \"[0-9]{4}\")", task: task) == .bool(true))
        #expect(try evaluate("matches(code, \"^[A-Z]{2}-[0-9]+$\")", task: task) == .bool(true))
        #expect(try evaluate("matches(code, \"^[0-9]\")", task: task) == .bool(false))
        #expect(try evaluate("matches(task.t, \"(?i)refund\")", task: ["t": "Please REFUND me"]) == .bool(true))
        #expect(try evaluate("matches(code, \"^[A-Z]{2}-\\\\d+$\")", task: task) == .bool(true))
        #expect(try evaluate("matches(task.missing, \"x\")", task: task) == .null)
        #expect(try evaluate("matches(n, \"x\")", task: task) == .null)
    }

    @Test func numericFunctions() throws {
        #expect(try evaluate("abs(n)", task: task) == .number(2.5))
        #expect(try evaluate("round(n)", task: task) == .number(-3))
        #expect(try evaluate("round(2.5)") == .number(3))
        #expect(try evaluate("round(3.14159, 2)") == .number(3.14))
        #expect(try evaluate("round(1234, -2)") == .number(1200))
        #expect(try evaluate("round(1.5, 0.5)") == .null)
        #expect(try evaluate("floor(n)", task: task) == .number(-3))
        #expect(try evaluate("floor(2.7)") == .number(2))
        #expect(try evaluate("ceiling(2.1)") == .number(3))
        #expect(try evaluate("min(3, 1, 2)") == .number(1))
        #expect(try evaluate("max(3, 1, 2)") == .number(3))
        #expect(try evaluate("max(task.a, task.b)", task: ["a": 1, "b": 5]) == .number(5))
        #expect(try evaluate("min(task.a, task.b, task.c)", task: ["a": 4, "b": 5, "c": 3]) == .number(3))
        #expect(try evaluate("min(task.list)", task: ["list": [4, 2, 9]]) == .number(2))
        #expect(try evaluate("max(task.list)", task: ["list": [4, 2, 9]]) == .number(9))
        #expect(try evaluate("max(task.list)", task: ["list": []]) == .null)
        #expect(try evaluate("max(task.list)", task: ["list": [1, "a"]]) == .null)
        #expect(try evaluate("min(\"b\", \"a\")") == .string("a"))
        #expect(try evaluate("max(1h, 90m)") == .duration(5400))
        #expect(try evaluate("min(task.a, task.b)", task: ["a": 1, "b": "x"]) == .null)
        #expect(try evaluate("min(task.a, task.b, 3)", task: ["a": 1, "b": true]) == .null)
    }

    @Test func functionsOfNullAreNull() throws {
        for source in [
            "contains(task.x, \"a\")", "contains(\"a\", task.x)", "contains(task.tags, task.x)", "startsWith(task.x, \"a\")",
            "endsWith(\"a\", task.x)", "lower(task.x)", "upper(task.x)", "length(task.x)", "abs(task.x)",
            "min(task.x, 1)", "max(1, task.x)", "min(task.x)", "round(task.x)", "round(1.5, task.x)", "floor(task.x)",
            "ceiling(task.x)", "date(task.x)", "duration(task.x)",
        ] {
            #expect(try evaluate(source, task: ["tags": ["a"]]) == .null, "\(source)")
        }
    }

    @Test func functionsOfTheWrongKindAreNull() throws {
        for source in ["lower(task.n)", "length(task.n)", "abs(task.s)", "floor(task.s)", "startsWith(task.n, \"1\")"] {
            #expect(try evaluate(source, task: ["n": 12, "s": "x"]) == .null, "\(source)")
        }
    }
}
