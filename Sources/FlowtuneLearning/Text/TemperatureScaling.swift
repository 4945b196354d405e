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
    /// `logits`, to about 10 significant digits, within T ∈ [1/20, 20].
    ///
    /// NLL(β) with β = 1/T is convex (a one-parameter logistic regression) with
    /// NLL′(β) = mean(E_p[z] − z_y) and NLL″(β) = mean(Var_p[z]) under p = softmax(βz), so Newton's
    /// method finds the root of NLL′ in a few passes over the examples; a bracket around the root
    /// takes a bisection step wherever Newton's would leave it. Starting from
    /// `initialTemperature` — the last fit, when refitting on a window that has moved a little —
    /// saves passes; the optimum found does not depend on it beyond the last digits.
    public static func fit(logits: [[Double]], labels: [Int], initialTemperature: Double = 1) -> TemperatureScaling {
        precondition(logits.count == labels.count, "one label per logit vector")
        guard let classes = logits.first?.count else { return TemperatureScaling() }
        precondition(logits.allSatisfy { $0.count == classes }, "one logit per class")
        return fit(flatLogits: logits.flatMap { $0 }, classes: classes, labels: labels, initialTemperature: initialTemperature)
    }

    /// ``fit(logits:labels:initialTemperature:)`` over logits stored one example after another,
    /// `classes` each, as a classifier keeps its held-out window.
    static func fit(flatLogits: [Double], classes: Int, labels: [Int], initialTemperature: Double = 1) -> TemperatureScaling {
        fitCountingPasses(flatLogits: flatLogits, classes: classes, labels: labels, initialTemperature: initialTemperature).scaling
    }

    /// ``fit(flatLogits:classes:labels:initialTemperature:)`` and how many passes over the
    /// examples it took: the cost of a fit, which tests bound.
    static func fitCountingPasses(
        flatLogits: [Double], classes: Int, labels: [Int], initialTemperature: Double = 1
    ) -> (scaling: TemperatureScaling, passes: Int) {
        precondition(flatLogits.count == labels.count * classes, "one label per logit vector")
        guard !labels.isEmpty else { return (TemperatureScaling(), 0) }
        let count = Double(labels.count)
        func derivatives(_ beta: Double) -> (first: Double, second: Double) {
            var first = 0.0
            var second = 0.0
            flatLogits.withUnsafeBufferPointer { logits in
                labels.withUnsafeBufferPointer { labels in
                    for example in 0..<labels.count {
                        let z = UnsafeBufferPointer(rebasing: logits[(example * classes)..<((example + 1) * classes)])
                        var largest = -Double.infinity
                        var top = 0
                        for c in 0..<classes where beta * z[c] > largest {
                            largest = beta * z[c]
                            top = c
                        }
                        var sum = 0.0
                        var mean = 0.0
                        var square = 0.0
                        for c in 0..<classes {
                            let value = z[c]
                            // exp(0) = 1 exactly: the top class needs no exponential.
                            let weight = c == top ? 1 : exp(beta * value - largest)
                            sum += weight
                            mean += weight * value
                            square += weight * value * value
                        }
                        mean /= sum
                        first += mean - z[labels[example]]
                        second += max(0, square / sum - mean * mean)
                    }
                }
            }
            return (first / count, second / count)
        }
        var low = 1.0 / 20
        var high = 20.0
        var beta = min(max(1 / initialTemperature, low), high)
        if !beta.isFinite { beta = 1 }
        var passes = 0
        for _ in 0..<100 {
            passes += 1
            let (slope, curvature) = derivatives(beta)
            if slope > 0 { high = beta } else if slope < 0 { low = beta } else { break }
            var next = curvature > 0 ? beta - slope / curvature : .nan
            // A Newton step lost in rounding: β is the root to the last digit. (Bisecting instead
            // would leave the bracket, one end of which β has just become, and walk all the way
            // back to it.)
            if next == beta { break }
            // Outside the bracket, or no curvature to step by (NaN fails both tests): bisect.
            let newton = next > low && next < high
            if !newton { next = (low + high) / 2 }
            let step = abs(next - beta)
            beta = next
            // Newton converges quadratically: a step of relative size r leaves an error of about
            // r² (times NLL‴/2NLL″, of order one), so after a step below 10⁻⁷ the error is far
            // below the digits kept, and another pass over the window would only confirm it. A
            // bisection step bounds the error only by its own size.
            if (newton && step <= 1e-7 * beta) || step <= 1e-10 * beta || high - low <= 1e-12 * high { break }
        }
        return (TemperatureScaling(temperature: 1 / beta), passes)
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
