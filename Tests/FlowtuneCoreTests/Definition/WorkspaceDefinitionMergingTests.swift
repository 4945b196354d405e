import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Merging definition files")
struct WorkspaceDefinitionMergingTests {
    typealias Fixtures = DefinitionFixtures

    static let queues = DefinitionSource(file: "queues.yaml", text: """
        workspace:
          routing_policy: longest-idle
        queues:
          - id: tier1
          - id: tier2
        """)

    static let staff = DefinitionSource(file: "staff.yaml", text: """
        workers:
          - id: ana
          - id: ben
        """)

    static let workflows = DefinitionSource(file: "workflows.yaml", text: """
        workflows:
          - id: support
            steps:
              - id: triage
                queue: tier1
                ownership: { source_system: zendesk, decision_owner: lead, response_window: 15m }
                next: { solved: end, escalate: specialist }
              - id: specialist
                queue: tier2
                ownership: { source_system: jira, decision_owner: eng, response_window: 1h }
        """)

    @Test("a workflow may use queues another file defines; order follows the files")
    func crossFileReferences() throws {
        let definition = try WorkspaceDefinition.load([Self.workflows, Self.queues, Self.staff])
        #expect(definition.queues.map(\.id) == ["tier1", "tier2"])
        #expect(definition.workers.map(\.id) == ["ana", "ben"])
        #expect(definition.workflows.map(\.id) == ["support"])
        #expect(definition.settings.routingPolicy == .longestIdle)
    }

    @Test("merging documents read one by one gives the same definition as loading the files")
    func mergingDocuments() throws {
        let documents = try [Self.queues, Self.staff, Self.workflows].map { source throws(DefinitionError) in
            try WorkspaceDocument(yaml: source.text, file: source.file)
        }
        #expect(try WorkspaceDefinition(merging: documents) == WorkspaceDefinition.load([Self.queues, Self.staff, Self.workflows]))
    }

    @Test("a workflow file on its own refers to queues it does not know")
    func missingFile() {
        let issues = Fixtures.issues(in: [Self.workflows])
        #expect(issues.map(\.path) == ["workflows[0].steps[0].queue", "workflows[0].steps[1].queue"])
        #expect(issues.allSatisfy { $0.file == "workflows.yaml" })
    }

    @Test("an id defined again in a later file is reported in that file, naming the first")
    func duplicatesAcrossFiles() {
        let more = DefinitionSource(file: "more.yaml", text: """
            queues:
              - id: tier3
              - id: tier2
            workers:
              - id: ben
            """)
        let issues = Fixtures.issues(in: [Self.queues, Self.staff, more])
        #expect(issues == [
            Fixtures.issue(3, 9, "queues[1].id", "queue tier2 is already defined in queues.yaml at line 5", file: "more.yaml"),
            Fixtures.issue(5, 9, "workers[0].id", "worker ben is already defined in staff.yaml at line 3", file: "more.yaml"),
        ])
    }

    @Test("files may repeat a setting but not contradict one another")
    func settings() throws {
        let same = DefinitionSource(file: "same.yaml", text: "workspace:\n  routing_policy: longest-idle\n")
        #expect(try WorkspaceDefinition.load([Self.queues, same]).settings.routingPolicy == .longestIdle)

        let other = DefinitionSource(file: "other.yaml", text: "workspace:\n  exception_due: 2h\n  routing_policy: round-robin\n")
        #expect(Fixtures.issues(in: [Self.queues, other]) == [
            Fixtures.issue(
                3, 19, "workspace.routing_policy", "routing_policy is already set to longest-idle in queues.yaml at line 2",
                file: "other.yaml")
        ])
    }

    @Test("problems in several files are all reported, file by file")
    func problemsInSeveralFiles() {
        let first = DefinitionSource(file: "a.yaml", text: "queues:\n  - id: tier1\n    priority: 10\n")
        let second = DefinitionSource(file: "b.yaml", text: "workers:\n  - id: ana\n    kind: person\n")
        #expect(Fixtures.issues(in: [first, second]).map(\.description) == [
            "a.yaml:3:15: queues[0].priority: must be 1 (most urgent) to 9, not 10",
            #"b.yaml:3:11: workers[0].kind: unknown worker kind "person"; expected human or automation"#,
        ])
    }

    @Test("while one file is not YAML, the others are still checked on their own")
    func malformedFileAmongOthers() {
        let broken = DefinitionSource(file: "queues.yaml", text: "queues:\n  - id: [tier1\n")
        let workers = DefinitionSource(file: "staff.yaml", text: "workers:\n  - id: ana\n    skills: { billing: 11 }\n    colour: red\n")
        let issues = Fixtures.issues(in: [broken, Self.workflows, workers])
        #expect(issues.map(\.file) == ["queues.yaml", "staff.yaml", "staff.yaml"])
        #expect(issues[0].message.hasPrefix("invalid YAML:"))
        // No "unknown queue" in workflows.yaml: its queues are in the file that could not be read.
        #expect(issues[1...].map(\.path) == ["workers[0].skills.billing", "workers[0].colour"])
    }

    @Test("a document's source map finds a field, or the nearest field around it")
    func sourceMap() throws {
        let document = try WorkspaceDocument(yaml: Self.workflows.text, file: Self.workflows.file)
        #expect(document.file == "workflows.yaml")
        let map = document.sourceMap
        #expect(map.location(of: "workflows[0].steps[1].queue") == FileLocation(file: "workflows.yaml", line: 9, column: 16))
        #expect(map.location(of: "workflows[0].steps[0].next.escalate") == FileLocation(file: "workflows.yaml", line: 7, column: 40))
        // Never written: located at the nearest enclosing field.
        #expect(map.location(of: "workflows[0].steps[1].ownership.backup_owner") == map.location(of: "workflows[0].steps[1].ownership"))
        #expect(map.location(of: "workflows[0].steps[1].ownership").line == 10)
        #expect(!map.contains("workflows[0].steps[1].next"))
        #expect(map.location(of: "nothing.here") == FileLocation(file: "workflows.yaml", line: 1, column: 1))
    }

    @Test("a document alone is checked for structure, not for references")
    func documentChecksStructureOnly() throws {
        #expect(try WorkspaceDocument(yaml: Self.workflows.text, file: "w.yaml").definition.workflows.count == 1)
        #expect(throws: DefinitionError.self) {
            try WorkspaceDocument(yaml: "queues:\n  - id: a\n    prio: 1\n", file: "q.yaml")
        }
    }
}
