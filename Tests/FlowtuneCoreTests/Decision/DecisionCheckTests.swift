import Testing

@testable import FlowtuneCore

/// The static checks a table goes through on load, on seeded overlaps, gaps and dead rules.
@Suite struct DecisionCheckTests {
    private let header = """
        decision: approval-lane
        inputs:
          - { name: amount, expression: task.amount }
          - { name: tier, expression: customer.tier, values: [gold, silver, bronze] }
        outputs:
          - { name: lane, values: [exception, routine] }

        """

    @Test func overlappingRulesUnderUniqueAreRefusedWithAnExample() {
        let yaml = header + """
            hit_policy: UNIQUE
            rules:
              - { when: ['> 5000', gold], then: [exception] }
              - { when: ['> 1000', '"gold","silver"'], then: [routine] }
              - { when: ['<= 1000', -], then: [routine] }
            """
        do {
            _ = try DecisionDocument(yaml: yaml, file: "lane.yaml")
            Issue.record("overlapping rules loaded under UNIQUE")
        } catch {
            let overlap = error.issues.first { $0.message.contains("overlap") }
            #expect(overlap?.path == "rules[0]")
            #expect(overlap?.line == 9)
            #expect(overlap?.message.contains("rules 1 and 2 overlap under UNIQUE") == true)
            #expect(overlap?.message.contains("tier = \"gold\"") == true)
        }
    }

    @Test func disjointRulesUnderUniquePass() throws {
        let yaml = header + """
            hit_policy: UNIQUE
            rules:
              - { when: ['> 5000', gold], then: [exception] }
              - { when: ['> 5000', '"silver","bronze"'], then: [routine] }
              - { when: ['<= 5000', -], then: [routine] }
            """
        let document = try DecisionDocument(yaml: yaml)
        #expect(document.warnings.isEmpty)
    }

    @Test func gapsOverEnumerableInputsAreWarnedWithAWitness() throws {
        let yaml = header + """
            hit_policy: UNIQUE
            rules:
              - { when: ['> 5000', gold], then: [exception] }
              - { when: ['<= 5000', -], then: [routine] }
              - { when: ['> 5000', silver], then: [routine] }
            """
        let document = try DecisionDocument(yaml: yaml)
        let gaps = document.warnings.filter { $0.message.hasPrefix("no rule matches") }
        #expect(gaps.count == 1)
        #expect(gaps.first?.message.contains("tier = \"bronze\"") == true)
        #expect(gaps.first?.message.contains("amount = ") == true)
    }

    @Test func aDefaultOutputMeansNoGap() throws {
        let yaml = """
            decision: approval-lane
            hit_policy: UNIQUE
            inputs:
              - { name: tier, expression: customer.tier, values: [gold, silver, bronze] }
            outputs:
              - { name: lane, values: [exception, routine], default: routine }
            rules:
              - { when: [gold], then: [exception] }
            """
        #expect(try DecisionDocument(yaml: yaml).warnings.isEmpty)
    }

    @Test func numericGapsAreFoundBetweenIntervals() throws {
        let yaml = """
            decision: bands
            hit_policy: UNIQUE
            inputs: [{ name: age }]
            outputs: [{ name: band, type: string }]
            rules:
              - { when: ['[0..20)'], then: [young] }
              - { when: ['(20..60]'], then: [middle] }
              - { when: ['> 60'], then: [old] }
            """
        let document = try DecisionDocument(yaml: yaml)
        let messages = document.warnings.map(\.message)
        // 20 itself is in neither interval; below zero too.
        #expect(messages.contains { $0.contains("age = 20") })
        #expect(messages.contains { $0.contains("age = -") })
    }

    @Test func rulesShadowedUnderFirstAreWarned() throws {
        let yaml = header + """
            hit_policy: FIRST
            rules:
              - { when: ['> 1000', -], then: [routine] }
              - { when: ['<= 1000', -], then: [routine] }
              - { when: ['> 5000', gold], then: [exception] }
            """
        let document = try DecisionDocument(yaml: yaml)
        let dead = document.warnings.filter { $0.message.contains("can never fire") }
        #expect(dead.count == 1)
        #expect(dead.first?.path == "rules[2]")
        #expect(dead.first?.message.contains("rules 1") == true)
    }

    @Test func aRuleCoveredOnlyByTwoEarlierRulesTogetherIsFound() throws {
        let yaml = header + """
            hit_policy: FIRST
            rules:
              - { when: ['> 1000', gold], then: [routine] }
              - { when: ['> 1000', 'not("gold")'], then: [routine] }
              - { when: ['> 5000', -], then: [exception] }
              - { when: [-, -], then: [routine] }
            """
        let dead = try DecisionDocument(yaml: yaml).warnings.filter { $0.message.contains("can never fire") }
        #expect(dead.map(\.path) == ["rules[2]"])
    }

    @Test func aRuleWithAnEmptyCellIsWarned() throws {
        let yaml = """
            decision: bands
            hit_policy: FIRST
            inputs: [{ name: age }]
            outputs: [{ name: band, type: string }]
            rules:
              - { when: ['[60..20]'], then: [never] }
              - { when: ['-'], then: [any] }
            """
        let warnings = try DecisionDocument(yaml: yaml).warnings
        #expect(warnings.contains { $0.path == "rules[0]" && $0.message.contains("matches no value") })
    }

    @Test func aLiteralOutsideTheDeclaredValuesIsCalledOut() throws {
        let yaml = header + """
            hit_policy: FIRST
            rules:
              - { when: ['> 5000', platinum], then: [exception] }
              - { when: [-, -], then: [routine] }
            """
        // `platinum` is not listed, so it reads as a path; quoted, it is a value the input never takes.
        let quoted = yaml.replacingOccurrences(of: "platinum", with: "'\"platinum\"'")
        let warnings = try DecisionDocument(yaml: quoted).warnings
        #expect(warnings.contains { $0.message.contains("never takes the value \"platinum\"") })
    }

    @Test func anOutputOutsideItsListIsAnError() {
        let yaml = header + """
            hit_policy: FIRST
            rules:
              - { when: [-, -], then: ['"escalate"'] }
            """
        #expect(throws: DefinitionError.self) { try DecisionDocument(yaml: yaml) }
    }
}
