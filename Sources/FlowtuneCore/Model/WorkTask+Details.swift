import Foundation

extension WorkTask {
    /// What a task rarely carries: evidence, an exception item, the workers who declined it,
    /// a decision's window and evidence, a learned window, when it finished.
    struct Details: Sendable, Hashable {
        var evidence: [String: JSONValue] = [:]
        var exception: ExceptionItem?
        var declinedBy: [WorkerID] = []
        var finishedAt: Date?
        var responseWindow: TimeInterval?
        var decidedEvidence: [String]?
        var learnedResponseWindow: TimeInterval?

        /// Whether every field is empty, as a new task's are.
        var isEmpty: Bool {
            evidence.isEmpty && exception == nil && declinedBy.isEmpty && finishedAt == nil
                && responseWindow == nil && decidedEvidence == nil && learnedResponseWindow == nil
        }
    }

    /// The details behind one reference. Never changed once made: a change stores a new box, so
    /// copies of a task never share a change.
    final class DetailsBox: Sendable {
        let value: Details

        init(_ value: Details) {
            self.value = value
        }
    }

    /// Changes the details, storing none while they are all empty.
    mutating func changeDetails(_ change: (inout Details) -> Void) {
        var value = details?.value ?? Details()
        change(&value)
        details = value.isEmpty ? nil : DetailsBox(value)
    }

    /// Clears what belongs to the current step — evidence, declines, a decision's window and
    /// evidence, the learned window — as entering a step does; an exception item and the
    /// finishing time stay.
    mutating func clearStepDetails() {
        // Most tasks carry no details: nothing to clear and nothing to allocate.
        guard let value = details?.value else { return }
        changeDetails { $0 = Details(exception: value.exception, finishedAt: value.finishedAt) }
    }
}

extension WorkTask: Hashable {
    public static func == (lhs: WorkTask, rhs: WorkTask) -> Bool {
        lhs.id == rhs.id && lhs.workflow == rhs.workflow && lhs.workflowVersion == rhs.workflowVersion
            && lhs.step == rhs.step && lhs.queue == rhs.queue && lhs.lane == rhs.lane
            && lhs.priority == rhs.priority && lhs.state == rhs.state && lhs.channel == rhs.channel
            && lhs.attributes == rhs.attributes && lhs.createdAt == rhs.createdAt
            && lhs.stepEnteredAt == rhs.stepEnteredAt && lhs.queuedAt == rhs.queuedAt
            && lhs.escalationLevel == rhs.escalationLevel
            && (lhs.details === rhs.details || lhs.details?.value == rhs.details?.value)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(workflow)
        hasher.combine(workflowVersion)
        hasher.combine(step)
        hasher.combine(queue)
        hasher.combine(lane)
        hasher.combine(priority)
        hasher.combine(state)
        hasher.combine(channel)
        hasher.combine(attributes)
        hasher.combine(createdAt)
        hasher.combine(stepEnteredAt)
        hasher.combine(queuedAt)
        hasher.combine(escalationLevel)
        hasher.combine(details?.value)
    }
}

// Written out because the record's stored fields are not its public ones: the same keys, in the
// same order, with absent optionals left out, as the record had when every field was stored.
extension WorkTask: Codable {
    enum CodingKeys: String, CodingKey {
        case id, workflow, workflowVersion, step, queue, lane, priority, state, channel, attributes
        case createdAt, stepEnteredAt, queuedAt, escalationLevel, evidence, exception, declinedBy
        case finishedAt, responseWindow, decidedEvidence, learnedResponseWindow
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(TaskID.self, forKey: .id)
        workflow = try container.decode(WorkflowID.self, forKey: .workflow)
        workflowVersion = try container.decode(Int.self, forKey: .workflowVersion)
        step = try container.decode(StepID.self, forKey: .step)
        queue = try container.decode(QueueID.self, forKey: .queue)
        lane = try container.decode(Lane.self, forKey: .lane)
        priority = try container.decode(Int.self, forKey: .priority)
        state = try container.decode(State.self, forKey: .state)
        channel = try container.decode(Channel.self, forKey: .channel)
        attributes = try container.decode(JSONValue.self, forKey: .attributes)
        createdAt = try container.decode(Date.self, forKey: .createdAt)
        stepEnteredAt = try container.decode(Date.self, forKey: .stepEnteredAt)
        queuedAt = try container.decode(Date.self, forKey: .queuedAt)
        escalationLevel = try container.decode(Int.self, forKey: .escalationLevel)
        let details = Details(
            evidence: try container.decode([String: JSONValue].self, forKey: .evidence),
            exception: try container.decodeIfPresent(ExceptionItem.self, forKey: .exception),
            declinedBy: try container.decode([WorkerID].self, forKey: .declinedBy),
            finishedAt: try container.decodeIfPresent(Date.self, forKey: .finishedAt),
            responseWindow: try container.decodeIfPresent(TimeInterval.self, forKey: .responseWindow),
            decidedEvidence: try container.decodeIfPresent([String].self, forKey: .decidedEvidence),
            learnedResponseWindow: try container.decodeIfPresent(TimeInterval.self, forKey: .learnedResponseWindow))
        self.details = details.isEmpty ? nil : DetailsBox(details)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(workflow, forKey: .workflow)
        try container.encode(workflowVersion, forKey: .workflowVersion)
        try container.encode(step, forKey: .step)
        try container.encode(queue, forKey: .queue)
        try container.encode(lane, forKey: .lane)
        try container.encode(priority, forKey: .priority)
        try container.encode(state, forKey: .state)
        try container.encode(channel, forKey: .channel)
        try container.encode(attributes, forKey: .attributes)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(stepEnteredAt, forKey: .stepEnteredAt)
        try container.encode(queuedAt, forKey: .queuedAt)
        try container.encode(escalationLevel, forKey: .escalationLevel)
        try container.encode(evidence, forKey: .evidence)
        try container.encodeIfPresent(exception, forKey: .exception)
        try container.encode(declinedBy, forKey: .declinedBy)
        try container.encodeIfPresent(finishedAt, forKey: .finishedAt)
        try container.encodeIfPresent(responseWindow, forKey: .responseWindow)
        try container.encodeIfPresent(decidedEvidence, forKey: .decidedEvidence)
        try container.encodeIfPresent(learnedResponseWindow, forKey: .learnedResponseWindow)
    }
}
