import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Definition errors")
struct DefinitionErrorTests {
    typealias Fixtures = DefinitionFixtures

    @Test("malformed YAML is reported at the position the parser gives")
    func malformedYAML() throws {
        let issues = Fixtures.issues(in: """
            queues:
              - id: tier1
                name: a: b
            """)
        let issue = try #require(issues.only)
        #expect((issue.file, issue.line, issue.column, issue.path) == ("test.yaml", 3, 12, ""))
        #expect(issue.message.hasPrefix("invalid YAML: mapping values are not allowed"))
        #expect(issue.description.hasPrefix("test.yaml:3:12: invalid YAML:"))
    }

    @Test("a field written twice in one mapping is malformed YAML")
    func duplicateKey() throws {
        let issues = Fixtures.issues(in: """
            queues:
              - id: tier1
                priority: 2
                priority: 3
            """)
        #expect(issues == [Fixtures.issue(3, 5, "", "invalid YAML: priority is written more than once in the same mapping")])
    }

    @Test("unknown fields name the closest known field, or list them all")
    func unknownFields() {
        let issues = Fixtures.issues(in: """
            queue:
              - id: tier1
            queues:
              - id: tier1
                priorty: 2
                colour: red
            """)
        #expect(issues == [
            Fixtures.issue(1, 1, "queue", "unknown field queue (did you mean queues?)"),
            Fixtures.issue(5, 5, "queues[0].priorty", "unknown field priorty (did you mean priority?)"),
            Fixtures.issue(
                6, 5, "queues[0].colour",
                "unknown field colour; expected one of: id, name, priority, service_level, offer_timeout, requirement, relaxation"),
        ])
    }

    @Test("camelCase field names point to their snake_case spelling")
    func camelCase() {
        let issues = Fixtures.issues(in: """
            workers:
              - id: ana
                costPerHour: 30
            """)
        #expect(issues == [Fixtures.issue(3, 5, "workers[0].costPerHour", "unknown field costPerHour (did you mean cost_per_hour?)")])
    }

    @Test("values of the wrong type say what was expected and what was found")
    func wrongTypes() {
        let issues = Fixtures.issues(in: """
            queues:
              - id: tier1
                priority: high
                requirement:
                  skills: [billing]
                  certifications: pci
                service_level: { percent: lots, within: 5m }
            workers:
              - id: ana
                cost_per_hour: "32"
                skills: { billing: 7.5 }
            workflows: nope
            """)
        #expect(issues == [
            Fixtures.issue(3, 15, "queues[0].priority", #"expected a whole number, found "high""#),
            Fixtures.issue(
                5, 15, "queues[0].requirement.skills",
                "expected a map of skill to minimum level, such as { billing: 5 }, found a list"),
            Fixtures.issue(6, 23, "queues[0].requirement.certifications", #"expected a list such as [a, b], found "pci""#),
            Fixtures.issue(7, 31, "queues[0].service_level.percent", #"expected a number, found "lots""#),
            Fixtures.issue(10, 20, "workers[0].cost_per_hour", #"expected a number, found "32""#),
            Fixtures.issue(11, 24, "workers[0].skills.billing", "expected a whole number, found 7.5"),
            Fixtures.issue(12, 12, "workflows", #"expected a list of workflows, found "nope""#),
        ])
    }

    @Test("an item that is not a mapping is reported and the items after it keep their index")
    func itemNotAMapping() {
        let issues = Fixtures.issues(in: """
            queues:
              - tier1
              - id: tier2
                priority: 0
            """)
        #expect(issues == [
            Fixtures.issue(2, 5, "queues[0]", #"expected a queue (a mapping of fields), found "tier1""#),
            Fixtures.issue(4, 15, "queues[1].priority", "must be 1 (most urgent) to 9, not 0"),
        ])
    }

    @Test("missing required fields are reported at the mapping that lacks them")
    func missingRequiredFields() {
        let issues = Fixtures.issues(in: """
            queues:
              - id: tier1
              - name: Unnamed
            workers:
              - id: ana
            workflows:
              - id: support
                steps:
                  - id: triage
                    ownership:
                      backup_owner: ana
                  - queue: tier1
                    name: Second
            """)
        let ownership = "workflows[0].steps[0].ownership"
        #expect(issues == [
            Fixtures.issue(3, 5, "queues[1].id", "missing required field id"),
            Fixtures.issue(9, 9, "workflows[0].steps[0].queue", "missing required field queue"),
            Fixtures.issue(10, 9, "\(ownership).source_system", "missing required field source_system"),
            Fixtures.issue(10, 9, "\(ownership).decision_owner", "missing required field decision_owner"),
            Fixtures.issue(10, 9, "\(ownership).response_window", "missing required field response_window"),
            Fixtures.issue(12, 9, "workflows[0].steps[1].id", "missing required field id"),
            Fixtures.issue(12, 9, "workflows[0].steps[1].ownership", "missing required field ownership"),
        ])
    }

    @Test("a required field written without a value, or with an empty one, is pointed at")
    func emptyRequiredFields() {
        let issues = Fixtures.issues(in: """
            queues:
              - id: tier1
            workflows:
              - id: support
                steps:
                  - id: triage
                    queue:
                    ownership:
                      source_system: zendesk
                      decision_owner: ""
                      response_window: 15m
            """)
        #expect(issues == [
            Fixtures.issue(7, 9, "workflows[0].steps[0].queue", "queue has no value"),
            Fixtures.issue(10, 27, "workflows[0].steps[0].ownership.decision_owner", "step triage has no decision owner"),
        ])
    }

    @Test("a value the reader rejects is not reported again by the checks that follow")
    func noCascade() {
        let yaml = Fixtures.minimal.replacingOccurrences(of: "response_window: 15m", with: "response_window: 15x")
        #expect(Fixtures.issues(in: yaml) == [
            Fixtures.issue(
                13, 28, "workflows[0].steps[0].ownership.response_window",
                #""15x" is not a duration; write it like 90s, 15m, 4h, 1h30m or 2d"#)
        ])
    }

    @Test("unknown enumeration values list the choices or suggest the closest")
    func unknownEnumerationValues() {
        let issues = Fixtures.issues(in: """
            workspace:
              routing_policy: fastest
            workers:
              - id: ana
                kind: robot
                status: busy
            queues:
              - id: tier1
            workflows:
              - id: support
                steps:
                  - id: triage
                    queue: tier1
                    ownership:
                      source_system: zendesk
                      decision_owner: lead
                      response_window: 15m
                      missing_evidence: refuze
            """)
        #expect(issues == [
            Fixtures.issue(
                2, 19, "workspace.routing_policy",
                #"unknown routing policy "fastest"; expected round-robin, longest-idle, skill-score, predictive or optimal-batch"#),
            Fixtures.issue(5, 11, "workers[0].kind", #"unknown worker kind "robot"; expected human or automation"#),
            Fixtures.issue(6, 13, "workers[0].status", #"unknown worker status "busy"; expected available, away or offline"#),
            Fixtures.issue(
                18, 29, "workflows[0].steps[0].ownership.missing_evidence",
                #"unknown missing-evidence policy "refuze" (did you mean refuse?)"#),
        ])
    }

    @Test("ids defined twice in one file are reported at the second, naming the line of the first")
    func duplicateIDs() {
        let issues = Fixtures.issues(in: """
            queues:
              - id: tier1
              - id: tier1
            workers:
              - id: ana
              - id: ana
            workflows:
              - id: support
                steps:
                  - id: triage
                    queue: tier1
                    ownership: { source_system: zendesk, decision_owner: lead, response_window: 15m }
                  - id: triage
                    queue: tier1
                    ownership: { source_system: zendesk, decision_owner: lead, response_window: 15m }
              - id: support
                steps:
                  - id: only
                    queue: tier1
                    ownership: { source_system: zendesk, decision_owner: lead, response_window: 15m }
            """)
        #expect(issues == [
            Fixtures.issue(3, 9, "queues[1].id", "queue tier1 is already defined at line 2"),
            Fixtures.issue(6, 9, "workers[1].id", "worker ana is already defined at line 5"),
            Fixtures.issue(13, 13, "workflows[0].steps[1].id", "step triage is already defined at line 10"),
            Fixtures.issue(16, 9, "workflows[1].id", "workflow support is already defined at line 8"),
        ])
    }

    @Test("references to unknown queues and steps suggest the closest known id")
    func unknownReferences() {
        let issues = Fixtures.issues(in: """
            queues:
              - id: tier1
              - id: tier2
            workers:
              - id: ana
            workflows:
              - id: support
                steps:
                  - id: triage
                    queue: tier3
                    ownership: { source_system: zendesk, decision_owner: lead, response_window: 15m }
                    next: resolv
                  - id: resolve
                    queue: billing
                    ownership: { source_system: zendesk, decision_owner: lead, response_window: 15m }
                    next: { solved: end, escalate: tier2 }
            """)
        #expect(issues == [
            Fixtures.issue(10, 16, "workflows[0].steps[0].queue", "unknown queue tier3 (did you mean tier1?)"),
            Fixtures.issue(12, 15, "workflows[0].steps[0].next", "unknown step resolv (did you mean resolve?)"),
            Fixtures.issue(14, 16, "workflows[0].steps[1].queue", "unknown queue billing"),
            Fixtures.issue(16, 40, "workflows[0].steps[1].next.escalate", "unknown step tier2"),
        ])
    }

    @Test("a skill no worker has at any level is an unknown skill")
    func unknownSkills() throws {
        let queues = """
            queues:
              - id: tier1
                requirement:
                  skills: { billng: 5 }
                relaxation:
                  - after: 2m
                    skills: { tech: 3 }
            """
        let issues = Fixtures.issues(in: queues + """

            workers:
              - id: ana
                skills: { billing: 7 }
            """)
        #expect(issues == [
            Fixtures.issue(
                4, 17, "queues[0].requirement.skills.billng", "no worker has skill billng at any level (did you mean billing?)"),
            Fixtures.issue(7, 19, "queues[0].relaxation[0].skills.tech", "no worker has skill tech at any level"),
        ])
        // Without workers in the files, the staff is registered elsewhere and skills cannot be judged.
        #expect(try WorkspaceDefinition(yaml: queues).queues.count == 1)
    }

    @Test("every validator problem is mapped back to the line it comes from")
    func validatorIssuesAreLocated() {
        let issues = Fixtures.issues(in: """
            queues:
              - id: tier1
                priority: 12
                service_level: { percent: 120, within: 0s }
                relaxation:
                  - after: 10m
                    skills: { billing: 2 }
                  - after: 0s
                    skills: { billing: 11 }
              - id: vip
                requirement: { certifications: [gold] }
            workers:
              - id: ana
                skills: { billing: 12 }
                channels: { chat: -1 }
                cost_per_hour: -3
            workflows:
              - id: support
                steps:
                  - id: triage
                    queue: tier1
                    ownership:
                      source_system: zendesk
                      decision_owner: lead
                      response_window: 15m
                      escalation:
                        - reassign: backup
                    next: { done: end, vip: vip }
                  - id: vip
                    queue: vip
                    ownership: { source_system: crm, decision_owner: vip-lead, response_window: 5m }
                    next: vip
                  - id: orphan
                    queue: tier1
                    ownership: { source_system: crm, decision_owner: lead, response_window: 5m }
            """)
        let steps = "workflows[0].steps"
        #expect(issues == [
            Fixtures.issue(3, 15, "queues[0].priority", "must be 1 (most urgent) to 9, not 12"),
            Fixtures.issue(4, 31, "queues[0].service_level.percent", "must be 0 to 100"),
            Fixtures.issue(4, 44, "queues[0].service_level.within", "must be longer than zero"),
            // The queue keeps its stages in order of time, so the one written second is its first.
            Fixtures.issue(8, 16, "queues[0].relaxation[1].after", "must be longer than zero"),
            Fixtures.issue(9, 19, "queues[0].relaxation[1].skills.billing", "skill levels run from 0 to 10, not 11"),
            Fixtures.issue(14, 15, "workers[0].skills.billing", "skill levels run from 0 to 10, not 12"),
            Fixtures.issue(15, 17, "workers[0].channels.chat", "capacity cannot be negative"),
            Fixtures.issue(16, 20, "workers[0].cost_per_hour", "must be zero or more"),
            Fixtures.issue(22, 9, "\(steps)[0].ownership.backup_owner", "step triage escalates to its backup owner but names none"),
            Fixtures.issue(30, 16, "\(steps)[1].queue", "no worker can ever serve queue vip used by step vip"),
            Fixtures.issue(32, 15, "\(steps)[1].next", "step vip is in a cycle with no exit: no outcome ever leads to the end"),
            Fixtures.issue(33, 9, "\(steps)[2]", "step orphan cannot be reached from triage"),
        ])
    }

    @Test("an escalation stage takes exactly one action, and reassign only to the backup owner")
    func escalationStages() {
        let issues = Fixtures.issues(in: """
            queues:
              - id: tier1
            workflows:
              - id: support
                steps:
                  - id: triage
                    queue: tier1
                    ownership:
                      source_system: zendesk
                      decision_owner: lead
                      backup_owner: ana
                      response_window: 15m
                      escalation:
                        - {}
                        - notify: lead
                          exception: late
                        - after: 10m
                          reassign: manager
            """)
        let escalation = "workflows[0].steps[0].ownership.escalation"
        #expect(issues == [
            Fixtures.issue(
                14, 15, "\(escalation)[0]", "an escalation stage needs an action: notify, raise_priority, reassign or exception"),
            Fixtures.issue(
                16, 26, "\(escalation)[1].exception",
                "a stage takes one action, and this one already has notify; split it into two stages"),
            Fixtures.issue(
                18, 25, "\(escalation)[2].reassign", #"reassign takes backup (the step's backup owner), not "manager""#),
        ])
    }

    @Test("end cannot name a step")
    func endIsReserved() {
        let issues = Fixtures.issues(in: """
            queues:
              - id: tier1
            workflows:
              - id: support
                steps:
                  - id: end
                    queue: tier1
                    ownership: { source_system: zendesk, decision_owner: lead, response_window: 15m }
            """)
        #expect(issues == [
            Fixtures.issue(6, 13, "workflows[0].steps[0].id", "end marks the end of a workflow and cannot name a step; choose another id")
        ])
    }

    @Test("settings out of range are reported")
    func settingsOutOfRange() {
        let issues = Fixtures.issues(in: """
            workspace:
              explained_candidates: 0
              exception_due: 0s
            """)
        #expect(issues == [
            Fixtures.issue(2, 25, "workspace.explained_candidates", "must be at least 1, not 0"),
            Fixtures.issue(3, 18, "workspace.exception_due", "must be longer than zero"),
        ])
    }

    @Test("the error reads one issue per line as file:line:column: path: message")
    func description() {
        let error = DefinitionError(issues: [
            Fixtures.issue(3, 15, "queues[0].priority", "must be 1 (most urgent) to 9, not 12"),
            Fixtures.issue(4, 1, "", "invalid YAML: found character that cannot start any token"),
        ])
        #expect(error.description == """
            test.yaml:3:15: queues[0].priority: must be 1 (most urgent) to 9, not 12
            test.yaml:4:1: invalid YAML: found character that cannot start any token
            """)
        #expect(error.issues[0].location == FileLocation(file: "test.yaml", line: 3, column: 15))
    }
}

extension Collection {
    /// The single element, or nil when there are none or several.
    fileprivate var only: Element? { count == 1 ? first : nil }
}
