/// A history of cases, each an ordered list of activity instances, as imported from a CSV
/// export, an XES event log or Flowtune's own event log.
///
/// Names are interned: an instance refers to its activity, resource and group by number, and
/// the tables turn numbers back into names. Instances are stored case after case, each case's
/// in the order work began (``ActivityInstance/orderTime``, ties in the order read).
///
/// ```swift
/// let log = try XESReader.read(contentsOf: url)
/// for c in 0..<log.caseCount {
///     let trace = log.instances(ofCase: c).map { log.activities[$0.activity] }
/// }
/// ```
public struct EventLog: Sendable {
    /// Activity names.
    public var activities: NameTable
    /// Resource (person or system) names.
    public var resources: NameTable
    /// Team or group names.
    public var groups: NameTable
    /// Case ids; case `c` is `caseIDs[c]`.
    public var caseIDs: NameTable
    /// Where each case's instances begin in ``instances``; one more entry than there are cases.
    public var caseOffsets: [Int]
    /// Every activity instance, case after case.
    public var instances: [ActivityInstance]
    /// Attribute names, for events and for cases.
    public var attributeKeys: NameTable
    /// Attribute values, as text, shared by every attribute.
    public var attributeValues: NameTable
    /// Per event attribute key: the value on each instance (a number in ``attributeValues``),
    /// or -1. When a start and a complete event make one instance, the complete's values win.
    public var instanceAttributes: [Int32: [Int32]]
    /// Per case attribute key: the value on each case, or -1.
    public var caseAttributes: [Int32: [Int32]]
    /// How many events were read, before pairing.
    public var eventCount: Int
    /// How many events of each lifecycle transition were read.
    public var lifecycleCounts: [Lifecycle: Int]

    /// How many cases the log holds.
    public var caseCount: Int { caseOffsets.count - 1 }

    /// The instances of case `index`, in order.
    public func instances(ofCase index: Int) -> ArraySlice<ActivityInstance> {
        instances[caseOffsets[index]..<caseOffsets[index + 1]]
    }

    /// The range of case `index`'s instances in ``instances``.
    public func range(ofCase index: Int) -> Range<Int> {
        caseOffsets[index]..<caseOffsets[index + 1]
    }

    /// The value of event attribute `key` on instance `index`, or nil.
    public func attribute(_ key: String, ofInstance index: Int) -> String? {
        guard let k = attributeKeys.index(of: key), let column = instanceAttributes[k] else { return nil }
        let value = column[index]
        return value < 0 ? nil : attributeValues[value]
    }

    /// The value of case attribute `key` on case `index`, or nil.
    public func attribute(_ key: String, ofCase index: Int) -> String? {
        guard let k = attributeKeys.index(of: key), let column = caseAttributes[k] else { return nil }
        let value = column[index]
        return value < 0 ? nil : attributeValues[value]
    }

    /// The name of the resource of `instance`, or nil.
    public func resourceName(_ instance: ActivityInstance) -> String? {
        instance.resource < 0 ? nil : resources[instance.resource]
    }

    /// The name of the group of `instance`, or nil.
    public func groupName(_ instance: ActivityInstance) -> String? {
        instance.group < 0 ? nil : groups[instance.group]
    }
}
