/// One number a replication measures, such as `wait.mean` or `queue.triage.service_level`.
public struct Measure: Sendable, Hashable, Codable {
    /// The measure's name: dotted, stable across runs of the same scenario.
    public var name: String
    /// What the number counts.
    public var unit: Unit
    /// The value; NaN when the replication had nothing to measure (no completed task, say).
    public var value: Double

    /// Creates a measure.
    public init(_ name: String, _ unit: Unit, _ value: Double) {
        self.name = name
        self.unit = unit
        self.value = value
    }

    private enum CodingKeys: String, CodingKey { case name, unit, value }

    // NaN has no JSON form: a measure with nothing to measure writes null.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(unit, forKey: .unit)
        try container.encode(value.isFinite ? value : nil, forKey: .value)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        unit = try container.decode(Unit.self, forKey: .unit)
        value = try container.decodeIfPresent(Double.self, forKey: .value) ?? .nan
    }

    /// What a measure's number counts, for formatting.
    public enum Unit: String, Sendable, Hashable, Codable {
        /// A duration in seconds.
        case seconds
        /// A share between 0 and 1.
        case share
        /// Tasks per hour.
        case perHour = "per_hour"
        /// A count.
        case count
        /// Money, in the workers' `cost_per_hour` currency.
        case money
        /// A plain ratio, such as a coefficient of variation.
        case ratio
    }
}
