import Crypto
import FlowtuneCore

/// A pseudonymization key that is too short to resist guessing.
public struct WeakKey: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key's length in bytes.
    public var bytes: Int

    public var description: String { "a pseudonymization key needs at least 16 bytes, got \(bytes)" }
}

/// Replaces personal data with keyed tokens before it reaches features, training data or stored
/// attributes.
///
/// token(v) = "pii_" + hex(HMAC-SHA256(key, UTF-8(v)) truncated to 128 bits): the same value and
/// key always give the same token, so a customer can still be counted and joined on; without the
/// key a token cannot be reversed or even confirmed by guessing candidates (unlike a plain hash
/// of an e-mail address); and every token has the same 36 characters whatever the input's length.
/// The key is injected (from the deployment's secret store) and never stored with the data;
/// rotating it unlinks old tokens from new ones.
///
/// ```swift
/// let pseudonymizer = try Pseudonymizer(key: SymmetricKey(data: secret))
/// pseudonymizer.token(for: "ana@example.com")  // "pii_3f1c…", 36 characters
/// pseudonymizer.pseudonymize(attributes, fields: ["customer.email", "customer.phone"])
/// ```
public struct Pseudonymizer: Sendable {
    // Bytes rather than a SymmetricKey, which is not Sendable.
    private let key: [UInt8]

    /// The length of every token, in characters.
    public static let tokenLength = 36

    /// Creates a pseudonymizer; the key must have at least 16 bytes.
    public init(key: SymmetricKey) throws {
        guard key.bitCount >= 128 else { throw WeakKey(bytes: key.bitCount / 8) }
        self.key = key.withUnsafeBytes { Array($0) }
    }

    /// The token of `value`.
    public func token(for value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(value.utf8), using: SymmetricKey(data: key))
        var token = "pii_"
        for byte in mac.prefix(16) {
            token += String(byte >> 4, radix: 16) + String(byte & 0x0f, radix: 16)
        }
        return token
    }

    /// `document` with the value at each dotted path in `fields` replaced by its token. A path
    /// passes through arrays (`contacts.email` reaches the e-mail of every contact); a PII
    /// object or array has every value beneath it replaced; numbers and booleans are tokenized
    /// by their text; nulls and absent paths stay as they are.
    public func pseudonymize(_ document: JSONValue, fields: Set<String>) -> JSONValue {
        let paths = fields.map { $0.split(separator: ".").map(String.init) }.filter { !$0.isEmpty }
        return paths.reduce(document) { pseudonymize($0, path: $1[...]) }
    }

    private func pseudonymize(_ value: JSONValue, path: ArraySlice<String>) -> JSONValue {
        switch value {
        case .array(let elements):
            return .array(elements.map { pseudonymize($0, path: path) })
        case .object(var members):
            guard let name = path.first, let member = members[name] else { return value }
            members[name] = path.count == 1 ? tokenizeAll(member) : pseudonymize(member, path: path.dropFirst())
            return .object(members)
        default:
            return value
        }
    }

    private func tokenizeAll(_ value: JSONValue) -> JSONValue {
        switch value {
        case .null: .null
        case .string(let text): .string(token(for: text))
        case .number(let number): .string(token(for: number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)))
        case .bool(let flag): .string(token(for: String(flag)))
        case .array(let elements): .array(elements.map(tokenizeAll))
        case .object(let members): .object(members.mapValues(tokenizeAll))
        }
    }
}
