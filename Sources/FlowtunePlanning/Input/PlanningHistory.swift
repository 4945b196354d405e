import Foundation

/// Arrivals per queue, bucketed on the wall clock of the history: what forecasting reads.
///
/// ```swift
/// let history = try PlanningHistory(arrivals: arrivals, source: "arrivals.csv", interval: 900, utcOffset: 3600)
/// history.queues.map(\.name)              // sorted queue names
/// history.queues[0].arrivals.count        // whole days × 96 intervals
/// ```
public struct PlanningHistory: Sendable, Hashable {
    /// One queue's history.
    public struct Queue: Sendable, Hashable {
        /// The queue's name.
        public var name: String
        /// Arrivals per interval, over whole days from the first arrival's day.
        public var arrivals: IntervalSeries
        /// Arrivals in all.
        public var count: Int
        /// Handling times per interval, when the input had any.
        public var handling: HandlingTimeHistory?

        /// A queue's history.
        public init(name: String, arrivals: IntervalSeries, count: Int, handling: HandlingTimeHistory?) {
            self.name = name
            self.arrivals = arrivals
            self.count = count
            self.handling = handling
        }
    }

    /// Where the history came from, such as a file name.
    public var source: String
    /// The queues, sorted by name.
    public var queues: [Queue]
    /// The one UTC offset every timestamp had, or the zone's when converted; nil when mixed.
    public var utcOffset: Int?

    /// A history of `queues`.
    public init(source: String, queues: [Queue], utcOffset: Int?) {
        self.source = source
        self.queues = queues
        self.utcOffset = utcOffset
    }

    /// Buckets `arrivals` into intervals of `interval` seconds per queue, over the whole days
    /// from the first arrival's to the last's, on each arrival's `local` clock — or on `zone`'s
    /// when one is given. With `queue`, that queue alone.
    ///
    /// Throws when nothing is left to bucket, naming the queue asked for (`field` "queue").
    public init(arrivals: [Arrival], source: String, interval seconds: Double, utcOffset: Int?,
                zone: TimeZone? = nil, queue: String? = nil) throws {
        var local = arrivals
        var offset = utcOffset
        if let zone {
            var offsets = Set<Int>()
            for index in local.indices {
                let shift = zone.secondsFromGMT(for: Date(timeIntervalSince1970: local[index].utc))
                offsets.insert(shift)
                local[index].local = local[index].utc + Double(shift)
            }
            offset = offsets.count == 1 ? offsets.first : nil
        }
        if let queue {
            local.removeAll { $0.queue != queue }
        }
        guard let first = local.map(\.local).min(), let last = local.map(\.local).max() else {
            if let queue {
                let known = Set(arrivals.map(\.queue)).sorted()
                throw PlanningInputError(
                    file: source, field: "queue",
                    message: "no arrivals for queue \(queue)" + (known.isEmpty ? "" : "; the queues are \(known.joined(separator: ", "))"))
            }
            throw PlanningInputError(file: source, message: "no arrivals")
        }
        let firstDay = (first / 86_400).rounded(.down) * 86_400
        let days = Int(((last - firstDay) / 86_400).rounded(.down)) + 1
        let count = days * Int(86_400 / seconds)
        var names: [String] = []
        var grouped: [String: [Arrival]] = [:]
        for arrival in local {
            if grouped[arrival.queue] == nil { names.append(arrival.queue) }
            grouped[arrival.queue, default: []].append(arrival)
        }
        queues = names.sorted().map { name in
            let items = grouped[name]!
            let withHandling = items.filter { $0.handling != nil }
            return Queue(
                name: name,
                arrivals: IntervalSeries(counting: items.map(\.local), start: firstDay, interval: seconds, count: count),
                count: items.count,
                handling: withHandling.isEmpty ? nil : HandlingTimeHistory(
                    observations: withHandling.map { (time: $0.local, seconds: $0.handling!) }, start: firstDay,
                    interval: seconds, count: count))
        }
        self.source = source
        self.utcOffset = offset
    }

    /// Forecasts every queue `days` days ahead, choosing among `candidates` by a backtest over
    /// the last `backtestDays` days, with the handling time when the history has one.
    ///
    /// A history too short to backtest is a ``PlanningInputError`` naming the queue.
    public func forecast(days: Int, backtestDays: Int, candidates: [ForecastMethod] = ForecastMethod.allCases) throws
        -> ForecastReport
    {
        var report: [ForecastReport.Queue] = []
        for queue in queues {
            let horizon = days * queue.arrivals.intervalsPerDay
            let forecaster = Forecaster(configuration: .init(horizon: horizon, backtestDays: backtestDays, candidates: candidates))
            let forecast: Forecast
            do { forecast = try forecaster.forecast(queue.arrivals) } catch let error as ForecastError {
                throw PlanningInputError(file: source, field: "history", message: "queue \(queue.name): \(error)")
            }
            let handling = try queue.handling.map { try HandlingTimeForecaster().forecast($0, horizon: horizon) }
            report.append(ForecastReport.Queue(
                name: queue.name, arrivals: queue.count, history: queue.arrivals, forecast: forecast, handlingTime: handling))
        }
        return ForecastReport(source: source, utcOffset: utcOffset, queues: report)
    }
}
