import FlowtuneCore
import Foundation

/// Appends the primitives of the event encoding to a growable buffer it owns.
///
/// Integers are LEB128 varints (zigzag for signed values, so small negatives stay small), doubles
/// and dates are 8 little-endian bytes of their IEEE bit pattern (exact round-trip, sub-second
/// precision kept), strings are a varint byte count followed by UTF-8.
///
/// The buffer is raw memory rather than an `[UInt8]`: encoding writes a few bytes at a time, and
/// an array's per-append uniqueness and capacity checks cost more than the encoding itself. The
/// writer is non-copyable so that the memory has exactly one owner.
struct BinaryWriter: ~Copyable {
    private var base: UnsafeMutableRawPointer
    private var capacity: Int
    /// The number of bytes written.
    private(set) var count: Int

    init(capacity: Int = 256) {
        self.capacity = max(capacity, 16)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 8)
        count = 0
    }

    deinit {
        base.deallocate()
    }

    /// The bytes written so far, valid until the next write.
    var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: count)
    }

    /// Forgets the bytes written after `offset`.
    mutating func truncate(to offset: Int) {
        precondition(offset >= 0 && offset <= count)
        count = offset
    }

    @inline(__always)
    private mutating func reserve(_ byteCount: Int) {
        if byteCount > capacity - count { grow(toHold: byteCount) }
    }

    private mutating func grow(toHold byteCount: Int) {
        let newCapacity = max(capacity * 2, count + byteCount)
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 8)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    @inline(__always)
    mutating func write(byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    mutating func write(varint value: UInt64) {
        reserve(10)
        var value = value
        var offset = count
        while value >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: offset, as: UInt8.self)
            value >>= 7
            offset += 1
        }
        base.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: offset, as: UInt8.self)
        count = offset + 1
    }

    /// The number of bytes `value` takes as a varint.
    static func varintSize(_ value: UInt64) -> Int {
        // One byte per started group of 7 significant bits, and one for zero.
        max(1, (64 - value.leadingZeroBitCount + 6) / 7)
    }

    /// Writes a signed integer zigzag-encoded, so that -1 costs one byte rather than ten.
    @inline(__always)
    mutating func write(int value: Int) {
        let wide = Int64(value)
        write(varint: UInt64(bitPattern: (wide << 1) ^ (wide >> 63)))
    }

    @inline(__always)
    mutating func write(count value: Int) {
        write(varint: UInt64(value))
    }

    @inline(__always)
    mutating func write(fixed64 value: UInt64) {
        reserve(8)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt64.self)
        count += 8
    }

    @inline(__always)
    mutating func write(fixed32 value: UInt32) {
        reserve(4)
        base.storeBytes(of: value.littleEndian, toByteOffset: count, as: UInt32.self)
        count += 4
    }

    /// Overwrites four bytes written earlier, such as a length reserved before what it measures.
    @inline(__always)
    mutating func patch(fixed32 value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= count)
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt32.self)
    }

    @inline(__always)
    mutating func write(double value: Double) {
        write(fixed64: value.bitPattern)
    }

    /// Reserves the packing codes of `count` doubles written next with ``write(packed:at:index:)``,
    /// two bits each, four to a byte, and returns where they lie.
    mutating func beginPacked(_ count: Int) -> Int {
        let start = self.count
        for _ in 0..<((count + 3) / 4) { write(byte: 0) }
        return start
    }

    /// Writes double number `index` of a packed run whose codes lie at `codes`, in the narrowest
    /// width that gives it back bit for bit: +0 in no bytes (code 0), a value exact as a `Float` in
    /// 4 (code 1), anything else in 8 (code 3). Code 2 is unused.
    @inline(__always)
    mutating func write(packed value: Double, at codes: Int, index: Int) {
        let code: UInt8
        if value.bitPattern == 0 {
            code = 0
        } else if Double(Float(value)).bitPattern == value.bitPattern {
            code = 1
            write(fixed32: Float(value).bitPattern)
        } else {
            code = 3
            write(double: value)
        }
        let at = codes + index / 4
        precondition(at < count)
        let old = base.load(fromByteOffset: at, as: UInt8.self)
        base.storeBytes(of: old | code << (2 * UInt8(index % 4)), toByteOffset: at, as: UInt8.self)
    }

    /// Writes a date as its offset from the reference date, bit for bit.
    @inline(__always)
    mutating func write(date: Date) {
        write(double: date.timeIntervalSinceReferenceDate)
    }

    mutating func write(bool value: Bool) {
        write(byte: value ? 1 : 0)
    }

    /// Writes `string` behind its length and returns the offset of its first UTF-8 byte.
    @discardableResult
    mutating func write(string: String) -> Int {
        var string = string
        return string.withUTF8 { utf8 in
            write(count: utf8.count)
            return write(raw: UnsafeRawBufferPointer(utf8))
        }
    }

    /// Writes an optional string as a varint of its length plus one, zero meaning absent,
    /// so that absence costs one byte and needs no separate flag.
    mutating func write(optionalString string: String?) {
        guard var string else {
            write(byte: 0)
            return
        }
        string.withUTF8 { utf8 in
            write(count: utf8.count + 1)
            write(raw: UnsafeRawBufferPointer(utf8))
        }
    }

    /// Writes a string-backed identifier.
    @inline(__always)
    mutating func write<ID: Identifier>(id: ID) {
        write(string: id.rawValue)
    }

    /// Writes raw bytes behind their length.
    mutating func write(blob: Data) {
        write(count: blob.count)
        blob.withUnsafeBytes { _ = write(raw: $0) }
    }

    /// Copies `bytes` as they are and returns the offset they start at.
    @discardableResult
    mutating func write(raw bytes: UnsafeRawBufferPointer) -> Int {
        let start = count
        guard let source = bytes.baseAddress, bytes.count > 0 else { return start }
        reserve(bytes.count)
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
        return start
    }
}
