/// The simulator's future: what happens next and when, on a virtual clock in seconds from the
/// scenario's start. Events at the same time come out in the order they were scheduled.
///
/// A plain binary heap on one array: every entry's (time, sequence) is distinct, so the order
/// entries come out in is fixed by the keys alone, and a binary heap needs fewer comparisons and
/// moves per operation than the min-max heap of swift-collections.
struct EventCalendar {
    private var heap: [Entry] = []
    private var sequence: UInt64 = 0

    /// Something the simulator does at a time: entries carry small indexes, never task ids,
    /// so scheduling allocates nothing beyond the heap's own storage.
    enum Kind {
        /// A task of the type arrives.
        case arrival(type: Int)
        /// The worker holding the customer's offer accepts it, if the offer is still the one made.
        case accept(slot: Int32, stamp: UInt64)
        /// The worker finishes the customer's current step, if still working it.
        case complete(slot: Int32, stamp: UInt64)
        /// The customer gives up, if still unanswered.
        case abandon(slot: Int32, serial: UInt64)
        /// The learned models publish a new prediction table.
        case publishPredictions
        /// The batch cadence: the core assigns the waiting tasks to free capacity at once.
        case routeWaiting
    }

    struct Entry: Comparable {
        var time: Double
        var sequence: UInt64
        var kind: Kind

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            lhs.time < rhs.time || (lhs.time == rhs.time && lhs.sequence < rhs.sequence)
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.time == rhs.time && lhs.sequence == rhs.sequence
        }
    }

    /// The time of the next entry, or infinity when nothing is scheduled.
    var nextTime: Double { heap.first?.time ?? .infinity }

    /// How many entries are scheduled.
    var count: Int { heap.count }

    mutating func schedule(_ kind: Kind, at time: Double) {
        sequence += 1
        heap.append(Entry(time: time, sequence: sequence, kind: kind))
        heap.withUnsafeMutableBufferPointer { entries in
            // Moves the new entry up past every parent that comes after it.
            let entry = entries[entries.count - 1]
            var hole = entries.count - 1
            while hole > 0 {
                let parent = (hole - 1) / 2
                guard entry < entries[parent] else { break }
                entries[hole] = entries[parent]
                hole = parent
            }
            entries[hole] = entry
        }
    }

    mutating func next() -> Entry? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if heap.isEmpty { return first }
        heap.withUnsafeMutableBufferPointer { entries in
            // Moves the last entry down from the root past every child that comes before it.
            let count = entries.count
            var hole = 0
            while true {
                var child = 2 * hole + 1
                if child >= count { break }
                if child + 1 < count, entries[child + 1] < entries[child] { child += 1 }
                guard entries[child] < last else { break }
                entries[hole] = entries[child]
                hole = child
            }
            entries[hole] = last
        }
        return first
    }
}
