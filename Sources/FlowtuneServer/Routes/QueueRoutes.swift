import FlowtuneCore
import FlowtuneEngine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/queues`: define, redefine and read queues, with how many tasks wait in each.
///
/// Bodies carry the fields of a queue in a definition file (`service_level`, `offer_timeout`,
/// `requirement`, `relaxation`), in JSON or YAML, and are read by the same loader.
struct QueueRoutes {
    let host: WorkspaceHost

    var routes: [APIRoute] {
        [
            APIRoute(.post, "/v1/queues", .administer, create),
            APIRoute(.get, "/v1/queues", .read, list),
            APIRoute(.get, "/v1/queues/{id}", .read, get),
            APIRoute(.put, "/v1/queues/{id}", .administer, replace),
        ]
    }

    @Sendable func create(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let body = try await read(request, context: context, id: nil)
        let queue = body.queue
        if await host.engine.currentState.queue(queue.id) != nil {
            throw Problem(
                .conflict, title: "Already exists",
                detail: "queue \(queue.id) already exists; PUT /v1/queues/\(queue.id) to change it", field: "id")
        }
        try await define(queue, body: body, identity: identity, cause: "POST /v1/queues")
        return try await current(queue.id, status: .created, headers: [.location: "/v1/queues/\(queue.id)"])
    }

    @Sendable func replace(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let id = try QueueID(context.parameters.require("id"))
        guard await host.engine.currentState.queue(id) != nil else {
            throw Problem(.notFound, title: "Not found", detail: "no queue \(id); POST /v1/queues to create it", field: "id")
        }
        let body = try await read(request, context: context, id: id.rawValue)
        try await define(body.queue, body: body, identity: identity, cause: "PUT /v1/queues/\(id)")
        return try await current(id, status: .ok, headers: [:])
    }

    @Sendable func list(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let state = await host.engine.currentState
        return try JSONResponse.make(Page(items: state.queues.map(QueueResource.init)))
    }

    @Sendable func get(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let id = try QueueID(context.parameters.require("id"))
        return try await current(id, status: .ok, headers: [:])
    }

    private func read(_ request: Request, context: FlowtuneRequestContext, id: String?) async throws -> DefinitionBody {
        let format = try DefinitionFormat(request)
        let text = try await request.text(context: context)
        let body = try DefinitionBody(text, format: format, section: .queues, id: id)
        // Checked here rather than left to the engine so that problems carry line and column.
        let state = await host.engine.currentState
        var issues = WorkspaceValidator.issues(in: body.queue)
        let workers = state.workers.map(\.worker)
        if !workers.isEmpty { issues += WorkspaceValidator.unknownSkills(in: body.queue, workers: workers) }
        if !issues.isEmpty { throw body.problem(for: issues) }
        return body
    }

    private func define(_ queue: Queue, body: DefinitionBody, identity: Identity, cause: String) async throws {
        do {
            try await host.engine.submit(.defineQueue(queue), actor: identity.actor, cause: cause)
        } catch let error as CommandError {
            throw body.problem(for: [ValidationIssue(path: error.field ?? "", message: error.message)])
        }
    }

    private func current(_ id: QueueID, status: HTTPResponse.Status, headers: HTTPFields) async throws -> Response {
        let state = await host.engine.currentState
        guard let record = state.queues.first(where: { $0.queue.id == id }) else {
            throw Problem(.notFound, title: "Not found", detail: "no queue \(id)", field: "id")
        }
        return try JSONResponse.make(QueueResource(record), status: status, headers: headers)
    }
}
