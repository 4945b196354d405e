import Testing

@testable import FlowtuneCore

@Suite("Expression operators")
struct ExpressionOperatorTests {
    @Test("arithmetic follows the usual precedence", arguments: [
        ("1 + 2 * 3", 7.0), ("(1 + 2) * 3", 9), ("10 - 4 - 3", 3), ("24 / 4 / 3", 2), ("-2 * 3", -6),
        ("- -2", 2), ("2 * -3 + 1", -5), ("7 / 2", 3.5), ("1e3 + .5", 1000.5), ("-(4 - 6)", 2),
    ])
    func arithmetic(source: String, expected: Double) throws {
        #expect(try evaluate(source) == .number(expected))
    }

    @Test func comparisonsOfEachOrderedKind() throws {
        #expect(try evaluate("3 < 5") == .bool(true))
        #expect(try evaluate("5 <= 5") == .bool(true))
        #expect(try evaluate("5 > 5") == .bool(false))
        #expect(try evaluate("5 >= 5") == .bool(true))
        #expect(try evaluate("\"apple\" < \"banana\"") == .bool(true))
        #expect(try evaluate("90m > 1h") == .bool(true))
        #expect(try evaluate("date(\"2026-01-31\") < date(\"2026-02-01\")") == .bool(true))
        #expect(try evaluate("task.a = 5", task: ["a": 5]) == .bool(true))
        #expect(try evaluate("task.a == 5", task: ["a": 5]) == .bool(true))
        #expect(try evaluate("task.a != 5", task: ["a": 5]) == .bool(false))
        #expect(try evaluate("5 > task.a", task: ["a": 4]) == .bool(true))
        #expect(try evaluate("task.a < task.b", task: ["a": "x", "b": "y"]) == .bool(true))
    }

    @Test func equalityAcrossKindsIsFalseNotNull() throws {
        #expect(try evaluate("task.a = \"5\"", task: ["a": 5]) == .bool(false))
        #expect(try evaluate("task.a != \"5\"", task: ["a": 5]) == .bool(true))
        #expect(try evaluate("task.a = 5", task: ["a": "5"]) == .bool(false))
        #expect(try evaluate("task.d = 60", task: ["d": 60]) == .bool(true))
        #expect(try evaluate("1m = 60") == .bool(false))
        #expect(try evaluate("[1, \"a\"] = [1, \"a\"]") == .bool(true))
    }

    @Test func orderingAcrossKindsIsNull() throws {
        #expect(try evaluate("task.a < 5", task: ["a": "4"]) == .null)
        #expect(try evaluate("task.a < task.b", task: ["a": true, "b": false]) == .null)
        #expect(try evaluate("task.tags > 1", task: ["tags": ["a"]]) == .null)
    }

    @Test func logicBindsLooserThanComparison() throws {
        let task: JSONValue = ["amount": 6200, "customer": ["tier": "gold"]]
        #expect(try evaluate("amount > 5000 and customer.tier = \"gold\"", task: task) == .bool(true))
        #expect(try evaluate("amount > 9000 or customer.tier = \"gold\" and amount < 100", task: task) == .bool(false))
        #expect(try evaluate("(amount > 9000 or customer.tier = \"gold\") and amount > 100", task: task) == .bool(true))
        #expect(try evaluate("not amount > 5000", task: task) == .bool(false))
        #expect(try evaluate("not(amount > 9000) and true", task: task) == .bool(true))
        #expect(try evaluate("not not true") == .bool(true))
        #expect(try evaluate("true and not false or false") == .bool(true))
    }

    @Test func membershipInListsAndRanges() throws {
        let task: JSONValue = ["tier": "gold", "age": 25, "tags": ["vip", "eu"]]
        #expect(try evaluate("tier in [\"gold\", \"platinum\"]", task: task) == .bool(true))
        #expect(try evaluate("tier in (\"silver\", \"bronze\")", task: task) == .bool(false))
        #expect(try evaluate("tier not in (\"silver\", \"bronze\")", task: task) == .bool(true))
        #expect(try evaluate("age in [20..39]", task: task) == .bool(true))
        #expect(try evaluate("age in [25..39]", task: task) == .bool(true))
        #expect(try evaluate("age in (25..39]", task: task) == .bool(false))
        #expect(try evaluate("age in ]25..39]", task: task) == .bool(false))
        #expect(try evaluate("age in [10..25)", task: task) == .bool(false))
        #expect(try evaluate("age in [10..25[", task: task) == .bool(false))
        #expect(try evaluate("age not in [20..39]", task: task) == .bool(false))
        #expect(try evaluate("\"vip\" in tags", task: task) == .bool(true))
        #expect(try evaluate("\"us\" in tags", task: task) == .bool(false))
        #expect(try evaluate("age in [task.lo..task.hi]", task: ["age": 5, "lo": 1, "hi": 9]) == .bool(true))
        #expect(try evaluate("age in []", task: task) == .bool(false))
        #expect(try evaluate("4h in [1h..1d]") == .bool(true))
        let many = "tier in [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\", \"g\", \"h\", \"gold\", \"i\"]"
        #expect(try evaluate(many, task: task) == .bool(true))
        #expect(try evaluate(many, task: ["tier": 1]) == .bool(false))
    }

    @Test func conditionals() throws {
        #expect(try evaluate("if task.a > 1 then \"big\" else \"small\"", task: ["a": 2]) == .string("big"))
        #expect(try evaluate("if task.a > 1 then \"big\" else \"small\"", task: ["a": 0]) == .string("small"))
        // A null condition takes the else branch.
        #expect(try evaluate("if task.missing > 1 then 1 else 2") == .number(2))
        #expect(try evaluate("1 + if true then 1 else 2 * 10") == .number(2))
    }

    @Test func pathsResolveAgainstTheDefaultRoot() throws {
        let task: JSONValue = ["amount": 10, "customer": ["tier": "gold", "address": ["city": "Oslo"]]]
        #expect(try evaluate("amount", task: task) == .number(10))
        #expect(try evaluate("task.amount", task: task) == .number(10))
        #expect(try evaluate("customer.address.city", task: task) == .string("Oslo"))
        #expect(try evaluate("worker.team", worker: ["team": "finance"]) == .string("finance"))
        #expect(try evaluate("model.intent.confidence", model: ["intent": ["confidence": 0.75]]) == .number(0.75))
        // An object is not a value.
        #expect(try evaluate("customer", task: task) == .null)
        #expect(try evaluate("task", task: task) == .null)
        #expect(try evaluate("customer.tier.name", task: task) == .null)
        #expect(try evaluate("missing.deeper.still", task: task) == .null)
        // Arrays become lists; objects inside them are null.
        #expect(try evaluate("task.items", task: ["items": [1, "a", ["k": 1], [2]]])
            == .list([.number(1), .string("a"), .null, .list([.number(2)])]))
        // A keyword may name a key after a dot.
        #expect(try evaluate("task.if.in", task: ["if": ["in": 3]]) == .number(3))
    }

    @Test func missingRootsReadAsNull() throws {
        let expression = try Expression("model.score > 1")
        #expect(expression.evaluate(ExpressionInput(roots: [[:]])) == .null)
        #expect(expression.interpret(ExpressionInput(roots: [])) == .null)
    }

    @Test func customScopes() throws {
        let scope = ExpressionScope(roots: ["row", "env"])
        let expression = try Expression("size > env.limit", scope: scope)
        #expect(expression.paths == [["row", "size"], ["env", "limit"]])
        #expect(expression.evaluate(ExpressionInput(roots: [["size": 3], ["limit": 2]])) == .bool(true))
    }

    @Test func pathsAndConstants() throws {
        let expression = try Expression("model.intent.confidence < 0.8 or amount > 5000 and model.intent.confidence > 0")
        #expect(expression.paths == [["model", "intent", "confidence"], ["task", "amount"]])
        #expect(expression.constantValue == nil)
        #expect(try Expression("4h + 30m").constantValue == .duration(16200))
        #expect(try Expression("\"gold\"").constantValue == .string("gold"))
        #expect(try Expression("now()").constantValue == nil)
        #expect(try Expression("? > 1").constantValue == nil)
        #expect(try Expression("? > 1").readsSubject)
    }

    @Test func stringConcatenation() throws {
        #expect(try evaluate("\"a\" + task.b", task: ["b": "c"]) == .string("ac"))
    }

    @Test func subjectReadsTheInputValue() throws {
        #expect(try evaluate("? * 2", subject: .number(4)) == .number(8))
        #expect(try evaluate("?", subject: .string("x")) == .string("x"))
    }

    @Test func expressionsAreHashableBySourceAndScope() throws {
        let a = try Expression("amount > 1")
        let b = try Expression("amount > 1")
        let c = try Expression("amount > 1", scope: ExpressionScope(roots: ["task"]))
        #expect(a == b)
        #expect(a != c)
        #expect(Set([a, b, c]).count == 2)
        #expect(a.description == "amount > 1")
    }
}
