import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneLearning

@Suite("Model registry")
struct RegistryTests {
    @Test("a regressor challenger is promoted only once it beats the champion by the margin, significantly, on enough pairs")
    func regressorGate() throws {
        var registry = ModelRegistry()
        let policy = PromotionPolicy(minimumSamples: 100, margin: 0.05, significance: 0.05)
        let v1 = registry.register("handling-time", kind: .regressor, at: 0, note: "first", policy: policy)
        let v2 = registry.register("handling-time", kind: .regressor, at: 10, note: "per-step shrinkage")
        #expect(registry.champion(of: "handling-time") == v1 && registry.challenger(of: "handling-time") == v2)
        #expect(throws: RegistryError.self) { try registry.promoteChallenger(of: "handling-time", at: 11) }

        var random = SeededGenerator(seed: 8)
        for i in 0..<99 {
            let actual = 300 + random.normal(deviation: 50)
            try registry.record(actual: actual, predictions: [v1: actual + random.normal(deviation: 60), v2: actual + random.normal(deviation: 40)])
            _ = i
        }
        #expect(registry.gate("handling-time")?.promote == false)
        #expect(registry.gate("handling-time")?.reason.contains("need 100") == true)
        for _ in 0..<200 {
            let actual = 300 + random.normal(deviation: 50)
            try registry.record(actual: actual, predictions: [v1: actual + random.normal(deviation: 60), v2: actual + random.normal(deviation: 40)])
        }
        let gate = try #require(registry.gate("handling-time"))
        print("registry gate: \(gate.reason)")
        #expect(gate.promote && gate.samples == 299 && gate.pValue < 0.05)
        let change = try registry.promoteChallenger(of: "handling-time", at: 20)
        #expect(change.kind == .promoted && change.from == 1 && change.to == 2)
        #expect(registry.champion(of: "handling-time") == v2 && registry.challenger(of: "handling-time") == nil)

        let back = try registry.rollback("handling-time", to: 1, at: 30, reason: "slower queues after promotion")
        #expect(back.kind == .rolledBack && registry.champion(of: "handling-time") == v1)
        #expect(registry.models["handling-time"]!.history.map(\.kind) == [.registered, .challengerStarted, .promoted, .rolledBack])
        #expect(throws: RegistryError.self) { try registry.rollback("handling-time", to: 7, at: 31, reason: "") }
    }

    @Test("a challenger no better than the champion is held back")
    func equalChallengerHeldBack() throws {
        var registry = ModelRegistry()
        let v1 = registry.register("handling-time", kind: .regressor, at: 0)
        let v2 = registry.register("handling-time", kind: .regressor, at: 0)
        var random = SeededGenerator(seed: 3)
        for _ in 0..<1000 {
            try registry.record(actual: 0, predictions: [v1: random.normal(deviation: 50), v2: random.normal(deviation: 50)])
        }
        let gate = try #require(registry.gate("handling-time"))
        #expect(!gate.promote)
    }

    @Test("regression metrics are the mean absolute error, RMSE and bias")
    func regressionMetrics() throws {
        var registry = ModelRegistry()
        let v1 = registry.register("handling-time", kind: .regressor, at: 0)
        for (predicted, actual) in [(100.0, 120.0), (200, 150), (90, 90)] {
            try registry.record(actual: actual, predictions: [v1: predicted])
        }
        guard case .regression(let metrics) = registry.metrics(of: v1) else { Issue.record("no metrics"); return }
        #expect(metrics.meanAbsoluteError == 70.0 / 3)
        #expect(abs(metrics.rootMeanSquaredError! - (2900.0 / 3).squareRoot()) < 1e-12)
        #expect(metrics.bias == 10)
    }

    @Test("classifier metrics, McNemar's gate and the version every prediction carries")
    func classifierGate() throws {
        var registry = ModelRegistry()
        let policy = PromotionPolicy(minimumSamples: 100, margin: 0.05, significance: 0.01)
        let v1 = registry.register("intent", kind: .classifier, at: 0, policy: policy)
        let v2 = registry.register("intent", kind: .classifier, at: 0)
        let labels = ["billing", "sales"]
        func prediction(_ version: ModelReference, _ label: String, _ confidence: Double) -> ClassPrediction {
            ClassPrediction(model: version, labels: labels, probabilities: label == "billing" ? [confidence, 1 - confidence] : [1 - confidence, confidence])
        }
        // 200 items: both right on 140, only the champion right on 10, only the challenger on 40, both wrong on 10.
        for i in 0..<200 {
            let actual = i % 2 == 0 ? "billing" : "sales"
            let wrong = actual == "billing" ? "sales" : "billing"
            let (championRight, challengerRight) = i < 140 ? (true, true) : i < 150 ? (true, false) : i < 190 ? (false, true) : (false, false)
            try registry.record(actual: actual, predictions: [
                prediction(v1, championRight ? actual : wrong, 0.8), prediction(v2, challengerRight ? actual : wrong, 0.9),
            ])
        }
        let gate = try #require(registry.gate("intent"))
        // z = (c − b − 1)/√(b + c) = (40 − 10 − 1)/√50.
        #expect(abs(gate.statistic - 29 / 50.0.squareRoot()) < 1e-12)
        #expect(abs(gate.championLoss - 0.25) < 1e-12 && abs(gate.challengerLoss - 0.1) < 1e-12)
        #expect(gate.promote)

        guard case .classification(let metrics) = registry.metrics(of: v1) else { Issue.record("no metrics"); return }
        #expect(metrics.accuracy == 0.75)
        // Champion: accuracy 0.75 at confidence 0.8 in every case, so ECE = |0.75 − 0.8|.
        #expect(abs(metrics.expectedCalibrationError - 0.05) < 1e-12)
        // Of the 25 billing items the champion missed it said sales; per-class precision and recall follow.
        let billingTP = (0..<150).filter { $0 % 2 == 0 }.count
        let billingActual = 100
        let salesAsBilling = (150..<200).filter { $0 % 2 == 1 }.count
        #expect(metrics.recall(of: "billing") == Double(billingTP) / Double(billingActual))
        #expect(metrics.precision(of: "billing") == Double(billingTP) / Double(billingTP + salesAsBilling))
        #expect(metrics.labels == labels)
    }

    @Test("a classifier's updates score the predictions it made before learning, tagged with its version")
    func prequentialScoring() throws {
        var registry = ModelRegistry()
        let reference = registry.register("intent", kind: .classifier, at: 0)
        var classifier = TextClassifier(reference: reference, labels: Corpus.intentLabels, featurizer: TextFeaturizer(dimension: 1 << 14))
        for message in Corpus.generate(400, seed: 5) {
            let before = try classifier.update(text: message.text, label: message.intent)
            #expect(before.model == reference)
            try registry.record(actual: message.intent, predictions: [before])
        }
        guard case .classification(let metrics) = registry.metrics(of: reference) else { Issue.record("no metrics"); return }
        #expect(metrics.count == 400)
        #expect(metrics.accuracy! > 0.5)
    }
}
