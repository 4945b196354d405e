import FlowtuneCore
import FlowtuneEngine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/exceptions`: the exception lane — list it, claim, resolve and reassign its items — and
/// `/v1/tasks/{id}/override`: a person's change to an automated decision, with a reason.
///
/// Every change records the caller as its actor, so the audit trail says who overrode what.
struct ExceptionRoutes {
    let host: WorkspaceHost

    struct ResolveBody: Decodable {
        /// `resume`, `complete` or `cancel`.
        var resolution: String
        /// For `resume`: the step to wait at; the task's current step when left out.
        var step: String?
        var note: String
    }

    struct ReassignBody: Decodable {
        var worker: String
        var reason: String
    }

    struct OverrideBody: Decodable {
        var reassign: String?
        var priority: Int?
        var lane: String?
        var reason: String
    }

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/v1/exceptions", .read, list),
            APIRoute(.post, "/v1/exceptions/{id}/claim", .operate, claim),
            APIRoute(.post, "/v1/exceptions/{id}/resolve", .operate, resolve),
            APIRoute(.post, "/v1/exceptions/{id}/reassign", .operate, reassign),
            APIRoute(.post, "/v1/tasks/{id}/override", .operate, override),
        ]
    }

    @Sendable func list(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        var lane = await host.engine.currentState.exceptionLane
        let query = request.uri.queryParameters
        if let owner = query["owner"] { lane = lane.filter { $0.exception?.owner == String(owner) } }
        if let claimed = query["claimed"] {
            guard let wanted = Bool(String(claimed)) else {
                throw Problem(.badRequest, title: "Invalid query", detail: "claimed must be true or false", field: "claimed")
            }
            lane = lane.filter { ($0.exception?.claimedBy != nil) == wanted }
        }
        return try JSONResponse.make(Page(items: lane.map(TaskResource.init)))
    }

    @Sendable func claim(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let id = try TaskID(context.parameters.require("id"))
        try await host.engine.submit(.claimException(id), actor: identity.actor, cause: "POST /v1/exceptions/\(id)/claim")
        return try await current(id)
    }

    @Sendable func resolve(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let id = try TaskID(context.parameters.require("id"))
        let body = try await request.decodeJSON(ResolveBody.self, context: context)
        guard !body.note.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw Problem(.unprocessableContent, title: "Invalid request", detail: "say how the exception was resolved", field: "note")
        }
        let resolution: ExceptionResolution
        switch body.resolution {
        case "resume":
            var step = body.step
            if step == nil { step = await host.engine.currentState.task(id)?.step.rawValue }
            guard let step else {
                throw Problem(.notFound, title: "Not found", detail: "no open task \(id)", field: "id")
            }
            resolution = .resume(StepID(step))
        case "complete":
            resolution = .complete
        case "cancel":
            resolution = .cancel
        default:
            throw Problem(
                .unprocessableContent, title: "Invalid request",
                detail: "resolution must be resume, complete or cancel, not \(body.resolution)", field: "resolution")
        }
        if body.step != nil, body.resolution != "resume" {
            throw Problem(.unprocessableContent, title: "Invalid request", detail: "step goes with resolution resume only", field: "step")
        }
        try await host.engine.submit(
            .resolveException(id, resolution, note: body.note), actor: identity.actor,
            cause: "POST /v1/exceptions/\(id)/resolve")
        return try await current(id)
    }

    @Sendable func reassign(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let id = try TaskID(context.parameters.require("id"))
        let body = try await request.decodeJSON(ReassignBody.self, context: context)
        guard let task = await host.engine.currentState.task(id) else {
            throw Problem(.notFound, title: "Not found", detail: "no open task \(id)", field: "id")
        }
        guard task.lane == .exception else {
            throw Problem(
                .conflict, title: "Conflict with the current state",
                detail: "task \(id) is not in the exception lane; POST /v1/tasks/\(id)/override to reassign it", field: "id")
        }
        try await host.engine.submit(
            .override(id, .reassign(WorkerID(body.worker)), reason: body.reason), actor: identity.actor,
            cause: "POST /v1/exceptions/\(id)/reassign")
        return try await current(id)
    }

    @Sendable func override(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let id = try TaskID(context.parameters.require("id"))
        let body = try await request.decodeJSON(OverrideBody.self, context: context)
        var changes: [Override] = []
        if let worker = body.reassign { changes.append(.reassign(WorkerID(worker))) }
        if let priority = body.priority { changes.append(.priority(priority)) }
        if let name = body.lane {
            guard let lane = Lane(rawValue: name) else {
                throw Problem(
                    .unprocessableContent, title: "Invalid request", detail: "lane must be routine or exception, not \(name)",
                    field: "lane")
            }
            changes.append(.lane(lane))
        }
        guard changes.count == 1, let change = changes.first else {
            throw Problem(
                .unprocessableContent, title: "Invalid request",
                detail: "give exactly one of reassign, priority or lane (\(changes.count) given)", field: "reassign")
        }
        try await host.engine.submit(
            .override(id, change, reason: body.reason), actor: identity.actor, cause: "POST /v1/tasks/\(id)/override")
        return try await current(id)
    }

    /// The task as it stands, or where it ended.
    private func current(_ id: TaskID) async throws -> Response {
        let state = await host.engine.currentState
        if let task = state.task(id) { return try JSONResponse.make(TaskResource(task)) }
        return JSONResponse.finished(id.rawValue, state: state.finished[id]?.name ?? "unknown")
    }
}
