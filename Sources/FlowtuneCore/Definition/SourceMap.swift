/// Where each field of one definition file is written, by field path.
///
/// Checks that run on the domain values (``WorkspaceValidator``) know only field paths; the map
/// turns those paths back into lines and columns. A path that was never written — a default, or
/// a field a check names but the file omits — resolves to the nearest enclosing field that was.
///
/// ```swift
/// let document = try WorkspaceDocument(yaml: text, file: "support.yaml")
/// document.sourceMap.location(of: "workflows[0].steps[1].queue") // support.yaml:31:16
/// ```
public struct SourceMap: Sendable, Hashable {
    /// The file the map describes.
    public let file: String
    private var positions: [String: Position] = [:]

    /// Creates an empty map of `file`.
    public init(file: String) {
        self.file = file
    }

    /// Records that the field at `path` is written at `line`, `column`.
    mutating func record(_ path: String, line: Int, column: Int) {
        positions[path] = Position(line: line, column: column)
    }

    /// Whether the field at `path` is written in the file.
    public func contains(_ path: String) -> Bool {
        positions[path] != nil
    }

    /// Where the field at `path` is written, or else the nearest enclosing field; the start of
    /// the file when nothing encloses it.
    public func location(of path: String) -> FileLocation {
        var current = Substring(path)
        while true {
            if let position = positions[String(current)] {
                return FileLocation(file: file, line: position.line, column: position.column)
            }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            current = current[..<cut]
        }
        return FileLocation(file: file, line: 1, column: 1)
    }

    private struct Position: Sendable, Hashable {
        var line: Int
        var column: Int
    }
}
