extension ShiftSchedulingProblem {
    /// The largest amount every template's cost is a whole multiple of — 1 for headcount, 5 for
    /// paid intervals over a five-day week, 0.25 for costs in quarter hours — found among
    /// amounts with up to six decimals; nil when there is none (costs like 1/3 or 0.1234567),
    /// and then no schedule cost can be assumed to fall on a grid.
    ///
    /// Every schedule then costs a whole number of units, so the cheapest one costs at least
    /// the linear relaxation rounded up to the next unit: a lower bound that proves a schedule
    /// optimal as soon as it costs that much.
    var costUnit: Double? {
        let costs = templates.map(\.cost).filter { $0 > 0 }
        guard !costs.isEmpty else { return nil }
        func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
        for decimals in 0...6 {
            let scale = (0..<decimals).reduce(1.0) { value, _ in value * 10 }
            var unit = 0
            var whole = true
            for cost in costs {
                let scaled = cost * scale
                // Beyond 2^52 a double has no fractional digits left to check.
                guard scaled < 4e15, abs(scaled - scaled.rounded()) <= 1e-12 * max(1, scaled) else {
                    whole = false
                    break
                }
                unit = gcd(unit, Int(scaled.rounded()))
            }
            if whole, unit > 0 { return Double(unit) / scale }
        }
        return nil
    }

    /// `value` rounded up to the next whole number of `unit`, allowing for the relaxation's
    /// solver tolerance: a lower bound on every schedule costing at least `value`.
    func roundedUp(_ value: Double, unit: Double?) -> Double {
        guard let unit else { return value }
        return ((value / unit) - 1e-6).rounded(.up) * unit
    }
}
