import Foundation
import Hummingbird

/// `/v1/webhooks`: subscribe to events, list and delete subscriptions, read a delivery log.
/// Admin keys only: a subscription sends workspace data to any URL.
struct WebhookRoutes {
    let host: WorkspaceHost
    let repository: WebhookRepository

    struct CreateBody: Decodable {
        var url: String
        var events: [String]
    }

    /// A subscription as listed: never its secret.
    struct SubscriptionResource: Encodable, Sendable {
        var id: String
        var url: String
        var events: [String]
        var createdAt: Date
        var cursor: Int64
        var secret: String?

        init(_ subscription: WebhookSubscription, showingSecret: Bool = false) {
            id = subscription.id
            url = subscription.url.absoluteString
            events = subscription.events
            createdAt = subscription.createdAt
            cursor = subscription.cursor
            secret = showingSecret ? subscription.secret : nil
        }
    }

    func register(on router: Router<FlowtuneRequestContext>) {
        let webhooks = router.group("v1/webhooks")
        webhooks.post(use: create)
        webhooks.get(use: list)
        webhooks.delete(":id", use: delete)
        webhooks.get(":id/deliveries", use: deliveries)
    }

    @Sendable func create(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        _ = try context.require(.administer)
        let body = try await request.decodeJSON(CreateBody.self, context: context)
        guard let url = URL(string: body.url), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            url.host?.isEmpty == false
        else {
            throw Problem(.unprocessableContent, title: "Invalid request", detail: "url must be an absolute http or https URL", field: "url")
        }
        guard !body.events.isEmpty else {
            throw Problem(
                .unprocessableContent, title: "Invalid request", detail: "name at least one event type, or \"*\" for all",
                field: "events")
        }
        for (index, type) in body.events.enumerated() where type != "*" && !WebhookSubscription.eventTypes.contains(type) {
            throw Problem(
                .unprocessableContent, title: "Invalid request",
                detail: "\(type) is not an event type; use one of \(WebhookSubscription.eventTypes.sorted().joined(separator: ", ")) or \"*\"",
                field: "events[\(index)]")
        }
        // Deliveries start with the events committed after the subscription is made.
        let subscription = WebhookSubscription(
            id: "wh_" + Self.randomToken(12), url: url, events: Array(Set(body.events)).sorted(),
            secret: "whsec_" + Self.randomToken(32), createdAt: Date(), cursor: await host.engine.committedVersion)
        try repository.insert(subscription)
        return try JSONResponse.make(
            SubscriptionResource(subscription, showingSecret: true), status: .created,
            headers: [.location: "/v1/webhooks/\(subscription.id)"])
    }

    @Sendable func list(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        _ = try context.require(.administer)
        return try JSONResponse.make(Page(items: try repository.subscriptions().map { SubscriptionResource($0) }))
    }

    @Sendable func delete(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        _ = try context.require(.administer)
        let id = try context.parameters.require("id")
        guard try repository.delete(id) else {
            throw Problem(.notFound, title: "Not found", detail: "no webhook subscription \(id)", field: "id")
        }
        return Response(status: .noContent)
    }

    @Sendable func deliveries(_ request: Request, context: FlowtuneRequestContext) async throws -> Response {
        _ = try context.require(.administer)
        let id = try context.parameters.require("id")
        guard try repository.subscription(id) != nil else {
            throw Problem(.notFound, title: "Not found", detail: "no webhook subscription \(id)", field: "id")
        }
        var limit = 100
        if let text = request.uri.queryParameters["limit"] {
            guard let number = Int(String(text)), number > 0 else {
                throw Problem(.badRequest, title: "Invalid query", detail: "limit must be a positive whole number", field: "limit")
            }
            limit = min(number, 1000)
        }
        return try JSONResponse.make(Page(items: try repository.deliveries(of: id, limit: limit)))
    }

    /// Random URL-safe characters from the system's secure generator.
    static func randomToken(_ count: Int) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
