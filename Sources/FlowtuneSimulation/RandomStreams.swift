import FlowtuneCore

/// Independent random streams derived from one replication seed, one per random quantity.
///
/// Each quantity of each customer draws from its own generator, keyed by what it is for and whose
/// it is — never from a shared sequence. So the customer who arrives third gets the same arrival
/// time, work content, patience and path under every routing policy: the policies are compared on
/// common random numbers, and a difference between them is the policies' doing, not the dice's.
///
/// ```swift
/// let streams = RandomStreams(seed: 42)
/// var patience = streams.generator(.patience, type: 0, customer: 17)
/// let u = RandomStreams.uniform(&patience)   // the same for seed 42 under every policy
/// ```
public struct RandomStreams: Sendable, Hashable {
    /// The replication's seed.
    public let seed: UInt64

    /// Creates the streams of one replication.
    public init(seed: UInt64) {
        self.seed = seed
    }

    /// The streams of replication `replication` of a scenario seeded with `seed`.
    public init(scenarioSeed seed: UInt64, replication: Int) {
        self.seed = Self.mix(seed ^ Self.mix(UInt64(truncatingIfNeeded: replication) &+ 0x5151_5151))
    }

    /// What a stream is for.
    public enum Quantity: UInt64, Sendable, Hashable {
        /// The arrival times of a task type: one sequential stream per type.
        case arrival = 1
        /// A customer's patience.
        case patience = 2
        /// The work content of one step visit.
        case service = 3
        /// Whether a step visit ends in the exception lane.
        case exception = 4
        /// The outcome a step visit ends with.
        case outcome = 5
        /// How long a worker takes to accept an offer.
        case acceptance = 6
        /// Ties a later session may need to break at random.
        case tieBreak = 7
        /// Whether a finished step visit comes back for rework.
        case rework = 8
        /// The past visits the learned models start from (`learning.history`), keyed by task
        /// type, worker number and visit.
        case history = 9
    }

    /// The generator for `quantity` of customer `customer` of task type `type`, at its `visit`-th
    /// step (or offer).
    public func generator(_ quantity: Quantity, type: Int, customer: Int = 0, visit: Int = 0) -> SeededGenerator {
        var key = Self.mix(seed ^ (quantity.rawValue &* 0x9E37_79B9_7F4A_7C15))
        key = Self.mix(key ^ UInt64(truncatingIfNeeded: type))
        key = Self.mix(key ^ UInt64(truncatingIfNeeded: customer))
        key = Self.mix(key ^ UInt64(truncatingIfNeeded: visit))
        return SeededGenerator(seed: key)
    }

    /// A uniform variate in the open interval (0, 1): never 0, so its logarithm is finite.
    @inline(__always)
    public static func uniform<G: RandomNumberGenerator>(_ generator: inout G) -> Double {
        (Double(generator.next() >> 11) + 0.5) * 0x1p-53
    }

    /// The SplitMix64 finaliser: a bijection that spreads every input bit over the output.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
