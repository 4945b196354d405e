/// The Page–Hinkley test: raises an alarm when the mean of a stream (a model's rolling absolute
/// error) shifts.
///
/// For an increase, with x̄_t the running mean of the stream:
/// m_t = Σ_{i≤t} (x_i − x̄_i − δ),  M_t = min_{i≤t} m_i,  alarm when m_t − M_t > λ.
/// For a decrease the mirror image: m'_t = Σ (x̄_i − x_i − δ), alarm when m'_t − min m' > λ.
/// δ is the change too small to care about; λ trades detection delay (about λ/(shift − δ)
/// samples) for false alarms (rarer than e^{−2δλ/σ²} per sample for noise of variance σ²).
/// After an alarm the detector starts over, so the new level becomes the reference.
///
/// ```swift
/// var detector = PageHinkley(delta: 0.25, threshold: 50)
/// if detector.add(absoluteError) { /* raise ModelDrifted, retrain */ }
/// ```
public struct PageHinkley: Sendable, Hashable, Codable {
    /// Which shifts raise an alarm.
    public enum Direction: String, Sendable, Hashable, Codable {
        case increase, decrease, both
    }

    /// δ: the tolerated change in mean.
    public var delta: Double
    /// λ: the alarm threshold.
    public var threshold: Double
    /// No alarm before this many values since the last start.
    public var minimumSamples: Int
    /// Which shifts raise an alarm.
    public var direction: Direction

    /// Values since the last start.
    public private(set) var count = 0
    /// The running mean x̄ since the last start.
    public private(set) var mean = 0.0
    private var increase = 0.0
    private var increaseMinimum = 0.0
    private var decrease = 0.0
    private var decreaseMinimum = 0.0
    /// Alarms raised since creation.
    public private(set) var alarms = 0

    /// Creates a detector.
    public init(delta: Double, threshold: Double, minimumSamples: Int = 30, direction: Direction = .increase) {
        self.delta = delta
        self.threshold = threshold
        self.minimumSamples = minimumSamples
        self.direction = direction
    }

    /// The current statistic m_t − M_t (the larger of both directions when watching both).
    public var statistic: Double {
        switch direction {
        case .increase: increase - increaseMinimum
        case .decrease: decrease - decreaseMinimum
        case .both: max(increase - increaseMinimum, decrease - decreaseMinimum)
        }
    }

    /// Adds one value; true when it raises an alarm (and the detector starts over).
    public mutating func add(_ value: Double) -> Bool {
        count += 1
        mean += (value - mean) / Double(count)
        increase += value - mean - delta
        increaseMinimum = min(increaseMinimum, increase)
        decrease += mean - value - delta
        decreaseMinimum = min(decreaseMinimum, decrease)
        guard count >= minimumSamples, statistic > threshold else { return false }
        alarms += 1
        reset()
        return true
    }

    /// Starts over: forgets the mean and the cumulative sums.
    public mutating func reset() {
        count = 0
        mean = 0
        increase = 0
        increaseMinimum = 0
        decrease = 0
        decreaseMinimum = 0
    }
}
