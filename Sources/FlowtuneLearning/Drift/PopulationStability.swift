import Foundation

/// The bins of one input feature over its training window, and the share of training values in
/// each: what the live distribution is compared against.
///
/// Numeric features are cut at the training quantiles q_{1/B}, …, q_{(B−1)/B} (the inverse
/// empirical CDF: the ⌈p·n⌉-th smallest value), so each bin holds about 1/B of the training
/// values; a value falls in the first bin whose upper edge is ≥ it. Repeated quantiles (a feature
/// with few distinct values) merge into one edge. Categorical features get one bin per training
/// category plus one for anything unseen.
///
/// ```swift
/// let baseline = try FeatureBaseline(training: trainingAmounts, bins: 10)
/// var amount = PopulationStability(baseline: baseline)
/// amount.add(412.5)
/// amount.index // PSI
/// ```
public struct FeatureBaseline: Sendable, Hashable, Codable {
    /// Upper edges of all bins but the last (numeric features).
    public var edges: [Double]
    /// The training categories, in bin order (categorical features); the last bin is "other".
    public var categories: [String]?
    /// The share of training values in each bin.
    public var expected: [Double]

    /// A numeric baseline cut into (at most) `bins` quantile bins of `training`.
    public init(training: [Double], bins: Int = 10) throws {
        let values = training.filter(\.isFinite).sorted()
        guard !values.isEmpty else { throw InvalidObservation(field: "training", reason: "no finite training values") }
        guard bins >= 2 else { throw InvalidObservation(field: "bins", reason: "need at least two bins") }
        var edges: [Double] = []
        for k in 1..<bins {
            let rank = Int((Double(k) / Double(bins) * Double(values.count)).rounded(.up))
            let edge = values[max(0, min(values.count - 1, rank - 1))]
            if edges.last != edge, edge < values.last! { edges.append(edge) }
        }
        self.edges = edges
        self.categories = nil
        var counts = Array(repeating: 0, count: edges.count + 1)
        for value in values { counts[Self.bin(of: value, edges: edges)] += 1 }
        expected = counts.map { Double($0) / Double(values.count) }
    }

    /// A categorical baseline: one bin per training category, and one for the rest.
    public init(categories training: [String]) throws {
        guard !training.isEmpty else { throw InvalidObservation(field: "training", reason: "no training values") }
        let counts = Dictionary(training.map { ($0, 1) }, uniquingKeysWith: +)
        let categories = counts.keys.sorted()
        self.edges = []
        self.categories = categories
        expected = categories.map { Double(counts[$0]!) / Double(training.count) } + [0]
    }

    /// The bin of a numeric value.
    public func bin(of value: Double) -> Int { Self.bin(of: value, edges: edges) }

    /// The bin of a category.
    public func bin(of category: String) -> Int {
        guard let categories else { return 0 }
        return categories.firstIndex(of: category) ?? categories.count
    }

    static func bin(of value: Double, edges: [Double]) -> Int {
        // The first edge ≥ value, by binary search.
        var low = 0
        var high = edges.count
        while low < high {
            let middle = (low + high) / 2
            if edges[middle] >= value { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

/// The population stability index of one feature: how far its live distribution has moved from
/// the training window.
///
/// PSI = Σ_b (a_b − e_b)·ln(a_b / e_b), with e_b the training share and a_b the live share of
/// bin b; shares are floored at `epsilon` (10⁻⁴) so an empty bin does not make it infinite.
/// Conventional reading: < 0.1 stable, 0.1–0.25 a moderate shift, > 0.25 a significant shift.
public struct PopulationStability: Sendable, Hashable, Codable {
    /// The training bins.
    public var baseline: FeatureBaseline
    /// Live values per bin.
    public private(set) var counts: [Int]
    /// The floor on a share.
    public var epsilon: Double

    /// Starts watching a feature against `baseline`.
    public init(baseline: FeatureBaseline, epsilon: Double = 1e-4) {
        self.baseline = baseline
        self.epsilon = epsilon
        counts = Array(repeating: 0, count: baseline.expected.count)
    }

    /// Counts one live numeric value; non-finite values are ignored.
    public mutating func add(_ value: Double) {
        guard value.isFinite else { return }
        counts[baseline.bin(of: value)] += 1
    }

    /// Counts one live category.
    public mutating func add(category: String) {
        counts[baseline.bin(of: category)] += 1
    }

    /// Live values counted.
    public var count: Int { counts.reduce(0, +) }

    /// PSI of the live values so far; 0 before any.
    public var index: Double {
        let total = count
        guard total > 0 else { return 0 }
        return Self.index(expected: baseline.expected, actual: counts.map { Double($0) / Double(total) }, epsilon: epsilon)
    }

    /// Σ (a − e)·ln(a/e) over paired shares.
    public static func index(expected: [Double], actual: [Double], epsilon: Double = 1e-4) -> Double {
        zip(expected, actual).reduce(0) { sum, pair in
            let e = max(pair.0, epsilon)
            let a = max(pair.1, epsilon)
            return sum + (a - e) * log(a / e)
        }
    }

    /// Starts a new live window against the same baseline.
    public mutating func reset() {
        counts = Array(repeating: 0, count: counts.count)
    }
}

/// How far a feature has drifted, for an event, a gauge and a retraining trigger.
public struct FeatureDrift: Sendable, Hashable, Codable {
    /// The conventional reading of a PSI.
    public enum Level: String, Sendable, Hashable, Codable {
        /// PSI < 0.1.
        case stable
        /// 0.1 ≤ PSI < 0.25.
        case moderate
        /// PSI ≥ 0.25: retrain.
        case significant
    }

    public var feature: String
    public var index: Double
    public var samples: Int
    public var level: Level

    /// The level of a PSI.
    public static func level(of index: Double) -> Level {
        index < 0.1 ? .stable : index < 0.25 ? .moderate : .significant
    }
}

/// PSI for every input feature of a model.
///
/// ```swift
/// var monitor = DriftMonitor(baselines: ["amount": try FeatureBaseline(training: amounts)])
/// monitor.add(["amount": 420])
/// monitor.report().filter { $0.level == .significant } // features to retrain on
/// ```
public struct DriftMonitor: Sendable, Hashable, Codable {
    /// The watch on each feature.
    public private(set) var features: [String: PopulationStability]

    /// Watches each feature against its baseline.
    public init(baselines: [String: FeatureBaseline]) {
        features = baselines.mapValues { PopulationStability(baseline: $0) }
    }

    /// Counts one item's numeric features; features without a baseline are ignored.
    public mutating func add(_ values: [String: Double]) {
        for (name, value) in values { features[name]?.add(value) }
    }

    /// Counts one item's categorical features.
    public mutating func add(categories: [String: String]) {
        for (name, value) in categories { features[name]?.add(category: value) }
    }

    /// Every feature's PSI, by name.
    public func report() -> [FeatureDrift] {
        features.keys.sorted().map { name in
            let watch = features[name]!
            return FeatureDrift(feature: name, index: watch.index, samples: watch.count, level: FeatureDrift.level(of: watch.index))
        }
    }

    /// Starts a new live window for every feature.
    public mutating func reset() {
        for name in features.keys { features[name]!.reset() }
    }
}
