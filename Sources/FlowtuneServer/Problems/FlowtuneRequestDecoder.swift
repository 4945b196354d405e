import Foundation
import Hummingbird
import NIOCore

/// Decodes JSON bodies, reading them up to the context's limit, so that an oversized body is a
/// 413 and a malformed one a problem naming the field.
public struct FlowtuneRequestDecoder: RequestDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        try JSONDecoder().decode(T.self, from: Data(try await Self.body(of: request, context: context).readableBytesView))
    }

    /// Decodes a body of the busy routes: the fast reader first, the decoder for anything it
    /// leaves (which then reports what is wrong exactly as for every other body).
    func decode<T: FastDecodable>(fast type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer = try await Self.body(of: request, context: context)
        if let value = FastJSON.parse(buffer), let body = T(fast: value) { return body }
        return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }

    /// The body, read up to the context's limit; a problem when it is over the limit or empty.
    static func body(of request: Request, context: some RequestContext) async throws -> ByteBuffer {
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
        return buffer
    }
}

extension Request {
    /// Decodes the JSON body, reporting undecodable bodies as problems that name the field
    /// (Hummingbird's own `decode` folds them into a plain 400).
    func decodeJSON<T: Decodable>(_ type: T.Type, context: FlowtuneRequestContext) async throws -> T {
        try await FlowtuneRequestDecoder().decode(type, from: self, context: context)
    }

    /// Decodes the JSON body of a busy route, through the fast reader when it can.
    func decodeJSON<T: FastDecodable>(_ type: T.Type, context: FlowtuneRequestContext) async throws -> T {
        try await FlowtuneRequestDecoder().decode(fast: type, from: self, context: context)
    }
}
