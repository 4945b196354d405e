import Foundation

/// The M/M/n+M queue (Palm's model, "Erlang A"): exponential patience with rate θ, as
/// analysed by Garnett, Mandelbaum and Reiman (2002).
///
/// Solved exactly from the birth–death chain: states up to n grow by λ/(kμ); above n each
/// state k multiplies by λ/(nμ + (k−n)θ), which shrinks to nothing, so the sum is truncated
/// where its terms stop mattering. Abandonment follows from flow balance:
/// P(abandon) = θ·E[queue length] / λ.
///
/// ```swift
/// ErlangA.abandonmentProbability(servers: 1, arrivalRate: 1, serviceRate: 1, patienceRate: 1)  // 1/e
/// ```
public enum ErlangA {
    /// The stationary probabilities' shape: P(all servers busy on arrival), E[queue length], and
    /// the total mass, relative to state n.
    private static func solve(servers n: Int, arrivalRate lambda: Double, serviceRate mu: Double, patienceRate theta: Double)
        -> (waiting: Double, queue: Double)
    {
        precondition(n >= 1 && lambda > 0 && mu > 0 && theta > 0, "positive rates and at least one server")
        // Below n, relative to π_n = 1, walking down: π_{k−1} = π_k · kμ/λ.
        var below = 0.0
        var term = 1.0
        var k = n
        while k > 0 {
            term *= Double(k) * mu / lambda
            below += term
            k -= 1
            if term < 1e-300 { break }
        }
        // At and above n: π_k = π_{k−1} · λ / (nμ + (k−n)θ).
        var above = 1.0
        var queue = 0.0
        term = 1.0
        var j = 1
        while true {
            term *= lambda / (Double(n) * mu + Double(j) * theta)
            above += term
            queue += Double(j) * term
            if Double(j) * term < 1e-17 * (above + queue), Double(n) * mu + Double(j) * theta > lambda { break }
            j += 1
        }
        let total = below + above
        return (above / total, queue / total)
    }

    /// The probability that an arrival finds every server busy and has to wait.
    public static func probabilityOfWait(servers: Int, arrivalRate: Double, serviceRate: Double, patienceRate: Double) -> Double {
        solve(servers: servers, arrivalRate: arrivalRate, serviceRate: serviceRate, patienceRate: patienceRate).waiting
    }

    /// The probability that an arrival abandons before service.
    public static func abandonmentProbability(
        servers: Int, arrivalRate: Double, serviceRate: Double, patienceRate: Double
    ) -> Double {
        let solution = solve(servers: servers, arrivalRate: arrivalRate, serviceRate: serviceRate, patienceRate: patienceRate)
        return patienceRate * solution.queue / arrivalRate
    }

    /// The mean queue length.
    public static func meanQueueLength(servers: Int, arrivalRate: Double, serviceRate: Double, patienceRate: Double) -> Double {
        solve(servers: servers, arrivalRate: arrivalRate, serviceRate: serviceRate, patienceRate: patienceRate).queue
    }
}
