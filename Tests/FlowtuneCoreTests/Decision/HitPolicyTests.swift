import Testing

@testable import FlowtuneCore

/// Hit policies as DMN defines them, each with its edge cases.
@Suite struct HitPolicyTests {
    /// A table over one numeric input `score`, one output `grade`, with the given policy and rows.
    private func table(_ policy: String, rows: [(String, String)], outputValues: String? = nil, defaultValue: String? = nil) throws -> DecisionTable {
        var yaml = """
            decision: grading
            hit_policy: \(policy)
            inputs:
              - { name: score, expression: task.score }
            outputs:
              - name: grade

            """
        if let outputValues { yaml += "    values: \(outputValues)\n" }
        if let defaultValue { yaml += "    default: \(defaultValue)\n" }
        yaml += "rules:\n"
        for (when, then) in rows {
            yaml += "  - { when: ['\(when)'], then: ['\(then)'] }\n"
        }
        return try DecisionDocument(yaml: yaml).table
    }

    private func score(_ value: Double?) -> ExpressionInput {
        ExpressionInput(roots: [value.map { .object(["score": .number($0)]) } ?? .object([:])])
    }

    @Test func uniqueGivesTheOneMatchingRule() throws {
        let grading = try table("UNIQUE", rows: [("< 50", "\"fail\""), ("[50..80)", "\"pass\""), (">= 80", "\"merit\"")])
        #expect(grading.evaluate(score(65))["grade"] == .string("pass"))
        #expect(grading.evaluate(score(65)).matchedRules == [1])
        #expect(grading.evaluate(score(80))["grade"] == .string("merit"))
    }

    @Test func uniqueWithNoMatchGivesTheDefaultOrNull() throws {
        let withDefault = try table("UNIQUE", rows: [("> 90", "\"top\"")], defaultValue: "none")
        let result = withDefault.evaluate(score(10))
        #expect(result.isEmpty)
        #expect(result["grade"] == .string("none"))
        let withoutDefault = try table("UNIQUE", rows: [("> 90", "\"top\"")], defaultValue: nil)
        #expect(withoutDefault.evaluate(score(10))["grade"] == .null)
        #expect(withoutDefault.evaluate(score(10)).failure == nil)
    }

    @Test func uniqueWithSeveralMatchesIsAnErrorNamingTheRules() throws {
        // The static check refuses overlapping literal rules, so the overlap hides behind an
        // expression the checks do not analyse.
        let grading = try table("UNIQUE", rows: [("> 50", "\"high\""), ("? > task.threshold", "\"above threshold\"")])
        let result = grading.evaluate(ExpressionInput(roots: [.object(["score": 70, "threshold": 60])]))
        #expect(result.failure != nil)
        #expect(result.failure?.rules == [0, 1])
        #expect(result.failure?.message.contains("rules 1 and 2") == true)
        #expect(result["grade"] == .null)
    }

    @Test func anyAcceptsAgreeingRulesAndRefusesDisagreeingOnes() throws {
        let agreeing = try table("ANY", rows: [("> 50", "\"high\""), ("> 70", "\"high\""), ("<= 50", "\"low\"")])
        let result = agreeing.evaluate(score(90))
        #expect(result.failure == nil)
        #expect(result["grade"] == .string("high"))
        #expect(result.matchedRules == [0])

        let disagreeing = try table("ANY", rows: [("> 50", "\"high\""), ("? > task.threshold", "\"higher\"")])
        let conflict = disagreeing.evaluate(ExpressionInput(roots: [.object(["score": 90, "threshold": 60])]))
        #expect(conflict.failure?.rules == [0, 1])
    }

    @Test func priorityRanksByTheOutputValueList() throws {
        let grading = try table(
            "PRIORITY", rows: [("> 0", "\"low\""), ("> 50", "\"high\""), ("> 20", "\"medium\""), ("> 60", "\"high\"")],
            outputValues: "[high, medium, low]")
        let result = grading.evaluate(score(70))
        #expect(result["grade"] == .string("high"))
        // Equal priority: the earlier rule wins.
        #expect(result.matchedRules == [1])
        #expect(grading.evaluate(score(30))["grade"] == .string("medium"))
        #expect(grading.evaluate(score(-5)).isEmpty)
    }

    @Test func firstTakesTheFirstMatchInRowOrder() throws {
        let grading = try table("FIRST", rows: [("> 80", "\"merit\""), ("> 50", "\"pass\""), ("-", "\"fail\"")])
        #expect(grading.evaluate(score(90))["grade"] == .string("merit"))
        #expect(grading.evaluate(score(60)).matchedRules == [1])
        #expect(grading.evaluate(score(10))["grade"] == .string("fail"))
        #expect(grading.evaluate(score(nil))["grade"] == .string("fail"))
    }

    @Test func ruleOrderListsEveryMatchInRowOrder() throws {
        let grading = try table("RULE ORDER", rows: [("> 80", "\"merit\""), ("> 50", "\"pass\""), ("< 0", "\"invalid\"")])
        let result = grading.evaluate(score(90))
        #expect(result["grade"] == .list([.string("merit"), .string("pass")]))
        #expect(result.matchedRules == [0, 1])
        #expect(grading.evaluate(score(10))["grade"] == .list([]))
    }

    @Test func collectAggregates() throws {
        let rows = [("> 10", "1"), ("> 20", "2"), ("> 30", "2"), ("> 40", "5")]
        #expect(try table("COLLECT", rows: rows).evaluate(score(35))["grade"] == .list([.number(1), .number(2), .number(2)]))
        #expect(try table("COLLECT SUM", rows: rows).evaluate(score(35))["grade"] == .number(5))
        #expect(try table("C+", rows: rows).evaluate(score(50))["grade"] == .number(10))
        #expect(try table("COLLECT MIN", rows: rows).evaluate(score(50))["grade"] == .number(1))
        #expect(try table("COLLECT MAX", rows: rows).evaluate(score(35))["grade"] == .number(2))
        // COUNT counts distinct outputs: 1, 2 and 2 are two values.
        #expect(try table("COLLECT COUNT", rows: rows).evaluate(score(35))["grade"] == .number(2))
        // No match: COUNT is zero, the others have no value.
        #expect(try table("COLLECT COUNT", rows: rows).evaluate(score(5))["grade"] == .number(0))
        #expect(try table("COLLECT SUM", rows: rows).evaluate(score(5))["grade"] == .null)
        #expect(try table("COLLECT MAX", rows: rows).evaluate(score(5))["grade"] == .null)
    }

    @Test func sumOverValuesOfAnotherKindHasNoValue() throws {
        let mixed = try table("COLLECT SUM", rows: [("> 10", "1"), ("> 20", "\"two\"")])
        #expect(mixed.evaluate(score(30))["grade"] == .null)
        #expect(mixed.evaluate(score(15))["grade"] == .number(1))
    }

    @Test func aggregationNeedsExactlyOneOutput() {
        let yaml = """
            decision: totals
            hit_policy: COLLECT SUM
            inputs: [{ name: score, expression: task.score }]
            outputs: [{ name: a }, { name: b }]
            rules:
              - { when: ['-'], then: ['1', '2'] }
            """
        #expect(throws: DefinitionError.self) { try DecisionDocument(yaml: yaml) }
    }

    @Test func unknownHitPolicySuggestsTheClosest() {
        let yaml = """
            decision: totals
            hit_policy: FIRS
            inputs: [{ name: score }]
            outputs: [{ name: a }]
            rules: [{ when: ['-'], then: ['1'] }]
            """
        do {
            _ = try DecisionDocument(yaml: yaml, file: "totals.yaml")
            Issue.record("a misspelt hit policy loaded")
        } catch {
            #expect(error.issues.first?.description == "totals.yaml:2:13: hit_policy: unknown hit policy \"FIRS\" (did you mean FIRST?)")
        }
    }
}
