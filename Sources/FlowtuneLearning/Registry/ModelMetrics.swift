/// Live error measures of a regressor version: mean absolute error, root mean squared error and
/// bias, over every outcome scored since the version was registered.
public struct RegressionMetrics: Sendable, Hashable, Codable {
    /// Outcomes scored.
    public private(set) var count = 0
    private var absoluteErrorSum = 0.0
    private var squaredErrorSum = 0.0
    private var errorSum = 0.0

    public init() {}

    /// Scores one prediction against what happened.
    public mutating func add(predicted: Double, actual: Double) {
        let error = predicted - actual
        count += 1
        absoluteErrorSum += abs(error)
        squaredErrorSum += error * error
        errorSum += error
    }

    /// Mean |predicted − actual|; nil before the first outcome.
    public var meanAbsoluteError: Double? { count > 0 ? absoluteErrorSum / Double(count) : nil }
    /// √(mean (predicted − actual)²).
    public var rootMeanSquaredError: Double? { count > 0 ? (squaredErrorSum / Double(count)).squareRoot() : nil }
    /// Mean (predicted − actual): positive when the model overestimates.
    public var bias: Double? { count > 0 ? errorSum / Double(count) : nil }
}

/// Live measures of a classifier version: accuracy, per-class precision and recall from a
/// confusion matrix, and calibration (ECE over ten confidence bins).
public struct ClassificationMetrics: Sendable, Hashable, Codable {
    /// Outcomes scored.
    public private(set) var count = 0
    /// Predictions that named the actual class.
    public private(set) var correct = 0
    /// confusion[actual][predicted] = count.
    public private(set) var confusion: [String: [String: Int]] = [:]
    /// The calibration of the top-class confidence.
    public private(set) var calibration = CalibrationBins(count: 10)

    public init() {}

    /// Scores one prediction against the actual class.
    public mutating func add(predicted: String, confidence: Double, actual: String) {
        count += 1
        if predicted == actual { correct += 1 }
        confusion[actual, default: [:]][predicted, default: 0] += 1
        calibration.add(confidence: confidence, correct: predicted == actual)
    }

    /// correct / count; nil before the first outcome.
    public var accuracy: Double? { count > 0 ? Double(correct) / Double(count) : nil }

    /// Of the texts predicted `label`, the share that were; nil when none was predicted so.
    public func precision(of label: String) -> Double? {
        let predicted = confusion.values.reduce(0) { $0 + ($1[label] ?? 0) }
        guard predicted > 0 else { return nil }
        return Double(confusion[label]?[label] ?? 0) / Double(predicted)
    }

    /// Of the texts that were `label`, the share predicted so; nil when none was.
    public func recall(of label: String) -> Double? {
        let actual = confusion[label]?.values.reduce(0, +) ?? 0
        guard actual > 0 else { return nil }
        return Double(confusion[label]?[label] ?? 0) / Double(actual)
    }

    /// Every class seen, as actual or predicted, sorted.
    public var labels: [String] {
        Set(confusion.keys).union(confusion.values.flatMap(\.keys)).sorted()
    }

    /// Expected calibration error of the top-class confidence.
    public var expectedCalibrationError: Double { calibration.expectedCalibrationError }
}

/// The live measures of one model version.
public enum ModelMetrics: Sendable, Hashable, Codable {
    case regression(RegressionMetrics)
    case classification(ClassificationMetrics)

    /// Outcomes scored.
    public var count: Int {
        switch self {
        case .regression(let metrics): metrics.count
        case .classification(let metrics): metrics.count
        }
    }
}
