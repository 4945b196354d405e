import Foundation

/// The Mann–Whitney U test (Wilcoxon rank-sum) of two independent samples, two-sided, with the
/// effect sizes a report needs to say how large a difference is, not only whether there is one.
///
/// U is counted for the first sample: the number of pairs (x, y) with x > y, ties counting one
/// half. Without ties and with n₁·n₂ ≤ ``exactLimit`` the p value comes from the exact null
/// distribution of U; otherwise from the normal approximation with the tie correction of the
/// variance and a continuity correction of ½ — the same choices as
/// `scipy.stats.mannwhitneyu(x, y, alternative='two-sided', method='exact'|'asymptotic',
/// use_continuity=True)`, whose values the tests check.
///
/// ```swift
/// let test = MannWhitneyU(after, before)!   // nil when a sample is empty
/// test.pValue                               // 0.012
/// test.rankBiserial                         // −0.62: after tends to be smaller
/// test.hodgesLehmann                        // −3600: typically an hour shorter
/// ```
public struct MannWhitneyU: Sendable, Hashable, Codable {
    /// How the p value was found.
    public enum Method: String, Sendable, Hashable, Codable {
        /// From the exact distribution of U under the null hypothesis (no ties).
        case exact
        /// From the normal approximation, tie- and continuity-corrected.
        case asymptotic
    }

    /// The largest n₁·n₂ for which the exact distribution is used when none is asked for. The
    /// dynamic programme costs about (n₁·n₂)²/8 steps, a few milliseconds at this size, and the
    /// normal approximation is close beyond it.
    public static let exactLimit = 2500

    /// The largest n₁·n₂ for which the exact distribution is used when asked for; past it the
    /// programme would take seconds, and the normal approximation is used instead.
    public static let exactCeiling = 20_000

    /// The size of the first sample.
    public var n1: Int
    /// The size of the second sample.
    public var n2: Int
    /// U of the first sample: R₁ − n₁(n₁+1)/2, the pairs in which the first sample's value is
    /// larger (ties count ½).
    public var u1: Double
    /// How the p value was found.
    public var method: Method
    /// The z statistic of the normal approximation, signed like U₁ − n₁n₂/2 (positive: the first
    /// sample tends to be larger); nil for the exact method, or when every value is the same.
    public var z: Double?
    /// The two-sided p value.
    public var pValue: Double
    /// Whether the pooled sample holds tied values.
    public var hasTies: Bool
    /// The common-language effect size (probability of superiority): U₁/(n₁n₂), the chance
    /// that a value drawn from the first sample exceeds one drawn from the second, ties counting
    /// half. 0.5 means no tendency either way.
    public var probabilityOfSuperiority: Double
    /// The rank-biserial correlation (U₁ − U₂)/(n₁n₂), from −1 (every first-sample value is
    /// smaller) to 1 (every one is larger).
    public var rankBiserial: Double
    /// The Hodges–Lehmann estimate of the shift: the median of all differences x − y. For times
    /// it reads "the first sample is typically this much longer".
    public var hodgesLehmann: Double

    /// U of the second sample: n₁n₂ − U₁.
    public var u2: Double { Double(n1 * n2) - u1 }

    /// Tests `x` against `y`; nil when either sample is empty.
    ///
    /// - Parameters:
    ///   - method: nil chooses: exact when there are no ties and n₁·n₂ ≤ ``exactLimit``. Asking for
    ///     `.exact` when there are ties, or past ``exactCeiling``, gives the asymptotic result,
    ///     since the exact distribution assumes no ties; ``method`` says which was used.
    ///   - continuityCorrection: whether the normal approximation moves U half a step toward the
    ///     mean.
    public init?(_ x: [Double], _ y: [Double], method: Method? = nil, continuityCorrection: Bool = true) {
        guard !x.isEmpty, !y.isEmpty else { return nil }
        precondition(x.allSatisfy(\.isFinite) && y.allSatisfy(\.isFinite), "the samples must be finite")
        let n1 = x.count, n2 = y.count
        let pooled = Ranks(x + y)
        let r1 = pooled.ranks[0..<n1].reduce(0, +)
        let u1 = r1 - Double(n1 * (n1 + 1)) / 2
        let pairs = Double(n1) * Double(n2)
        self.n1 = n1
        self.n2 = n2
        self.u1 = u1
        hasTies = pooled.tieTerm > 0
        probabilityOfSuperiority = u1 / pairs
        rankBiserial = (2 * u1 - pairs) / pairs
        hodgesLehmann = Self.medianDifference(x.sorted(), y.sorted())

        let exact: Bool
        switch method {
        case .exact?: exact = !hasTies && n1 * n2 <= Self.exactCeiling
        case .asymptotic?: exact = false
        case nil: exact = !hasTies && n1 * n2 <= Self.exactLimit
        }
        if exact {
            self.method = .exact
            z = nil
            // Without ties U₁ is a whole number; the distribution is symmetric, so the two-sided p
            // is twice the lower tail at the smaller of U₁ and U₂, summed where the terms are small.
            let smaller = Int(min(u1, pairs - u1).rounded())
            pValue = min(1, 2 * Self.exactLowerTail(smaller, n1: n1, n2: n2))
        } else {
            self.method = .asymptotic
            let count = Double(n1 + n2)
            let variance = pairs / 12 * ((count + 1) - pooled.tieTerm / (count * (count - 1)))
            let deviation = u1 - pairs / 2
            if variance <= 0 {
                // Every value is the same: nothing tells the samples apart.
                z = nil
                pValue = 1
            } else {
                let corrected = continuityCorrection ? max(abs(deviation) - 0.5, 0) : abs(deviation)
                let magnitude = corrected / variance.squareRoot()
                z = deviation < 0 ? -magnitude : magnitude
                pValue = NormalDistribution.twoSidedPValue(z: magnitude)
            }
        }
    }

    /// P(U ≤ u) for samples of sizes n₁ and n₂ without ties.
    ///
    /// The largest of the n₁ + n₂ values belongs to the first sample with probability
    /// n₁/(n₁+n₂), and then beats every value of the second: P(u; i, j) = i/(i+j)·P(u − j; i−1, j)
    /// + j/(i+j)·P(u; i, j−1). Working in probabilities rather than counts keeps C(n₁+n₂, n₁)
    /// from overflowing, and only U ≤ u is ever needed.
    static func exactLowerTail(_ u: Int, n1: Int, n2: Int) -> Double {
        guard u >= 0 else { return 0 }
        let width = u + 1
        // previous[j * width + k] = P(U = k; i − 1, j); current the same for i.
        var previous = [Double](repeating: 0, count: (n2 + 1) * width)
        for j in 0...n2 { previous[j * width] = 1 }
        var current = previous
        if n1 > 0 {
            for i in 1...n1 {
                for k in 0..<width { current[k] = k == 0 ? 1 : 0 }
                if n2 > 0 {
                    for j in 1...n2 {
                        let first = Double(i) / Double(i + j)
                        let second = Double(j) / Double(i + j)
                        let row = j * width, left = (j - 1) * width
                        for k in 0..<width {
                            var p = second * current[left + k]
                            if k >= j { p += first * previous[row + k - j] }
                            current[row + k] = p
                        }
                    }
                }
                swap(&previous, &current)
            }
        }
        var tail = 0.0
        for k in 0..<width { tail += previous[n2 * width + k] }
        return tail
    }

    /// The median of all differences a − b for sorted `a` and `b`, without forming the n₁·n₂
    /// differences: a bisection over the ordered doubles, counting the differences at or below
    /// a candidate in one pass over both samples.
    static func medianDifference(_ a: [Double], _ b: [Double]) -> Double {
        let total = a.count * b.count
        if total % 2 == 1 { return kthDifference((total + 1) / 2, a, b) }
        return (kthDifference(total / 2, a, b) + kthDifference(total / 2 + 1, a, b)) / 2
    }

    /// The k-th smallest (from 1) difference a − b.
    static func kthDifference(_ k: Int, _ a: [Double], _ b: [Double]) -> Double {
        // How many a[i] − b[j] are ≤ t: for each i the qualifying j are a suffix of b, whose start
        // moves only leftward as a[i] falls, so a runs from its largest value down.
        func countAtOrBelow(_ t: Double) -> Int {
            var count = 0
            var j = b.count
            for value in a.reversed() {
                while j > 0, value - b[j - 1] <= t { j -= 1 }
                count += b.count - j
            }
            return count
        }
        // Doubles mapped to unsigned keys in their numeric order, so bisection ends on a double.
        func key(_ x: Double) -> UInt64 {
            let bits = x.bitPattern
            return bits >> 63 == 1 ? ~bits : bits | (1 << 63)
        }
        func value(_ k: UInt64) -> Double {
            Double(bitPattern: k >> 63 == 1 ? k & ~(1 << 63) : ~k)
        }
        var low = key(a[0] - b[b.count - 1])       // count(≤ low) may fall short of k
        var high = key(a[a.count - 1] - b[0])      // count(≤ high) is every pair
        if countAtOrBelow(value(low)) >= k { return value(low) + 0 }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if countAtOrBelow(value(middle)) >= k { high = middle } else { low = middle }
        }
        // The smallest double with k differences at or below it is the k-th difference itself;
        // adding zero turns a −0 into 0.
        return value(high) + 0
    }
}
