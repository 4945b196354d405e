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
        var scratch = Scratch()
        var vector = SparseVector(indices: [], values: [])
        features(of: text, into: &vector, scratch: &scratch)
        return vector
    }

    /// Buffers reused from one text to the next, so that featurizing a stream allocates nothing
    /// once they have grown to the longest text.
    public struct Scratch: Sendable {
        /// Every word's scalar values, each word stored padded as `<word>`.
        var scalars: [UInt32] = []
        /// Where each padded word ends in `scalars`; it starts where the previous one ends.
        var wordEnds: [Int] = []
        /// One key per hashed feature: bucket << 1 | sign bit, so that sorting orders by bucket.
        var keys: [Int] = []
        /// The keys spread over buckets, while sorting.
        var sorted: [Int] = []

        /// Creates empty buffers.
        public init() {}
    }

    /// Writes the feature vector of `text` into `vector`, reusing its storage and `scratch`'s.
    ///
    /// ```swift
    /// var scratch = TextFeaturizer.Scratch()
    /// var vector = SparseVector(indices: [], values: [])
    /// for text in texts {
    ///     featurizer.features(of: text, into: &vector, scratch: &scratch)
    ///     // ... score `vector`
    /// }
    /// ```
    public func features(of text: String, into vector: inout SparseVector, scratch: inout Scratch) {
        Self.splitWords(text, into: &scratch)
        let count = hashFeatures(&scratch)
        // Buckets hit more than once add up their signs; a bucket whose signs cancel stays, at 0.
        vector.indices.removeAll(keepingCapacity: true)
        vector.values.removeAll(keepingCapacity: true)
        vector.indices.append(contentsOf: repeatElement(0, count: count))
        vector.values.append(contentsOf: repeatElement(0, count: count))
        var sumOfSquares = 0.0
        var distinct = 0
        scratch.keys.withUnsafeMutableBufferPointer { keys in
            let keys = UnsafeMutableBufferPointer(rebasing: keys[0..<count])
            Self.bucketSort(keys, buffer: &scratch.sorted, bits: dimension.trailingZeroBitCount + 1)
            vector.indices.withUnsafeMutableBufferPointer { indices in
                vector.values.withUnsafeMutableBufferPointer { values in
                    var position = 0
                    while position < count {
                        let index = keys[position] >> 1
                        var value = 0.0
                        while position < count, keys[position] >> 1 == index {
                            value += keys[position] & 1 == 0 ? 1 : -1
                            position += 1
                        }
                        indices[distinct] = index
                        values[distinct] = value
                        distinct += 1
                        // Integers: the sum is exact in any order.
                        sumOfSquares += value * value
                    }
                    let norm = sumOfSquares.squareRoot()
                    if norm > 0 { for i in 0..<distinct { values[i] /= norm } }
                }
            }
        }
        vector.indices.removeLast(count - distinct)
        vector.values.removeLast(count - distinct)
    }

    /// Sorts non-negative `keys` below 2^`bits` ascending. A text's few hundred keys are spread
    /// over about as many buckets by their top bits, which leaves each bucket a key or two for an
    /// insertion sort to order: a few passes over the keys instead of n log n comparisons. Longer
    /// lists, whose buckets would grow, are sorted by comparison.
    static func bucketSort(_ keys: UnsafeMutableBufferPointer<Int>, buffer: inout [Int], bits: Int) {
        let count = keys.count
        if count < 2 { return }
        let bucketBits = min(bits, max(4, Int.bitWidth - (count - 1).leadingZeroBitCount))
        guard count <= 4096, bits > 4 else {
            var keys = keys
            keys.sort()
            return
        }
        if buffer.count < count { buffer = [Int](repeating: 0, count: max(count, 2 * buffer.count)) }
        let shift = bits - bucketBits
        let buckets = 1 << bucketBits
        let sorted = keys.baseAddress!
        buffer.withUnsafeMutableBufferPointer { buffer in
            let spread = buffer.baseAddress!
            withUnsafeTemporaryAllocation(of: Int.self, capacity: buckets) { offsets in
                offsets.initialize(repeating: 0)
                for i in 0..<count { offsets[sorted[i] >> shift] += 1 }
                var total = 0
                for bucket in 0..<buckets {
                    let size = offsets[bucket]
                    offsets[bucket] = total
                    total += size
                }
                for i in 0..<count {
                    let key = sorted[i]
                    spread[offsets[key >> shift]] = key
                    offsets[key >> shift] += 1
                }
            }
            // Ordered but within buckets: an insertion sort moves each key a place or two.
            sorted[0] = spread[0]
            for i in 1..<count {
                let key = spread[i]
                var j = i
                while j > 0, sorted[j - 1] > key {
                    sorted[j] = sorted[j - 1]
                    j -= 1
                }
                sorted[j] = key
            }
        }
    }

    /// Fills `scratch.scalars` and `scratch.wordEnds` with the padded lowercased words of `text`,
    /// as ``words(of:)`` splits them. ASCII text, the common case, is read byte by byte; anything
    /// else goes through full Unicode lowercasing and properties.
    static func splitWords(_ text: String, into scratch: inout Scratch) {
        scratch.scalars.removeAll(keepingCapacity: true)
        scratch.wordEnds.removeAll(keepingCapacity: true)
        let left = UInt32(UInt8(ascii: "<"))
        let right = UInt32(UInt8(ascii: ">"))
        var text = text
        let ascii = text.withUTF8 { bytes -> Bool in
            var inWord = false
            for byte in bytes {
                var letter = UInt32(byte)
                if byte >= 0x80 { return false }
                if byte &- UInt8(ascii: "A") < 26 { letter |= 0x20 }
                let isWordCharacter = letter &- UInt32(UInt8(ascii: "a")) < 26 || letter &- UInt32(UInt8(ascii: "0")) < 10
                if isWordCharacter {
                    if !inWord { scratch.scalars.append(left); inWord = true }
                    scratch.scalars.append(letter)
                } else if inWord {
                    scratch.scalars.append(right)
                    scratch.wordEnds.append(scratch.scalars.count)
                    inWord = false
                }
            }
            if inWord {
                scratch.scalars.append(right)
                scratch.wordEnds.append(scratch.scalars.count)
            }
            return true
        }
        if ascii { return }
        // Mixed text: String.lowercased() maps scalar by scalar, so each scalar's lowercase
        // mapping is split here as the lowercased string's scalars would be; ASCII scalars keep
        // the byte test, which agrees with the Unicode properties on them.
        scratch.scalars.removeAll(keepingCapacity: true)
        scratch.wordEnds.removeAll(keepingCapacity: true)
        var inWord = false
        func add(_ value: UInt32, isWordCharacter: Bool) {
            if isWordCharacter {
                if !inWord { scratch.scalars.append(left); inWord = true }
                scratch.scalars.append(value)
            } else if inWord {
                scratch.scalars.append(right)
                scratch.wordEnds.append(scratch.scalars.count)
                inWord = false
            }
        }
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                var letter = scalar.value
                if letter &- UInt32(UInt8(ascii: "A")) < 26 { letter |= 0x20 }
                add(letter, isWordCharacter: letter &- UInt32(UInt8(ascii: "a")) < 26 || letter &- UInt32(UInt8(ascii: "0")) < 10)
            } else {
                for lower in scalar.properties.lowercaseMapping.unicodeScalars {
                    add(lower.value, isWordCharacter: lower.properties.isAlphabetic || lower.properties.numericType != nil)
                }
            }
        }
        if inWord {
            scratch.scalars.append(right)
            scratch.wordEnds.append(scratch.scalars.count)
        }
    }

    /// Hashes every feature of the words in `scratch` into the first entries of `scratch.keys`
    /// and returns how many there are.
    private func hashFeatures(_ scratch: inout Scratch) -> Int {
        let mask = UInt64(dimension - 1)
        let unigramStart = start(kind: 1)
        let bigramStart = start(kind: 2)
        let gramStart = start(kind: 3)
        let shortest = max(0, characterGrams?.lowerBound ?? 0)
        let longest = characterGrams?.upperBound ?? -1
        let wordEnds = scratch.wordEnds
        // At most one unigram and one bigram per word, and a gram of each length per position.
        let bound = 2 * wordEnds.count + max(0, longest - shortest + 1) * (scratch.scalars.count + wordEnds.count)
        if scratch.keys.count < bound { scratch.keys = [Int](repeating: 0, count: max(bound, 2 * scratch.keys.count)) }
        var count = 0
        let scalars = scratch.scalars
        scratch.keys.withUnsafeMutableBufferPointer { keys in
        scalars.withUnsafeBufferPointer { scalars in
            @inline(__always) func add(_ hash: UInt64) {
                keys[count] = Int(truncatingIfNeeded: (hash & mask) << 1 | hash >> 63)
                count += 1
            }
            var wordStart = 0
            var previousStart = 0
            for (position, wordEnd) in wordEnds.enumerated() {
                // The word without its padding.
                let first = wordStart + 1
                let last = wordEnd - 1
                if unigrams {
                    var h = unigramStart
                    for i in first..<last { Self.mix(&h, scalars[i]) }
                    add(h)
                }
                if bigrams, position > 0 {
                    var h = bigramStart
                    for i in (previousStart + 1)..<(wordStart - 1) { Self.mix(&h, scalars[i]) }
                    Self.mix(&h, 0x20)
                    for i in first..<last { Self.mix(&h, scalars[i]) }
                    add(h)
                }
                let padded = wordEnd - wordStart
                if shortest <= longest, shortest <= padded {
                    // The n-grams starting at one offset share their prefix: hash it once and
                    // extend it one scalar per length.
                    for offset in wordStart...(wordEnd - shortest) {
                        var h = gramStart
                        for i in offset..<(offset + shortest) { Self.mix(&h, scalars[i]) }
                        add(h)
                        var end = offset + shortest
                        while end < wordEnd, end - offset < longest {
                            Self.mix(&h, scalars[end])
                            end += 1
                            add(h)
                        }
                    }
                }
                previousStart = wordStart
                wordStart = wordEnd
            }
        }
        }
        return count
    }

    private func start(kind: UInt8) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        Self.mix(&h, UInt32(kind))
        return h
    }

    /// FNV-1a over the four little-endian bytes of a scalar value. A byte of 0 leaves the xor
    /// unchanged, so a value below 256 — every ASCII letter — is one xor and one multiply by
    /// the prime's fourth power.
    @inline(__always)
    static func mix(_ h: inout UInt64, _ value: UInt32) {
        if value < 0x100 {
            h = (h ^ UInt64(value)) &* fnvPrimeToTheFourth
            return
        }
        var v = value
        for _ in 0..<4 {
            h ^= UInt64(v & 0xff)
            h = h &* fnvPrime
            v >>= 8
        }
    }

    static let fnvPrime: UInt64 = 0x0000_0100_0000_01b3
    static let fnvPrimeToTheFourth: UInt64 = fnvPrime &* fnvPrime &* fnvPrime &* fnvPrime
}
