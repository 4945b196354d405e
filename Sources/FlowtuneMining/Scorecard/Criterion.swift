/// The eight questions a hand-off is scored on.
///
/// Every ``CriterionScore`` runs from 1 to 5 and reads the same way: **higher means a stronger
/// case to fix this hand-off first**. For the two clarity criteria that means *less* clarity
/// scores higher, while an operator rates clarity the natural way round (5 = perfectly clear),
/// which the scorecard turns over (score = 6 − rating). ``rawValue`` is the name used in
/// scorecard files.
public enum Criterion: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    /// How much customers wait at the hand-off, and how often past a window or a promise. Measured.
    case customerImpact = "customer_impact"
    /// How many cases hit an exception after the hand-off. Measured.
    case exceptionVolume = "exception_volume"
    /// Rework, reassignments, ping-pong and rescues on the receiving side. Measured.
    case hiddenLabor = "hidden_labor"
    /// Revenue or cash riding on the hand-off. Rated.
    case revenueImpact = "revenue_impact"
    /// How clearly someone owns the next move (rated 5 = clear; scored 5 = unclear). Measured.
    case ownershipClarity = "ownership_clarity"
    /// Whether the record of truth at the hand-off is clear (rated 5 = clear; scored 5 = unclear). Rated.
    case systemClarity = "system_clarity"
    /// What goes wrong when the hand-off fails: compliance, safety, reputation. Rated.
    case riskLevel = "risk_level"
    /// Whether a pilot could prove an improvement: enough volume and a stable enough measure. Measured.
    case improvementEvidence = "improvement_evidence"

    /// Whether the log measures it; the others come from operators' ratings only.
    public var isMeasured: Bool {
        switch self {
        case .customerImpact, .exceptionVolume, .hiddenLabor, .ownershipClarity, .improvementEvidence: true
        case .revenueImpact, .systemClarity, .riskLevel: false
        }
    }

    /// Whether an operator's rating says how clear something is (5 = clear), so the score is
    /// 6 − rating.
    public var isRatedAsClarity: Bool { self == .ownershipClarity || self == .systemClarity }

    /// The criterion as a report heads it.
    public var title: String {
        switch self {
        case .customerImpact: "Customer impact"
        case .exceptionVolume: "Exception volume"
        case .hiddenLabor: "Hidden labor"
        case .revenueImpact: "Revenue or cash impact"
        case .ownershipClarity: "Ownership clarity"
        case .systemClarity: "System clarity"
        case .riskLevel: "Risk level"
        case .improvementEvidence: "Improvement evidence"
        }
    }

    /// The score an operator's `rating` (1–5) gives.
    public func score(forRating rating: Double) -> Double { isRatedAsClarity ? 6 - rating : rating }
}
