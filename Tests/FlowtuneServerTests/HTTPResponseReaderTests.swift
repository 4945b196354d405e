import FlowtuneServer
import NIOCore
import Testing

@Suite("HTTP response reader")
struct HTTPResponseReaderTests {
    /// Every response `text` holds, fed to the reader in the pieces given by `cuts`.
    private func read(_ text: String, cuts: [Int] = []) throws -> [(status: Int, body: String, closes: Bool)] {
        let bytes = Array(text.utf8)
        var reader = HTTPResponseReader()
        var responses: [(Int, String, Bool)] = []
        var start = 0
        for end in cuts + [bytes.count] where end >= start {
            reader.append(ByteBuffer(bytes: bytes[start..<end]))
            start = end
            while let response = try reader.next() {
                responses.append((response.status, String(buffer: response.body), response.closes))
            }
        }
        #expect(reader.bufferedBytes == 0)
        return responses
    }

    private func same(_ a: [(status: Int, body: String, closes: Bool)], _ b: [(status: Int, body: String, closes: Bool)]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { $0.status == $1.status && $0.body == $1.body && $0.closes == $1.closes }
    }

    static let sized = "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\nContent-Length: 13\r\n\r\n{\"id\":\"t-1\"}\n"
    static let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value\r\nhello\r\nA\r\n, world!!!\r\n0\r\nX-Trailer: 1\r\n\r\n"

    @Test func readsASizedResponse() throws {
        let responses = try read(Self.sized)
        #expect(responses.count == 1)
        #expect(responses.first?.status == 201)
        #expect(responses.first?.body == "{\"id\":\"t-1\"}\n")
        #expect(responses.first?.closes == false)
    }

    @Test func readsAChunkedResponse() throws {
        let responses = try read(Self.chunked)
        #expect(responses.count == 1)
        #expect(responses.first?.status == 200)
        #expect(responses.first?.body == "hello, world!!!")
    }

    @Test func readsTheSameWhereverTheBytesAreCut() throws {
        let text = Self.sized + Self.chunked + "HTTP/1.1 204 No Content\r\n\r\n" + Self.sized
        let whole = try read(text)
        #expect(whole.map(\.status) == [201, 200, 204, 201])
        for cut in 0...text.utf8.count {
            #expect(same(try read(text, cuts: [cut]), whole), "cut at \(cut)")
        }
        #expect(same(try read(text, cuts: Array(0...text.utf8.count)), whole))
    }

    @Test func seesTheServerClosing() throws {
        #expect(try read("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n").first?.closes == true)
        #expect(try read("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok").first?.closes == true)
        #expect(try read("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok").first?.closes == false)
    }

    @Test func waitsForTheWholeBody() throws {
        var reader = HTTPResponseReader()
        reader.append(ByteBuffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345"))
        #expect(try reader.next() == nil)
        reader.append(ByteBuffer(string: "67890"))
        #expect(try reader.next().map { String(buffer: $0.body) } == "1234567890")
    }

    @Test(arguments: [
        "HTTX/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: ten\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n",
        "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n",
    ])
    func refusesWhatItCannotRead(_ text: String) {
        #expect(throws: HTTPResponseReader.Malformed.self) { try read(text) }
    }

    @Test func refusesEndlessHeaders() {
        var reader = HTTPResponseReader()
        reader.append(ByteBuffer(string: "HTTP/1.1 200 OK\r\n" + String(repeating: "X-Padding: 1234567890\r\n", count: 4000)))
        #expect(throws: HTTPResponseReader.Malformed.self) { try reader.next() }
    }
}
