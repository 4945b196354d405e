import FlowtuneCore
import FlowtuneServer
import Foundation
import NIOCore
import Testing

@Suite("JSON field reader")
struct JSONFieldReaderTests {
    /// A JSON value made by the test, with the text it was written as.
    private indirect enum Value {
        case string(String)
        case number(String)
        case literal(String)
        case array([Value])
        case object([(String, Value)])
    }

    private static let alphabet: [Character] = ["a", "b", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "é", "€", "😀", "{", "}", ",", ":"]

    private func randomString(_ random: inout SeededGenerator) -> String {
        String((0..<random.below(8)).map { _ in Self.alphabet[random.below(Self.alphabet.count)] })
    }

    private func randomValue(_ random: inout SeededGenerator, depth: Int) -> Value {
        switch random.below(depth > 2 ? 3 : 5) {
        case 0: return .string(randomString(&random))
        case 1: return .number(["0", "-12", "3.25", "1e-7", "6.02E23"][random.below(5)])
        case 2: return .literal(["true", "false", "null"][random.below(3)])
        case 3: return .array((0..<random.below(4)).map { _ in randomValue(&random, depth: depth + 1) })
        default:
            return .object((0..<random.below(4)).map { index in ("k\(index)", randomValue(&random, depth: depth + 1)) })
        }
    }

    /// `text` as a JSON string, each character escaped or not at random (`\u` escapes for
    /// characters outside the BMP are written as surrogate pairs).
    private func write(_ text: String, _ random: inout SeededGenerator) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            let mustEscape = scalar == "\"" || scalar == "\\" || scalar.value < 0x20
            if mustEscape || random.below(4) == 0 {
                switch (scalar, random.below(2)) {
                case ("\"", 0): out += "\\\""
                case ("\\", 0): out += "\\\\"
                case ("\n", 0): out += "\\n"
                case ("\t", 0): out += "\\t"
                case ("/", 0): out += "\\/"
                default:
                    for unit in String(scalar).utf16 { out += String(format: "\\u%04x", unit) }
                }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    private func write(_ value: Value, _ random: inout SeededGenerator) -> String {
        let space = [" ", "", "\n "][random.below(3)]
        switch value {
        case .string(let text): return write(text, &random)
        case .number(let text), .literal(let text): return text
        case .array(let items): return "[" + space + items.map { write($0, &random) }.joined(separator: "," + space) + "]"
        case .object(let members):
            return "{" + space + members.map { write($0.0, &random) + space + ":" + write($0.1, &random) }
                .joined(separator: "," + space) + space + "}"
        }
    }

    @Test func readsTheNamedStringsOfRandomObjects() throws {
        var random = SeededGenerator(seed: 0x5EED)
        for _ in 0..<500 {
            let names = ["id", "state", "wörker", "a\"b", "nested"]
            var members: [(String, Value)] = []
            for name in names where random.below(3) > 0 {
                members.append((name, randomValue(&random, depth: 0)))
            }
            members.shuffle(using: &random)
            let text = write(.object(members), &random)
            // The text is valid JSON to an independent reader, and says what the test meant.
            let reference = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
            let read = try #require(JSONFieldReader(names).strings(in: ByteBuffer(string: text)), "\(text)")
            for (slot, name) in names.enumerated() {
                let expected = members.first(where: { $0.0 == name }).flatMap { member -> String? in
                    if case .string(let value) = member.1 { return value }
                    return nil
                }
                #expect(read[slot] == expected, "\(name) in \(text)")
                #expect(read[slot] == reference[name] as? String, "\(name) in \(text)")
            }
            // A member's value, of any kind, read again on its own.
            if let nested = JSONFieldReader(["nested"]).value(in: ByteBuffer(string: text)) {
                let alone = try JSONSerialization.jsonObject(with: Data(buffer: nested), options: .fragmentsAllowed)
                let expected = try #require(reference["nested"])
                #expect(
                    try JSONSerialization.data(withJSONObject: [alone], options: .sortedKeys)
                        == JSONSerialization.data(withJSONObject: [expected], options: .sortedKeys), "\(text)")
            } else {
                #expect(reference["nested"] == nil, "\(text)")
            }
        }
    }

    @Test func readsATaskAsTheServerWritesIt() throws {
        let text = #"{"task":{"id":"t-9","step":"handle","state":"offered","worker":"w12","attributes":{"state":"x"}},"finished":null,"history":[]}"#
        let task = try #require(JSONFieldReader(["task"]).value(in: ByteBuffer(string: text)))
        #expect(JSONFieldReader(["id", "state", "worker", "step"]).strings(in: task)! == ["t-9", "offered", "w12", "handle"])
        // Only the top level counts: the nested "state" is not the task's.
        #expect(JSONFieldReader(["state"]).strings(in: ByteBuffer(string: text))! == [nil])
    }

    @Test(arguments: ["", "[]", "\"x\"", "{", "{\"a\":}", "{\"a\" 1}", "{\"a\":1,}", "{\"a\":[1}", "{\"a\":\"x}", "{\"a\":1} x", "{\"a\":@}"])
    func refusesWhatIsNotAnObject(_ text: String) {
        #expect(JSONFieldReader(["a"]).strings(in: ByteBuffer(string: text)) == nil)
    }
}

extension SeededGenerator {
    /// A uniform whole number in 0..<bound; the seed makes a failure replayable.
    fileprivate mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
