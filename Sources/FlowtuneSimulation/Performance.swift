import FlowtuneCore
import Foundation

/// How well one worker really does one task type: the simulated world's truth, which routing
/// never sees — only the outcomes it produces.
///
/// ```yaml
/// performance:
///   workers:
///     ana: { billing: { speed: 0.7, resolution: 0.95 } }
/// ```
public struct WorkerPerformance: Sendable, Hashable, Codable {
    /// The multiplier on handling time: 0.7 takes 70% of the time the step profile says (after
    /// the declared skill's effect), 1.4 takes 40% longer.
    public var speed: Double
    /// The chance, 0...1, that a visit the worker finishes is resolved the first time; the rest
    /// come back for rework. Nil keeps the step's own `rework` probability.
    public var resolution: Double?

    /// A performance as given.
    public init(speed: Double = 1, resolution: Double? = nil) {
        self.speed = speed
        self.resolution = resolution
    }
}

/// The truth of every worker's performance by task type: entries written per worker, and for
/// large desks a seeded generator for the rest.
///
/// Speed multiplies handling time on every step of the task type, on top of the declared skill's
/// effect (`skill` in the step profile): the declared levels show part of a worker's speed, the
/// truth adds what they do not. Resolution replaces the step's `rework` probability for the
/// worker: a visit comes back with probability 1 − resolution, to the step `rework.to` names
/// (the same step by default).
///
/// ```swift
/// let truth = PerformanceTruth(workers: ["ana": ["billing": WorkerPerformance(speed: 0.7, resolution: 0.95)]])
/// truth.performance(of: "ana", taskType: "billing", taskTypes: ["billing"]).speed   // 0.7
/// ```
public struct PerformanceTruth: Sendable, Hashable, Codable {
    /// Entries written per worker, by task type name; they take precedence over generated ones,
    /// field by field.
    public var workers: [WorkerID: [String: WorkerPerformance]]
    /// The generator for every (worker, task type) not written out, if any.
    public var generator: PerformanceGenerator?

    /// A truth as given.
    public init(workers: [WorkerID: [String: WorkerPerformance]] = [:], generator: PerformanceGenerator? = nil) {
        self.workers = workers
        self.generator = generator
    }

    /// The performance of `worker` on `taskType`, among the scenario's `taskTypes` (a
    /// specialist's type is drawn among them): the written entry over the generated one, else
    /// speed 1 and the step's own rework.
    public func performance(of worker: WorkerID, taskType: String, taskTypes: [String]) -> WorkerPerformance {
        var performance = generator?.performance(of: worker, taskType: taskType, taskTypes: taskTypes) ?? WorkerPerformance()
        if let written = workers[worker]?[taskType] {
            performance.speed = written.speed
            if let resolution = written.resolution { performance.resolution = resolution }
        }
        return performance
    }
}

/// Draws each worker's performance on each task type from its own seeded stream, so a worker's
/// truth depends only on the seed, the worker's id, the type and the list of types a specialist
/// is drawn among — not on who else is on the desk or in which order they are listed.
///
/// - speed: `exp(spread · z)` with z standard normal: median 1, and with spread 0.25 the middle
///   half of workers within ×0.85…×1.18 of each other's handling time;
/// - resolution: `logit⁻¹(logit(mean) + spread · z)`, when a mean is given;
/// - specialists: a `share` of workers is each a specialist in one task type drawn at random,
///   taking `speed` times as long on it and resolving it with probability `resolution`.
///
/// ```yaml
/// performance:
///   generate:
///     seed: 7
///     speed: { spread: 0.25 }
///     resolution: { mean: 0.85, spread: 0.6 }
///     specialists: { share: 0.25, speed: 0.65, resolution: 0.95, types: [billing, technical] }
/// ```
public struct PerformanceGenerator: Sendable, Hashable, Codable {
    /// The seed of every worker's draws.
    public var seed: UInt64
    /// The standard deviation of log(speed) across (worker, type).
    public var speedSpread: Double
    /// The mean first-time resolution; nil draws none (the steps' rework applies).
    public var resolutionMean: Double?
    /// The standard deviation of logit(resolution) across (worker, type).
    public var resolutionSpread: Double
    /// The specialists, if any.
    public var specialists: Specialists?
    /// The task types drawn for; nil for all.
    public var types: [String]?

    /// Who is a specialist, and how much better on their type.
    public struct Specialists: Sendable, Hashable, Codable {
        /// The share of workers, 0...1, who are specialists.
        public var share: Double
        /// The multiplier on a specialist's handling time of their type.
        public var speed: Double
        /// A specialist's first-time resolution on their type; nil keeps the drawn one.
        public var resolution: Double?
        /// The task types specialists are drawn among; nil for the generator's.
        public var types: [String]?

        /// Specialists as given.
        public init(share: Double, speed: Double, resolution: Double? = nil, types: [String]? = nil) {
            self.share = share
            self.speed = speed
            self.resolution = resolution
            self.types = types
        }
    }

    /// A generator as given.
    public init(
        seed: UInt64, speedSpread: Double = 0, resolutionMean: Double? = nil, resolutionSpread: Double = 0,
        specialists: Specialists? = nil, types: [String]? = nil
    ) {
        self.seed = seed
        self.speedSpread = speedSpread
        self.resolutionMean = resolutionMean
        self.resolutionSpread = resolutionSpread
        self.specialists = specialists
        self.types = types
    }

    /// The drawn performance of `worker` on `taskType`.
    public func performance(of worker: WorkerID, taskType: String, taskTypes: [String]) -> WorkerPerformance {
        let drawnTypes = types ?? taskTypes
        guard drawnTypes.contains(taskType) else { return WorkerPerformance() }
        var generator = SeededGenerator(seed: Self.key(seed, worker.rawValue, taskType))
        var speed = exp(speedSpread * Distribution.standardNormal(&generator))
        var resolution: Double?
        let z = Distribution.standardNormal(&generator)
        if let mean = resolutionMean {
            resolution = Self.logistic(Self.logit(mean) + resolutionSpread * z)
        }
        if let specialists, let specialty = specialty(of: worker, specialists: specialists, taskTypes: drawnTypes),
            specialty == taskType
        {
            speed *= specialists.speed
            if let level = specialists.resolution { resolution = level }
        }
        return WorkerPerformance(speed: speed, resolution: resolution)
    }

    /// The type `worker` specialises in, if the worker is a specialist.
    public func specialty(of worker: WorkerID, taskTypes: [String]) -> String? {
        specialists.flatMap { specialty(of: worker, specialists: $0, taskTypes: types ?? taskTypes) }
    }

    private func specialty(of worker: WorkerID, specialists: Specialists, taskTypes: [String]) -> String? {
        let among = specialists.types ?? taskTypes
        guard !among.isEmpty else { return nil }
        var generator = SeededGenerator(seed: Self.key(seed, worker.rawValue, "\u{0}specialist"))
        guard RandomStreams.uniform(&generator) < specialists.share else { return nil }
        let index = min(Int(RandomStreams.uniform(&generator) * Double(among.count)), among.count - 1)
        return among[index]
    }

    /// A stream key from the seed and names: FNV-1a over the names, mixed with the seed, so it
    /// is the same on every platform and run (Swift's `Hasher` is seeded per process).
    static func key(_ seed: UInt64, _ names: String...) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for name in names {
            for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            hash = (hash ^ 0xff) &* 0x100_0000_01b3
        }
        return RandomStreams.mix(seed ^ RandomStreams.mix(hash))
    }

    static func logit(_ p: Double) -> Double {
        let q = min(max(p, 1e-9), 1 - 1e-9)
        return log(q / (1 - q))
    }

    static func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
}
