import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Builds JSON responses with the API's encoder.
enum JSONResponse {
    static func make(
        _ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) throws -> Response {
        let data = try EventJSON.encoder.encode(value)
        return make(json: ByteBuffer(bytes: data), status: status, headers: headers)
    }

    /// A task, written without the encoder.
    static func make(_ task: TaskResource, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        make(json: try task.json(), status: status, headers: headers)
    }

    /// A response of JSON already written.
    static func make(json: ByteBuffer, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        // Appended where the caller gave none (every busy route): setting through the subscript
        // looks for fields of the name to replace and builds an array of one.
        if fields.contains(.contentType) {
            fields[.contentType] = "application/json"
        } else {
            fields.append(HTTPField(name: .contentType, value: "application/json"))
        }
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: json))
    }

    /// `{"id":…,"state":…}`: where a task that has left the live state ended.
    static func finished(_ id: String, state: String) -> Response {
        make(json: finishedJSON(id, state: state))
    }

    /// The body of ``finished(_:state:)``.
    static func finishedJSON(_ id: String, state: String) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        buffer.writeStaticString("{")
        JSONBytes.writeKey("id", into: &buffer)
        JSONBytes.writeString(id, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("state", into: &buffer)
        JSONBytes.writeString(state, into: &buffer)
        buffer.writeStaticString("}")
        return buffer
    }
}

/// A JSON answer before it becomes a `Response`: what ``TaskRouteShortcut`` writes itself.
struct JSONAnswer: Sendable {
    var status: HTTPResponse.Status = .ok
    var headers: HTTPFields = [:]
    var json: ByteBuffer

    /// The answer as the router sends it.
    var response: Response { JSONResponse.make(json: json, status: status, headers: headers) }
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
