import FlowtuneCore
import FlowtuneEngine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/workers`: register workers, change their profiles, status and skills, and read them
/// with their live load.
///
/// Profile bodies carry the fields of a worker in a definition file (`skills`, `channels`,
/// `cost_per_hour`, ...), in JSON or YAML, and are read by the same loader.
struct WorkerRoutes {
    let host: WorkspaceHost

    struct StatusBody: Decodable {
        var status: String
    }

    struct SkillsBody: Decodable {
        var skills: [String: Int]
    }

    var routes: [APIRoute] {
        [
            APIRoute(.post, "/v1/workers", .operate, create),
            APIRoute(.get, "/v1/workers", .read, list),
            APIRoute(.get, "/v1/workers/{id}", .read, get),
            APIRoute(.put, "/v1/workers/{id}", .operate, replace),
            APIRoute(.post, "/v1/workers/{id}/status", .operateOrOwn, setStatus),
            APIRoute(.put, "/v1/workers/{id}/skills", .operate, setSkills),
        ]
    }

    @Sendable func create(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let body = try await read(request, context: context, id: nil)
        let worker = body.worker
        if await host.engine.currentState.worker(worker.id) != nil {
            throw Problem(
                .conflict, title: "Already exists",
                detail: "worker \(worker.id) already exists; PUT /v1/workers/\(worker.id) to change it", field: "id")
        }
        try await register(worker, body: body, identity: identity, cause: "POST /v1/workers")
        return try await current(worker.id, status: .created, headers: [.location: "/v1/workers/\(worker.id)"])
    }

    @Sendable func replace(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let id = try WorkerID(context.parameters.require("id"))
        guard let existing = await host.engine.currentState.worker(id) else {
            throw Problem(.notFound, title: "Not found", detail: "no worker \(id); POST /v1/workers to register it", field: "id")
        }
        let body = try await read(request, context: context, id: id.rawValue)
        var worker = body.worker
        // A profile that leaves status out keeps the worker's current one: replacing a profile
        // should not sign a worker in or out by accident.
        if !body.writes("status") { worker.status = existing.worker.status }
        // Likewise the queue a worker serves, which reallocation moves during the day.
        if !body.writes("serving_queue") { worker.servingQueue = existing.worker.servingQueue }
        try await register(worker, body: body, identity: identity, cause: "PUT /v1/workers/\(id)")
        return try await current(id, status: .ok, headers: [:])
    }

    @Sendable func list(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        var workers = await host.engine.currentState.workers
        let query = request.uri.queryParameters
        if let status = query["status"] { workers = workers.filter { $0.worker.status.rawValue == String(status) } }
        if let team = query["team"] { workers = workers.filter { $0.worker.team == String(team) } }
        return try JSONResponse.make(Page(items: workers.map(WorkerResource.init)))
    }

    @Sendable func get(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        try await current(WorkerID(context.parameters.require("id")), status: .ok, headers: [:])
    }

    @Sendable func setStatus(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let id = try WorkerID(context.parameters.require("id"))
        if let own = identity.restrictedWorker, own != id {
            throw Problem(.forbidden, title: "Not allowed", detail: "key \(identity.name) may set the status of \(own) only", field: "id")
        }
        let body = try await request.decodeJSON(StatusBody.self, context: context)
        guard let status = Worker.Status(rawValue: body.status) else {
            let allowed = Worker.Status.allCases.map(\.rawValue).joined(separator: ", ")
            throw Problem(
                .unprocessableContent, title: "Invalid request",
                detail: "status must be one of \(allowed), not \(body.status)", field: "status")
        }
        try await host.engine.submit(.setWorkerStatus(id, status), actor: identity.actor, cause: "POST /v1/workers/\(id)/status")
        return try await current(id, status: .ok, headers: [:])
    }

    @Sendable func setSkills(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let id = try WorkerID(context.parameters.require("id"))
        let body = try await request.decodeJSON(SkillsBody.self, context: context)
        guard var worker = await host.engine.currentState.worker(id)?.worker else {
            throw Problem(.notFound, title: "Not found", detail: "no worker \(id)", field: "id")
        }
        worker.skills = body.skills
        try await host.engine.submit(.registerWorker(worker), actor: identity.actor, cause: "PUT /v1/workers/\(id)/skills")
        return try await current(id, status: .ok, headers: [:])
    }

    private func read(_ request: Request, context: FlowtuneRequestContext, id: String?) async throws -> DefinitionBody {
        let format = try DefinitionFormat(request)
        let text = try await request.text(context: context)
        let body = try DefinitionBody(text, format: format, section: .workers, id: id)
        // Checked here rather than left to the engine so that problems carry line and column.
        let issues = WorkspaceValidator.issues(in: body.worker)
        if !issues.isEmpty { throw body.problem(for: issues) }
        return body
    }

    private func register(_ worker: Worker, body: DefinitionBody, identity: Identity, cause: String) async throws {
        do {
            try await host.engine.submit(.registerWorker(worker), actor: identity.actor, cause: cause)
        } catch let error as CommandError {
            throw body.problem(for: [ValidationIssue(path: error.field ?? "", message: error.message)])
        }
    }

    private func current(_ id: WorkerID, status: HTTPResponse.Status, headers: HTTPFields) async throws -> Response {
        guard let record = await host.engine.currentState.worker(id) else {
            throw Problem(.notFound, title: "Not found", detail: "no worker \(id)", field: "id")
        }
        return try JSONResponse.make(WorkerResource(record), status: status, headers: headers)
    }
}
