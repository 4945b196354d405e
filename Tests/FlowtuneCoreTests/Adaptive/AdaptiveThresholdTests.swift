import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Adaptive: declarations, determinism and encoding")
struct AdaptiveThresholdTests {
    static let responseTime = AdaptiveThreshold(
        name: "claims.assess.escalate_after", description: "escalate after the recent p90 response time",
        metric: "response_time",
        rule: .quantile(
            QuantileThreshold(
                quantile: 0.9, window: SampleWindow(count: 200, age: 7 * 86_400), minimumSamples: 20,
                configuredValue: 4 * 3600, floor: 900, ceiling: 8 * 3600)))

    static let exceptionRate = AdaptiveThreshold(
        name: "claims.exception_rate", metric: "exception_rate",
        rule: .band(
            SeasonalBand(
                seasonality: .weekly, slotLength: 1800, smoothing: 0.3, width: 3, warmUp: 2, blendSamples: 4,
                minimumDeviation: 0.001)))

    /// Folds a seeded stream into a fresh state and returns the state and every signal.
    static func fold(_ threshold: AdaptiveThreshold, seed: UInt64) -> (AdaptiveThresholdState, [AdaptiveSignal]) {
        var state = threshold.makeState()
        var rng = SeededGenerator(seed: seed)
        var signals: [AdaptiveSignal] = []
        var time = 1_704_067_200.0
        for index in 0..<1_500 {
            time += 1800
            let value: Double =
                switch threshold.rule {
                case .quantile: Double.random(in: 300...20_000, using: &rng)
                case .band: Double.random(in: 0...0.05, using: &rng) + (index > 1_200 ? 0.2 : 0)
                }
            if let signal = state.observe(value, at: time) { signals.append(signal) }
            if index.isMultiple(of: 100), let signal = state.advance(to: time + 60) { signals.append(signal) }
        }
        return (state, signals)
    }

    @Test("the same stream folds to an equal state and the same signals", arguments: [responseTime, exceptionRate])
    func deterministic(threshold: AdaptiveThreshold) {
        let first = Self.fold(threshold, seed: 99)
        let second = Self.fold(threshold, seed: 99)
        #expect(first.0 == second.0)
        #expect(first.1 == second.1)
        #expect(!first.1.isEmpty)
        #expect(first.0 != Self.fold(threshold, seed: 100).0, "and another stream to another state")
    }

    @Test("a state survives a JSON round trip and folds on exactly as the original", arguments: [responseTime, exceptionRate])
    func codableRoundTrip(threshold: AdaptiveThreshold) throws {
        var (state, _) = Self.fold(threshold, seed: 5)
        let data = try JSONEncoder().encode(state)
        var decoded = try JSONDecoder().decode(AdaptiveThresholdState.self, from: data)
        #expect(decoded == state)
        let declaration = try JSONDecoder().decode(AdaptiveThreshold.self, from: JSONEncoder().encode(threshold))
        #expect(declaration == threshold)
        var rng = SeededGenerator(seed: 8)
        for step in 0..<300 {
            let value = Double.random(in: 0...30_000, using: &rng)
            let time = 1_800_000_000.0 + Double(step) * 600
            #expect(state.observe(value, at: time) == decoded.observe(value, at: time))
        }
        #expect(decoded == state)
    }

    @Test("signals and changes encode for the event log")
    func signalsEncode() throws {
        let (_, signals) = Self.fold(Self.exceptionRate, seed: 1)
        let (_, changes) = Self.fold(Self.responseTime, seed: 1)
        let all = signals + changes
        let decoded = try JSONDecoder().decode([AdaptiveSignal].self, from: JSONEncoder().encode(all))
        #expect(decoded == all)
        #expect(signals.contains { if case .band(let s) = $0 { s.kind == .alert } else { false } })
        #expect(changes.allSatisfy { if case .changed = $0 { true } else { false } })
    }

    @Test("the published value reads through the bundle; a band has none")
    func bundleValue() {
        var state = Self.responseTime.makeState()
        #expect(state.value == Optional(14_400.0))
        _ = state.observe(100, at: 0)
        #expect(state.value == Optional(14_400.0))
        #expect(Self.exceptionRate.makeState().value == nil)
        var band = Self.exceptionRate.makeState()
        #expect(band.advance(to: 1e9) == nil)
    }

    @Test("valid declarations have no problems; invalid ones name each field")
    func problems() {
        #expect(Self.responseTime.problems().isEmpty)
        #expect(Self.exceptionRate.problems().isEmpty)
        let quantile = AdaptiveThreshold(
            name: "", metric: "response_time",
            rule: .quantile(
                QuantileThreshold(
                    quantile: 1.5, window: SampleWindow(), minimumSamples: 0, configuredValue: .nan, floor: 10,
                    ceiling: 5, minimumChange: -1)))
        #expect(Set(quantile.problems().map(\.field)) == ["name", "adaptive", "window", "min_samples", "static", "ceiling", "min_change"])
        let tooMany = QuantileThreshold(quantile: 0.9, window: SampleWindow(count: 10), minimumSamples: 11, configuredValue: 1)
        #expect(tooMany.problems().map(\.field) == ["min_samples"])
        let band = AdaptiveThreshold(
            name: "x", metric: "",
            rule: .band(
                SeasonalBand(
                    seasonality: .daily, slotLength: 7 * 60, smoothing: 0, width: -1, warmUp: 0, blendSamples: 0,
                    minimumDeviation: -1, utcOffset: 20 * 3600)))
        #expect(band.problems().map(\.field) == ["of", "slot", "alpha", "k", "warm_up", "blend", "min_sigma", "utc_offset"])
    }
}
