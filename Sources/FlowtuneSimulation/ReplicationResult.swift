import FlowtuneCore

/// The measures of one replication under one policy.
public struct ReplicationResult: Sendable, Hashable, Codable {
    /// The policy the replication ran under.
    public var policy: RoutingPolicyKind
    /// The replication's number, from 0; the same number means the same random numbers.
    public var replication: Int
    /// What it measured, in a fixed order.
    public var measures: [Measure]
    /// A fingerprint of every arrival's type, time and patience. Two policies' replications with
    /// the same number have the same digest: they served the same customers.
    public var arrivalDigest: UInt64
    /// The measured waits' percentiles 0, 1, …, 100 in seconds; empty when nobody was answered.
    public var waitPercentiles: [Double]

    /// Creates a result.
    public init(
        policy: RoutingPolicyKind, replication: Int, measures: [Measure], arrivalDigest: UInt64 = 0, waitPercentiles: [Double] = []
    ) {
        self.policy = policy
        self.replication = replication
        self.measures = measures
        self.arrivalDigest = arrivalDigest
        self.waitPercentiles = waitPercentiles
    }

    private enum CodingKeys: String, CodingKey {
        case policy, replication, measures, arrivalDigest, waitPercentiles = "wait_percentiles"
    }

    /// The value of the measure named `name`, if the replication has it.
    public subscript(name: String) -> Double? {
        measures.first { $0.name == name }?.value
    }
}
