/// Count, total, mean, spread and quantiles of a set of durations in seconds — the hand-off
/// times of one edge, the cycle times of one variant.
///
/// Quantiles interpolate linearly between order statistics, as numpy's default and R's type 7
/// do: the `q` quantile of `n` sorted values sits at position `(n − 1)·q`. Independent tools
/// reading the same log therefore agree on the median and p90 to the last digit, which they would
/// not with nearest-rank quantiles.
///
/// ```swift
/// let summary = DurationSummary(unsorted: [60, 3600, 120, 90])
/// summary.median   // 105
/// summary.p90      // 2556
/// ```
public struct DurationSummary: Sendable, Hashable, Codable {
    /// How many values.
    public var count: Int
    /// Their sum, in seconds.
    public var total: Double
    /// Their mean, in seconds; 0 when there are none.
    public var mean: Double
    /// Their sample standard deviation (n − 1), in seconds; 0 for fewer than two values.
    public var standardDeviation: Double
    /// The smallest, in seconds.
    public var min: Double
    /// The median, in seconds.
    public var median: Double
    /// The 90th percentile, in seconds.
    public var p90: Double
    /// The largest, in seconds.
    public var max: Double

    /// The summary of no values: every figure 0.
    public static let empty = DurationSummary(
        count: 0, total: 0, mean: 0, standardDeviation: 0, min: 0, median: 0, p90: 0, max: 0)

    /// Creates a summary from its figures.
    public init(
        count: Int, total: Double, mean: Double, standardDeviation: Double, min: Double, median: Double, p90: Double,
        max: Double
    ) {
        self.count = count
        self.total = total
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.min = min
        self.median = median
        self.p90 = p90
        self.max = max
    }

    /// The summary of `values`, in any order.
    public init(unsorted values: [Double]) {
        var sorted = values
        sorted.sort()
        self = sorted.withUnsafeBufferPointer { DurationSummary(sorted: $0) }
    }

    /// The summary of `values`, sorted ascending.
    public init(sorted values: UnsafeBufferPointer<Double>) {
        let n = values.count
        guard n > 0 else {
            self = .empty
            return
        }
        var total = 0.0
        for value in values { total += value }
        let mean = total / Double(n)
        var squares = 0.0
        for value in values {
            let d = value - mean
            squares += d * d
        }
        self.init(
            count: n, total: total, mean: mean, standardDeviation: n > 1 ? (squares / Double(n - 1)).squareRoot() : 0,
            min: values[0], median: Self.quantile(sorted: values, 0.5), p90: Self.quantile(sorted: values, 0.9),
            max: values[n - 1])
    }

    /// The `q` quantile (0...1) of non-empty ascending `values`, interpolating linearly between the
    /// order statistics around position `(n − 1)·q`.
    public static func quantile(sorted values: UnsafeBufferPointer<Double>, _ q: Double) -> Double {
        precondition(!values.isEmpty, "the quantile of no values")
        let position = Double(values.count - 1) * q
        let below = Int(position.rounded(.down))
        let fraction = position - Double(below)
        guard below + 1 < values.count, fraction > 0 else { return values[below] }
        return values[below] + (values[below + 1] - values[below]) * fraction
    }

    /// The `q` quantile (0...1) of non-empty ascending `values`.
    public static func quantile(sorted values: [Double], _ q: Double) -> Double {
        values.withUnsafeBufferPointer { quantile(sorted: $0, q) }
    }

    /// The coefficient of variation, standard deviation over mean; 0 when the mean is 0.
    public var coefficientOfVariation: Double { mean > 0 ? standardDeviation / mean : 0 }
}
