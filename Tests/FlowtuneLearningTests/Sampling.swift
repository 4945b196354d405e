import FlowtuneCore
import Foundation

/// Draws for synthetic data, from the core's seeded generator so every run sees the same data.
extension SeededGenerator {
    /// Uniform on (0, 1), never 0.
    mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) / Double(1 << 53)
    }

    /// Standard normal by Box–Muller.
    mutating func normal(mean: Double = 0, deviation: Double = 1) -> Double {
        let u = uniform()
        let v = uniform()
        return mean + deviation * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// Gamma(shape, 1) by Marsaglia–Tsang (shape ≥ 1) with the boost for shape < 1.
    mutating func gamma(shape: Double) -> Double {
        if shape < 1 { return gamma(shape: shape + 1) * pow(uniform(), 1 / shape) }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = normal()
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = uniform()
            if log(u) < 0.5 * x * x + d - d * v + d * log(v) { return d * v }
        }
    }

    /// Beta(a, b) as a ratio of gammas.
    mutating func beta(_ a: Double, _ b: Double) -> Double {
        let x = gamma(shape: a)
        return x / (x + gamma(shape: b))
    }

    /// One element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T {
        items[Int(next() % UInt64(items.count))]
    }
}
