import Foundation

/// The sum behind Erlang A: with x = cμ/θ and y = λ/θ, the stationary probabilities of the
/// M/M/c+M chain above c agents, relative to the state with every agent busy and nobody
/// waiting, are t_q = Π_{k=1..q} y/(x+k), and
///
///     S(x, y) = Σ_{q≥0} t_q = e^y · y^−x · Γ(x+1) · P(x, y)
///
/// with P the regularized lower incomplete gamma function. Every Erlang A figure (waiting,
/// abandonment, answered within t) is a ratio of such sums, so they are computed in log space
/// and never through e^y or Γ(x) on their own, which overflow at a few hundred agents.
enum PatienceSeries {
    /// log S(x, y), and the mean number waiting Σ q·t_q / Σ t_q given that somebody waits.
    ///
    /// Below y < x + 1 the terms fall from the first and the series is summed directly, which
    /// also gives the mean without cancellation; above it the continued fraction for the upper
    /// incomplete gamma Q(x, y) (modified Lentz) converges fast, and the mean follows from
    /// Σ q·t_q = S·(y − x) + x, where y − x > 1 leaves nothing to cancel.
    static func evaluate(x: Double, y: Double) -> (logSum: Double, meanWaiting: Double) {
        precondition(x > 0 && y >= 0, "x > 0, y ≥ 0")
        if y == 0 { return (0, 0) }
        if y < x + 1 {
            var term = 1.0
            var sum = 1.0
            var weighted = 0.0
            var q = 1.0
            while true {
                term *= y / (x + q)
                sum += term
                weighted += q * term
                if term < 1e-17 * sum { break }
                q += 1
            }
            return (log(sum), weighted / sum)
        }
        let upper = upperRegularizedGamma(a: x, v: y)
        let logSum = y - x * log(y) + lgamma(x + 1) + log1p(-upper)
        let sum = exp(logSum)
        return (logSum, y - x + x / sum)
    }

    /// log S(x, y) alone.
    static func logSum(x: Double, y: Double) -> Double { evaluate(x: x, y: y).logSum }

    /// Q(a, v) = Γ(a, v)/Γ(a) for v ≥ a + 1, by the continued fraction
    /// Γ(a, v) = e^−v v^a · 1/(v+1−a− 1·(1−a)/(v+3−a− 2·(2−a)/(v+5−a− …))).
    static func upperRegularizedGamma(a: Double, v: Double) -> Double {
        let tiny = 1e-300
        var b = v + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while i < 100_000 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-16 { break }
            i += 1
        }
        return exp(-v + a * log(v) - lgamma(a)) * h
    }
}
