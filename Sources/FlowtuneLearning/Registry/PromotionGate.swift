import Foundation

/// When a challenger may replace the champion.
///
/// Both versions are scored on the same recent outcomes (the paired window), and the challenger
/// must be better by `margin` *and* significantly better:
///
/// - regressors: challenger MAE ≤ (1 − margin)·champion MAE, and a one-sided paired test on the
///   differences of absolute errors dᵢ = |e_champion,i| − |e_challenger,i|:
///   t = d̄ / (s_d/√n) with p = 1 − Φ(t) < `significance` (the normal approximation of the
///   paired t-test, sound for the `minimumSamples` ≥ 30 the gate requires).
/// - classifiers: challenger accuracy − champion accuracy ≥ margin, and McNemar's test on the
///   discordant pairs (b = only the champion right, c = only the challenger right):
///   z = (c − b − 1)/√(b + c) with p = 1 − Φ(z) < `significance`. McNemar rather than a
///   two-proportion test because both versions answer the same items, so their errors are paired.
///
/// ```swift
/// let policy = PromotionPolicy(minimumSamples: 200, margin: 0.05, significance: 0.05)
/// ```
public struct PromotionPolicy: Sendable, Hashable, Codable {
    /// Paired outcomes required before any verdict.
    public var minimumSamples: Int
    /// Relative MAE reduction (regressors) or absolute accuracy gain (classifiers) required.
    public var margin: Double
    /// The one-sided p-value below which the improvement counts as real.
    public var significance: Double
    /// Paired outcomes kept: the most recent ones decide.
    public var window: Int

    /// Creates a policy.
    public init(minimumSamples: Int = 200, margin: Double = 0.02, significance: Double = 0.05, window: Int = 2000) {
        self.minimumSamples = max(minimumSamples, 30)
        self.margin = margin
        self.significance = significance
        self.window = max(window, self.minimumSamples)
    }
}

/// The gate's verdict on a challenger, with the figures behind it, ready for an explanation.
public struct GateDecision: Sendable, Hashable, Codable {
    /// The champion compared.
    public var champion: ModelReference
    /// The challenger compared.
    public var challenger: ModelReference
    /// Paired outcomes compared.
    public var samples: Int
    /// Champion MAE or error rate over the pairs.
    public var championLoss: Double
    /// Challenger MAE or error rate over the pairs.
    public var challengerLoss: Double
    /// The test statistic (paired t or McNemar z).
    public var statistic: Double
    /// Its one-sided p-value.
    public var pValue: Double
    /// True when the challenger may be promoted.
    public var promote: Bool
    /// Why, in words.
    public var reason: String
}

/// The last outcomes both the champion and the challenger were scored on, as their losses.
struct PairedWindow: Sendable, Hashable, Codable {
    var champion: [Double] = []
    var challenger: [Double] = []
    var next = 0

    mutating func add(champion a: Double, challenger b: Double, capacity: Int) {
        if champion.count < capacity {
            champion.append(a)
            challenger.append(b)
        } else {
            champion[next] = a
            challenger[next] = b
            next = (next + 1) % capacity
        }
    }

    func decide(
        kind: ModelKind, champion: ModelReference, challenger: ModelReference, policy: PromotionPolicy
    ) -> GateDecision {
        let n = self.champion.count
        var decision = GateDecision(
            champion: champion, challenger: challenger, samples: n, championLoss: 0, challengerLoss: 0,
            statistic: 0, pValue: 1, promote: false, reason: "")
        guard n > 0 else {
            decision.reason = "no paired outcomes yet; need \(policy.minimumSamples)"
            return decision
        }
        let championLoss = self.champion.reduce(0, +) / Double(n)
        let challengerLoss = self.challenger.reduce(0, +) / Double(n)
        decision.championLoss = championLoss
        decision.challengerLoss = challengerLoss
        switch kind {
        case .regressor:
            let differences = zip(self.champion, self.challenger).map { $0 - $1 }
            let mean = differences.reduce(0, +) / Double(n)
            let variance = n > 1 ? differences.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1) : 0
            let standardError = (variance / Double(n)).squareRoot()
            decision.statistic = standardError > 0 ? mean / standardError : (mean > 0 ? .greatestFiniteMagnitude : 0)
        case .classifier:
            var onlyChampion = 0.0
            var onlyChallenger = 0.0
            for (a, b) in zip(self.champion, self.challenger) {
                if a < b { onlyChampion += 1 } else if b < a { onlyChallenger += 1 }
            }
            let discordant = onlyChampion + onlyChallenger
            decision.statistic = discordant > 0 ? (onlyChallenger - onlyChampion - 1) / discordant.squareRoot() : 0
        }
        decision.pValue = 1 - StandardNormal.cdf(decision.statistic)

        let improvement: Bool
        let required: String
        switch kind {
        case .regressor:
            improvement = challengerLoss <= (1 - policy.margin) * championLoss
            required = "MAE \(Self.format(challengerLoss)) vs \(Self.format(championLoss)), need ≤ \(Self.format((1 - policy.margin) * championLoss))"
        case .classifier:
            improvement = (championLoss - challengerLoss) >= policy.margin
            required = "accuracy \(Self.format(1 - challengerLoss)) vs \(Self.format(1 - championLoss)), need a gain ≥ \(Self.format(policy.margin))"
        }
        let test = kind == .regressor ? "paired t" : "McNemar z"
        if n < policy.minimumSamples {
            decision.reason = "\(n) paired outcomes, need \(policy.minimumSamples)"
        } else if !improvement {
            decision.reason = "not better by the margin: \(required)"
        } else if decision.pValue >= policy.significance {
            decision.reason = "not significant: \(test) = \(Self.format(decision.statistic)), p = \(Self.format(decision.pValue)) ≥ \(policy.significance)"
        } else {
            decision.promote = true
            decision.reason = "\(required); \(test) = \(Self.format(decision.statistic)), p = \(Self.format(decision.pValue)) over \(n) paired outcomes"
        }
        return decision
    }

    static func format(_ value: Double) -> String {
        String(format: "%.4g", value)
    }
}
