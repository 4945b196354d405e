/// The week's report: per workflow, the same measures as a pilot comparison, for the chosen ISO
/// week and the weeks before it — each measure's weekly values with the direction they move, and
/// the chosen week tested against the weeks just before it.
///
/// ```swift
/// var options = WeeklyReview.Options()
/// options.week = try ISOWeek(parsing: "2027-W01")
/// options.groupBy = "workflow"
/// options.zone = try TimeZoneRule(named: "Europe/Amsterdam")
/// let review = try WeeklyReview(log: log, rules: rules, options: options)
/// for report in review.workflows {
///     for row in report.comparison where row.verdict != .noSignificantChange {
///         print(report.workflow ?? "-", row.measure, row.verdict)
///     }
/// }
/// ```
///
/// A case belongs to the week it started in (``WeekBasis/caseStart``, the default), as in the
/// pilot comparison, so a week's figures are those of the work that came in that week; with
/// ``WeekBasis/caseEnd`` it belongs to the week of its latest activity, which for finished work
/// is the week it was finished.
public struct WeeklyReview: Sendable, Hashable, Codable {
    /// Which time of a case places it in a week.
    public enum WeekBasis: String, Sendable, Hashable, Codable {
        /// When the case began.
        case caseStart = "case_start"
        /// When its latest instance ended: the week it finished, or for open work the week of its
        /// latest activity.
        case caseEnd = "case_end"
    }

    /// Which way a measure is moving over the trend weeks.
    public enum Direction: String, Sendable, Hashable, Codable, CustomStringConvertible {
        /// Moving toward better, with p < α in the Mann–Kendall test.
        case improving
        /// Moving toward worse, with p < α.
        case worsening
        /// No monotone trend at level α.
        case steady
        /// Fewer than three weeks with a value.
        case insufficientData = "insufficient data"

        public var description: String { rawValue }
    }

    /// What to review and how.
    public struct Options: Sendable, Hashable {
        /// The week reviewed; nil: the latest week that has a case.
        public var week: ISOWeek?
        /// The case attribute whose values are the workflows (as for ``PilotScope/CaseFilter``);
        /// nil: every case as one workflow.
        public var groupBy: String?
        /// Which cases count and around what they are measured.
        public var scope: PilotScope
        /// The zone whose Mondays begin the weeks.
        public var zone: TimeZoneRule
        /// Which time of a case places it in a week.
        public var basis: WeekBasis
        /// How many weeks the trend shows, the reviewed week the last of them.
        public var trendWeeks: Int
        /// How many weeks before the reviewed one it is tested against.
        public var baselineWeeks: Int
        /// The significance level of verdicts and directions.
        public var alpha: Double

        /// Options: the latest week, all cases as one, UTC weeks by case start, an 8-week trend, the
        /// week tested against the 4 before it at α = 0.05.
        public init(
            week: ISOWeek? = nil, groupBy: String? = nil, scope: PilotScope = .workflow, zone: TimeZoneRule = .utc,
            basis: WeekBasis = .caseStart, trendWeeks: Int = 8, baselineWeeks: Int = 4, alpha: Double = 0.05
        ) {
            self.week = week
            self.groupBy = groupBy
            self.scope = scope
            self.zone = zone
            self.basis = basis
            self.trendWeeks = trendWeeks
            self.baselineWeeks = baselineWeeks
            self.alpha = alpha
        }
    }

    /// One week's figures.
    public struct Week: Sendable, Hashable, Codable {
        /// The week.
        public var week: ISOWeek
        /// When it begins (Monday 00:00 in the review's zone), seconds since 1970 UTC.
        public var from: Double
        /// When the next week begins.
        public var until: Double
        /// Cases placed in the week.
        public var cases: Int
        /// Those whose measured work is not finished.
        public var open: Int
        /// Each measure's value in the week.
        public var values: [OutcomeMeasure: PeriodValue]
    }

    /// One measure over the trend weeks.
    public struct Trend: Sendable, Hashable, Codable {
        /// The measure.
        public var measure: OutcomeMeasure
        /// Its value in each trend week, oldest first; nil for a week without a case to measure.
        public var values: [Double?]
        /// The Mann–Kendall test and Theil–Sen slope (per week) over the weeks with a value.
        public var test: MannKendallTrend?
        /// Which way it is moving.
        public var direction: Direction
    }

    /// One workflow's report.
    public struct WorkflowReport: Sendable, Hashable, Codable {
        /// The workflow: the value of the grouping attribute; nil for the cases without one, or
        /// for the single report when the review is not grouped.
        public var workflow: String?
        /// The trend weeks, oldest first; the reviewed week is the last.
        public var weeks: [Week]
        /// Each measure's direction over the trend weeks.
        public var trends: [Trend]
        /// Cases in the baseline weeks.
        public var baselineCases: Int
        /// The reviewed week (after) against the baseline weeks pooled (before), per measure.
        public var comparison: [MeasureComparison]

        /// The reviewed week.
        public var current: Week? { weeks.last }
    }

    /// The week reviewed.
    public var week: ISOWeek
    /// The attribute the workflows are told apart by, or nil.
    public var groupedBy: String?
    /// Which cases count and around what they are measured.
    public var scope: PilotScope
    /// Which time of a case places it in a week.
    public var basis: WeekBasis
    /// How many weeks the trends cover.
    public var trendWeeks: Int
    /// The weeks before the reviewed one that it is compared with, oldest first.
    public var baseline: [ISOWeek]
    /// The significance level.
    public var alpha: Double
    /// The moment open work was measured to, seconds since 1970 UTC.
    public var asOf: Double
    /// One report per workflow with a case in the trend or baseline weeks, by name, the cases
    /// without a workflow last.
    public var workflows: [WorkflowReport]

    /// Reviews `log` under `rules`.
    ///
    /// - Throws: ``ComparisonError`` for options out of range, or a scope or grouping attribute
    ///   the log does not have.
    public init(log: EventLog, rules: LogRules, options: Options = Options()) throws(ComparisonError) {
        guard options.trendWeeks >= 1 else {
            throw ComparisonError(field: "trend weeks", message: "at least one week, not \(options.trendWeeks)")
        }
        guard options.baselineWeeks >= 1 else {
            throw ComparisonError(field: "baseline weeks", message: "at least one week, not \(options.baselineWeeks)")
        }
        guard options.alpha > 0 && options.alpha < 1 else {
            throw ComparisonError(field: "alpha", message: "the significance level must lie between 0 and 1, not \(options.alpha)")
        }
        let measurer = try CaseMeasurer(log: log, rules: rules, scope: options.scope)
        var groups: [Int32]?
        if let key = options.groupBy {
            guard let values = CaseMeasurer.caseValues(of: key, in: log) else {
                throw ComparisonError(field: "group by", message: "no attribute '\(key)' in the log")
            }
            groups = values
        }

        // Every case in scope, with the week it falls in.
        var placed: [(outcome: CaseOutcome, week: ISOWeek)] = []
        for c in 0..<log.caseCount {
            guard let outcome = measurer.outcome(ofCase: c) else { continue }
            let time = options.basis == .caseStart ? outcome.start : outcome.end
            placed.append((outcome, ISOWeek(containing: time, zone: options.zone)))
        }
        let reviewed: ISOWeek
        if let week = options.week {
            reviewed = week
        } else if let latest = placed.map(\.week).max() {
            reviewed = latest
        } else {
            throw ComparisonError(field: "week", message: "no case in scope to review")
        }
        let span = max(options.trendWeeks - 1, options.baselineWeeks)
        let earliest = reviewed.advanced(by: -span)

        var byGroup: [Int32: [(outcome: CaseOutcome, week: ISOWeek)]] = [:]
        for entry in placed where entry.week >= earliest && entry.week <= reviewed {
            byGroup[groups?[entry.outcome.caseIndex] ?? -1, default: []].append(entry)
        }
        let order = byGroup.keys.sorted { a, b in
            // Named workflows by name, the unnamed last.
            if a < 0 || b < 0 { return b < 0 && a >= 0 }
            return log.attributeValues[a] < log.attributeValues[b]
        }

        week = reviewed
        groupedBy = options.groupBy
        scope = options.scope
        basis = options.basis
        trendWeeks = options.trendWeeks
        baseline = (1...options.baselineWeeks).reversed().map { reviewed.advanced(by: -$0) }
        alpha = options.alpha
        asOf = measurer.asOf
        workflows = order.map { group in
            Self.report(
                workflow: group < 0 ? nil : log.attributeValues[group], entries: byGroup[group]!, reviewed: reviewed,
                options: options)
        }
    }

    private static func report(
        workflow: String?, entries: [(outcome: CaseOutcome, week: ISOWeek)], reviewed: ISOWeek, options: Options
    ) -> WorkflowReport {
        var byWeek: [ISOWeek: [CaseOutcome]] = [:]
        for entry in entries { byWeek[entry.week, default: []].append(entry.outcome) }
        let trendRange = (0..<options.trendWeeks).reversed().map { reviewed.advanced(by: -$0) }
        let weeks = trendRange.map { week in
            let outcomes = byWeek[week] ?? []
            let range = week.range(in: options.zone)
            return Week(
                week: week, from: range.from!, until: range.until!, cases: outcomes.count,
                open: outcomes.reduce(0) { $0 + ($1.closed ? 0 : 1) },
                values: Dictionary(uniqueKeysWithValues: OutcomeMeasure.allCases.map { ($0, PeriodValue($0, outcomes)) }))
        }
        let trends = OutcomeMeasure.allCases.map { measure in
            let values = weeks.map { $0.values[measure]?.value }
            var x: [Double] = [], y: [Double] = []
            for (index, value) in values.enumerated() {
                if let value {
                    x.append(Double(index))
                    y.append(value)
                }
            }
            let test = MannKendallTrend(x: x, y: y)
            let direction: Direction
            if let test, x.count >= 3 {
                if test.pValue < options.alpha && test.s != 0 {
                    direction = (test.s > 0) == measure.higherIsBetter ? .improving : .worsening
                } else {
                    direction = .steady
                }
            } else {
                direction = .insufficientData
            }
            return Trend(measure: measure, values: values, test: test, direction: direction)
        }
        let baselineOutcomes = (1...options.baselineWeeks).flatMap { byWeek[reviewed.advanced(by: -$0)] ?? [] }
        let current = byWeek[reviewed] ?? []
        return WorkflowReport(
            workflow: workflow, weeks: weeks, trends: trends, baselineCases: baselineOutcomes.count,
            comparison: OutcomeMeasure.allCases.map {
                MeasureComparison($0, before: baselineOutcomes, after: current, alpha: options.alpha)
            })
    }
}
