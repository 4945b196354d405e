import NIOCore

/// Reads HTTP/1.1 responses from a connection's bytes, as much as a load client needs: the
/// status, the body (sized by `Content-Length` or sent chunked) and whether the server closes
/// the connection after it.
///
/// It does no more than that so that a client measuring the server spends little of the shared
/// cores on its own reading: no header dictionary, no copies of a body that arrived whole.
///
/// ```swift
/// var reader = HTTPResponseReader()
/// reader.append(bytes)                      // as they arrive, in any pieces
/// while let response = try reader.next() {  // each complete response, in order
///     print(response.status, response.body.readableBytes)
/// }
/// ```
package struct HTTPResponseReader {
    /// One response.
    package struct Response {
        /// The status code, such as 201.
        package var status: Int
        /// The body, decoded from chunks when it was sent chunked.
        package var body: ByteBuffer
        /// The server sent `Connection: close`.
        package var closes: Bool
    }

    /// Bytes that are not an HTTP/1.1 response this reader understands.
    package struct Malformed: Error, CustomStringConvertible {
        /// What was wrong.
        package var reason: String
        package var description: String { "malformed HTTP response: \(reason)" }
    }

    /// The longest status line and headers accepted.
    package static let headerLimit = 64 * 1024

    private var pending: ByteBuffer?

    /// Creates a reader with nothing read yet.
    package init() {}

    /// Bytes received and not yet returned as part of a response.
    package var bufferedBytes: Int { pending?.readableBytes ?? 0 }

    /// Adds bytes received from the connection.
    package mutating func append(_ bytes: ByteBuffer) {
        if var buffer = pending, buffer.readableBytes > 0 {
            var more = bytes
            buffer.writeBuffer(&more)
            pending = buffer
        } else {
            // Nothing held back: keep the received buffer itself rather than copying it.
            pending = bytes
        }
    }

    /// The next complete response, or nil until more bytes arrive.
    package mutating func next() throws -> Response? {
        guard var buffer = pending, buffer.readableBytes > 0 else { return nil }
        guard let head = try Self.head(buffer) else { return nil }
        let bodyStart = head.length
        let response: Response
        switch head.framing {
        case .length(let length):
            guard buffer.readableBytes >= bodyStart + length else { return nil }
            let body = buffer.getSlice(at: buffer.readerIndex + bodyStart, length: length)!
            buffer.moveReaderIndex(forwardBy: bodyStart + length)
            response = Response(status: head.status, body: body, closes: head.closes)
        case .chunked:
            guard let (body, consumed) = try Self.chunks(buffer, from: bodyStart) else { return nil }
            buffer.moveReaderIndex(forwardBy: consumed)
            response = Response(status: head.status, body: body, closes: head.closes)
        }
        if buffer.readableBytes == 0 {
            pending = nil
        } else {
            if buffer.readerIndex > 64 * 1024 { buffer.discardReadBytes() }
            pending = buffer
        }
        return response
    }

    private enum Framing {
        case length(Int)
        case chunked
    }

    private struct Head {
        var status: Int
        var framing: Framing
        var closes: Bool
        /// The bytes of the status line and headers, with the blank line after them.
        var length: Int
    }

    /// The status line and headers, once they have all arrived.
    private static func head(_ buffer: ByteBuffer) throws -> Head? {
        try buffer.withUnsafeReadableBytes { bytes -> Head? in
            // The blank line that ends the headers.
            var end = -1
            var index = 3
            while index < bytes.count {
                if bytes[index] == 10, bytes[index - 1] == 13, bytes[index - 2] == 10, bytes[index - 3] == 13 {
                    end = index + 1
                    break
                }
                index += 1
            }
            guard end > 0 else {
                if bytes.count > headerLimit { throw Malformed(reason: "headers longer than \(headerLimit) bytes") }
                return nil
            }
            // "HTTP/1.x NNN reason"
            guard end >= 14, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"), bytes[2] == UInt8(ascii: "T"),
                bytes[3] == UInt8(ascii: "P"), bytes[4] == UInt8(ascii: "/"), bytes[8] == UInt8(ascii: " ")
            else { throw Malformed(reason: "no HTTP status line") }
            var status = 0
            for offset in 9..<12 {
                let digit = Int(bytes[offset]) - 48
                guard (0...9).contains(digit) else { throw Malformed(reason: "status is not three digits") }
                status = status * 10 + digit
            }
            guard bytes[12] == UInt8(ascii: " ") || bytes[12] == 13 else { throw Malformed(reason: "status is not three digits") }
            let http10 = bytes[7] == UInt8(ascii: "0")
            var length: Int?
            var chunked = false
            var closes = http10
            // Each header line: from `line` to the CR before its LF.
            var line = 0
            while bytes[line] != 10 { line += 1 }
            line += 1
            while line < end - 2 {
                var lineEnd = line
                while bytes[lineEnd] != 13 || bytes[lineEnd + 1] != 10 { lineEnd += 1 }
                var colon = line
                while colon < lineEnd, bytes[colon] != UInt8(ascii: ":") { colon += 1 }
                guard colon < lineEnd else { throw Malformed(reason: "a header line without a colon") }
                var valueStart = colon + 1
                while valueStart < lineEnd, bytes[valueStart] == 32 || bytes[valueStart] == 9 { valueStart += 1 }
                var valueEnd = lineEnd
                while valueEnd > valueStart, bytes[valueEnd - 1] == 32 || bytes[valueEnd - 1] == 9 { valueEnd -= 1 }
                let name = UnsafeRawBufferPointer(rebasing: bytes[line..<colon])
                let value = UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd])
                if equalsIgnoringCase(name, "content-length") {
                    var number = 0
                    guard !value.isEmpty, value.count <= 15 else { throw Malformed(reason: "Content-Length is not a number") }
                    for byte in value {
                        let digit = Int(byte) - 48
                        guard (0...9).contains(digit) else { throw Malformed(reason: "Content-Length is not a number") }
                        number = number * 10 + digit
                    }
                    if let length, length != number { throw Malformed(reason: "two different Content-Length headers") }
                    length = number
                } else if equalsIgnoringCase(name, "transfer-encoding") {
                    chunked = endsWithIgnoringCase(value, "chunked")
                    if !chunked { throw Malformed(reason: "a transfer coding other than chunked") }
                } else if equalsIgnoringCase(name, "connection") {
                    if containsIgnoringCase(value, "close") { closes = true }
                    if containsIgnoringCase(value, "keep-alive") { closes = false }
                }
                line = lineEnd + 2
            }
            let framing: Framing
            if chunked {
                framing = .chunked
            } else if let length {
                framing = .length(length)
            } else if status / 100 == 1 || status == 204 || status == 304 {
                framing = .length(0)
            } else {
                // A body that ends when the connection does: a load client cannot time it.
                throw Malformed(reason: "status \(status) with neither Content-Length nor chunked body")
            }
            return Head(status: status, framing: framing, closes: closes, length: end)
        }
    }

    /// A chunked body starting `start` bytes in, decoded, with the bytes it took up to its last
    /// CRLF; nil until it has all arrived.
    private static func chunks(_ buffer: ByteBuffer, from start: Int) throws -> (ByteBuffer, Int)? {
        // First find where it ends, then copy: the chunks of a partly received body are not copied
        // again each time more arrive.
        let pieces = try buffer.withUnsafeReadableBytes { bytes -> (pieces: [Range<Int>], end: Int)? in
            var pieces: [Range<Int>] = []
            var index = start
            while true {
                // size in hex, optional ";extension", CRLF
                var size = 0
                var digits = 0
                while index < bytes.count, let digit = hexValue(bytes[index]) {
                    size = size * 16 + digit
                    digits += 1
                    guard digits <= 12 else { throw Malformed(reason: "chunk size too long") }
                    index += 1
                }
                guard index < bytes.count else { return nil }
                guard digits > 0 else { throw Malformed(reason: "chunk without a size") }
                while index < bytes.count, bytes[index] != 10 { index += 1 }
                guard index < bytes.count else { return nil }
                guard bytes[index - 1] == 13 else { throw Malformed(reason: "chunk size line without CRLF") }
                index += 1
                if size == 0 {
                    // Trailer lines, then the blank line.
                    while true {
                        var lineEnd = index
                        while lineEnd < bytes.count, bytes[lineEnd] != 10 { lineEnd += 1 }
                        guard lineEnd < bytes.count else { return nil }
                        let empty = lineEnd == index + 1 && bytes[index] == 13
                        index = lineEnd + 1
                        if empty { return (pieces, index) }
                    }
                }
                guard index + size + 2 <= bytes.count else { return nil }
                pieces.append(index..<(index + size))
                index += size
                guard bytes[index] == 13, bytes[index + 1] == 10 else { throw Malformed(reason: "chunk longer than its size") }
                index += 2
            }
        }
        guard let pieces else { return nil }
        var body = ByteBuffer()
        body.reserveCapacity(pieces.pieces.reduce(0) { $0 + $1.count })
        for piece in pieces.pieces {
            body.writeImmutableBuffer(buffer.getSlice(at: buffer.readerIndex + piece.lowerBound, length: piece.count)!)
        }
        return (body, pieces.end)
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 48...57: Int(byte) - 48
        case 65...70: Int(byte) - 55
        case 97...102: Int(byte) - 87
        default: nil
        }
    }

    /// `name` is `lowercase` in any case; `lowercase` is ASCII.
    private static func equalsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        for offset in 0..<bytes.count where bytes[offset] | 0x20 != lowercase.utf8Start[offset] { return false }
        return true
    }

    private static func endsWithIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        return equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: bytes[(bytes.count - count)...]), lowercase)
    }

    private static func containsIgnoringCase(_ bytes: UnsafeRawBufferPointer, _ lowercase: StaticString) -> Bool {
        let count = lowercase.utf8CodeUnitCount
        guard bytes.count >= count else { return false }
        for start in 0...(bytes.count - count)
        where equalsIgnoringCase(UnsafeRawBufferPointer(rebasing: bytes[start..<(start + count)]), lowercase) {
            return true
        }
        return false
    }
}
