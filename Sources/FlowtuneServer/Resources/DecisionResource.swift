import FlowtuneCore
import Foundation

/// A problem in a decision file, or a warning of its static checks, located in the text sent.
struct DecisionIssueResource: Encodable, Sendable {
    /// The field path in the file, such as `rules[2].when[0]`; empty for the file itself.
    var field: String
    var message: String
    var line: Int
    var column: Int

    init(_ issue: DefinitionError.Issue) {
        field = issue.path
        message = issue.message
        line = issue.line
        column = issue.column
    }
}

/// One published version of a decision in a list: who published it, when, and what it restores.
struct DecisionSummaryResource: Encodable, Sendable {
    var id: String
    var name: String
    var hitPolicy: String
    var version: Int
    var file: String
    var publishedAt: Date
    var publishedBy: String
    /// The version whose text a rollback published again.
    var restores: Int?
    /// How many rules the table has.
    var rules: Int

    init(_ published: PublishedDecision) {
        id = published.table.id.rawValue
        name = published.table.name
        hitPolicy = published.table.hitPolicy.name
        version = published.version
        file = published.publication.file
        publishedAt = Date(timeIntervalSince1970: published.publishedAt)
        publishedBy = published.publishedBy
        restores = published.publication.restores
        rules = published.table.rules.count
    }
}

/// One published version of a decision in full: its YAML text as published, the warnings its
/// static checks raise, and the shape of its table.
struct DecisionResource: Encodable, Sendable {
    var id: String
    var name: String
    var hitPolicy: String
    var version: Int
    /// Whether this is the version that decides new tasks.
    var latest: Bool
    var file: String
    var publishedAt: Date
    var publishedBy: String
    var restores: Int?
    /// The file's text, exactly as published; uploading it again changes nothing.
    var yaml: String
    var warnings: [DecisionIssueResource]
    var inputs: [InputResource]
    var outputs: [OutputResource]
    var rules: Int
    /// How many example cases the file holds; each passed when the version was published.
    var tests: Int

    init(_ published: PublishedDecision, latest: Bool) {
        let table = published.table
        id = table.id.rawValue
        name = table.name
        hitPolicy = table.hitPolicy.name
        version = published.version
        self.latest = latest
        file = published.publication.file
        publishedAt = Date(timeIntervalSince1970: published.publishedAt)
        publishedBy = published.publishedBy
        restores = published.publication.restores
        yaml = published.publication.text
        // A published text always reads again; its warnings are those it was published with.
        let source = DefinitionSource(file: published.publication.file, text: published.publication.text)
        warnings = ((try? DecisionDocument(source: source))?.warnings ?? []).map(DecisionIssueResource.init)
        inputs = table.inputs.map(InputResource.init)
        outputs = table.outputs.map(OutputResource.init)
        rules = table.rules.count
        tests = table.tests.count
    }

    /// An input column: its name, what it reads, and its values where they are enumerated.
    struct InputResource: Encodable, Sendable {
        var name: String
        var expression: String
        var values: [ExpressionValue]?

        init(_ input: DecisionTable.Input) {
            name = input.name
            expression = input.expression.source
            values = input.values
        }
    }

    /// An output column: its name, its allowed values (highest priority first) and its default.
    struct OutputResource: Encodable, Sendable {
        var name: String
        var values: [ExpressionValue]?
        var `default`: ExpressionValue?

        init(_ output: DecisionTable.Output) {
            name = output.name
            values = output.values
            self.default = output.defaultValue
        }
    }
}

/// Every version of a decision, oldest first.
struct DecisionVersionsResource: Encodable, Sendable {
    var id: String
    var versions: [DecisionSummaryResource]
}

/// How one example case of a file came out.
struct DecisionExampleResource: Encodable, Sendable {
    var name: String
    var passed: Bool
    /// Each difference, as `lane: expected "exception", got "routine"`.
    var mismatches: [String]
    var trace: DecisionTrace

    init(_ outcome: DecisionTestOutcome) {
        name = outcome.name
        passed = outcome.passed
        mismatches = outcome.mismatches
        trace = outcome.trace
    }
}

/// What validating a decision file found, without publishing it.
struct DecisionValidationResource: Encodable, Sendable {
    /// Whether publishing the file would be accepted: no problems and every example passes.
    var valid: Bool
    /// The decision's id, when the file reads far enough to tell.
    var id: String?
    var name: String?
    var hitPolicy: String?
    /// Problems that stop publishing, each with its field, line and column.
    var issues: [DecisionIssueResource]
    /// Findings of the static checks that do not stop publishing.
    var warnings: [DecisionIssueResource]
    /// Every example case and how it came out; empty when the file has problems.
    var examples: [DecisionExampleResource]
    /// The version now published under the same id, if any.
    var latestVersion: Int?
    /// Whether the text is the latest version's, so that publishing it would change nothing.
    var unchanged: Bool?
}

/// One evaluation of a decision on an input.
struct DecisionEvaluationResource: Encodable, Sendable {
    var id: String
    /// The published version evaluated; absent for a table sent with the request.
    var version: Int?
    /// The outputs by name: single values under single-hit policies, lists under the others.
    var outputs: [String: ExpressionValue]
    /// The values read, the rules matched and selected, the outputs, and any failure.
    var trace: DecisionTrace

    init(_ trace: DecisionTrace) {
        id = trace.decision.rawValue
        version = trace.version
        outputs = Dictionary(trace.outputs.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
        self.trace = trace
    }
}
