import Foundation

/// Temperature scaling: calibrated probabilities softmax(z / T) from a classifier's logits z,
/// with the one parameter T fitted by maximum likelihood on held-out examples. T > 1 softens an
/// overconfident model, T < 1 sharpens an underconfident one; the ranking of classes, and so
/// accuracy, never changes (Guo et al., *On Calibration of Modern Neural Networks*, 2017).
///
/// ```swift
/// let scaling = TemperatureScaling.fit(logits: heldOutLogits, labels: heldOutLabels)
/// let probabilities = scaling.probabilities(logits: logits)
/// ```
public struct TemperatureScaling: Sendable, Hashable, Codable {
    /// T > 0.
    public var temperature: Double

    /// Creates a scaling; T = 1 leaves probabilities as they are.
    public init(temperature: Double = 1) {
        self.temperature = temperature
    }

    /// softmax(z / T).
    public func probabilities(logits: [Double]) -> [Double] {
        Self.softmax(logits, scale: 1 / temperature)
    }

    /// The T minimising the mean negative log-likelihood of `labels` (class indices) over
    /// `logits`. NLL(β) with β = 1/T is convex (a one-parameter logistic regression), so a
    /// golden-section search over β ∈ [1/20, 20] finds the optimum.
    public static func fit(logits: [[Double]], labels: [Int]) -> TemperatureScaling {
        precondition(logits.count == labels.count, "one label per logit vector")
        guard !labels.isEmpty else { return TemperatureScaling() }
        func loss(_ beta: Double) -> Double {
            var total = 0.0
            for (z, y) in zip(logits, labels) {
                var largest = -Double.infinity
                for value in z { largest = max(largest, beta * value) }
                var sum = 0.0
                for value in z { sum += exp(beta * value - largest) }
                total += largest + log(sum) - beta * z[y]
            }
            return total / Double(labels.count)
        }
        var low = log(1.0 / 20)
        var high = log(20.0)
        let ratio = (5.0.squareRoot() - 1) / 2
        var a = high - ratio * (high - low)
        var b = low + ratio * (high - low)
        var lossA = loss(exp(a))
        var lossB = loss(exp(b))
        for _ in 0..<60 {
            if lossA < lossB {
                high = b
                b = a
                lossB = lossA
                a = high - ratio * (high - low)
                lossA = loss(exp(a))
            } else {
                low = a
                a = b
                lossA = lossB
                b = low + ratio * (high - low)
                lossB = loss(exp(b))
            }
        }
        return TemperatureScaling(temperature: 1 / exp((low + high) / 2))
    }

    /// softmax(scale · z), stable for large logits.
    static func softmax(_ logits: [Double], scale: Double = 1) -> [Double] {
        var largest = -Double.infinity
        for value in logits { largest = max(largest, scale * value) }
        var result = logits.map { exp(scale * $0 - largest) }
        let sum = result.reduce(0, +)
        for i in result.indices { result[i] /= sum }
        return result
    }
}

/// Expected calibration error: confidences grouped into equal-width bins, ECE = Σ_b (n_b/N)·|acc_b − conf_b|,
/// the average gap between how sure the model says it is and how often it is right.
///
/// ```swift
/// var bins = CalibrationBins(count: 10)
/// bins.add(confidence: 0.9, correct: true)
/// bins.expectedCalibrationError // 0.1
/// ```
public struct CalibrationBins: Sendable, Hashable, Codable {
    /// Predictions per bin.
    public private(set) var counts: [Int]
    /// Σ confidence per bin.
    public private(set) var confidenceSums: [Double]
    /// Correct predictions per bin.
    public private(set) var correctCounts: [Int]

    /// Creates `count` empty bins over [0, 1].
    public init(count: Int = 10) {
        counts = Array(repeating: 0, count: count)
        confidenceSums = Array(repeating: 0, count: count)
        correctCounts = Array(repeating: 0, count: count)
    }

    /// Adds one prediction of the top class with its confidence.
    public mutating func add(confidence: Double, correct: Bool) {
        let bin = min(counts.count - 1, max(0, Int(confidence * Double(counts.count))))
        counts[bin] += 1
        confidenceSums[bin] += confidence
        if correct { correctCounts[bin] += 1 }
    }

    /// ECE, 0 before any prediction.
    public var expectedCalibrationError: Double {
        let total = counts.reduce(0, +)
        guard total > 0 else { return 0 }
        var error = 0.0
        for bin in counts.indices where counts[bin] > 0 {
            let n = Double(counts[bin])
            error += n / Double(total) * abs(Double(correctCounts[bin]) / n - confidenceSums[bin] / n)
        }
        return error
    }
}
