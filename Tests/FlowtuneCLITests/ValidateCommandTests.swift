import ArgumentParser
import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneCLI

@Suite("flowtune validate")
struct ValidateCommandTests {
    /// The repository root, found from this file so tests run from any directory.
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func example(_ name: String) -> String {
        repository.appendingPathComponent("examples/\(name)/workspace.yaml").path
    }

    /// A fresh directory for one test's files, removed when the test is done with it.
    final class Scratch {
        let directory: URL

        init() throws {
            directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("flowtune-validate-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(at: directory) }

        func write(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
    }

    @Test("both examples are valid and summarised")
    func examples() throws {
        let support = try ValidateCommand.loadDefinition(paths: [Self.example("support-desk")])
        #expect(ValidateCommand.summary(of: support) == "ok: 1 workflow, 3 queues, 12 workers")
        let leads = try ValidateCommand.loadDefinition(paths: [Self.example("lead-followup")])
        #expect(ValidateCommand.summary(of: leads) == "ok: 1 workflow, 3 queues, 8 workers")
    }

    @Test("the summary counts what several files define together")
    func summaryOfSeveralFiles() throws {
        let scratch = try Scratch()
        let queues = try scratch.write("queues.yaml", "queues:\n  - id: tier1\n  - id: tier2\n  - id: tier3\n")
        let workflows = try scratch.write("workflows.yaml", """
            workers:
              - id: ana
            workflows:
              - id: first
                steps:
                  - { id: only, queue: tier1, ownership: { source_system: crm, decision_owner: lead, response_window: 1h } }
              - id: second
                steps:
                  - { id: only, queue: tier2, ownership: { source_system: crm, decision_owner: lead, response_window: 1h } }
            """)
        let definition = try ValidateCommand.loadDefinition(paths: [queues, workflows])
        #expect(ValidateCommand.summary(of: definition) == "ok: 2 workflows, 3 queues, 1 worker")
    }

    @Test("every problem is listed as file:line:column: path: message")
    func problems() throws {
        let scratch = try Scratch()
        let path = try scratch.write("broken.yaml", """
            queues:
              - id: tier1
                priority: 0
            workflows:
              - id: support
                steps:
                  - id: triage
                    queue: tier2
                    ownership: { source_system: crm, decision_owner: lead, response_window: soon }
            """)
        let failure = try #require(throws: ValidateCommand.LoadFailure.self) {
            try ValidateCommand.loadDefinition(paths: [path])
        }
        #expect(failure.lines == [
            "\(path):3:15: queues[0].priority: must be 1 (most urgent) to 9, not 0",
            "\(path):8:16: workflows[0].steps[0].queue: unknown queue tier2 (did you mean tier1?)",
            "\(path):9:81: workflows[0].steps[0].ownership.response_window: \"soon\" is not a duration; write it like 90s, 15m, 4h, 1h30m or 2d",
        ])
    }

    @Test("files that cannot be read are named, and the others still checked on their own")
    func unreadableFiles() throws {
        let scratch = try Scratch()
        let missing = scratch.directory.appendingPathComponent("missing.yaml").path
        let broken = try scratch.write("workers.yaml", "workers:\n  - id: ana\n    kind: robot\n")
        let failure = try #require(throws: ValidateCommand.LoadFailure.self) {
            try ValidateCommand.loadDefinition(paths: [missing, scratch.directory.path, broken])
        }
        #expect(failure.lines == [
            "\(missing): cannot read: no such file",
            "\(scratch.directory.path): cannot read: it is a directory; name the YAML files in it",
            "\(broken):3:11: workers[0].kind: unknown worker kind \"robot\"; expected human or automation",
        ])
    }

    @Test("a file that is not UTF-8 text is named")
    func notText() throws {
        let scratch = try Scratch()
        let url = scratch.directory.appendingPathComponent("binary.yaml")
        try Data([0xFF, 0xFE, 0x00, 0xC3]).write(to: url)
        let failure = try #require(throws: ValidateCommand.LoadFailure.self) {
            try ValidateCommand.loadDefinition(paths: [url.path])
        }
        #expect(failure.lines == ["\(url.path): cannot read: not UTF-8 text"])
    }

    @Test("the command succeeds on valid files and exits with status 1 on problems")
    func exitStatus() async throws {
        let valid = try #require(try Flowtune.parseAsRoot(["validate", Self.example("support-desk")]) as? ValidateCommand)
        try await valid.run()

        let scratch = try Scratch()
        let path = try scratch.write("bad.yaml", "queues:\n  - id: tier1\n    priorty: 2\n")
        let invalid = try #require(try Flowtune.parseAsRoot(["validate", path]) as? ValidateCommand)
        let error = await #expect(throws: ExitCode.self) { try await invalid.run() }
        #expect(error == ExitCode(1))
    }

    @Test("validate needs at least one file")
    func needsFiles() {
        #expect(throws: (any Error).self) { try Flowtune.parseAsRoot(["validate"]) }
    }
}
