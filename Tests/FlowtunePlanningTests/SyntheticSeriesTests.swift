import FlowtuneCore
import Foundation
import Testing

@testable import FlowtunePlanning

/// A contact centre's arrivals with a known truth, for forecasting tests: an expected count per
/// interval (a weekday profile with a morning and an afternoon peak, a shorter and flatter
/// Saturday, a near-empty Sunday and a trickle at night), a level that grows and drifts from day
/// to day, day-to-day noise in volume, and Poisson counts around all that.
struct ContactCentre {
    /// Intervals per day (96 for 15 minutes).
    var intervalsPerDay = 96
    /// Expected arrivals per 15 minutes at a Monday's 10:00 peak, before growth and drift.
    var peakPerQuarterHour = 40.0
    /// The standard deviation of each day's volume around its level (a busy or a quiet day).
    var dayNoise = 0.05
    /// The standard deviation of the daily step of the log level's random walk.
    var drift = 0.0
    /// The level's growth per week (0.01 for 1%).
    var growthPerWeek = 0.0

    /// Weekday volume relative to Monday.
    static let weekdays = [1.0, 0.92, 0.88, 0.86, 0.8, 0.4, 0.15]

    /// The expected arrivals per interval over one week from a Monday at level 1.
    var weeklyProfile: [Double] {
        var profile: [Double] = []
        let scale = peakPerQuarterHour * 96 / Double(intervalsPerDay)
        for day in 0..<7 {
            for slot in 0..<intervalsPerDay {
                let hour = (Double(slot) + 0.5) * 24 / Double(intervalsPerDay)
                let shape: Double
                if day < 5 {
                    shape = hour >= 7 && hour < 21
                        ? exp(-pow(hour - 10, 2) / 4.5) + 0.75 * exp(-pow(hour - 14.5, 2) / 8) + 0.1 : 0.005
                } else {
                    shape = hour >= 9 && hour < 17 ? exp(-pow(hour - 11.5, 2) / 8) + 0.2 : 0.005
                }
                profile.append(scale * Self.weekdays[day] * shape)
            }
        }
        return profile
    }

    /// `days` days of counts from a Monday, with the expected count of each interval given the
    /// level (what a perfect forecaster would know the day before: growth and drift, not the
    /// day's own noise).
    func generate(days: Int, seed: UInt64) -> (counts: [Double], expected: [Double]) {
        var random = SeriesRandom(seed: seed)
        let profile = weeklyProfile
        var logLevel = 0.0
        var counts: [Double] = []
        var expected: [Double] = []
        for day in 0..<days {
            logLevel += log(1 + growthPerWeek) / 7 + drift * random.normal()
            let dayVolume = exp(logLevel) * max(0.5, 1 + dayNoise * random.normal())
            for slot in 0..<intervalsPerDay {
                let mean = profile[(day % 7) * intervalsPerDay + slot]
                expected.append(mean * exp(logLevel))
                counts.append(Double(random.poisson(mean * dayVolume)))
            }
        }
        return (counts, expected)
    }
}

/// Draws for synthetic data, from the core's seeded generator so every run sees the same data.
struct SeriesRandom {
    var generator: SeededGenerator

    init(seed: UInt64) {
        generator = SeededGenerator(seed: seed)
    }

    /// Uniform on (0, 1), never 0.
    mutating func uniform() -> Double {
        (Double(generator.next() >> 11) + 0.5) / Double(1 << 53)
    }

    /// Standard normal by Box–Muller.
    mutating func normal() -> Double {
        (-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform())
    }

    /// Poisson by Knuth's product of uniforms, in pieces of mean at most 30 (a sum of independent
    /// Poisson counts is Poisson), so e^−λ never underflows.
    mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        var total = 0
        var remaining = mean
        while remaining > 0 {
            let piece = min(remaining, 30)
            remaining -= piece
            let limit = exp(-piece)
            var product = uniform()
            while product > limit {
                total += 1
                product *= uniform()
            }
        }
        return total
    }
}

@Suite("Synthetic series")
struct SyntheticSeriesTests {
    @Test("The Poisson draws have the mean and variance asked for")
    func poissonMoments() {
        var random = SeriesRandom(seed: 5)
        for mean in [0.3, 4.0, 75.0] {
            let draws = (0..<20_000).map { _ in Double(random.poisson(mean)) }
            let sampleMean = draws.reduce(0, +) / Double(draws.count)
            let variance = draws.reduce(0) { $0 + ($1 - sampleMean) * ($1 - sampleMean) } / Double(draws.count - 1)
            // Standard error of the mean √(λ/n): 5 of them is a generous band.
            #expect(abs(sampleMean - mean) < 5 * (mean / Double(draws.count)).squareRoot())
            #expect(abs(variance / mean - 1) < 0.05)
        }
    }

    @Test("Weekly totals of the contact centre follow its profile: weekdays busy, Sunday near empty")
    func contactCentreShape() {
        let centre = ContactCentre(intervalsPerDay: 48)
        let (counts, expected) = centre.generate(days: 14, seed: 3)
        #expect(counts.count == 14 * 48 && expected.count == counts.count)
        let total = counts.reduce(0, +)
        let expectedTotal = expected.reduce(0, +)
        #expect(abs(total / expectedTotal - 1) < 0.05)
        let monday = counts[0..<48].reduce(0, +)
        let sunday = counts[(6 * 48)..<(7 * 48)].reduce(0, +)
        #expect(sunday < 0.25 * monday)
        // Nights are mostly empty: the case a multiplicative model has to survive.
        let nights = (0..<14).flatMap { day in counts[(day * 48)..<(day * 48 + 12)] }
        #expect(nights.filter { $0 == 0 }.count > nights.count / 3)
    }
}
