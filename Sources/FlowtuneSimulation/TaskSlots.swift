import FlowtuneCore

/// Which customer slot each open task occupies, found from the task's id.
///
/// The core numbers the tasks it creates `T1`, `T2`, … in order, and a replication's customers
/// leave roughly in the order they came: for such an id the slot is read from a window of
/// consecutive numbers, without hashing the id. Any other id — chosen by a caller, or a number
/// far behind the window — goes through a dictionary. The window never holds more than
/// ``windowLimit`` numbers, so memory stays flat however long a task stays open.
struct TaskSlots {
    /// The number of `window[head]`.
    private var base = 0
    /// Slots by task number from `base` on, from `head`; -1 where that task has left or is not here.
    private var window: [Int32] = []
    private var head = 0
    private var others: [TaskID: Int32] = [:]

    /// The most numbers the window spans before its oldest open entries move to the dictionary.
    static let windowLimit = 1 << 16

    /// Records that `task` occupies `slot`.
    mutating func insert(_ task: TaskID, slot: Int32) {
        guard let number = Self.number(of: task) else {
            others[task] = slot
            return
        }
        if head == window.count {
            // Empty: the window starts at this task.
            window.removeAll(keepingCapacity: true)
            head = 0
            base = number
        }
        let offset = number - base
        let gap = offset - (window.count - head)
        guard offset >= 0, gap >= 0, gap < Self.windowLimit else {
            others[task] = slot
            return
        }
        for _ in 0..<gap { window.append(-1) }
        window.append(slot)
        while window.count - head > Self.windowLimit { dropOldest() }
    }

    /// The slot `task` occupies, if it is here.
    func slot(of task: TaskID) -> Int32? {
        if let number = Self.number(of: task) {
            let position = number - base + head
            if number >= base, position < window.count, window[position] >= 0 { return window[position] }
        }
        return others.isEmpty ? nil : others[task]
    }

    /// Forgets `task`.
    mutating func remove(_ task: TaskID) {
        if let number = Self.number(of: task) {
            let position = number - base + head
            if number >= base, position < window.count, window[position] >= 0 {
                window[position] = -1
                while head < window.count, window[head] < 0 { advance() }
                return
            }
        }
        if !others.isEmpty { others[task] = nil }
    }

    /// Moves the oldest number out of the window, into the dictionary if its task is still here.
    private mutating func dropOldest() {
        if window[head] >= 0 { others[TaskID("T\(base)")] = window[head] }
        advance()
        while head < window.count, window[head] < 0 { advance() }
    }

    private mutating func advance() {
        head += 1
        base += 1
        // Reclaim the front once it is most of the array.
        if head >= 4096, head * 2 >= window.count {
            window.removeFirst(head)
            head = 0
        }
    }

    /// The number of an id of the form the core numbers tasks with — `T` and a decimal number
    /// without a leading zero — or nil for any other id.
    static func number(of task: TaskID) -> Int? {
        var utf8 = task.rawValue.utf8.makeIterator()
        guard utf8.next() == UInt8(ascii: "T") else { return nil }
        var value = 0
        var digits = 0
        while let byte = utf8.next() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            if digits == 0, byte == UInt8(ascii: "0") { return nil }
            digits += 1
            if digits > 15 { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return digits == 0 ? nil : value
    }
}
