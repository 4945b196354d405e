/// Which activity instances carry a mark, such as "this is an exception" or "a manager
/// stepped in": by activity name, resource, group or attribute value.
///
/// A name may end in `*` to match every name that starts with what comes before it.
///
/// ```swift
/// let exceptions = Markers(activities: ["T16 Report reasons to hold request", "Exception*"])
/// let rescue = Markers(groups: ["Managers"])
/// ```
public struct Markers: Sendable, Hashable {
    /// Activity names.
    public var activities: [String]
    /// Resource names.
    public var resources: [String]
    /// Group or team names.
    public var groups: [String]
    /// Event attribute key → the values that mark.
    public var attributes: [String: [String]]

    /// Creates a marker set; an empty one marks nothing.
    public init(
        activities: [String] = [], resources: [String] = [], groups: [String] = [], attributes: [String: [String]] = [:]
    ) {
        self.activities = activities
        self.resources = resources
        self.groups = groups
        self.attributes = attributes
    }

    /// Whether the set marks nothing.
    public var isEmpty: Bool { activities.isEmpty && resources.isEmpty && groups.isEmpty && attributes.isEmpty }

    /// Whether `name` is matched by `patterns` (exact, or a prefix before a trailing `*`).
    public static func matches(_ name: String, _ patterns: [String]) -> Bool {
        patterns.contains { pattern in
            pattern.hasSuffix("*") ? name.hasPrefix(pattern.dropLast()) : name == pattern
        }
    }

    /// One flag per instance of `log`: whether the set marks it. Names are matched once per
    /// distinct name, not once per instance.
    public func flags(in log: EventLog) -> [Bool] {
        let activityHit = log.activities.names.map { Self.matches($0, activities) }
        let resourceHit = log.resources.names.map { Self.matches($0, resources) }
        let groupHit = log.groups.names.map { Self.matches($0, groups) }
        var attributeHits: [(column: [Int32], values: [Bool])] = []
        for (key, wanted) in attributes {
            guard let k = log.attributeKeys.index(of: key), let column = log.instanceAttributes[k] else { continue }
            attributeHits.append((column, log.attributeValues.names.map { Self.matches($0, wanted) }))
        }
        var flags = [Bool](repeating: false, count: log.instances.count)
        for (index, instance) in log.instances.enumerated() {
            var hit = activityHit[Int(instance.activity)]
            if !hit, instance.resource >= 0 { hit = resourceHit[Int(instance.resource)] }
            if !hit, instance.group >= 0 { hit = groupHit[Int(instance.group)] }
            if !hit {
                for (column, values) in attributeHits where column[index] >= 0 && values[Int(column[index])] {
                    hit = true
                    break
                }
            }
            flags[index] = hit
        }
        return flags
    }
}
