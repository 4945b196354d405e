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
        // A file whose top level names a decision is a decision table; the rest define the workspace.
        let decisionFiles = sources.filter(Self.isDecisionFile)
        var issues: [DefinitionError.Issue] = []
        var decisions: [DecisionDocument] = []
        for source in decisionFiles {
            do {
                decisions.append(try DecisionDocument(source: source))
            } catch {
                issues += error.issues
            }
        }
        var assembly = DefinitionAssembly(sources.filter { !Self.isDecisionFile($0) }.map { WorkspaceDocument.read($0.text, file: $0.file) })
        var definition: WorkspaceDefinition
        do {
            definition = try assembly.assemble()
        } catch {
            throw DefinitionError(issues: error.issues + issues)
        }
        if !issues.isEmpty { throw DefinitionError(issues: issues) }
        definition.decisions = decisions.map(\.source)
        return definition
    }

    /// Whether the text is a decision table: its top level has a `decision:` field.
    static func isDecisionFile(_ source: DefinitionSource) -> Bool {
        source.text.split(separator: "\n", omittingEmptySubsequences: true).contains { $0.hasPrefix("decision:") }
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
