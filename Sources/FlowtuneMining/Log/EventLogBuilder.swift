/// Collects the events an importer reads, in any order, and builds the ``EventLog``.
///
/// Importers intern names into the builder's tables, add one ``RawEvent`` per event, and
/// attach attributes to the event just added. `build()` groups events by case, orders each
/// case by time (ties keep the order read), and pairs each `start` with the next `complete` of
/// the same activity into one ``ActivityInstance``.
///
/// ```swift
/// var builder = EventLogBuilder()
/// let c = builder.caseIDs.intern("case-1")
/// let a = builder.activities.intern("Register")
/// builder.add(RawEvent(caseIndex: c, activity: a, time: 1_300_000_000))
/// let log = builder.build()
/// ```
public struct EventLogBuilder: Sendable {
    /// Activity names.
    public var activities = NameTable()
    /// Resource names.
    public var resources = NameTable()
    /// Group names.
    public var groups = NameTable()
    /// Case ids.
    public var caseIDs = NameTable()
    /// Attribute names.
    public var attributeKeys = NameTable()
    /// Attribute values.
    public var attributeValues = NameTable()

    private var events: [RawEvent] = []
    private var eventAttributes: [(event: Int32, key: Int32, value: Int32)] = []
    private var caseAttributeRows: [(case: Int32, key: Int32, value: Int32)] = []

    /// An empty builder.
    public init() {}

    /// How many events were added.
    public var eventCount: Int { events.count }

    /// Reserves room for `count` events.
    public mutating func reserveCapacity(_ count: Int) { events.reserveCapacity(count) }

    /// Adds an event. Its `time` must be finite.
    public mutating func add(_ event: RawEvent) {
        precondition(event.time.isFinite, "an event needs a time")
        events.append(event)
    }

    /// Sets attribute `key` to `value` on the event added last.
    public mutating func setAttribute(key: Int32, value: Int32) {
        precondition(!events.isEmpty, "an attribute belongs to an event added before it")
        eventAttributes.append((Int32(events.count - 1), key, value))
    }

    /// Sets attribute `key` to `value` on case `caseIndex`.
    public mutating func setCaseAttribute(caseIndex: Int32, key: Int32, value: Int32) {
        caseAttributeRows.append((caseIndex, key, value))
    }

    /// The log: events grouped by case, ordered by time, paired into instances.
    public func build() -> EventLog {
        let caseCount = caseIDs.count
        // Counting sort by case keeps each case's events in the order read.
        var caseStarts = [Int](repeating: 0, count: caseCount + 1)
        for event in events { caseStarts[Int(event.caseIndex) + 1] += 1 }
        for c in 0..<caseCount { caseStarts[c + 1] += caseStarts[c] }
        var order = [Int32](repeating: 0, count: events.count)
        var fill = caseStarts
        for (index, event) in events.enumerated() {
            order[fill[Int(event.caseIndex)]] = Int32(index)
            fill[Int(event.caseIndex)] += 1
        }

        var instances: [ActivityInstance] = []
        instances.reserveCapacity(events.count)
        var instanceOfEvent = [Int32](repeating: -1, count: events.count)
        var caseOffsets = [Int](repeating: 0, count: caseCount + 1)
        var lifecycleTally = [Int](repeating: 0, count: Lifecycle.allCases.count)
        var open: [(activity: Int32, instance: Int)] = []
        var caseInstances: [ActivityInstance] = []
        var eventInstance: [(event: Int32, local: Int32)] = []
        var position: [Int32] = []
        var pendingReassign: [Int32: Int32] = [:]

        events.withUnsafeBufferPointer { events in
            for c in 0..<caseCount {
                caseOffsets[c] = instances.count
                var slice = Array(order[caseStarts[c]..<caseStarts[c + 1]])
                if !Self.isSorted(slice, events) {
                    slice.sort { a, b in
                        let ta = events[Int(a)].time, tb = events[Int(b)].time
                        return ta < tb || (ta == tb && a < b)
                    }
                }
                open.removeAll(keepingCapacity: true)
                caseInstances.removeAll(keepingCapacity: true)
                eventInstance.removeAll(keepingCapacity: true)
                pendingReassign.removeAll(keepingCapacity: true)
                for e in slice {
                    let event = events[Int(e)]
                    lifecycleTally[Int(event.lifecycle.rawValue)] += 1
                    switch event.lifecycle {
                    case .start:
                        eventInstance.append((e, Int32(caseInstances.count)))
                        caseInstances.append(
                            ActivityInstance(
                                activity: event.activity, resource: event.resource, group: event.group,
                                start: event.time, end: event.time,
                                reassignments: pendingReassign.removeValue(forKey: event.activity) ?? 0,
                                status: .open))
                        open.append((event.activity, caseInstances.count - 1))
                    case .complete, .abort, .withdraw:
                        let status: ActivityInstance.Status = event.lifecycle == .complete ? .completed : .aborted
                        if let slot = open.firstIndex(where: { $0.activity == event.activity }) {
                            let index = open.remove(at: slot).instance
                            var instance = caseInstances[index]
                            if event.resource >= 0 {
                                if instance.resource >= 0, instance.resource != event.resource {
                                    instance.reassignments += 1
                                }
                                instance.resource = event.resource
                            }
                            if event.group >= 0 { instance.group = event.group }
                            instance.end = event.time
                            instance.status = status
                            caseInstances[index] = instance
                            eventInstance.append((e, Int32(index)))
                        } else {
                            eventInstance.append((e, Int32(caseInstances.count)))
                            caseInstances.append(
                                ActivityInstance(
                                    activity: event.activity, resource: event.resource, group: event.group,
                                    start: event.startTime, end: event.time,
                                    reassignments: pendingReassign.removeValue(forKey: event.activity) ?? 0,
                                    status: status))
                        }
                    case .reassign:
                        if let slot = open.lastIndex(where: { $0.activity == event.activity }) {
                            caseInstances[open[slot].instance].reassignments += 1
                            if event.resource >= 0 { caseInstances[open[slot].instance].resource = event.resource }
                        } else {
                            pendingReassign[event.activity, default: 0] += 1
                        }
                    case .schedule, .assign, .suspend, .resume, .other:
                        break
                    }
                }
                // Order by when work began; the sort is stable on the order instances were made.
                let base = instances.count
                position.removeAll(keepingCapacity: true)
                position.append(contentsOf: repeatElement(0, count: caseInstances.count))
                if Self.isOrdered(caseInstances) {
                    instances.append(contentsOf: caseInstances)
                    for index in caseInstances.indices { position[index] = Int32(base + index) }
                } else {
                    let ordered = caseInstances.indices.sorted { a, b in
                        let ta = caseInstances[a].orderTime, tb = caseInstances[b].orderTime
                        return ta < tb || (ta == tb && a < b)
                    }
                    for index in ordered {
                        position[index] = Int32(instances.count)
                        instances.append(caseInstances[index])
                    }
                }
                for (e, local) in eventInstance { instanceOfEvent[Int(e)] = position[Int(local)] }
            }
        }
        caseOffsets[caseCount] = instances.count
        var lifecycleCounts: [Lifecycle: Int] = [:]
        for transition in Lifecycle.allCases where lifecycleTally[Int(transition.rawValue)] > 0 {
            lifecycleCounts[transition] = lifecycleTally[Int(transition.rawValue)]
        }

        var instanceAttributes: [Int32: [Int32]] = [:]
        for (event, key, value) in eventAttributes {
            let instance = instanceOfEvent[Int(event)]
            guard instance >= 0 else { continue }
            instanceAttributes[key, default: [Int32](repeating: -1, count: instances.count)][Int(instance)] = value
        }
        var caseAttributes: [Int32: [Int32]] = [:]
        for (c, key, value) in caseAttributeRows {
            caseAttributes[key, default: [Int32](repeating: -1, count: caseCount)][Int(c)] = value
        }
        return EventLog(
            activities: activities, resources: resources, groups: groups, caseIDs: caseIDs,
            caseOffsets: caseOffsets, instances: instances, attributeKeys: attributeKeys,
            attributeValues: attributeValues, instanceAttributes: instanceAttributes,
            caseAttributes: caseAttributes, eventCount: events.count, lifecycleCounts: lifecycleCounts)
    }

    private static func isOrdered(_ instances: [ActivityInstance]) -> Bool {
        var previous = -Double.infinity
        for instance in instances {
            let time = instance.orderTime
            if time < previous { return false }
            previous = time
        }
        return true
    }

    private static func isSorted(_ slice: [Int32], _ events: UnsafeBufferPointer<RawEvent>) -> Bool {
        var previous = -Double.infinity
        for e in slice {
            let time = events[Int(e)].time
            if time < previous { return false }
            previous = time
        }
        return true
    }
}
