import FlowtuneCore
import Foundation

/// A classifier's answer: a calibrated probability per class, the top class and its confidence,
/// and the model version that gave it.
///
/// Decision tables read it under the `model` root: ``document(_:)`` of `["intent": prediction]`
/// gives `model.intent.label`, `model.intent.confidence`, `model.intent.probabilities.billing`,
/// `model.intent.model` and `model.intent.version`.
///
/// ```swift
/// let intent = classifier.predict("I want to cancel my plan")
/// intent.label       // "cancellation"
/// intent.confidence  // 0.94
/// let model = ClassPrediction.document(["intent": intent])  // the `model` root of a decision
/// ```
public struct ClassPrediction: Sendable, Hashable, Codable {
    /// The model version that predicted.
    public var model: ModelReference
    /// The classes in the classifier's order with their probabilities, summing to 1.
    public var probabilities: [LabelProbability]
    /// The most probable class.
    public var label: String
    /// The probability of ``label``.
    public var confidence: Double

    /// One class and its probability.
    public struct LabelProbability: Sendable, Hashable, Codable {
        public var label: String
        public var probability: Double
    }

    /// Creates a prediction from probabilities in class order; the top class wins, the first on a tie.
    public init(model: ModelReference, labels: [String], probabilities: [Double]) {
        self.model = model
        self.probabilities = zip(labels, probabilities).map { LabelProbability(label: $0, probability: $1) }
        var best = 0
        for i in probabilities.indices where probabilities[i] > probabilities[best] { best = i }
        label = labels[best]
        confidence = probabilities[best]
    }

    /// The probability of `label`, 0 for a class the model does not know.
    public func probability(of label: String) -> Double {
        probabilities.first { $0.label == label }?.probability ?? 0
    }

    /// `{"label", "confidence", "probabilities": {class: p}, "model", "version"}`.
    public var jsonValue: JSONValue {
        .object([
            "label": .string(label),
            "confidence": .number(confidence),
            "probabilities": .object(Dictionary(uniqueKeysWithValues: probabilities.map { ($0.label, .number($0.probability)) })),
            "model": .string(model.name),
            "version": .number(Double(model.version)),
        ])
    }

    /// The `model` root document of a decision: one member per named prediction.
    public static func document(_ predictions: [String: ClassPrediction]) -> JSONValue {
        .object(predictions.mapValues(\.jsonValue))
    }
}

/// Multinomial logistic regression over hashed text features, trained online one labelled text at
/// a time, with probabilities calibrated by temperature scaling on a held-out window.
///
/// Training minimises the cross-entropy with an L2 penalty, −log p_y + (λ/2)‖w‖², by AdaGrad:
/// for each feature i of the text and class c, g = (p_c − [c = y])·x_i + λ·w_ci,
/// G_ci += g², w_ci −= η·g/√G_ci. The penalty is applied to the weights a text touches (the
/// usual lazy form for sparse data), so an update costs O(features × classes).
///
/// Calibration is prequential: each ``update(text:label:)`` first scores the text with the current
/// weights — an out-of-sample prediction, since the model has not seen it — and keeps those
/// logits and the true label in a window of recent examples. Every
/// ``Configuration-swift.struct/recalibrateEvery`` updates the temperature is refitted on that
/// window.
///
/// ```swift
/// var intent = TextClassifier(reference: ModelReference(name: "intent", version: 1),
///                             labels: ["billing", "cancellation", "sales", "technical"])
/// try intent.update(text: "refund the double charge", label: "billing")
/// intent.predict("I was charged twice").label
/// ```
public struct TextClassifier: Sendable, Hashable, Codable {
    /// Learning and calibration settings.
    public struct Configuration: Sendable, Hashable, Codable {
        /// η, the AdaGrad step size.
        public var learningRate: Double
        /// λ, the L2 penalty.
        public var l2: Double
        /// Held-out examples kept for calibration.
        public var calibrationWindow: Int
        /// Refit the temperature after this many updates.
        public var recalibrateEvery: Int
        /// No temperature is fitted on fewer held-out examples than this.
        public var minimumCalibrationExamples: Int

        /// Creates a configuration.
        public init(
            learningRate: Double = 0.2, l2: Double = 1e-4, calibrationWindow: Int = 1000,
            recalibrateEvery: Int = 250, minimumCalibrationExamples: Int = 100
        ) {
            self.learningRate = learningRate
            self.l2 = l2
            self.calibrationWindow = calibrationWindow
            self.recalibrateEvery = recalibrateEvery
            self.minimumCalibrationExamples = minimumCalibrationExamples
        }
    }

    /// The model's name and version, carried by every prediction.
    public var reference: ModelReference
    /// The classes, in the order of every probability vector.
    public let labels: [String]
    /// How texts become features.
    public let featurizer: TextFeaturizer
    /// Learning and calibration settings.
    public var configuration: Configuration
    /// The temperature in force.
    public private(set) var calibration = TemperatureScaling()
    /// Labelled texts learned from.
    public private(set) var updates = 0

    /// Feature-major: the weight of feature i for class c is at i·K + c.
    private var weights: [Float]
    private var squaredGradients: [Float]
    private var bias: [Double]
    private var biasSquaredGradients: [Double]
    private var heldOutLogits: [[Double]] = []
    private var heldOutLabels: [Int] = []
    private var heldOutNext = 0

    /// Creates an untrained classifier over `labels` (at least two, distinct).
    public init(
        reference: ModelReference, labels: [String], featurizer: TextFeaturizer = TextFeaturizer(),
        configuration: Configuration = Configuration()
    ) {
        precondition(labels.count >= 2 && Set(labels).count == labels.count, "a classifier needs two or more distinct labels")
        self.reference = reference
        self.labels = labels
        self.featurizer = featurizer
        self.configuration = configuration
        weights = Array(repeating: 0, count: featurizer.dimension * labels.count)
        squaredGradients = Array(repeating: 0, count: featurizer.dimension * labels.count)
        bias = Array(repeating: 0, count: labels.count)
        biasSquaredGradients = Array(repeating: 0, count: labels.count)
    }

    /// Calibrated class probabilities for `text`.
    public func predict(_ text: String) -> ClassPrediction {
        predict(features: featurizer.features(of: text))
    }

    /// Calibrated class probabilities for an already featurized text.
    public func predict(features: SparseVector) -> ClassPrediction {
        ClassPrediction(
            model: reference, labels: labels, probabilities: calibration.probabilities(logits: logits(features)))
    }

    /// The raw scores w_c·x + b_c, before calibration.
    public func logits(_ features: SparseVector) -> [Double] {
        let classes = labels.count
        var scores = bias
        weights.withUnsafeBufferPointer { w in
            for (index, value) in zip(features.indices, features.values) {
                let row = index * classes
                for c in 0..<classes { scores[c] += Double(w[row + c]) * value }
            }
        }
        return scores
    }

    /// Learns from one labelled text and returns the prediction made before learning from it,
    /// which is what the registry should score.
    @discardableResult
    public mutating func update(text: String, label: String) throws -> ClassPrediction {
        guard let target = labels.firstIndex(of: label) else { throw UnknownLabel(label: label, known: labels) }
        let features = featurizer.features(of: text)
        let scores = logits(features)
        let before = ClassPrediction(model: reference, labels: labels, probabilities: calibration.probabilities(logits: scores))
        remember(scores, target)

        let probabilities = TemperatureScaling.softmax(scores)
        let classes = labels.count
        let rate = Float(configuration.learningRate)
        let l2 = Float(configuration.l2)
        weights.withUnsafeMutableBufferPointer { w in
            squaredGradients.withUnsafeMutableBufferPointer { g in
                for (index, value) in zip(features.indices, features.values) {
                    let row = index * classes
                    for c in 0..<classes {
                        let error = Float(probabilities[c] - (c == target ? 1 : 0))
                        let gradient = error * Float(value) + l2 * w[row + c]
                        if gradient == 0 { continue }
                        g[row + c] += gradient * gradient
                        w[row + c] -= rate * gradient / (g[row + c].squareRoot() + 1e-8)
                    }
                }
            }
        }
        for c in 0..<classes {
            let gradient = probabilities[c] - (c == target ? 1 : 0)
            biasSquaredGradients[c] += gradient * gradient
            bias[c] -= configuration.learningRate * gradient / (biasSquaredGradients[c].squareRoot() + 1e-8)
        }

        updates += 1
        if configuration.recalibrateEvery > 0, updates % configuration.recalibrateEvery == 0 { recalibrate() }
        return before
    }

    /// Refits the temperature on the held-out window, if it holds enough examples.
    public mutating func recalibrate() {
        guard heldOutLabels.count >= configuration.minimumCalibrationExamples else { return }
        calibration = TemperatureScaling.fit(logits: heldOutLogits, labels: heldOutLabels)
    }

    /// Held-out examples available for calibration.
    public var heldOutCount: Int { heldOutLabels.count }

    private mutating func remember(_ scores: [Double], _ label: Int) {
        guard configuration.calibrationWindow > 0 else { return }
        if heldOutLabels.count < configuration.calibrationWindow {
            heldOutLogits.append(scores)
            heldOutLabels.append(label)
        } else {
            heldOutLogits[heldOutNext] = scores
            heldOutLabels[heldOutNext] = label
            heldOutNext = (heldOutNext + 1) % configuration.calibrationWindow
        }
    }
}
