/// One hand-off on the scorecard: its eight criterion scores, their weighted total, and the
/// numbers behind each.
public struct HandoffScore: Sendable, Hashable, Codable {
    /// Its place on the ranked list, from 1 (fix first).
    public var rank: Int
    /// Between activities or between teams.
    public var level: DirectlyFollowsGraph.Level
    /// The sending activity or team.
    public var from: String
    /// The receiving activity or team.
    public var to: String
    /// The weighted mean of the criterion scores, 1 to 5; higher: fix sooner.
    public var total: Double
    /// How many times the hand-off happened.
    public var count: Int
    /// In how many cases.
    public var cases: Int
    /// Its hand-off times.
    public var handoffTime: DurationSummary
    /// One score per criterion, in ``Criterion/allCases`` order.
    public var criteria: [CriterionScore]

    /// Creates a score.
    public init(
        rank: Int, level: DirectlyFollowsGraph.Level, from: String, to: String, total: Double, count: Int, cases: Int,
        handoffTime: DurationSummary, criteria: [CriterionScore]
    ) {
        self.rank = rank
        self.level = level
        self.from = from
        self.to = to
        self.total = total
        self.count = count
        self.cases = cases
        self.handoffTime = handoffTime
        self.criteria = criteria
    }

    /// The score on `criterion`.
    public func score(_ criterion: Criterion) -> CriterionScore? {
        criteria.first { $0.criterion == criterion }
    }
}

/// A hand-off's score on one criterion, with where it came from and why.
public struct CriterionScore: Sendable, Hashable, Codable {
    /// Where a score came from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// Computed from the log.
        case measured
        /// An operator's rating of a criterion the log does not measure.
        case rated
        /// An operator's rating in place of what the log measures.
        case overridden
        /// Neither measured nor rated: the middle of the scale, 3.
        case unrated
    }

    /// The criterion.
    public var criterion: Criterion
    /// From 1 to 5; higher: a stronger case to fix the hand-off first.
    public var score: Double
    /// Its weight in the total.
    public var weight: Double
    /// Where it came from.
    public var source: Source
    /// The rating, as the operator wrote it (1–5), when one applied.
    public var rating: Double?
    /// Where the rating was found: `hand-off A -> B`, `step B`, `team Y` or `default`.
    public var ratedAt: String?
    /// The numbers behind it in a sentence, for a report.
    public var summary: String
    /// The raw numbers behind it, by name (times in seconds, shares from 0 to 1).
    public var values: [String: Double]

    /// Creates a score.
    public init(
        criterion: Criterion, score: Double, weight: Double, source: Source, rating: Double? = nil,
        ratedAt: String? = nil, summary: String, values: [String: Double] = [:]
    ) {
        self.criterion = criterion
        self.score = score
        self.weight = weight
        self.source = source
        self.rating = rating
        self.ratedAt = ratedAt
        self.summary = summary
        self.values = values
    }
}
