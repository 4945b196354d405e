import FlowtuneCore
import FlowtuneEngine
import FlowtuneStore
import Foundation
import Testing

@testable import FlowtuneCLI

@Suite("flowtune decide and the claims example")
struct DecideCommandTests {
    static func path(_ relative: String) -> String { RunCommandTests.path(relative) }

    static let claimFiles = ["workspace.yaml", "claim-lane.yaml", "claim-routing.yaml"].map { path("examples/claims/\($0)") }

    @Test("the example tables load without warnings and pass their examples")
    func exampleTables() throws {
        for file in Self.claimFiles.dropFirst() {
            let document = try #require(DecideCommand.load(file))
            #expect(document.warnings.isEmpty, "\(document.warnings)")
            let outcomes = document.table.runTests()
            #expect(!outcomes.isEmpty)
            let failed = outcomes.filter { !$0.passed }
            #expect(failed.isEmpty, "\(failed)")
        }
    }

    @Test("validate counts the decisions among the definition files")
    func validateSummary() throws {
        let definition = try ValidateCommand.loadDefinition(paths: Self.claimFiles)
        #expect(ValidateCommand.summary(of: definition) == "ok: 1 workflow, 3 queues, 4 workers, 2 decisions")
    }

    @Test("eval reads task members at the top level and prints the trace")
    func eval() throws {
        let roots = try DecideCommand.roots(from: #"{"amount": 7200, "customer": {"tier": "gold"}, "model": {"intent": {"confidence": 0.97}}}"#)
        #expect(roots["task"] == ["amount": 7200, "customer": ["tier": "gold"]])
        let table = try #require(DecideCommand.load(Self.claimFiles[1])).table
        let input = ExpressionInput(roots: ExpressionScope.decision.roots.map { roots[$0] ?? .null })
        let text = DecideCommand.render(table.evaluateTraced(input).trace)
        #expect(text.contains("selected: rule 1"))
        #expect(text.contains("lane       = \"exception\""))
        #expect(throws: DecideCommand.InputError.self) { try DecideCommand.roots(from: "[1, 2]") }
    }

    @Test("the claims run: decisions pick lanes, queues and evidence, and the log folds to the live state")
    func claimsRun() async throws {
        let definition = try ValidateCommand.loadDefinition(paths: Self.claimFiles)
        let file = try TaskFile.read(path: Self.path("examples/claims/claims.jsonl"))
        let store = try SQLiteEventStore.inMemory()
        let clock = ManualClock(start: Date(timeIntervalSince1970: 1_767_603_600))
        let engine = try await WorkspaceEngine.open("claims", store: store, clock: clock)
        for command in definition.commands { try await engine.submit(command, actor: "test") }
        let report = try await Runner().run(file, engine: engine, clock: clock)
        let log = try await store.read("claims", after: 0, limit: .max).map(\.event)
        let state = await engine.currentState
        #expect(report.created == 30)

        let applied = log.compactMap { event -> DecisionApplication? in
            if case .decisionApplied(let application) = event.payload { application } else { nil }
        }
        // Both tables decide every claim as it enters assessment, each at version 1, unless the
        // lane table sent it to the exception lane first.
        #expect(Set(applied.map(\.trace.decision)) == ["claim-lane", "claim-routing"])
        let versions = Set(applied.map { $0.trace.version })
        #expect(versions == [1])
        let exceptions = state.exceptionLane
        #expect(exceptions.contains { $0.exception?.reason == "approval threshold" && $0.exception?.owner == "finance-lead" })
        #expect(exceptions.contains { $0.exception?.reason == "human review" && $0.exception?.owner == "intake-lead" })
        for task in exceptions {
            let lane = applied.first { $0.task == task.id && $0.trace.decision == "claim-lane" }
            #expect(lane?.trace.output("lane") == .string("exception"))
        }
        // Large home claims were assessed by property specialists only.
        let property = applied.filter { $0.queue == "property" }.map(\.task)
        #expect(!property.isEmpty)
        for task in property {
            let first = report.assignments.first { $0.task == task }
            if let first { #expect(["amara", "chen"].contains(first.worker), "\(task) went to \(first.worker)") }
        }
        #expect(WorkspaceState.fold(log) == state)
    }
}
