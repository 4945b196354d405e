import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneLearning

/// The classifier's learning written out plainly — weights as one K-major array, one AdaGrad sum
/// per feature, one class at a time — as the reference the row-per-bucket SIMD implementation
/// must match bit for bit. Calibration is left out: learning and raw logits do not depend on it.
struct ReferenceClassifier {
    let classes: Int
    let learningRate: Double
    let l2: Double
    var weights: [Float]
    var squaredGradients: [Float]
    var bias: [Double]
    var biasSquaredGradients: [Double]

    init(classes: Int, dimension: Int, configuration: TextClassifier.Configuration = .init()) {
        self.classes = classes
        learningRate = configuration.learningRate
        l2 = configuration.l2
        weights = Array(repeating: 0, count: dimension * classes)
        squaredGradients = Array(repeating: 0, count: dimension)
        bias = Array(repeating: 0, count: classes)
        biasSquaredGradients = bias
    }

    func logits(_ features: SparseVector) -> [Double] {
        var scores = bias
        for (index, value) in zip(features.indices, features.values) {
            for c in 0..<classes { scores[c] += Double(weights[index * classes + c]) * value }
        }
        return scores
    }

    mutating func update(_ features: SparseVector, target: Int) {
        let probabilities = TemperatureScaling.softmax(logits(features))
        let rate = Float(learningRate)
        let l2 = Float(self.l2)
        for (index, value) in zip(features.indices, features.values) {
            // G_i += mean_c g_c², then every class steps by η / (√G_i + 10⁻⁸).
            var gradients = [Float](repeating: 0, count: classes)
            var squares: Float = 0
            for c in 0..<classes {
                let error = Float(probabilities[c] - (c == target ? 1 : 0))
                gradients[c] = error * Float(value) + l2 * weights[index * classes + c]
                squares += gradients[c] * gradients[c]
            }
            squaredGradients[index] += squares / Float(classes)
            let step = rate / (squaredGradients[index].squareRoot() + 1e-8)
            for c in 0..<classes { weights[index * classes + c] -= step * gradients[c] }
        }
        for c in 0..<classes {
            let gradient = probabilities[c] - (c == target ? 1 : 0)
            biasSquaredGradients[c] += gradient * gradient
            bias[c] -= learningRate * gradient / (biasSquaredGradients[c].squareRoot() + 1e-8)
        }
    }
}

@Suite("Text classifier against the reference")
struct TextClassifierReferenceTests {
    @Test("learning gives bit-identical weights and logits to the reference, for 2, 3, 4, 5, 8, 12 and 16 classes")
    func identicalLogits() throws {
        let featurizer = TextFeaturizer(dimension: 1 << 14)
        let train = Corpus.generate(1500, seed: 11)
        let test = Corpus.generate(300, seed: 12)
        let labelSets = [["high", "normal"], ["high", "normal", "low"], Corpus.intentLabels,
                         Corpus.intentLabels + ["a"], Corpus.intentLabels + ["a", "b", "c", "d"],
                         Corpus.intentLabels + ["a", "b", "c", "d", "e", "f", "g", "h"],
                         // 17 floats a row: past one cache line, the general path.
                         Corpus.intentLabels + ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"]]
        for labels in labelSets {
            var classifier = TextClassifier(reference: ModelReference(name: "m", version: 1), labels: labels, featurizer: featurizer)
            var reference = ReferenceClassifier(classes: labels.count, dimension: featurizer.dimension)
            for (position, message) in train.enumerated() {
                // Every label set learns from the corpus's intents folded onto its classes.
                let target = Corpus.intentLabels.firstIndex(of: message.intent)! % labels.count
                let features = featurizer.features(of: message.text)
                let before = try classifier.update(features: features, label: labels[(target + position % 2) % labels.count])
                #expect(before.probabilities.count == labels.count)
                reference.update(features, target: (target + position % 2) % labels.count)
            }
            for message in test {
                let features = featurizer.features(of: message.text)
                #expect(classifier.logits(features) == reference.logits(features))
            }
            let document = try #require(
                try JSONSerialization.jsonObject(with: JSONEncoder().encode(classifier)) as? [String: Any])
            #expect((document["weights"] as? [Double])?.map { Float($0) } == reference.weights)
            #expect((document["squaredGradients"] as? [Double])?.map { Float($0) } == reference.squaredGradients)
        }
    }

    @Test("learning from the scores already given is bit-identical to learning by scoring again, across recalibrations")
    func learningFromScores() throws {
        let featurizer = TextFeaturizer(dimension: 1 << 12)
        let configuration = TextClassifier.Configuration(calibrationWindow: 60, recalibrateEvery: 25, minimumCalibrationExamples: 20)
        for labels in [["high", "normal", "low"], Corpus.intentLabels, Corpus.intentLabels + ["a", "b", "c", "d", "e"]] {
            var rescoring = TextClassifier(
                reference: ModelReference(name: "m", version: 1), labels: labels, featurizer: featurizer, configuration: configuration)
            var reusing = rescoring
            for (position, message) in Corpus.generate(400, seed: 21).enumerated() {
                let target = labels[(Corpus.intentLabels.firstIndex(of: message.intent)! + position % 3) % labels.count]
                let features = featurizer.features(of: message.text)
                let scored = reusing.score(features: features)
                #expect(scored.prediction == rescoring.predict(features: features))
                #expect(scored.logits == rescoring.logits(features))
                let before = try rescoring.update(features: features, label: target)
                let reused = try reusing.update(features: features, scored: scored, label: target)
                #expect(reused == before)
            }
            #expect(reusing.calibration.temperature != 1)
            #expect(reusing == rescoring)
        }
    }

    @Test("a copy of a classifier is a value: learning in one leaves the others as they were")
    func copiesAreValues() throws {
        let featurizer = TextFeaturizer(dimension: 1 << 12)
        var original = TextClassifier(reference: ModelReference(name: "m", version: 1), labels: Corpus.intentLabels, featurizer: featurizer)
        for message in Corpus.generate(50, seed: 3) { try original.update(text: message.text, label: message.intent) }
        let features = featurizer.features(of: "refund the charge, I was charged twice")
        let before = original.logits(features)
        // The copies share the weights until one of them learns.
        let snapshot = original
        var learner = original
        try learner.update(features: features, label: "billing")
        #expect(learner.logits(features) != before)
        #expect(original.logits(features) == before)
        #expect(snapshot.logits(features) == before)
        #expect(original == snapshot)
        #expect(learner != original)
        // And the one that learned no longer shares with anything: learning again changes only it.
        let learned = learner.logits(features)
        var second = learner
        try second.update(features: features, label: "sales")
        #expect(learner.logits(features) == learned)
    }

    @Test("a classifier encodes its weights in the reference's K-major layout and decodes to itself")
    func codableLayout() throws {
        let featurizer = TextFeaturizer(dimension: 1 << 10)
        var classifier = TextClassifier(
            reference: ModelReference(name: "urgency", version: 2), labels: ["high", "normal", "low"], featurizer: featurizer,
            configuration: .init(calibrationWindow: 50, recalibrateEvery: 20, minimumCalibrationExamples: 10))
        var reference = ReferenceClassifier(classes: 3, dimension: featurizer.dimension)
        for message in Corpus.generate(200, seed: 5) {
            let target = message.urgency == "high" ? 0 : message.text.count % 2 + 1
            try classifier.update(text: message.text, label: ["high", "normal", "low"][target])
            reference.update(featurizer.features(of: message.text), target: target)
        }
        let data = try JSONEncoder().encode(classifier)
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((document["weights"] as? [Double])?.map { Float($0) } == reference.weights)
        #expect((document["squaredGradients"] as? [Double])?.map { Float($0) } == reference.squaredGradients)
        #expect((document["heldOutLogits"] as? [[Double]])?.count == 50)
        let decoded = try JSONDecoder().decode(TextClassifier.self, from: data)
        #expect(decoded == classifier)
        #expect(decoded.predict("urgent, the app crashes") == classifier.predict("urgent, the app crashes"))

        // Saved by per-class AdaGrad (one sum per class and feature): each feature gets its classes' mean.
        var perClass = document
        let sums = (0..<(3 * featurizer.dimension)).map { Double($0 % 7) * 0.5 }
        perClass["squaredGradients"] = sums
        let migrated = try JSONDecoder().decode(TextClassifier.self, from: JSONSerialization.data(withJSONObject: perClass))
        let migratedDocument = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(migrated)) as? [String: Any])
        var means: [Float] = []
        for i in 0..<featurizer.dimension {
            var sum: Float = 0
            for c in 0..<3 { sum += Float(sums[3 * i + c]) }
            means.append(sum / 3)
        }
        #expect((migratedDocument["squaredGradients"] as? [Double])?.map { Float($0) } == means)
        #expect(migrated.logits(featurizer.features(of: "urgent")) == classifier.logits(featurizer.features(of: "urgent")))

        var broken = document
        broken["weights"] = [1.0, 2.0]
        let brokenData = try JSONSerialization.data(withJSONObject: broken)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(TextClassifier.self, from: brokenData) }
    }
}
