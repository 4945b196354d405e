/// Whether a series moves one way over time: the Mann–Kendall test (Kendall's τ between time and
/// value, two-sided) with the Theil–Sen slope, which says by how much per unit of time.
///
/// Both rest on the order of values, not their size, so one odd week neither makes nor hides a
/// trend. Without ties among the values and with at most 33 points the p value is exact (the
/// distribution of inversions over all orderings); otherwise it comes from the normal
/// approximation with the tie-corrected variance and no continuity correction. These are the
/// choices of `scipy.stats.kendalltau(x, y)` (τ-b), and the slope is
/// `scipy.stats.theilslopes(y, x).slope`; the tests check both.
///
/// ```swift
/// let trend = MannKendallTrend(x: [1, 2, 3, 4, 5, 6], y: [9, 8, 8.5, 6, 5, 4])!
/// trend.s        // −13: mostly falling
/// trend.pValue   // 0.017
/// trend.slope    // −1.0 per step
/// ```
public struct MannKendallTrend: Sendable, Hashable, Codable {
    /// How the p value was found.
    public enum Method: String, Sendable, Hashable, Codable {
        /// From the exact distribution of S (no tied values, at most 33 points).
        case exact
        /// From the normal approximation.
        case asymptotic
    }

    /// How many points the series has.
    public var count: Int
    /// Concordant minus discordant pairs: positive when later values tend to be larger.
    public var s: Int
    /// Kendall's τ-b between time and value, from −1 to 1.
    public var tau: Double
    /// How the p value was found.
    public var method: Method
    /// The two-sided p value of "no monotone trend"; 1 when every value is the same.
    public var pValue: Double
    /// The Theil–Sen slope: the median of the slopes between every two points, in value per unit
    /// of `x`.
    public var slope: Double

    /// The most points for which the exact distribution is used.
    public static let exactLimit = 33

    /// Tests the series of `y` at times `x`, which must increase strictly; nil with fewer than two
    /// points.
    public init?(x: [Double], y: [Double]) {
        precondition(x.count == y.count, "one value per time")
        precondition(zip(x, x.dropFirst()).allSatisfy { $0 < $1 }, "times increase strictly")
        precondition(y.allSatisfy(\.isFinite), "the values must be finite")
        let n = y.count
        guard n >= 2 else { return nil }
        count = n
        var concordant = 0, discordant = 0
        var slopes: [Double] = []
        slopes.reserveCapacity(n * (n - 1) / 2)
        for i in 0..<n {
            for j in (i + 1)..<n {
                if y[j] > y[i] { concordant += 1 } else if y[j] < y[i] { discordant += 1 }
                slopes.append((y[j] - y[i]) / (x[j] - x[i]))
            }
        }
        s = concordant - discordant
        slope = Descriptive.median(slopes) ?? 0

        let pairs = n * (n - 1) / 2
        var tiedPairs = 0
        var tieVariance = 0.0
        var sortedY = y.sorted()
        sortedY.append(.infinity)
        var run = 1
        for index in 1..<sortedY.count {
            if sortedY[index] == sortedY[index - 1] {
                run += 1
            } else {
                tiedPairs += run * (run - 1) / 2
                let t = Double(run)
                tieVariance += t * (t - 1) * (2 * t + 5)
                run = 1
            }
        }
        guard tiedPairs < pairs else {
            // A flat series: there is no order to test.
            tau = 0
            method = .asymptotic
            pValue = 1
            return
        }
        tau = Double(s) / (Double(pairs) * Double(pairs - tiedPairs)).squareRoot()
        if tiedPairs == 0 && n <= Self.exactLimit {
            method = .exact
            pValue = min(1, 2 * Self.inversionsLowerTail(min(discordant, concordant), count: n))
        } else {
            method = .asymptotic
            let m = Double(n * (n - 1))
            let variance = (m * Double(2 * n + 5) - tieVariance) / 18
            pValue = NormalDistribution.twoSidedPValue(z: Double(s) / variance.squareRoot())
        }
    }

    /// P(D ≤ c), D the inversions of a uniformly random ordering of `count` distinct values:
    /// adding the j-th value adds 0…j−1 inversions with equal chance.
    static func inversionsLowerTail(_ c: Int, count: Int) -> Double {
        var distribution = [Double](repeating: 0, count: c + 1)
        distribution[0] = 1
        guard count >= 2 else { return 1 }
        for j in 2...count {
            // A running sum over the last j entries convolves with the uniform 0…j−1.
            var next = [Double](repeating: 0, count: c + 1)
            var window = 0.0
            for k in 0...c {
                window += distribution[k]
                if k - j >= 0 { window -= distribution[k - j] }
                next[k] = window / Double(j)
            }
            distribution = next
        }
        return distribution.reduce(0, +)
    }
}
