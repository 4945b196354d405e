import HeapModule

/// The simulator's future: what happens next and when, on a virtual clock in seconds from the
/// scenario's start. Events at the same time come out in the order they were scheduled.
struct EventCalendar {
    private var heap = Heap<Entry>()
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
    var nextTime: Double { heap.min?.time ?? .infinity }

    /// How many entries are scheduled.
    var count: Int { heap.count }

    mutating func schedule(_ kind: Kind, at time: Double) {
        sequence += 1
        heap.insert(Entry(time: time, sequence: sequence, kind: kind))
    }

    mutating func next() -> Entry? {
        heap.popMin()
    }
}
