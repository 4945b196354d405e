import Collections

/// The live value of a ``QuantileThreshold``: the outcomes in its window and the value it last
/// published.
///
/// A pure value: the same outcomes observed in the same order fold to an equal state, and it
/// encodes to JSON and back unchanged, so it can live inside event-sourced workspace state.
///
/// Cost: the window keeps outcomes in arrival order (to evict the oldest) and their values in
/// sorted order (for an exact quantile). An observation finds its place by binary search,
/// O(log n), then inserts into and evicts from the sorted array, O(n) element moves; reading
/// the quantile is O(1). The window holds at most ``SampleWindow/maximumCount`` (10,000)
/// outcomes, so an update moves at most 80 KB and usually far less.
///
/// Times are seconds since 1970 (UTC) and are expected in order. An outcome stamped earlier
/// than one already observed is taken as observed at the latest time seen, so the window is
/// always the newest outcomes of the stream and ages never run backwards.
///
/// ```swift
/// var state = QuantileThresholdState(threshold)
/// state.value                                   // the configured value, until min_samples
/// if let change = state.observe(responseTime, at: completedAt) { emit(change) }
/// if let change = state.advance(to: now) { emit(change) }   // outcomes aged out of the window
/// ```
public struct QuantileThresholdState: Sendable, Hashable {
    /// The declaration this state follows.
    public private(set) var threshold: QuantileThreshold
    /// The published value: what the threshold is now.
    public private(set) var value: Double
    /// Where the published value comes from.
    public private(set) var basis: ThresholdBasis
    /// The latest time observed, or nil before the first observation.
    public private(set) var latestTime: Double?

    /// Outcomes in arrival order; the front is the oldest.
    private var samples: Deque<Sample>
    /// The same values in non-decreasing order.
    private var sortedValues: [Double]

    /// One outcome in the window.
    public struct Sample: Sendable, Hashable, Codable {
        /// When it was observed, in seconds since 1970 (UTC).
        public var time: Double
        /// The value observed, such as a response time in seconds.
        public var value: Double

        /// Creates a sample.
        public init(time: Double, value: Double) {
            self.time = time
            self.value = value
        }
    }

    /// Creates the state of a threshold that has seen no outcome: its value is the configured one.
    public init(_ threshold: QuantileThreshold) {
        self.threshold = threshold
        value = threshold.configuredValue
        basis = ThresholdBasis(
            source: .configured, quantile: threshold.quantile, estimate: nil, sampleCount: 0,
            window: threshold.window, oldestSample: nil)
        latestTime = nil
        samples = []
        sortedValues = []
    }

    /// The outcomes in the window, oldest first.
    public var window: [Sample] { Array(samples) }

    /// The number of outcomes in the window.
    public var sampleCount: Int { samples.count }

    /// When the oldest outcome in the window was observed, or nil when the window is empty.
    /// Tells, without copying the window, whether ``advance(to:)`` would drop anything.
    public var oldestSampleTime: Double? { samples.first?.time }

    /// The window's quantile now, before floor and ceiling and whether or not it is published;
    /// nil when the window is empty. For dashboards that show the learned value approaching.
    public var estimate: Double? { Quantile.linear(sortedValues, p: threshold.quantile) }

    /// Adds an outcome to the window, drops outcomes that left it, and returns the change of the
    /// published value, if it moved.
    ///
    /// A non-finite value (NaN, infinity) is ignored: it says nothing about response times and
    /// would poison the quantile.
    ///
    /// - Parameters:
    ///   - value: The outcome, such as a response time in seconds.
    ///   - time: When it happened, in seconds since 1970 (UTC).
    /// - Returns: The change, or nil when the published value stays as it was.
    public mutating func observe(_ value: Double, at time: Double) -> ThresholdChange? {
        guard value.isFinite, time.isFinite else { return nil }
        let now = Swift.max(time, latestTime ?? time)
        latestTime = now
        insert(Sample(time: now, value: value))
        evict(now: now)
        return republish(at: now)
    }

    /// Moves the window to `time` without an outcome, dropping outcomes that have aged out, and
    /// returns the change of the published value, if it moved. With an age window, call it on a
    /// periodic tick so a quiet step's threshold falls back to the configured value once its
    /// window has too few outcomes.
    public mutating func advance(to time: Double) -> ThresholdChange? {
        guard time.isFinite else { return nil }
        let now = Swift.max(time, latestTime ?? time)
        latestTime = now
        evict(now: now)
        return republish(at: now)
    }

    /// Follows a new declaration of the same threshold (a new workflow version) without
    /// forgetting the outcomes observed: the window is cut to the new one and the value is
    /// published afresh; returns the change, if the value moved.
    ///
    /// ```swift
    /// if let change = state.reconfigure(newDeclaration, at: publishedAt) { emit(change) }
    /// ```
    public mutating func reconfigure(_ threshold: QuantileThreshold, at time: Double) -> ThresholdChange? {
        self.threshold = threshold
        let now: Double
        if time.isFinite {
            now = Swift.max(time, latestTime ?? time)
        } else if let latestTime {
            now = latestTime
        } else {
            return republish(at: 0)
        }
        latestTime = now
        evict(now: now)
        return republish(at: now)
    }

    private mutating func insert(_ sample: Sample) {
        samples.append(sample)
        sortedValues.insert(sample.value, at: Self.lowerBound(of: sample.value, in: sortedValues))
    }

    private mutating func evict(now: Double) {
        let capacity = threshold.window.capacity
        while let oldest = samples.first,
            samples.count > capacity || !threshold.window.contains(time: oldest.time, now: now)
        {
            samples.removeFirst()
            sortedValues.remove(at: Self.lowerBound(of: oldest.value, in: sortedValues))
        }
    }

    /// The value the declaration asks for now, and its basis.
    private func candidate() -> (value: Double, basis: ThresholdBasis) {
        let estimate = self.estimate
        var basis = ThresholdBasis(
            source: .configured, quantile: threshold.quantile, estimate: estimate, sampleCount: samples.count,
            window: threshold.window, oldestSample: samples.first?.time)
        guard let estimate, samples.count >= Swift.max(1, threshold.minimumSamples) else {
            return (threshold.configuredValue, basis)
        }
        let (bounded, source) = threshold.bounded(estimate)
        basis.source = source
        return (bounded, basis)
    }

    private mutating func republish(at time: Double) -> ThresholdChange? {
        let (next, nextBasis) = candidate()
        guard next != value else {
            // Same value, fresher counts: the basis stays current without an event.
            basis = nextBasis
            return nil
        }
        // Only a learned value moving within the learned regime must reach the minimum relative
        // change. Crossing between the configured and the learned value is always published (it
        // is the moment the threshold starts or stops following outcomes), and so is a new
        // configured value.
        if nextBasis.isLearned && basis.isLearned {
            let relative = value == 0 ? Double.infinity : abs(next - value) / abs(value)
            guard relative >= threshold.minimumChange else { return nil }
        }
        let change = ThresholdChange(from: value, to: next, time: time, basis: nextBasis)
        value = next
        basis = nextBasis
        return change
    }

    /// The first index whose value is not less than `value`.
    private static func lowerBound(of value: Double, in sorted: [Double]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

extension QuantileThresholdState: Codable {
    private enum CodingKeys: String, CodingKey {
        case threshold, value, basis, latestTime, samples
    }

    /// Decodes a state; the sorted index is rebuilt from the samples rather than stored twice.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        threshold = try container.decode(QuantileThreshold.self, forKey: .threshold)
        value = try container.decode(Double.self, forKey: .value)
        basis = try container.decode(ThresholdBasis.self, forKey: .basis)
        latestTime = try container.decodeIfPresent(Double.self, forKey: .latestTime)
        let window = try container.decode([Sample].self, forKey: .samples)
        samples = Deque(window)
        sortedValues = window.map(\.value).sorted()
    }

    /// Encodes the declaration, the published value and the window's outcomes in arrival order.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(threshold, forKey: .threshold)
        try container.encode(value, forKey: .value)
        try container.encode(basis, forKey: .basis)
        try container.encodeIfPresent(latestTime, forKey: .latestTime)
        try container.encode(Array(samples), forKey: .samples)
    }
}
