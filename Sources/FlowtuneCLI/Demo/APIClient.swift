import AsyncHTTPClient
import FlowtuneCore
import Foundation
import NIOCore
import NIOHTTP1

/// A small JSON client for the Flowtune API, shared by the demo's simulated people and the load
/// generator.
struct APIClient: Sendable {
    /// The server, such as `http://127.0.0.1:8080`, without a trailing slash.
    let base: String
    let http: HTTPClient
    /// How long one request may take.
    var timeout: TimeAmount = .seconds(10)

    /// An answer: its status and its body as JSON (null when empty or not JSON).
    struct Answer: Sendable {
        var status: Int
        var json: JSONValue

        var isSuccess: Bool { (200..<300).contains(status) }
    }

    /// A request that got no answer, or an answer a caller could not use.
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Sends `body` (JSON text) with `key` to `path`.
    func send(_ method: HTTPMethod, _ path: String, key: String, json body: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 16 << 20)
        let json = buffer.readableBytes == 0
            ? JSONValue.null : (try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))) ?? .null
        return Answer(status: Int(response.status.code), json: json)
    }

    /// An HTTP client allowing `connections` concurrent connections to one server, so that N
    /// clients are not queued behind the default pool of eight.
    static func makeHTTPClient(connections: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(connections, 1))
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
}

/// JSON text for a value, for request bodies.
func jsonText(_ value: JSONValue) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "null"
}
