import Foundation

/// Two independent proportions compared: the pooled two-proportion z test (two-sided), the
/// difference with Newcombe's hybrid score interval, and Cohen's h.
///
/// The interval is Newcombe's method 10 (1998): the Wilson score interval of each proportion,
/// combined. Unlike the Wald interval it stays inside [−1, 1] and keeps its coverage when a rate
/// is near 0 or 1, as exception rates often are. The tests check it against
/// `statsmodels.stats.proportion.confint_proportions_2indep(x1, n1, x2, n2, method='newcomb')`
/// and the z test against `proportions_ztest([x1, x2], [n1, n2])`.
///
/// ```swift
/// let test = TwoProportionTest(successes1: 12, of: 200, successes2: 30, of: 210)!
/// test.difference      // 0.06 − 0.143 = −0.083
/// test.pValue          // 0.0056
/// (test.lower, test.upper)
/// test.cohensH         // −0.28
/// ```
public struct TwoProportionTest: Sendable, Hashable, Codable {
    /// Successes in the first sample.
    public var successes1: Int
    /// The size of the first sample.
    public var n1: Int
    /// Successes in the second sample.
    public var successes2: Int
    /// The size of the second sample.
    public var n2: Int
    /// The first proportion.
    public var p1: Double
    /// The second proportion.
    public var p2: Double
    /// p₁ − p₂.
    public var difference: Double
    /// (p₁ − p₂) / √(p̂(1 − p̂)(1/n₁ + 1/n₂)) with the pooled p̂; nil when p̂ is 0 or 1, where
    /// both samples agree entirely.
    public var z: Double?
    /// The two-sided p value; 1 when ``z`` is nil.
    public var pValue: Double
    /// The confidence level of the interval, such as 0.95.
    public var confidenceLevel: Double
    /// The lower end of the interval for p₁ − p₂.
    public var lower: Double
    /// The upper end of the interval for p₁ − p₂.
    public var upper: Double
    /// Cohen's h: 2·asin√p₁ − 2·asin√p₂. About 0.2 is small, 0.5 medium, 0.8 large.
    public var cohensH: Double

    /// Compares `successes1` of `n1` with `successes2` of `n2`; nil when a sample is empty.
    public init?(successes1: Int, of n1: Int, successes2: Int, of n2: Int, confidenceLevel: Double = 0.95) {
        guard n1 > 0, n2 > 0 else { return nil }
        precondition((0...n1).contains(successes1) && (0...n2).contains(successes2), "successes lie in 0...n")
        precondition(confidenceLevel > 0 && confidenceLevel < 1, "a confidence level lies between 0 and 1")
        self.successes1 = successes1
        self.n1 = n1
        self.successes2 = successes2
        self.n2 = n2
        self.confidenceLevel = confidenceLevel
        let p1 = Double(successes1) / Double(n1)
        let p2 = Double(successes2) / Double(n2)
        self.p1 = p1
        self.p2 = p2
        difference = p1 - p2
        cohensH = 2 * asin(p1.squareRoot()) - 2 * asin(p2.squareRoot())

        let pooled = Double(successes1 + successes2) / Double(n1 + n2)
        let variance = pooled * (1 - pooled) * (1 / Double(n1) + 1 / Double(n2))
        if variance > 0 {
            let z = (p1 - p2) / variance.squareRoot()
            self.z = z
            pValue = NormalDistribution.twoSidedPValue(z: z)
        } else {
            z = nil
            pValue = 1
        }

        let critical = NormalDistribution.quantile(1 - (1 - confidenceLevel) / 2)
        let (l1, u1) = Self.wilson(successes1, n1, critical)
        let (l2, u2) = Self.wilson(successes2, n2, critical)
        lower = difference - ((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)).squareRoot()
        upper = difference + ((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2)).squareRoot()
    }

    /// The Wilson score interval of `successes` of `n` at critical value `z`.
    static func wilson(_ successes: Int, _ n: Int, _ z: Double) -> (lower: Double, upper: Double) {
        let n = Double(n)
        let p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let centre = (p + z2 / (2 * n)) / denominator
        let half = z / denominator * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot()
        return (max(0, centre - half), min(1, centre + half))
    }
}
