import Foundation

/// How fast tasks of one type arrive: a constant Poisson rate, or a rate that changes per
/// interval and repeats (a 96-interval day, a 7 × 24 week).
///
/// ```yaml
/// arrivals: { rate: 30, per: 1h }
/// arrivals: { interval: 15m, per: 1h, rates: [4, 4, 3, ..., 6] }   # 96 values: one day, repeated
/// ```
public struct ArrivalRate: Sendable, Hashable, Codable {
    /// Arrivals per second in each interval; a constant rate has one interval.
    public var ratesPerSecond: [Double]
    /// The length of each interval in seconds; infinite for a constant rate.
    public var interval: Double

    /// A constant rate of `perSecond` arrivals per second.
    public static func constant(perSecond: Double) -> ArrivalRate {
        ArrivalRate(ratesPerSecond: [perSecond], interval: .infinity)
    }

    /// A piecewise-constant rate that repeats every `rates.count × interval` seconds.
    public static func piecewise(perSecond rates: [Double], interval: Double) -> ArrivalRate {
        ArrivalRate(ratesPerSecond: rates, interval: interval)
    }

    /// The rate in force at `time` seconds after the scenario's start.
    public func rate(at time: Double) -> Double {
        guard interval.isFinite else { return ratesPerSecond[0] }
        let slot = Int((time / interval).rounded(.down)) % ratesPerSecond.count
        return ratesPerSecond[slot]
    }

    /// The mean rate over one cycle, in arrivals per second.
    public var meanPerSecond: Double {
        ratesPerSecond.reduce(0, +) / Double(ratesPerSecond.count)
    }

    /// The time of the next arrival after `time`, given a unit-rate exponential variate `unit`:
    /// the exact inversion of the cumulative rate, so one draw makes one arrival under any profile.
    /// Infinite when the rate is zero for ever after.
    public func nextArrival(after time: Double, unit: Double) -> Double {
        guard interval.isFinite else {
            return ratesPerSecond[0] > 0 ? time + unit / ratesPerSecond[0] : .infinity
        }
        guard meanPerSecond > 0 else { return .infinity }
        var remaining = unit
        var now = time
        while true {
            let index = (now / interval).rounded(.down)
            let end = (index + 1) * interval
            let rate = ratesPerSecond[Int(index) % ratesPerSecond.count]
            let mass = rate * (end - now)
            if rate > 0, remaining <= mass { return now + remaining / rate }
            remaining -= mass
            now = end
        }
    }
}
