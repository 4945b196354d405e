/// Remembers the short strings decoded recently so that a repeated one is not validated and built
/// again, and shares one copy of it.
///
/// Most strings in a log are vocabulary (actors, worker ids, policy and score-term names, rules,
/// attribute keys, outcomes) repeated from event to event. A replay decodes millions of them;
/// looking one up here costs a few integer operations where building a `String` costs a UTF-8
/// validation and, past 15 bytes, an allocation.
///
/// The table is direct-mapped: a string of at most 16 bytes is keyed by its bytes packed into two
/// words and its length, and a newer string simply replaces an older one in its slot. It is not
/// thread-safe: one decoding pass owns it.
final class StringTable {
    /// The longest string the table keeps, in UTF-8 bytes.
    static let maximumLength = 16

    private let slotCount: Int
    private let keys: UnsafeMutablePointer<(UInt64, UInt64, Int)>
    private let values: UnsafeMutablePointer<String>

    /// Creates a table of `slotCount` slots, a power of two.
    init(slotCount: Int = 1024) {
        precondition(slotCount > 0 && slotCount & (slotCount - 1) == 0, "slotCount must be a power of two")
        self.slotCount = slotCount
        keys = .allocate(capacity: slotCount)
        // Length 0 marks an empty slot: empty strings never go through the table.
        keys.initialize(repeating: (0, 0, 0), count: slotCount)
        values = .allocate(capacity: slotCount)
        values.initialize(repeating: "", count: slotCount)
    }

    deinit {
        keys.deinitialize(count: slotCount)
        keys.deallocate()
        values.deinitialize(count: slotCount)
        values.deallocate()
    }

    /// The string whose UTF-8 is `bytes`, from the table or made by `make`, which validates.
    ///
    /// `bytes` must hold 1 to ``maximumLength`` bytes.
    @inline(__always)
    func string<E: Error>(
        _ bytes: UnsafeRawBufferPointer, make: (UnsafeRawBufferPointer) throws(E) -> String
    ) throws(E) -> String {
        let count = bytes.count
        let key = Self.pack(bytes)
        let mixed = (key.0 &* 0x9E37_79B9_7F4A_7C15) ^ (key.1 &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(count)
        let slot = Int(truncatingIfNeeded: (mixed ^ (mixed >> 29)) & UInt64(slotCount - 1))
        let stored = keys[slot]
        if stored.2 == count, stored.0 == key.0, stored.1 == key.1 {
            return values[slot]
        }
        let string = try make(bytes)
        keys[slot] = (key.0, key.1, count)
        values[slot] = string
        return string
    }

    /// Packs 1 to 16 bytes into two words. With the length alongside, the packing is one-to-one:
    /// from 9 bytes on the two words overlap, but the length says by how much.
    @inline(__always)
    private static func pack(_ bytes: UnsafeRawBufferPointer) -> (UInt64, UInt64) {
        let count = bytes.count
        let base = bytes.baseAddress!
        if count >= 8 {
            return (
                base.loadUnaligned(as: UInt64.self),
                base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
            )
        }
        if count >= 4 {
            return (
                UInt64(base.loadUnaligned(as: UInt32.self)),
                UInt64(base.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            )
        }
        var word: UInt64 = 0
        for index in 0..<count {
            word |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << (8 * UInt64(index))
        }
        return (word, 0)
    }
}
