import FlowtuneCore

/// One finished task: whether it was resolved the first time (no rework, no reopen).
public struct ResolutionObservation: Sendable, Hashable, Codable {
    /// The task type.
    public var taskType: String
    /// The worker who resolved (or failed to resolve) it.
    public var worker: WorkerID
    /// The worker's team.
    public var team: String
    /// True when the task needed no rework.
    public var resolvedFirstTime: Bool

    /// Creates an observation.
    public init(taskType: String, worker: WorkerID, team: String, resolvedFirstTime: Bool) {
        self.taskType = taskType
        self.worker = worker
        self.team = team
        self.resolvedFirstTime = resolvedFirstTime
    }
}

/// A predicted first-time-resolution chance: a Beta posterior with its credible interval.
///
/// ```swift
/// let chance = model.estimate(taskType: "billing", worker: "ana", team: "tier1")!
/// chance.mean        // expected resolution chance, for expected-value routing
/// chance.interval    // 90% credible interval by default
/// ```
public struct ResolutionEstimate: Sendable, Hashable, Codable {
    /// The model version that made the estimate.
    public var model: ModelReference
    /// Where the estimate's own data came from.
    public var level: HandlingTimeEstimate.Level
    /// The posterior Beta(α, β).
    public var posterior: BetaDistribution
    /// Observations of this worker (level `worker`) or team (level `team`).
    public var samples: Int
    /// m: the prior's worth in observations at this level.
    public var priorStrength: Double
    /// The probability mass of ``interval``.
    public var intervalMass: Double
    /// The equal-tailed credible interval.
    public var interval: ClosedRange<Double>

    /// The posterior mean α/(α + β).
    public var mean: Double { posterior.mean }
}

/// First-time resolution per (worker, task type), Beta-Binomial with shrinkage worker → team →
/// everyone.
///
/// For each task type, with s successes and f failures at a level:
///
/// - everyone: Beta(α₀ + s, β₀ + f), mean p₀ (α₀ = β₀ = 1 by default, a uniform prior);
/// - team t:   Beta(m_T·p₀ + s_t, m_T·(1 − p₀) + f_t), mean p_t;
/// - worker w: Beta(m_W·p_t + s_w, m_W·(1 − p_t) + f_w).
///
/// So the posterior mean is (s + m·p_parent)/(n + m): credibility with k = m. The prior strength
/// m is configured, or estimated by the method of moments: for Beta-distributed true rates,
/// E[p(1 − p)] / Var(p) = m, so m = σ²_within/τ²_between from the same
/// ``CredibilityStatistics`` as handling times, applied to the 0/1 outcomes.
///
/// ```swift
/// var model = ResolutionModel()
/// try model.observe(ResolutionObservation(taskType: "billing", worker: "ana", team: "tier1", resolvedFirstTime: true))
/// model.estimate(taskType: "billing", worker: "ana", team: "tier1")?.mean
/// ```
public struct ResolutionModel: Sendable, Hashable, Codable {
    /// Priors and reporting.
    public struct Configuration: Sendable, Hashable, Codable {
        /// m_W, the worth of the team rate in worker observations.
        public var workerStrength: ShrinkageStrength
        /// m_T, the worth of everyone's rate in team observations.
        public var teamStrength: ShrinkageStrength
        /// α₀, β₀: the prior of everyone's rate.
        public var globalPrior: BetaDistribution
        /// The mass of the reported credible interval.
        public var intervalMass: Double

        /// Creates a configuration.
        public init(
            workerStrength: ShrinkageStrength = .estimated(fallback: 10, maximum: 10_000),
            teamStrength: ShrinkageStrength = .estimated(fallback: 10, maximum: 10_000),
            globalPrior: BetaDistribution = BetaDistribution(alpha: 1, beta: 1), intervalMass: Double = 0.9
        ) {
            self.workerStrength = workerStrength
            self.teamStrength = teamStrength
            self.globalPrior = globalPrior
            self.intervalMass = intervalMass
        }
    }

    /// The model's name and version, carried by every estimate.
    public var reference: ModelReference
    /// Priors and reporting.
    public var configuration: Configuration
    /// The statistics of the 0/1 outcomes per task type, workers within teams.
    public private(set) var taskTypes: [String: CredibilityStatistics] = [:]

    /// Creates an empty model.
    public init(
        reference: ModelReference = ModelReference(name: "first-time-resolution", version: 1),
        configuration: Configuration = Configuration()
    ) {
        self.reference = reference
        self.configuration = configuration
    }

    /// Learns from one finished task.
    public mutating func observe(_ observation: ResolutionObservation) {
        taskTypes[observation.taskType, default: CredibilityStatistics()]
            .add(observation.resolvedFirstTime ? 1 : 0, member: observation.worker.rawValue, group: observation.team)
    }

    /// The chance `worker` of `team` resolves a task of `taskType` the first time. Without any
    /// history of the task type, the global prior.
    public func estimate(taskType: String, worker: WorkerID, team: String) -> ResolutionEstimate {
        estimate(taskType, worker: worker.rawValue, team: team)
    }

    /// The chance for a worker of `team` about whom nothing is known.
    public func estimate(taskType: String, team: String) -> ResolutionEstimate {
        estimate(taskType, worker: nil, team: team)
    }

    private func estimate(_ taskType: String, worker: String?, team: String) -> ResolutionEstimate {
        let prior = configuration.globalPrior
        guard let statistics = taskTypes[taskType], let overallRate = statistics.mean else {
            return make(.everyone, prior, samples: 0, strength: prior.alpha + prior.beta)
        }
        let successes = overallRate * statistics.count
        let overall = BetaDistribution(
            alpha: prior.alpha + successes, beta: prior.beta + statistics.count - successes)

        let teamM = Self.usable(configuration.teamStrength.strength(
            within: statistics.withinGroupVariance, between: statistics.betweenGroupVariance))
        let group = statistics.group(team)
        let teamPosterior = Self.posterior(mean: overall.mean, strength: teamM, count: group?.count ?? 0, rate: group?.mean ?? 0)

        let workerM = Self.usable(configuration.workerStrength.strength(
            within: statistics.withinMemberVariance, between: statistics.betweenMemberVariance))
        if let worker, let member = statistics.member(worker, of: team) {
            let posterior = Self.posterior(mean: teamPosterior.mean, strength: workerM, count: member.count, rate: member.mean)
            return make(.worker, posterior, samples: Int(member.count), strength: workerM)
        }
        // A worker without history: the team rate, as widely spread as workers of a team are.
        let newWorker = Self.posterior(mean: teamPosterior.mean, strength: workerM, count: 0, rate: 0)
        return make(group == nil ? .everyone : .team, newWorker, samples: Int(group?.count ?? 0), strength: workerM)
    }

    private func make(
        _ level: HandlingTimeEstimate.Level, _ posterior: BetaDistribution, samples: Int, strength: Double
    ) -> ResolutionEstimate {
        ResolutionEstimate(
            model: reference, level: level, posterior: posterior, samples: samples, priorStrength: strength,
            intervalMass: configuration.intervalMass, interval: posterior.credibleInterval(mass: configuration.intervalMass))
    }

    /// Beta(m·p + s, m·(1 − p) + f) with s = n·rate.
    static func posterior(mean: Double, strength: Double, count: Double, rate: Double) -> BetaDistribution {
        let successes = (count * rate).rounded()
        // Keep both parameters positive when the prior mean sits at 0 or 1.
        let p = min(max(mean, 1e-9), 1 - 1e-9)
        return BetaDistribution(alpha: strength * p + successes, beta: strength * (1 - p) + count - successes)
    }

    /// A Beta prior needs a positive strength.
    static func usable(_ strength: Double) -> Double { max(strength, 1e-3) }
}
