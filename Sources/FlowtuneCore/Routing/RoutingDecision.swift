import Foundation

/// The explanation stored with every routing decision: what was considered, how each candidate
/// scored, who was excluded by which rule, and why the runner-up lost.
public struct RoutingDecision: Sendable, Hashable, Codable {
    /// The policy that decided, and its version.
    public var policy: String
    /// The policy's version.
    public var policyVersion: Int
    /// Whether a task looked for a worker or a freed worker looked for a task.
    public var direction: Direction
    /// The highest-scoring candidates, best first, each with every score term.
    public var candidates: [ScoredCandidate]
    /// How many candidates passed the hard filters.
    public var candidateCount: Int
    /// Those excluded, grouped by the rule that excluded them.
    public var excluded: [Exclusion]
    /// Why the runner-up lost, when there was one.
    public var runnerUpLost: String?
    /// The versions of the models whose predictions the decision used, by model name; empty for
    /// a decision made without predictions.
    public var models: [String: Int]
    /// What else a reader needs to follow the decision: the task's type and value, pairs scored
    /// without a prediction, a fairness rule waived, what the best alternative assignment costs.
    public var notes: [String]

    /// Creates a decision record.
    public init(
        policy: String, policyVersion: Int, direction: Direction, candidates: [ScoredCandidate],
        candidateCount: Int, excluded: [Exclusion], runnerUpLost: String?, models: [String: Int] = [:],
        notes: [String] = []
    ) {
        self.policy = policy
        self.policyVersion = policyVersion
        self.direction = direction
        self.candidates = candidates
        self.candidateCount = candidateCount
        self.excluded = excluded
        self.runnerUpLost = runnerUpLost
        self.models = models
        self.notes = notes
    }

    /// Decodes a decision; one recorded before decisions carried models and notes has none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        policy = try container.decode(String.self, forKey: .policy)
        policyVersion = try container.decode(Int.self, forKey: .policyVersion)
        direction = try container.decode(Direction.self, forKey: .direction)
        candidates = try container.decode([ScoredCandidate].self, forKey: .candidates)
        candidateCount = try container.decode(Int.self, forKey: .candidateCount)
        excluded = try container.decode([Exclusion].self, forKey: .excluded)
        runnerUpLost = try container.decodeIfPresent(String.self, forKey: .runnerUpLost)
        models = try container.decodeIfPresent([String: Int].self, forKey: .models) ?? [:]
        notes = try container.decodeIfPresent([String].self, forKey: .notes) ?? []
    }

    /// The direction of a decision.
    public enum Direction: String, Sendable, Hashable, Codable {
        /// A new or returning task looked for a worker.
        case taskToWorker
        /// A freed worker looked for the best waiting task.
        case workerToTask
        /// A person chose.
        case override
    }

    /// The chosen candidate's id.
    public var chosen: String? { candidates.first?.id }

    /// The runner-up's id.
    public var runnerUp: String? { candidates.count > 1 ? candidates[1].id : nil }
}

/// A candidate's score and how it was made up.
public struct ScoredCandidate: Sendable, Hashable, Codable {
    /// The worker or task id.
    public var id: String
    /// The total score; higher wins.
    public var score: Double
    /// Every term, with value and weight.
    public var terms: [ScoreTerm]

    /// Creates a scored candidate.
    public init(id: String, score: Double, terms: [ScoreTerm]) {
        self.id = id
        self.score = score
        self.terms = terms
    }
}

/// One term of a score: a value, usually in 0...1, and the weight it carries.
public struct ScoreTerm: Sendable, Hashable, Codable {
    /// The term's name, such as `skillFit`.
    public var name: String
    /// The term's value.
    public var value: Double
    /// Its weight in the total.
    public var weight: Double

    /// Creates a term.
    public init(name: String, value: Double, weight: Double) {
        self.name = name
        self.value = value
        self.weight = weight
    }

    /// What the term adds to the score.
    public var contribution: Double { value * weight }
}

/// Candidates excluded by one rule.
public struct Exclusion: Sendable, Hashable, Codable {
    /// The rule, such as `status away` or `skill billing 3 < 5`.
    public var rule: String
    /// How many were excluded by it.
    public var count: Int
    /// Up to a few of their ids.
    public var examples: [String]

    /// Creates an exclusion group.
    public init(rule: String, count: Int, examples: [String]) {
        self.rule = rule
        self.count = count
        self.examples = examples
    }
}
