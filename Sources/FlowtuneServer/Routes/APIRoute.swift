import FlowtuneCore
import HTTPTypes
import Hummingbird

/// One route of the API: its method, its path as OpenAPI writes it (`/v1/tasks/{id}`), who may
/// call it, and what it does.
struct APIRoute: Sendable {
    /// The HTTP method.
    var method: HTTPRequest.Method
    /// The path, with parameters in braces; Hummingbird reads the same syntax.
    var path: String
    /// Who may call the route; checked before the handler runs.
    var access: RouteAccess
    /// The handler.
    var handler: @Sendable (Request, FlowtuneRequestContext) async throws -> Response

    init(
        _ method: HTTPRequest.Method, _ path: String, _ access: RouteAccess,
        _ handler: @escaping @Sendable (Request, FlowtuneRequestContext) async throws -> Response
    ) {
        self.method = method
        self.path = path
        self.access = access
        self.handler = handler
    }
}

/// Who may call a route.
///
/// The plain cases map to one ``Access``. The `…OrOwn` cases also admit a worker key, which the
/// handler then confines to the key's own worker and tasks.
public enum RouteAccess: String, Sendable, Hashable, CaseIterable {
    /// No key needed.
    case open
    /// Roles granting ``Access/read``: admin, operator, viewer.
    case read
    /// Roles granting ``Access/operate``: admin, operator.
    case operate
    /// Roles granting ``Access/work``: admin, worker.
    case work
    /// Roles granting ``Access/administer``: admin.
    case administer
    /// Readers, and worker keys for their own tasks.
    case readOrOwn
    /// Operators, and worker keys for themselves and their own tasks.
    case operateOrOwn

    /// Whether a key with `role` gets past the route's access check.
    public func admits(_ role: Role) -> Bool {
        switch self {
        case .open: true
        case .read: role.allows(.read)
        case .operate: role.allows(.operate)
        case .work: role.allows(.work)
        case .administer: role.allows(.administer)
        case .readOrOwn: role == .worker || role.allows(.read)
        case .operateOrOwn: role == .worker || role.allows(.operate)
        }
    }

    /// The access a role must be granted, for the problem that refuses it.
    private var needed: Access {
        switch self {
        case .open, .read, .readOrOwn: .read
        case .operate, .operateOrOwn: .operate
        case .work: .work
        case .administer: .administer
        }
    }

    /// Refuses a caller the route does not admit: 401 without a key, 403 with the wrong role.
    func check(_ context: FlowtuneRequestContext) throws {
        guard self != .open else { return }
        let identity = try context.caller
        guard admits(identity.role) else {
            throw Problem(
                .forbidden, title: "Not allowed",
                detail: "key \(identity.name) has role \(identity.role.rawValue), which does not grant \(needed.rawValue) access")
        }
    }
}

extension FlowtuneRequestContext {
    /// The caller of a keyed route. The catalog has already checked the route's access.
    var caller: Identity {
        get throws {
            guard let identity else {
                throw Problem(.unauthorized, title: "API key required", detail: "this route needs an API key")
            }
            return identity
        }
    }
}

extension Identity {
    /// The worker whose tasks alone this caller may see or act on, for a worker key.
    var restrictedWorker: WorkerID? { role == .worker ? worker : nil }
}
