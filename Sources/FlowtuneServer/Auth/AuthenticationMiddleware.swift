import HTTPTypes
import Hummingbird

/// Requires an API key on every route except the open ones, and records who is calling.
///
/// The key comes as `Authorization: Bearer KEY` or `X-API-Key: KEY`.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = FlowtuneRequestContext

    let keys: KeyRing
    /// Paths served without a key.
    let openPaths: Set<String>

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if openPaths.contains(request.uri.path) {
            return try await next(request, context)
        }
        guard let secret = Self.secret(in: request) else {
            throw Problem(
                .unauthorized, title: "API key required",
                detail: "send your key as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'")
        }
        guard let identity = keys.identify(secret) else {
            throw Problem(.unauthorized, title: "Unknown API key", detail: "the key presented matches no configured key")
        }
        var context = context
        context.identity = identity
        context.logger[metadataKey: "caller"] = .string(identity.name)
        return try await next(request, context)
    }

    static func secret(in request: Request) -> String? {
        if let authorization = request.headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" { return String(parts[1]) }
        }
        return request.headers[HTTPField.Name("X-API-Key")!]
    }
}

extension FlowtuneRequestContext {
    /// The caller, whose role must grant `access`.
    func require(_ access: Access) throws -> Identity {
        guard let identity else {
            throw Problem(.unauthorized, title: "API key required", detail: "this route needs an API key")
        }
        guard identity.role.allows(access) else {
            throw Problem(
                .forbidden, title: "Not allowed",
                detail: "key \(identity.name) has role \(identity.role.rawValue), which does not grant \(access.rawValue) access")
        }
        return identity
    }
}
