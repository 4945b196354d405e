/// An exponentially weighted moving mean and variance of a stream.
///
/// The first observation seeds the mean (variance 0); each further `x` updates them as
///
///     d = x − mean
///     mean ← mean + α·d
///     variance ← (1 − α)·(variance + α·d²)
///
/// which is exactly the weighted mean and weighted (population) variance of every observation
/// so far with weight `α(1−α)^k` on the observation `k` steps back and `(1−α)^(n−1)` on the
/// first one, the seed (weights that sum to 1). See Finch, "Incremental calculation of
/// weighted mean and variance" (2009), §9.
///
/// ```swift
/// var stats = EWMAStatistics()
/// for rate in [0.02, 0.03, 0.025] { stats.update(rate, smoothing: 0.2) }
/// stats.mean; stats.standardDeviation
/// ```
public struct EWMAStatistics: Sendable, Hashable, Codable {
    /// How many observations have been folded in.
    public private(set) var count: Int
    /// The weighted mean; 0 before the first observation.
    public private(set) var mean: Double
    /// The weighted variance; 0 before the second observation.
    public private(set) var variance: Double

    /// Creates statistics that have seen nothing.
    public init() {
        count = 0
        mean = 0
        variance = 0
    }

    /// Creates statistics with the given values, such as ones restored from a snapshot.
    public init(count: Int, mean: Double, variance: Double) {
        self.count = count
        self.mean = mean
        self.variance = variance
    }

    /// The square root of ``variance``.
    public var standardDeviation: Double { variance.squareRoot() }

    /// Folds `x` in with smoothing factor `alpha` (in 0...1; larger forgets faster).
    public mutating func update(_ x: Double, smoothing alpha: Double) {
        count += 1
        if count == 1 {
            mean = x
            variance = 0
            return
        }
        let difference = x - mean
        let increment = alpha * difference
        mean += increment
        variance = (1 - alpha) * (variance + difference * increment)
    }
}
