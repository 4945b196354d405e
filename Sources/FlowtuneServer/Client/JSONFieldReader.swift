import NIOCore

/// Reads a few named members of a JSON object without building the rest of it: the string
/// values a load client needs from a task (`id`, `state`, `worker`, `step`), or the bytes of a
/// nested object to read again.
///
/// Every other member is skipped over — strings for their escapes, objects and arrays for their
/// brackets — without being decoded, which is what keeps a client's reading cheap beside the
/// server it measures.
///
/// ```swift
/// let fields = JSONFieldReader(["id", "state"])
/// let values = fields.strings(in: body)   // [String?]? — nil when not an object
/// ```
package struct JSONFieldReader: Sendable {
    private let names: [[UInt8]]

    /// A reader of the members `names`, returned in this order.
    package init(_ names: [String]) {
        self.names = names.map { Array($0.utf8) }
    }

    /// The string value of each named top-level member of the object in `buffer`: nil for a
    /// member that is missing, null or not a string. Nil when `buffer` is not a JSON object.
    package func strings(in buffer: ByteBuffer) -> [String?]? {
        buffer.withUnsafeReadableBytes { bytes -> [String?]? in
            var values = [String?](repeating: nil, count: names.count)
            let walked = Self.walk(bytes) { key, value in
                guard let slot = slot(key, in: bytes), values[slot] == nil,
                    case .string(let range, let escaped) = value
                else { return }
                values[slot] = Self.string(bytes, range, escaped: escaped)
            }
            return walked ? values : nil
        }
    }

    /// The bytes of the value of the first named top-level member (any kind of value), as a
    /// slice of `buffer`; nil when it is missing or `buffer` is not a JSON object.
    package func value(in buffer: ByteBuffer) -> ByteBuffer? {
        let range = buffer.withUnsafeReadableBytes { bytes -> Range<Int>? in
            var found: Range<Int>?
            let walked = Self.walk(bytes) { key, value in
                guard found == nil, slot(key, in: bytes) == 0 else { return }
                switch value {
                case .string(let range, _): found = (range.lowerBound - 1)..<(range.upperBound + 1)
                case .other(let range): found = range
                }
            }
            return walked ? found : nil
        }
        return range.flatMap { buffer.getSlice(at: buffer.readerIndex + $0.lowerBound, length: $0.count) }
    }

    private func slot(_ key: Key, in bytes: UnsafeRawBufferPointer) -> Int? {
        if key.escaped {
            let text = Array(Self.string(bytes, key.range, escaped: true).utf8)
            return names.firstIndex(of: text)
        }
        let count = key.range.count
        for (slot, name) in names.enumerated() where name.count == count {
            var same = true
            for offset in 0..<count where bytes[key.range.lowerBound + offset] != name[offset] {
                same = false
                break
            }
            if same { return slot }
        }
        return nil
    }

    private struct Key {
        var range: Range<Int>
        var escaped: Bool
    }

    private enum Value {
        /// A string: the bytes between its quotes, and whether it has escapes.
        case string(Range<Int>, escaped: Bool)
        /// Any other value: all its bytes.
        case other(Range<Int>)
    }

    /// Walks the top-level members of the object in `bytes`; false when it is not an object.
    private static func walk(_ bytes: UnsafeRawBufferPointer, _ member: (Key, Value) -> Void) -> Bool {
        var index = 0
        skipSpace(bytes, &index)
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return false }
        index += 1
        skipSpace(bytes, &index)
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            skipSpace(bytes, &index)
            return index == bytes.count
        }
        while true {
            skipSpace(bytes, &index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""),
                let (keyRange, keyEscaped) = string(bytes, &index)
            else { return false }
            skipSpace(bytes, &index)
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
            index += 1
            skipSpace(bytes, &index)
            guard index < bytes.count else { return false }
            let value: Value
            if bytes[index] == UInt8(ascii: "\"") {
                guard let (range, escaped) = string(bytes, &index) else { return false }
                value = .string(range, escaped: escaped)
            } else {
                let start = index
                guard skipValue(bytes, &index, depth: 0) else { return false }
                value = .other(start..<index)
            }
            member(Key(range: keyRange, escaped: keyEscaped), value)
            skipSpace(bytes, &index)
            guard index < bytes.count else { return false }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { return false }
            index += 1
            skipSpace(bytes, &index)
            return index == bytes.count
        }
    }

    private static func skipSpace(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 {
            index += 1
        }
    }

    /// A string starting at its opening quote at `index`: the range between the quotes, and
    /// whether it holds escapes; `index` ends past the closing quote.
    private static func string(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) -> (Range<Int>, Bool)? {
        index += 1
        let start = index
        var escaped = false
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                defer { index += 1 }
                return (start..<index, escaped)
            case UInt8(ascii: "\\"):
                escaped = true
                index += 2
            case 0..<0x20:
                return nil
            default:
                index += 1
            }
        }
        return nil
    }

    /// Skips a value other than a string at the top level (strings within it are skipped whole).
    private static func skipValue(_ bytes: UnsafeRawBufferPointer, _ index: inout Int, depth: Int) -> Bool {
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "\""):
            return string(bytes, &index) != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // Brackets are matched by kind; the members' syntax inside is not checked, only skipped.
            var stack: [UInt8] = [bytes[index]]
            index += 1
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard string(bytes, &index) != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    guard stack.count < 512 else { return false }
                    stack.append(bytes[index])
                case UInt8(ascii: "}"):
                    guard stack.popLast() == UInt8(ascii: "{") else { return false }
                case UInt8(ascii: "]"):
                    guard stack.popLast() == UInt8(ascii: "[") else { return false }
                default:
                    break
                }
                index += 1
                if stack.isEmpty { return true }
            }
            return false
        default:
            // A number, true, false or null: up to the next delimiter.
            let start = index
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x0A, 0x0D, 0x09: return index > start
                case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                    UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "E"):
                    index += 1
                default: return false
                }
            }
            return index > start
        }
    }

    /// The text of the string between `range`, with escapes resolved.
    private static func string(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, escaped: Bool) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[range])
        guard escaped else { return String(decoding: raw, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        func flush() {
            if !utf8.isEmpty {
                scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
                utf8.removeAll(keepingCapacity: true)
            }
        }
        var index = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= raw.count else { return nil }
            var value: UInt32 = 0
            for offset in 0..<4 {
                let byte = raw[at + offset]
                let digit: UInt32
                switch byte {
                case 48...57: digit = UInt32(byte) - 48
                case 65...70: digit = UInt32(byte) - 55
                case 97...102: digit = UInt32(byte) - 87
                default: return nil
                }
                value = value * 16 + digit
            }
            return value
        }
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < raw.count else {
                utf8.append(byte)
                index += 1
                continue
            }
            let code = raw[index + 1]
            index += 2
            switch code {
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "u"):
                guard var value = hex4(index) else {
                    utf8.append(contentsOf: [UInt8(ascii: "\\"), code])
                    continue
                }
                index += 4
                if (0xD800..<0xDC00).contains(value), index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"),
                    raw[index + 1] == UInt8(ascii: "u"), let low = hex4(index + 2), (0xDC00..<0xE000).contains(low)
                {
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                flush()
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default: utf8.append(code)  // \" \\ \/
            }
        }
        flush()
        return String(scalars)
    }
}
