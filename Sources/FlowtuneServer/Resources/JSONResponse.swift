import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Builds JSON responses with the API's encoder.
enum JSONResponse {
    static func make(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        let data = try JSONEncoder.api.encode(value)
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A list wrapped in an object, so that fields can be added later without breaking clients.
struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    var items: [Item]
    var count: Int { items.count }

    enum CodingKeys: String, CodingKey { case items, count }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(items, forKey: .items)
        try container.encode(count, forKey: .count)
    }
}
