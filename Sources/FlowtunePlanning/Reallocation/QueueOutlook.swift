import FlowtuneCore
import Foundation

/// One forecast interval of a queue's outlook with a given number of agents.
public struct IntervalOutlook: Sendable, Hashable, Codable {
    /// Seconds from the snapshot to the interval's start.
    public var offset: TimeInterval
    /// Forecast arrivals per second.
    public var arrivalRate: Double
    /// Tasks expected to be waiting when the interval starts (the observed count for the first).
    public var backlogAtStart: Double
    /// Tasks expected to be waiting when it ends.
    public var expectedDepth: Double
    /// The predicted share of the interval's tasks (its arrivals and the backlog it inherits)
    /// answered within the promise's time.
    public var serviceLevel: Double
    /// The predicted share of callers who hang up (0 under Erlang C).
    public var abandonment: Double

    /// Figures as given.
    public init(
        offset: TimeInterval, arrivalRate: Double, backlogAtStart: Double, expectedDepth: Double,
        serviceLevel: Double, abandonment: Double
    ) {
        self.offset = offset
        self.arrivalRate = arrivalRate
        self.backlogAtStart = backlogAtStart
        self.expectedDepth = expectedDepth
        self.serviceLevel = serviceLevel
        self.abandonment = abandonment
    }
}

/// How a queue is predicted to fare over the forecast horizon with `agents` agents.
///
/// Per interval of length L, with arrival rate λ, c agents of rate μ = 1/handling time and the
/// backlog B carried in:
///
/// - **Queue depth** is a fluid approximation. Under Erlang C the backlog moves at the spare
///   capacity, B' = max(0, B + (λ − cμ)·L). With patience p the waiting also hang up at rate B/p,
///   dB/dt = λ − cμ − B/p, which integrates to B' = max(0, B* + (B − B*)·e^{−L/p}) with
///   B* = (λ − cμ)·p (once the backlog is empty with λ < cμ it stays empty). The depth reported
///   is the larger of the fluid backlog at the interval's end and the stationary mean queue of
///   Erlang C/A, so a queue that keeps up still shows its ordinary waiting.
/// - **Service level** is Erlang C or A at the effective rate λ + B/L: the backlog an interval
///   inherits is served as extra arrivals spread over it. Without backlog this is the usual
///   pointwise stationary figure; with one, a queue that fell behind shows it until it catches up.
///
/// The horizon's service level weights each interval by its tasks, λ·L + B.
///
/// ```swift
/// let outlook = QueueOutlook(snapshot: billing, agents: 12, intervalLength: 900)
/// outlook.serviceLevel            // over the horizon
/// outlook.intervals[1].expectedDepth
/// ```
public struct QueueOutlook: Sendable, Hashable, Codable {
    /// Agents the figures are for.
    public var agents: Int
    /// Each interval of the horizon.
    public var intervals: [IntervalOutlook]
    /// The share of the horizon's tasks answered within the promise's time.
    public var serviceLevel: Double

    /// The outlook of `snapshot`'s queue served by `agents` agents.
    public init(snapshot: QueueSnapshot, agents: Int, intervalLength: TimeInterval) {
        self.agents = agents
        let handling = snapshot.meanHandlingTime
        let answerTime = snapshot.queue.serviceLevel.within
        let capacity = Double(agents) / handling
        var backlog = Double(max(snapshot.waiting, 0))
        var intervals: [IntervalOutlook] = []
        intervals.reserveCapacity(snapshot.arrivalRates.count)
        var weighted = 0.0
        var tasks = 0.0
        for (index, rate) in snapshot.arrivalRates.enumerated() {
            let effective = rate + backlog / intervalLength
            let level: Double
            let abandonment: Double
            let stationaryQueue: Double
            let fluidEnd: Double
            switch snapshot.patience {
            case .unlimited:
                let queue = ErlangCQueue(agents: agents, arrivalRate: effective, meanHandlingTime: handling)
                level = queue.serviceLevel(within: answerTime)
                abandonment = 0
                stationaryQueue = queue.isStable ? effective * queue.averageSpeedOfAnswer : 0
                fluidEnd = max(0, backlog + (rate - capacity) * intervalLength)
            case .exponential(let patience):
                let queue = ErlangAQueue(agents: agents, arrivalRate: effective, meanHandlingTime: handling,
                                         meanPatience: patience)
                level = queue.serviceLevel(within: answerTime)
                abandonment = queue.abandonment
                stationaryQueue = effective * queue.meanWait
                let equilibrium = (rate - capacity) * patience
                fluidEnd = max(0, equilibrium + (backlog - equilibrium) * exp(-intervalLength / patience))
            }
            let count = rate * intervalLength + backlog
            weighted += level * count
            tasks += count
            intervals.append(IntervalOutlook(
                offset: Double(index) * intervalLength, arrivalRate: rate, backlogAtStart: backlog,
                expectedDepth: max(fluidEnd, stationaryQueue), serviceLevel: level, abandonment: abandonment))
            backlog = fluidEnd
        }
        self.intervals = intervals
        serviceLevel = tasks > 0 ? weighted / tasks : 1
    }
}
