/// Everything wrong with a set of definition files, each problem at the line, column and field
/// where it is written.
///
/// Loading collects every problem it can find rather than stopping at the first, so one run of
/// `flowtune validate` shows all there is to fix.
///
/// ```swift
/// do { _ = try WorkspaceDefinition.load(sources) }
/// catch { for issue in error.issues { print(issue) } }   // support.yaml:23:9: workflows[0]...
/// ```
public struct DefinitionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The problems, in file order, then by position.
    public var issues: [Issue]

    /// Creates an error from its problems.
    public init(issues: [Issue]) {
        self.issues = issues
    }

    /// One problem per line, as `file:line:column: path: message`.
    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }

    /// One problem: where it is, which field, and what to change.
    public struct Issue: Sendable, Hashable, CustomStringConvertible {
        /// The file, as the caller named it.
        public var file: String
        /// The line, from 1.
        public var line: Int
        /// The column, from 1.
        public var column: Int
        /// The field, such as `workflows[0].steps[1].ownership.decision_owner`; empty when the
        /// problem is the file itself, such as malformed YAML.
        public var path: String
        /// What is wrong and, where it can tell, how to fix it.
        public var message: String

        /// Creates an issue.
        public init(file: String, line: Int, column: Int, path: String, message: String) {
            self.file = file
            self.line = line
            self.column = column
            self.path = path
            self.message = message
        }

        /// Creates an issue at `location`.
        public init(at location: FileLocation, path: String, message: String) {
            self.init(file: location.file, line: location.line, column: location.column, path: path, message: message)
        }

        /// Where the issue is.
        public var location: FileLocation {
            FileLocation(file: file, line: line, column: column)
        }

        /// `file:line:column: path: message`, or `file:line:column: message` without a path.
        public var description: String {
            path.isEmpty ? "\(location): \(message)" : "\(location): \(path): \(message)"
        }
    }
}
