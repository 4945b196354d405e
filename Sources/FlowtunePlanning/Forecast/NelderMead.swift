/// Derivative-free minimisation in a box, for fitting smoothing parameters: the in-sample error of
/// a Holt–Winters model is a cheap, continuous but not differentiable-in-closed-form function of
/// (α, β, γ, ω), and Nelder–Mead needs nothing but its values.
///
/// Trial points outside the box are projected onto it, which keeps every evaluation inside the
/// parameters' domain (a smoothing weight of 1.2 is not a model) at the price of possibly stalling
/// on a face of the box — where smoothing optima often sit anyway (β = 0, γ = 0).
///
/// ```swift
/// let result = NelderMead.minimize(start: [0.5, 0.5], lower: [0, 0], upper: [1, 1]) { x in
///     (x[0] - 0.3) * (x[0] - 0.3) + (x[1] - 0.7) * (x[1] - 0.7)
/// }
/// result.point   // ≈ [0.3, 0.7]
/// ```
public enum NelderMead {
    /// Where a minimisation ended.
    public struct Result: Sendable, Hashable {
        /// The best point found.
        public var point: [Double]
        /// The function's value there.
        public var value: Double
        /// How many times the function was evaluated.
        public var evaluations: Int
    }

    /// Minimises `function` from `start` within `lower...upper` (per coordinate), stopping after
    /// `maxEvaluations` or when the simplex's values agree to `tolerance` (relative) and its
    /// vertices to `tolerance` (absolute).
    ///
    /// Uses the standard coefficients (reflection 1, expansion 2, contraction ½, shrink ½) and an
    /// initial simplex of `step` along each axis, turned inwards where it would leave the box.
    public static func minimize(
        start: [Double], lower: [Double], upper: [Double], step: Double = 0.1,
        tolerance: Double = 1e-8, maxEvaluations: Int = 400,
        _ function: ([Double]) -> Double
    ) -> Result {
        let n = start.count
        precondition(n > 0 && lower.count == n && upper.count == n, "one bound per coordinate")
        var evaluations = 0
        func project(_ x: [Double]) -> [Double] {
            var y = x
            for i in 0..<n { y[i] = min(max(y[i], lower[i]), upper[i]) }
            return y
        }
        func value(_ x: [Double]) -> Double {
            evaluations += 1
            let v = function(x)
            // A non-finite value (a model that diverged) must lose to every finite one.
            return v.isFinite ? v : .greatestFiniteMagnitude
        }

        var simplex = [project(start)]
        for i in 0..<n {
            var vertex = simplex[0]
            vertex[i] = vertex[i] + step <= upper[i] ? vertex[i] + step : vertex[i] - step
            simplex.append(project(vertex))
        }
        var values = simplex.map(value)

        while evaluations < maxEvaluations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            let best = values[0]
            let worst = values[n]
            var spread = 0.0
            for vertex in simplex.dropFirst() {
                for i in 0..<n { spread = max(spread, abs(vertex[i] - simplex[0][i])) }
            }
            if abs(worst - best) <= tolerance * (abs(best) + 1e-300) && spread <= tolerance { break }
            if spread == 0 { break }

            var centroid = [Double](repeating: 0, count: n)
            for vertex in simplex.dropLast() {
                for i in 0..<n { centroid[i] += vertex[i] / Double(n) }
            }
            func along(_ t: Double) -> [Double] {
                project((0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) })
            }

            let reflected = along(-1)
            let reflectedValue = value(reflected)
            if reflectedValue < best {
                let expanded = along(-2)
                let expandedValue = value(expanded)
                if expandedValue < reflectedValue {
                    simplex[n] = expanded
                    values[n] = expandedValue
                } else {
                    simplex[n] = reflected
                    values[n] = reflectedValue
                }
                continue
            }
            if reflectedValue < values[n - 1] {
                simplex[n] = reflected
                values[n] = reflectedValue
                continue
            }
            // Contract towards the better of the worst point and its reflection.
            let outside = reflectedValue < worst
            let contracted = along(outside ? -0.5 : 0.5)
            let contractedValue = value(contracted)
            if contractedValue < (outside ? reflectedValue : worst) {
                simplex[n] = contracted
                values[n] = contractedValue
                continue
            }
            for j in 1...n {
                simplex[j] = project((0..<n).map { simplex[0][$0] + 0.5 * (simplex[j][$0] - simplex[0][$0]) })
                values[j] = value(simplex[j])
            }
        }
        let bestIndex = values.indices.min { values[$0] < values[$1] }!
        return Result(point: simplex[bestIndex], value: values[bestIndex], evaluations: evaluations)
    }
}
