/// A measure of how cases went, as the pilot comparison and the weekly review report it.
public enum OutcomeMeasure: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Cycle time of finished work (``CaseOutcome/cycleTime``), compared by median.
    case cycleTime = "cycle_time"
    /// Owner response time (``CaseOutcome/responseTime``), compared by median.
    case ownerResponseTime = "owner_response_time"
    /// Share of cases with an exception.
    case exceptionRate = "exception_rate"
    /// Share of cases with an activity repeated.
    case reworkRate = "rework_rate"
    /// Share of cases that went stale.
    case staleRate = "stale_rate"
    /// Share of cases finished without a manager's rescue.
    case finishedWithoutRescue = "finished_without_rescue"

    /// Whether the measure is a time (a median of seconds) rather than a share of cases.
    public var isDuration: Bool { self == .cycleTime || self == .ownerResponseTime }

    /// Whether a larger value is the better one.
    public var higherIsBetter: Bool { self == .finishedWithoutRescue }

    /// The measure as a report heading names it.
    public var description: String {
        switch self {
        case .cycleTime: "cycle time"
        case .ownerResponseTime: "owner response time"
        case .exceptionRate: "exception rate"
        case .reworkRate: "rework rate"
        case .staleRate: "stale items"
        case .finishedWithoutRescue: "finished without manager rescue"
        }
    }

    /// The measure's value for `outcome`: seconds, or 1 or 0 for a share; nil when the case does
    /// not count toward it (a cycle time of unfinished work, a response time with no wait).
    public func value(_ outcome: CaseOutcome) -> Double? {
        switch self {
        case .cycleTime: outcome.cycleTime
        case .ownerResponseTime: outcome.responseTime
        case .exceptionRate: outcome.exception ? 1 : 0
        case .reworkRate: outcome.rework ? 1 : 0
        case .staleRate: outcome.stale ? 1 : 0
        case .finishedWithoutRescue: outcome.finishedWithoutRescue ? 1 : 0
        }
    }
}

// Keyed by measure, a week's values write as a JSON object: {"cycle_time": …}.
extension OutcomeMeasure: CodingKeyRepresentable {}

/// A plain reading of a comparison.
public enum Verdict: String, Sendable, Hashable, Codable, CustomStringConvertible {
    /// Better after, and the test says it is unlikely to be chance (p < α).
    case improved
    /// Worse after, with p < α.
    case worse
    /// The test finds no difference at level α.
    case noSignificantChange = "no significant change"
    /// A period has no case to measure.
    case insufficientData = "insufficient data"

    public var description: String { rawValue }
}

/// One measure's values in one period: how many cases it rests on and the median or the rate.
public struct PeriodValue: Sendable, Hashable, Codable {
    /// How many cases count toward the measure.
    public var n: Int
    /// The median in seconds, or the share of cases (0…1); nil when `n` is 0.
    public var value: Double?
    /// For a share, how many cases have the property.
    public var count: Int?
    /// For a time, the 25th percentile in seconds.
    public var lowerQuartile: Double?
    /// For a time, the 75th percentile in seconds.
    public var upperQuartile: Double?

    /// The period value of `measure` over `outcomes`.
    public init(_ measure: OutcomeMeasure, _ outcomes: [CaseOutcome]) {
        let values = outcomes.compactMap(measure.value)
        n = values.count
        if measure.isDuration {
            let sorted = values.sorted()
            value = Descriptive.quantile(sorted: sorted, 0.5)
            lowerQuartile = Descriptive.quantile(sorted: sorted, 0.25)
            upperQuartile = Descriptive.quantile(sorted: sorted, 0.75)
            count = nil
        } else {
            let hits = values.reduce(0) { $0 + Int($1) }
            count = hits
            value = values.isEmpty ? nil : Double(hits) / Double(values.count)
            lowerQuartile = nil
            upperQuartile = nil
        }
    }
}

/// One measure before and after: the values, the difference, the test behind it and what it
/// means.
///
/// Times are compared with the Mann–Whitney U test, since cycle and response times are skewed
/// and a few very long cases should not decide the verdict; shares with the two-proportion z
/// test. Both are run as *after against before*: the rank-biserial correlation is negative when
/// after-period times tend to be shorter, Cohen's h and the difference are after − before.
public struct MeasureComparison: Sendable, Hashable, Codable {
    /// The test behind a comparison.
    public enum Test: String, Sendable, Hashable, Codable {
        /// Mann–Whitney U, two-sided.
        case mannWhitneyU = "mann-whitney-u"
        /// Pooled two-proportion z, two-sided.
        case twoProportionZ = "two-proportion-z"
    }

    /// The measure.
    public var measure: OutcomeMeasure
    /// Its value in the earlier period.
    public var before: PeriodValue
    /// Its value in the later period.
    public var after: PeriodValue
    /// after − before: seconds for a time (difference of medians), a share for a rate.
    public var difference: Double?
    /// The test used.
    public var test: Test
    /// The two-sided p value; nil when a period has no case to test.
    public var pValue: Double?
    /// The effect size: the rank-biserial correlation of after against before for a time, Cohen's
    /// h (after − before) for a share.
    public var effectSize: Double?
    /// The significance level the verdict is read at.
    public var alpha: Double
    /// What the comparison says. Its direction is the test's — the sign of the rank-biserial
    /// correlation for a time — which in rare, lopsided samples can differ from the sign of the
    /// difference of medians.
    public var verdict: Verdict
    /// The rank test in full (after as the first sample), for a time.
    public var mannWhitney: MannWhitneyU?
    /// The proportion test in full (after as the first sample), with the (1 − α) interval of
    /// the difference, for a share.
    public var proportions: TwoProportionTest?

    /// Compares `measure` over the `after` outcomes with the `before` ones at level `alpha`.
    public init(_ measure: OutcomeMeasure, before: [CaseOutcome], after: [CaseOutcome], alpha: Double = 0.05) {
        precondition(alpha > 0 && alpha < 1, "a significance level lies between 0 and 1")
        self.measure = measure
        self.alpha = alpha
        self.before = PeriodValue(measure, before)
        self.after = PeriodValue(measure, after)
        if let b = self.before.value, let a = self.after.value { difference = a - b } else { difference = nil }

        // Negative: after is lower.
        let direction: Double?
        if measure.isDuration {
            test = .mannWhitneyU
            mannWhitney = MannWhitneyU(after.compactMap(measure.value), before.compactMap(measure.value))
            proportions = nil
            pValue = mannWhitney?.pValue
            effectSize = mannWhitney?.rankBiserial
            direction = mannWhitney?.rankBiserial
        } else {
            test = .twoProportionZ
            mannWhitney = nil
            proportions = TwoProportionTest(
                successes1: self.after.count ?? 0, of: self.after.n,
                successes2: self.before.count ?? 0, of: self.before.n, confidenceLevel: 1 - alpha)
            pValue = proportions?.pValue
            effectSize = proportions?.cohensH
            direction = proportions?.difference
        }
        if let pValue, let direction {
            if pValue < alpha && direction != 0 {
                verdict = (direction > 0) == measure.higherIsBetter ? .improved : .worse
            } else {
                verdict = .noSignificantChange
            }
        } else {
            verdict = .insufficientData
        }
    }
}
