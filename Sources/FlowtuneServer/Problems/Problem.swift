import FlowtuneCore
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An RFC 9457 problem document: what went wrong, in a form a client can act on, naming the
/// field at fault.
///
/// ```json
/// {"type": "https://flowtune.dev/problems/invalid", "title": "Invalid request", "status": 422,
///  "detail": "priority must be 1 (most urgent) to 9, not 12", "field": "priority"}
/// ```
public struct Problem: Error, HTTPResponseError, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status.
    public var status: HTTPResponse.Status
    /// A URI naming the kind of problem.
    public var type: String
    /// A short summary of the kind of problem.
    public var title: String
    /// What happened this time.
    public var detail: String
    /// The request field at fault, as a path such as `attributes.amount` or `Idempotency-Key`.
    public var field: String?
    /// Several located problems, such as every error of a definition file.
    public var errors: [Entry]
    /// Further members of the document (RFC 9457 extension members), such as the outcomes of a
    /// decision's failing examples.
    public var extensions: [String: JSONValue]

    /// One located problem in ``errors``.
    public struct Entry: Sendable, Hashable, Codable {
        /// The field path.
        public var field: String
        /// What is wrong.
        public var message: String
        /// The line in the request body, when known.
        public var line: Int?
        /// The column in the request body, when known.
        public var column: Int?

        /// Creates an entry.
        public init(field: String, message: String, line: Int? = nil, column: Int? = nil) {
            self.field = field
            self.message = message
            self.line = line
            self.column = column
        }
    }

    /// Creates a problem.
    public init(
        _ status: HTTPResponse.Status, type: String? = nil, title: String, detail: String, field: String? = nil,
        errors: [Entry] = [], extensions: [String: JSONValue] = [:]
    ) {
        self.status = status
        self.type = type ?? "https://flowtune.dev/problems/\(Self.slug(title))"
        self.title = title
        self.detail = detail
        self.field = field
        self.errors = errors
        self.extensions = extensions
    }

    public var description: String { "\(status.code) \(title): \(detail)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        // The standard members win over an extension of the same name.
        var body = extensions
        body.merge([
            "type": .string(type), "title": .string(title), "status": .number(Double(status.code)),
            "detail": .string(detail), "instance": .string(request.uri.path),
        ]) { _, standard in standard }
        if let field { body["field"] = .string(field) }
        if !errors.isEmpty {
            body["errors"] = .array(errors.map { entry in
                var members: [String: JSONValue] = ["field": .string(entry.field), "message": .string(entry.message)]
                if let line = entry.line { members["line"] = .number(Double(line)) }
                if let column = entry.column { members["column"] = .number(Double(column)) }
                return .object(members)
            })
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(JSONValue.object(body))
        return Response(
            status: status, headers: [.contentType: "application/problem+json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    private static func slug(_ title: String) -> String {
        title.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).joined(separator: "-")
    }
}

extension Problem {
    /// The problem for a refused command.
    init(_ error: CommandError) {
        let status: HTTPResponse.Status
        let title: String
        switch error.code {
        case .notFound: (status, title) = (.notFound, "Not found")
        case .conflict: (status, title) = (.conflict, "Conflict with the current state")
        case .forbidden: (status, title) = (.forbidden, "Not allowed")
        case .idempotencyMismatch: (status, title) = (.unprocessableContent, "Idempotency key reused")
        case .missingEvidence: (status, title) = (.unprocessableContent, "Missing evidence")
        default: (status, title) = (.unprocessableContent, "Invalid request")
        }
        self.init(status, title: title, detail: error.message, field: error.field)
    }

    /// The problem for a body that could not be decoded.
    init(_ error: DecodingError) {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
                .joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            self.init(.badRequest, title: "Malformed JSON", detail: "the request body is not valid JSON")
        case .dataCorrupted(let context):
            self.init(.unprocessableContent, title: "Invalid request", detail: context.debugDescription, field: path(context))
        case .keyNotFound(let key, let context):
            var keys = context.codingPath
            keys.append(key)
            let field = path(DecodingError.Context(codingPath: keys, debugDescription: ""))
            self.init(.unprocessableContent, title: "Invalid request", detail: "\(field) is required", field: field)
        case .typeMismatch(let type, let context):
            self.init(
                .unprocessableContent, title: "Invalid request",
                detail: "\(path(context)) must be \(Self.describe(type))", field: path(context))
        case .valueNotFound(let type, let context):
            self.init(
                .unprocessableContent, title: "Invalid request",
                detail: "\(path(context)) must be \(Self.describe(type)), not null", field: path(context))
        @unknown default:
            self.init(.badRequest, title: "Malformed request", detail: "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "a \(type)"
        }
    }

    /// The problem for every error of a definition document.
    init(_ error: DefinitionError) {
        self.init(
            .unprocessableContent, title: "Invalid definition",
            detail: error.issues.first.map { $0.path.isEmpty ? $0.message : "\($0.path): \($0.message)" } ?? "the definition is invalid",
            field: error.issues.first.flatMap { $0.path.isEmpty ? nil : $0.path },
            errors: error.issues.map { Entry(field: $0.path, message: $0.message, line: $0.line, column: $0.column) })
    }
}
