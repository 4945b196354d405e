import FlowtuneCore
import Foundation

/// A simulation input: a workspace (queues, workers, workflows, decisions) and the traffic that
/// runs through it — which tasks arrive how fast, how long each step takes, how patient
/// customers are — with the run's horizon, warm-up, replications and seed.
///
/// Load one from YAML with ``load(_:)``; run it with ``Simulator``.
public struct Scenario: Sendable, Hashable {
    /// A name for reports: the scenario file's name unless the file gives one.
    public var name: String
    /// The workspace the traffic runs through.
    public var definition: WorkspaceDefinition
    /// The virtual instant the simulation starts at.
    public var start: Date
    /// How long arrivals are measured, in seconds from the start (warm-up included).
    public var horizon: Double
    /// The first part of the horizon, not measured, while the workspace fills up.
    public var warmUp: Double
    /// How long past the horizon the run continues so that tasks that arrived in time can
    /// finish; arrivals go on meanwhile but are not measured.
    public var drain: Double
    /// How many independent replications to run.
    public var replications: Int
    /// The seed every replication's streams derive from.
    public var seed: UInt64
    /// The routing policy when the run does not compare several; nil keeps the workspace's.
    public var policy: RoutingPolicyKind?
    /// How long a worker takes to accept an offer; nil accepts at once.
    public var acceptance: Distribution?
    /// The kinds of task that arrive.
    public var taskTypes: [TaskType]
    /// When workers are on: a worker named by a shift (or in a team it names) is offline outside
    /// its shifts, available on them and away on breaks. Workers no shift names keep their status.
    public var shifts: [Shift]
    /// The offset from UTC, in seconds, of the shifts' times of day and days: 3600 when the
    /// shifts are written in Central European Time.
    public var utcOffset: Double
    /// How well each worker really does each task type; nil when only skill levels differ.
    public var performance: PerformanceTruth?
    /// Whether and how models learn from outcomes inside a replication and publish predictions.
    public var learning: LearningSettings?
    /// The cadence, in seconds, of `optimal-batch` routing (the workspace's
    /// `predictive.batchInterval`) for this run; nil keeps the workspace's.
    public var batchInterval: Double?

    /// Creates a scenario.
    public init(
        name: String, definition: WorkspaceDefinition, start: Date = Scenario.defaultStart, horizon: Double,
        warmUp: Double = 0, drain: Double = 24 * 3600, replications: Int = 10, seed: UInt64 = 1,
        policy: RoutingPolicyKind? = nil, acceptance: Distribution? = nil, taskTypes: [TaskType], shifts: [Shift] = [],
        utcOffset: Double = 0, performance: PerformanceTruth? = nil, learning: LearningSettings? = nil,
        batchInterval: Double? = nil
    ) {
        self.name = name
        self.definition = definition
        self.start = start
        self.horizon = horizon
        self.warmUp = warmUp
        self.drain = drain
        self.replications = replications
        self.seed = seed
        self.policy = policy
        self.acceptance = acceptance
        self.taskTypes = taskTypes
        self.shifts = shifts
        self.utcOffset = utcOffset
        self.performance = performance
        self.learning = learning
        self.batchInterval = batchInterval
    }

    /// Monday 5 January 2026, 00:00 UTC: a day's intervals line up with midnight.
    public static let defaultStart = Date(timeIntervalSince1970: 1_767_571_200)

    /// The policy a run uses when none is asked for.
    public var defaultPolicy: RoutingPolicyKind {
        policy ?? definition.settings.routingPolicy ?? WorkspaceState.Settings().routingPolicy
    }
}

/// One kind of task: what it looks like when it is created, how often it arrives, how patient it
/// is, and how long each step of its workflow takes.
public struct TaskType: Sendable, Hashable {
    /// The type's name in reports.
    public var name: String
    /// The task created on each arrival.
    public var request: NewTask
    /// When tasks arrive: at a Poisson rate, or at replayed times.
    public var arrivals: Arrivals
    /// How long a customer waits for a first answer before giving up; nil never gives up.
    public var patience: Distribution?
    /// How each step of the workflow is worked, by step id.
    public var steps: [StepID: StepProfile]

    /// Creates a task type.
    public init(
        name: String, request: NewTask, arrivals: Arrivals, patience: Distribution? = nil,
        steps: [StepID: StepProfile]
    ) {
        self.name = name
        self.request = request
        self.arrivals = arrivals
        self.patience = patience
        self.steps = steps
    }
}

/// How one step of a task type is worked.
public struct StepProfile: Sendable, Hashable {
    /// The work content: the handling time of a worker at the reference skill level.
    public var handling: Distribution
    /// How a worker's skill level scales the handling time, if it does.
    public var skill: SkillEffect?
    /// The chance that a visit of the step ends in the exception lane instead of completing.
    public var exceptionProbability: Double
    /// The chance of each outcome, for a step with several; nil for a step with one.
    public var outcomes: [(outcome: String, probability: Double)]?
    /// The chance that a finished visit comes back for rework, and where it goes; nil never.
    public var rework: Rework?

    /// Creates a profile.
    public init(
        handling: Distribution, skill: SkillEffect? = nil, exceptionProbability: Double = 0,
        outcomes: [(outcome: String, probability: Double)]? = nil, rework: Rework? = nil
    ) {
        self.handling = handling
        self.skill = skill
        self.exceptionProbability = exceptionProbability
        self.outcomes = outcomes
        self.rework = rework
    }

    public static func == (lhs: StepProfile, rhs: StepProfile) -> Bool {
        lhs.handling == rhs.handling && lhs.skill == rhs.skill && lhs.exceptionProbability == rhs.exceptionProbability
            && lhs.outcomes?.map(\.outcome) == rhs.outcomes?.map(\.outcome)
            && lhs.outcomes?.map(\.probability) == rhs.outcomes?.map(\.probability)
            && lhs.rework == rhs.rework
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(handling)
        hasher.combine(skill)
        hasher.combine(exceptionProbability)
        hasher.combine(rework)
    }
}

/// A step whose finished work sometimes comes back: a reviewer sends it back, the customer
/// reopens it. With probability `probability` a visit that would have completed returns the task
/// to `step` (the same step when nil), where it queues again.
///
/// ```yaml
/// rework: 0.1                               # back to the same step
/// rework: { probability: 0.05, to: triage } # back to an earlier step
/// ```
public struct Rework: Sendable, Hashable, Codable {
    /// The chance that a finished visit comes back.
    public var probability: Double
    /// The step the task returns to; nil for the step just worked.
    public var step: StepID?

    /// Creates a rework rule.
    public init(probability: Double, step: StepID? = nil) {
        self.probability = probability
        self.step = step
    }
}

/// How a worker's level in a skill scales handling time: `time × factor^(level − reference)`.
///
/// With `factor: 0.9` and `reference: 5`, a level-7 worker takes 0.81 of the time and a
/// level-3 worker 1.23 times as long.
public struct SkillEffect: Sendable, Hashable, Codable {
    /// The skill whose level counts.
    public var skill: String
    /// The level at which the handling distribution applies as written.
    public var reference: Int
    /// The multiplier per level above the reference.
    public var factor: Double

    /// Creates an effect.
    public init(skill: String, reference: Int, factor: Double) {
        self.skill = skill
        self.reference = reference
        self.factor = factor
    }

    /// The multiplier for `worker`; a worker without the skill counts as level 0.
    public func multiplier(for worker: Worker) -> Double {
        pow(factor, Double((worker.skills[skill] ?? 0) - reference))
    }
}
