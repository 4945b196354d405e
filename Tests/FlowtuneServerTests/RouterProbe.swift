import FlowtuneCore
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded
import Testing

/// Calls the router directly and reads the response body only until a condition holds, then
/// hangs up as a client would — the way to test a response that never ends, such as `/v1/events`.
struct RouterProbe {
    let responder: RouterResponder<FlowtuneRequestContext>

    init(_ server: FlowtuneServer) {
        responder = server.router().buildResponder()
    }

    init(_ router: Router<FlowtuneRequestContext>) {
        responder = router.buildResponder()
    }

    /// What a call saw before it stopped reading.
    struct Reply {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var body: String
        /// How many writes the body came in.
        var writes: Int = 0

        var json: JSONValue {
            get throws { try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8)) }
        }
    }

    /// Sends a request; reads the body until `enough` says so (or it ends), then disconnects.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, key: String?, json body: String? = nil,
        headers extra: HTTPFields = [:], timeout: Duration = .seconds(20),
        until enough: @escaping @Sendable (String) -> Bool = { _ in false }
    ) async throws -> Reply {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if let body {
            headers[.contentType] = headers[.contentType] ?? "application/json"
            headers[.contentLength] = String(body.utf8.count)
        }
        let request = Request(
            head: HTTPRequest(method: method, scheme: "http", authority: "localhost", path: uri, headerFields: headers),
            body: RequestBody(buffer: ByteBuffer(string: body ?? "")))
        let context = FlowtuneRequestContext(
            source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: Logger(label: "probe")))
        let response = try await responder.respond(to: request, context: context)
        let sink = Sink()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await response.body.write(HangingUpWriter(sink: sink, enough: enough))
                } catch is HangingUpWriter.HungUp {
                    // The client hung up, as asked: what was read is the reply.
                }
            }
            group.addTask {
                // A stream that never says enough fails the test instead of hanging it.
                try await Task.sleep(for: timeout)
                throw TimedOut(uri: uri, read: sink.text)
            }
            try await group.next()
            group.cancelAll()
        }
        return Reply(status: response.status, headers: response.headers, body: sink.text, writes: sink.writes)
    }
}

/// A response that did not finish, nor give enough, in time.
struct TimedOut: Error, CustomStringConvertible {
    var uri: String
    var read: String
    var description: String { "\(uri) timed out after reading: \(read)" }
}

/// The bytes a probe has read so far.
final class Sink: Sendable {
    private let buffer = NIOLockedValueBox((bytes: ByteBuffer(), writes: 0))

    func append(_ bytes: ByteBuffer) {
        buffer.withLockedValue { value in
            var bytes = bytes
            value.bytes.writeBuffer(&bytes)
            value.writes += 1
        }
    }

    var text: String { buffer.withLockedValue { String(buffer: $0.bytes) } }

    /// How many writes have been appended.
    var writes: Int { buffer.withLockedValue { $0.writes } }
}

/// A response body writer that fails its next write once the reader has had enough, as a socket
/// to a client that has gone does.
struct HangingUpWriter: ResponseBodyWriter {
    struct HungUp: Error {}

    let sink: Sink
    let enough: @Sendable (String) -> Bool

    mutating func write(_ buffer: ByteBuffer) async throws {
        if enough(sink.text) { throw HungUp() }
        sink.append(buffer)
        if enough(sink.text) { throw HungUp() }
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension TestClientProtocol {
    /// Sends `body` as text of `contentType` with `key`.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ uri: String, key: String?, text body: String, contentType: String
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: contentType]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body))
    }
}

extension ServerFixture {
    /// Creates a task of the support workflow; it is offered to ana at once.
    func createTask(id: String? = nil) async throws -> TaskID {
        let outcome = try await server.host.engine.submit(
            .createTask(NewTask(id: id.map(TaskID.init), workflow: "support")), actor: "fixture")
        return try #require(outcome.createdTask)
    }

    /// Waits until the live measures have folded every committed event.
    func metricsCaughtUp() async throws {
        let target = await server.host.engine.committedVersion
        for _ in 0..<500 {
            if await server.host.board.position >= target { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CancellationError()
    }
}
