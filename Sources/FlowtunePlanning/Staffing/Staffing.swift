import Foundation

/// The agents one interval needs to keep a service promise, and how an interval fares with a
/// given number of agents.
///
/// ```swift
/// // 300 calls in 15 minutes, 4-minute calls, 80% within 20 s, occupancy at most 90%
/// let needed = try Staffing.agentsRequired(
///     arrivalRate: 300.0 / 900, meanHandlingTime: 240,
///     target: StaffingTarget(serviceLevel: 0.8, answerTime: 20, maxOccupancy: 0.9))
/// needed.agents        // the fewest agents meeting every target
/// needed.serviceLevel  // what they achieve
/// ```
public enum Staffing {
    /// How a queue with `agents` agents fares: service level at `answerTime`, speed of answer,
    /// waiting, occupancy and abandonment. Rates per second, times in seconds.
    public static func performance(
        agents: Int, arrivalRate: Double, meanHandlingTime: Double, answerTime: Double,
        patience: CallerPatience = .unlimited
    ) -> QueuePerformance {
        switch patience {
        case .unlimited:
            performance(of: ErlangCQueue(agents: agents, arrivalRate: arrivalRate, meanHandlingTime: meanHandlingTime),
                        answerTime: answerTime)
        case .exponential(let meanPatience):
            performance(of: ErlangAQueue(agents: agents, arrivalRate: arrivalRate, meanHandlingTime: meanHandlingTime,
                                         meanPatience: meanPatience), answerTime: answerTime)
        }
    }

    /// The fewest agents, at least `minimumAgents`, for which every part of `target` holds, with
    /// what they achieve. Rates per second, times in seconds.
    ///
    /// Under Erlang C the search starts at the first stable count (and the occupancy floor
    /// load / max occupancy) and steps up one agent at a time, carrying the Erlang B recursion,
    /// so it costs the load plus a few square roots of it in multiply-adds. Under Erlang A every
    /// figure improves with each agent added, so the count is bracketed by doubling and found by
    /// bisection.
    public static func agentsRequired(
        arrivalRate: Double, meanHandlingTime: Double, target: StaffingTarget,
        patience: CallerPatience = .unlimited, minimumAgents: Int = 0
    ) throws -> QueuePerformance {
        if let problem = target.problem { throw StaffingError(reason: problem) }
        guard arrivalRate >= 0, arrivalRate.isFinite else {
            throw StaffingError(reason: "arrival rate \(arrivalRate) is not a finite rate ≥ 0")
        }
        guard meanHandlingTime > 0, meanHandlingTime.isFinite else {
            throw StaffingError(reason: "mean handling time \(meanHandlingTime) s is not a positive, finite time")
        }
        if case .exponential(let meanPatience) = patience, !(meanPatience > 0 && meanPatience.isFinite) {
            throw StaffingError(reason: "mean patience \(meanPatience) s is not a positive, finite time")
        }
        let floor = max(0, minimumAgents)
        if arrivalRate == 0 {
            return performance(agents: floor, arrivalRate: 0, meanHandlingTime: meanHandlingTime,
                               answerTime: target.answerTime, patience: patience)
        }
        let load = arrivalRate * meanHandlingTime
        var lowest = max(floor, 1)
        // Under Erlang C occupancy is load / c, so the smallest c with load / c ≤ occupancy is a
        // floor (the tolerance keeps 45 / 0.9 at 50). Under Erlang A callers who hang up take no
        // agent time, so fewer agents may do and the search checks occupancy instead.
        if let occupancy = target.maxOccupancy, patience == .unlimited {
            lowest = max(lowest, Int((load / occupancy * (1 - 1e-12)).rounded(.up)))
        }
        switch patience {
        case .unlimited:
            return try erlangC(arrivalRate: arrivalRate, meanHandlingTime: meanHandlingTime, target: target, lowest: lowest)
        case .exponential(let meanPatience):
            return try erlangA(arrivalRate: arrivalRate, meanHandlingTime: meanHandlingTime, meanPatience: meanPatience,
                               target: target, lowest: lowest)
        }
    }

    /// Agents beyond the first stable count that any search gives up after; a target that needs
    /// more than this is one no real centre staffs to.
    static let searchLimit = 1_000_000

    private static func erlangC(
        arrivalRate: Double, meanHandlingTime: Double, target: StaffingTarget, lowest: Int
    ) throws -> QueuePerformance {
        let load = arrivalRate * meanHandlingTime
        var agents = max(lowest, Int(load.rounded(.down)) + 1)
        var erlangB = 1.0
        for k in stride(from: 1, through: agents, by: 1) { erlangB = load * erlangB / (Double(k) + load * erlangB) }
        let limit = agents + searchLimit
        while agents <= limit {
            let queue = ErlangCQueue(agents: agents, arrivalRate: arrivalRate, meanHandlingTime: meanHandlingTime, erlangB: erlangB)
            if meets(target, serviceLevel: { queue.serviceLevel(within: target.answerTime) },
                     averageSpeedOfAnswer: { queue.averageSpeedOfAnswer }, abandonment: { 0 }, occupancy: { queue.occupancy }) {
                return performance(of: queue, answerTime: target.answerTime)
            }
            agents += 1
            erlangB = load * erlangB / (Double(agents) + load * erlangB)
        }
        throw StaffingError(reason: "no number of agents up to \(limit) meets the target at \(load) erlangs")
    }

    private static func erlangA(
        arrivalRate: Double, meanHandlingTime: Double, meanPatience: Double, target: StaffingTarget, lowest: Int
    ) throws -> QueuePerformance {
        let load = arrivalRate * meanHandlingTime
        // Erlang B for 0…n agents, extended as the bracket grows.
        var erlangB: [Double] = [1]
        func queue(_ agents: Int) -> ErlangAQueue {
            while erlangB.count <= agents {
                let b = erlangB[erlangB.count - 1]
                erlangB.append(load * b / (Double(erlangB.count) + load * b))
            }
            return ErlangAQueue(agents: agents, arrivalRate: arrivalRate, meanHandlingTime: meanHandlingTime,
                                meanPatience: meanPatience, erlangB: erlangB[agents])
        }
        func satisfies(_ agents: Int) -> Bool {
            let candidate = queue(agents)
            return meets(target, serviceLevel: { candidate.serviceLevel(within: target.answerTime) },
                         averageSpeedOfAnswer: { candidate.averageSpeedOfAnswer },
                         abandonment: { candidate.abandonment }, occupancy: { candidate.occupancy })
        }
        // Bracket: `low` fails (or is the floor), `high` meets. Start near the load, where most
        // answers lie, rather than at one agent.
        var low = lowest
        if satisfies(low) { return performance(of: queue(low), answerTime: target.answerTime) }
        var high = max(low + 1, Int(load.rounded(.up)))
        while !satisfies(high) {
            low = high
            high = low + max(1, low)
            if high - lowest > searchLimit {
                throw StaffingError(reason: "no number of agents up to \(high) meets the target at \(load) erlangs")
            }
        }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if satisfies(middle) { high = middle } else { low = middle }
        }
        return performance(of: queue(high), answerTime: target.answerTime)
    }

    /// Whether every part of `target` holds; figures are computed only when a part needs them.
    private static func meets(
        _ target: StaffingTarget, serviceLevel: () -> Double, averageSpeedOfAnswer: () -> Double,
        abandonment: () -> Double, occupancy: () -> Double
    ) -> Bool {
        if let bound = target.maxOccupancy, occupancy() > bound { return false }
        if let bound = target.maxAbandonment, abandonment() > bound { return false }
        if let level = target.serviceLevel, serviceLevel() < level { return false }
        if let bound = target.maxAverageSpeedOfAnswer, averageSpeedOfAnswer() > bound { return false }
        return true
    }

    static func performance(of queue: ErlangCQueue, answerTime: Double) -> QueuePerformance {
        QueuePerformance(
            agents: queue.agents, offeredLoad: queue.offeredLoad, probabilityOfWait: queue.probabilityOfWait,
            serviceLevel: queue.serviceLevel(within: answerTime), averageSpeedOfAnswer: queue.averageSpeedOfAnswer,
            occupancy: queue.occupancy, abandonment: 0)
    }

    static func performance(of queue: ErlangAQueue, answerTime: Double) -> QueuePerformance {
        QueuePerformance(
            agents: queue.agents, offeredLoad: queue.offeredLoad, probabilityOfWait: queue.probabilityOfWait,
            serviceLevel: queue.serviceLevel(within: answerTime), averageSpeedOfAnswer: queue.averageSpeedOfAnswer,
            occupancy: queue.occupancy, abandonment: queue.abandonment)
    }
}
