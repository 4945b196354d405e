import FlowtuneCore

/// Every replication of one policy, and their pooled estimates.
public struct PolicyRun: Sendable, Hashable, Codable {
    /// The policy.
    public var policy: RoutingPolicyKind
    /// One result per replication, in replication order.
    public var replications: [ReplicationResult]

    /// Creates a run.
    public init(policy: RoutingPolicyKind, replications: [ReplicationResult]) {
        self.policy = policy
        self.replications = replications
    }

    /// The measures' names and units, in the order the replications report them.
    public var measures: [(name: String, unit: Measure.Unit)] {
        var seen: Set<String> = []
        var names: [(String, Measure.Unit)] = []
        for result in replications {
            for measure in result.measures where seen.insert(measure.name).inserted {
                names.append((measure.name, measure.unit))
            }
        }
        return names
    }

    /// The pooled estimate of the measure named `name`: mean and 95% CI over replications.
    public func estimate(_ name: String) -> Estimate {
        Estimate(replications.map { $0[name] ?? .nan })
    }
}
