/// A kind of shift workers can be scheduled on: when it starts, how long it lasts, when its
/// breaks fall, which days it is worked, and what one worker on it costs over the horizon.
///
/// Times are in intervals of the planning horizon's length (15 minutes when a day has 96), so
/// a template matches a staffing plan's intervals exactly. A break is time on shift but off the
/// queue, so it does not count toward coverage; a shift whose breaks may float is offered as
/// several templates, one per break position, and the scheduler picks among them.
///
/// ```swift
/// // 08:00–16:30 with a 30-minute break at 12:00, Monday to Friday, costing its 8 paid hours a day
/// let early = ShiftTemplate(name: "early", start: 32, length: 34,
///                           breaks: [.init(offset: 16, length: 2)], days: [0, 1, 2, 3, 4], cost: 40)
/// ```
public struct ShiftTemplate: Sendable, Hashable, Codable {
    /// A break inside the shift, in intervals from the shift's start.
    public struct Break: Sendable, Hashable, Codable {
        /// Intervals from the shift's start to the break's.
        public var offset: Int
        /// The break's length, in intervals.
        public var length: Int

        /// A break `offset` intervals into the shift, `length` intervals long.
        public init(offset: Int, length: Int) {
            self.offset = offset
            self.length = length
        }
    }

    /// The template's name in schedules and errors.
    public var name: String
    /// The interval of the day the shift starts in (0 = midnight).
    public var start: Int
    /// The shift's length in intervals, breaks included. A shift may run past midnight into the
    /// next day.
    public var length: Int
    /// Its breaks, each inside the shift.
    public var breaks: [Break]
    /// The days of the horizon it is worked, 0-based from the horizon's first day; nil for every
    /// day.
    public var days: [Int]?
    /// What one worker on this template costs over the horizon: 1 counts heads; paid hours
    /// (times a rate) count the wage bill.
    public var cost: Double

    /// A template; by default worked every day of the horizon, without breaks, costing one head.
    public init(name: String, start: Int, length: Int, breaks: [Break] = [], days: [Int]? = nil, cost: Double = 1) {
        self.name = name
        self.start = start
        self.length = length
        self.breaks = breaks
        self.days = days
        self.cost = cost
    }

    /// Whether a worker is on the queue `offset` intervals into the shift (not on a break).
    public func isWorking(atOffset offset: Int) -> Bool {
        guard offset >= 0, offset < length else { return false }
        return !breaks.contains { offset >= $0.offset && offset < $0.offset + $0.length }
    }

    /// Intervals on the queue per day worked: the length less the breaks.
    public var workingIntervals: Int { (0..<length).reduce(0) { $0 + (isWorking(atOffset: $1) ? 1 : 0) } }
}
