import Foundation
import Testing

@testable import FlowtuneCore

/// Loading helpers and shared definition texts for the definition tests.
enum DefinitionFixtures {
    /// The repository's `examples/` folder, found from this file so tests run from any directory.
    static let examplesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Definition
        .deletingLastPathComponent()  // FlowtuneCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository
        .appendingPathComponent("examples")

    /// The text of `examples/<name>/workspace.yaml`, named as the CLI would name it.
    static func example(_ name: String) throws -> DefinitionSource {
        let url = examplesDirectory.appendingPathComponent(name).appendingPathComponent("workspace.yaml")
        return DefinitionSource(file: "examples/\(name)/workspace.yaml", text: try String(contentsOf: url, encoding: .utf8))
    }

    /// The problems loading `yaml` reports; records a test failure when it loads cleanly.
    static func issues(
        in yaml: String, file: String = "test.yaml", sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> [DefinitionError.Issue] {
        issues(in: [DefinitionSource(file: file, text: yaml)], sourceLocation: sourceLocation)
    }

    /// The problems loading `sources` together reports; records a test failure when they load cleanly.
    static func issues(
        in sources: [DefinitionSource], sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> [DefinitionError.Issue] {
        do {
            _ = try WorkspaceDefinition.load(sources)
            Issue.record("expected the definition to be rejected", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.issues
        }
    }

    /// An issue in `test.yaml`, for comparing whole issues.
    static func issue(_ line: Int, _ column: Int, _ path: String, _ message: String, file: String = "test.yaml")
        -> DefinitionError.Issue
    {
        DefinitionError.Issue(file: file, line: line, column: column, path: path, message: message)
    }

    /// A small valid workspace — one queue, one worker, one single-step workflow — written
    /// out in full so that tests can see the lines they point at.
    static let minimal = """
        queues:
          - id: tier1
        workers:
          - id: ana
        workflows:
          - id: support
            steps:
              - id: triage
                queue: tier1
                ownership:
                  source_system: zendesk
                  decision_owner: lead
                  response_window: 15m
        """
}
