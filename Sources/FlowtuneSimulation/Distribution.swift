import Foundation

/// A distribution of durations in seconds (handling times, patience, acceptance delays).
///
/// ```yaml
/// handling: { distribution: lognormal, mean: 6m, cv: 0.8 }
/// handling: { distribution: exponential, mean: 4m }
/// handling: { distribution: gamma, mean: 10m, cv: 0.5 }
/// handling: { distribution: empirical, values: [3m, 4m30s, 12m] }
/// handling: { distribution: constant, value: 90s }
/// ```
public enum Distribution: Sendable, Hashable, Codable {
    /// Always `value`.
    case constant(Double)
    /// Exponential with the given mean.
    case exponential(mean: Double)
    /// Lognormal with the given mean and coefficient of variation (standard deviation / mean).
    case lognormal(mean: Double, cv: Double)
    /// Gamma with the given mean and coefficient of variation; shape is 1/cv².
    case gamma(mean: Double, cv: Double)
    /// One of the observed values, each equally likely.
    case empirical([Double])

    /// The distribution's mean.
    public var mean: Double {
        switch self {
        case .constant(let value): value
        case .exponential(let mean), .lognormal(let mean, _), .gamma(let mean, _): mean
        case .empirical(let values): values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        }
    }

    /// Draws one value.
    public func sample<G: RandomNumberGenerator>(_ generator: inout G) -> Double {
        switch self {
        case .constant(let value):
            return value
        case .exponential(let mean):
            return -mean * log(RandomStreams.uniform(&generator))
        case .lognormal(let mean, let cv):
            let variance = log(1 + cv * cv)
            let mu = log(mean) - variance / 2
            return exp(mu + variance.squareRoot() * Self.standardNormal(&generator))
        case .gamma(let mean, let cv):
            let shape = 1 / (cv * cv)
            return Self.gamma(shape: shape, &generator) * mean / shape
        case .empirical(let values):
            let index = min(Int(RandomStreams.uniform(&generator) * Double(values.count)), values.count - 1)
            return values[index]
        }
    }

    /// A standard normal variate by Box–Muller; the second variate of the pair is dropped so that
    /// each draw consumes a fixed amount of its stream.
    static func standardNormal<G: RandomNumberGenerator>(_ generator: inout G) -> Double {
        let u1 = RandomStreams.uniform(&generator)
        let u2 = RandomStreams.uniform(&generator)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// A gamma(shape, 1) variate by Marsaglia and Tsang's method; shapes below 1 are boosted.
    static func gamma<G: RandomNumberGenerator>(shape: Double, _ generator: inout G) -> Double {
        if shape < 1 {
            let boosted = gamma(shape: shape + 1, &generator)
            return boosted * pow(RandomStreams.uniform(&generator), 1 / shape)
        }
        let d = shape - 1.0 / 3
        let c = 1 / (9 * d).squareRoot()
        while true {
            var x: Double
            var v: Double
            repeat {
                x = standardNormal(&generator)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = RandomStreams.uniform(&generator)
            if u < 1 - 0.0331 * x * x * x * x { return d * v }
            if log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}
