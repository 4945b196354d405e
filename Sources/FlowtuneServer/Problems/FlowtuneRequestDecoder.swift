import Foundation
import Hummingbird
import NIOCore

/// Decodes JSON bodies, reading them up to the context's limit, so that an oversized body is a
/// 413 and a malformed one a problem naming the field.
public struct FlowtuneRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw Problem(
                .contentTooLarge, title: "Body too large",
                detail: "the request body is larger than the \(context.maxUploadSize) bytes allowed")
        }
        guard buffer.readableBytes > 0 else {
            throw Problem(.badRequest, title: "Empty body", detail: "this route needs a JSON body")
        }
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }
}

extension Request {
    /// Decodes the JSON body, reporting undecodable bodies as problems that name the field
    /// (Hummingbird's own `decode` folds them into a plain 400).
    func decodeJSON<T: Decodable>(_ type: T.Type, context: FlowtuneRequestContext) async throws -> T {
        try await FlowtuneRequestDecoder().decode(type, from: self, context: context)
    }
}
