/// A mean over replications with its 95% confidence interval (Student t over replication means).
///
/// ```swift
/// let wait = Estimate([61.2, 58.9, 64.0, 60.3])
/// wait.mean        // 61.1
/// wait.halfWidth   // t(0.975, 3) × s / √4
/// wait.contains(60)
/// ```
public struct Estimate: Sendable, Hashable, Codable {
    /// The mean of the values.
    public var mean: Double
    /// Half the width of the 95% confidence interval; NaN with fewer than two values.
    public var halfWidth: Double
    /// The sample standard deviation.
    public var standardDeviation: Double
    /// How many values (replications) it rests on; values that are NaN are left out.
    public var count: Int

    /// The estimate from one value per replication.
    public init<Values: Sequence>(_ values: Values, confidence: Double = 0.95) where Values.Element == Double {
        let finite = values.filter { $0.isFinite }
        count = finite.count
        guard !finite.isEmpty else {
            mean = .nan
            halfWidth = .nan
            standardDeviation = .nan
            return
        }
        let mean = finite.reduce(0, +) / Double(finite.count)
        self.mean = mean
        guard finite.count > 1 else {
            halfWidth = .nan
            standardDeviation = .nan
            return
        }
        let variance = finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(finite.count - 1)
        standardDeviation = variance.squareRoot()
        let t = StudentT.quantile(1 - (1 - confidence) / 2, degreesOfFreedom: finite.count - 1)
        halfWidth = t * standardDeviation / Double(finite.count).squareRoot()
    }

    /// The lower end of the interval.
    public var lower: Double { mean - halfWidth }
    /// The upper end of the interval.
    public var upper: Double { mean + halfWidth }

    /// Whether `value` lies inside the interval.
    public func contains(_ value: Double) -> Bool {
        value >= lower && value <= upper
    }

    private enum CodingKeys: String, CodingKey {
        case mean, halfWidth = "half_width", standardDeviation = "sd", count = "n"
    }

    // NaN has no JSON form: an estimate with nothing to measure writes nulls.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(mean.isFinite ? mean : nil, forKey: .mean)
        try container.encode(halfWidth.isFinite ? halfWidth : nil, forKey: .halfWidth)
        try container.encode(standardDeviation.isFinite ? standardDeviation : nil, forKey: .standardDeviation)
        try container.encode(count, forKey: .count)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mean = try container.decodeIfPresent(Double.self, forKey: .mean) ?? .nan
        halfWidth = try container.decodeIfPresent(Double.self, forKey: .halfWidth) ?? .nan
        standardDeviation = try container.decodeIfPresent(Double.self, forKey: .standardDeviation) ?? .nan
        count = try container.decode(Int.self, forKey: .count)
    }
}
