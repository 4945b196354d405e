/// The text of one definition file and the name to report its problems under.
///
/// The core never reads files itself; shells read them and pass the text in.
///
/// ```swift
/// let text = try String(contentsOfFile: path, encoding: .utf8)
/// let definition = try WorkspaceDefinition.load([DefinitionSource(file: path, text: text)])
/// ```
public struct DefinitionSource: Sendable, Hashable {
    /// The name issues carry, usually the path as the user typed it.
    public var file: String
    /// The YAML text.
    public var text: String

    /// Creates a source.
    public init(file: String, text: String) {
        self.file = file
        self.text = text
    }
}
