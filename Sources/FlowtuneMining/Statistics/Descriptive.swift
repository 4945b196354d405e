/// Medians and quantiles of samples, as every report of the pilot comparison and the weekly
/// review states them.
///
/// Quantiles interpolate linearly between order statistics (Hyndman and Fan's type 7, the
/// default of R, NumPy and spreadsheets), so a reader can check a figure with the tool at hand.
///
/// ```swift
/// Descriptive.median([4, 1, 3, 2])              // 2.5
/// Descriptive.quantile([1, 2, 3, 4, 5], 0.9)    // 4.6
/// ```
public enum Descriptive {
    /// The `p` quantile (0 ≤ p ≤ 1) of `values`, or nil when there are none.
    public static func quantile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        return quantile(sorted: values.sorted(), p)
    }

    /// The `p` quantile of values already sorted ascending, or nil when there are none.
    public static func quantile(sorted values: [Double], _ p: Double) -> Double? {
        precondition(p >= 0 && p <= 1, "a quantile needs 0 ≤ p ≤ 1")
        guard !values.isEmpty else { return nil }
        let h = Double(values.count - 1) * p
        let below = Int(h.rounded(.down))
        guard below + 1 < values.count else { return values[values.count - 1] }
        let fraction = h - Double(below)
        return values[below] + fraction * (values[below + 1] - values[below])
    }

    /// The median of `values`, or nil when there are none.
    public static func median(_ values: [Double]) -> Double? {
        quantile(values, 0.5)
    }

    /// The arithmetic mean of `values`, or nil when there are none.
    public static func mean(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }
}
