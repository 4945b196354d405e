import ArgumentParser
import FlowtunePlanning
import Foundation

/// `flowtune schedule HISTORY|--forecast FILE --templates templates.yaml`: how many workers
/// start on each shift template to cover the staff a queue needs per interval at least cost.
struct ScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "Shift starts per template covering the staff needed, at least cost.",
        discussion: """
            Staffs the forecast as `flowtune staff` does, then solves the covering integer program \
            with CBC: every interval gets at least its staff to schedule (breaks do not cover), at \
            the least total template cost. Prints the starts per template, the cost, the proven \
            bound and gap, and coverage against requirement per interval. The horizon is the \
            forecast's days and wraps around: a shift past midnight on the last day covers the \
            first day's early intervals.
            """)

    @Argument(help: "The history: a CSV of arrivals or a Flowtune event store. Leave out with --forecast.") var history: String?
    @Option(help: "A forecast CSV written by `flowtune forecast --csv`, instead of a history.") var forecast: String?
    @Option(help: "The shift templates (YAML): name, start, length, breaks, days, cost.") var templates: String
    @Option(name: .customLong("time-limit"), help: "Stop the solver after this long, such as 10s; the gap left is reported.")
    var timeLimit = "10s"
    @OptionGroup var input: PlanningInput
    @OptionGroup var horizon: ForecastOptions
    @OptionGroup var staffing: StaffingOptions
    @Flag(help: "Print the schedule as JSON.") var json = false
    @Option(help: "Also write coverage per interval (required, scheduled, per template) as CSV to this file.") var csv: String?
    @Option(help: "Also write an HTML report (required against scheduled coverage) to this file.") var html: String?

    func run() async throws {
        guard let limit = parseDuration(timeLimit), limit > 0 else {
            throw ValidationError("--time-limit: \(timeLimit) is not a duration such as 10s")
        }
        try await reportingPlanningProblems {
            let arrivals = try await StaffCommand.arrivals(history: history, forecast: forecast, input: input, horizon: horizon)
            let plans = try staffing.staff(arrivals)
            guard plans.queues.count == 1, let queue = plans.queues.first else {
                throw ValidationError("A schedule covers one queue; name one with --queue (\(plans.queues.map(\.name).joined(separator: ", ")))")
            }
            let report = try queue.schedule(source: arrivals.source, utcOffset: arrivals.utcOffset, timeLimit: limit) { interval, days, weekday in
                try ShiftTemplateFile.load(templates, interval: interval, days: days, firstWeekday: weekday)
            }
            let plan = queue.plan
            if json {
                print(try reportJSON(report), terminator: "")
            } else {
                print("\(queue.name): staffing to \(Self.describe(plan))\n")
                print(report.table(), terminator: "")
            }
            if let csv { try writeReport(report.csv(), to: csv) }
            if let html { try writeReport(report.html(title: arrivals.source), to: html) }
        }
    }

    static func describe(_ plan: StaffingPlan) -> String {
        var text = plan.target.serviceLevel.map { "\(Int(($0 * 100).rounded()))% in \(Int(plan.target.answerTime))s" } ?? "the target"
        if let occupancy = plan.target.maxOccupancy { text += ", occupancy ≤ \(Int((occupancy * 100).rounded()))%" }
        text += ", shrinkage \(Int((plan.shrinkage * 100).rounded()))%: "
        text += "\(plan.scheduledStaff.reduce(0, +)) staff-intervals to cover, peak \(plan.scheduledStaff.max() ?? 0)"
        return text
    }
}
