/// A decision a workflow step consults when a task enters it, and what the step uses it for.
///
/// ```yaml
/// steps:
///   - id: review
///     queue: billing
///     decisions:
///       lane: approval-lane        # outputs lane, reason, owner (and action)
///       priority: urgency          # output priority
///       escalation: response-time  # output escalate_after
/// ```
public struct StepDecision: Sendable, Hashable, Codable {
    /// What the step takes from the decision.
    public var purpose: DecisionPurpose
    /// The decision consulted; its latest published version decides.
    public var decision: DecisionID

    /// Creates a step decision.
    public init(purpose: DecisionPurpose, decision: DecisionID) {
        self.purpose = purpose
        self.decision = decision
    }
}

/// What a step takes from a decision, and the outputs it reads for it.
public enum DecisionPurpose: String, Sendable, Hashable, Codable, CaseIterable {
    /// `lane`: `routine` or `exception`; with `reason`, `owner` and `action` for the exception
    /// item. A human-review rule is a lane rule on a model's confidence.
    case lane
    /// `queue`: the queue the task waits in at this step.
    case queue
    /// `priority`: 1 (most urgent) to 9.
    case priority
    /// `evidence`: the fields a completion must carry, as a list or comma-separated text, on
    /// top of the step's own.
    case evidence
    /// `escalate_after`: the response window, a duration, after which escalation starts.
    case escalation

    /// The output the purpose reads first.
    public var output: String {
        switch self {
        case .lane: "lane"
        case .queue: "queue"
        case .priority: "priority"
        case .evidence: "evidence"
        case .escalation: "escalate_after"
        }
    }
}
