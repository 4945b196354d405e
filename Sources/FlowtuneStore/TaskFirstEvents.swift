/// The first events of one workspace's recently met tasks, by task id, in two generations: when
/// the newer fills up it becomes the older and the oldest entries are dropped, so memory stays
/// bounded while the tasks still moving, met again and again, stay.
struct TaskFirstEvents: Sendable {
    /// How many entries a generation holds before it is retired.
    static let generationSize = 100_000

    private var newer = TaskKeyTable()
    private var older = TaskKeyTable()

    /// The task's first event, if it is remembered.
    mutating func first(of task: TaskKey) -> Int64? {
        if let first = newer.value(for: task) { return first }
        guard let first = older.value(for: task) else { return nil }
        remember(first, of: task)
        return first
    }

    /// Remembers a task's first event.
    mutating func remember(_ first: Int64, of task: TaskKey) {
        newer.set(first, for: task)
        if newer.count >= Self.generationSize {
            older = newer
            newer = TaskKeyTable()
        }
    }

    /// The first event of the task with id `task`, if it is remembered.
    mutating func first(of task: String) -> Int64? {
        first(of: TaskKey(task))
    }

    /// Remembers the first event of the task with id `task`.
    mutating func remember(_ first: Int64, of task: String) {
        remember(first, of: TaskKey(task))
    }
}

/// A task id as the store's memory of first events keys it: an id of up to 16 UTF-8 bytes (most
/// are) packed into two words and its length, read straight from the encoded batch without making
/// a `String`; a longer one as its string.
struct TaskKey: Equatable, Sendable {
    fileprivate var low: UInt64
    fileprivate var high: UInt64
    fileprivate var count: Int
    fileprivate var long: String?

    /// The key of the id whose UTF-8 bytes are `bytes`.
    init(_ bytes: UnsafeRawBufferPointer) {
        count = bytes.count
        long = nil
        low = 0
        high = 0
        guard let base = bytes.baseAddress, count > 0 else { return }
        if count > 16 {
            long = String(decoding: bytes, as: UTF8.self)
        } else if count >= 8 {
            // From 9 bytes on the words overlap; with the length beside them the packing is still
            // one-to-one.
            low = base.loadUnaligned(as: UInt64.self)
            high = base.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else {
            for index in 0..<count {
                low |= UInt64(base.load(fromByteOffset: index, as: UInt8.self)) << (8 * UInt64(index))
            }
        }
    }

    /// The key of the id `id`.
    init(_ id: String) {
        var id = id
        self = id.withUTF8 { TaskKey(UnsafeRawBufferPointer($0)) }
    }

    static func == (lhs: TaskKey, rhs: TaskKey) -> Bool {
        guard lhs.low == rhs.low, lhs.high == rhs.high, lhs.count == rhs.count else { return false }
        return lhs.count <= 16 || lhs.long == rhs.long
    }
}

/// A hash table from task keys to numbers: open addressing with linear probing over one flat array
/// of slots, and a multiplicative mix of the packed words for a hash.
///
/// The store looks up every index entry of every append here, on the writer, the one serial
/// resource; a `Dictionary` keyed by ``TaskKey`` spent most of that time seeding and finalizing
/// the standard hasher for a key that is already two words. Ids longer than 16 bytes, which do not
/// pack, go to a dictionary beside the slots.
struct TaskKeyTable: Sendable {
    /// One slot: a packed key and its value; `length` 0 marks an empty slot, else the id's length + 1.
    private struct Slot {
        var low: UInt64 = 0
        var high: UInt64 = 0
        var value: Int64 = 0
        var length: UInt8 = 0
    }

    private var slots: [Slot]
    private var longs: [String: Int64] = [:]
    private var packed = 0

    /// The number of keys held.
    var count: Int { packed + longs.count }

    /// An empty table with room for `capacity` keys before it first grows.
    init(capacity: Int = 512) {
        var size = 16
        while size < 2 * capacity { size *= 2 }
        slots = Array(repeating: Slot(), count: size)
    }

    /// The value held for `key`, if any.
    func value(for key: TaskKey) -> Int64? {
        if let long = key.long { return longs[long] }
        let length = UInt8(key.count + 1)
        return slots.withUnsafeBufferPointer { slots in
            let mask = slots.count - 1
            var index = Self.slot(of: key, mask: mask)
            while true {
                let slot = slots[index]
                if slot.length == 0 { return nil }
                if slot.length == length, slot.low == key.low, slot.high == key.high { return slot.value }
                index = (index + 1) & mask
            }
        }
    }

    /// Holds `value` for `key`, replacing what it held.
    mutating func set(_ value: Int64, for key: TaskKey) {
        if let long = key.long {
            longs[long] = value
            return
        }
        // At most half full, so that probes stay short and always meet an empty slot.
        if 2 * (packed + 1) > slots.count { grow() }
        let length = UInt8(key.count + 1)
        let added = slots.withUnsafeMutableBufferPointer { slots in
            let mask = slots.count - 1
            var index = Self.slot(of: key, mask: mask)
            while true {
                if slots[index].length == 0 {
                    slots[index] = Slot(low: key.low, high: key.high, value: value, length: length)
                    return true
                }
                if slots[index].length == length, slots[index].low == key.low, slots[index].high == key.high {
                    slots[index].value = value
                    return false
                }
                index = (index + 1) & mask
            }
        }
        if added { packed += 1 }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(), count: old.count * 2)
        let mask = slots.count - 1
        slots.withUnsafeMutableBufferPointer { slots in
            for slot in old where slot.length != 0 {
                var index = Self.slot(low: slot.low, high: slot.high, length: slot.length, mask: mask)
                while slots[index].length != 0 { index = (index + 1) & mask }
                slots[index] = slot
            }
        }
    }

    private static func slot(of key: TaskKey, mask: Int) -> Int {
        slot(low: key.low, high: key.high, length: UInt8(key.count + 1), mask: mask)
    }

    /// Mixes the packed words so that ids differing in any byte (`T1`, `T2`, …) spread over the
    /// table, folding the high half, the best mixed, into the low bits the mask keeps.
    private static func slot(low: UInt64, high: UInt64, length: UInt8, mask: Int) -> Int {
        var hash = (low &* 0x9E37_79B9_7F4A_7C15) ^ (high &* 0xC2B2_AE3D_27D4_EB4F) ^ UInt64(length)
        hash ^= hash >> 29
        hash = hash &* 0xBF58_476D_1CE4_E5B9
        hash ^= hash >> 32
        return Int(truncatingIfNeeded: hash) & mask
    }
}
