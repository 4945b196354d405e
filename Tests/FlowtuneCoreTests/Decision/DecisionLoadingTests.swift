import Testing

@testable import FlowtuneCore

/// Reading decision files: the cell forms, the error positions, and the example cases.
@Suite struct DecisionLoadingTests {
    @Test func aCellThatDoesNotParseIsReportedInsideTheCell() {
        let yaml = """
            decision: lane
            hit_policy: FIRST
            inputs: [{ name: amount, expression: task.amount }]
            outputs: [{ name: lane, type: string }]
            rules:
              - when: ["> and 5"]
                then: [exception]
            """
        do {
            _ = try DecisionDocument(yaml: yaml, file: "lane.yaml")
            Issue.record("a broken cell loaded")
        } catch {
            let issue = error.issues[0]
            #expect(issue.file == "lane.yaml")
            #expect(issue.line == 6)
            // The cell starts at column 12 with its quote; `and` is the third character inside.
            #expect(issue.column == 15)
            #expect(issue.path == "rules[0].when[0]")
            #expect(issue.message.contains("^"))
        }
    }

    @Test func everyProblemIsReportedAtOnce() {
        let yaml = """
            decision: lane
            hit_policy: FIRST
            inputs: [{ name: amount, expresion: task.amount }]
            outputs: [{ name: lane, type: text }]
            rules:
              - when: ['> 5', '< 3']
                then: [exception]
            """
        do {
            _ = try DecisionDocument(yaml: yaml)
            Issue.record("a broken table loaded")
        } catch {
            let messages = error.issues.map(\.message)
            #expect(messages.contains { $0.contains("unknown field expresion (did you mean expression?)") })
            #expect(messages.contains { $0.contains("unknown output type \"text\"") })
            #expect(messages.contains { $0.contains("this row has 2 input cells; the table has 1 input") })
        }
    }

    @Test func rowsByNameLeaveOutInputsAsAnything() throws {
        let yaml = """
            decision: lane
            hit_policy: FIRST
            inputs:
              - { name: amount, expression: task.amount }
              - { name: tier, expression: customer.tier }
            outputs: [{ name: lane, type: string }, { name: reason, type: string }]
            rules:
              - when: { amount: '> 5000', tier: '"gold"' }
                then: { lane: exception, reason: approval threshold }
              - when: {}
                then: { lane: routine, reason: '"standard"' }
            """
        let table = try DecisionDocument(yaml: yaml).table
        let gold = table.evaluate(ExpressionInput(roots: [["amount": 6200, "customer": ["tier": "gold"]]]))
        #expect(gold["lane"] == .string("exception"))
        #expect(gold["reason"] == .string("approval threshold"))
        let silver = table.evaluate(ExpressionInput(roots: [["amount": 6200, "customer": ["tier": "silver"]]]))
        #expect(silver["reason"] == .string("standard"))
    }

    @Test func exampleCasesRunAndReportWhatDiffers() throws {
        let yaml = """
            decision: lane
            hit_policy: FIRST
            inputs:
              - { name: amount, expression: task.amount }
              - { name: confidence, expression: model.intent.confidence }
            outputs: [{ name: lane, values: [exception, routine] }, { name: reason, type: string }]
            rules:
              - { when: ['> 5000', -], then: [exception, approval threshold] }
              - { when: [-, '< 0.8'], then: [exception, human review] }
              - { when: [-, -], then: [routine, standard] }
            tests:
              - name: large amount
                input: { amount: 6200 }
                expect: { lane: exception, reason: approval threshold }
              - name: unsure model
                input: { task: { amount: 10 }, model: { intent: { confidence: 0.55 } } }
                expect: { lane: exception, reason: human review }
              - name: wrong on purpose
                input: { amount: 10, model: { intent: { confidence: 0.95 } } }
                expect: { lane: exception }
            """
        let outcomes = try DecisionDocument(yaml: yaml).table.runTests()
        #expect(outcomes.map(\.passed) == [true, true, false])
        #expect(outcomes[2].mismatches == ["lane: expected \"exception\", got \"routine\""])
        #expect(outcomes[1].trace.selectedRules == [2])
    }

    @Test func theTraceShowsValuesReadAndEveryRuleThatMatched() throws {
        let yaml = """
            decision: lane
            hit_policy: FIRST
            inputs:
              - { name: amount, expression: task.amount }
              - { name: tier, expression: customer.tier }
            outputs: [{ name: lane, type: string }]
            rules:
              - { when: ['> 5000', '"gold"'], then: [exception] }
              - { when: ['> 1000', -], then: [review] }
              - { when: [-, -], then: [routine] }
            """
        let table = try DecisionDocument(yaml: yaml).table
        let (result, trace) = table.evaluateTraced(ExpressionInput(roots: [["amount": 6200, "customer": ["tier": "gold"]]]))
        #expect(result["lane"] == .string("exception"))
        #expect(trace.inputs.map(\.value) == [.number(6200), .string("gold")])
        #expect(trace.inputs.map(\.expression) == ["task.amount", "customer.tier"])
        #expect(trace.matchedRules == [1, 2, 3])
        #expect(trace.selectedRules == [1])
        #expect(trace.output("lane") == .string("exception"))
    }

    @Test func nullInputsMatchOnlyWhatAcceptsNull() throws {
        let yaml = """
            decision: tiers
            hit_policy: RULE ORDER
            inputs: [{ name: tier, expression: customer.tier }]
            outputs: [{ name: row }]
            rules:
              - { when: ['-'], then: ['1'] }
              - { when: ['null'], then: ['2'] }
              - { when: ['"gold"'], then: ['3'] }
              - { when: ['> 5'], then: ['4'] }
              - { when: ['not("gold")'], then: ['5'] }
            """
        let table = try DecisionDocument(yaml: yaml).table
        let missing = table.evaluate(ExpressionInput(roots: [["customer": [:]]]))
        #expect(missing["row"] == .list([.number(1), .number(2), .number(5)]))
        let gold = table.evaluate(ExpressionInput(roots: [["customer": ["tier": "gold"]]]))
        #expect(gold["row"] == .list([.number(1), .number(3)]))
    }
}
