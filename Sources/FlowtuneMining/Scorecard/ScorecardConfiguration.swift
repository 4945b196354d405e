/// What the operator tells the scorecard: the ``LogRules`` the analysis runs under, ratings
/// (1–5) for what the log cannot measure, and how much each criterion weighs.
///
/// ```swift
/// let configuration = try ScorecardConfiguration.load(yaml: text, file: "scorecard.yaml")
/// let scorecard = Scorecard(log: log, configuration: configuration)
/// ```
public struct ScorecardConfiguration: Sendable, Hashable {
    /// The rules the log is analysed under.
    public var rules: LogRules
    /// Weight per criterion (0 or more); a criterion not listed weighs 1.
    public var weights: [Criterion: Double]
    /// Operators' ratings.
    public var ratings: ScorecardRatings

    /// Creates a configuration; by default every criterion weighs 1 and nothing is rated.
    public init(rules: LogRules = LogRules(), weights: [Criterion: Double] = [:], ratings: ScorecardRatings = ScorecardRatings()) {
        self.rules = rules
        self.weights = weights
        self.ratings = ratings
    }

    /// The weight of `criterion`.
    public func weight(_ criterion: Criterion) -> Double { weights[criterion] ?? 1 }
}

/// Operators' ratings, 1 to 5, by criterion: for every hand-off, per step, per team, and per
/// hand-off. A rating of a measured criterion overrides what the log measures (the measure is
/// still shown beside it).
///
/// For a hand-off A → B each criterion is looked up, most specific first: the hand-off
/// (`"A -> B"`), then the receiving step B (or, for a team hand-off X → Y, the receiving team
/// Y) — the hand-off delivers work there and B's owner makes the next move — then the defaults.
/// A criterion the log does not measure and nobody rated scores 3, the middle of the scale, and
/// says so.
///
/// Ratings read the natural way round: 5 is a large revenue impact, a high risk, strong evidence,
/// and a *clear* owner or system (see ``Criterion``).
public struct ScorecardRatings: Sendable, Hashable {
    /// Ratings for every hand-off not rated more specifically.
    public var defaults: [Criterion: Double]
    /// By activity name: ratings for hand-offs into that step.
    public var steps: [String: [Criterion: Double]]
    /// By team name: ratings for team hand-offs into that team.
    public var teams: [String: [Criterion: Double]]
    /// By `"A -> B"` (activities or teams): ratings for that hand-off.
    public var handoffs: [String: [Criterion: Double]]

    /// Creates ratings; none by default.
    public init(
        defaults: [Criterion: Double] = [:], steps: [String: [Criterion: Double]] = [:],
        teams: [String: [Criterion: Double]] = [:], handoffs: [String: [Criterion: Double]] = [:]
    ) {
        self.defaults = defaults
        self.steps = steps
        self.teams = teams
        self.handoffs = handoffs
    }

    /// The key of hand-off `from` → `to` in ``handoffs``.
    public static func key(from: String, to: String) -> String { "\(from) -> \(to)" }

    /// The rating of `criterion` for the hand-off `from` → `to` at `level`, with where it was
    /// found (`hand-off A -> B`, `step B`, `team Y`, `default`), or nil.
    public func rating(
        _ criterion: Criterion, from: String, to: String, level: DirectlyFollowsGraph.Level
    ) -> (value: Double, origin: String)? {
        let key = Self.key(from: from, to: to)
        if let value = handoffs[key]?[criterion] { return (value, "hand-off \(key)") }
        switch level {
        case .team:
            if let value = teams[to]?[criterion] { return (value, "team \(to)") }
        case .activity, .resource:
            if let value = steps[to]?[criterion] { return (value, "step \(to)") }
        }
        if let value = defaults[criterion] { return (value, "default") }
        return nil
    }
}
