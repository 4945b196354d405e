import Foundation

/// The arrivals a staffing plan is made for: per queue calls per interval and, when known, the
/// handling time of each — a forecast, or a forecast file read back.
public struct PlannedArrivals: Sendable, Hashable {
    /// One queue's calls.
    public struct Queue: Sendable, Hashable {
        /// The queue's name.
        public var name: String
        /// Calls per interval.
        public var calls: IntervalSeries
        /// Mean handling seconds per interval, when known.
        public var handlingTime: IntervalSeries?

        /// A queue's calls.
        public init(name: String, calls: IntervalSeries, handlingTime: IntervalSeries?) {
            self.name = name
            self.calls = calls
            self.handlingTime = handlingTime
        }
    }

    /// Where the arrivals came from, such as a file name.
    public var source: String
    /// The offset from UTC of the wall clock, when known.
    public var utcOffset: Int?
    /// The queues.
    public var queues: [Queue]

    /// The forecast of `report`: its point forecasts and handling times.
    public init(_ report: ForecastReport) {
        source = report.source
        utcOffset = report.utcOffset
        queues = report.queues.map { Queue(name: $0.name, calls: $0.forecast.series, handlingTime: $0.handlingTime?.series) }
    }

    /// Reads a forecast CSV as ``ForecastReport/csv()`` writes it: `queue,start,forecast` and
    /// optionally `handling_seconds`, consecutive intervals per queue. `file` names the text in
    /// errors; with `only`, that queue alone.
    public init(forecastCSV text: String, file: String, queue only: String?) throws {
        let table = try CSVTable(text: text, file: file)
        guard let queueIndex = table.column("queue"), let startIndex = table.column("start"),
              let valueIndex = table.column("forecast") else {
            throw PlanningInputError(file: file, line: 1, column: 1,
                                     message: "a forecast file has the columns queue, start, forecast (and handling_seconds); this one has \(table.header.joined(separator: ", "))")
        }
        let handlingIndex = table.column("handling_seconds")
        var names: [String] = []
        var rows: [String: [(start: Double, calls: Double, handling: Double?, line: Int)]] = [:]
        var offsets = Set<Int>()
        for row in table.rows {
            guard row.fields.count > max(queueIndex, startIndex, valueIndex) else {
                throw PlanningInputError(file: file, line: row.line, column: 1, message: "the row has \(row.fields.count) fields")
            }
            let stamp = row.fields[startIndex].trimmingCharacters(in: .whitespaces)
            guard let start = ArrivalCSV.wallClock(stamp), let utc = ArrivalCSV.utc(stamp) else {
                throw PlanningInputError(file: file, line: row.line, column: row.columns[startIndex], field: "start",
                                         message: "start: \"\(stamp)\" is not an ISO 8601 timestamp")
            }
            offsets.insert(Int((start - utc).rounded()))
            guard let calls = Double(row.fields[valueIndex].trimmingCharacters(in: .whitespaces)), calls >= 0, calls.isFinite else {
                throw PlanningInputError(file: file, line: row.line, column: row.columns[valueIndex], field: "forecast",
                                         message: "forecast: \"\(row.fields[valueIndex])\" is not a number of calls ≥ 0")
            }
            var handling: Double?
            if let handlingIndex, handlingIndex < row.fields.count, !row.fields[handlingIndex].isEmpty {
                guard let seconds = Double(row.fields[handlingIndex]), seconds > 0 else {
                    throw PlanningInputError(file: file, line: row.line, column: row.columns[handlingIndex], field: "handling_seconds",
                                             message: "handling_seconds: \"\(row.fields[handlingIndex])\" is not a positive number of seconds")
                }
                handling = seconds
            }
            let name = row.fields[queueIndex]
            if let only, name != only { continue }
            if rows[name] == nil { names.append(name) }
            rows[name, default: []].append((start, calls, handling, row.line))
        }
        guard !names.isEmpty else {
            throw PlanningInputError(file: file, field: only == nil ? nil : "queue",
                                     message: only.map { "no rows for queue \($0)" } ?? "no forecast rows")
        }
        var queues: [Queue] = []
        for name in names {
            let items = rows[name]!
            let step = items.count > 1 ? items[1].start - items[0].start : 900
            guard step > 0 else {
                throw PlanningInputError(file: file, line: items[1].line, column: 1, field: "start", message: "start: not after the row before")
            }
            for (k, item) in items.enumerated() where item.start != items[0].start + Double(k) * step {
                throw PlanningInputError(file: file, line: item.line, column: 1, field: "start",
                                         message: "start: queue \(name)'s intervals are not consecutive \(PlanningText.intervalName(step)) steps")
            }
            let handling = items.allSatisfy { $0.handling != nil }
                ? IntervalSeries(start: items[0].start, interval: step, values: items.map { $0.handling! }) : nil
            queues.append(Queue(name: name, calls: IntervalSeries(start: items[0].start, interval: step, values: items.map(\.calls)),
                                handlingTime: handling))
        }
        source = file
        utcOffset = offsets.count == 1 ? offsets.first : nil
        self.queues = queues
    }

    /// Staffs every queue: per interval the fewest agents for which `target` holds under
    /// `patience`, then the staff to schedule under `shrinkage`.
    ///
    /// - Parameters:
    ///   - handlingTime: a mean handling time in seconds for every interval, overriding the
    ///     forecast one; needed when the arrivals have none.
    ///   - closedBelow: intervals forecast below this many calls are taken as closed (a
    ///     smoothed forecast is rarely exactly 0 at night).
    ///   - handlingHint: how the caller gives a handling time, for the error when none is known,
    ///     such as `--handling-time, such as 5m`.
    public func staff(target: StaffingTarget, patience: CallerPatience = .unlimited, shrinkage: Double = 0,
                      handlingTime: Double? = nil, minimumAgents: Int = 0, closedBelow: Double = 0.1,
                      handlingHint: String = "a mean handling time") throws -> StaffingReport {
        var report: [StaffingReport.Queue] = []
        for queue in queues {
            let handling: IntervalSeries
            if let handlingTime {
                handling = IntervalSeries(start: queue.calls.start, interval: queue.calls.interval,
                                          values: Array(repeating: handlingTime, count: queue.calls.count))
            } else if let forecast = queue.handlingTime {
                handling = forecast
            } else {
                throw PlanningInputError(file: source, field: "handling_time",
                                         message: "queue \(queue.name): \(source) gives no handling times; give \(handlingHint)")
            }
            var calls = queue.calls
            calls.values = calls.values.map { $0 < closedBelow ? 0 : $0 }
            do {
                let plan = try StaffingPlan(arrivals: calls, handlingTime: handling, target: target, patience: patience,
                                            shrinkage: shrinkage, minimumAgents: minimumAgents)
                report.append(StaffingReport.Queue(name: queue.name, plan: plan))
            } catch let error as StaffingError {
                throw StaffingError(interval: nil, reason: "queue \(queue.name): \(error)")
            }
        }
        return StaffingReport(source: source, utcOffset: utcOffset, queues: report)
    }
}

extension StaffingReport.Queue {
    /// The cheapest shift schedule covering this queue's staff to schedule, solved within
    /// `timeLimit` seconds. `templates` gives the templates for the plan's interval length (in
    /// seconds), its number of days and its first day's weekday (Monday = 0).
    public func schedule(source: String, utcOffset: Int?, timeLimit: Double,
                         templates: (_ interval: Double, _ days: Int, _ firstWeekday: Int) throws -> [ShiftTemplate]) throws
        -> ScheduleReport
    {
        let perDay = Int((86_400 / plan.intervalLength).rounded())
        guard let first = plan.intervals.first?.start, plan.intervals.count % perDay == 0 else {
            throw PlanningInputError(file: source, field: "history",
                                     message: "a schedule covers whole days; the plan has \(plan.intervals.count) intervals of \(perDay) a day")
        }
        let firstDay = Int((first / 86_400).rounded(.down))
        let list = try templates(plan.intervalLength, plan.intervals.count / perDay, ((firstDay + 3) % 7 + 7) % 7)
        let problem = try ShiftSchedulingProblem(required: plan.scheduledStaff, intervalsPerDay: perDay, templates: list)
        let schedule = try ShiftScheduler(timeLimit: timeLimit).solve(problem)
        return ScheduleReport(queue: name, source: source, utcOffset: utcOffset, start: first,
                              interval: plan.intervalLength, problem: problem, schedule: schedule, timeLimit: timeLimit)
    }
}
