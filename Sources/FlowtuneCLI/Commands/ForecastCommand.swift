import ArgumentParser
import FlowtunePlanning
import Foundation

/// `flowtune forecast HISTORY`: forecasts each queue's arrivals (and handling time) per interval
/// for the coming days, choosing the method by a rolling-origin backtest.
struct ForecastCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forecast", abstract: "Forecast each queue's arrivals and handling time per interval.",
        discussion: """
            Reads a CSV of arrivals (timestamp,queue[,handling_seconds], one row per arrival, \
            timestamps in ISO 8601) or a Flowtune event store (each workflow's TaskCreated events), \
            counts arrivals per queue and interval, backtests the seasonal-naive baselines and \
            Holt–Winters over the history's last days (WAPE, MASE) and forecasts with the winner, \
            with 80% and 95% prediction intervals. Handling time is forecast per slot of the day \
            when the CSV has it. `flowtune staff --forecast` reads the CSV this writes.
            """)

    @Argument(help: "The history: a CSV of arrivals or a Flowtune event store (SQLite).") var history: String
    @OptionGroup var input: PlanningInput
    @OptionGroup var horizon: ForecastOptions
    @Flag(help: "Print the forecast as JSON (every queue, backtest and interval).") var json = false
    @Option(help: "Also write the forecast per queue and interval as CSV to this file.") var csv: String?
    @Option(help: "Also write an HTML report (forecast against actual, backtest table) to this file.") var html: String?

    func run() async throws {
        try await reportingPlanningProblems {
            let loaded = try await input.load(history)
            let report = try horizon.forecast(loaded)
            if json {
                print(try reportJSON(report), terminator: "")
            } else {
                print(Self.summary(loaded) + "\n")
                print(report.table(), terminator: "")
            }
            if let csv { try writeReport(report.csv(), to: csv) }
            if let html { try writeReport(report.html(title: loaded.source), to: html) }
        }
    }

    /// `arrivals.csv: 41461 arrivals in 1 queue over 56 days from 2026-01-05 Mon, 15-minute intervals (+01:00)`.
    static func summary(_ history: PlanningHistory) -> String {
        let total = history.queues.reduce(0) { $0 + $1.count }
        guard let first = history.queues.first?.arrivals else { return history.source }
        let days = first.count / max(1, first.intervalsPerDay)
        return "\(history.source): \(total) arrivals in \(history.queues.count) queue\(history.queues.count == 1 ? "" : "s") "
            + "over \(days) days from \(PlanningFormatting.day(first.start)), \(PlanningFormatting.duration(first.interval)) intervals "
            + "(\(history.utcOffset.map(PlanningFormatting.offset) ?? "wall clock as written"))"
    }
}
