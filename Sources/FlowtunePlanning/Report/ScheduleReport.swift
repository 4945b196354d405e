import Foundation

/// A shift schedule as a planner reads it: how many start on each template and what they
/// cost, how far the cost is proven from optimal, and per interval the staff required against
/// the staff scheduled. Written as a terminal table, CSV, JSON (Codable) or HTML with a chart
/// of required against scheduled coverage.
public struct ScheduleReport: Sendable, Hashable, Codable {
    /// The queue scheduled.
    public var queue: String
    /// Where the requirement came from, such as a file name.
    public var source: String
    /// The offset from UTC of the schedule's wall clock, in seconds, when known.
    public var utcOffset: Int?
    /// The first interval's start (wall clock, seconds since 1970).
    public var start: Double
    /// The interval length in seconds.
    public var interval: Double
    /// The templates offered, in order.
    public var templates: [ShiftTemplate]
    /// Staff required per interval.
    public var required: [Int]
    /// The schedule found.
    public var schedule: ShiftSchedule
    /// The solver's time limit, in seconds.
    public var timeLimit: Double

    /// A report of `schedule`, the solution of `problem`.
    public init(queue: String, source: String, utcOffset: Int?, start: Double, interval: Double,
                problem: ShiftSchedulingProblem, schedule: ShiftSchedule, timeLimit: Double) {
        self.queue = queue
        self.source = source
        self.utcOffset = utcOffset
        self.start = start
        self.interval = interval
        templates = problem.templates
        required = problem.required
        self.schedule = schedule
        self.timeLimit = timeLimit
    }

    /// Interval `index`'s start.
    func time(_ index: Int) -> Double { start + Double(index) * interval }

    /// `07:00–15:30, break 11:00 (30m)` for a template.
    func describe(_ template: ShiftTemplate) -> String {
        let from = Double(template.start) * interval
        var text = PlanningFormat.clock(from) + "–" + PlanningFormat.clock(from + Double(template.length) * interval)
        if !template.breaks.isEmpty {
            text += ", " + template.breaks.map {
                "break " + PlanningFormat.clock(from + Double($0.offset) * interval) + " (" + PlanningFormat.duration(Double($0.length) * interval) + ")"
            }.joined(separator: ", ")
        }
        if let days = template.days, days.count < required.count / max(1, Int((86_400 / interval).rounded())) {
            text += ", days " + days.map { PlanningFormat.weekdays[PlanningFormat.weekday(ofDay: PlanningFormat.split(time($0 * Int((86_400 / interval).rounded()))).days)] }
                .joined(separator: " ")
        }
        return text
    }

    /// The verdict on the solve: optimal, or the gap left at the time limit.
    var verdict: String {
        schedule.isOptimal
            ? "proven optimal (gap 0%)"
            : "stopped at the \(PlanningFormat.duration(timeLimit)) limit: gap \(PlanningFormat.percent(schedule.gap)) to the bound \(PlanningFormat.csvNumber(schedule.lowerBound))"
    }

    /// The templates with their starts, the cost and gap, and coverage per interval (intervals
    /// with nothing required or scheduled are left out).
    public func table() -> String {
        var text = "\(queue): \(schedule.headcount) shifts, cost \(PlanningFormat.csvNumber(schedule.cost)), \(verdict); "
            + "linear relaxation \(PlanningFormat.fixed(schedule.linearRelaxation, 2)), "
            + "\(schedule.nodes) branch-and-bound nodes, \(PlanningFormat.fixed(schedule.seconds * 1000, 0)) ms\n\n"
        var rows = [["template", "hours", "cost", "start", "cost total"]]
        for (template, workers) in zip(templates, schedule.workers) {
            rows.append([template.name + "  " + describe(template),
                         PlanningFormat.fixed(Double(template.length) * interval / 3600, 2),
                         PlanningFormat.csvNumber(template.cost), "\(workers)", PlanningFormat.csvNumber(template.cost * Double(workers))])
        }
        rows.append(["total", "", "", "\(schedule.headcount)", PlanningFormat.csvNumber(schedule.cost)])
        text += PlanningFormat.table(rows, left: [0]) + "\n"
        rows = [["interval", "required", "scheduled", "surplus"]]
        let days = required.count / max(1, Int((86_400 / interval).rounded()))
        var skipped = 0
        for index in required.indices {
            guard required[index] > 0 || schedule.staffing[index] > 0 else {
                skipped += 1
                continue
            }
            rows.append([(days > 1 ? PlanningFormat.day(time(index)) + " " : "") + PlanningFormat.clock(time(index)),
                         "\(required[index])", "\(schedule.staffing[index])", "\(schedule.surplus[index])"])
        }
        text += PlanningFormat.table(rows, left: [0])
        let requiredHours = Double(required.reduce(0, +)) * interval / 3600
        let scheduledHours = Double(schedule.staffing.reduce(0, +)) * interval / 3600
        text += "\(PlanningFormat.fixed(requiredHours, 1)) staff-hours required, \(PlanningFormat.fixed(scheduledHours, 1)) scheduled on the queue"
        if scheduledHours > 0 { text += " (\(PlanningFormat.percent(requiredHours / scheduledHours)) used)" }
        if skipped > 0 { text += "; \(skipped) intervals with nothing required or scheduled not shown" }
        return text + "\n"
    }

    /// One row per interval: `start,required,scheduled,surplus`, then one column per template
    /// with how many of its workers are on the queue in the interval.
    public func csv() -> String {
        var text = (["start", "required", "scheduled", "surplus"] + templates.map { PlanningFormat.csvField($0.name) })
            .joined(separator: ",") + "\n"
        let perDay = max(1, Int((86_400 / interval).rounded()))
        let horizon = required.count
        var onQueue = [[Int]](repeating: [Int](repeating: 0, count: templates.count), count: horizon)
        for (j, template) in templates.enumerated() where schedule.workers[j] > 0 {
            for day in template.days ?? Array(0..<(horizon / perDay)) {
                for offset in 0..<template.length where template.isWorking(atOffset: offset) {
                    onQueue[(day * perDay + template.start + offset) % horizon][j] += schedule.workers[j]
                }
            }
        }
        for index in 0..<horizon {
            text += ([PlanningFormat.iso(time(index), utcOffset: utcOffset), "\(required[index])", "\(schedule.staffing[index])",
                      "\(schedule.surplus[index])"] + onQueue[index].map { "\($0)" }).joined(separator: ",") + "\n"
        }
        return text
    }

    /// The chart of staff required against staff scheduled per interval.
    func chart() -> PlanningChart {
        var chart = PlanningChart(start: start, interval: interval, count: required.count,
                                  title: "\(queue): staff required and scheduled", yLabel: "staff")
        chart.lines = [
            PlanningChart.Line(name: "required", color: "#d62728", values: required.map { Double($0) }, step: true),
            PlanningChart.Line(name: "scheduled", color: "#2ca02c", values: schedule.staffing.map { Double($0) }, step: true),
        ]
        return chart
    }

    /// A self-contained page: the chart of required against scheduled coverage, the templates
    /// with their starts, and coverage per interval.
    public func html(title: String) -> String {
        var body = "<h1>Schedule: \(PlanningFormat.escape(title))</h1>\n"
        body += "<p class=\"note\">From \(PlanningFormat.escape(source)); times are wall-clock (\(PlanningFormat.offsetName(utcOffset))).</p>\n"
        body += "<p>\(PlanningFormat.escape(queue)): <b>\(schedule.headcount) shifts</b>, cost \(PlanningFormat.csvNumber(schedule.cost)), "
            + "\(PlanningFormat.escape(verdict)).</p>\n"
        body += chart().svg()
        var rows = [["template", "shift", "cost", "start"]]
        for (template, workers) in zip(templates, schedule.workers) {
            rows.append([template.name, describe(template), PlanningFormat.csvNumber(template.cost), "\(workers)"])
        }
        body += "<h2>Starts per template</h2>\n" + PlanningFormat.htmlTable(rows)
        rows = [["interval", "required", "scheduled", "surplus"]]
        for index in required.indices {
            rows.append([PlanningFormat.day(time(index)) + " " + PlanningFormat.clock(time(index)), "\(required[index])",
                         "\(schedule.staffing[index])", "\(schedule.surplus[index])"])
        }
        body += "<details><summary>Coverage per interval</summary>\n" + PlanningFormat.htmlTable(rows) + "</details>\n"
        return PlanningFormat.page(title: "Schedule: \(title)", body: body)
    }
}
