/// A decision table read from YAML, with the warnings its static checks raised and the text it
/// was read from (what a published version keeps).
///
/// ```swift
/// let document = try DecisionDocument(source: DefinitionSource(file: "approval.yaml", text: yaml))
/// for warning in document.warnings { print(warning) }   // approval.yaml:31:5: rules[4]: rule 5 can never fire ...
/// let lane = document.table.evaluate(input)["lane"]
/// ```
public struct DecisionDocument: Sendable, Hashable {
    /// The table.
    public var table: DecisionTable
    /// What the static checks found that does not stop publishing, each at its rule's line.
    public var warnings: [DefinitionError.Issue]
    /// The text the table was read from.
    public var source: DefinitionSource

    /// Reads, compiles and checks a decision file.
    ///
    /// Throws every problem at once, each at its file, line, column and field: malformed YAML,
    /// unknown or missing fields, cells and output entries that do not parse (the column points
    /// into the cell), a row with the wrong number of cells, and static-check errors such as
    /// overlapping rules under UNIQUE.
    public init(source: DefinitionSource) throws(DefinitionError) {
        var reader = DocumentReader(file: source.file)
        let table = reader.readDecision(source.text)
        var issues = reader.issues
        var warnings: [DefinitionError.Issue] = []
        if let table, issues.isEmpty {
            for check in table.staticChecks() {
                let path = check.rules.first.map { "rules[\($0)]" } ?? "rules"
                let issue = DefinitionError.Issue(
                    at: reader.sourceMap.location(of: path), path: path, message: check.message)
                if check.severity == .error { issues.append(issue) } else { warnings.append(issue) }
            }
        }
        guard let table, issues.isEmpty else {
            if issues.isEmpty {
                issues.append(DefinitionError.Issue(
                    file: source.file, line: 1, column: 1, path: "", message: "the file defines no decision"))
            }
            throw DefinitionError(issues: issues)
        }
        self.table = table
        self.warnings = warnings
        self.source = source
    }

    /// Reads a decision file's text.
    public init(yaml: String, file: String = "decision.yaml") throws(DefinitionError) {
        try self.init(source: DefinitionSource(file: file, text: yaml))
    }
}
