import Foundation

/// Percentiles of a set of latency samples, in microseconds.
struct LatencySummary: CustomStringConvertible {
    let count: Int
    let p50: Double
    let p90: Double
    let p99: Double
    let max: Double

    /// Summarizes samples given in nanoseconds.
    init(nanoseconds samples: [UInt64]) {
        let sorted = samples.sorted()
        count = sorted.count
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let rank = Int((p * Double(sorted.count - 1)).rounded(.up))
            return Double(sorted[Swift.min(rank, sorted.count - 1)]) / 1000
        }
        p50 = percentile(0.50)
        p90 = percentile(0.90)
        p99 = percentile(0.99)
        max = percentile(1)
    }

    var description: String {
        String(format: "n=%d p50=%.1fµs p90=%.1fµs p99=%.1fµs max=%.1fµs", count, p50, p90, p99, max)
    }
}

/// Monotonic nanoseconds, for timing.
func monotonicNanoseconds() -> UInt64 {
    DispatchTime.now().uptimeNanoseconds
}
