import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneLearning

@Suite("Drift")
struct DriftTests {
    @Test("PSI matches a hand computation on quartile bins")
    func handComputedPSI() throws {
        let baseline = try FeatureBaseline(training: (1...100).map(Double.init), bins: 4)
        // Quartiles of 1…100 by the inverse empirical CDF: the 25th, 50th and 75th values.
        #expect(baseline.edges == [25, 50, 75])
        #expect(baseline.expected == [0.25, 0.25, 0.25, 0.25])
        var watch = PopulationStability(baseline: baseline)
        for (value, times) in [(10.0, 40), (30.0, 30), (60.0, 20), (90.0, 10)] {
            for _ in 0..<times { watch.add(value) }
        }
        // Σ (a − e) ln(a/e) = 0.15 ln 1.6 + 0.05 ln 1.2 − 0.05 ln 0.8 − 0.15 ln 0.4
        //                   = 0.0705005444 + 0.0091160778 + 0.0111571776 + 0.1374436098 = 0.2282174096
        #expect(abs(watch.index - 0.2282174096) < 1e-9)
        #expect(FeatureDrift.level(of: watch.index) == .moderate)
        // Values on an edge belong to the bin below it.
        #expect(baseline.bin(of: 25) == 0 && baseline.bin(of: 25.5) == 1 && baseline.bin(of: 1000) == 3)
    }

    @Test("a categorical feature counts unseen categories in a bin of their own")
    func categoricalPSI() throws {
        let baseline = try FeatureBaseline(categories: ["chat", "chat", "email", "voice"])
        var watch = PopulationStability(baseline: baseline)
        for channel in ["chat", "chat", "email", "sms"] { watch.add(category: channel) }
        // e = (0.5, 0.25, 0.25, 0) and a = (0.5, 0.25, 0, 0.25), shares floored at 1e-4.
        let expected = (1e-4 - 0.25) * log(1e-4 / 0.25) + (0.25 - 1e-4) * log(0.25 / 1e-4)
        #expect(abs(watch.index - expected) < 1e-12)
    }

    @Test("a feature drawn from its training distribution stays stable; a shifted one does not")
    func monitor() throws {
        var random = SeededGenerator(seed: 9)
        let training = (0..<5000).map { _ in random.normal(mean: 300, deviation: 60) }
        var monitor = DriftMonitor(baselines: ["amount": try FeatureBaseline(training: training), "age": try FeatureBaseline(training: training)])
        for _ in 0..<5000 {
            monitor.add(["amount": random.normal(mean: 300, deviation: 60), "age": random.normal(mean: 360, deviation: 60)])
        }
        let report = monitor.report()
        print("drift: \(report.map { "\($0.feature) PSI \($0.index)" })")
        #expect(report.first { $0.feature == "amount" }!.level == .stable)
        #expect(report.first { $0.feature == "amount" }!.index < 0.02)
        #expect(report.first { $0.feature == "age" }!.level == .significant)
    }

    @Test("Page–Hinkley raises no alarm on a long stationary stream")
    func pageHinkleyStationary() {
        var random = SeededGenerator(seed: 2026)
        var detector = PageHinkley(delta: 0.25, threshold: 50)
        var alarms = 0
        for _ in 0..<200_000 where detector.add(random.normal(mean: 1, deviation: 1)) { alarms += 1 }
        #expect(alarms == 0)
    }

    @Test("Page–Hinkley detects a mean shift of one deviation within a bounded delay")
    func pageHinkleyShift() {
        var delays: [Int] = []
        for seed in UInt64(1)...20 {
            var random = SeededGenerator(seed: seed)
            var detector = PageHinkley(delta: 0.25, threshold: 50)
            var falseAlarms = 0
            for _ in 0..<5000 where detector.add(random.normal(mean: 1, deviation: 1)) { falseAlarms += 1 }
            #expect(falseAlarms == 0)
            var delay = 0
            while true {
                delay += 1
                if detector.add(random.normal(mean: 2, deviation: 1)) || delay > 10_000 { break }
            }
            delays.append(delay)
        }
        print("Page–Hinkley delays after a +1σ shift: \(delays.sorted()), mean \(Double(delays.reduce(0, +)) / 20)")
        // Expected about λ/(shift − δ) = 50/0.75 ≈ 67 samples.
        #expect(delays.max()! <= 150)
    }

    @Test("Page–Hinkley watching decreases detects a drop")
    func pageHinkleyDecrease() {
        var random = SeededGenerator(seed: 4)
        var detector = PageHinkley(delta: 0.25, threshold: 50, direction: .decrease)
        var falseAlarms = 0
        for _ in 0..<2000 where detector.add(random.normal(mean: 5, deviation: 1)) { falseAlarms += 1 }
        #expect(falseAlarms == 0)
        var delay = 0
        repeat { delay += 1 } while !detector.add(random.normal(mean: 4, deviation: 1)) && delay < 1000
        #expect(delay <= 150)
        #expect(detector.alarms == 1 && detector.count == 0)
    }
}
