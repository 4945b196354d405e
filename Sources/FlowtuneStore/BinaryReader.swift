import FlowtuneCore
import Foundation

/// Why a blob could not be decoded, and where.
struct DecodingFailure: Error, Sendable {
    /// What was wrong.
    var reason: String
    /// The byte offset at which decoding stopped.
    var offset: Int
}

/// Reads the primitives written by ``BinaryWriter`` from borrowed memory, checking every read
/// against the end of the buffer.
///
/// The reader never owns its bytes: the store decodes straight from SQLite's row buffer, which is
/// valid only until the statement steps again, so a reader must not outlive the call that made it.
/// Every length and count is checked against the bytes that remain before anything is allocated,
/// so a corrupt blob fails with a ``DecodingFailure`` rather than a crash or a huge allocation.
struct BinaryReader {
    private let base: UnsafeRawPointer?
    /// The number of bytes in the buffer.
    let count: Int
    /// The offset of the next byte to read.
    private(set) var offset: Int
    /// Short strings already decoded, shared across the events of one pass.
    private let strings: StringTable?

    init(_ buffer: UnsafeRawBufferPointer, strings: StringTable? = nil) {
        base = buffer.baseAddress
        count = buffer.count
        offset = 0
        self.strings = strings
    }

    /// The number of bytes not read yet.
    var remaining: Int { count - offset }

    /// Whether every byte has been read.
    var isAtEnd: Bool { offset == count }

    func failure(_ reason: String) -> DecodingFailure {
        DecodingFailure(reason: reason, offset: offset)
    }

    @inline(__always)
    private func require(_ byteCount: Int, _ what: StaticString) throws(DecodingFailure) {
        guard byteCount <= count - offset else {
            throw failure("\(what) needs \(byteCount) bytes, \(count - offset) left")
        }
    }

    @inline(__always)
    mutating func readByte() throws(DecodingFailure) -> UInt8 {
        guard offset < count, let base else { throw failure("unexpected end of data") }
        let byte = base.load(fromByteOffset: offset, as: UInt8.self)
        offset += 1
        return byte
    }

    mutating func readVarint() throws(DecodingFailure) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try readByte()
            // The tenth byte may only carry the 64th bit.
            if shift == 63, byte > 1 { throw failure("varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func readInt() throws(DecodingFailure) -> Int {
        let zigzag = try readVarint()
        let wide = Int64(bitPattern: zigzag >> 1) ^ -Int64(bitPattern: zigzag & 1)
        guard let value = Int(exactly: wide) else { throw failure("integer \(wide) out of range") }
        return value
    }

    /// Reads an element count, refusing one larger than the bytes left could hold when each
    /// element takes at least `minimumElementSize` bytes.
    mutating func readCount(minimumElementSize: Int = 1) throws(DecodingFailure) -> Int {
        let value = try readVarint()
        guard value <= UInt64(remaining / max(minimumElementSize, 1)) else {
            throw failure("count \(value) exceeds the \(remaining) bytes left")
        }
        return Int(value)
    }

    mutating func readFixed64() throws(DecodingFailure) -> UInt64 {
        try require(8, "fixed 64-bit value")
        let value = base!.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: value)
    }

    @inline(__always)
    mutating func readDouble() throws(DecodingFailure) -> Double {
        Double(bitPattern: try readFixed64())
    }

    @inline(__always)
    mutating func readDate() throws(DecodingFailure) -> Date {
        Date(timeIntervalSinceReferenceDate: try readDouble())
    }

    /// Reads the packing codes of `count` doubles written by ``BinaryWriter/write(packed:at:index:)``.
    mutating func readPackedCodes(_ count: Int) throws(DecodingFailure) -> PackedCodes {
        let length = (count + 3) / 4
        try require(length, "packing codes")
        let codes = PackedCodes(offset: offset, count: count)
        offset += length
        return codes
    }

    /// Reads the next double of a packed run.
    mutating func readPacked(_ codes: inout PackedCodes) throws(DecodingFailure) -> Double {
        guard codes.next < codes.count, let base else { throw failure("more packed values than codes") }
        let byte = base.load(fromByteOffset: codes.offset + codes.next / 4, as: UInt8.self)
        let code = (byte >> (2 * UInt8(codes.next % 4))) & 3
        codes.next += 1
        switch code {
        case 0:
            return 0
        case 1:
            try require(4, "packed float")
            let bits = UInt32(littleEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
            offset += 4
            return Double(Float(bitPattern: bits))
        case 3:
            return try readDouble()
        default:
            throw failure("unknown packing code \(code)")
        }
    }

    mutating func readBool() throws(DecodingFailure) -> Bool {
        switch try readByte() {
        case 0: return false
        case 1: return true
        case let other: throw failure("invalid boolean \(other)")
        }
    }

    mutating func readString() throws(DecodingFailure) -> String {
        let length = try readVarint()
        return try readUTF8(length: length)
    }

    mutating func readOptionalString() throws(DecodingFailure) -> String? {
        let lengthPlusOne = try readVarint()
        if lengthPlusOne == 0 { return nil }
        return try readUTF8(length: lengthPlusOne - 1)
    }

    @inline(__always)
    mutating func readID<ID: Identifier>(_ type: ID.Type = ID.self) throws(DecodingFailure) -> ID {
        ID(try readString())
    }

    /// Reads a length-prefixed run of raw bytes, copied out of the borrowed buffer.
    mutating func readBlob() throws(DecodingFailure) -> Data {
        let length = try readVarint()
        guard length <= UInt64(remaining) else { throw failure("blob of \(length) bytes exceeds the \(remaining) left") }
        let start = offset
        offset += Int(length)
        guard length > 0, let base else { return Data() }
        return Data(bytes: base + start, count: Int(length))
    }

    /// Skips the next `length` bytes and returns where they lie in the buffer, without copying them.
    mutating func readRawBytes(_ length: Int) throws(DecodingFailure) -> Range<Int> {
        guard length >= 0, length <= remaining else { throw failure("\(length) bytes exceed the \(remaining) left") }
        defer { offset += length }
        return offset..<(offset + length)
    }

    private mutating func readUTF8(length: UInt64) throws(DecodingFailure) -> String {
        guard length <= UInt64(remaining) else {
            throw failure("string of \(length) bytes exceeds the \(remaining) left")
        }
        guard length > 0, let base else { return "" }
        let bytes = UnsafeRawBufferPointer(start: base + offset, count: Int(length))
        let string: String
        if let strings, length <= StringTable.maximumLength {
            string = try strings.string(bytes) { bytes throws(DecodingFailure) in try makeString(bytes) }
        } else {
            string = try makeString(bytes)
        }
        offset += Int(length)
        return string
    }

    private func makeString(_ raw: UnsafeRawBufferPointer) throws(DecodingFailure) -> String {
        let bytes = raw.assumingMemoryBound(to: UInt8.self)
        if Self.isASCII(bytes) {
            // Identifiers, names and most text are ASCII, which is valid UTF-8 as it stands; the
            // general validating initializer is not specialized and costs more than the rest of a
            // small event's decoding.
            return String(decoding: bytes, as: UTF8.self)
        }
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw failure("string is not valid UTF-8")
        }
        return string
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let raw = UnsafeRawBufferPointer(bytes)
        var index = 0
        var seen: UInt64 = 0
        while index + 8 <= raw.count {
            seen |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < raw.count {
            seen |= UInt64(raw[index])
            index += 1
        }
        return seen & 0x8080_8080_8080_8080 == 0
    }
}

/// Where the packing codes of a run of doubles lie, and which value comes next.
struct PackedCodes {
    var offset = 0
    var count = 0
    var next = 0
}
