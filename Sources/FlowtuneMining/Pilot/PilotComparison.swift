/// The proof of a pilot: cases that started in a `before` range against cases that started in
/// an `after` range, on every ``OutcomeMeasure``, each with its test, effect size and verdict.
///
/// ```swift
/// let comparison = try PilotComparison(
///     log: log, rules: rules,
///     before: try TimeRange(parsing: "2011-10-01..2011-12-31"),
///     after: try TimeRange(parsing: "2012-01-01..2012-03-31"),
///     scope: .handOff(from: "Triage", to: "Assess"))
/// for row in comparison.measures {
///     print(row.measure, row.before.value ?? .nan, row.after.value ?? .nan, row.pValue ?? 1, row.verdict)
/// }
/// ```
///
/// Each case is one observation, so the tests' independence holds as long as cases do not
/// influence each other much. Cycle times count finished work only; how many cases in each
/// period were still open is reported beside them, because a recent period has more open cases
/// and the ones already finished are the fast ones.
public struct PilotComparison: Sendable, Hashable, Codable {
    /// How many cases a period holds.
    public struct Cases: Sendable, Hashable, Codable {
        /// Cases in scope that started in the period.
        public var total: Int
        /// Those whose measured work is not finished.
        public var open: Int

        /// Counts over `outcomes`.
        public init(_ outcomes: [CaseOutcome]) {
            total = outcomes.count
            open = outcomes.reduce(0) { $0 + ($1.closed ? 0 : 1) }
        }
    }

    /// Which cases were compared, and around what.
    public var scope: PilotScope
    /// When the earlier cases started.
    public var before: TimeRange
    /// When the later cases started.
    public var after: TimeRange
    /// The significance level of the verdicts.
    public var alpha: Double
    /// The moment open work was measured to, seconds since 1970 UTC.
    public var asOf: Double
    /// The cases of the earlier period.
    public var beforeCases: Cases
    /// The cases of the later period.
    public var afterCases: Cases
    /// One comparison per measure, in ``OutcomeMeasure/allCases`` order.
    public var measures: [MeasureComparison]

    /// Compares the cases of `log` in scope that started in `before` with those that started in
    /// `after`.
    ///
    /// - Throws: ``ComparisonError`` when the ranges overlap (a case cannot be in both), or the
    ///   scope names something the log does not have.
    public init(
        log: EventLog, rules: LogRules, before: TimeRange, after: TimeRange, scope: PilotScope = .workflow,
        alpha: Double = 0.05
    ) throws(ComparisonError) {
        guard alpha > 0 && alpha < 1 else {
            throw ComparisonError(field: "alpha", message: "the significance level must lie between 0 and 1, not \(alpha)")
        }
        guard !before.overlaps(after) else {
            throw ComparisonError(
                field: "after", message: "the before range \(before) and the after range \(after) overlap; a case would count in both")
        }
        let measurer = try CaseMeasurer(log: log, rules: rules, scope: scope)
        let earlier = measurer.outcomes(startingIn: before)
        let later = measurer.outcomes(startingIn: after)
        self.init(scope: scope, before: before, after: after, alpha: alpha, asOf: measurer.asOf, earlier: earlier, later: later)
    }

    /// The comparison of outcomes already measured.
    public init(
        scope: PilotScope, before: TimeRange, after: TimeRange, alpha: Double = 0.05, asOf: Double,
        earlier: [CaseOutcome], later: [CaseOutcome]
    ) {
        self.scope = scope
        self.before = before
        self.after = after
        self.alpha = alpha
        self.asOf = asOf
        beforeCases = Cases(earlier)
        afterCases = Cases(later)
        measures = OutcomeMeasure.allCases.map { MeasureComparison($0, before: earlier, after: later, alpha: alpha) }
    }

    /// The comparison of `measure`.
    public subscript(measure: OutcomeMeasure) -> MeasureComparison? {
        measures.first { $0.measure == measure }
    }
}
