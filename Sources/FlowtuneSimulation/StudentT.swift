import Foundation

/// Student's t distribution with a whole number of degrees of freedom, for confidence intervals
/// over replication means.
///
/// ```swift
/// StudentT.quantile(0.975, degreesOfFreedom: 9)   // 2.2622
/// ```
public enum StudentT {
    /// P(|T| ≤ t) for `degreesOfFreedom` ≥ 1, by the exact finite series for whole degrees of
    /// freedom (Abramowitz and Stegun 26.7.3–4).
    public static func centralProbability(_ t: Double, degreesOfFreedom nu: Int) -> Double {
        precondition(nu >= 1, "at least one degree of freedom")
        let theta = atan(abs(t) / Double(nu).squareRoot())
        let c2 = cos(theta) * cos(theta)
        let s = sin(theta)
        if nu % 2 == 1 {
            var sum = 0.0
            if nu > 1 {
                var term = cos(theta)
                sum = term
                var k = 3
                while k <= nu - 2 {
                    term *= c2 * Double(k - 1) / Double(k)
                    sum += term
                    k += 2
                }
            }
            return 2 / .pi * (theta + s * sum)
        } else {
            var term = 1.0
            var sum = 1.0
            var k = 2
            while k <= nu - 2 {
                term *= c2 * Double(k - 1) / Double(k)
                sum += term
                k += 2
            }
            return s * sum
        }
    }

    /// The `p` quantile (p > 0.5), found by bisection on ``centralProbability(_:degreesOfFreedom:)``.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Int) -> Double {
        precondition(p > 0.5 && p < 1, "an upper quantile")
        let target = 2 * p - 1
        var low = 0.0
        var high = 1.0
        while centralProbability(high, degreesOfFreedom: nu) < target { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if centralProbability(middle, degreesOfFreedom: nu) < target { low = middle } else { high = middle }
            if high - low < 1e-12 { break }
        }
        return (low + high) / 2
    }
}
