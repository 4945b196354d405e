import FlowtuneCore
import Foundation

/// Appends the primitives of the event encoding to a byte buffer.
///
/// Integers are LEB128 varints (zigzag for signed values, so small negatives stay small), doubles
/// and dates are 8 little-endian bytes of their IEEE bit pattern (exact round-trip, sub-second
/// precision kept), strings are a varint byte count followed by UTF-8.
struct BinaryWriter {
    /// The bytes written so far.
    var bytes: [UInt8]

    init(bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    @inline(__always)
    mutating func write(byte: UInt8) {
        bytes.append(byte)
    }

    mutating func write(varint value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    /// Writes a signed integer zigzag-encoded, so that -1 costs one byte rather than ten.
    @inline(__always)
    mutating func write(int value: Int) {
        let wide = Int64(value)
        write(varint: UInt64(bitPattern: (wide << 1) ^ (wide >> 63)))
    }

    @inline(__always)
    mutating func write(count: Int) {
        write(varint: UInt64(count))
    }

    mutating func write(fixed64 value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    @inline(__always)
    mutating func write(double value: Double) {
        write(fixed64: value.bitPattern)
    }

    /// Writes a date as its offset from the reference date, bit for bit.
    @inline(__always)
    mutating func write(date: Date) {
        write(double: date.timeIntervalSinceReferenceDate)
    }

    mutating func write(bool value: Bool) {
        bytes.append(value ? 1 : 0)
    }

    mutating func write(string: String) {
        var string = string
        string.withUTF8 { utf8 in
            write(count: utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    /// Writes an optional string as a varint of its length plus one, zero meaning absent,
    /// so that absence costs one byte and needs no separate flag.
    mutating func write(optionalString string: String?) {
        guard var string else {
            bytes.append(0)
            return
        }
        string.withUTF8 { utf8 in
            write(count: utf8.count + 1)
            bytes.append(contentsOf: utf8)
        }
    }

    /// Writes a string-backed identifier.
    @inline(__always)
    mutating func write<ID: Identifier>(id: ID) {
        write(string: id.rawValue)
    }

    /// Writes raw bytes behind their length.
    mutating func write(blob: some Collection<UInt8>) {
        write(count: blob.count)
        bytes.append(contentsOf: blob)
    }
}
