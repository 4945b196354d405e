/// What a model predicts, which decides its metrics and its promotion test.
public enum ModelKind: String, Sendable, Hashable, Codable {
    /// Predicts a number (handling time): MAE, paired t-test on absolute errors.
    case regressor
    /// Predicts a class (intent, urgency, resolved first time): accuracy, precision, recall,
    /// ECE, McNemar's test.
    case classifier
}

/// One registered version of a model.
public struct ModelVersion: Sendable, Hashable, Codable {
    /// The version number.
    public var version: Int
    /// When it was registered, in seconds.
    public var registeredAt: Double
    /// What changed, such as the training window or a feature.
    public var note: String
    /// Measures over every outcome scored since registration.
    public var metrics: ModelMetrics
}

/// A change to which version serves, to be recorded as an event (`ModelPromoted`, ...).
public struct ModelChange: Sendable, Hashable, Codable {
    /// What happened.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A first version became champion on registration.
        case registered
        /// A new version started as challenger.
        case challengerStarted
        /// The challenger passed the gate and became champion.
        case promoted
        /// An earlier version became champion again.
        case rolledBack
    }

    public var kind: Kind
    /// The model's name.
    public var model: String
    /// The champion before, if any.
    public var from: Int?
    /// The version the change is about.
    public var to: Int
    /// When, in seconds.
    public var at: Double
    /// Why, in words: the gate's reason for a promotion, the operator's for a rollback.
    public var reason: String
}

/// A registry request that cannot be met.
public struct RegistryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The model concerned.
    public var model: String
    /// What is wrong.
    public var reason: String

    public init(model: String, reason: String) {
        self.model = model
        self.reason = reason
    }

    public var description: String { "model \(model): \(reason)" }
}

/// The versions of each model, which one serves (the champion), which one is being evaluated
/// beside it (the challenger), their live metrics, and the history of changes.
///
/// Outcomes are recorded with the predictions each version made for the same item; every version
/// present gets its metrics updated, and when both the champion and the challenger predicted,
/// their losses enter the paired window the ``PromotionPolicy`` gate reads.
///
/// ```swift
/// var registry = ModelRegistry()
/// let v1 = registry.register("intent", kind: .classifier, at: 0, note: "first")      // champion
/// let v2 = registry.register("intent", kind: .classifier, at: 3600, note: "bigrams") // challenger
/// try registry.record(actual: "billing", predictions: [championPrediction, challengerPrediction])
/// if registry.gate("intent")?.promote == true { try registry.promoteChallenger(of: "intent", at: now) }
/// try registry.rollback("intent", to: 1, at: now, reason: "complaints about routing")
/// ```
public struct ModelRegistry: Sendable, Hashable, Codable {
    /// One model's versions and their roles.
    public struct Lineage: Sendable, Hashable, Codable {
        public var name: String
        public var kind: ModelKind
        public var policy: PromotionPolicy
        /// Every version, oldest first.
        public var versions: [ModelVersion]
        /// The version that serves.
        public var champion: Int
        /// The version under evaluation, if any.
        public var challenger: Int?
        /// Every change, oldest first.
        public var history: [ModelChange]
        var pairs = PairedWindow()

        /// The champion's reference.
        public var championReference: ModelReference { ModelReference(name: name, version: champion) }
        /// The challenger's reference.
        public var challengerReference: ModelReference? { challenger.map { ModelReference(name: name, version: $0) } }
    }

    /// Models by name.
    public private(set) var models: [String: Lineage] = [:]

    public init() {}

    /// Registers a new version of `name` and returns its reference. The first version becomes
    /// champion; later ones become the challenger, replacing any earlier challenger.
    @discardableResult
    public mutating func register(
        _ name: String, kind: ModelKind, at time: Double, note: String = "", policy: PromotionPolicy = PromotionPolicy()
    ) -> ModelReference {
        let metrics: ModelMetrics = kind == .regressor ? .regression(RegressionMetrics()) : .classification(ClassificationMetrics())
        guard var lineage = models[name] else {
            let version = ModelVersion(version: 1, registeredAt: time, note: note, metrics: metrics)
            models[name] = Lineage(
                name: name, kind: kind, policy: policy, versions: [version], champion: 1, challenger: nil,
                history: [ModelChange(kind: .registered, model: name, from: nil, to: 1, at: time, reason: note)])
            return ModelReference(name: name, version: 1)
        }
        let number = lineage.versions.count + 1
        lineage.versions.append(ModelVersion(version: number, registeredAt: time, note: note, metrics: metrics))
        lineage.challenger = number
        lineage.pairs = PairedWindow()
        lineage.history.append(
            ModelChange(kind: .challengerStarted, model: name, from: lineage.champion, to: number, at: time, reason: note))
        models[name] = lineage
        return ModelReference(name: name, version: number)
    }

    /// The version that serves `name`.
    public func champion(of name: String) -> ModelReference? { models[name]?.championReference }

    /// The version of `name` under evaluation.
    public func challenger(of name: String) -> ModelReference? { models[name]?.challengerReference }

    /// The live metrics of one version.
    public func metrics(of reference: ModelReference) -> ModelMetrics? {
        models[reference.name]?.versions.first { $0.version == reference.version }?.metrics
    }

    /// Scores regressor predictions, each tagged with the version that made it, against the
    /// actual value of the same item.
    public mutating func record(actual: Double, predictions: [ModelReference: Double]) throws {
        for (name, group) in Dictionary(grouping: predictions, by: { $0.key.name }) {
            try update(name, kind: .regressor) { lineage in
                var losses: [Int: Double] = [:]
                for (reference, predicted) in group {
                    guard let index = lineage.versions.firstIndex(where: { $0.version == reference.version }),
                          case .regression(var metrics) = lineage.versions[index].metrics
                    else { throw RegistryError(model: name, reason: "no version \(reference.version)") }
                    metrics.add(predicted: predicted, actual: actual)
                    lineage.versions[index].metrics = .regression(metrics)
                    losses[reference.version] = abs(predicted - actual)
                }
                return losses
            }
        }
    }

    /// Scores classifier predictions, each carrying the version that made it, against the actual
    /// class of the same item.
    public mutating func record(actual: String, predictions: [ClassPrediction]) throws {
        for (name, group) in Dictionary(grouping: predictions, by: { $0.model.name }) {
            try update(name, kind: .classifier) { lineage in
                var losses: [Int: Double] = [:]
                for prediction in group {
                    guard let index = lineage.versions.firstIndex(where: { $0.version == prediction.model.version }),
                          case .classification(var metrics) = lineage.versions[index].metrics
                    else { throw RegistryError(model: name, reason: "no version \(prediction.model.version)") }
                    metrics.add(predicted: prediction.label, confidence: prediction.confidence, actual: actual)
                    lineage.versions[index].metrics = .classification(metrics)
                    losses[prediction.model.version] = prediction.label == actual ? 0 : 1
                }
                return losses
            }
        }
    }

    private mutating func update(
        _ name: String, kind: ModelKind, _ body: (inout Lineage) throws -> [Int: Double]
    ) throws {
        guard var lineage = models[name] else { throw RegistryError(model: name, reason: "not registered") }
        guard lineage.kind == kind else { throw RegistryError(model: name, reason: "is a \(lineage.kind.rawValue)") }
        let losses = try body(&lineage)
        if let challenger = lineage.challenger, let a = losses[lineage.champion], let b = losses[challenger] {
            lineage.pairs.add(champion: a, challenger: b, capacity: lineage.policy.window)
        }
        models[name] = lineage
    }

    /// The gate's verdict on the challenger of `name`; nil without a challenger.
    public func gate(_ name: String) -> GateDecision? {
        guard let lineage = models[name], let challenger = lineage.challengerReference else { return nil }
        return lineage.pairs.decide(
            kind: lineage.kind, champion: lineage.championReference, challenger: challenger, policy: lineage.policy)
    }

    /// Makes the challenger champion if it passes the gate; throws with the gate's reason otherwise.
    @discardableResult
    public mutating func promoteChallenger(of name: String, at time: Double) throws -> ModelChange {
        guard let decision = gate(name), var lineage = models[name] else {
            throw RegistryError(model: name, reason: "no challenger")
        }
        guard decision.promote else { throw RegistryError(model: name, reason: "challenger held back: \(decision.reason)") }
        let change = ModelChange(
            kind: .promoted, model: name, from: lineage.champion, to: decision.challenger.version, at: time,
            reason: decision.reason)
        lineage.champion = decision.challenger.version
        lineage.challenger = nil
        lineage.pairs = PairedWindow()
        lineage.history.append(change)
        models[name] = lineage
        return change
    }

    /// Makes an earlier registered `version` of `name` champion again, without a gate: an
    /// operator's call. A challenger stays under evaluation
    /// against it unless it is the version rolled back to.
    @discardableResult
    public mutating func rollback(_ name: String, to version: Int, at time: Double, reason: String) throws -> ModelChange {
        guard var lineage = models[name] else { throw RegistryError(model: name, reason: "not registered") }
        guard version != lineage.champion, lineage.versions.contains(where: { $0.version == version }) else {
            throw RegistryError(model: name, reason: "cannot roll back from version \(lineage.champion) to \(version)")
        }
        let change = ModelChange(kind: .rolledBack, model: name, from: lineage.champion, to: version, at: time, reason: reason)
        lineage.champion = version
        if lineage.challenger == version { lineage.challenger = nil }
        lineage.pairs = PairedWindow()
        lineage.history.append(change)
        models[name] = lineage
        return change
    }
}
