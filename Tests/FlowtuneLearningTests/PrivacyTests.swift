import Crypto
import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneLearning

@Suite("Privacy")
struct PrivacyTests {
    let key = SymmetricKey(data: Array("a 32-byte key for the test suite".utf8))
    let otherKey = SymmetricKey(data: Array("another 32-byte key for the test".utf8))

    @Test("the same value and key give the same token; another key or value another token")
    func tokens() throws {
        let pseudonymizer = try Pseudonymizer(key: key)
        let other = try Pseudonymizer(key: otherKey)
        #expect(pseudonymizer.token(for: "ana@example.com") == pseudonymizer.token(for: "ana@example.com"))
        #expect(pseudonymizer.token(for: "ana@example.com") != other.token(for: "ana@example.com"))
        #expect(pseudonymizer.token(for: "ana@example.com") != pseudonymizer.token(for: "ana@example.org"))
        // The token is HMAC-SHA256 truncated to 128 bits, in hex.
        let mac = HMAC<SHA256>.authenticationCode(for: Array("ana@example.com".utf8), using: key)
        #expect(pseudonymizer.token(for: "ana@example.com") == "pii_" + mac.prefix(16).map { String(format: "%02x", $0) }.joined())
        #expect(throws: WeakKey.self) { try Pseudonymizer(key: SymmetricKey(data: [UInt8](repeating: 1, count: 8))) }
    }

    @Test("every token has the same length whatever the input's length")
    func fixedSize() throws {
        let pseudonymizer = try Pseudonymizer(key: key)
        for value in ["", "a", "ana@example.com", String(repeating: "x", count: 10_000), "Zoë Ångström 📞"] {
            let token = pseudonymizer.token(for: value)
            #expect(token.count == Pseudonymizer.tokenLength)
            #expect(token.dropFirst(4).allSatisfy { $0.isHexDigit })
        }
    }

    @Test("PII fields are replaced before the document reaches features or training data")
    func pseudonymizeDocument() throws {
        let pseudonymizer = try Pseudonymizer(key: key)
        let attributes: JSONValue = .object([
            "customer": .object(["email": .string("ana@example.com"), "tier": .string("gold"), "phone": .number(5551234)]),
            "contacts": .array([.object(["email": .string("bo@example.com")]), .object(["email": .null])]),
            "amount": .number(7200),
            "notes": .object(["text": .string("call Ana back")]),
        ])
        let safe = pseudonymizer.pseudonymize(attributes, fields: ["customer.email", "customer.phone", "contacts.email", "notes", "missing.path"])
        #expect(safe["customer"]?["email"] == .string(pseudonymizer.token(for: "ana@example.com")))
        #expect(safe["customer"]?["phone"] == .string(pseudonymizer.token(for: "5551234")))
        #expect(safe["customer"]?["tier"] == .string("gold"))
        #expect(safe["contacts"] == .array([.object(["email": .string(pseudonymizer.token(for: "bo@example.com"))]), .object(["email": .null])]))
        #expect(safe["notes"]?["text"] == .string(pseudonymizer.token(for: "call Ana back")))
        #expect(safe["amount"] == .number(7200))

        let stored = String(decoding: try JSONEncoder().encode(safe), as: UTF8.self)
        for raw in ["ana@example.com", "bo@example.com", "5551234", "Ana"] { #expect(!stored.contains(raw)) }
        // Features built from the pseudonymized text contain no n-gram of the raw address.
        let featurizer = TextFeaturizer(dimension: 1 << 20)
        let rawFeatures = Set(featurizer.features(of: "ana example").indices)
        let safeFeatures = Set(featurizer.features(of: safe["customer"]!["email"]!.stringValue!).indices)
        #expect(rawFeatures.isDisjoint(with: safeFeatures))
    }

    @Test("raw text retention keeps none, or keeps N days")
    func retention() {
        let day = 86_400.0
        let now = 100 * day
        let records = [
            RawText(id: "old", text: "refund please", receivedAt: now - 31 * day),
            RawText(id: "edge", text: "on the boundary", receivedAt: now - 30 * day),
            RawText(id: "recent", text: "cancel my plan", receivedAt: now - 29.5 * day),
        ]
        #expect(TextRetention.keepNone.apply(to: records, now: now).allSatisfy { $0.text == nil })
        #expect(TextRetention.keepNone.retained(records, now: now, receivedAt: \.receivedAt).isEmpty)
        let kept = TextRetention.keepDays(30).apply(to: records, now: now)
        #expect(kept.map(\.id) == ["old", "edge", "recent"])
        #expect(kept.map(\.text) == [nil, nil, "cancel my plan"])
        #expect(TextRetention.keepDays(30).retained(records, now: now, receivedAt: \.receivedAt).map(\.id) == ["recent"])
    }
}
