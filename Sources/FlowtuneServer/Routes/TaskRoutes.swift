import FlowtuneCore
import FlowtuneEngine
import Foundation
import HTTPTypes
import Hummingbird

/// `/v1/tasks`: create, read, list and work tasks.
struct TaskRoutes {
    let host: WorkspaceHost

    struct CreateBody: Decodable {
        var id: String?
        var workflow: String
        var channel: String?
        var priority: Int?
        var attributes: JSONValue?
    }

    struct WorkBody: Decodable {
        /// The worker acted for; only an admin may name one, a worker key acts as its worker.
        var worker: String?
    }

    struct CompleteBody: Decodable {
        var worker: String?
        var outcome: String?
        var evidence: [String: JSONValue]?
    }

    struct ReasonBody: Decodable {
        var reason: String
        var context: [String: String]?
    }

    struct TaskWithHistory: Encodable, Sendable {
        var task: TaskResource?
        var finished: String?
        var history: [EventResource]
    }

    var routes: [APIRoute] {
        [
            APIRoute(.post, "/v1/tasks", .administer, create),
            APIRoute(.get, "/v1/tasks", .readOrOwn, list),
            APIRoute(.get, "/v1/tasks/{id}", .readOrOwn, get),
            APIRoute(.post, "/v1/tasks/{id}/accept", .work, accept),
            APIRoute(.post, "/v1/tasks/{id}/reject", .work, reject),
            APIRoute(.post, "/v1/tasks/{id}/complete", .work, complete),
            APIRoute(.post, "/v1/tasks/{id}/cancel", .operate, cancel),
            APIRoute(.post, "/v1/tasks/{id}/exception", .operateOrOwn, flag),
        ]
    }

    @Sendable func create(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let body = try await request.decodeJSON(CreateBody.self, context: context)
        let key = AuthenticationMiddleware.value(of: Self.idempotencyKey, in: request.headers)
        return try await create(body, key: key, by: identity).response
    }

    /// Creates a task; shared by the route and ``TaskRouteShortcut``.
    func create(_ body: CreateBody, key: String?, by identity: Identity) async throws -> JSONAnswer {
        let new = NewTask(
            id: body.id.map(TaskID.init), workflow: WorkflowID(body.workflow), channel: body.channel.map(Channel.init) ?? .default,
            priority: body.priority ?? 5, attributes: body.attributes ?? .object([:]), idempotencyKey: key)
        let outcome = try await host.engine.submit(
            .createTask(new), actor: identity.actor, cause: "POST /v1/tasks", reportingTask: true)
        guard let id = outcome.createdTask, let task = outcome.task else {
            let id = outcome.createdTask?.rawValue ?? "?"
            throw Problem(.conflict, title: "Task already finished", detail: "task \(id) made with this key has finished")
        }
        // A retry with the same key returns the task it made, as 200 rather than 201.
        return JSONAnswer(
            status: outcome.events.isEmpty ? .ok : .created, headers: [.location: "/v1/tasks/\(id)"],
            json: try TaskResource(task).json())
    }

    @Sendable func list(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let query = request.uri.queryParameters
        let state = await host.engine.currentState
        let now = host.clock.now()
        var tasks = Array(state.tasks.values)
        if let worker = identity.restrictedWorker { tasks = tasks.filter { $0.state.worker == worker } }
        if let value = query["state"] { tasks = tasks.filter { $0.state.name == String(value) } }
        if let value = query["queue"] { tasks = tasks.filter { $0.queue.rawValue == String(value) } }
        if let value = query["lane"] { tasks = tasks.filter { $0.lane.rawValue == String(value) } }
        if let value = query["step"] { tasks = tasks.filter { $0.step.rawValue == String(value) } }
        if let value = query["workflow"] { tasks = tasks.filter { $0.workflow.rawValue == String(value) } }
        if let value = query["min_age"] {
            guard let seconds = DurationText.seconds(from: String(value)) else {
                throw Problem(.badRequest, title: "Invalid query", detail: "min_age must be a duration such as 15m", field: "min_age")
            }
            tasks = tasks.filter { now.timeIntervalSince($0.createdAt) >= seconds }
        }
        let limit = try Self.limit(query)
        tasks.sort { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        return try JSONResponse.make(Page(items: tasks.prefix(limit).map(TaskResource.init)))
    }

    @Sendable func get(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let id = try TaskID(context.parameters.require("id"))
        let state = await host.engine.currentState
        let task = state.task(id)
        if let worker = identity.restrictedWorker, task?.state.worker != worker {
            throw Problem(.notFound, title: "Not found", detail: "no task \(id) assigned or offered to \(worker)")
        }
        let history = try await host.store.events(of: id, in: host.workspace)
        guard task != nil || !history.isEmpty else {
            throw Problem(.notFound, title: "Not found", detail: "no task \(id)", field: "id")
        }
        return try JSONResponse.make(TaskWithHistory(
            task: task.map(TaskResource.init), finished: state.finished[id]?.name,
            history: history.map { EventResource(StoredEventView(sequence: $0.sequence, event: $0.event)) }))
    }

    @Sendable func accept(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let (identity, worker) = try await actingWorker(request, context)
        let id = try TaskID(context.parameters.require("id"))
        return try await accept(id, as: worker, by: identity).response
    }

    /// Accepts an offer; shared by the route and ``TaskRouteShortcut``.
    func accept(_ id: TaskID, as worker: WorkerID, by identity: Identity) async throws -> JSONAnswer {
        let outcome = try await host.engine.submit(
            .acceptOffer(id, worker: worker), actor: identity.actor, cause: "accept", reportingTask: true)
        return try reported(id, outcome)
    }

    @Sendable func reject(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let (identity, worker) = try await actingWorker(request, context)
        let id = try TaskID(context.parameters.require("id"))
        try await host.engine.submit(.rejectOffer(id, worker: worker), actor: identity.actor, cause: "reject")
        return try await current(id)
    }

    @Sendable func complete(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let body = try await request.decodeJSON(CompleteBody.self, context: context)
        let worker = try Self.worker(for: identity, named: body.worker)
        let id = try TaskID(context.parameters.require("id"))
        return try await complete(id, body, as: worker, by: identity).response
    }

    /// Completes a step; shared by the route and ``TaskRouteShortcut``.
    func complete(_ id: TaskID, _ body: CompleteBody, as worker: WorkerID, by identity: Identity) async throws -> JSONAnswer {
        let outcome = try await host.engine.submit(
            .completeStep(id, worker: worker, outcome: body.outcome, evidence: body.evidence ?? [:]),
            actor: identity.actor, cause: "complete", reportingTask: true)
        return try reported(id, outcome)
    }

    @Sendable func cancel(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let body = try await request.decodeJSON(ReasonBody.self, context: context)
        let id = try TaskID(context.parameters.require("id"))
        try await host.engine.submit(.cancelTask(id, reason: body.reason), actor: identity.actor, cause: "cancel")
        return try await current(id)
    }

    @Sendable func flag(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        let identity = try context.caller
        let body = try await request.decodeJSON(ReasonBody.self, context: context)
        let id = try TaskID(context.parameters.require("id"))
        if let worker = identity.restrictedWorker, await host.engine.currentState.task(id)?.state.worker != worker {
            throw Problem(.forbidden, title: "Not allowed", detail: "task \(id) is not assigned to \(worker)", field: "id")
        }
        try await host.engine.submit(
            .flagException(id, reason: body.reason, context: body.context ?? [:]), actor: identity.actor, cause: "flag")
        return try await current(id)
    }

    // MARK: - Helpers

    /// Made once: a field name is checked and lower-cased each time one is made.
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    /// The task as it stands, or where it ended.
    private func current(_ id: TaskID) async throws -> Response {
        let state = await host.engine.currentState
        if let task = state.task(id) { return try JSONResponse.make(TaskResource(task)) }
        return JSONResponse.finished(id.rawValue, state: state.finished[id]?.name ?? "unknown")
    }

    /// The task as the command left it, from its outcome: no second call to the engine.
    private func reported(_ id: TaskID, _ outcome: CommandOutcome) throws -> JSONAnswer {
        if let task = outcome.task { return JSONAnswer(json: try TaskResource(task).json()) }
        return JSONAnswer(json: JSONResponse.finishedJSON(id.rawValue, state: outcome.finishedState?.name ?? "unknown"))
    }

    private func actingWorker(_ request: Request, _ context: FlowtuneRequestContext) async throws -> (Identity, WorkerID) {
        let identity = try context.caller
        var named: String?
        if identity.worker == nil {
            named = try await request.decodeJSON(WorkBody.self, context: context).worker
        }
        return (identity, try Self.worker(for: identity, named: named))
    }

    /// The worker a caller acts as: a worker key's own worker; for an admin, the one it names.
    static func worker(for identity: Identity, named: String?) throws -> WorkerID {
        if let own = identity.worker {
            if let named, named != own.rawValue {
                throw Problem(.forbidden, title: "Not allowed", detail: "key \(identity.name) acts only for \(own)", field: "worker")
            }
            return own
        }
        guard let named, !named.isEmpty else {
            throw Problem(.unprocessableContent, title: "Invalid request", detail: "name the worker to act for", field: "worker")
        }
        return WorkerID(named)
    }

    static func limit(_ query: Parameters) throws -> Int {
        guard let text = query["limit"] else { return 500 }
        guard let limit = Int(String(text)), limit > 0 else {
            throw Problem(.badRequest, title: "Invalid query", detail: "limit must be a positive whole number", field: "limit")
        }
        return min(limit, 10_000)
    }
}
