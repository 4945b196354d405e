import FlowtuneCore
import NIOCore

/// A strict JSON reader for the small bodies of the busiest routes.
///
/// It reads only what it is sure `JSONDecoder` reads the same way and gives up (nil) on anything
/// else — malformed text, surrogate escapes, duplicate keys, numbers out of range — so that the
/// decoder then reads the body and reports the problem exactly as before. `JSONValue`'s own
/// decoding tries each kind of value in turn and throws on every miss, which made decoding a
/// completion's evidence cost more than deciding it.
package enum FastJSON {
    /// The value of `bytes`, or nil when the decoder should read it.
    package static func parse(_ buffer: ByteBuffer) -> JSONValue? {
        buffer.withUnsafeReadableBytes { bytes -> JSONValue? in
            var reader = Reader(bytes: bytes)
            guard let value = reader.value(depth: 0) else { return nil }
            reader.skipSpace()
            // Spelled out: `JSONValue` is itself nil-literal convertible, so a conditional
            // expression would turn this nil into `.null`.
            guard reader.index == bytes.count else { return JSONValue?.none }
            return value
        }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        mutating func skipSpace() {
            while index < bytes.count {
                switch bytes[index] {
                case 0x20, 0x09, 0x0A, 0x0D: index += 1
                default: return
                }
            }
        }

        mutating func literal(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard index + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[index + offset] != text.utf8Start[offset] { return false }
            index += count
            return true
        }

        mutating func value(depth: Int) -> JSONValue? {
            guard depth < 64 else { return nil }
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var members: [String: JSONValue] = [:]
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return .object(members)
                }
                while true {
                    skipSpace()
                    guard let key = string() else { return nil }
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                    index += 1
                    guard let element = value(depth: depth + 1) else { return nil }
                    guard members.updateValue(element, forKey: key) == nil else { return nil }
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    guard bytes[index] == UInt8(ascii: "}") else { return nil }
                    index += 1
                    return .object(members)
                }
            case UInt8(ascii: "["):
                index += 1
                var elements: [JSONValue] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return .array(elements)
                }
                while true {
                    guard let element = value(depth: depth + 1) else { return nil }
                    elements.append(element)
                    skipSpace()
                    guard index < bytes.count else { return nil }
                    if bytes[index] == UInt8(ascii: ",") {
                        index += 1
                        continue
                    }
                    guard bytes[index] == UInt8(ascii: "]") else { return nil }
                    index += 1
                    return .array(elements)
                }
            case UInt8(ascii: "\""):
                return string().map(JSONValue.string)
            case UInt8(ascii: "t"): return literal("true") ? JSONValue.bool(true) : JSONValue?.none
            case UInt8(ascii: "f"): return literal("false") ? JSONValue.bool(false) : JSONValue?.none
            case UInt8(ascii: "n"): return literal("null") ? JSONValue.null : JSONValue?.none
            default: return number()
            }
        }

        /// A string; nil for surrogate escapes, control characters and invalid UTF-8.
        mutating func string() -> String? {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
            index += 1
            let start = index
            // Plain strings, the usual case, are one copy.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    index += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                guard byte >= 0x20 else { return nil }
                index += 1
            }
            var scalars: [UInt8] = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(validating: scalars, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard index < bytes.count else { return nil }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                    case UInt8(ascii: "b"): scalars.append(0x08)
                    case UInt8(ascii: "f"): scalars.append(0x0C)
                    case UInt8(ascii: "n"): scalars.append(0x0A)
                    case UInt8(ascii: "r"): scalars.append(0x0D)
                    case UInt8(ascii: "t"): scalars.append(0x09)
                    case UInt8(ascii: "u"):
                        guard index + 4 <= bytes.count else { return nil }
                        var code: UInt32 = 0
                        for _ in 0..<4 {
                            let digit = bytes[index]
                            index += 1
                            switch digit {
                            case UInt8(ascii: "0")...UInt8(ascii: "9"): code = code << 4 | UInt32(digit - UInt8(ascii: "0"))
                            case UInt8(ascii: "a")...UInt8(ascii: "f"): code = code << 4 | UInt32(digit - UInt8(ascii: "a") + 10)
                            case UInt8(ascii: "A")...UInt8(ascii: "F"): code = code << 4 | UInt32(digit - UInt8(ascii: "A") + 10)
                            default: return nil
                            }
                        }
                        guard let scalar = Unicode.Scalar(code) else { return nil }
                        scalars.append(contentsOf: String(Character(scalar)).utf8)
                    default: return nil
                    }
                default:
                    guard byte >= 0x20 else { return nil }
                    scalars.append(byte)
                }
            }
            return nil
        }

        /// A number by JSON's grammar, as a finite double.
        mutating func number() -> JSONValue? {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
            } else {
                guard digits() > 0 else { return nil }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { return nil }
            }
            if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { return nil }
            }
            // Long numbers are where decoders differ in rounding; leave them to the decoder.
            guard index - start <= 17,
                let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self),
                let number = Double(text), number.isFinite
            else { return nil }
            return .number(number)
        }

        mutating func digits() -> Int {
            var count = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
                index += 1
                count += 1
            }
            return count
        }
    }
}

/// A request body the busy routes read through ``FastJSON``, falling back to `JSONDecoder`.
protocol FastDecodable: Decodable {
    /// The body from a parsed JSON value; nil when the decoder should read it (and report what
    /// is wrong with it).
    init?(fast value: JSONValue)
}

extension JSONValue {
    /// For an object's optional member: absent or null is `.some(nil)`; a string is itself;
    /// anything else is nil (the decoder reports it).
    fileprivate func optionalString(_ key: String) -> String?? {
        guard case .object(let members) = self else { return nil }
        switch members[key] {
        case nil, .null?: return .some(nil)
        case .string(let text)?: return .some(text)
        default: return nil
        }
    }
}

extension TaskRoutes.CreateBody: FastDecodable {
    init?(fast value: JSONValue) {
        guard case .object(let members) = value, case .string(let workflow)? = members["workflow"],
            let id = value.optionalString("id"), let channel = value.optionalString("channel")
        else { return nil }
        // A priority is left to the decoder, whose reading of `5.0` as an integer is its own.
        switch members["priority"] {
        case nil, .null?: priority = nil
        default: return nil
        }
        switch members["attributes"] {
        case nil, .null?: attributes = nil
        case let attributes?: self.attributes = attributes
        }
        self.workflow = workflow
        self.id = id
        self.channel = channel
    }
}

extension TaskRoutes.WorkBody: FastDecodable {
    init?(fast value: JSONValue) {
        guard let worker = value.optionalString("worker") else { return nil }
        self.worker = worker
    }
}

extension TaskRoutes.CompleteBody: FastDecodable {
    init?(fast value: JSONValue) {
        guard case .object(let members) = value, let worker = value.optionalString("worker"),
            let outcome = value.optionalString("outcome")
        else { return nil }
        switch members["evidence"] {
        case nil, .null?: evidence = nil
        case .object(let fields)?: evidence = fields
        default: return nil
        }
        self.worker = worker
        self.outcome = outcome
    }
}
