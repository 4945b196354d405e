import FlowtuneCore
import Foundation

/// The hand-offs of a log ranked by what they cost, to pick the one worth fixing first.
///
/// Every activity hand-off A → B, and every team hand-off X → Y with X ≠ Y, is scored from 1 to
/// 5 on each ``Criterion`` (higher: a stronger case to fix it first); the total is the weighted
/// mean of the eight. What the log measures is computed; the rest comes from the operator's
/// ratings (``ScorecardRatings``); each score carries its numbers and a sentence saying why.
///
/// How the measured criteria become scores. *Volume* is log-scaled against the largest in the
/// same list — `ln(1 + x) / ln(1 + max)`, 0 to 1 — so one enormous hand-off does not flatten all
/// the others; *share* is of the hand-off's own occurrences. Each score is `1 + 4 × s`:
/// - customer impact: s = the mean of the volume of waiting (hours waited in all, the sum of
///   the hand-off times) and the share of occurrences that were late (past the response window
///   after A, or inside a broken promise); with no window or promise in the rules, the volume alone;
/// - exception volume: s = the mean of the volume and the share of occurrences after which the
///   case hit an exception (unmeasured, so 3 unless rated, when the rules mark no exceptions);
/// - hidden labor: s = the mean of the volume of hidden-labor events (``HandoffMeasures``) and the
///   share of occurrences with any;
/// - ownership clarity: s = the receiving step's ``StepOwnership/unclarity`` (for a team
///   hand-off, its mean over the steps received);
/// - improvement evidence: s = 1 − the smallest change in the mean hand-off time a before/after
///   pilot splitting these occurrences in half could detect, relative to the mean
///   (2.8 × CV × 2 / √n: a two-sided 5% test with 80% power), floored at 0; fewer than 4
///   occurrences, or no waiting at all, give 0.
///
/// ```swift
/// let configuration = try ScorecardConfiguration.load(yaml: text, file: "scorecard.yaml")
/// let scorecard = Scorecard(log: log, configuration: configuration)
/// for score in scorecard.handoffs.prefix(10) {
///     print(score.rank, score.from, "→", score.to, score.total)
///     for criterion in score.criteria { print("  ", criterion.criterion.title, criterion.score, criterion.summary) }
/// }
/// ```
public struct Scorecard: Sendable, Hashable, Codable {
    /// Activity hand-offs, fix-first at the top.
    public var handoffs: [HandoffScore]
    /// Team hand-offs (X → Y, X ≠ Y), fix-first at the top.
    public var teamHandoffs: [HandoffScore]
    /// The weight each criterion had.
    public var weights: [Criterion: Double]
    /// Cases in the log.
    public var cases: Int
    /// The moment the log was judged at, seconds since 1970 UTC.
    public var asOf: Double
    /// Ratings that matched nothing in the log — a misspelt step, team or hand-off — as
    /// `steps["name"]`, `teams["name"]` or `handoffs["A -> B"]`.
    public var unusedRatings: [String]

    /// Creates a scorecard from its parts.
    public init(
        handoffs: [HandoffScore], teamHandoffs: [HandoffScore], weights: [Criterion: Double], cases: Int, asOf: Double,
        unusedRatings: [String]
    ) {
        self.handoffs = handoffs
        self.teamHandoffs = teamHandoffs
        self.weights = weights
        self.cases = cases
        self.asOf = asOf
        self.unusedRatings = unusedRatings
    }

    /// Analyses `log` under the configuration's rules and scores its hand-offs.
    public init(log: EventLog, configuration: ScorecardConfiguration) {
        self.init(analysis: LogAnalysis(log, rules: configuration.rules), configuration: configuration)
    }

    /// Scores the hand-offs of an analysis made under `configuration.rules`.
    public init(analysis: LogAnalysis, configuration: ScorecardConfiguration) {
        var scorer = Scorer(analysis: analysis, configuration: configuration)
        let activity = scorer.score(analysis.activityGraph.edges, level: .activity)
        let team = scorer.score(analysis.teamGraph.edges.filter { $0.source != $0.target }, level: .team)
        var unused: [String] = []
        let activities = Set(analysis.activityGraph.nodes)
        let teams = Set(analysis.teamGraph.nodes)
        for name in configuration.ratings.steps.keys.sorted() where !activities.contains(name) {
            unused.append(MiningYAMLReader.path("steps", name: name))
        }
        for name in configuration.ratings.teams.keys.sorted() where !teams.contains(name) {
            unused.append(MiningYAMLReader.path("teams", name: name))
        }
        for key in configuration.ratings.handoffs.keys.sorted() where !scorer.usedHandoffKeys.contains(key) {
            unused.append(MiningYAMLReader.path("handoffs", name: key))
        }
        self.init(
            handoffs: activity, teamHandoffs: team,
            weights: Dictionary(uniqueKeysWithValues: Criterion.allCases.map { ($0, configuration.weight($0)) }),
            cases: analysis.cases, asOf: analysis.asOf, unusedRatings: unused)
    }

    /// The activity hand-off `from` → `to`, or nil.
    public func handoff(from: String, to: String) -> HandoffScore? {
        handoffs.first { $0.from == from && $0.to == to }
    }

    /// The team hand-off `from` → `to`, or nil.
    public func teamHandoff(from: String, to: String) -> HandoffScore? {
        teamHandoffs.first { $0.from == from && $0.to == to }
    }
}

/// Turns edges into ranked ``HandoffScore``s.
private struct Scorer {
    let analysis: LogAnalysis
    let configuration: ScorecardConfiguration
    var usedHandoffKeys: Set<String> = []

    init(analysis: LogAnalysis, configuration: ScorecardConfiguration) {
        self.analysis = analysis
        self.configuration = configuration
    }

    mutating func score(_ edges: [DirectlyFollowsGraph.Edge], level: DirectlyFollowsGraph.Level) -> [HandoffScore] {
        let maxWaitHours = edges.map { $0.handoffTime.total / 3600 }.max() ?? 0
        let maxExceptions = edges.map { Double($0.measures.exceptionAfter) }.max() ?? 0
        let maxLabor = edges.map { Double($0.measures.hiddenLabor) }.max() ?? 0
        let weights = Criterion.allCases.map { configuration.weight($0) }
        let weightSum = weights.reduce(0, +)
        var scores: [HandoffScore] = []
        scores.reserveCapacity(edges.count)
        for edge in edges {
            if configuration.ratings.handoffs[ScorecardRatings.key(from: edge.from, to: edge.to)] != nil {
                usedHandoffKeys.insert(ScorecardRatings.key(from: edge.from, to: edge.to))
            }
            var criteria: [CriterionScore] = []
            var weighted = 0.0
            for (index, criterion) in Criterion.allCases.enumerated() {
                var measured: CriterionScore?
                switch criterion {
                case .customerImpact: measured = customerImpact(edge, maxWaitHours: maxWaitHours)
                case .exceptionVolume: measured = exceptionVolume(edge, maxExceptions: maxExceptions)
                case .hiddenLabor: measured = hiddenLabor(edge, maxLabor: maxLabor)
                case .ownershipClarity: measured = ownershipClarity(edge, level: level)
                case .improvementEvidence: measured = improvementEvidence(edge)
                case .revenueImpact, .systemClarity, .riskLevel: measured = nil
                }
                var result: CriterionScore
                if let (rating, origin) = configuration.ratings.rating(criterion, from: edge.from, to: edge.to, level: level) {
                    let score = criterion.score(forRating: rating)
                    let ratingText = criterion.isRatedAsClarity
                        ? "rated \(Self.number(rating)) for clarity (\(origin)), so \(Self.number(score))"
                        : "rated \(Self.number(rating)) (\(origin))"
                    if let measured {
                        result = CriterionScore(
                            criterion: criterion, score: score, weight: weights[index], source: .overridden, rating: rating,
                            ratedAt: origin,
                            summary: "\(ratingText) in place of the measured \(Self.number(measured.score)): \(measured.summary)",
                            values: measured.values.merging(["measured": measured.score]) { a, _ in a })
                    } else {
                        result = CriterionScore(
                            criterion: criterion, score: score, weight: weights[index], source: .rated, rating: rating,
                            ratedAt: origin, summary: ratingText)
                    }
                } else if let measured {
                    result = measured
                    result.weight = weights[index]
                } else {
                    result = CriterionScore(
                        criterion: criterion, score: 3, weight: weights[index], source: .unrated,
                        summary: criterion.isMeasured
                            ? "no exception markers in the rules, so the log cannot say, and not rated; counted as 3,"
                                + " the middle of the scale"
                            : "not rated; counted as 3, the middle of the scale")
                }
                weighted += result.score * result.weight
                criteria.append(result)
            }
            scores.append(HandoffScore(
                rank: 0, level: level, from: edge.from, to: edge.to, total: weightSum > 0 ? weighted / weightSum : 0,
                count: edge.count, cases: edge.cases, handoffTime: edge.handoffTime, criteria: criteria))
        }
        scores.sort { x, y in
            if x.total != y.total { return x.total > y.total }
            let xi = x.criteria[0].score, yi = y.criteria[0].score
            if xi != yi { return xi > yi }
            if x.count != y.count { return x.count > y.count }
            if x.from != y.from { return x.from < y.from }
            return x.to < y.to
        }
        for index in scores.indices { scores[index].rank = index + 1 }
        return scores
    }

    // MARK: - Measured criteria

    private func customerImpact(_ edge: DirectlyFollowsGraph.Edge, maxWaitHours: Double) -> CriterionScore {
        let time = edge.handoffTime
        let hours = time.total / 3600
        let volume = Self.volume(hours, max: maxWaitHours)
        let m = edge.measures
        let lateShare = Double(m.late) / Double(edge.count)
        var summary = "\(Self.count(edge.count, "hand-off")) waited \(Self.hours(hours)) in all (median \(Self.duration(time.median)),"
            + " p90 \(Self.duration(time.p90)))"
        let s: Double
        if analysis.measuresLateness {
            s = (volume + lateShare) / 2
            summary += "; \(Self.grouped(m.late)) (\(Self.percent(lateShare))) late: \(Self.grouped(m.stale)) past the response window"
            summary += m.windowed == 0 ? " (none set after \(edge.from))" : ""
            summary += ", \(Self.grouped(m.onBreachedPromise)) inside a broken promise"
        } else {
            s = volume
            summary += "; no response window or promise set, so lateness is not measured"
        }
        return CriterionScore(
            criterion: .customerImpact, score: 1 + 4 * s, weight: 1, source: .measured, summary: summary,
            values: [
                "count": Double(edge.count), "cases": Double(edge.cases), "waitHours": hours, "meanWait": time.mean,
                "medianWait": time.median, "p90Wait": time.p90, "late": Double(m.late), "lateShare": lateShare,
                "stale": Double(m.stale), "windowed": Double(m.windowed), "onBreachedPromise": Double(m.onBreachedPromise),
                "volume": volume,
            ])
    }

    private func exceptionVolume(_ edge: DirectlyFollowsGraph.Edge, maxExceptions: Double) -> CriterionScore? {
        guard !configuration.rules.exceptions.isEmpty else { return nil }
        let m = edge.measures
        let share = Double(m.exceptionAfter) / Double(edge.count)
        let volume = Self.volume(Double(m.exceptionAfter), max: maxExceptions)
        return CriterionScore(
            criterion: .exceptionVolume, score: 1 + 4 * (share + volume) / 2, weight: 1, source: .measured,
            summary: "\(Self.grouped(m.exceptionAfter)) of \(Self.count(edge.count, "hand-off")) (\(Self.percent(share))) were followed by an exception"
                + " in the case; \(Self.grouped(m.exceptionAtTarget)) at \(edge.to) itself",
            values: [
                "count": Double(edge.count), "exceptionAfter": Double(m.exceptionAfter), "share": share,
                "exceptionAtTarget": Double(m.exceptionAtTarget), "volume": volume,
            ])
    }

    private func hiddenLabor(_ edge: DirectlyFollowsGraph.Edge, maxLabor: Double) -> CriterionScore {
        let m = edge.measures
        let share = Double(m.withHiddenLabor) / Double(edge.count)
        let volume = Self.volume(Double(m.hiddenLabor), max: maxLabor)
        var parts: [String] = []
        if m.rework > 0 { parts.append("\(Self.grouped(m.rework)) rework") }
        if m.reassignments > 0 { parts.append(Self.count(m.reassignments, "reassignment")) }
        if m.ownerChanges > 0 { parts.append(Self.count(m.ownerChanges, "repeat") + " by someone new") }
        if m.resourcePingPong > 0 { parts.append(Self.count(m.resourcePingPong, "ping-pong leg") + " between people") }
        if m.teamPingPong > 0 { parts.append(Self.count(m.teamPingPong, "ping-pong leg") + " between teams") }
        if m.rescued > 0 { parts.append(Self.count(m.rescued, "rescue")) }
        return CriterionScore(
            criterion: .hiddenLabor, score: 1 + 4 * (share + volume) / 2, weight: 1, source: .measured,
            summary: "\(Self.grouped(m.withHiddenLabor)) of \(Self.count(edge.count, "hand-off")) (\(Self.percent(share))) show hidden labor"
                + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", ")),
            values: [
                "count": Double(edge.count), "withHiddenLabor": Double(m.withHiddenLabor), "share": share,
                "hiddenLabor": Double(m.hiddenLabor), "rework": Double(m.rework), "reassignments": Double(m.reassignments),
                "ownerChanges": Double(m.ownerChanges), "resourcePingPong": Double(m.resourcePingPong),
                "teamPingPong": Double(m.teamPingPong), "rescued": Double(m.rescued), "volume": volume,
            ])
    }

    private func ownershipClarity(_ edge: DirectlyFollowsGraph.Edge, level: DirectlyFollowsGraph.Level) -> CriterionScore {
        let unclarity = edge.measures.receivingUnclarity
        var values = ["unclarity": unclarity]
        let summary: String
        if level == .activity, edge.target < analysis.steps.count {
            let owner = analysis.steps[edge.target].ownership
            values["resources"] = Double(owner.resources)
            values["teams"] = Double(owner.teams)
            values["withoutResourceShare"] = owner.withoutResourceShare
            values["topTeamShare"] = owner.topTeamShare
            values["topResourceShare"] = owner.topResourceShare
            var text = "\(edge.to): done by \(Self.count(owner.resources, "person", plural: "people"))"
            if analysis.hasTeams {
                text += " in \(Self.count(owner.teams, "team"))"
                if let top = owner.topTeam { text += " (\(top) does \(Self.percent(owner.topTeamShare)))" }
            }
            summary = text + ", \(Self.percent(owner.withoutResourceShare)) with no one named"
        } else {
            summary = "the steps \(edge.to) receives here: unclarity \(Self.number(unclarity)) on average"
                + " (0: one team, everyone named; 1: nobody)"
        }
        return CriterionScore(
            criterion: .ownershipClarity, score: 1 + 4 * unclarity, weight: 1, source: .measured, summary: summary,
            values: values)
    }

    private func improvementEvidence(_ edge: DirectlyFollowsGraph.Edge) -> CriterionScore {
        let n = edge.count
        let cv = edge.handoffTime.coefficientOfVariation
        var values = ["count": Double(n), "cases": Double(edge.cases), "cv": cv]
        let s: Double
        let summary: String
        if n < 4 {
            s = 0
            summary = "only \(Self.count(n, "hand-off")): too few to prove a change"
        } else if edge.handoffTime.mean <= 0 {
            s = 0
            summary = "\(Self.count(n, "hand-off")) with no waiting: no hand-off time to improve"
        } else {
            let detectable = 2.8 * cv * 2 / Double(n).squareRoot()
            values["detectableChange"] = detectable
            s = max(0, 1 - detectable)
            summary = "\(Self.count(n, "hand-off")) in \(Self.count(edge.cases, "case")), hand-off time CV \(Self.number(cv)): a before/after pilot"
                + " could detect a \(Self.percent(detectable)) change in the mean (5% two-sided, 80% power)"
        }
        return CriterionScore(
            criterion: .improvementEvidence, score: 1 + 4 * s, weight: 1, source: .measured, summary: summary,
            values: values)
    }

    // MARK: - Helpers

    /// `ln(1 + x) / ln(1 + max)`: where `x` sits between none and the largest, on a log scale.
    static func volume(_ x: Double, max: Double) -> Double {
        max > 0 ? log1p(x) / log1p(max) : 0
    }

    static func percent(_ share: Double) -> String {
        let value = share * 100
        return value > 0 && value < 10 ? String(format: "%.1f%%", value) : String(format: "%.0f%%", value)
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.2f", value)
    }

    static func duration(_ seconds: Double) -> String { DurationText.format(seconds) }

    /// Hours waited: whole hours with thousands grouped past 100, else one decimal.
    static func hours(_ hours: Double) -> String {
        hours >= 100 ? grouped(Int(hours.rounded())) + " h" : String(format: "%.1f h", hours).replacingOccurrences(of: ".0 h", with: " h")
    }

    /// `1 hand-off`, `1,177 hand-offs`.
    static func count(_ n: Int, _ singular: String, plural: String? = nil) -> String {
        "\(grouped(n)) \(n == 1 ? singular : plural ?? singular + "s")"
    }

    /// `18192` as `18,192`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var text = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { text.append(",") }
            text.append(digit)
        }
        return n < 0 ? "-" + text : text
    }
}
