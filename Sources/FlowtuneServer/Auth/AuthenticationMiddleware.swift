import HTTPTypes
import Hummingbird
import Logging

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
        // The caller goes into log lines through the loggers' metadata provider, read only when a
        // line is written: setting logger metadata here re-rendered it on every request.
        return try await RequestCaller.$name.withValue(identity.name) {
            try await next(request, context)
        }
    }

    static let apiKeyHeader = HTTPField.Name("X-API-Key")!

    static func secret(in request: Request) -> String? {
        secret(in: request.headers)
    }

    /// The key presented in `headers`, if any.
    static func secret(in headers: HTTPFields) -> String? {
        if let authorization = value(of: .authorization, in: headers) {
            // `Bearer KEY`, the scheme in any case.
            let bytes = authorization.utf8
            if bytes.count > 7, bytes[bytes.index(bytes.startIndex, offsetBy: 6)] == UInt8(ascii: " "),
                zip(bytes, "bearer".utf8).allSatisfy({ $0 | 0x20 == $1 })
            {
                let key = authorization.utf8.dropFirst(7)
                if !key.isEmpty, key.first != UInt8(ascii: " ") { return String(Substring(key)) }
            }
        }
        return headers[apiKeyHeader]
    }

    /// The value of the field `name` as `HTTPFields`' subscript gives it: nil when absent, the
    /// values joined with ", " when there are several. The subscript builds an array and joins it
    /// even for one value, which on the busiest routes cost as much as recognising the key.
    static func value(of name: HTTPField.Name, in fields: HTTPFields) -> String? {
        var found: String?
        for field in fields where field.name == name {
            if found != nil { return fields[name] }
            found = field.value
        }
        return found
    }
}

/// The caller of the request a task is serving, for log lines.
enum RequestCaller {
    @TaskLocal static var name: String?

    /// Adds `caller` to every line logged while a keyed request is served.
    static let metadataProvider = Logger.MetadataProvider {
        guard let name else { return [:] }
        return ["caller": .string(name)]
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
