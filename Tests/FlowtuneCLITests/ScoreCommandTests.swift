import FlowtuneCore
import FlowtuneEngine
import FlowtuneMining
import FlowtuneStore
import Foundation
import Testing

@testable import FlowtuneCLI

@Suite("flowtune score and review")
struct ScoreCommandTests {
    static let receipt = RunCommandTests.repository.deletingLastPathComponent().appendingPathComponent("shared/data/receipt.csv").path
    static let example = RunCommandTests.path("examples/handoff-scorecard")

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-score-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("the example scorecard of receipt.csv: every hand-off ranked, eight criteria each, the report files written")
    func exampleScorecard() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("scorecard.csv").path
        let html = directory.appendingPathComponent("scorecard.html").path
        let command = try ScoreCommand.Rank.parse([
            Self.receipt, "--mapping", "\(Self.example)/receipt-mapping.yaml", "--config", "\(Self.example)/scorecard.yaml",
            "--csv", csv, "--html", html,
        ])
        try await command.run()

        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = try #require(rows.first).split(separator: ",").map(String.init)
        #expect(header.contains("customer_impact") && header.contains("improvement_evidence"))
        let activityRows = rows.dropFirst().filter { $0.hasPrefix("activity,") }
        // receipt.csv has 99 distinct directly-follows pairs; each is one ranked hand-off.
        #expect(activityRows.count == 99)
        #expect(activityRows.first?.hasPrefix("activity,1,") == true)
        let scores = try activityRows.map { row in try #require(Double(CSVRows.parse(row)[0].cells[4])) }
        #expect(scores == scores.sorted(by: >), "ranked by total, highest first")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<svg") && page.contains("heat map") && page.contains("T05 Print and send confirmation of receipt"))
    }

    @Test("score compare tests two periods of receipt.csv and writes each measure's verdict")
    func compare() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("compare.csv").path
        let command = try ScoreCommand.Compare.parse([
            Self.receipt, "--config", "\(Self.example)/scorecard.yaml", "--before", "2010-01-01..2011-10-31",
            "--after", "2011-11-01..", "--handoff", "T02 Check confirmation of receipt -> T04 Determine confirmation of receipt",
            "--csv", csv,
        ])
        try await command.run()
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst()
        #expect(rows.map { String($0.prefix { $0 != "," }) } == OutcomeMeasure.allCases.map(\.rawValue))
        #expect(rows.allSatisfy { $0.hasSuffix(",improved") || $0.hasSuffix(",worse") || $0.contains("no significant change") || $0.contains("insufficient data") })
    }

    @Test("review groups receipt.csv by channel, one report per channel")
    func review() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("review.csv").path
        let command = try ReviewCommand.parse([
            Self.receipt, "--mapping", "\(Self.example)/receipt-mapping.yaml", "--group-by", "case:channel",
            "--week", "2011-W48", "--weeks", "6", "--csv", csv,
        ])
        try await command.run()
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").dropFirst()
        let channels = Set(rows.map { String($0.prefix { $0 != "," }) })
        #expect(channels.isSuperset(of: ["Internet", "Desk", "Post"]))
        #expect(rows.contains { $0.contains(",2011-W48,") })
    }

    @Test("a malformed export is refused with its file, line and column, and nothing half-read is scored")
    func malformedCSV() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("broken.csv")
        try "case_id,activity,timestamp\nc1,Register,2024-01-01T10:00:00Z\nc1,Check,not-a-time\n".write(to: file, atomically: true, encoding: .utf8)
        let input = try MiningInput.parse([file.path])
        await #expect {
            _ = try await input.load()
        } throws: { error in
            guard let error = error as? MiningError else { return false }
            return error.line == 3 && error.column == 3 && error.field == "timestamp"
        }
    }

    @Test("Flowtune's own event store is read as a history: tasks are cases, steps are activities")
    func ownEventStore() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("flowtune.sqlite").path
        let definition = try ValidateCommand.loadDefinition(paths: [RunCommandTests.path("examples/support-desk/workspace.yaml")])
        let file = try TaskFile.read(path: RunCommandTests.path("examples/support-desk/tasks.jsonl"))
        do {
            let store = try SQLiteEventStore(path: path)
            let clock = ManualClock(start: Date(timeIntervalSince1970: 1_767_603_600))
            let engine = try await WorkspaceEngine.open("desk", store: store, clock: clock)
            for command in definition.commands { try await engine.submit(command, actor: "test") }
            _ = try await Runner().run(file, engine: engine, clock: clock)
            try store.close()
        }
        #expect(try MiningInput.kind(of: path) == .store)
        let input = try MiningInput.parse([path])
        let log = try await input.load()
        #expect(log.caseCount == 60)
        let activities = Set(log.activities.names)
        let steps = Set(definition.workflows.flatMap { $0.steps.map(\.id.rawValue) })
        #expect(!activities.intersection(steps).isEmpty)
        let configuration = try input.configuration()
        #expect(configuration.rules.exceptions.activities == [FlowtuneEventLogReader.exceptionActivity])
        let scorecard = Scorecard(log: log, configuration: configuration)
        #expect(!scorecard.handoffs.isEmpty)
    }
}
