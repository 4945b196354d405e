import Testing

@testable import FlowtuneCore

/// The compiled evaluator against the plain tree-walking interpreter, on random tables and inputs.
@Suite struct DecisionPropertyTests {
    private static let cells = [
        "-", "5", "> 3", "<= 7", "!= 2", "[2..6]", "(2..6)", "]1..4]", "< 0, > 8", "not(5)", "not([1..3])", "null",
        "\"gold\"", "\"gold\",\"silver\"", "not(\"gold\")", "> \"m\"", "true", "false", "? > task.b", "? + 1 > 4",
        "contains(?, \"ol\")", "task.b", "4h", "> 2h",
    ]
    private static let outputs = [
        "1", "2", "3", "\"x\"", "\"y\"", "null", "task.a", "task.a + task.b", "task.b * 2", "true", "2h", "lower(task.c)",
    ]
    private static let values: [JSONValue] = [
        .null, .number(0), .number(2), .number(3.5), .number(5), .number(6), .number(9), .number(-1), .string("gold"),
        .string("silver"), .string("Zed"), .bool(true), .bool(false), .array([.number(1)]),
    ]

    @Test func compiledEvaluationAgreesWithTheInterpreter() throws {
        var random = SeededGenerator(seed: 2026)
        var compared = 0
        for _ in 0..<300 {
            let table = try randomTable(&random)
            for _ in 0..<20 {
                var fields: [String: JSONValue] = [:]
                for name in ["a", "b", "c"] where Int.random(in: 0..<6, using: &random) > 0 {
                    fields[name] = Self.values.randomElement(using: &random)!
                }
                let input = ExpressionInput(roots: [.object(fields), .null, .null], now: 1_800_000_000)
                let compiled = table.evaluate(input)
                let interpreted = table.interpret(input)
                #expect(compiled == interpreted, "table \(table.hitPolicy.name), input \(fields)")
                #expect(table.evaluateTraced(input).result == interpreted)
                compared += 1
            }
        }
        #expect(compared == 6_000)
    }

    private func randomTable(_ random: inout SeededGenerator) throws -> DecisionTable {
        let policy = HitPolicy.all.randomElement(using: &random)!
        let inputCount = Int.random(in: 1...3, using: &random)
        let outputCount = policy.isSingleHit && policy != .first && policy != .unique && policy != .any && policy != .priority
            ? 1 : Int.random(in: 1...2, using: &random)
        let inputs = try (0..<inputCount).map { index in
            DecisionTable.Input(name: "in\(index)", expression: try Expression(["task.a", "task.b", "task.c", "task.a - 1"][Int.random(in: 0..<4, using: &random)]))
        }
        let outputs = (0..<outputCount).map { index in
            DecisionTable.Output(
                name: "out\(index)", values: index == 0 ? [.number(3), .string("x"), .number(1)] : nil,
                defaultValue: Bool.random(using: &random) ? .string("default") : nil)
        }
        let rules = try (0..<Int.random(in: 1...8, using: &random)).map { _ in
            DecisionTable.Rule(
                tests: try (0..<inputCount).map { _ in try UnaryTests(Self.cells.randomElement(using: &random)!) },
                outputs: try (0..<outputCount).map { _ in try Expression(Self.outputs.randomElement(using: &random)!) })
        }
        return DecisionTable(id: "random", hitPolicy: policy, inputs: inputs, outputs: outputs, rules: rules)
    }
}
