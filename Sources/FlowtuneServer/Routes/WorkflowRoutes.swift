import FlowtuneCore
import FlowtuneEngine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/workflows`: upload definition documents, read workflows and their versions.
struct WorkflowRoutes {
    let host: WorkspaceHost

    /// What an upload applied.
    struct UploadResult: Encodable, Sendable {
        var workflows: [WorkflowResource]
        var queues: [String]
        var workers: [String]
    }

    struct Versions: Encodable, Sendable {
        var id: String
        var versions: [WorkflowResource]
    }

    var routes: [APIRoute] {
        [
            APIRoute(.post, "/v1/workflows", .administer, upload),
            APIRoute(.get, "/v1/workflows", .read, list),
            APIRoute(.get, "/v1/workflows/{id}", .read, get),
            APIRoute(.get, "/v1/workflows/{id}/versions", .read, versions),
        ]
    }

    @Sendable func upload(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let format = try DefinitionFormat(request)
        let text = try await request.text(context: context)
        if format == .json { try JSONSyntax.check(text) }
        let document = try WorkspaceDocument(yaml: text, file: "request")
        let definition = document.definition
        guard !(definition.workflows.isEmpty && definition.queues.isEmpty && definition.workers.isEmpty) else {
            throw Problem(
                .unprocessableContent, title: "Invalid definition",
                detail: "the document defines no workflows, queues or workers", field: "workflows")
        }
        let state = await host.engine.currentState
        let planned = try DefinitionPlan(document: document, state: state, now: host.clock.now(), actor: identity.actor)
        let results = try await host.engine.submit(planned.commands, actor: identity.actor, cause: "POST /v1/workflows")
        for (index, result) in results.enumerated() {
            // The plan was decided on a copy of the state; only a write that slipped in between
            // can refuse a command now. Say exactly what did and did not apply.
            if case .failure(let error) = result {
                let applied = index
                throw Problem(
                    .conflict, title: "Conflict with the current state",
                    detail: "\(planned.paths[index]): \(error.message); the workspace changed during the upload, "
                        + "and the \(applied) definition(s) before it were applied",
                    field: planned.paths[index])
            }
        }
        let after = await host.engine.currentState
        let result = UploadResult(
            workflows: definition.workflows.compactMap { after.workflow($0.id).map(WorkflowResource.init) },
            queues: definition.queues.map(\.id.rawValue), workers: definition.workers.map(\.id.rawValue))
        return try JSONResponse.make(result, status: .created)
    }

    @Sendable func list(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let state = await host.engine.currentState
        let latest = state.workflows.keys.sorted().compactMap { state.workflow($0) }
        return try JSONResponse.make(Page(items: latest.map(WorkflowResource.init)))
    }

    @Sendable func get(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let id = try WorkflowID(context.parameters.require("id"))
        guard let workflow = await host.engine.currentState.workflow(id) else {
            throw Problem(.notFound, title: "Not found", detail: "no workflow \(id)", field: "id")
        }
        return try JSONResponse.make(WorkflowResource(workflow))
    }

    @Sendable func versions(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let id = try WorkflowID(context.parameters.require("id"))
        guard let all = await host.engine.currentState.workflows[id], !all.isEmpty else {
            throw Problem(.notFound, title: "Not found", detail: "no workflow \(id)", field: "id")
        }
        return try JSONResponse.make(Versions(id: id.rawValue, versions: all.map(WorkflowResource.init)))
    }
}

/// The commands an uploaded document turns into, checked against the workspace as it stands.
///
/// The document's own checks (``WorkspaceDocument``) see only the document; a workflow may use
/// queues and workers the workspace already has, so references and the validator's checks are
/// made here against the document merged over the workspace. Then every command is decided on a
/// copy of the state, so that a document is applied whole or not at all.
struct DefinitionPlan {
    /// The commands, in the order a definition applies: settings, queues, workers, workflows.
    var commands: [Command] = []
    /// For each command, the document path it comes from.
    var paths: [String] = []

    init(document: WorkspaceDocument, state: WorkspaceState, now: Date, actor: String) throws {
        let definition = document.definition
        var issues: [DefinitionError.Issue] = []
        func report(_ path: String, _ message: String) {
            issues.append(DefinitionError.Issue(at: document.sourceMap.location(of: path), path: path, message: message))
        }
        // Definitions in the document replace those of the same id in the workspace.
        var queues = state.queues.map(\.queue)
        for queue in definition.queues {
            if let index = queues.firstIndex(where: { $0.id == queue.id }) { queues[index] = queue } else { queues.append(queue) }
        }
        var workers = state.workers.map(\.worker)
        for worker in definition.workers {
            if let index = workers.firstIndex(where: { $0.id == worker.id }) { workers[index] = worker } else { workers.append(worker) }
        }
        Self.duplicates(definition.queues.map(\.id.rawValue), section: "queues", noun: "queue", report)
        Self.duplicates(definition.workers.map(\.id.rawValue), section: "workers", noun: "worker", report)
        Self.duplicates(definition.workflows.map(\.id.rawValue), section: "workflows", noun: "workflow", report)
        for (index, queue) in definition.queues.enumerated() {
            var found = WorkspaceValidator.issues(in: queue)
            if !workers.isEmpty { found += WorkspaceValidator.unknownSkills(in: queue, workers: workers) }
            for issue in found { report("queues[\(index)].\(issue.path)", issue.message) }
        }
        for (index, worker) in definition.workers.enumerated() {
            for issue in WorkspaceValidator.issues(in: worker) { report("workers[\(index)].\(issue.path)", issue.message) }
        }
        for (index, workflow) in definition.workflows.enumerated() {
            let found = WorkspaceValidator.issues(in: workflow, queues: queues, workers: workers.isEmpty ? nil : workers)
            for issue in found { report("workflows[\(index)].\(issue.path)", issue.message) }
        }
        if !issues.isEmpty { throw DefinitionError(issues: Self.ordered(issues)) }

        if definition.settings != WorkspaceDefinition.Settings() {
            add(.configure(definition.settings.applied(to: state.settings)), at: "workspace")
        }
        for (index, queue) in definition.queues.enumerated() { add(.defineQueue(queue), at: "queues[\(index)]") }
        for (index, worker) in definition.workers.enumerated() { add(.registerWorker(worker), at: "workers[\(index)]") }
        for (index, workflow) in definition.workflows.enumerated() { add(.defineWorkflow(workflow), at: "workflows[\(index)]") }

        var trial = state
        let context = CommandContext(now: now, actor: actor)
        for (command, path) in zip(commands, paths) {
            do {
                try trial.execute(command, context: context)
            } catch {
                let field = error.field.map { path == "workspace" ? "workspace.\($0)" : "\(path).\($0)" } ?? path
                report(field, error.message)
            }
        }
        if !issues.isEmpty { throw DefinitionError(issues: Self.ordered(issues)) }
    }

    private mutating func add(_ command: Command, at path: String) {
        commands.append(command)
        paths.append(path)
    }

    private static func duplicates(
        _ ids: [String], section: String, noun: String, _ report: (String, String) -> Void
    ) {
        var first: [String: Int] = [:]
        for (index, id) in ids.enumerated() where !id.isEmpty {
            if let earlier = first[id] {
                report("\(section)[\(index)].id", "\(noun) \(id) is already defined as \(section)[\(earlier)]")
            } else {
                first[id] = index
            }
        }
    }

    /// Problems in the order they are written, as `flowtune validate` lists them.
    private static func ordered(_ issues: [DefinitionError.Issue]) -> [DefinitionError.Issue] {
        var seen: Set<DefinitionError.Issue> = []
        return issues.enumerated()
            .sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }
            .map(\.element).filter { seen.insert($0).inserted }
    }
}
