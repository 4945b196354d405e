import FlowtuneCore
import HTTPTypes
import Hummingbird

/// Every route the server answers, in one list: the router is built from it, the authentication
/// middleware learns the open paths from it, and tests hold it against the OpenAPI document and
/// call each entry with every role.
struct RouteCatalog: Sendable {
    /// The routes, grouped by resource.
    let routes: [APIRoute]

    /// The catalog of the server of `host`.
    init(host: WorkspaceHost) {
        routes = SystemRoutes().routes
            + TaskRoutes(host: host).routes
            + WorkflowRoutes(host: host).routes
            + DecisionRoutes(host: host).routes
            + QueueRoutes(host: host).routes
            + WorkerRoutes(host: host).routes
            + ExceptionRoutes(host: host).routes
            + ReallocationRoutes(host: host).routes
            + MetricsRoutes(host: host).routes
            + AuditRoutes(host: host).routes
            + EventStreamRoutes(host: host).routes
            + PlanningRoutes(host: host).routes
    }

    /// Paths served without a key.
    var openPaths: Set<String> {
        Set(routes.filter { $0.access == .open }.map(\.path))
    }

    /// Routes whose groups register themselves (telemetry, webhooks), listed here so that the
    /// OpenAPI check and the route × role test cover them too. Their handlers check their own access.
    static let registeredElsewhere: [RouteDescription] = [
        RouteDescription(method: "GET", path: "/metrics", access: .read),
        RouteDescription(method: "POST", path: "/v1/webhooks", access: .administer),
        RouteDescription(method: "GET", path: "/v1/webhooks", access: .administer),
        RouteDescription(method: "DELETE", path: "/v1/webhooks/{id}", access: .administer),
        RouteDescription(method: "GET", path: "/v1/webhooks/{id}/deliveries", access: .administer),
    ]

    /// Every route the server answers, without handlers: the catalog's own and those registered elsewhere.
    var descriptions: [RouteDescription] {
        routes.map { RouteDescription(method: $0.method.rawValue, path: $0.path, access: $0.access) }
            + Self.registeredElsewhere
    }

    /// Registers every route, each behind its access check, so that no handler can forget one.
    func register(on router: Router<FlowtuneRequestContext>) {
        for route in routes {
            let handler = route.handler
            let access = route.access
            router.on(RouterPath(route.path), method: route.method) { request, context in
                try access.check(context)
                return try await handler(request, context)
            }
        }
    }
}

/// A route as the catalog lists it: method, OpenAPI path and access.
public struct RouteDescription: Sendable, Hashable, CustomStringConvertible {
    /// The HTTP method, upper case.
    public var method: String
    /// The path with parameters in braces, such as `/v1/tasks/{id}`.
    public var path: String
    /// Who may call it.
    public var access: RouteAccess

    public var description: String { "\(method) \(path)" }
}

extension FlowtuneServer {
    /// Every route the server answers, with its access.
    public var routeCatalog: [RouteDescription] {
        RouteCatalog(host: host).descriptions
    }
}
