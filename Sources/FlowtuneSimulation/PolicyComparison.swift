import FlowtuneCore

/// Paired differences between a policy and the baseline over the same replications.
///
/// Replication *r* of both policies saw the same customers (common random numbers), so the
/// difference per replication cancels the traffic's own variation and its interval is much
/// narrower than the two intervals side by side suggest.
public struct PolicyComparison: Sendable, Hashable {
    /// The baseline policy.
    public var baseline: PolicyRun
    /// The policy compared with it.
    public var candidate: PolicyRun

    /// Creates a comparison.
    public init(baseline: PolicyRun, candidate: PolicyRun) {
        self.baseline = baseline
        self.candidate = candidate
    }

    /// candidate − baseline for the measure named `name`, paired by replication.
    public func difference(_ name: String) -> Estimate {
        let baselines = Dictionary(baseline.replications.map { ($0.replication, $0[name] ?? .nan) }) { first, _ in first }
        return Estimate(candidate.replications.map { result in
            (result[name] ?? .nan) - (baselines[result.replication] ?? .nan)
        })
    }
}
