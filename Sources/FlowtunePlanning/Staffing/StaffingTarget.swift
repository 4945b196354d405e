/// The service promise an interval is staffed to: a service level ("80% answered within 20 s"),
/// and optionally a ceiling on the average speed of answer, on abandonment and on occupancy.
/// Every target given must hold; the agents needed are the fewest for which they all do.
///
/// ```swift
/// let target = StaffingTarget(serviceLevel: 0.8, answerTime: 20, maxOccupancy: 0.9)
/// let abandonmentOnly = StaffingTarget(serviceLevel: nil, maxAbandonment: 0.05)
/// ```
public struct StaffingTarget: Sendable, Hashable, Codable {
    /// The share of calls to answer within ``answerTime`` (0.8 for 80%); nil for no such target.
    /// Under Erlang A, callers who hang up count as not answered.
    public var serviceLevel: Double?
    /// The answer time the service level is measured at, in seconds.
    public var answerTime: Double
    /// The highest acceptable average speed of answer, in seconds; nil for none.
    public var maxAverageSpeedOfAnswer: Double?
    /// The highest acceptable share of callers hanging up before an answer; nil for none. Only
    /// a model with patience (Erlang A) can meet it with fewer agents than the work needs.
    public var maxAbandonment: Double?
    /// The highest acceptable occupancy (share of agents' time on calls), such as 0.85, which
    /// keeps large queues from running their agents flat out; nil for none.
    public var maxOccupancy: Double?

    /// A target; by default 80% of calls answered within 20 seconds and nothing else.
    public init(
        serviceLevel: Double? = 0.8, answerTime: Double = 20, maxAverageSpeedOfAnswer: Double? = nil,
        maxAbandonment: Double? = nil, maxOccupancy: Double? = nil
    ) {
        self.serviceLevel = serviceLevel
        self.answerTime = answerTime
        self.maxAverageSpeedOfAnswer = maxAverageSpeedOfAnswer
        self.maxAbandonment = maxAbandonment
        self.maxOccupancy = maxOccupancy
    }

    /// Why this target cannot be staffed to, or nil when it can: a service level of 100% or an
    /// average speed of answer of zero is reached by no finite number of agents.
    public var problem: String? {
        if let level = serviceLevel, !(level > 0 && level < 1) {
            return "service level \(level) is not between 0 and 1 (exclusive)"
        }
        if !(answerTime >= 0 && answerTime.isFinite) { return "answer time \(answerTime) s is not a finite time ≥ 0" }
        if let asa = maxAverageSpeedOfAnswer, !(asa > 0) {
            return "average speed of answer \(asa) s is not above zero"
        }
        if let abandonment = maxAbandonment, !(abandonment > 0 && abandonment < 1) {
            return "abandonment \(abandonment) is not between 0 and 1 (exclusive)"
        }
        if let occupancy = maxOccupancy, !(occupancy > 0 && occupancy <= 1) {
            return "occupancy \(occupancy) is not above 0 and at most 1"
        }
        if serviceLevel == nil, maxAverageSpeedOfAnswer == nil, maxAbandonment == nil, maxOccupancy == nil {
            return "no target: give a service level, an average speed of answer, an abandonment or an occupancy"
        }
        return nil
    }
}

/// How callers behave while they wait, which decides the queueing model staffing uses.
public enum CallerPatience: Sendable, Hashable, Codable {
    /// Callers wait as long as it takes (Erlang C, M/M/c): the conservative classic.
    case unlimited
    /// Callers hang up after an exponential patience with this mean, in seconds (Erlang A,
    /// M/M/c+M): fewer agents reach the same service level, and abandonment can be targeted.
    case exponential(meanPatience: Double)
}

/// How one interval fares with a given number of agents: the figures a staffing plan reports.
public struct QueuePerformance: Sendable, Hashable, Codable {
    /// Agents on the queue (after shrinkage is taken off).
    public var agents: Int
    /// The work offered, in erlangs.
    public var offeredLoad: Double
    /// The probability that a caller waits at all.
    public var probabilityOfWait: Double
    /// The share of callers answered within the target's answer time.
    public var serviceLevel: Double
    /// The mean wait of answered callers, in seconds (infinite when the queue cannot keep up).
    public var averageSpeedOfAnswer: Double
    /// The share of the agents' time spent on calls.
    public var occupancy: Double
    /// The share of callers who hang up before an answer (0 under Erlang C).
    public var abandonment: Double

    /// Figures as given.
    public init(
        agents: Int, offeredLoad: Double, probabilityOfWait: Double, serviceLevel: Double,
        averageSpeedOfAnswer: Double, occupancy: Double, abandonment: Double
    ) {
        self.agents = agents
        self.offeredLoad = offeredLoad
        self.probabilityOfWait = probabilityOfWait
        self.serviceLevel = serviceLevel
        self.averageSpeedOfAnswer = averageSpeedOfAnswer
        self.occupancy = occupancy
        self.abandonment = abandonment
    }
}

/// A staffing request that cannot be met: a target no number of agents reaches, an interval
/// without a usable handling time, a shrinkage of 100%.
public struct StaffingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The interval concerned (0-based), when the problem is one interval's.
    public var interval: Int?
    /// What is wrong, in words.
    public var reason: String

    /// An error about `interval` (nil for the request as a whole).
    public init(interval: Int? = nil, reason: String) {
        self.interval = interval
        self.reason = reason
    }

    public var description: String {
        if let interval { return "interval \(interval): \(reason)" }
        return reason
    }
}
