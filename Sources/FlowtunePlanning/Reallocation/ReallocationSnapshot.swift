import FlowtuneCore
import Foundation

/// What the reallocator sees at one clock reading: every queue's backlog and forecast, and every
/// worker with the queue they serve now. Built by the engine each minute from workspace state and
/// the forecasts; the reallocator reads nothing else.
///
/// ```swift
/// let snapshot = ReallocationSnapshot(
///     time: now,
///     queues: [QueueSnapshot(queue: billing, waiting: 14, arrivalRates: [0.21, 0.24, 0.22, 0.20],
///                            meanHandlingTime: 240)],
///     workers: [WorkerSnapshot(worker: ana, serving: billing.id, flexible: true, moveCost: 4)])
/// let plan = try Reallocator(settings: ReallocationSettings(automaticCostLimit: 5)).plan(snapshot)
/// ```
public struct ReallocationSnapshot: Sendable, Hashable, Codable {
    /// The clock reading the snapshot was taken at; the plan carries it, nothing else reads it.
    public var time: Date
    /// Every queue the workspace staffs.
    public var queues: [QueueSnapshot]
    /// Every worker in the workspace, serving a queue or not.
    public var workers: [WorkerSnapshot]

    /// A snapshot as given.
    public init(time: Date, queues: [QueueSnapshot], workers: [WorkerSnapshot]) {
        self.time = time
        self.queues = queues
        self.workers = workers
    }
}

/// One queue at the snapshot: its definition (the service-level promise and the requirement that
/// decides who may serve it), how many tasks wait, and the forecast for the next intervals.
public struct QueueSnapshot: Sendable, Hashable, Codable {
    /// The queue as the core defines it; its `serviceLevel` is the promise, its `requirement` the
    /// eligibility rule applied to workers moved in.
    public var queue: Queue
    /// Tasks waiting now.
    public var waiting: Int
    /// Forecast arrivals per second for each of the next intervals, the first starting now; the
    /// horizon is as long as this list.
    public var arrivalRates: [Double]
    /// The mean handling time, in seconds.
    public var meanHandlingTime: Double
    /// How long callers wait before they give up, when known: Erlang A instead of Erlang C.
    public var patience: CallerPatience
    /// The queue's learned safety margin on the service level (see ``RiskMargin``); the caller
    /// keeps it from one minute to the next.
    public var riskMargin: RiskMargin

    /// A queue's snapshot; with no patience given callers are assumed to wait (Erlang C), and the
    /// margin starts at its configured 2 points.
    public init(
        queue: Queue, waiting: Int, arrivalRates: [Double], meanHandlingTime: Double,
        patience: CallerPatience = .unlimited, riskMargin: RiskMargin = RiskMargin()
    ) {
        self.queue = queue
        self.waiting = waiting
        self.arrivalRates = arrivalRates
        self.meanHandlingTime = meanHandlingTime
        self.patience = patience
        self.riskMargin = riskMargin
    }

    /// The promise as a fraction (0.8 for "80% within T").
    public var target: Double { queue.serviceLevel.percent / 100 }
}

/// One worker at the snapshot: who they are (skills, certifications, team, status, from the
/// core), which queue they serve now, whether they may be moved and what a move costs.
public struct WorkerSnapshot: Sendable, Hashable, Codable {
    /// The worker as the core defines it; only an `available` worker counts as an agent or moves.
    public var worker: Worker
    /// The queue the worker serves now; nil for a worker on no queue (back-office work, say),
    /// who can be moved in without weakening any queue.
    public var serving: QueueID?
    /// Whether the worker agreed to be moved between queues during the day.
    public var flexible: Bool
    /// What one move of this worker costs, in the workspace's currency: a fixed disruption cost,
    /// a premium for the hours on the other queue, or both, as the caller prices it.
    public var moveCost: Double

    /// A worker's snapshot.
    public init(worker: Worker, serving: QueueID?, flexible: Bool, moveCost: Double) {
        self.worker = worker
        self.serving = serving
        self.flexible = flexible
        self.moveCost = moveCost
    }
}

/// How the reallocator works: the forecast's interval length, the cost up to which moves are
/// applied without asking, and how many losing candidates an explanation names.
public struct ReallocationSettings: Sendable, Hashable, Codable {
    /// The length of each forecast interval, in seconds.
    public var intervalLength: TimeInterval
    /// Moves costing at most this are applied at once; dearer ones wait for an operator.
    public var automaticCostLimit: Double
    /// How many losing candidates each move's explanation names (all are counted).
    public var explainedCandidates: Int

    /// Settings; 15-minute intervals by default.
    public init(intervalLength: TimeInterval = 900, automaticCostLimit: Double, explainedCandidates: Int = 5) {
        self.intervalLength = intervalLength
        self.automaticCostLimit = automaticCostLimit
        self.explainedCandidates = explainedCandidates
    }
}

/// A queue's safety margin on the predicted service level, learned from how wrong past
/// predictions were: a queue counts as at risk when its prediction falls below target + margin.
///
/// Each error is predicted − observed service level for an interval that has ended (positive
/// when the prediction was too hopeful). The margin is the smoothed error plus `deviations`
/// standard deviations (the core's ``EWMAStatistics``), between 0 and `ceiling`; until
/// `minimumSamples` errors have been seen it is the configured value. A queue whose forecasts
/// run hot thus gets help earlier; one predicted well is left alone until it really slips.
///
/// ```swift
/// var margin = RiskMargin(configured: 0.02)
/// margin.observe(predicted: 0.84, observed: 0.79)   // once an interval is over
/// margin.value
/// ```
public struct RiskMargin: Sendable, Hashable, Codable {
    /// The margin used until enough errors are known, as a fraction (0.02 = 2 points).
    public var configured: Double
    /// Errors needed before the learned margin replaces the configured one.
    public var minimumSamples: Int
    /// The EWMA smoothing factor (larger forgets faster).
    public var smoothing: Double
    /// Standard deviations of the error added to its mean.
    public var deviations: Double
    /// The largest margin, so that one bad hour cannot make every queue look at risk forever.
    public var ceiling: Double
    /// The smoothed prediction errors so far.
    public private(set) var errors: EWMAStatistics

    /// A margin that has seen no errors.
    public init(
        configured: Double = 0.02, minimumSamples: Int = 8, smoothing: Double = 0.2, deviations: Double = 1,
        ceiling: Double = 0.15
    ) {
        self.configured = configured
        self.minimumSamples = minimumSamples
        self.smoothing = smoothing
        self.deviations = deviations
        self.ceiling = ceiling
        errors = EWMAStatistics()
    }

    /// Folds in one interval's outcome.
    public mutating func observe(predicted: Double, observed: Double) {
        errors.update(predicted - observed, smoothing: smoothing)
    }

    /// The margin in force, as a fraction of calls.
    public var value: Double {
        guard errors.count >= minimumSamples else { return min(max(configured, 0), ceiling) }
        return min(max(errors.mean + deviations * errors.standardDeviation, 0), ceiling)
    }
}

/// A snapshot the reallocator cannot use, naming the queue or worker and the field.
public struct ReallocationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The queue or worker concerned, when one is.
    public var subject: String?
    /// The field at fault, such as `arrivalRates`.
    public var field: String
    /// What is wrong, in words.
    public var reason: String

    /// An error about `field` of `subject`.
    public init(subject: String? = nil, field: String, reason: String) {
        self.subject = subject
        self.field = field
        self.reason = reason
    }

    public var description: String {
        if let subject { return "\(subject): \(field): \(reason)" }
        return "\(field): \(reason)"
    }
}
