#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Names met in a log — activities, resources, groups, case ids, attribute values — each stored
/// once and referred to by a small number.
///
/// Importers intern straight from the bytes they scan, so a name seen before costs a hash and a
/// compare, and no `String` is made for it: that keeps a million-event import from making a
/// million strings.
///
/// ```swift
/// var activities = NameTable()
/// let a = activities.intern("register request")   // 0
/// activities.intern("decide")                     // 1
/// activities.intern("register request")           // 0 again
/// activities[a]                                    // "register request"
/// ```
public struct NameTable: Sendable, Hashable {
    /// The names, by number.
    public private(set) var names: [String] = []
    private var bytes: [UInt8] = []
    private var offsets: [Int] = [0]
    private var slots: [Int32] = Array(repeating: -1, count: 64)

    /// An empty table.
    public init() {}

    /// A table holding `names` in order; a repeated name keeps its first number.
    public init(_ names: some Sequence<String>) {
        for name in names { intern(name) }
    }

    /// How many distinct names the table holds.
    public var count: Int { names.count }

    /// The name numbered `index`.
    public subscript(index: Int32) -> String { names[Int(index)] }

    /// The number of `name`, or nil when the table does not hold it.
    public func index(of name: String) -> Int32? {
        var name = name
        return name.withUTF8 { find(UnsafeRawBufferPointer($0)).found }
    }

    /// The number of `name`, adding it when new.
    @discardableResult
    public mutating func intern(_ name: String) -> Int32 {
        var name = name
        return name.withUTF8 { intern(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// The number of the UTF-8 name in `bytes`, adding it when new.
    @discardableResult
    public mutating func intern(bytes name: UnsafeRawBufferPointer) -> Int32 {
        let (found, slot) = find(name)
        if let found { return found }
        let index = Int32(names.count)
        names.append(String(decoding: name, as: UTF8.self))
        bytes.append(contentsOf: name)
        offsets.append(bytes.count)
        slots[slot] = index
        if names.count * 2 > slots.count { grow() }
        return index
    }

    public static func == (lhs: NameTable, rhs: NameTable) -> Bool { lhs.names == rhs.names }
    public func hash(into hasher: inout Hasher) { hasher.combine(names) }

    private func find(_ name: UnsafeRawBufferPointer) -> (found: Int32?, slot: Int) {
        let mask = slots.count - 1
        var slot = Self.hash(name) & mask
        return bytes.withUnsafeBufferPointer { stored in
            while true {
                let candidate = slots[slot]
                if candidate < 0 { return (nil, slot) }
                let start = offsets[Int(candidate)]
                let end = offsets[Int(candidate) + 1]
                if end - start == name.count,
                   name.count == 0 || memcmp(stored.baseAddress! + start, name.baseAddress!, name.count) == 0 {
                    return (candidate, slot)
                }
                slot = (slot + 1) & mask
            }
        }
    }

    private mutating func grow() {
        let capacity = slots.count * 2
        var grown = [Int32](repeating: -1, count: capacity)
        let mask = capacity - 1
        bytes.withUnsafeBytes { stored in
            for index in names.indices {
                let name = UnsafeRawBufferPointer(rebasing: stored[offsets[index]..<offsets[index + 1]])
                var slot = Self.hash(name) & mask
                while grown[slot] >= 0 { slot = (slot + 1) & mask }
                grown[slot] = Int32(index)
            }
        }
        slots = grown
    }

    /// FNV-1a, folded to an Int; names are short, so a simple byte loop beats a general hasher.
    private static func hash(_ name: UnsafeRawBufferPointer) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}
