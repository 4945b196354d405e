/// A position in a definition file: the file as it was named, a line and a column, both from 1.
public struct FileLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The file, as the caller named it (a path, or a label for text that never was a file).
    public var file: String
    /// The line, starting at 1.
    public var line: Int
    /// The column, starting at 1, counted in Unicode scalars as YAML counts them.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, the form editors and terminals turn into a link.
    public var description: String { "\(file):\(line):\(column)" }

    /// Orders positions within a file; files compare by name only to make the order total.
    public static func < (lhs: FileLocation, rhs: FileLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
    }
}
