import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The formats a definition body may come in.
enum DefinitionFormat: Sendable {
    case json
    case yaml

    /// The format named by the request's `Content-Type`; YAML when none is given, as curl's
    /// `--data-binary @file.yaml` sends none worth trusting.
    init(_ request: Request) throws {
        let type = request.headers[.contentType]?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch type {
        case "application/json", "text/json": self = .json
        case "", "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain",
            "application/x-www-form-urlencoded":
            self = .yaml
        default:
            throw Problem(
                .unsupportedMediaType, title: "Unsupported media type",
                detail: "send the definition as application/yaml or application/json, not \(type)",
                field: "Content-Type")
        }
    }
}

extension Request {
    /// The body as UTF-8 text, read up to the context's limit.
    func text(context: FlowtuneRequestContext) async throws -> String {
        var request = self
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw Problem(
                .contentTooLarge, title: "Body too large",
                detail: "the request body is larger than the \(context.maxUploadSize) bytes allowed")
        }
        guard buffer.readableBytes > 0 else {
            throw Problem(.badRequest, title: "Empty body", detail: "this route needs a body")
        }
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else {
            throw Problem(.badRequest, title: "Not UTF-8", detail: "the request body must be UTF-8 text")
        }
        return text
    }
}

/// Checks that a JSON body is well-formed before the YAML reader sees it, so that broken JSON is
/// the same 400 on every route rather than a YAML syntax error.
enum JSONSyntax {
    /// The parsed top-level value; throws the 400 problem for text that is not JSON.
    @discardableResult
    static func check(_ text: String) throws -> Any {
        do {
            return try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        } catch {
            throw Problem(.badRequest, title: "Malformed JSON", detail: "the request body is not valid JSON")
        }
    }
}
