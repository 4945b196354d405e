import ArgumentParser
import FlowtuneMining
import Foundation

/// `flowtune review LOG`: the week's report per workflow — cycle time, owner response time,
/// exceptions, rework, stale items and work finished without rescue — with each measure's trend
/// over the weeks before and the week tested against them.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review", abstract: "The weekly review: each workflow's week against the weeks before it.",
        discussion: """
            Weeks are ISO weeks (Monday to Sunday) in --zone; a case belongs to the week it started \
            in (--by-end: the week of its latest activity). Workflows are the values of a case \
            attribute (--group-by), or all cases as one.
            """)

    @OptionGroup var input: MiningInput

    @Option(help: "The week to review, such as 2011-W48; the latest week with a case when left out.") var week: String?
    @Option(name: .customLong("group-by"), help: "The case attribute that names the workflow, such as workflow or case:department.") var groupBy: String?
    @Option(help: "How many weeks the trend shows, the reviewed week the last.") var weeks = 8
    @Option(help: "How many weeks before the reviewed one it is tested against.") var baseline = 4
    @Flag(name: .customLong("by-end"), help: "Place cases in the week of their latest activity rather than their start.") var byEnd = false
    @Option(help: "The significance level of verdicts and trends.") var alpha = 0.05
    @Flag(help: "Print the review as JSON.") var json = false
    @Option(help: "Also write the review as CSV to this file.") var csv: String?
    @Option(help: "Also write an HTML report to this file.") var html: String?

    func run() async throws {
        guard weeks >= 1 else { throw ValidationError("--weeks must be at least 1") }
        guard baseline >= 1 else { throw ValidationError("--baseline must be at least 1") }
        try await reportingMiningProblems {
            var options = WeeklyReview.Options(
                groupBy: groupBy, zone: try input.zoneRule(), basis: byEnd ? .caseEnd : .caseStart, trendWeeks: weeks,
                baselineWeeks: baseline, alpha: alpha)
            if let week {
                do { options.week = try ISOWeek(parsing: week) } catch { throw ValidationError("--week: \(error)") }
            }
            let configuration = try input.configuration()
            let log = try await input.load(keepingColumns: groupBy != nil)
            let review = try WeeklyReview(log: log, rules: configuration.rules, options: options)
            if json {
                print(try reportJSON(review), terminator: "")
            } else {
                print(review.table(), terminator: "")
            }
            if let csv { try writeReport(review.csv(), to: csv) }
            if let html { try writeReport(review.html(title: URL(fileURLWithPath: input.log).lastPathComponent), to: html) }
        }
    }
}
