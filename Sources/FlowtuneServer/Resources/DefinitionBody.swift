import FlowtuneCore
import Foundation
import Yams

/// A queue or worker sent as a request body, read by the same loader as definition files so that
/// a problem names the field the way `flowtune validate` does, at its line and column in the body.
///
/// The body is wrapped as the one item of its section (`queues:\n  - <body>`); positions and
/// field paths in the loader's problems are mapped back out of the wrapper.
struct DefinitionBody: Sendable {
    /// The section the body is an item of.
    enum Section: String, Sendable {
        case queues
        case workers
    }

    /// The document the wrapped body reads as.
    let document: WorkspaceDocument
    let section: Section
    private let wrapping: Wrapping

    /// Reads `text` as one item of `section`. `id`, from the path of a PUT, is added when the body
    /// leaves it out, and must match when the body gives it.
    init(_ text: String, format: DefinitionFormat, section: Section, id: String? = nil) throws {
        self.section = section
        var item = text
        var insertion: (line: Int, column: Int, length: Int)?
        var headerLines = 0
        if format == .json {
            guard let object = try JSONSyntax.check(text) as? [String: Any] else {
                throw Problem(.unprocessableContent, title: "Invalid request", detail: "the body must be a JSON object")
            }
            if let id {
                if let given = object["id"] {
                    try Self.require(given as? String, matches: id)
                } else if let brace = text.firstIndex(of: "{") {
                    // Inserted right after the opening brace, on the same line: only columns to
                    // its right on that line move, and the mapping below moves them back.
                    let field = "\"id\": \(Self.quoted(id)), "
                    let before = text[..<brace].split(separator: "\n", omittingEmptySubsequences: false)
                    item.insert(contentsOf: field, at: text.index(after: brace))
                    insertion = (before.count, before.last!.count + 1, field.count)
                }
            }
        } else if let id {
            if let fields = (try? Yams.compose(yaml: text))?.mapping {
                if let given = fields["id"] {
                    try Self.require(given.string, matches: id)
                } else {
                    item = "id: \(Self.quoted(id))\n" + text
                    headerLines = 1
                }
            }
        }
        let lines = item.split(separator: "\n", omittingEmptySubsequences: false)
        let wrapped = "\(section.rawValue):\n" + lines.enumerated()
            .map { ($0.offset == 0 ? "  - " : "    ") + $0.element }.joined(separator: "\n")
        wrapping = Wrapping(
            section: section, lineOffset: 1 + headerLines, columnOffset: 4, insertion: insertion)
        do {
            document = try WorkspaceDocument(yaml: wrapped, file: "request")
        } catch {
            throw wrapping.unwrap(error)
        }
    }

    /// The queue the body defines.
    var queue: Queue { document.definition.queues[0] }

    /// The worker the body defines.
    var worker: Worker { document.definition.workers[0] }

    /// Whether the body writes `field` (a path within the item, such as `status`).
    func writes(_ field: String) -> Bool {
        document.sourceMap.contains("\(section.rawValue)[0].\(field)")
    }

    /// Problems found by checks on the item, with paths relative to it (such as a
    /// ``WorkspaceValidator`` issue), located in the body.
    func problem(for issues: [ValidationIssue]) -> DefinitionError {
        let prefix = "\(section.rawValue)[0]"
        return wrapping.unwrap(DefinitionError(issues: issues.map { issue in
            let path = issue.path.isEmpty ? prefix : "\(prefix).\(issue.path)"
            return DefinitionError.Issue(at: document.sourceMap.location(of: path), path: path, message: issue.message)
        }))
    }

    private static func require(_ given: String?, matches id: String) throws {
        guard given == id else {
            throw Problem(
                .unprocessableContent, title: "Invalid request",
                detail: "id must match the path, \(id), or be left out", field: "id")
        }
    }

    /// `text` as a double-quoted JSON string, which YAML reads the same way.
    private static func quoted(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// How the wrapper moved the body, to move problems back.
    private struct Wrapping: Sendable {
        var section: Section
        var lineOffset: Int
        var columnOffset: Int
        var insertion: (line: Int, column: Int, length: Int)?

        func unwrap(_ error: DefinitionError) -> DefinitionError {
            DefinitionError(issues: error.issues.map { issue in
                var line = issue.line - lineOffset
                var column = issue.column - columnOffset
                if line < 1 {
                    // The wrapper's own lines, or an id it added: point at the start of the body.
                    (line, column) = (1, 1)
                } else if let insertion, line == insertion.line, column > insertion.column {
                    column = max(insertion.column, column - insertion.length)
                }
                return DefinitionError.Issue(
                    file: issue.file, line: line, column: max(column, 1), path: relative(issue.path),
                    message: issue.message)
            })
        }

        /// `queues[0].service_level.percent` as `service_level.percent`.
        private func relative(_ path: String) -> String {
            let item = "\(section.rawValue)[0]"
            if path == item || path == section.rawValue { return "" }
            if path.hasPrefix(item + ".") { return String(path.dropFirst(item.count + 1)) }
            return path
        }
    }
}
