import FlowtuneCore
import Foundation

/// One completed step: who worked it and how long it took.
public struct HandlingTimeObservation: Sendable, Hashable, Codable {
    /// The task type, such as the workflow or an intent.
    public var taskType: String
    /// The step worked.
    public var step: StepID
    /// Who worked it.
    public var worker: WorkerID
    /// The worker's team when they worked it.
    public var team: String
    /// The handling time in seconds; must be positive.
    public var seconds: Double

    /// Creates an observation.
    public init(taskType: String, step: StepID, worker: WorkerID, team: String, seconds: Double) {
        self.taskType = taskType
        self.step = step
        self.worker = worker
        self.team = team
        self.seconds = seconds
    }
}

/// A predicted handling time: a lognormal distribution with its model version and how much of it
/// comes from the worker's own history.
///
/// ```swift
/// let estimate = model.estimate(taskType: "billing", step: "answer", worker: "ana", team: "tier1")!
/// estimate.mean    // expected seconds, for expected-cost routing
/// estimate.upper   // the configured upper quantile (p90 by default), for service-level risk
/// estimate.model   // handling-time@3
/// ```
public struct HandlingTimeEstimate: Sendable, Hashable, Codable {
    /// The most specific level that had history.
    public enum Level: String, Sendable, Hashable, Codable {
        case worker, team, everyone
    }

    /// The model version that made the estimate.
    public var model: ModelReference
    /// Where the estimate's own data came from.
    public var level: Level
    /// μ: the estimated mean of log(seconds).
    public var logMean: Double
    /// v: the predictive variance of log(seconds), process variance plus the uncertainty of μ.
    public var logVariance: Double
    /// Observations of this worker (level `worker`) or team (level `team`) behind the estimate.
    public var samples: Int
    /// Z = n/(n + k): the weight of the worker's own mean against the team's (0 for a new worker).
    public var credibility: Double
    /// The probability level of ``upper``.
    public var upperLevel: Double
    /// The ``upperLevel`` quantile in seconds.
    public var upper: Double

    /// exp(μ + v/2): the expected handling time in seconds.
    public var mean: Double { exp(logMean + logVariance / 2) }
    /// exp(μ): the median handling time in seconds.
    public var median: Double { exp(logMean) }

    /// The `p` quantile in seconds: exp(μ + Φ⁻¹(p)·√v).
    public func quantile(_ p: Double) -> Double {
        exp(logMean + StandardNormal.quantile(p) * logVariance.squareRoot())
    }
}

/// Handling time per (task type, step, worker), learned online with hierarchical shrinkage
/// worker → team → everyone, so that a worker with little history is predicted mostly from the
/// team and a new worker exactly as the team.
///
/// Handling times are modelled as lognormal: x = log(seconds) ~ N(μ_w, σ²) for worker w. In each
/// (task type, step) segment the model keeps ``CredibilityStatistics`` of x, and estimates
/// (Bühlmann–Straub credibility, an empirical-Bayes normal–normal model):
///
/// - everyone: μ₀ = x̄, the mean of all observations;
/// - team t:   μ_t = (n_t·x̄_t + k_T·μ₀) / (n_t + k_T),   k_T = σ²_team / τ²_team;
/// - worker w: μ_w = (n_w·x̄_w + k_W·μ_t) / (n_w + k_W),  k_W = σ²_worker / τ²_worker;
///
/// where σ² is the pooled variance within a group and τ² the variance between the groups' true
/// means (workers within their team; teams around everyone), both estimated online.
/// Equivalently μ_w = Z·x̄_w + (1 − Z)·μ_t with credibility Z = n_w/(n_w + k_W).
///
/// The predictive variance of a new handling time is
/// v = σ²_worker + (1 − Z_w)·τ²_worker + (1 − Z_w)²·V_t, with V_t = (1 − Z_t)·τ²_team the
/// uncertainty of the team mean, so the interval widens for a worker with little history. The
/// predicted mean is exp(μ + v/2) and the p-quantile exp(μ + Φ⁻¹(p)·√v).
///
/// ```swift
/// var model = HandlingTimeModel(reference: ModelReference(name: "handling-time", version: 1))
/// try model.observe(HandlingTimeObservation(taskType: "billing", step: "answer", worker: "ana", team: "tier1", seconds: 240))
/// let estimate = model.estimate(taskType: "billing", step: "answer", worker: "bo", team: "tier1")
/// ```
public struct HandlingTimeModel: Sendable, Hashable, Codable {
    /// How the model shrinks and what it reports.
    public struct Configuration: Sendable, Hashable, Codable {
        /// k_W, the worth of the team mean in worker observations.
        public var workerStrength: ShrinkageStrength
        /// k_T, the worth of everyone's mean in team observations.
        public var teamStrength: ShrinkageStrength
        /// The probability level of ``HandlingTimeEstimate/upper``.
        public var upperLevel: Double
        /// The variance of log(seconds) assumed until two observations give one (0.5 is a
        /// factor of about 2 between median and p76).
        public var priorLogVariance: Double

        /// Creates a configuration.
        public init(
            workerStrength: ShrinkageStrength = .estimated(fallback: 5),
            teamStrength: ShrinkageStrength = .estimated(fallback: 5),
            upperLevel: Double = 0.9, priorLogVariance: Double = 0.5
        ) {
            self.workerStrength = workerStrength
            self.teamStrength = teamStrength
            self.upperLevel = upperLevel
            self.priorLogVariance = priorLogVariance
        }
    }

    /// A (task type, step) pair: the unit whose workers are compared.
    public struct Segment: Sendable, Hashable, Codable {
        public var taskType: String
        public var step: StepID

        public init(taskType: String, step: StepID) {
            self.taskType = taskType
            self.step = step
        }
    }

    /// The model's name and version, carried by every estimate.
    public var reference: ModelReference
    /// How the model shrinks and what it reports.
    public var configuration: Configuration
    /// The statistics of log(seconds) per segment, workers within teams.
    public private(set) var segments: [Segment: CredibilityStatistics] = [:]

    /// Creates an empty model.
    public init(
        reference: ModelReference = ModelReference(name: "handling-time", version: 1),
        configuration: Configuration = Configuration()
    ) {
        self.reference = reference
        self.configuration = configuration
    }

    /// Learns from one completed step.
    public mutating func observe(_ observation: HandlingTimeObservation) throws {
        guard observation.seconds > 0, observation.seconds.isFinite else {
            throw InvalidObservation(field: "seconds", reason: "a handling time must be a positive number of seconds")
        }
        let segment = Segment(taskType: observation.taskType, step: observation.step)
        segments[segment, default: CredibilityStatistics()]
            .add(log(observation.seconds), member: observation.worker.rawValue, group: observation.team)
    }

    /// The handling time of `worker` of `team`; nil when the segment has no history at all.
    /// A worker without history gets exactly the team's estimate.
    public func estimate(taskType: String, step: StepID, worker: WorkerID, team: String) -> HandlingTimeEstimate? {
        estimate(Segment(taskType: taskType, step: step), worker: worker.rawValue, team: team)
    }

    /// The handling time of a worker of `team` about whom nothing is known; with no team
    /// history, everyone's.
    public func estimate(taskType: String, step: StepID, team: String) -> HandlingTimeEstimate? {
        estimate(Segment(taskType: taskType, step: step), worker: nil, team: team)
    }

    private func estimate(_ segment: Segment, worker: String?, team: String) -> HandlingTimeEstimate? {
        guard let statistics = segments[segment], let overall = statistics.mean else { return nil }
        let fallbackVariance = statistics.totalVariance ?? configuration.priorLogVariance
        let withinWorker = statistics.withinMemberVariance ?? fallbackVariance
        let withinTeam = statistics.withinGroupVariance ?? fallbackVariance

        let teamK = configuration.teamStrength.strength(within: withinTeam, between: statistics.betweenGroupVariance)
        let teamBetween = teamK > 0 ? withinTeam / teamK : 0
        // The uncertainty of everyone's mean, small but kept so a lone new team is not overconfident.
        let overallVariance = (withinTeam + teamBetween) / statistics.count

        var level = HandlingTimeEstimate.Level.everyone
        var samples = 0
        var teamMean = overall
        var teamVariance = teamBetween + overallVariance
        if let group = statistics.group(team) {
            let z = Self.credibility(count: group.count, strength: teamK)
            teamMean = z * group.mean + (1 - z) * overall
            teamVariance = (1 - z) * teamBetween + (1 - z) * (1 - z) * overallVariance
            level = .team
            samples = Int(group.count)
        }

        let workerK = configuration.workerStrength.strength(
            within: withinWorker, between: statistics.betweenMemberVariance)
        let workerBetween = workerK > 0 ? withinWorker / workerK : 0
        var mean = teamMean
        var z = 0.0
        if let worker, let member = statistics.member(worker, of: team) {
            z = Self.credibility(count: member.count, strength: workerK)
            mean = z * member.mean + (1 - z) * teamMean
            level = .worker
            samples = Int(member.count)
        }
        let variance = withinWorker + (1 - z) * workerBetween + (1 - z) * (1 - z) * teamVariance
        return HandlingTimeEstimate(
            model: reference, level: level, logMean: mean, logVariance: variance, samples: samples,
            credibility: z, upperLevel: configuration.upperLevel,
            upper: exp(mean + StandardNormal.quantile(configuration.upperLevel) * variance.squareRoot()))
    }

    /// Z = n/(n + k), 0 without observations (also when k = 0).
    static func credibility(count: Double, strength: Double) -> Double {
        count > 0 ? count / (count + strength) : 0
    }
}
