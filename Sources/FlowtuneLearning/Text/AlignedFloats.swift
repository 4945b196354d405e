#if canImport(Glibc)
import Glibc
#endif

/// A fixed number of floats, zero to start with, whose first one sits on a cache-line boundary,
/// shared by the values holding it until one of them writes (copy on write, by
/// ``TextClassifier``).
///
/// Why not an array: a row of up to 16 floats at a multiple of its own size from a 64-byte
/// boundary lies in one cache line, so scoring a feature reads one line, but Swift's array
/// storage puts its first element 32 bytes into a 16-byte-aligned block, wherever the block
/// falls. Tables of 2 MiB and more start on a 2 MiB boundary and are advised to the kernel as
/// huge-page memory where it supports that (Linux with transparent huge pages): rows are read at
/// random across tens of megabytes, and with 4 KiB pages most reads would also miss the TLB.
final class AlignedFloats: @unchecked Sendable, Hashable {
    // @unchecked: the floats are written only through a classifier's mutating methods after
    // `isKnownUniquelyReferenced` has made sure no other value, and so no other thread, holds them.

    /// How many floats.
    let count: Int
    /// The first float, 64-byte aligned.
    let base: UnsafeMutablePointer<Float>

    private static let hugePage = 1 << 21

    /// `count` zeros.
    init(count: Int) {
        precondition(count >= 0, "a count of floats is not negative")
        self.count = count
        let bytes = max(1, count) * MemoryLayout<Float>.stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: bytes >= Self.hugePage ? Self.hugePage : 64)
        #if canImport(Glibc)
        // Only advice: where the kernel declines, the table works the same on small pages.
        if bytes >= Self.hugePage { _ = madvise(raw, bytes, MADV_HUGEPAGE) }
        #endif
        base = raw.initializeMemory(as: Float.self, repeating: 0, count: max(1, count))
    }

    deinit { UnsafeMutableRawPointer(base).deallocate() }

    /// A copy for a value about to write.
    func copy() -> AlignedFloats {
        let copy = AlignedFloats(count: count)
        copy.base.update(from: base, count: count)
        return copy
    }

    /// The floats as bytes, for reading rows of SIMD groups.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count * MemoryLayout<Float>.stride) }

    /// Equal when the floats are, as two arrays would be.
    static func == (a: AlignedFloats, b: AlignedFloats) -> Bool {
        if a === b { return true }
        guard a.count == b.count else { return false }
        for i in 0..<a.count where a.base[i] != b.base[i] { return false }
        return true
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for i in 0..<count { hasher.combine(base[i]) }
    }
}
