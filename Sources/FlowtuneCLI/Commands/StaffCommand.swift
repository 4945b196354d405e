import ArgumentParser
import FlowtunePlanning
import Foundation

/// `flowtune staff HISTORY|--forecast FILE --target "80% in 20s"`: the agents each interval
/// needs to keep the promise, by Erlang C (or Erlang A with --patience), and the staff to
/// schedule once shrinkage is allowed for.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "Agents needed per interval to keep a service-level promise.",
        discussion: """
            Forecasts the history as `flowtune forecast` does (or reads a forecast CSV it wrote, \
            with --forecast) and staffs each interval with the fewest agents for which every \
            target holds: the service level, --max-occupancy, and with --patience (Erlang A) \
            --max-abandonment. `scheduled` is agents / (1 − shrinkage), rounded up: what shift \
            scheduling has to cover.
            """)

    @Argument(help: "The history: a CSV of arrivals or a Flowtune event store. Leave out with --forecast.") var history: String?
    @Option(help: "A forecast CSV written by `flowtune forecast --csv`, instead of a history.") var forecast: String?
    @OptionGroup var input: PlanningInput
    @OptionGroup var horizon: ForecastOptions
    @OptionGroup var staffing: StaffingOptions
    @Flag(help: "Print the plan as JSON.") var json = false
    @Option(help: "Also write the plan per queue and interval as CSV to this file.") var csv: String?
    @Option(help: "Also write an HTML report (agents needed and staff to schedule per interval) to this file.") var html: String?

    func run() async throws {
        try await reportingPlanningProblems {
            let arrivals = try await Self.arrivals(history: history, forecast: forecast, input: input, horizon: horizon)
            let report = try staffing.staff(arrivals)
            if json {
                print(try reportJSON(report), terminator: "")
            } else {
                print(report.table(), terminator: "")
            }
            if let csv { try writeReport(report.csv(), to: csv) }
            if let html { try writeReport(report.html(title: arrivals.source), to: html) }
        }
    }

    /// The arrivals to staff: a forecast of the history, or the forecast file given.
    static func arrivals(history: String?, forecast: String?, input: PlanningInput, horizon: ForecastOptions) async throws
        -> PlannedArrivals
    {
        switch (history, forecast) {
        case (let history?, nil):
            return PlannedArrivals(try horizon.forecast(try await input.load(history)))
        case (nil, let forecast?):
            return try PlannedArrivals(forecastCSV: forecast, queue: input.queue)
        case (.some, .some):
            throw ValidationError("Give a history or --forecast, not both")
        case (nil, nil):
            throw ValidationError("Give a history (a CSV of arrivals or an event store) or --forecast FILE")
        }
    }
}
