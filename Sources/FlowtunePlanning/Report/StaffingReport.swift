import Foundation

/// A staffing plan of one or more queues as a planner reads it: per interval the calls
/// forecast, their handling time, the agents the promise needs and the staff to schedule once
/// shrinkage is allowed for, with the service level, speed of answer and occupancy those
/// agents achieve. Written as a terminal table, CSV, JSON (Codable) or HTML with a chart.
public struct StaffingReport: Sendable, Hashable, Codable {
    /// One queue's plan.
    public struct Queue: Sendable, Hashable, Codable {
        /// The queue's name.
        public var name: String
        /// The plan.
        public var plan: StaffingPlan

        /// `name`'s `plan`.
        public init(name: String, plan: StaffingPlan) {
            self.name = name
            self.plan = plan
        }
    }

    /// Where the arrivals came from, such as a file name.
    public var source: String
    /// The offset from UTC of the plan's wall clock, in seconds, when known.
    public var utcOffset: Int?
    /// The queues, in the order given.
    public var queues: [Queue]

    /// A report of `queues`.
    public init(source: String, utcOffset: Int?, queues: [Queue]) {
        self.source = source
        self.utcOffset = utcOffset
        self.queues = queues
    }

    /// The promise in words: `80% in 20s, occupancy ≤ 85%, Erlang C, shrinkage 30%`.
    static func describe(_ plan: StaffingPlan) -> String {
        var parts: [String] = []
        if let level = plan.target.serviceLevel {
            parts.append("\(PlanningFormat.csvNumber(level * 100))% in \(PlanningFormat.duration(plan.target.answerTime))")
        }
        if let asa = plan.target.maxAverageSpeedOfAnswer { parts.append("ASA ≤ \(PlanningFormat.duration(asa))") }
        if let abandonment = plan.target.maxAbandonment { parts.append("abandonment ≤ \(PlanningFormat.percent(abandonment))") }
        if let occupancy = plan.target.maxOccupancy { parts.append("occupancy ≤ \(PlanningFormat.percent(occupancy))") }
        switch plan.patience {
        case .unlimited: parts.append("Erlang C")
        case .exponential(let patience): parts.append("Erlang A, mean patience \(PlanningFormat.duration(patience))")
        }
        parts.append("shrinkage \(PlanningFormat.percent(plan.shrinkage))")
        return parts.joined(separator: ", ")
    }

    private static func hasAbandonment(_ plan: StaffingPlan) -> Bool {
        if case .exponential = plan.patience { return true }
        return false
    }

    /// Per queue the promise, then one row per interval with calls (intervals without calls or
    /// staff are left out), and the day's totals.
    public func table() -> String {
        var text = ""
        for queue in queues {
            let plan = queue.plan
            let abandonment = Self.hasAbandonment(plan)
            text += "\(queue.name): \(Self.describe(plan))\n\n"
            var rows = [["interval", "calls", "handling", "erlangs", "agents", "scheduled", "service level", "ASA", "occupancy"]
                + (abandonment ? ["abandoned"] : [])]
            let days = Set(plan.intervals.map { PlanningFormat.split($0.start).days }).count
            var skipped = 0
            for interval in plan.intervals {
                guard interval.calls > 0 || interval.agents > 0 else {
                    skipped += 1
                    continue
                }
                let label = (days > 1 ? PlanningFormat.day(interval.start) + " " : "") + PlanningFormat.clock(interval.start)
                rows.append([
                    label, PlanningFormat.fixed(interval.calls, 1), PlanningFormat.duration(interval.meanHandlingTime),
                    PlanningFormat.fixed(interval.offeredLoad, 2), "\(interval.agents)", "\(interval.scheduled)",
                    PlanningFormat.percent(interval.serviceLevel), PlanningFormat.duration(interval.averageSpeedOfAnswer),
                    PlanningFormat.percent(interval.occupancy),
                ] + (abandonment ? [PlanningFormat.percent(interval.abandonment)] : []))
            }
            text += PlanningFormat.table(rows, left: [0])
            let calls = plan.intervals.reduce(0) { $0 + $1.calls }
            let peak = plan.intervals.max { $0.agents < $1.agents }
            text += "\(PlanningFormat.fixed(calls, 0)) calls, \(PlanningFormat.fixed(plan.agentHours, 1)) agent-hours on the queue, "
                + "\(PlanningFormat.fixed(Double(plan.scheduledStaff.reduce(0, +)) * plan.intervalLength / 3600, 1)) staff-hours to schedule; "
                + "service level over the plan \(PlanningFormat.percent(plan.overallServiceLevel))"
            if let peak, peak.agents > 0 {
                text += "; peak \(peak.agents) agents at \(PlanningFormat.clock(peak.start))"
            }
            if skipped > 0 { text += "; \(skipped) intervals without calls not shown" }
            text += "\n\n"
        }
        return text
    }

    /// One row per queue and interval: `queue,start,calls,handling_seconds,erlangs,agents,
    /// scheduled,service_level,asa_seconds,occupancy,abandonment`.
    public func csv() -> String {
        var text = "queue,start,calls,handling_seconds,erlangs,agents,scheduled,service_level,asa_seconds,occupancy,abandonment\n"
        for queue in queues {
            for interval in queue.plan.intervals {
                text += [
                    PlanningFormat.csvField(queue.name), PlanningFormat.iso(interval.start, utcOffset: utcOffset),
                    PlanningFormat.csvNumber(interval.calls), PlanningFormat.csvNumber(interval.meanHandlingTime),
                    PlanningFormat.csvNumber(interval.offeredLoad), "\(interval.agents)", "\(interval.scheduled)",
                    PlanningFormat.csvNumber(interval.serviceLevel), PlanningFormat.csvNumber(interval.averageSpeedOfAnswer),
                    PlanningFormat.csvNumber(interval.occupancy), PlanningFormat.csvNumber(interval.abandonment),
                ].joined(separator: ",") + "\n"
            }
        }
        return text
    }

    /// The chart of one queue's agents needed and staff to schedule per interval.
    func chart(_ queue: Queue) -> PlanningChart {
        let plan = queue.plan
        var chart = PlanningChart(
            start: plan.intervals.first?.start ?? 0, interval: plan.intervalLength, count: plan.intervals.count,
            title: "\(queue.name): agents needed and staff to schedule", yLabel: "agents")
        chart.lines = [
            PlanningChart.Line(name: "agents on the queue", color: "#1f77b4", values: plan.requiredAgents.map { Double($0) }, step: true),
            PlanningChart.Line(name: "staff to schedule (with shrinkage)", color: "#d62728",
                               values: plan.scheduledStaff.map { Double($0) }, step: true),
        ]
        return chart
    }

    /// A self-contained page: per queue the promise, the chart and the plan per interval.
    public func html(title: String) -> String {
        var body = "<h1>Staffing: \(PlanningFormat.escape(title))</h1>\n"
        body += "<p class=\"note\">From \(PlanningFormat.escape(source)); times are wall-clock (\(PlanningFormat.offsetName(utcOffset))).</p>\n"
        for queue in queues {
            let plan = queue.plan
            body += "<h2>\(PlanningFormat.escape(queue.name))</h2>\n<p>\(PlanningFormat.escape(Self.describe(plan))); "
                + "\(PlanningFormat.fixed(plan.agentHours, 1)) agent-hours, service level over the plan "
                + "\(PlanningFormat.percent(plan.overallServiceLevel)).</p>\n"
            body += chart(queue).svg()
            var rows = [["interval", "calls", "handling", "erlangs", "agents", "scheduled", "service level", "ASA", "occupancy", "abandoned"]]
            for interval in plan.intervals {
                rows.append([
                    PlanningFormat.day(interval.start) + " " + PlanningFormat.clock(interval.start), PlanningFormat.fixed(interval.calls, 1),
                    PlanningFormat.duration(interval.meanHandlingTime), PlanningFormat.fixed(interval.offeredLoad, 2),
                    "\(interval.agents)", "\(interval.scheduled)", PlanningFormat.percent(interval.serviceLevel),
                    PlanningFormat.duration(interval.averageSpeedOfAnswer), PlanningFormat.percent(interval.occupancy),
                    PlanningFormat.percent(interval.abandonment),
                ])
            }
            body += "<details><summary>Plan per interval</summary>\n" + PlanningFormat.htmlTable(rows) + "</details>\n"
        }
        return PlanningFormat.page(title: "Staffing: \(title)", body: body)
    }
}
