/// Online sums for observations grouped two levels deep — members (workers) within groups
/// (teams) — from which the Bühlmann–Straub credibility estimators are read in constant time.
///
/// Both the handling-time and the first-time-resolution models keep one of these per segment.
/// Every quantity below is kept as a running sum updated by ``add(_:member:group:)``, so reading
/// an estimate never walks the members:
///
/// - within-member variance  σ²_m = (Σx² − Σ_m S_m²/n_m) / (n − M)
/// - between-member variance τ²_m = (Σ_m S_m²/n_m − Σ_g S_g²/n_g − (M − G)·σ²_m) / (n − Σ_g (Σ_{m∈g} n_m²)/n_g)
/// - within-group variance   σ²_g = (Σx² − Σ_g S_g²/n_g) / (n − G)
/// - between-group variance  τ²_g = (Σ_g S_g²/n_g − S²/n − (G − 1)·σ²_g) / (n − Σ_g n_g²/n)
///
/// where S is a sum of observations, n a count, M the number of members and G of groups. The
/// between-variance estimators are unbiased method-of-moments estimators (Bühlmann & Gisler,
/// *A Course in Credibility Theory*, §4.8) and can come out negative, meaning no evidence that
/// members differ. Values are centred on the first observation so that the sums of squares do
/// not cancel catastrophically.
public struct CredibilityStatistics: Sendable, Hashable, Codable {
    /// One member's sums.
    public struct Sums: Sendable, Hashable, Codable {
        /// Observations.
        public var count: Double = 0
        /// Σ (x − shift).
        public var sum: Double = 0
        /// Σ (x − shift)².
        public var sumOfSquares: Double = 0

        /// The mean of the centred observations.
        var centredMean: Double { sum / count }
    }

    struct Group: Sendable, Hashable, Codable {
        var sums = Sums()
        /// Σ_{m∈g} n_m².
        var memberCountSquares: Double = 0
        var members: [String: Sums] = [:]
    }

    /// The value subtracted from every observation before summing: the first one seen.
    public private(set) var shift: Double?
    /// All observations.
    public private(set) var total = Sums()
    private var groups: [String: Group] = [:]
    private var memberCount = 0
    /// Σ_m S_m²/n_m.
    private var memberTerm: Double = 0
    /// Σ_g S_g²/n_g.
    private var groupTerm: Double = 0
    /// Σ_g n_g².
    private var groupCountSquares: Double = 0
    /// Σ_g (Σ_{m∈g} n_m²)/n_g.
    private var memberCountSquaresOverGroups: Double = 0

    public init() {}

    /// Adds one observation `value` made by `member` of `group`.
    public mutating func add(_ value: Double, member: String, group: String) {
        if shift == nil { shift = value }
        let x = value - shift!
        var groupSums = groups[group] ?? Group()
        var memberSums = groupSums.members[member] ?? Sums()
        if memberSums.count == 0 { memberCount += 1 }

        // Replace the old terms of this member and group by the new ones.
        if memberSums.count > 0 { memberTerm -= memberSums.sum * memberSums.sum / memberSums.count }
        if groupSums.sums.count > 0 {
            groupTerm -= groupSums.sums.sum * groupSums.sums.sum / groupSums.sums.count
            memberCountSquaresOverGroups -= groupSums.memberCountSquares / groupSums.sums.count
        }
        groupCountSquares -= groupSums.sums.count * groupSums.sums.count
        groupSums.memberCountSquares -= memberSums.count * memberSums.count

        memberSums.count += 1
        memberSums.sum += x
        memberSums.sumOfSquares += x * x
        groupSums.sums.count += 1
        groupSums.sums.sum += x
        groupSums.sums.sumOfSquares += x * x
        groupSums.memberCountSquares += memberSums.count * memberSums.count
        total.count += 1
        total.sum += x
        total.sumOfSquares += x * x

        memberTerm += memberSums.sum * memberSums.sum / memberSums.count
        groupTerm += groupSums.sums.sum * groupSums.sums.sum / groupSums.sums.count
        memberCountSquaresOverGroups += groupSums.memberCountSquares / groupSums.sums.count
        groupCountSquares += groupSums.sums.count * groupSums.sums.count

        groupSums.members[member] = memberSums
        groups[group] = groupSums
    }

    /// Observations in all.
    public var count: Double { total.count }
    /// Members with at least one observation.
    public var members: Int { memberCount }
    /// Groups with at least one observation.
    public var groupCount: Int { groups.count }

    /// The mean of all observations, nil before the first.
    public var mean: Double? {
        total.count > 0 ? total.centredMean + shift! : nil
    }

    /// Observations and mean of one group.
    public func group(_ group: String) -> (count: Double, mean: Double)? {
        guard let sums = groups[group]?.sums, sums.count > 0 else { return nil }
        return (sums.count, sums.centredMean + shift!)
    }

    /// Observations, mean and sample variance (nil below two observations) of one member.
    public func member(_ member: String, of group: String) -> (count: Double, mean: Double, variance: Double?)? {
        guard let sums = groups[group]?.members[member], sums.count > 0 else { return nil }
        let variance = sums.count > 1
            ? max(0, (sums.sumOfSquares - sums.sum * sums.sum / sums.count) / (sums.count - 1)) : nil
        return (sums.count, sums.centredMean + shift!, variance)
    }

    /// σ²_m, the pooled variance of an observation around its member's mean; nil until some
    /// member has two observations.
    public var withinMemberVariance: Double? {
        let degrees = total.count - Double(memberCount)
        guard degrees > 0 else { return nil }
        return max(0, (total.sumOfSquares - memberTerm) / degrees)
    }

    /// τ²_m, the variance of member means around their group's mean; nil while no group has two
    /// members. May be zero or negative: no evidence that members differ.
    public var betweenMemberVariance: Double? {
        guard let within = withinMemberVariance, memberCount > groups.count else { return nil }
        let denominator = total.count - memberCountSquaresOverGroups
        guard denominator > 0 else { return nil }
        return (memberTerm - groupTerm - Double(memberCount - groups.count) * within) / denominator
    }

    /// σ²_g, the pooled variance of an observation around its group's mean.
    public var withinGroupVariance: Double? {
        let degrees = total.count - Double(groups.count)
        guard degrees > 0 else { return nil }
        return max(0, (total.sumOfSquares - groupTerm) / degrees)
    }

    /// τ²_g, the variance of group means around the overall mean; nil with fewer than two groups.
    public var betweenGroupVariance: Double? {
        guard let within = withinGroupVariance, groups.count > 1 else { return nil }
        let denominator = total.count - groupCountSquares / total.count
        guard denominator > 0 else { return nil }
        let overall = total.sum * total.sum / total.count
        return (groupTerm - overall - Double(groups.count - 1) * within) / denominator
    }

    /// The sample variance of all observations; nil below two.
    public var totalVariance: Double? {
        guard total.count > 1 else { return nil }
        return max(0, (total.sumOfSquares - total.sum * total.sum / total.count) / (total.count - 1))
    }
}

/// How strongly an estimate leans on the level above it: the credibility constant k in
/// `estimate = (n·x̄ + k·prior) / (n + k)`, the number of observations the prior is worth.
///
/// ```swift
/// let strength = ShrinkageStrength.estimated(fallback: 10)  // k = σ²/τ², or 10 until estimable
/// let fixed = ShrinkageStrength.fixed(25)                   // the prior is worth 25 observations
/// ```
public enum ShrinkageStrength: Sendable, Hashable, Codable {
    /// k = σ²_within / τ²_between estimated online, or `fallback` while τ² cannot be estimated
    /// (fewer than two groups). A τ² ≤ 0 (no evidence of differences) gives `maximum`.
    case estimated(fallback: Double, maximum: Double = 1_000_000)
    /// A configured k.
    case fixed(Double)

    /// The k for the given within- and between-group variances.
    public func strength(within: Double?, between: Double?) -> Double {
        switch self {
        case .fixed(let k):
            return k
        case .estimated(let fallback, let maximum):
            guard let within, let between else { return fallback }
            guard between > 0 else { return maximum }
            return min(maximum, within / between)
        }
    }
}
