import Foundation
internal import Yams

extension ScorecardConfiguration {
    /// The sections of a scorecard file.
    public static let yamlSections = ["rules", "ratings", "weights"]
    static let ratingSections = ["default", "steps", "teams", "handoffs"]

    /// Reads a scorecard file: the rules (see ``LogRules/load(yaml:file:)``), ratings and weights.
    /// Every section is optional; an empty file is the default configuration.
    ///
    /// ```yaml
    /// rules:
    ///   exceptions: {activities: ["T16 Report reasons to hold request"]}
    ///   response_window: 1d
    /// weights:                       # default 1 each; 0 leaves a criterion out
    ///   customer_impact: 2
    ///   improvement_evidence: 0.5
    /// ratings:                       # 1–5; 5 = large impact, high risk, *clear* owner or system
    ///   default: {system_clarity: 4}
    ///   steps:
    ///     "T05 Print and send confirmation of receipt": {revenue_impact: 4, risk_level: 2}
    ///   teams:
    ///     "Group 4": {system_clarity: 2}
    ///   handoffs:
    ///     "T02 Check confirmation of receipt -> T04 Determine confirmation of receipt":
    ///       risk_level: 5
    ///       customer_impact: 5       # overrides what the log measures
    /// ```
    ///
    /// - Throws: ``MiningError`` with the file, line and field path of the first problem, the
    ///   others following in its message: unknown sections or fields (with the likely intended
    ///   name), wrong types, bad durations, ratings outside 1–5, negative weights.
    public static func load(yaml: String, file: String) throws(MiningError) -> ScorecardConfiguration {
        var reader = MiningYAMLReader(file: file)
        var configuration = ScorecardConfiguration()
        if let root = reader.root(yaml), let sections = reader.fields(root, at: "", allowed: yamlSections) {
            if let node = sections["rules"] { configuration.rules = reader.rules(node, at: "rules") }
            if let node = sections["weights"] { configuration.weights = reader.weights(node, at: "weights") }
            if let node = sections["ratings"] { configuration.ratings = reader.ratings(node, at: "ratings") }
        }
        if let error = reader.error { throw error }
        return configuration
    }
}

extension MiningYAMLReader {
    mutating func weights(_ node: Node, at path: String) -> [Criterion: Double] {
        var weights: [Criterion: Double] = [:]
        guard let fields = fields(node, at: path, allowed: Criterion.allCases.map(\.rawValue)) else { return weights }
        for (name, value) in fields.entries {
            guard let criterion = Criterion(rawValue: name), let weight = number(value, at: fields.path(name)) else {
                continue
            }
            if weight < 0 {
                report("a weight must be 0 or more, not \(value.scalar?.string ?? "")", at: fields.path(name), value.mark)
            } else {
                weights[criterion] = weight
            }
        }
        if !weights.isEmpty, Criterion.allCases.allSatisfy({ (weights[$0] ?? 1) == 0 }) {
            report("every criterion weighs 0, so nothing would be scored", at: path, node.mark)
        }
        return weights
    }

    mutating func ratings(_ node: Node, at path: String) -> ScorecardRatings {
        var ratings = ScorecardRatings()
        guard let fields = fields(node, at: path, allowed: ScorecardConfiguration.ratingSections) else { return ratings }
        if let node = fields["default"] { ratings.defaults = criterionRatings(node, at: fields.path("default")) }
        if let node = fields["steps"] {
            for entry in named(node, at: fields.path("steps")) {
                ratings.steps[entry.name] = criterionRatings(entry.value, at: entry.path)
            }
        }
        if let node = fields["teams"] {
            for entry in named(node, at: fields.path("teams")) {
                ratings.teams[entry.name] = criterionRatings(entry.value, at: entry.path)
            }
        }
        if let node = fields["handoffs"] {
            for entry in named(node, at: fields.path("handoffs")) {
                let ends = entry.name.components(separatedBy: " -> ")
                guard ends.count == 2, !ends[0].isEmpty, !ends[1].isEmpty else {
                    report("a hand-off is named \"from -> to\", as in \"Register -> Decide\"", at: entry.path, entry.value.mark)
                    continue
                }
                ratings.handoffs[ScorecardRatings.key(from: ends[0], to: ends[1])] = criterionRatings(entry.value, at: entry.path)
            }
        }
        return ratings
    }

    mutating func criterionRatings(_ node: Node, at path: String) -> [Criterion: Double] {
        var ratings: [Criterion: Double] = [:]
        guard let fields = fields(node, at: path, allowed: Criterion.allCases.map(\.rawValue)) else { return ratings }
        for (name, value) in fields.entries {
            guard let criterion = Criterion(rawValue: name), let rating = number(value, at: fields.path(name)) else {
                continue
            }
            if (1...5).contains(rating) {
                ratings[criterion] = rating
            } else {
                report("a rating runs from 1 to 5, not \(value.scalar?.string ?? "")", at: fields.path(name), value.mark)
            }
        }
        return ratings
    }
}
