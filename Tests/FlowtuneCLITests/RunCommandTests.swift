import FlowtuneCore
import FlowtuneEngine
import FlowtuneStore
import Foundation
import Testing

@testable import FlowtuneCLI

@Suite("flowtune run")
struct RunCommandTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { repository.appendingPathComponent(relative).path }

    /// Plays the support-desk example through an engine on an in-memory store.
    static func playSupportDesk() async throws -> (report: Runner.Report, state: WorkspaceState, log: [Event]) {
        let definition = try ValidateCommand.loadDefinition(paths: [path("examples/support-desk/workspace.yaml")])
        let file = try TaskFile.read(path: path("examples/support-desk/tasks.jsonl"))
        let store = try SQLiteEventStore.inMemory()
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_767_603_600))
        let engine = try await WorkspaceEngine.open("run", store: store, clock: clock)
        for command in definition.commands { try await engine.submit(command, actor: "test") }
        let report = try await Runner().run(file, engine: engine, clock: clock)
        let log = try await store.read("run", after: 0, limit: .max).map(\.event)
        return (report, await engine.currentState, log)
    }

    @Test("the support desk example: every task is created, decisions explained, the log folds to the live state")
    func supportDesk() async throws {
        let (report, state, log) = try await Self.playSupportDesk()
        #expect(report.created == 60)
        #expect(!report.assignments.isEmpty)
        for assignment in report.assignments where assignment.decision.direction == .taskToWorker {
            #expect(assignment.decision.candidates.first?.id == assignment.worker.rawValue, "\(assignment.decision)")
        }
        // Tickets without a resolution end in the exception lane, owned by the support lead.
        #expect(state.exceptionLane.contains { $0.exception?.owner == "support-lead" && $0.exception?.reason.contains("resolution") == true })
        // Two tier-2 completions lack a root cause and are refused with the field named.
        #expect(report.refusals.filter { $0.error.field == "evidence.root_cause" }.count == 2)
        #expect(WorkspaceState.fold(log) == state)
        var metrics = WorkspaceMetrics()
        for event in log { metrics.record(event) }
        #expect(metrics.workflows["support"]?.created == 60)
        #expect((metrics.workflows["support"]?.completed ?? 0) + state.tasks.count == 60)
    }

    @Test("the same files give the same run")
    func deterministic() async throws {
        let first = try await Self.playSupportDesk()
        let second = try await Self.playSupportDesk()
        #expect(first.log == second.log)
    }

    @Test("task files: JSON Lines problems name the line and field")
    func jsonLinesProblems() throws {
        #expect {
            try TaskFile.parseJSONLines(#"{"workflow": "support"}\#n{"workflow": "support", "prio": 3}"#, path: "t.jsonl")
        } throws: { error in
            let problem = error as? TaskFile.Problem
            return problem?.line == 2 && problem?.field == "prio"
        }
        #expect {
            try TaskFile.parseJSONLines(#"{"workflow": "support", "priority": 11}"#, path: "t.jsonl")
        } throws: { ($0 as? TaskFile.Problem)?.field == "priority" }
        #expect {
            try TaskFile.parseJSONLines("\n\n{\"workflow\": ", path: "t.jsonl")
        } throws: { ($0 as? TaskFile.Problem)?.line == 3 }
        #expect {
            try TaskFile.parseJSONLines(#"{"workflow": "support", "at": "next tuesday"}"#, path: "t.jsonl")
        } throws: { ($0 as? TaskFile.Problem)?.field == "at" }
    }

    @Test("task files: CSV with quoted fields, attribute and evidence columns, and located problems")
    func csv() throws {
        let text = """
            id,workflow,at,priority,outcomes,attributes.note,evidence.resolution
            A-1,support,90s,2,done;solved,"said ""hi"", twice",refund
            A-2,support,2m,,,,
            """
        let file = try TaskFile.parseCSV(text, path: "t.csv")
        #expect(file.entries.count == 2)
        #expect(file.entries[0].request.attributes["note"]?.stringValue == #"said "hi", twice"#)
        #expect(file.entries[0].outcomes == ["done", "solved"])
        #expect(file.entries[0].evidence["resolution"] == "refund")
        #expect(file.entries[0].offset == 90)
        #expect(file.entries[1].request.priority == 5)
        #expect {
            try TaskFile.parseCSV("id,workflow\nA-1,support,extra\n", path: "t.csv")
        } throws: { ($0 as? TaskFile.Problem)?.line == 2 }
        #expect {
            try TaskFile.parseCSV("id,workflow\n\"A-1,support\n", path: "t.csv")
        } throws: { ($0 as? TaskFile.Problem)?.message.contains("never closed") == true }
    }
}
