import Foundation

/// The standard normal distribution: the quantiles of lognormal handling times and the p-values
/// of the promotion gate.
public enum StandardNormal {
    /// P(Z ≤ x).
    ///
    /// ```swift
    /// StandardNormal.cdf(1.959964) // 0.975
    /// ```
    public static func cdf(_ x: Double) -> Double {
        0.5 * erfc(-x / 2.0.squareRoot())
    }

    /// The x with P(Z ≤ x) = p, for 0 < p < 1 (Acklam's rational approximation, refined by one
    /// Halley step against `cdf`, which brings it to full double precision).
    ///
    /// ```swift
    /// StandardNormal.quantile(0.9) // 1.2815515655446004
    /// ```
    public static func quantile(_ p: Double) -> Double {
        precondition(p > 0 && p < 1, "a normal quantile needs 0 < p < 1")
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                 -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5
            let r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = cdf(x) - p
        let u = e * (2 * Double.pi).squareRoot() * exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }
}

/// A Beta(α, β) distribution: the posterior of a first-time-resolution rate.
///
/// ```swift
/// let posterior = BetaDistribution(alpha: 8, beta: 4)
/// posterior.mean            // 0.667
/// posterior.quantile(0.05)  // lower end of a 90% credible interval
/// ```
public struct BetaDistribution: Sendable, Hashable, Codable {
    /// α > 0: prior successes plus observed successes.
    public var alpha: Double
    /// β > 0: prior failures plus observed failures.
    public var beta: Double

    /// Creates the distribution; both parameters must be positive.
    public init(alpha: Double, beta: Double) {
        precondition(alpha > 0 && beta > 0, "Beta parameters must be positive")
        self.alpha = alpha
        self.beta = beta
    }

    /// α / (α + β).
    public var mean: Double { alpha / (alpha + beta) }

    /// αβ / ((α + β)² (α + β + 1)).
    public var variance: Double {
        let s = alpha + beta
        return alpha * beta / (s * s * (s + 1))
    }

    /// P(X ≤ x): the regularized incomplete beta function I_x(α, β), by Lentz's continued fraction.
    public func cdf(_ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let logFront = lgamma(alpha + beta) - lgamma(alpha) - lgamma(beta) + alpha * log(x) + beta * log1p(-x)
        // The continued fraction converges fast only left of the mean; use the symmetry
        // I_x(a, b) = 1 − I_{1−x}(b, a) on the other side.
        if x < (alpha + 1) / (alpha + beta + 2) {
            return exp(logFront) * Self.continuedFraction(x: x, a: alpha, b: beta) / alpha
        }
        return 1 - exp(logFront) * Self.continuedFraction(x: 1 - x, a: beta, b: alpha) / beta
    }

    /// The x with P(X ≤ x) = p, by bisection on `cdf` (monotone, so always converges).
    public func quantile(_ p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "a quantile needs 0 ≤ p ≤ 1")
        if p == 0 { return 0 }
        if p == 1 { return 1 }
        var low = 0.0
        var high = 1.0
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if cdf(middle) < p { low = middle } else { high = middle }
            if high - low < 1e-13 { break }
        }
        return (low + high) / 2
    }

    /// The equal-tailed interval holding `mass` of the distribution.
    public func credibleInterval(mass: Double) -> ClosedRange<Double> {
        let tail = (1 - mass) / 2
        return quantile(tail)...quantile(1 - tail)
    }

    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var result = d
        for m in 1...300 {
            let m = Double(m)
            let even = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d
            if abs(d) < tiny { d = tiny }
            c = 1 + even / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            result *= d * c
            let odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d
            if abs(d) < tiny { d = tiny }
            c = 1 + odd / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            result *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return result
    }
}
