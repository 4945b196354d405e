import ArgumentParser
import FlowtuneMining
import Foundation

/// `flowtune score LOG`: ranks the hand-offs of a history by what they cost; `flowtune score
/// compare LOG --before RANGE --after RANGE` proves whether a pilot improved one.
struct ScoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Rank hand-offs by what they cost, and prove a pilot improved one.",
        discussion: """
            Reads a CSV export, an XES log (gzipped or not) or a Flowtune event store. `score LOG` \
            scores every hand-off (step A → step B, team X → team Y) on eight criteria — customer \
            impact, exception volume, hidden labor, revenue or cash impact, ownership clarity, \
            system clarity, risk level, improvement evidence — measuring what the log can and taking \
            the rest from the ratings in --config. `score compare` tests the cases of two periods.
            """,
        subcommands: [Rank.self, Compare.self], defaultSubcommand: Rank.self)

    struct Rank: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rank", abstract: "Score and rank every hand-off of a history (the default).")

        @OptionGroup var input: MiningInput

        @Option(help: "How many hand-offs the table shows.") var top = 15
        @Flag(help: "Show team hand-offs (team X → team Y) in the table instead of activity hand-offs.") var teams = false
        @Flag(help: "Print the scorecard as JSON (every hand-off, every number behind each score).") var json = false
        @Option(help: "Also write every hand-off as CSV to this file.") var csv: String?
        @Option(help: "Also write an HTML report (ranked list, heat map, the numbers behind each score) to this file.") var html: String?

        func run() async throws {
            guard top >= 1 else { throw ValidationError("--top must be at least 1") }
            try await reportingMiningProblems {
                let configuration = try input.configuration()
                let log = try await input.load()
                let analysis = LogAnalysis(log, rules: configuration.rules)
                let scorecard = Scorecard(analysis: analysis, configuration: configuration)
                if json {
                    print(try reportJSON(scorecard), terminator: "")
                } else {
                    print("\(input.log): \(log.caseCount) cases, \(log.eventCount) events, \(log.activities.count) activities, "
                        + "\(log.resources.count) resources, \(log.groups.count) teams\n")
                    print(scorecard.table(top: top, teams: teams), terminator: "")
                }
                if let csv { try writeReport(scorecard.csv(), to: csv) }
                if let html {
                    let title = URL(fileURLWithPath: input.log).lastPathComponent
                    try writeReport(scorecard.html(title: title, analysis: analysis), to: html)
                }
            }
        }
    }

    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compare", abstract: "Prove a pilot: compare the cases of a before and an after period.",
            discussion: """
                Cases are placed in a period by when they started. Times (cycle time, owner response \
                time) are compared by median with the Mann–Whitney U test; shares of cases (exceptions, \
                rework, stale items, finished without manager rescue) with the two-proportion z test. \
                A range is FROM..TO: days name whole days, both ends included \
                (2011-10-01..2011-12-31 is the last quarter of 2011); instants \
                (2011-10-01T08:00:00+02:00) are taken as written, the upper one excluded; either end \
                may be left open.
                """)

        @OptionGroup var input: MiningInput

        @Option(help: "The period before the change, such as 2011-10-01..2011-11-30.") var before: String
        @Option(help: "The period after the change, such as 2011-12-01..2012-01-31.") var after: String
        @Option(help: "Compare around one hand-off, written \"A -> B\"; without it the whole workflow.") var handoff: String?
        @Flag(help: "The hand-off names teams (team X -> team Y), not activities.") var teams = false
        @Option(help: "Only cases whose attribute has this value, written KEY=VALUE (e.g. case:channel=Internet).") var filter: String?
        @Option(help: "The significance level of the verdicts.") var alpha = 0.05
        @Flag(help: "Print the comparison as JSON.") var json = false
        @Option(help: "Also write the comparison as CSV to this file.") var csv: String?
        @Option(help: "Also write an HTML report to this file.") var html: String?

        func run() async throws {
            try await reportingMiningProblems {
                let zone = try input.zoneRule()
                let beforeRange: TimeRange, afterRange: TimeRange
                do { beforeRange = try TimeRange(parsing: before, zone: zone) } catch { throw ValidationError("--before: \(error)") }
                do { afterRange = try TimeRange(parsing: after, zone: zone) } catch { throw ValidationError("--after: \(error)") }
                let scope = try scope()
                let configuration = try input.configuration()
                let log = try await input.load(keepingColumns: filter != nil)
                let comparison = try PilotComparison(
                    log: log, rules: configuration.rules, before: beforeRange, after: afterRange, scope: scope, alpha: alpha)
                if json {
                    print(try reportJSON(comparison), terminator: "")
                } else {
                    print(comparison.table(), terminator: "")
                }
                if let csv { try writeReport(comparison.csv(), to: csv) }
                if let html { try writeReport(comparison.html(title: URL(fileURLWithPath: input.log).lastPathComponent), to: html) }
            }
        }

        private func scope() throws -> PilotScope {
            var scope = PilotScope.workflow
            if let handoff {
                scope.handOff = try PilotScope.HandOff(parsing: handoff, level: teams ? .group : .activity)
            }
            if let filter {
                guard let equals = filter.firstIndex(of: "="), equals != filter.startIndex else {
                    throw ValidationError("--filter: write it as KEY=VALUE, such as case:channel=Internet")
                }
                scope.filter = PilotScope.CaseFilter(
                    key: String(filter[..<equals]), value: String(filter[filter.index(after: equals)...]))
            }
            return scope
        }
    }
}
