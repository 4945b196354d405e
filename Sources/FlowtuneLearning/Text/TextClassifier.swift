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

/// One text's scores from a ``TextClassifier``: the raw logits w_c·x + b_c and the calibrated
/// prediction made from them, with the classifier's update count when they were computed, so that
/// learning from them can check that the weights have not changed since.
public struct TextScore: Sendable, Hashable {
    /// The raw scores, in the classifier's class order.
    public let logits: [Double]
    /// The calibrated prediction.
    public let prediction: ClassPrediction
    /// ``TextClassifier/updates`` when scored.
    let updates: Int
}

/// Multinomial logistic regression over hashed text features, trained online one labelled text at
/// a time, with probabilities calibrated by temperature scaling on a held-out window.
///
/// Training minimises the cross-entropy with an L2 penalty, −log p_y + (λ/2)‖w‖², by row-wise
/// AdaGrad: for each feature i of the text, g_c = (p_c − [c = y])·x_i + λ·w_ci for every class c,
/// then one accumulator per feature, G_i += (1/K)·Σ_c g_c², and w_ci −= η·g_c/(√G_i + 10⁻⁸). The
/// penalty is applied to the weights a text touches (the usual lazy form for sparse data), so an
/// update costs O(features × classes).
///
/// Why one accumulator per feature rather than one per class and feature (plain AdaGrad): the
/// step size adapts to how often and how strongly a feature has been seen, which is what matters
/// for sparse text; the classes of one feature share it, so learning takes one square root and
/// one division per feature instead of per class and feature, and a bucket's row holds K + 1
/// numbers instead of 2K, so twice as many rows stay in cache. The mean (not the sum) over the
/// classes keeps the step on plain AdaGrad's scale. This is the row-wise AdaGrad used for large
/// embedding tables; on the support-desk benchmark its held-out accuracy is no worse than
/// per-class AdaGrad's.
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

    /// Feature-major rows, one per hash bucket, each holding the bucket's K class weights, then
    /// its AdaGrad accumulator G_i at position K, padded with zeros to 4, 8 or 16 floats and
    /// beyond that to whole cache lines (``rowLength(classes:)``), from a cache-line boundary:
    /// scoring and learning read one short contiguous row per feature, within one cache line
    /// for up to 15 classes, four classes at a time (``weightChunks(classes:)`` groups). A group
    /// may carry G_i or padding in its last lanes; their penalty and error are 0 so learning
    /// leaves them be, and they are never read into a score.
    private var parameters: AlignedFloats
    private var bias: [Double]
    private var biasSquaredGradients: [Double]
    /// The held-out examples' logits, K per example, in the order of ``heldOutLabels``.
    private var heldOutLogits: [Double] = []
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
        parameters = AlignedFloats(count: featurizer.dimension * Self.rowLength(classes: labels.count))
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
        var scores = bias
        scores.withUnsafeMutableBufferPointer { scores in addWeights(features, to: scores) }
        return scores
    }

    /// Groups of four classes in a row's weights.
    private static func weightChunks(classes: Int) -> Int { (classes + 3) / 4 }

    /// Floats per bucket in ``parameters``: K weights and the accumulator, rounded up to 4, 8 or
    /// 16 — a row then never straddles two cache lines — and past 16 to a multiple of 16.
    private static func rowLength(classes: Int) -> Int {
        let floats = classes + 1
        return floats <= 4 ? 4 : floats <= 8 ? 8 : 16 * ((floats + 15) / 16)
    }

    /// Adds w_c·x to each class's score, feature by feature in index order. Each class's sum is
    /// formed in the same order and precision as one class at a time would form it.
    private func addWeights(_ features: SparseVector, to scores: UnsafeMutableBufferPointer<Double>) {
        let classes = labels.count
        let chunks = Self.weightChunks(classes: classes)
        let stride = Self.rowLength(classes: classes)
        withUnsafeTemporaryAllocation(of: SIMD4<Double>.self, capacity: chunks) { sums in
            for j in 0..<chunks {
                var sum = SIMD4<Double>()
                for lane in 0..<4 where 4 * j + lane < classes { sum[lane] = scores[4 * j + lane] }
                sums[j] = sum
            }
            do {
                let bytes = parameters.bytes
                features.indices.withUnsafeBufferPointer { indices in
                    features.values.withUnsafeBufferPointer { values in
                        let rowBytes = stride * MemoryLayout<Float>.stride
                        // Up to eight classes the sums stay in registers, so nothing but the
                        // rows' loads waits on memory and many rows are fetched at once.
                        if chunks == 1 {
                            var sum = sums[0]
                            for k in 0..<indices.count {
                                let weights = bytes.loadUnaligned(fromByteOffset: indices[k] * rowBytes, as: SIMD4<Float>.self)
                                sum += SIMD4<Double>(weights) * values[k]
                            }
                            sums[0] = sum
                        } else if chunks == 2 {
                            var low = sums[0]
                            var high = sums[1]
                            for k in 0..<indices.count {
                                let row = indices[k] * rowBytes
                                let value = values[k]
                                low += SIMD4<Double>(bytes.loadUnaligned(fromByteOffset: row, as: SIMD4<Float>.self)) * value
                                high += SIMD4<Double>(bytes.loadUnaligned(fromByteOffset: row + 16, as: SIMD4<Float>.self)) * value
                            }
                            sums[0] = low
                            sums[1] = high
                        } else {
                            for k in 0..<indices.count {
                                let row = indices[k] * rowBytes
                                let value = values[k]
                                for j in 0..<chunks {
                                    let weights = bytes.loadUnaligned(fromByteOffset: row + 16 * j, as: SIMD4<Float>.self)
                                    sums[j] += SIMD4<Double>(weights) * value
                                }
                            }
                        }
                    }
                }
            }
            for c in 0..<classes { scores[c] = sums[c / 4][c % 4] }
        }
    }

    /// Learns from one labelled text and returns the prediction made before learning from it,
    /// which is what the registry should score.
    @discardableResult
    public mutating func update(text: String, label: String) throws -> ClassPrediction {
        try update(features: featurizer.features(of: text), label: label)
    }

    /// Learns from one labelled, already featurized text (featurized by this classifier's
    /// ``featurizer``), so that classifiers sharing a featurizer featurize a text once.
    @discardableResult
    public mutating func update(features: SparseVector, label: String) throws -> ClassPrediction {
        try update(features: features, scored: score(features: features), label: label)
    }

    /// Scores an already featurized text: its raw logits and calibrated prediction, kept so that
    /// ``update(features:scored:label:)`` can learn from the same text without scoring it again.
    public func score(features: SparseVector) -> TextScore {
        let scores = logits(features)
        return TextScore(
            logits: scores,
            prediction: ClassPrediction(model: reference, labels: labels, probabilities: calibration.probabilities(logits: scores)),
            updates: updates)
    }

    /// Learns from one labelled, already featurized text that ``score(features:)`` scored with the
    /// current weights, reusing those scores: an engine that scores a text when it arrives and
    /// learns when its outcome is known scores it once. The result is bit for bit the same as
    /// ``update(features:label:)``, because no update came between the scoring and this one.
    ///
    /// ```swift
    /// let scored = intent.score(features: features)
    /// route(scored.prediction)
    /// try intent.update(features: features, scored: scored, label: "billing")
    /// ```
    @discardableResult
    public mutating func update(features: SparseVector, scored: TextScore, label: String) throws -> ClassPrediction {
        guard let target = labels.firstIndex(of: label) else { throw UnknownLabel(label: label, known: labels) }
        return learn(features: features, scored: scored, target: target)
    }

    /// ``update(features:scored:label:)`` with the label given as its index in ``labels``, looked
    /// up beforehand (``ClassifierPipeline`` resolves labels on its featurizing thread).
    @discardableResult
    mutating func learn(features: SparseVector, scored: TextScore, target: Int) -> ClassPrediction {
        precondition(
            scored.updates == updates && scored.logits.count == labels.count,
            "a score is learned from by the classifier that gave it, before any other update")
        precondition(labels.indices.contains(target), "a target is the index of one of the classifier's labels")
        let scores = scored.logits
        let before = scored.prediction
        remember(scores, target)

        let probabilities = TemperatureScaling.softmax(scores)
        let classes = labels.count
        let chunks = Self.weightChunks(classes: classes)
        let rate = Float(configuration.learningRate)
        let l2 = Float(configuration.l2)
        let classCount = Float(classes)
        // Per lane: the class's error and penalty, both 0 in lanes past the last class, so the
        // accumulator or padding sharing a group with the last weights gets a zero gradient.
        withUnsafeTemporaryAllocation(of: SIMD4<Float>.self, capacity: 3 * chunks) { lanes in
            for j in 0..<chunks {
                var error = SIMD4<Float>()
                var penalty = SIMD4<Float>()
                for lane in 0..<4 where 4 * j + lane < classes {
                    let c = 4 * j + lane
                    error[lane] = Float(probabilities[c] - (c == target ? 1 : 0))
                    penalty[lane] = l2
                }
                lanes[j] = error
                lanes[chunks + j] = penalty
            }
            if !isKnownUniquelyReferenced(&parameters) { parameters = parameters.copy() }
            do {
                let bytes = UnsafeMutableRawBufferPointer(mutating: parameters.bytes)
                features.indices.withUnsafeBufferPointer { indices in
                    features.values.withUnsafeBufferPointer { values in
                        let rowBytes = Self.rowLength(classes: classes) * MemoryLayout<Float>.stride
                        let accumulatorAt = classes * MemoryLayout<Float>.stride
                        // Σ_c g_c² is added class by class in order (the zero lanes add nothing),
                        // the same sum one class at a time gives.
                        if chunks == 1 {
                            // Two to four classes, the common urgency model: one group per row.
                            let error = lanes[0]
                            let penalty = lanes[1]
                            for k in 0..<indices.count {
                                let row = indices[k] * rowBytes
                                let value = Float(values[k])
                                var weights = bytes.loadUnaligned(fromByteOffset: row, as: SIMD4<Float>.self)
                                var accumulator = bytes.loadUnaligned(fromByteOffset: row + accumulatorAt, as: Float.self)
                                let gradient = error * value + penalty * weights
                                let squares = gradient * gradient
                                accumulator += (squares[0] + squares[1] + squares[2] + squares[3]) / classCount
                                let step = rate / (accumulator.squareRoot() + 1e-8)
                                weights -= step * gradient
                                bytes.storeBytes(of: weights, toByteOffset: row, as: SIMD4<Float>.self)
                                bytes.storeBytes(of: accumulator, toByteOffset: row + accumulatorAt, as: Float.self)
                            }
                            return
                        }
                        if chunks == 2 {
                            // Five to eight classes, the intent model: both groups in registers.
                            let lowError = lanes[0]
                            let highError = lanes[1]
                            let lowPenalty = lanes[2]
                            let highPenalty = lanes[3]
                            for k in 0..<indices.count {
                                let row = indices[k] * rowBytes
                                let value = Float(values[k])
                                var low = bytes.loadUnaligned(fromByteOffset: row, as: SIMD4<Float>.self)
                                var high = bytes.loadUnaligned(fromByteOffset: row + 16, as: SIMD4<Float>.self)
                                var accumulator = bytes.loadUnaligned(fromByteOffset: row + accumulatorAt, as: Float.self)
                                let lowGradient = lowError * value + lowPenalty * low
                                let highGradient = highError * value + highPenalty * high
                                let lowSquares = lowGradient * lowGradient
                                let highSquares = highGradient * highGradient
                                let squares = lowSquares[0] + lowSquares[1] + lowSquares[2] + lowSquares[3]
                                    + highSquares[0] + highSquares[1] + highSquares[2] + highSquares[3]
                                accumulator += squares / classCount
                                let step = rate / (accumulator.squareRoot() + 1e-8)
                                low -= step * lowGradient
                                high -= step * highGradient
                                bytes.storeBytes(of: low, toByteOffset: row, as: SIMD4<Float>.self)
                                bytes.storeBytes(of: high, toByteOffset: row + 16, as: SIMD4<Float>.self)
                                bytes.storeBytes(of: accumulator, toByteOffset: row + accumulatorAt, as: Float.self)
                            }
                            return
                        }
                        let gradients = lanes.baseAddress! + 2 * chunks
                        for k in 0..<indices.count {
                            let row = indices[k] * rowBytes
                            let value = Float(values[k])
                            var squares: Float = 0
                            for j in 0..<chunks {
                                let weights = bytes.loadUnaligned(fromByteOffset: row + 16 * j, as: SIMD4<Float>.self)
                                let gradient = lanes[j] * value + lanes[chunks + j] * weights
                                gradients[j] = gradient
                                let square = gradient * gradient
                                squares = squares + square[0] + square[1] + square[2] + square[3]
                            }
                            var accumulator = bytes.loadUnaligned(fromByteOffset: row + accumulatorAt, as: Float.self)
                            accumulator += squares / classCount
                            let step = rate / (accumulator.squareRoot() + 1e-8)
                            for j in 0..<chunks {
                                let weights = bytes.loadUnaligned(fromByteOffset: row + 16 * j, as: SIMD4<Float>.self)
                                bytes.storeBytes(of: weights - step * gradients[j], toByteOffset: row + 16 * j, as: SIMD4<Float>.self)
                            }
                            bytes.storeBytes(of: accumulator, toByteOffset: row + accumulatorAt, as: Float.self)
                        }
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
        calibration = TemperatureScaling.fit(
            flatLogits: heldOutLogits, classes: labels.count, labels: heldOutLabels,
            initialTemperature: calibration.temperature)
    }

    /// Held-out examples available for calibration.
    public var heldOutCount: Int { heldOutLabels.count }

    private mutating func remember(_ scores: [Double], _ label: Int) {
        guard configuration.calibrationWindow > 0 else { return }
        if heldOutLabels.count < configuration.calibrationWindow {
            heldOutLogits.append(contentsOf: scores)
            heldOutLabels.append(label)
        } else {
            let classes = labels.count
            heldOutLogits.replaceSubrange((heldOutNext * classes)..<((heldOutNext + 1) * classes), with: scores)
            heldOutLabels[heldOutNext] = label
            heldOutNext = (heldOutNext + 1) % configuration.calibrationWindow
        }
    }
}

/// Encoded as the class weights as one feature-major array (the weight of feature i for class c at
/// i·K + c) and the AdaGrad sums one per feature, independent of the padded rows held in memory.
/// A classifier saved with one sum per class and feature decodes with each feature's mean.
extension TextClassifier {
    private enum CodingKeys: String, CodingKey {
        case reference, labels, featurizer, configuration, calibration, updates, weights, squaredGradients, bias,
            biasSquaredGradients, heldOutLogits, heldOutLabels, heldOutNext
    }

    /// Decodes a classifier, checking that its arrays fit its featurizer and classes.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        reference = try container.decode(ModelReference.self, forKey: .reference)
        labels = try container.decode([String].self, forKey: .labels)
        featurizer = try container.decode(TextFeaturizer.self, forKey: .featurizer)
        configuration = try container.decode(Configuration.self, forKey: .configuration)
        calibration = try container.decode(TemperatureScaling.self, forKey: .calibration)
        updates = try container.decode(Int.self, forKey: .updates)
        bias = try container.decode([Double].self, forKey: .bias)
        biasSquaredGradients = try container.decode([Double].self, forKey: .biasSquaredGradients)
        let heldOutLogits = try container.decode([[Double]].self, forKey: .heldOutLogits)
        self.heldOutLogits = heldOutLogits.flatMap { $0 }
        heldOutLabels = try container.decode([Int].self, forKey: .heldOutLabels)
        heldOutNext = try container.decode(Int.self, forKey: .heldOutNext)
        let weights = try container.decode([Float].self, forKey: .weights)
        var squaredGradients = try container.decode([Float].self, forKey: .squaredGradients)
        let classes = labels.count
        if classes >= 2, squaredGradients.count == featurizer.dimension * classes {
            // Saved by per-class AdaGrad, one sum per class and feature: each feature starts
            // row-wise AdaGrad from its classes' mean.
            squaredGradients = (0..<featurizer.dimension).map { feature in
                var sum: Float = 0
                for c in 0..<classes { sum += squaredGradients[feature * classes + c] }
                return sum / Float(classes)
            }
        }
        guard classes >= 2, weights.count == featurizer.dimension * classes, squaredGradients.count == featurizer.dimension,
            bias.count == classes, biasSquaredGradients.count == classes,
            heldOutLogits.count == heldOutLabels.count, heldOutLogits.allSatisfy({ $0.count == classes })
        else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "a classifier over \(classes) classes and \(featurizer.dimension) buckets needs \(featurizer.dimension * classes) weights, \(featurizer.dimension) AdaGrad sums and \(classes) biases; found \(weights.count), \(squaredGradients.count) and \(bias.count)"))
        }
        let row = Self.rowLength(classes: classes)
        let parameters = AlignedFloats(count: featurizer.dimension * row)
        for feature in 0..<featurizer.dimension {
            for c in 0..<classes { parameters.base[feature * row + c] = weights[feature * classes + c] }
            parameters.base[feature * row + classes] = squaredGradients[feature]
        }
        self.parameters = parameters
    }

    /// Encodes the classifier.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(reference, forKey: .reference)
        try container.encode(labels, forKey: .labels)
        try container.encode(featurizer, forKey: .featurizer)
        try container.encode(configuration, forKey: .configuration)
        try container.encode(calibration, forKey: .calibration)
        try container.encode(updates, forKey: .updates)
        try container.encode(bias, forKey: .bias)
        try container.encode(biasSquaredGradients, forKey: .biasSquaredGradients)
        try container.encode(
            stride(from: 0, to: heldOutLogits.count, by: labels.count).map { Array(heldOutLogits[$0..<($0 + labels.count)]) },
            forKey: .heldOutLogits)
        try container.encode(heldOutLabels, forKey: .heldOutLabels)
        try container.encode(heldOutNext, forKey: .heldOutNext)
        let classes = labels.count
        let row = Self.rowLength(classes: classes)
        var weights = [Float](repeating: 0, count: featurizer.dimension * classes)
        var squaredGradients = [Float](repeating: 0, count: featurizer.dimension)
        for feature in 0..<featurizer.dimension {
            for c in 0..<classes { weights[feature * classes + c] = parameters.base[feature * row + c] }
            squaredGradients[feature] = parameters.base[feature * row + classes]
        }
        try container.encode(weights, forKey: .weights)
        try container.encode(squaredGradients, forKey: .squaredGradients)
    }
}
