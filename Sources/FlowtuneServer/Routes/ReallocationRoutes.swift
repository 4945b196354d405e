import FlowtuneCore
import FlowtuneEngine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/reallocations`: the moves of workers between queues that real-time reallocation
/// proposed — pending ones first, then the recently decided — and an operator's approval or
/// refusal of a pending one.
///
/// Moves within the automatic cost limit are applied as they are proposed and appear here as
/// `applied` by `system`; dearer ones wait as `pending` until an operator decides.
struct ReallocationRoutes {
    let host: WorkspaceHost

    struct DeclineBody: Decodable {
        var reason: String
    }

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/v1/reallocations", .operate, list),
            APIRoute(.post, "/v1/reallocations/{id}/approve", .operate, approve),
            APIRoute(.post, "/v1/reallocations/{id}/decline", .operate, decline),
        ]
    }

    @Sendable func list(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let records = await host.engine.currentState.reallocations.values
        var items = records.filter(\.isPending) + records.filter { !$0.isPending }.reversed()
        if let status = request.uri.queryParameters["status"] {
            guard let wanted = ReallocationRecord.Status(rawValue: String(status)) else {
                let allowed = ReallocationRecord.Status.allCases.map(\.rawValue).joined(separator: ", ")
                throw Problem(
                    .badRequest, title: "Invalid query", detail: "status must be one of \(allowed), not \(status)", field: "status")
            }
            items = items.filter { $0.status == wanted }
        }
        return try JSONResponse.make(Page(items: items.map(ReallocationResource.init)))
    }

    @Sendable func approve(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let id = try ReallocationID(context.parameters.require("id"))
        try await host.engine.submit(.approveReallocation(id), actor: identity.actor, cause: "POST /v1/reallocations/\(id)/approve")
        return try await current(id)
    }

    @Sendable func decline(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let id = try ReallocationID(context.parameters.require("id"))
        let body = try await request.decodeJSON(DeclineBody.self, context: context)
        try await host.engine.submit(
            .declineReallocation(id, reason: body.reason), actor: identity.actor, cause: "POST /v1/reallocations/\(id)/decline")
        return try await current(id)
    }

    private func current(_ id: ReallocationID) async throws -> Response {
        guard let record = await host.engine.currentState.reallocation(id) else {
            throw Problem(.notFound, title: "Not found", detail: "no proposed move \(id)", field: "id")
        }
        return try JSONResponse.make(ReallocationResource(record))
    }
}
