import FlowtuneSimulation
import Foundation

/// One queue staffed by `agents` agents whose callers hang up after an exponential patience
/// (M/M/c+M, Palm's model, "Erlang A"): waiting, abandonment, the share answered within a
/// target time, the speed of answer and occupancy, in closed form.
///
/// With x = cμ/θ and y = λ/θ (θ = 1/mean patience) and Erlang B value B for c agents:
///
/// - P(wait) = A·B / (1 − B + A·B), A = Σ_q Π_{k≤q} y/(x+k) = e^y·y^−x·Γ(x+1)·P(x, y)
///   (Garnett, Mandelbaum and Reiman 2002);
/// - P(abandon | wait) = E[queue | wait] / y, from θ·E[queue] = λ·P(abandon);
/// - P(answered within t | wait) = x/(x+1) · [S(x+1, y) − e^{y(1−z)}·z^{x+1}·S(x+1, yz)] / S(x, y),
///   z = e^{−θt}, with S(a, v) = e^v·v^−a·Γ(a+1)·P(a, v): a caller who finds q others waiting
///   is answered after a sum of exponential stages of rates cμ + iθ (i = 0…q), which is
///   −log(Beta(x, q+1))/θ, and has not hung up by then with probability e^{−θ·wait}.
///
/// The sums are taken in log space (``PatienceSeries``), so hundreds or thousands of agents
/// are as exact as ten. Times are in one unit of your choosing; Flowtune uses seconds.
///
/// ```swift
/// // 20 calls a minute, 5-minute calls, callers wait 2 minutes on average, 100 agents
/// let queue = ErlangAQueue(agents: 100, arrivalRate: 20.0 / 60, meanHandlingTime: 300, meanPatience: 120)
/// queue.probabilityOfWait          // ≈ 0.4040
/// queue.abandonment                // ≈ 0.0488 hang up before an answer
/// queue.serviceLevel(within: 20)   // ≈ 0.8517 of all callers answered within 20 s
/// queue.averageSpeedOfAnswer       // ≈ 5.55 s for those answered
/// ```
public struct ErlangAQueue: Sendable, Hashable {
    /// Agents answering the queue.
    public let agents: Int
    /// Calls per unit of time.
    public let arrivalRate: Double
    /// The mean time an agent spends on a call, in the same unit.
    public let meanHandlingTime: Double
    /// The mean time a caller is willing to wait before hanging up, in the same unit.
    public let meanPatience: Double
    /// The probability that a caller finds every agent busy and waits.
    public let probabilityOfWait: Double
    /// The probability that a caller hangs up before being answered.
    public let abandonment: Double

    /// x = cμ/θ and y = λ/θ, and log S(x, y), kept for the service level and speed of answer.
    private let x: Double
    private let y: Double
    private let logSum: Double

    /// The queue with `agents` agents, `arrivalRate` calls per unit of time, calls lasting
    /// `meanHandlingTime` and callers waiting `meanPatience` on average before they hang up.
    public init(agents: Int, arrivalRate: Double, meanHandlingTime: Double, meanPatience: Double) {
        let load = arrivalRate * meanHandlingTime
        self.init(agents: agents, arrivalRate: arrivalRate, meanHandlingTime: meanHandlingTime,
                  meanPatience: meanPatience, erlangB: ErlangC.erlangB(servers: agents, load: load))
    }

    /// The queue given Erlang B for its agents and load, for searches that carry the recursion.
    init(agents: Int, arrivalRate: Double, meanHandlingTime: Double, meanPatience: Double, erlangB: Double) {
        precondition(agents >= 0, "agents are counted from zero")
        precondition(arrivalRate >= 0 && meanHandlingTime > 0, "a non-negative arrival rate and a positive handling time")
        precondition(meanPatience > 0 && meanPatience.isFinite, "a positive, finite mean patience")
        self.agents = agents
        self.arrivalRate = arrivalRate
        self.meanHandlingTime = meanHandlingTime
        self.meanPatience = meanPatience
        x = Double(agents) * meanPatience / meanHandlingTime
        y = arrivalRate * meanPatience
        if arrivalRate == 0 {
            (probabilityOfWait, abandonment, logSum) = (0, 0, 0)
        } else if agents == 0 {
            (probabilityOfWait, abandonment, logSum) = (1, 1, 0)
        } else {
            let series = PatienceSeries.evaluate(x: x, y: y)
            logSum = series.logSum
            // P(wait) = 1 / (1 + (1 − B)/(A·B)), in logs because A alone can overflow.
            let ratio = exp(log1p(-erlangB) - series.logSum - log(erlangB))
            probabilityOfWait = 1 / (1 + ratio)
            abandonment = probabilityOfWait * series.meanWaiting / y
        }
    }

    /// The work offered, in erlangs: arrival rate × mean handling time.
    public var offeredLoad: Double { arrivalRate * meanHandlingTime }

    /// The fraction of the agents' time spent on calls: the answered load over the agents.
    public var occupancy: Double {
        guard agents > 0 else { return 0 }
        return offeredLoad * (1 - abandonment) / Double(agents)
    }

    /// The share of all callers answered within `answerTime`; callers who hang up count as not
    /// answered, whenever they hang up.
    public func serviceLevel(within answerTime: Double) -> Double {
        precondition(answerTime >= 0, "an answer time is not negative")
        if arrivalRate == 0 { return 1 }
        if agents == 0 { return 0 }
        let theta = 1 / meanPatience
        let z = exp(-theta * answerTime)
        let upper = PatienceSeries.logSum(x: x + 1, y: y)
        let lower = PatienceSeries.logSum(x: x + 1, y: y * z)
        // S(x+1, y) − e^{y(1−z)} z^{x+1} S(x+1, yz) as S(x+1, y)·(1 − e^{…}): both positive,
        // so the difference is taken by expm1 rather than by subtracting two exponentials.
        let exponent = lower + y * (1 - z) - (x + 1) * theta * answerTime - upper
        let answeredGivenWait = x / (x + 1) * exp(upper - logSum) * -expm1(exponent)
        return 1 - probabilityOfWait + probabilityOfWait * answeredGivenWait
    }

    /// The mean wait over all callers, until answered or hung up: P(abandon)/θ.
    public var meanWait: Double { abandonment * meanPatience }

    /// The average speed of answer: the mean wait of the callers who are answered. Infinite when
    /// nobody is (no agents).
    ///
    /// A caller who finds q waiting is answered after stages of rates θ(x+i), i = 0…q, and has
    /// not hung up by then: E[wait; answered] = x/(x+q+1) · Σ_{i=1..q+1} 1/(θ(x+i)), the
    /// derivative of the stages' Laplace transform at θ. The q are weighted by t_q/S(x, y).
    public var averageSpeedOfAnswer: Double {
        if arrivalRate == 0 { return 0 }
        if agents == 0 { return .infinity }
        // Self-normalised: Σ t_q·g_q / Σ t_q with t_0 = 1, both sums rescaled together when the
        // terms grow large (an overloaded queue's peak lies far out), so no log or exp per term.
        var term = 1.0
        var total = 1.0
        var harmonic = 1 / (x + 1)
        var weighted = x / (x + 1) * harmonic
        var q = 1.0
        // Terms rise while y > x + q and fall after; stop once past the peak and negligible.
        while q < 10_000_000 {
            term *= y / (x + q)
            harmonic += 1 / (x + q + 1)
            total += term
            weighted += term * x / (x + q + 1) * harmonic
            if term > 1e200 {
                term *= 1e-200
                total *= 1e-200
                weighted *= 1e-200
            }
            if y < x + q, term < 1e-18 * total { break }
            q += 1
        }
        let expected = weighted / total
        return probabilityOfWait * expected * meanPatience / (1 - abandonment)
    }
}
