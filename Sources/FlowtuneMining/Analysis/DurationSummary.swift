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

    /// The summary of `values`, in any order, which it reorders: the median and p90 are found by
    /// selection rather than sorting, linear time instead of n log n, which is most of what an
    /// analysis of a large log would otherwise spend.
    init(selecting values: UnsafeMutableBufferPointer<Double>) {
        let n = values.count
        guard n > 0 else {
            self = .empty
            return
        }
        var total = 0.0
        var low = values[0], high = values[0]
        for value in values {
            total += value
            low = Swift.min(low, value)
            high = Swift.max(high, value)
        }
        let mean = total / Double(n)
        var squares = 0.0
        for value in values {
            let d = value - mean
            squares += d * d
        }
        // Select the median's lower order statistic, then the p90's among those above it; the
        // statistic just above each is the smallest of everything selection left to its right.
        func quantile(_ q: Double, searchFrom start: Int) -> (value: Double, rank: Int) {
            let position = Double(n - 1) * q
            let rank = Int(position.rounded(.down))
            Self.select(values, rank, in: start..<n)
            let fraction = position - Double(rank)
            guard rank + 1 < n, fraction > 0 else { return (values[rank], rank) }
            var next = values[rank + 1]
            for index in (rank + 2)..<n { next = Swift.min(next, values[index]) }
            return (values[rank] + (next - values[rank]) * fraction, rank)
        }
        let median = quantile(0.5, searchFrom: 0)
        let p90 = quantile(0.9, searchFrom: median.rank)
        self.init(
            count: n, total: total, mean: mean, standardDeviation: n > 1 ? (squares / Double(n - 1)).squareRoot() : 0,
            min: low, median: median.value, p90: p90.value, max: high)
    }

    /// Moves the `rank`-th smallest of `values[range]` to `values[rank]`, smaller ones before it and
    /// larger ones after (quickselect with a three-way partition, so runs of equal waits — many
    /// zeros — cost nothing; past a depth that only adversarial input reaches, it sorts the rest).
    static func select(_ values: UnsafeMutableBufferPointer<Double>, _ rank: Int, in range: Range<Int>) {
        var lo = range.lowerBound, hi = range.upperBound - 1
        var depth = 0
        while lo < hi {
            depth += 1
            if depth > 64 {
                var rest = UnsafeMutableBufferPointer(rebasing: values[lo...hi])
                rest.sort()
                return
            }
            let a = values[lo], b = values[lo + (hi - lo) / 2], c = values[hi]
            let pivot = Swift.max(Swift.min(a, b), Swift.min(Swift.max(a, b), c))
            var lt = lo, i = lo, gt = hi
            while i <= gt {
                let value = values[i]
                if value < pivot {
                    values.swapAt(lt, i)
                    lt += 1
                    i += 1
                } else if value > pivot {
                    values.swapAt(i, gt)
                    gt -= 1
                } else {
                    i += 1
                }
            }
            if rank < lt {
                hi = lt - 1
            } else if rank > gt {
                lo = gt + 1
            } else {
                return
            }
        }
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
