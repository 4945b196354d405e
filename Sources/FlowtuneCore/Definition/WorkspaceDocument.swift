/// One definition file, read: what it defines and where each field is written.
///
/// A document is checked for structure only — YAML syntax, field names, types, required fields,
/// durations, enumeration values. Whether its references hold and its workflows make sense
/// depends on the other files of the workspace; ``WorkspaceDefinition/load(_:)`` checks that.
///
/// ```swift
/// let document = try WorkspaceDocument(yaml: text, file: "queues.yaml")
/// document.definition.queues.count
/// document.sourceMap.location(of: "queues[0].priority") // queues.yaml:4:15
/// ```
public struct WorkspaceDocument: Sendable, Hashable {
    /// The file, as the caller named it.
    public var file: String { sourceMap.file }
    /// What the file defines, on its own.
    public let definition: WorkspaceDefinition
    /// Where each field is written, to locate problems found later, such as a command refused
    /// with a field path.
    public let sourceMap: SourceMap
    /// Per queue, the written index of each relaxation stage in the order the queue keeps them.
    let relaxationOrder: [[Int]]

    /// Reads `yaml`, reporting its problems under the name `file`.
    public init(yaml: String, file: String) throws(DefinitionError) {
        let read = Self.read(yaml, file: file)
        if !read.issues.isEmpty { throw DefinitionError(issues: read.issues) }
        self = read.document
    }

    private init(definition: WorkspaceDefinition, sourceMap: SourceMap, relaxationOrder: [[Int]]) {
        self.definition = definition
        self.sourceMap = sourceMap
        self.relaxationOrder = relaxationOrder
    }

    /// Reads `yaml` without throwing: the document as far as it could be read, its problems,
    /// and whether it was YAML at all.
    static func read(_ yaml: String, file: String) -> (document: WorkspaceDocument, issues: [DefinitionError.Issue], isWellFormed: Bool) {
        var reader = DocumentReader(file: file)
        let (definition, relaxationOrder) = reader.readDefinition(yaml)
        let document = WorkspaceDocument(definition: definition, sourceMap: reader.sourceMap, relaxationOrder: relaxationOrder)
        return (document, reader.issues, reader.isWellFormed)
    }
}
