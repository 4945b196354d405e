/// A day's (or any span's) staffing: per interval the calls forecast, the work they bring, the
/// agents needed on the phones to keep the promise, the staff to schedule once shrinkage
/// (breaks, meetings, training, absence) is allowed for, and what those agents achieve.
///
/// ```swift
/// let arrivals = IntervalSeries(start: day, interval: 900, values: forecast)   // calls per 15 min
/// let plan = try StaffingPlan(
///     arrivals: arrivals, meanHandlingTime: 240,
///     target: StaffingTarget(serviceLevel: 0.8, answerTime: 20, maxOccupancy: 0.9),
///     shrinkage: 0.3)
/// plan.scheduledStaff          // per interval, what shift scheduling has to cover
/// plan.intervals[40].serviceLevel
/// ```
public struct StaffingPlan: Sendable, Hashable, Codable {
    /// One interval of the plan.
    public struct Interval: Sendable, Hashable, Codable {
        /// The interval's start, seconds since 1970 UTC.
        public var start: Double
        /// Calls forecast in the interval.
        public var calls: Double
        /// Their mean handling time, in seconds.
        public var meanHandlingTime: Double
        /// Agents needed on the queue, and what they achieve.
        public var performance: QueuePerformance
        /// Staff to schedule: agents / (1 − shrinkage), rounded up.
        public var scheduled: Int

        /// The work offered, in erlangs.
        public var offeredLoad: Double { performance.offeredLoad }
        /// Agents needed on the queue.
        public var agents: Int { performance.agents }
        /// The share answered within the target's answer time.
        public var serviceLevel: Double { performance.serviceLevel }
        /// The mean wait of answered callers, in seconds.
        public var averageSpeedOfAnswer: Double { performance.averageSpeedOfAnswer }
        /// The share of agents' time on calls.
        public var occupancy: Double { performance.occupancy }
        /// The share of callers hanging up before an answer.
        public var abandonment: Double { performance.abandonment }
    }

    /// The promise staffed to.
    public var target: StaffingTarget
    /// The callers' patience model (Erlang C or Erlang A).
    public var patience: CallerPatience
    /// The share of paid time agents are not available for calls, 0 ≤ shrinkage < 1.
    public var shrinkage: Double
    /// The length of each interval, in seconds.
    public var intervalLength: Double
    /// The intervals, in order.
    public var intervals: [Interval]

    /// Staffs every interval of `arrivals` (calls per interval) whose calls last
    /// `handlingTime` seconds on average (a series aligned with the arrivals).
    ///
    /// An interval with no calls needs `minimumAgents` (0 by default: a closed interval); one
    /// with calls needs a positive handling time, or the error names it.
    public init(
        arrivals: IntervalSeries, handlingTime: IntervalSeries, target: StaffingTarget,
        patience: CallerPatience = .unlimited, shrinkage: Double = 0, minimumAgents: Int = 0
    ) throws {
        guard handlingTime.count == arrivals.count else {
            throw StaffingError(reason: "\(arrivals.count) intervals of arrivals but \(handlingTime.count) of handling time")
        }
        guard handlingTime.interval == arrivals.interval, handlingTime.start == arrivals.start else {
            throw StaffingError(reason: "handling time and arrivals are not on the same intervals")
        }
        guard shrinkage >= 0, shrinkage < 1 else {
            throw StaffingError(reason: "shrinkage \(shrinkage) is not in [0, 1)")
        }
        if let problem = target.problem { throw StaffingError(reason: problem) }
        self.target = target
        self.patience = patience
        self.shrinkage = shrinkage
        intervalLength = arrivals.interval
        var intervals: [Interval] = []
        intervals.reserveCapacity(arrivals.count)
        for index in 0..<arrivals.count {
            let calls = arrivals.values[index]
            guard calls >= 0, calls.isFinite else {
                throw StaffingError(interval: index, reason: "\(calls) calls is not a finite count ≥ 0")
            }
            var handling = handlingTime.values[index]
            if calls == 0, !(handling > 0 && handling.isFinite) {
                // No calls, so no handling time to measure; any positive value gives the same plan.
                handling = 1
            }
            guard handling > 0, handling.isFinite else {
                throw StaffingError(interval: index, reason: "mean handling time \(handling) s is not a positive, finite time")
            }
            let performance: QueuePerformance
            do {
                performance = try Staffing.agentsRequired(
                    arrivalRate: calls / arrivals.interval, meanHandlingTime: handling, target: target,
                    patience: patience, minimumAgents: minimumAgents)
            } catch let error as StaffingError {
                throw StaffingError(interval: index, reason: error.reason)
            }
            intervals.append(Interval(
                start: arrivals.time(ofInterval: index), calls: calls, meanHandlingTime: handling,
                performance: performance, scheduled: Self.scheduled(agents: performance.agents, shrinkage: shrinkage)))
        }
        self.intervals = intervals
    }

    /// Staffs every interval of `arrivals` with one mean handling time, in seconds.
    public init(
        arrivals: IntervalSeries, meanHandlingTime: Double, target: StaffingTarget,
        patience: CallerPatience = .unlimited, shrinkage: Double = 0, minimumAgents: Int = 0
    ) throws {
        try self.init(
            arrivals: arrivals,
            handlingTime: IntervalSeries(start: arrivals.start, interval: arrivals.interval,
                                         values: Array(repeating: meanHandlingTime, count: arrivals.count)),
            target: target, patience: patience, shrinkage: shrinkage, minimumAgents: minimumAgents)
    }

    /// Staff to schedule for `agents` on the phones: ⌈agents / (1 − shrinkage)⌉. The tolerance
    /// keeps 7 agents at 30% shrinkage at 10, not 11 through 7/0.7 = 10.000000000000002.
    public static func scheduled(agents: Int, shrinkage: Double) -> Int {
        guard agents > 0 else { return 0 }
        return Int((Double(agents) / (1 - shrinkage) * (1 - 1e-12)).rounded(.up))
    }

    /// Agents needed on the queue, per interval.
    public var requiredAgents: [Int] { intervals.map(\.agents) }

    /// Staff to schedule, per interval: what shift scheduling covers.
    public var scheduledStaff: [Int] { intervals.map(\.scheduled) }

    /// Agent-hours on the queue over the plan.
    public var agentHours: Double { Double(intervals.reduce(0) { $0 + $1.agents }) * intervalLength / 3600 }

    /// The service level over the whole plan: answered within the answer time over all calls.
    public var overallServiceLevel: Double {
        let calls = intervals.reduce(0) { $0 + $1.calls }
        guard calls > 0 else { return 1 }
        return intervals.reduce(0) { $0 + $1.calls * $1.serviceLevel } / calls
    }
}
