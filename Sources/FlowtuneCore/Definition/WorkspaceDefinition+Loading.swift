extension WorkspaceDefinition {
    /// Reads and merges definition files, and checks the result as a whole.
    ///
    /// Every file is read even when an earlier one has problems, and every problem found is
    /// thrown together, each at its file, line, column and field path. Queues, workers and
    /// workflows keep the order of the files and, within a file, the order written; an id
    /// defined twice is reported where it is defined the second time.
    ///
    /// ```swift
    /// let definition = try WorkspaceDefinition.load([
    ///     DefinitionSource(file: "queues.yaml", text: queues),
    ///     DefinitionSource(file: "support.yaml", text: support),
    /// ])
    /// ```
    public static func load(_ sources: [DefinitionSource]) throws(DefinitionError) -> WorkspaceDefinition {
        var assembly = DefinitionAssembly(sources.map { WorkspaceDocument.read($0.text, file: $0.file) })
        return try assembly.assemble()
    }

    /// Reads and checks a single definition file.
    public init(yaml: String, file: String = "workspace.yaml") throws(DefinitionError) {
        self = try Self.load([DefinitionSource(file: file, text: yaml)])
    }

    /// Merges documents already read and checks the result as a whole.
    public init(merging documents: [WorkspaceDocument]) throws(DefinitionError) {
        var assembly = DefinitionAssembly(documents.map { ($0, [], true) })
        self = try assembly.assemble()
    }
}
