import ArgumentParser
import FlowtuneCore
import Foundation

/// `flowtune validate FILE...`: checks workflow, queue and worker files.
///
/// Prints `ok: 2 workflows, 3 queues, 12 workers` when the files define a consistent workspace;
/// otherwise prints every problem as `file:line:column: path: message` to standard error and
/// exits with status 1.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check workflow, queue and worker files for errors.",
        discussion: """
            The files are merged into one workspace definition, so a workflow may use queues \
            defined in another file. Every problem is reported, each with its file, line, column \
            and field.
            """)

    @Argument(help: "YAML files with workflows, queues and workers.")
    var files: [String]

    func run() async throws {
        let definition: WorkspaceDefinition
        do {
            definition = try Self.loadDefinition(paths: files)
        } catch {
            FileHandle.standardError.write(Data((error.description + "\n").utf8))
            throw ExitCode(1)
        }
        print(Self.summary(of: definition))
    }

    /// Reads the definition files at `paths` and loads them as one workspace definition.
    ///
    /// Commands that run a workspace from files load it the same way, so that what `validate`
    /// accepts is exactly what they run.
    static func loadDefinition(paths: [String]) throws(LoadFailure) -> WorkspaceDefinition {
        var sources: [DefinitionSource] = []
        var unreadable: [String] = []
        for path in paths {
            switch read(path) {
            case .success(let text): sources.append(DefinitionSource(file: path, text: text))
            case .failure(let reason): unreadable.append("\(path): \(reason)")
            }
        }
        guard unreadable.isEmpty else {
            // References into a file that could not be read cannot be judged; report only what
            // each readable file gets wrong on its own.
            var issues: [DefinitionError.Issue] = []
            for source in sources {
                do {
                    _ = try WorkspaceDocument(yaml: source.text, file: source.file)
                } catch {
                    issues += error.issues
                }
            }
            throw LoadFailure(unreadable: unreadable, issues: issues)
        }
        do {
            return try WorkspaceDefinition.load(sources)
        } catch {
            throw LoadFailure(unreadable: [], issues: error.issues)
        }
    }

    /// `ok: 2 workflows, 3 queues, 12 workers`.
    static func summary(of definition: WorkspaceDefinition) -> String {
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        let decisions = definition.decisions.isEmpty ? "" : ", \(count(definition.decisions.count, "decision"))"
        return "ok: \(count(definition.workflows.count, "workflow")), \(count(definition.queues.count, "queue")), "
            + "\(count(definition.workers.count, "worker"))\(decisions)"
    }

    static func read(_ path: String) -> Result<String, ReadFailure> {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return .failure(ReadFailure("cannot read: no such file"))
        }
        guard !isDirectory.boolValue else {
            return .failure(ReadFailure("cannot read: it is a directory; name the YAML files in it"))
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            return .failure(ReadFailure("cannot read: permission denied or unreadable"))
        }
        guard let text = String(data: data, encoding: .utf8) else {
            return .failure(ReadFailure("cannot read: not UTF-8 text"))
        }
        return .success(text)
    }

    struct ReadFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Why definition files could not be loaded: the files that could not be read, and every
    /// problem in those that could.
    struct LoadFailure: Error, CustomStringConvertible {
        /// One line per file that could not be read, as `path: reason`.
        var unreadable: [String]
        /// The problems found in the files that were read.
        var issues: [DefinitionError.Issue]

        /// Every problem, one per line: unreadable files first, then `file:line:column: path: message`.
        var lines: [String] { unreadable + issues.map(\.description) }

        var description: String { lines.joined(separator: "\n") }
    }
}
