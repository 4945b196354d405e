import FlowtuneCore
import FlowtuneEngine
import Foundation
import HTTPTypes
import Hummingbird
import Yams

/// `/v1/decisions`: publish decision tables, validate and evaluate them before publishing, read
/// their versions and roll back.
///
/// Publishing and rolling back change how new tasks are decided, so they need admin, as
/// defining workflows does; everything else changes nothing and is open to readers.
struct DecisionRoutes {
    let host: WorkspaceHost

    struct EvaluateUploadBody: Decodable {
        var yaml: String
        var file: String?
        var input: [String: JSONValue]
        var now: String?
    }

    struct EvaluatePublishedBody: Decodable {
        var version: Int?
        var input: [String: JSONValue]
        var now: String?
    }

    struct RollbackBody: Decodable {
        var version: Int
        var reason: String
    }

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/v1/decisions", .read, list),
            APIRoute(.post, "/v1/decisions", .administer, publish),
            APIRoute(.post, "/v1/decisions/validate", .read, validate),
            APIRoute(.post, "/v1/decisions/evaluate", .read, evaluateUploaded),
            APIRoute(.get, "/v1/decisions/{id}", .read, get),
            APIRoute(.get, "/v1/decisions/{id}/versions", .read, versions),
            APIRoute(.get, "/v1/decisions/{id}/versions/{version}", .read, version),
            APIRoute(.post, "/v1/decisions/{id}/evaluate", .read, evaluatePublished),
            APIRoute(.post, "/v1/decisions/{id}/rollback", .administer, rollback),
        ]
    }

    @Sendable func list(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let state = await host.engine.currentState
        let latest = state.decisions.keys.sorted().compactMap { state.decision($0) }
        return try JSONResponse.make(Page(items: latest.map(DecisionSummaryResource.init)))
    }

    @Sendable func publish(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let upload = try await DecisionUpload(request, context: context)
        let document = try upload.document()
        // The engine runs the examples again as it publishes; running them here first is what
        // lets the problem name every failing example rather than the first.
        let outcomes = document.table.runTests(now: host.clock.now().timeIntervalSince1970)
        try Self.refuseFailing(outcomes, text: upload.text)
        let outcome = try await host.engine.submit(
            .publishDecision(document.source), actor: identity.actor, cause: "POST /v1/decisions")
        let id = document.table.id
        let state = await host.engine.currentState
        let publishedVersion = outcome.events.lazy.compactMap { event -> Int? in
            if case .decisionPublished(let publication) = event.payload { publication.version } else { nil }
        }.first
        let all = state.decisions[id] ?? []
        // Nothing published means the text is the latest version's: that version is the answer.
        guard let published = publishedVersion.flatMap({ version in all.first { $0.version == version } }) ?? all.last else {
            throw Problem(.conflict, title: "Conflict with the current state", detail: "decision \(id) is not published", field: "decision")
        }
        return try JSONResponse.make(
            DecisionResource(published, latest: published.version == all.last?.version),
            status: publishedVersion == nil ? .ok : .created,
            headers: [.location: "/v1/decisions/\(id)/versions/\(published.version)"])
    }

    @Sendable func validate(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let upload = try await DecisionUpload(request, context: context)
        var report = DecisionValidationResource(valid: false, issues: [], warnings: [], examples: [])
        do {
            let document = try upload.document()
            let table = document.table
            let outcomes = table.runTests(now: host.clock.now().timeIntervalSince1970)
            report.id = table.id.rawValue
            report.name = table.name
            report.hitPolicy = table.hitPolicy.name
            report.warnings = document.warnings.map(DecisionIssueResource.init)
            report.examples = outcomes.map(DecisionExampleResource.init)
            report.valid = outcomes.allSatisfy(\.passed)
            if let latest = await host.engine.currentState.decision(table.id) {
                report.latestVersion = latest.version
                report.unchanged = latest.publication.text == upload.text
            }
        } catch {
            report.issues = error.issues.map(DecisionIssueResource.init)
        }
        return try JSONResponse.make(report)
    }

    @Sendable func evaluateUploaded(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let body = try await request.decodeJSON(EvaluateUploadBody.self, context: context)
        let document = try DecisionDocument(source: DefinitionSource(file: body.file ?? "request", text: body.yaml))
        let input = try Self.input(body.input, now: body.now, for: document.table, clock: host.clock)
        let (_, trace) = document.table.evaluateTraced(input)
        return try JSONResponse.make(DecisionEvaluationResource(trace))
    }

    @Sendable func evaluatePublished(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let id = try DecisionID(context.parameters.require("id"))
        let body = try await request.decodeJSON(EvaluatePublishedBody.self, context: context)
        let all = try await published(id)
        let chosen: PublishedDecision
        if let version = body.version {
            guard let match = all.first(where: { $0.version == version }) else {
                throw Problem(
                    .unprocessableContent, title: "Invalid request",
                    detail: "decision \(id) has no version \(version); it has 1 to \(all.count)", field: "version")
            }
            chosen = match
        } else {
            chosen = all[all.count - 1]
        }
        let input = try Self.input(body.input, now: body.now, for: chosen.table, clock: host.clock)
        var (_, trace) = chosen.table.evaluateTraced(input)
        trace.version = chosen.version
        return try JSONResponse.make(DecisionEvaluationResource(trace))
    }

    @Sendable func get(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let id = try DecisionID(context.parameters.require("id"))
        let all = try await published(id)
        return try JSONResponse.make(DecisionResource(all[all.count - 1], latest: true))
    }

    @Sendable func versions(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let id = try DecisionID(context.parameters.require("id"))
        let all = try await published(id)
        return try JSONResponse.make(DecisionVersionsResource(id: id.rawValue, versions: all.map(DecisionSummaryResource.init)))
    }

    @Sendable func version(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let id = try DecisionID(context.parameters.require("id"))
        let written = try context.parameters.require("version")
        guard let number = Int(written) else {
            throw Problem(
                .badRequest, title: "Invalid request", detail: "version must be a whole number, not \(written)", field: "version")
        }
        let all = try await published(id)
        guard let match = all.first(where: { $0.version == number }) else {
            throw Problem(
                .notFound, title: "Not found", detail: "decision \(id) has no version \(number); it has 1 to \(all.count)",
                field: "version")
        }
        return try JSONResponse.make(DecisionResource(match, latest: match.version == all[all.count - 1].version))
    }

    @Sendable func rollback(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let id = try DecisionID(context.parameters.require("id"))
        let body = try await request.decodeJSON(RollbackBody.self, context: context)
        let reason = body.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw Problem(.unprocessableContent, title: "Invalid request", detail: "reason must say why", field: "reason")
        }
        let all = try await published(id)
        guard all.contains(where: { $0.version == body.version }) else {
            throw Problem(
                .unprocessableContent, title: "Invalid request",
                detail: "decision \(id) has no version \(body.version); it has 1 to \(all.count)", field: "version")
        }
        let outcome = try await host.engine.submit(
            .rollbackDecision(id, to: body.version), actor: identity.actor,
            cause: "POST /v1/decisions/\(id)/rollback to version \(body.version): \(reason)")
        let after = try await published(id)
        let version = outcome.events.lazy.compactMap { event -> Int? in
            if case .decisionPublished(let publication) = event.payload { publication.version } else { nil }
        }.first
        let restored = version.flatMap { version in after.first { $0.version == version } } ?? after[after.count - 1]
        return try JSONResponse.make(
            DecisionResource(restored, latest: restored.version == after[after.count - 1].version), status: .created,
            headers: [.location: "/v1/decisions/\(id)/versions/\(restored.version)"])
    }

    /// Every published version of `id`, oldest first; a 404 naming `id` when there is none.
    private func published(_ id: DecisionID) async throws -> [PublishedDecision] {
        guard let all = await host.engine.currentState.decisions[id], !all.isEmpty else {
            throw Problem(.notFound, title: "Not found", detail: "no decision \(id)", field: "id")
        }
        return all
    }

    /// What an evaluation reads: one document per root of the table's scope (`task`, `worker`,
    /// `model`), and the clock reading `now()` returns.
    static func input(
        _ documents: [String: JSONValue], now: String?, for table: DecisionTable, clock: any WallClock
    ) throws -> ExpressionInput {
        let scope = table.inputs.first?.expression.scope ?? .decision
        for key in documents.keys.sorted() where !scope.roots.contains(key) {
            throw Problem(
                .unprocessableContent, title: "Invalid request",
                detail: "input.\(key) is not a document decisions read; give \(scope.roots.joined(separator: ", "))",
                field: "input.\(key)")
        }
        var time = clock.now()
        if let now {
            guard let parsed = APITime.parse(now) else {
                throw Problem(
                    .unprocessableContent, title: "Invalid request", detail: "now must be an ISO 8601 time, not \(now)",
                    field: "now")
            }
            time = parsed
        }
        return ExpressionInput(roots: scope.roots.map { documents[$0] ?? .null }, now: time.timeIntervalSince1970)
    }

    /// Refuses a file whose examples fail, naming each failing example, where it is written, and
    /// every difference.
    static func refuseFailing(_ outcomes: [DecisionTestOutcome], text: String) throws {
        let failing = outcomes.enumerated().filter { !$0.element.passed }
        guard let first = failing.first else { return }
        let locations = exampleLocations(in: text)
        let errors = failing.map { index, outcome in
            Problem.Entry(
                field: "tests[\(index)]", message: "example \"\(outcome.name)\": \(outcome.mismatches.joined(separator: "; "))",
                line: locations[index]?.line, column: locations[index]?.column)
        }
        let examples = (try? JSONEncoder.api.encode(failing.map { DecisionExampleResource($0.element) }))
            .flatMap { try? JSONDecoder().decode(JSONValue.self, from: $0) } ?? .array([])
        let count = failing.count == 1 ? "1 of \(outcomes.count) examples fails" : "\(failing.count) of \(outcomes.count) examples fail"
        throw Problem(
            .unprocessableContent, title: "Failing examples",
            detail: "\(count), so the decision is not published; \(errors[0].message)",
            field: "tests[\(first.offset)]", errors: errors, extensions: ["examples": examples])
    }

    /// Where each example case (`tests[i]`) starts in the file.
    static func exampleLocations(in text: String) -> [Int: (line: Int, column: Int)] {
        guard let root = (try? Yams.compose(yaml: text))?.mapping, let tests = root["tests"]?.sequence else { return [:] }
        var locations: [Int: (line: Int, column: Int)] = [:]
        for (index, node) in tests.enumerated() {
            if let mark = node.mark { locations[index] = (mark.line, mark.column) }
        }
        return locations
    }
}

/// A decision file sent as a request body: the YAML text itself (`application/yaml`, text, or
/// a decision written as JSON), or a JSON object `{"file": "lane.yaml", "yaml": "..."}`.
///
/// Problems are located in the YAML text: in the body itself, or in the `yaml` string.
struct DecisionUpload: Sendable {
    /// The decision file's text.
    let text: String
    /// The file name given with `file` (in the JSON object or the query), if any.
    let file: String?

    init(_ request: Request, context: FlowtuneRequestContext) async throws {
        let format = try DefinitionFormat(request)
        let body = try await request.text(context: context)
        var file = request.uri.queryParameters["file"].map(String.init)
        var text = body
        if format == .json {
            guard let object = try JSONSyntax.check(body) as? [String: Any] else {
                throw Problem(
                    .unprocessableContent, title: "Invalid request",
                    detail: "the body must be a JSON object: a decision, or {\"file\": ..., \"yaml\": ...}")
            }
            // A decision written as JSON has `decision`; the wrapper has `yaml` and maybe `file`.
            if object["yaml"] != nil || object["file"] != nil {
                if let extra = object.keys.sorted().first(where: { $0 != "yaml" && $0 != "file" }) {
                    throw Problem(
                        .unprocessableContent, title: "Invalid request",
                        detail: "unknown field \(extra); send {\"file\": ..., \"yaml\": ...}", field: extra)
                }
                guard let yaml = object["yaml"] as? String else {
                    throw Problem(
                        .unprocessableContent, title: "Invalid request",
                        detail: "yaml must be a string holding the decision file's text", field: "yaml")
                }
                if let given = object["file"] {
                    guard let name = given as? String, !name.isEmpty else {
                        throw Problem(.unprocessableContent, title: "Invalid request", detail: "file must be a file name", field: "file")
                    }
                    file = name
                }
                text = yaml
            }
        }
        if let file, file.isEmpty {
            throw Problem(.badRequest, title: "Invalid query", detail: "file must be a file name", field: "file")
        }
        self.text = text
        self.file = file
    }

    /// Reads, compiles and checks the file. Without a given name, a published file is named
    /// after its decision: `approval-lane.yaml`.
    func document() throws(DefinitionError) -> DecisionDocument {
        var document = try DecisionDocument(source: DefinitionSource(file: file ?? "request", text: text))
        if file == nil { document.source = DefinitionSource(file: "\(document.table.id).yaml", text: text) }
        return document
    }
}
