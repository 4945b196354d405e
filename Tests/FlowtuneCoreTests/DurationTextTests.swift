import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Duration text")
struct DurationTextTests {
    @Test(
        "short durations in tenths, rounded as C's %.1f rounds",
        arguments: [
            (0.25, "0.2s"), (0.75, "0.8s"), (0.05, "0.1s"), (0.15, "0.1s"), (2.5, "2.5s"), (59.96, "60.0s"),
            (59.94, "59.9s"), (1e-300, "0.0s"), (0.049999, "0.0s"), (12.0, "12s"), (0, "0s"),
        ])
    func short(seconds: Double, expected: String) {
        #expect(DurationText.format(seconds) == expected)
    }

    /// The reference is C's own formatting, which the fast path replaces: every value below a
    /// minute must read the same, ties between tenths included.
    @Test("the same text as C's %.1f for random values, exact ties and neighbours of ties")
    func matchesC() {
        var generator = SeededGenerator(seed: 5)
        var values: [Double] = []
        for _ in 0..<20_000 { values.append(Double.random(in: 0..<60, using: &generator)) }
        for _ in 0..<2_000 { values.append(Double.random(in: 0..<0.2, using: &generator)) }
        // Multiples of 1/20 are ties where they are exact in binary (k/4 for odd k), and near
        // ties otherwise; their neighbours round away from the tie.
        for k in 0..<1_200 {
            let tie = Double(k) / 20
            values += [tie, tie.nextUp, tie.nextDown, Double(k) * 0.05]
        }
        values += [Double.leastNonzeroMagnitude, Double.leastNormalMagnitude, 59.999_999_999, 60.0.nextDown]
        for value in values where value < 60 && value != value.rounded() {
            #expect(DurationText.format(value) == String(format: "%.1fs", value), "\(value)")
        }
    }

    @Test("longer durations in units")
    func long() {
        #expect(DurationText.format(90) == "1m30s")
        #expect(DurationText.format(3600 * 26 + 61) == "1d2h1m1s")
    }
}
