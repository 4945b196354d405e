import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneLearning

/// The featurizer as first written — words as arrays of scalars, every n-gram hashed from its
/// own slice, 64-bit FNV-1a over each scalar's four little-endian bytes, entries sorted and
/// merged — kept as the reference the buffered implementation must match exactly.
struct ReferenceFeaturizer {
    var featurizer: TextFeaturizer

    func features(of text: String) -> SparseVector {
        let words = TextFeaturizer.words(of: text)
        var hashed: [(index: Int, sign: Double)] = []
        let mask = UInt64(featurizer.dimension - 1)
        func add(_ hash: UInt64) { hashed.append((Int(hash & mask), hash >> 63 == 0 ? 1 : -1)) }
        for (position, word) in words.enumerated() {
            if featurizer.unigrams { add(Self.fnv1a(seed: featurizer.seed, kind: 1, word)) }
            if featurizer.bigrams, position > 0 {
                add(Self.fnv1a(seed: featurizer.seed, kind: 2, words[position - 1] + [" "] + word))
            }
            if let lengths = featurizer.characterGrams {
                let padded: [Unicode.Scalar] = ["<"] + word + [">"]
                for length in lengths where length <= padded.count {
                    for offset in 0...(padded.count - length) {
                        add(Self.fnv1a(seed: featurizer.seed, kind: 3, Array(padded[offset..<(offset + length)])))
                    }
                }
            }
        }
        hashed.sort { $0.index < $1.index }
        var indices: [Int] = []
        var values: [Double] = []
        for (index, sign) in hashed {
            if indices.last == index { values[values.count - 1] += sign } else {
                indices.append(index)
                values.append(sign)
            }
        }
        let norm = values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        if norm > 0 { for i in values.indices { values[i] /= norm } }
        return SparseVector(indices: indices, values: values)
    }

    /// FNV-1a, byte by byte, over (basis ⊕ seed), the kind as four bytes, then each scalar as
    /// four little-endian bytes — the documented byte string of a feature.
    static func fnv1a(seed: UInt64, kind: UInt32, _ scalars: [Unicode.Scalar]) -> UInt64 {
        var bytes: [UInt8] = []
        for value in [kind] + scalars.map(\.value) {
            bytes += [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24)]
        }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for byte in bytes {
            h ^= UInt64(byte)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }
}

@Suite("Text featurizer")
struct TextFeaturizerTests {
    /// Messages with what real ones have: capitals, digits, punctuation, accents, other scripts,
    /// emoji, letters whose lowercase form is longer, one-letter words and runs of separators.
    static func texts(_ count: Int, seed: UInt64) -> [String] {
        let words = ["Refund", "charged", "TWICE", "invoice", "#4821", "a", "I", "x", "Müller", "ÉCOLE", "naïve",
                     "Straße", "İstanbul", "Ωmega", "東京", "données", "🙏", "can't", "e-mail", "v2.3", "42", "",
                     "ﬁle", "Ǆemal", "ΣΟΦΟΣ", "ὈΔΥΣΣΕΎΣ", "o'clock", "ÅSA", "résumé", "cancel", "subscription", "asap"]
        let separators = [" ", "  ", ", ", "! ", "\n", "\t", "... ", " - ", "/"]
        var random = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            var text = ""
            for _ in 0..<Int(random.next() % 25) {
                text += words[Int(random.next() % UInt64(words.count))]
                text += separators[Int(random.next() % UInt64(separators.count))]
            }
            return text
        }
    }

    @Test("features match the reference implementation exactly, ASCII or not, for every setting")
    func matchesReference() {
        let settings = [
            TextFeaturizer(),
            TextFeaturizer(dimension: 1 << 10, seed: 7),
            TextFeaturizer(dimension: 64, unigrams: false, bigrams: true, characterGrams: 1...3),
            TextFeaturizer(dimension: 1 << 12, unigrams: true, bigrams: false, characterGrams: nil),
            TextFeaturizer(dimension: 1 << 14, characterGrams: 2...8, seed: .max),
        ]
        // The last two are long enough for thousands of hashed entries, past the bucket sort.
        let texts = Self.texts(400, seed: 3) + ["", "   ", "!!!", "a", "A b", "Please cancel my subscription",
                                                Self.texts(300, seed: 4).joined(separator: " "),
                                                String(repeating: "Refund twice 42 ", count: 600)]
        for featurizer in settings {
            let reference = ReferenceFeaturizer(featurizer: featurizer)
            var scratch = TextFeaturizer.Scratch()
            var reused = SparseVector(indices: [1, 2, 3], values: [1, 1, 1])
            for text in texts {
                let expected = reference.features(of: text)
                #expect(featurizer.features(of: text) == expected, "\(text)")
                featurizer.features(of: text, into: &reused, scratch: &scratch)
                #expect(reused == expected, "\(text)")
            }
        }
    }

    @Test("a known word lands in the bucket and with the sign its FNV-1a hash gives")
    func knownNGrams() {
        let featurizer = TextFeaturizer(dimension: 1 << 18, unigrams: true, bigrams: false, characterGrams: nil)
        // "cat": the bytes 01 00 00 00, 63 00 00 00, 61 00 00 00, 74 00 00 00, hashed by FNV-1a.
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte: UInt8 in [1, 0, 0, 0, 0x63, 0, 0, 0, 0x61, 0, 0, 0, 0x74, 0, 0, 0] {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        let vector = featurizer.features(of: "Cat!")
        #expect(vector.indices == [Int(h & (1 << 18 - 1))])
        #expect(vector.values == [h >> 63 == 0 ? 1 : -1])
        #expect(featurizer.features(of: "CAT") == vector)

        // "<ca", "cat", "at>" and the others of 3...5 for a character-only featurizer: one entry per n-gram.
        let grams = TextFeaturizer(dimension: 1 << 20, unigrams: false, bigrams: false, characterGrams: 3...5)
        let scalars: [Unicode.Scalar] = ["<", "c", "a", "t", ">"]
        var expected: [Int: Double] = [:]
        for length in 3...5 {
            for offset in 0...(5 - length) {
                let hash = ReferenceFeaturizer.fnv1a(seed: 0, kind: 3, Array(scalars[offset..<(offset + length)]))
                expected[Int(hash & (1 << 20 - 1)), default: 0] += hash >> 63 == 0 ? 1 : -1
            }
        }
        let cat = grams.features(of: "cat")
        #expect(cat.indices == expected.keys.sorted())
        let norm = expected.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(cat.values == expected.keys.sorted().map { expected[$0]! / norm })
        #expect(cat.indices.count == 6)
    }

    @Test("a bigram is the two words with a space between, as one hashed string")
    func bigramBytes() {
        let featurizer = TextFeaturizer(dimension: 1 << 18, unigrams: false, bigrams: true, characterGrams: nil)
        let hash = ReferenceFeaturizer.fnv1a(seed: 0, kind: 2, Array("cancel plan".unicodeScalars))
        let vector = featurizer.features(of: "Cancel, PLAN")
        #expect(vector.indices == [Int(hash & (1 << 18 - 1))])
        #expect(vector.values == [hash >> 63 == 0 ? 1 : -1])
    }
}
