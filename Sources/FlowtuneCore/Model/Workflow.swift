import Foundation

/// The path from a business promise to a completed outcome: steps and the transitions between them.
///
/// The first step is where every task starts. A step's ``Step/next`` maps an outcome to the
/// following step; an outcome that maps to ``Transition/end`` completes the task.
public struct Workflow: Sendable, Hashable, Codable {
    /// The workflow's identifier, stable across versions.
    public var id: WorkflowID
    /// The version, starting at 1 and increased on every redefinition.
    public var version: Int
    /// A human-readable name.
    public var name: String
    /// The promise this workflow keeps, such as "every qualified lead gets a first call within 4 h".
    public var promise: Promise?
    /// The steps, the first being the entry step.
    public var steps: [Step]
    /// What the workflow raises alerts on, such as its exception rate leaving its usual band.
    /// Optional, so workflows stored before alerts existed decode without one.
    public var alerts: WorkflowAlerts?

    /// Creates a workflow.
    public init(
        id: WorkflowID, version: Int = 1, name: String? = nil, promise: Promise? = nil, steps: [Step],
        alerts: WorkflowAlerts? = nil
    ) {
        self.id = id
        self.version = version
        self.name = name ?? id.rawValue
        self.promise = promise
        self.steps = steps
        self.alerts = alerts
    }

    /// The entry step.
    public var firstStep: Step? { steps.first }

    /// The step named `id`.
    public func step(_ id: StepID) -> Step? { steps.first { $0.id == id } }
}

/// A business promise: a description and the time within which it must be kept.
public struct Promise: Sendable, Hashable, Codable {
    /// What is promised, in the operator's words.
    public var text: String
    /// The time from task creation within which the workflow must complete, if the promise has one.
    public var within: TimeInterval?

    /// Creates a promise.
    public init(text: String, within: TimeInterval? = nil) {
        self.text = text
        self.within = within
    }
}

/// Where an outcome of a step leads.
public enum Transition: Sendable, Hashable, Codable {
    /// Continue with the named step.
    case step(StepID)
    /// Complete the task.
    case end
}

/// A unit of work with an ownership rule.
public struct Step: Sendable, Hashable, Codable {
    /// The step's identifier, unique within its workflow.
    public var id: StepID
    /// A human-readable name.
    public var name: String
    /// The queue whose workers perform this step.
    public var queue: QueueID
    /// Who owns the step, how fast they must respond and what happens when they do not.
    public var ownership: OwnershipRule
    /// Where each outcome leads. An empty map ends the workflow after this step.
    public var next: [String: Transition]
    /// The decisions consulted when a task enters the step, in the order they are evaluated.
    public var decisions: [StepDecision]

    /// The outcome assumed when a step is completed without naming one.
    public static let defaultOutcome = "done"

    /// Creates a step.
    public init(
        id: StepID, name: String? = nil, queue: QueueID, ownership: OwnershipRule,
        next: [String: Transition] = [:], decisions: [StepDecision] = []
    ) {
        self.id = id
        self.name = name ?? id.rawValue
        self.queue = queue
        self.ownership = ownership
        self.next = next
        self.decisions = decisions
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, queue, ownership, next, decisions
    }

    // Workflows defined before steps could name decisions have none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(StepID.self, forKey: .id)
        self.name = try container.decode(String.self, forKey: .name)
        self.queue = try container.decode(QueueID.self, forKey: .queue)
        self.ownership = try container.decode(OwnershipRule.self, forKey: .ownership)
        self.next = try container.decode([String: Transition].self, forKey: .next)
        self.decisions = try container.decodeIfPresent([StepDecision].self, forKey: .decisions) ?? []
    }

    /// Where `outcome` leads, or nil when the step does not know that outcome.
    public func transition(for outcome: String) -> Transition? {
        if next.isEmpty { return .end }
        return next[outcome]
    }
}

/// Who owns a step and what happens when the owner does not respond in time.
public struct OwnershipRule: Sendable, Hashable, Codable {
    /// The system that holds the record of truth for this step's data.
    public var sourceSystem: String
    /// The team or person accountable for the step's decision.
    public var decisionOwner: String
    /// Who takes over when the owner cannot.
    public var backupOwner: String?
    /// How long the step may stay open before escalation starts; for an adaptive window, the
    /// static value in force until it has learned enough.
    public var responseWindow: TimeInterval
    /// The declaration that makes the response window follow recent response times, if it does.
    /// Optional, so workflows stored before adaptive windows existed decode without one.
    public var adaptiveResponseWindow: AdaptiveResponseWindow?
    /// What happens, in order, once the response window has passed.
    public var escalation: [EscalationStage]
    /// The evidence fields a completion must carry.
    public var requiredEvidence: [String]
    /// What to do with a completion that lacks evidence.
    public var missingEvidence: MissingEvidencePolicy

    /// Creates an ownership rule.
    public init(
        sourceSystem: String, decisionOwner: String, backupOwner: String? = nil,
        responseWindow: TimeInterval, escalation: [EscalationStage] = [],
        requiredEvidence: [String] = [], missingEvidence: MissingEvidencePolicy = .refuse,
        adaptiveResponseWindow: AdaptiveResponseWindow? = nil
    ) {
        self.adaptiveResponseWindow = adaptiveResponseWindow
        self.sourceSystem = sourceSystem
        self.decisionOwner = decisionOwner
        self.backupOwner = backupOwner
        self.responseWindow = responseWindow
        self.escalation = escalation
        self.requiredEvidence = requiredEvidence
        self.missingEvidence = missingEvidence
    }
}

/// What a step does with a completion that lacks required evidence.
public enum MissingEvidencePolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Refuse the completion with an error naming the missing fields.
    case refuse
    /// Accept it, but move the task to the exception lane for someone to supply the evidence.
    case exception
}

/// One escalation action and when it fires, measured from the end of the response window.
public struct EscalationStage: Sendable, Hashable, Codable {
    /// Seconds after the response window ends.
    public var after: TimeInterval
    /// What happens.
    public var action: EscalationAction

    /// Creates a stage.
    public init(after: TimeInterval = 0, action: EscalationAction) {
        self.after = after
        self.action = action
    }
}

/// An escalation action.
public enum EscalationAction: Sendable, Hashable, Codable {
    /// Tell someone (a person, team or channel) that the step is late.
    case notify(String)
    /// Take the task from its current worker and give it to the step's backup owner's queue.
    case reassignToBackup
    /// Make the task more urgent by this many levels.
    case raisePriority(Int)
    /// Move the task to the exception lane with this reason.
    case moveToException(String)
}
