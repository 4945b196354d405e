/// The facts of publishing a decision: its number and the file it was read from.
///
/// A published version never changes. Rolling back publishes an earlier version's text again,
/// under a new number, so the log reads as what happened.
public struct DecisionPublication: Sendable, Hashable, Codable {
    /// The decision.
    public var decision: DecisionID
    /// Its new version number, from 1.
    public var version: Int
    /// The file's name, as it was published.
    public var file: String
    /// The file's text.
    public var text: String
    /// The version whose text this publication restores, for a rollback.
    public var restores: Int?

    /// Creates a publication.
    public init(decision: DecisionID, version: Int, file: String, text: String, restores: Int? = nil) {
        self.decision = decision
        self.version = version
        self.file = file
        self.text = text
        self.restores = restores
    }
}

/// One published version of a decision, compiled and ready to evaluate.
public struct PublishedDecision: Sendable, Hashable {
    /// The version number, from 1.
    public var version: Int
    /// The compiled table.
    public var table: DecisionTable
    /// What was published.
    public var publication: DecisionPublication
    /// When.
    public var publishedAt: Double
    /// Who published it.
    public var publishedBy: String
}

/// What a decision gave a task as it entered a step: the trace of the evaluation and the
/// directives the step took from it.
public struct DecisionApplication: Sendable, Hashable, Codable {
    /// The task.
    public var task: TaskID
    /// The step it entered.
    public var step: StepID
    /// What the step used the decision for.
    public var purposes: [DecisionPurpose]
    /// How the evaluation went, with the version that decided.
    public var trace: DecisionTrace
    /// The queue the task waits in, when the decision set it.
    public var queue: QueueID?
    /// The task's priority, when the decision set it.
    public var priority: Int?
    /// Evidence a completion of this step must carry, on top of the step's own.
    public var requiredEvidence: [String]?
    /// The step's response window for this task, when the decision set it.
    public var responseWindow: Double?

    /// Creates an application.
    public init(
        task: TaskID, step: StepID, purposes: [DecisionPurpose], trace: DecisionTrace, queue: QueueID? = nil,
        priority: Int? = nil, requiredEvidence: [String]? = nil, responseWindow: Double? = nil
    ) {
        self.task = task
        self.step = step
        self.purposes = purposes
        self.trace = trace
        self.queue = queue
        self.priority = priority
        self.requiredEvidence = requiredEvidence
        self.responseWindow = responseWindow
    }
}
