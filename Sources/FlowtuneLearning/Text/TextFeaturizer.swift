/// A sparse feature vector: sorted distinct indices and their values.
public struct SparseVector: Sendable, Hashable, Codable {
    /// Feature indices, ascending and distinct.
    public var indices: [Int]
    /// The value at each index.
    public var values: [Double]

    /// Creates a vector from sorted distinct indices.
    public init(indices: [Int], values: [Double]) {
        self.indices = indices
        self.values = values
    }
}

/// Turns text into a fixed-size sparse vector by the hashing trick: word unigrams, word bigrams
/// and character n-grams of each word (padded as `<word>`), each hashed with 64-bit FNV-1a into
/// `dimension` buckets with a sign from the hash's top bit (so collisions cancel in expectation
/// rather than add up). Counts are L2-normalised, so long and short texts weigh alike.
///
/// The hash is FNV-1a, not Swift's per-process randomized `Hasher`, so a feature means the same
/// bucket in every process and a saved model stays valid. Text is lowercased and split on
/// anything that is not a letter or a digit.
///
/// ```swift
/// let featurizer = TextFeaturizer(dimension: 1 << 18)
/// let vector = featurizer.features(of: "Please cancel my subscription")
/// ```
public struct TextFeaturizer: Sendable, Hashable, Codable {
    /// The number of buckets, a power of two.
    public var dimension: Int
    /// Hash word unigrams.
    public var unigrams: Bool
    /// Hash pairs of adjacent words.
    public var bigrams: Bool
    /// Lengths of character n-grams, in Unicode scalars; empty for none.
    public var characterGrams: ClosedRange<Int>?
    /// Mixed into every hash: two featurizers with different seeds collide differently.
    public var seed: UInt64

    /// Creates a featurizer. `dimension` is rounded up to a power of two.
    public init(
        dimension: Int = 1 << 18, unigrams: Bool = true, bigrams: Bool = true,
        characterGrams: ClosedRange<Int>? = 3...5, seed: UInt64 = 0
    ) {
        var size = 1
        while size < max(dimension, 2) { size <<= 1 }
        self.dimension = size
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.characterGrams = characterGrams
        self.seed = seed
    }

    /// The lowercased words of `text`.
    public static func words(of text: String) -> [[Unicode.Scalar]] {
        var words: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        for scalar in text.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// The feature vector of `text`.
    public func features(of text: String) -> SparseVector {
        let words = Self.words(of: text)
        var hashed: [(index: Int, sign: Double)] = []
        hashed.reserveCapacity(words.count * 12)
        let mask = UInt64(dimension - 1)
        func add(_ hash: UInt64) {
            hashed.append((Int(hash & mask), hash >> 63 == 0 ? 1 : -1))
        }
        for (position, word) in words.enumerated() {
            if unigrams { add(hash(kind: 1, word[...])) }
            if bigrams, position > 0 {
                var h = start(kind: 2)
                mix(&h, words[position - 1][...])
                mix(&h, 0x20)
                mix(&h, word[...])
                add(h)
            }
            if let lengths = characterGrams {
                let padded: [Unicode.Scalar] = ["<"] + word + [">"]
                for length in lengths where length <= padded.count {
                    for offset in 0...(padded.count - length) {
                        add(hash(kind: 3, padded[offset..<(offset + length)]))
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

    private func start(kind: UInt8) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        mix(&h, UInt32(kind))
        return h
    }

    private func hash(kind: UInt8, _ scalars: ArraySlice<Unicode.Scalar>) -> UInt64 {
        var h = start(kind: kind)
        mix(&h, scalars)
        return h
    }

    private func mix(_ h: inout UInt64, _ scalars: ArraySlice<Unicode.Scalar>) {
        for scalar in scalars { mix(&h, scalar.value) }
    }

    /// FNV-1a over the four bytes of a scalar value.
    @inline(__always)
    private func mix(_ h: inout UInt64, _ value: UInt32) {
        var v = value
        for _ in 0..<4 {
            h ^= UInt64(v & 0xff)
            h = h &* 0x0000_0100_0000_01b3
            v >>= 8
        }
    }
}
