import FlowtuneSimulation
import Foundation

/// One queue staffed by `agents` identical agents, calls arriving as a Poisson process and
/// handled in exponential times, nobody hanging up (M/M/c, Erlang C): the waiting probability,
/// service level, average speed of answer and occupancy that staffing is sized by.
///
/// Times are in one unit of your choosing; Flowtune uses seconds throughout, so an arrival rate
/// is calls per second. The Erlang B value is carried by the stable recursion
/// B(k) = a·B(k−1) / (k + a·B(k−1)), so hundreds or thousands of agents cost no factorials and
/// no overflow.
///
/// ```swift
/// // 360 calls per half hour, 4-minute calls, 55 agents, answered within 15 s
/// let queue = ErlangCQueue(agents: 55, arrivalRate: 360.0 / 1800, meanHandlingTime: 240)
/// queue.offeredLoad                 // 48 erlangs
/// queue.probabilityOfWait           // ≈ 0.2387
/// queue.serviceLevel(within: 15)    // ≈ 0.8459
/// queue.averageSpeedOfAnswer        // ≈ 8.18 s
/// ```
public struct ErlangCQueue: Sendable, Hashable {
    /// Agents answering the queue.
    public let agents: Int
    /// Calls per unit of time.
    public let arrivalRate: Double
    /// The mean time an agent spends on a call, in the same unit.
    public let meanHandlingTime: Double
    /// The blocking probability the same agents would give with no queue (Erlang B).
    public let erlangB: Double
    /// The probability that a call waits at all (Erlang C); 1 when the queue is unstable.
    public let probabilityOfWait: Double

    /// The queue with `agents` agents, `arrivalRate` calls per unit of time and calls lasting
    /// `meanHandlingTime` on average.
    public init(agents: Int, arrivalRate: Double, meanHandlingTime: Double) {
        precondition(agents >= 0, "agents are counted from zero")
        let load = arrivalRate * meanHandlingTime
        self.init(agents: agents, arrivalRate: arrivalRate, meanHandlingTime: meanHandlingTime,
                  erlangB: ErlangC.erlangB(servers: agents, load: load))
    }

    /// The queue given Erlang B for its agents and load, so that a search over agent counts
    /// carries the recursion one step at a time instead of restarting it.
    init(agents: Int, arrivalRate: Double, meanHandlingTime: Double, erlangB: Double) {
        precondition(arrivalRate >= 0 && meanHandlingTime > 0, "a non-negative arrival rate and a positive handling time")
        self.agents = agents
        self.arrivalRate = arrivalRate
        self.meanHandlingTime = meanHandlingTime
        self.erlangB = erlangB
        let load = arrivalRate * meanHandlingTime
        if load == 0 {
            probabilityOfWait = 0
        } else if load >= Double(agents) {
            probabilityOfWait = 1
        } else {
            let rho = load / Double(agents)
            probabilityOfWait = erlangB / (1 - rho * (1 - erlangB))
        }
    }

    /// The work offered, in erlangs: arrival rate × mean handling time.
    public var offeredLoad: Double { arrivalRate * meanHandlingTime }

    /// Whether the agents keep up with the work (offered load below the agent count); past that
    /// the queue grows without bound and waits are infinite.
    public var isStable: Bool { offeredLoad < Double(agents) || offeredLoad == 0 }

    /// The fraction of the agents' time spent on calls: load / agents, at most 1.
    public var occupancy: Double {
        guard agents > 0 else { return offeredLoad > 0 ? 1 : 0 }
        return min(1, offeredLoad / Double(agents))
    }

    /// The share of calls answered within `answerTime`: P(wait ≤ t) = 1 − C·e^{−(cμ−λ)t}; 0 when
    /// the queue is unstable.
    public func serviceLevel(within answerTime: Double) -> Double {
        guard isStable else { return 0 }
        let drain = Double(agents) / meanHandlingTime - arrivalRate
        return 1 - probabilityOfWait * exp(-drain * answerTime)
    }

    /// The average speed of answer, the mean wait over all calls: C / (cμ − λ); infinite when the
    /// queue is unstable.
    public var averageSpeedOfAnswer: Double {
        guard offeredLoad > 0 else { return 0 }
        guard isStable else { return .infinity }
        return probabilityOfWait / (Double(agents) / meanHandlingTime - arrivalRate)
    }
}
