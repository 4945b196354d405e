import FlowtuneCore
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import FlowtuneServer

@Suite("Task route shortcut")
struct TaskRouteShortcutTests {
    /// The exchanges of a lifecycle and its refusals, each sent when the one before is answered,
    /// then a pipelined batch; every answer is compared with the router's.
    static let exchanges: [[String]] = [
        [post("/v1/tasks", #"{"id": "t1", "workflow": "support"}"#)],
        // A refused command: a problem document from the handler.
        [post("/v1/tasks", #"{"id": "t1", "workflow": "support"}"#)],
        [post("/v1/tasks/t1/accept", #"{"worker": "ana"}"#)],
        [post("/v1/tasks/t1/complete", #"{"worker": "ana", "evidence": {"resolution": "fixed"}}"#)],
        [post("/v1/tasks/t1/complete", #"{"worker": "ana", "evidence": {"resolution": "fixed"}}"#)],
        [post("/v1/tasks/nope/accept", "{}", key: ServerFixture.anaKey)],
        // Passed on to the router: wrong role, unknown key, no key, a body the decoder reports
        // on, a missing worker, an encoded id, a body over the limit.
        [post("/v1/tasks", #"{"workflow": "support"}"#, key: ServerFixture.viewerKey)],
        [post("/v1/tasks", #"{"workflow": "support"}"#, key: "wrong")],
        [post("/v1/tasks", #"{"workflow": "support"}"#, key: nil)],
        [post("/v1/tasks", #"{"workflow": "support", "priority": "high"}"#)],
        [post("/v1/tasks", #"{"workflow":"#)],
        [post("/v1/tasks/t2/complete", #"{"evidence": {}}"#)],
        [post("/v1/tasks/t%32/accept", #"{"worker": "ana"}"#)],
        [post("/v1/tasks", #"{"workflow": "support", "attributes": {"note": "\#(String(repeating: "x", count: 600))"}}"#)],
        // A retry with the same key: 201, then 200 with the same task.
        [post("/v1/tasks", #"{"workflow": "support"}"#, extra: "Idempotency-Key: k1\r\n")],
        [post("/v1/tasks", #"{"workflow": "support"}"#, extra: "Idempotency-Key: k1\r\n")],
        // Pipelined: served here and by the router, answered in order.
        [
            post("/v1/tasks", #"{"id": "t3", "workflow": "support"}"#),
            "GET /v1/tasks/t3 HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer \(ServerFixture.adminKey)\r\n\r\n",
            // Ana still holds the offer of the task made with key k1, so t3 is offered to Ben.
            post("/v1/tasks/t3/accept", "{}", key: ServerFixture.benKey),
            "GET /health HTTP/1.1\r\nHost: test\r\n\r\n",
            post("/v1/tasks/t3/complete", #"{"evidence": {"resolution": "ok"}}"#, key: ServerFixture.benKey),
        ],
        // Passed on, so that the router closes the connection after its answer.
        [post("/v1/tasks", #"{"id": "t5", "workflow": "support"}"#, extra: "Connection: close\r\n")],
    ]

    @Test("the lifecycle's routes answer byte for byte as the router does, in order when pipelined")
    func sameAnswersAsTheRouter() async throws {
        let (viaShortcut, served) = try await Self.answers(shortcut: true)
        let (viaRouter, servedOff) = try await Self.answers(shortcut: false)
        // Served here: t1's create, its retry, accept, complete twice, the unknown task's accept,
        // the two idempotent creates, and t3's create; the pipelined requests behind it go to the
        // router, which answers the GET between them.
        #expect(served == 9)
        #expect(servedOff == 0)
        #expect(viaShortcut.count == Self.exchanges.map(\.count).reduce(0, +))
        for (index, (fast, plain)) in zip(viaShortcut, viaRouter).enumerated() {
            #expect(fast == plain, "answer \(index)")
        }
        // The answers are what a client expects, not merely the same.
        #expect(viaShortcut.map(\.status) == [
            201, 409, 200, 200, 409, 404, 403, 401, 401, 422, 400, 422, 404, 413, 201, 200,
            201, 200, 200, 200, 200, 201,
        ])
        #expect(viaShortcut[14].body == viaShortcut[15].body)
        #expect(viaShortcut[16].body.contains(#""id":"t3""#) && viaShortcut[16].body.contains(#""worker":"ben""#))
        #expect(viaShortcut[17].body.contains(#""id":"t3""#))
        #expect(viaShortcut[18].body.contains(#""state":"assigned""#))
        #expect(viaShortcut[19].body == #"{"status":"ok"}"#)
    }

    @Test("the Date header is RFC 9110's IMF-fixdate, as Foundation formats it")
    func httpDate() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        var generator = SeededGenerator(seed: 11)
        for _ in 0..<2_000 {
            let second = Int(generator.next() % 4_102_444_800)  // 1970 to 2100
            #expect(HTTPDate.format(second) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(second))))
        }
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    // MARK: - Helpers

    static func post(_ path: String, _ body: String, key: String? = ServerFixture.adminKey, extra: String = "") -> String {
        var request = "POST \(path) HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        if let key { request += "Authorization: Bearer \(key)\r\n" }
        return request + extra + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
    }

    struct Answer: Equatable, CustomStringConvertible {
        var status: Int
        /// Every header but `Date`, in order.
        var headers: [String]
        var body: String
        var description: String { "\(status) \(headers) \(body)" }
    }

    /// Runs `exchanges` against a fresh server, one connection, and returns every answer.
    static func answers(shortcut: Bool, exchanges: [[String]] = exchanges) async throws -> (answers: [Answer], served: Int) {
        let fixture = try await ServerFixture.make(bodyLimit: 512, live: true, taskShortcut: shortcut)
        defer { fixture.cleanUp() }
        let live = try await LiveServer.start(fixture.server)
        let connection = try await RawConnection.open(port: live.port)
        var answers: [Answer] = []
        do {
            for batch in exchanges {
                let text = try await connection.exchange(batch.joined(), answers: batch.count)
                answers += try parse(text)
            }
        } catch {
            try? await connection.close()
            try await live.stop()
            throw error
        }
        try? await connection.close()  // the server has closed it after `Connection: close`
        try await live.stop()
        return (answers, fixture.server.shortcutServed.value)
    }

    struct Malformed: Error {}

    static func parse(_ text: String) throws -> [Answer] {
        var answers: [Answer] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            guard let end = rest.range(of: "\r\n\r\n") else { throw Malformed() }
            let lines = rest[..<end.lowerBound].components(separatedBy: "\r\n")
            guard let status = Int(lines[0].split(separator: " ")[1]) else { throw Malformed() }
            let headers = lines.dropFirst().filter { !$0.lowercased().hasPrefix("date:") }
            let length = headers.first { $0.lowercased().hasPrefix("content-length:") }
                .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
            let bodyStart = end.upperBound
            let bodyEnd = rest.utf8.index(bodyStart, offsetBy: length)
            answers.append(Answer(status: status, headers: Array(headers), body: String(rest[bodyStart..<bodyEnd])))
            rest = rest[bodyEnd...]
        }
        return answers
    }
}

/// A raw HTTP/1.1 connection: writes bytes as given, reads until so many answers have arrived.
struct RawConnection: Sendable {
    private let channel: any NIOCore.Channel
    private let collector: NIOLoopBound<Collector>

    static func open(port: Int) async throws -> RawConnection {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector()) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        let collector = try await channel.eventLoop.submit {
            NIOLoopBound(try channel.pipeline.syncOperations.handler(type: Collector.self), eventLoop: channel.eventLoop)
        }.get()
        return RawConnection(channel: channel, collector: collector)
    }

    /// Sends `request` and returns the text of the next `answers` answers.
    func exchange(_ request: String, answers: Int) async throws -> String {
        let promise = channel.eventLoop.makePromise(of: String.self)
        let collector = collector
        try await channel.eventLoop.submit { collector.value.expect(answers, promise) }.get()
        try await channel.writeAndFlush(ByteBuffer(string: request))
        return try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask { try await promise.futureResult.get() }
            group.addTask {
                try await Task.sleep(for: .seconds(10))
                throw TimedOut()
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    func close() async throws {
        try await channel.close()
    }

    struct TimedOut: Error {}

    /// Collects what the server sends; lives on the channel's event loop.
    final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        private var reader = HTTPResponseReader()
        private var text = ""
        private var wanted = 0
        private var promise: EventLoopPromise<String>?

        func expect(_ count: Int, _ promise: EventLoopPromise<String>) {
            wanted = count
            self.promise = promise
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = unwrapInboundIn(data)
            text += String(buffer: bytes)
            reader.append(bytes)
            do {
                while try reader.next() != nil { wanted -= 1 }
            } catch {
                promise?.fail(error)
                promise = nil
            }
            if wanted <= 0, let promise {
                self.promise = nil
                let answered = text
                text = ""
                promise.succeed(answered)
            }
        }
    }
}
