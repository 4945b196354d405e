/// Exact sample quantiles of a sorted sample.
///
/// Flowtune uses one definition everywhere a quantile of recent outcomes is published, so that a
/// threshold can be recomputed by hand (or in a spreadsheet, R or numpy) from the same samples.
///
/// ```swift
/// Quantile.linear([10, 20, 30, 40], p: 0.9)   // 37: 90% of the way from rank 1 to rank 4
/// ```
public enum Quantile {
    /// The `p`-quantile of `sorted` by linear interpolation between order statistics:
    /// Hyndman & Fan's type 7, the default of R's `quantile` and numpy's `"linear"` method.
    ///
    /// With `n` values `x[0] ≤ … ≤ x[n-1]`, `h = (n − 1)·p`, `j = ⌊h⌋`:
    /// `Q(p) = x[j] + (h − j)·(x[j+1] − x[j])`, so `Q(0)` is the minimum, `Q(1)` the maximum and
    /// one value is its own quantile for every `p`. `p` outside 0...1 is clamped to it.
    ///
    /// - Parameters:
    ///   - sorted: The sample in non-decreasing order, without NaN.
    ///   - p: The probability, such as 0.9 for the 90th percentile.
    /// - Returns: The quantile, or nil for an empty sample or a NaN `p`.
    public static func linear(_ sorted: [Double], p: Double) -> Double? {
        guard let first = sorted.first, !p.isNaN else { return nil }
        if sorted.count == 1 { return first }
        let probability = min(max(p, 0), 1)
        let h = Double(sorted.count - 1) * probability
        let j = Int(h.rounded(.down))
        if j >= sorted.count - 1 { return sorted[sorted.count - 1] }
        let lower = sorted[j]
        let upper = sorted[j + 1]
        // Ties and exact ranks return the stored value itself, not one rebuilt by arithmetic,
        // so a window of equal outcomes publishes exactly that outcome.
        let fraction = h - Double(j)
        if fraction == 0 || lower == upper { return lower }
        return lower + fraction * (upper - lower)
    }
}
