import Foundation
import Testing

@testable import FlowtuneCore

/// The brute-force reference: keep every observation, and for each step filter the window,
/// sort it and interpolate (R's type 7 written from its definition, 1-based).
private struct BruteForceWindow {
    var all: [(time: Double, value: Double)] = []
    let count: Int?
    let age: Double?

    mutating func add(_ value: Double, at time: Double) { all.append((time, value)) }

    func window(now: Double) -> [Double] {
        var kept = all.filter { age == nil || now - $0.time < age! }.map { $0.value }
        if let count, kept.count > count { kept.removeFirst(kept.count - count) }
        return kept
    }

    static func type7(_ values: [Double], p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let x = values.sorted()
        let n = Double(x.count)
        let h = (n - 1) * p + 1  // 1-based position
        let j = Int(h.rounded(.down))
        let gamma = h - Double(j)
        if j >= x.count { return x[x.count - 1] }
        return (1 - gamma) * x[j - 1] + gamma * x[j]
    }
}

private func close(_ a: Double?, _ b: Double?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    return abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
}

@Suite("Adaptive: rolling quantile threshold")
struct AdaptiveQuantileThresholdTests {
    @Test("type 7 matches R's quantile() and numpy's default on known samples")
    func knownQuantiles() {
        #expect(Quantile.linear([10, 20, 30, 40], p: 0.9) == 37)
        #expect(Quantile.linear([1, 2, 3, 4], p: 0.25) == 1.75)
        #expect(close(Quantile.linear(Array(1...10).map(Double.init), p: 0.9), 9.1))
        #expect(Quantile.linear([5], p: 0.9) == 5)
        #expect(Quantile.linear([3, 7], p: 0) == 3)
        #expect(Quantile.linear([3, 7], p: 1) == 7)
        #expect(Quantile.linear([2, 2, 2, 9], p: 0.5) == 2)
        #expect(Quantile.linear([], p: 0.5) == nil)
    }

    /// Feeds a random stream and checks, after every observation, the window's quantile and
    /// sample count against the brute-force window.
    private func checkAgainstBruteForce(window: SampleWindow, p: Double, seed: UInt64, steps: Int = 400) {
        var rng = SeededGenerator(seed: seed)
        var state = QuantileThresholdState(
            QuantileThreshold(quantile: p, window: window, minimumSamples: 1, configuredValue: 0, minimumChange: 0))
        var reference = BruteForceWindow(count: window.count, age: window.age)
        var time = 1_700_000_000.0
        var mismatches: [String] = []
        for step in 0..<steps {
            // Whole seconds, so some outcomes land exactly `age` after an earlier one.
            time += Double(Int.random(in: 0...900, using: &rng))
            // Heavy ties every so often, as real response times rounded to seconds have.
            let value = step % 7 == 0 ? 600 : Double.random(in: 10...14_400, using: &rng).rounded()
            _ = state.observe(value, at: time)
            reference.add(value, at: time)
            let expected = reference.window(now: time)
            let quantile = BruteForceWindow.type7(expected, p: p)
            // Collected rather than expected one by one: thousands of expectations are slow in debug.
            if state.sampleCount != expected.count || !close(state.estimate, quantile) || !close(state.value, quantile) {
                mismatches.append("step \(step): \(state.sampleCount) samples, \(String(describing: state.estimate)); "
                    + "reference \(expected.count), \(String(describing: quantile))")
            }
        }
        #expect(mismatches.isEmpty, "seed \(seed)")
    }

    @Test("window by count equals sort-and-interpolate over the last N outcomes", arguments: [0.5, 0.9, 0.99])
    func countWindow(p: Double) {
        for seed in UInt64(1)...3 { checkAgainstBruteForce(window: SampleWindow(count: 50), p: p, seed: seed) }
    }

    @Test("window by age equals sort-and-interpolate over outcomes younger than the age", arguments: [0.1, 0.9])
    func ageWindow(p: Double) {
        for seed in UInt64(4)...6 { checkAgainstBruteForce(window: SampleWindow(age: 4 * 3600), p: p, seed: seed) }
    }

    @Test("window by count and age keeps outcomes that pass both")
    func countAndAgeWindow() {
        for seed in UInt64(7)...9 {
            checkAgainstBruteForce(window: SampleWindow(count: 12, age: 3 * 3600), p: 0.9, seed: seed)
        }
    }

    @Test("an outcome exactly `age` old has left the window")
    func ageBoundary() {
        var state = QuantileThresholdState(
            QuantileThreshold(quantile: 1, window: SampleWindow(age: 100), minimumSamples: 1, configuredValue: 0))
        _ = state.observe(50, at: 1000)
        _ = state.observe(10, at: 1099)
        #expect(state.sampleCount == 2)
        #expect(state.value == 50)
        let change = state.observe(20, at: 1100)
        #expect(state.window.map(\.value) == [10, 20])
        #expect(change?.from == 50)
        #expect(change?.to == 20)
    }

    @Test("the configured value holds until min_samples, then the quantile takes over in one change")
    func configuredUntilMinimumSamples() throws {
        var state = QuantileThresholdState(
            QuantileThreshold(
                quantile: 0.9, window: SampleWindow(count: 100), minimumSamples: 10, configuredValue: 4 * 3600))
        for index in 0..<9 {
            #expect(state.observe(Double(60 * (index + 1)), at: Double(index)) == nil)
            #expect(state.value == 4 * 3600)
            #expect(state.basis.source == .configured)
        }
        #expect(state.basis.sampleCount == 9)
        let observed = state.observe(600, at: 9)
        let change = try #require(observed)
        // 60, 120, ..., 540, 600: p90 at h = 8.1 → 540 + 0.1·60.
        #expect(close(change.to, 546))
        #expect(change.from == 4 * 3600)
        #expect(change.time == 9)
        #expect(change.basis.source == .quantile)
        #expect(change.basis.sampleCount == 10)
        #expect(change.basis.quantile == 0.9)
        #expect(change.basis.window == SampleWindow(count: 100))
        #expect(change.basis.oldestSample == 0)
        #expect(state.value == change.to)
    }

    @Test("the learned value is held between floor and ceiling, and the basis says which held it")
    func floorAndCeiling() throws {
        var state = QuantileThresholdState(
            QuantileThreshold(
                quantile: 0.5, window: SampleWindow(count: 3), minimumSamples: 3, configuredValue: 3600,
                floor: 900, ceiling: 8 * 3600, minimumChange: 0))
        _ = state.observe(60, at: 0)
        _ = state.observe(60, at: 1)
        let lowObserved = state.observe(60, at: 2)
        let low = try #require(lowObserved)
        #expect(low.to == 900)
        #expect(low.basis.source == .floor)
        #expect(low.basis.estimate == 60)
        for (index, value) in [40_000.0, 50_000, 60_000].enumerated() { _ = state.observe(value, at: Double(3 + index)) }
        #expect(state.value == 8 * 3600)
        #expect(state.basis.source == .ceiling)
        #expect(state.basis.estimate == 50_000)
        #expect(state.observe(7_200, at: 10) == nil, "the median is still 50,000, above the ceiling")
        let insideObserved = state.observe(7_200, at: 11)
        let inside = try #require(insideObserved)
        #expect(inside.from == 8 * 3600)
        #expect(inside.to == 7_200)
        #expect(inside.basis.source == .quantile)
    }

    @Test("a change smaller than min_change is not published; the reference publishes the same values")
    func minimumChangeSuppression() {
        let threshold = QuantileThreshold(
            quantile: 0.9, window: SampleWindow(count: 40, age: 86_400), minimumSamples: 15, configuredValue: 7_200,
            floor: 300, ceiling: 5_000, minimumChange: 0.1)
        var state = QuantileThresholdState(threshold)
        var reference = BruteForceWindow(count: 40, age: 86_400)
        var published = 7_200.0
        var learned = false
        var rng = SeededGenerator(seed: 42)
        var time = 0.0
        var changes = 0
        var mismatches: [Int] = []
        for step in 0..<600 {
            time += Double.random(in: 0...600, using: &rng)
            let value = Double.random(in: 60...3_600, using: &rng) * (step > 300 ? 1.8 : 1)
            let change = state.observe(value, at: time)
            reference.add(value, at: time)

            let window = reference.window(now: time)
            var expected: Double? = nil
            if window.count >= 15 {
                let target = min(max(BruteForceWindow.type7(window, p: 0.9)!, 300), 5_000)
                if !learned || abs(target - published) >= 0.1 * published, target != published {
                    expected = target
                }
                learned = true
            }
            if let expected { published = expected }
            if !close(change?.to, expected) || !close(state.value, published) { mismatches.append(step) }
            if change != nil { changes += 1 }
        }
        #expect(mismatches.isEmpty, "steps where the published value differs from the reference")
        #expect(changes > 3, "the threshold moved")
        #expect(changes < 60, "but far less often than once per outcome (600)")
    }

    @Test("advance(to:) drops outcomes that aged out and falls back to the configured value")
    func advanceFallsBack() throws {
        var state = QuantileThresholdState(
            QuantileThreshold(
                quantile: 0.9, window: SampleWindow(age: 7 * 86_400), minimumSamples: 3, configuredValue: 14_400))
        for index in 0..<5 { _ = state.observe(1_800, at: Double(index) * 86_400) }
        #expect(state.value == 1_800)
        #expect(state.advance(to: 8 * 86_400) == nil, "days 2, 3 and 4 are younger than 7 days")
        let advanced = state.advance(to: 9 * 86_400)
        let change = try #require(advanced)
        #expect(change.to == 14_400)
        #expect(change.basis.source == .configured)
        #expect(change.basis.sampleCount == 2)
        #expect(state.sampleCount == 2)
    }

    @Test("reconfiguring keeps the outcomes, cuts them to the new window and publishes afresh")
    func reconfigure() throws {
        let before = QuantileThreshold(
            quantile: 0.5, window: SampleWindow(count: 10), minimumSamples: 5, configuredValue: 3600, minimumChange: 0.5)
        var state = QuantileThresholdState(before)
        for index in 0..<4 { _ = state.observe(Double(100 * (index + 1)), at: Double(index)) }
        var newStatic = before
        newStatic.configuredValue = 3700  // under 50%, but a new configured value is always published
        let restated = state.reconfigure(newStatic, at: 4)
        #expect(restated?.to == 3700 && restated?.basis.source == .configured)
        var shorter = newStatic
        shorter.window = SampleWindow(count: 3)
        shorter.minimumSamples = 3
        let cut = state.reconfigure(shorter, at: 5)
        let change = try #require(cut)
        #expect(state.window.map { $0.value } == [200, 300, 400])
        #expect(change.to == 300 && change.basis.source == .quantile)
        #expect(state.threshold == shorter)
    }

    @Test("an age-only window keeps at most maximumCount outcomes, the newest")
    func ageWindowIsBounded() {
        var state = QuantileThresholdState(
            QuantileThreshold(quantile: 0.5, window: SampleWindow(age: 86_400), minimumSamples: 1, configuredValue: 0))
        // Increasing values append at the end of the sorted index, keeping this test fast.
        for index in 0..<(SampleWindow.maximumCount + 50) { _ = state.observe(Double(index), at: Double(index) * 0.001) }
        #expect(state.sampleCount == SampleWindow.maximumCount)
        #expect(state.window.first?.value == 50)
    }

    @Test("an outcome stamped earlier than the latest is taken at the latest time; NaN is ignored")
    func lateAndInvalidOutcomes() {
        var state = QuantileThresholdState(
            QuantileThreshold(quantile: 0.5, window: SampleWindow(age: 100), minimumSamples: 1, configuredValue: 0))
        _ = state.observe(10, at: 1_000)
        _ = state.observe(20, at: 500)
        #expect(state.window.map(\.time) == [1_000, 1_000])
        #expect(state.observe(.nan, at: 1_001) == nil)
        #expect(state.observe(.infinity, at: 1_001) == nil)
        #expect(state.sampleCount == 2)
        #expect(state.latestTime == 1_000)
    }
}
