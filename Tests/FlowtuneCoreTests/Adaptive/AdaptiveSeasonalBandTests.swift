import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Adaptive: seasonal EWMA band")
struct AdaptiveSeasonalBandTests {
    /// 2024-01-01T00:00:00Z, a Monday.
    static let monday = 1_704_067_200.0

    @Test("EWMA mean and variance equal the closed form with weights α(1−α)^k", arguments: [0.1, 0.3, 0.75, 1])
    func ewmaClosedForm(alpha: Double) {
        let stream = [0.12, 0.08, 0.31, 0.05, 0.22, 0.19, 0.4, 0.02]
        var stats = EWMAStatistics()
        for (n, x) in stream.enumerated() {
            stats.update(x, smoothing: alpha)
            let seen = Array(stream[...n])
            // Weight of the observation k steps back: α(1−α)^k, the first (the seed) (1−α)^(n−1).
            let weights = seen.indices.map { index -> Double in
                let back = seen.count - 1 - index
                return index == 0 ? pow(1 - alpha, Double(seen.count - 1)) : alpha * pow(1 - alpha, Double(back))
            }
            #expect(abs(weights.reduce(0, +) - 1) < 1e-12)
            let mean = zip(weights, seen).map { $0 * $1 }.reduce(0, +)
            let variance = zip(weights, seen).map { $0 * ($1 - mean) * ($1 - mean) }.reduce(0, +)
            #expect(abs(stats.mean - mean) < 1e-12, "mean after \(n + 1)")
            #expect(abs(stats.variance - variance) < 1e-12, "variance after \(n + 1)")
            #expect(stats.count == n + 1)
        }
    }

    @Test("daily and weekly slots pick the hour Calendar gives for UTC times, Monday first")
    func slotsMatchCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        var rng = SeededGenerator(seed: 11)
        for _ in 0..<500 {
            // Whole seconds from 1960 to 2060, before and after the epoch.
            let time = Double(Int.random(in: -315_619_200...2_871_763_200, using: &rng))
            let parts = calendar.dateComponents([.weekday, .hour, .minute], from: Date(timeIntervalSince1970: time))
            let hour = try #require(parts.hour)
            let minute = try #require(parts.minute)
            let mondayFirst = (try #require(parts.weekday) + 5) % 7  // Calendar: Sunday = 1
            #expect(Seasonality.daily.slot(at: time, slotLength: 3600) == hour)
            #expect(Seasonality.weekly.slot(at: time, slotLength: 3600) == mondayFirst * 24 + hour)
            #expect(Seasonality.daily.slot(at: time, slotLength: 900) == hour * 4 + minute / 15)
            #expect(Seasonality.weekly.slot(at: time, slotLength: 1800) == mondayFirst * 48 + hour * 2 + minute / 30)
            #expect(Seasonality.none.slot(at: time, slotLength: 3600) == 0)
        }
    }

    @Test("slots across a week boundary and with a fixed UTC offset")
    func weekBoundary() {
        let sundayNight = Self.monday + 7 * 86_400 - 1  // 2024-01-07T23:59:59Z
        #expect(Seasonality.weekly.slot(at: sundayNight, slotLength: 3600) == 167)
        #expect(Seasonality.weekly.slot(at: sundayNight + 1, slotLength: 3600) == 0)
        #expect(Seasonality.daily.slot(at: sundayNight, slotLength: 3600) == 23)
        #expect(Seasonality.daily.slot(at: sundayNight + 1, slotLength: 3600) == 0)
        #expect(Seasonality.weekly.slot(at: 0, slotLength: 3600) == 72, "1970-01-01 was a Thursday")
        #expect(Seasonality.weekly.slotCount(slotLength: 900) == 672)
        // 03:00 UTC on Monday is 22:00 on Sunday at UTC−5.
        let band = SeasonalBand(seasonality: .weekly, slotLength: 3600, utcOffset: -5 * 3600)
        #expect(band.slot(at: sundayNight + 1 + 3 * 3600) == 166)
        #expect(band.slotCount == 168)
    }

    /// A daily profile: a sinusoid peaking at 12:00 UTC, sharpened (8th power) into a midday peak,
    /// plus uniform noise of ±0.002, one rate per hour.
    static func dailyPeak(hour: Int, noise: inout SeededGenerator) -> Double {
        let wave = (1 + sin(2 * Double.pi * Double(hour - 6) / 24)) / 2
        return 0.02 + 0.06 * pow(wave, 8) + Double.random(in: -0.002...0.002, using: &noise)
    }

    static func band(_ seasonality: Seasonality) -> SeasonalBand {
        SeasonalBand(
            seasonality: seasonality, slotLength: 3600, smoothing: 0.2, width: 3.5, warmUp: 4,
            minimumDeviation: 0.001)
    }

    @Test("a daily pattern raises no alert over 60 days with daily slots; one band for every hour does")
    func seasonalStreamRaisesNoAlert() {
        var seasonal = SeasonalBandState(Self.band(.daily))
        var flat = SeasonalBandState(Self.band(.none))
        var noise = SeededGenerator(seed: 2024)
        var seasonalSignals: [BandSignal] = []
        var flatAlerts = 0
        for index in 0..<(60 * 24) {
            let time = Self.monday + Double(index) * 3600
            let rate = Self.dailyPeak(hour: index % 24, noise: &noise)
            if let signal = seasonal.observe(rate, at: time) { seasonalSignals.append(signal) }
            if flat.observe(rate, at: time)?.kind == .alert { flatAlerts += 1 }
        }
        #expect(seasonalSignals.isEmpty)
        #expect(flatAlerts >= 20, "the midday peak leaves a band that ignores the hour, most days")
        // The dashboard band at noon sits around the peak, at night around the base.
        let noon = seasonal.expected(at: Self.monday + 60 * 86_400 + 12 * 3600)
        let night = seasonal.expected(at: Self.monday + 60 * 86_400 + 2 * 3600)
        #expect(noon.slot == 12 && night.slot == 2)
        #expect(abs(noon.mean - 0.08) < 0.003 && abs(night.mean - 0.02) < 0.003)
        #expect(noon.lower > night.upper)
        #expect(noon.isArmed && noon.seasonalWeight == 1)
    }

    @Test("a lasting step up raises exactly one alert, then one recovery once the band has followed")
    func stepChange() throws {
        var state = SeasonalBandState(Self.band(.daily))
        var noise = SeededGenerator(seed: 7)
        var signals: [BandSignal] = []
        let stepAt = 20 * 24
        for index in 0..<(35 * 24) {
            let time = Self.monday + Double(index) * 3600
            let rate = Self.dailyPeak(hour: index % 24, noise: &noise) + (index >= stepAt ? 0.05 : 0)
            if let signal = state.observe(rate, at: time) { signals.append(signal) }
        }
        #expect(signals.map(\.kind) == [.alert, .recovery])
        let alert = try #require(signals.first)
        let recovery = try #require(signals.last)
        #expect(alert.time == Self.monday + Double(stepAt) * 3600)
        #expect(alert.direction == .above)
        #expect(alert.value > alert.band.upper)
        #expect(recovery.direction == .above)
        #expect(recovery.alertSince == alert.time)
        #expect(recovery.value <= recovery.band.upper && recovery.value >= recovery.band.lower)
        #expect(recovery.time - alert.time <= 2 * 86_400, "each hour's band follows after a day or two")
    }

    @Test("an outlier is judged against the band before it, then folded in at full weight")
    func outlierJudgedAgainstPriorBand() throws {
        var state = SeasonalBandState(SeasonalBand(seasonality: .none, smoothing: 0.25, width: 3, warmUp: 5))
        var noise = SeededGenerator(seed: 3)
        for index in 0..<50 { _ = state.observe(0.1 + Double.random(in: -0.01...0.01, using: &noise), at: Double(index)) }
        let before = state.expected(at: 50)
        let levelBefore = state.level
        let observedAlert = state.observe(0.5, at: 50)
        let alert = try #require(observedAlert)
        #expect(alert.kind == .alert && alert.direction == .above)
        #expect(alert.band == before)
        #expect(state.isAlerting)
        // Folded in after the test: mean moves by α·d, variance by (1−α)(v + α·d²).
        let d = 0.5 - levelBefore.mean
        #expect(abs(state.level.mean - (levelBefore.mean + 0.25 * d)) < 1e-15)
        #expect(abs(state.level.variance - 0.75 * (levelBefore.variance + 0.25 * d * d)) < 1e-15)
        let observedRecovery = state.observe(0.1, at: 51)
        let recovery = try #require(observedRecovery)
        #expect(recovery.kind == .recovery && recovery.alertSince == 50)
        #expect(!state.isAlerting)
    }

    @Test("sides: above ignores drops; both reports a swing to the other side as a new alert")
    func sides() throws {
        func warmed(_ sides: SeasonalBand.Sides) -> SeasonalBandState {
            var state = SeasonalBandState(SeasonalBand(seasonality: .none, width: 3, warmUp: 3, sides: sides))
            for index in 0..<20 { _ = state.observe(index.isMultiple(of: 2) ? 0.09 : 0.11, at: Double(index)) }
            return state
        }
        var above = warmed(.above)
        #expect(above.observe(0, at: 20) == nil)
        #expect(above.observe(0.3, at: 21)?.direction == .above)
        var both = warmed(.both)
        #expect(both.observe(0.3, at: 20)?.direction == .above)
        let observedSwing = both.observe(-0.5, at: 21)
        let swing = try #require(observedSwing)
        #expect(swing.kind == .alert && swing.direction == .below)
        var below = warmed(.below)
        #expect(below.observe(0, at: 20)?.direction == .below)
        var belowOnly = warmed(.below)
        #expect(belowOnly.observe(0.3, at: 20) == nil)
    }

    @Test("a slot does not alert before its warm-up; with a blend a young slot leans on the level and may")
    func warmUpAndBlend() throws {
        let day = 86_400.0
        var plain = SeasonalBandState(SeasonalBand(seasonality: .daily, width: 3, warmUp: 4))
        var blended = SeasonalBandState(SeasonalBand(seasonality: .daily, width: 3, warmUp: 4, blendSamples: 8))
        // Three days of 0.1 ± 0.01 at 09:00 and 10:00 only.
        for dayIndex in 0..<3 {
            for hour in [9, 10] {
                let time = Self.monday + Double(dayIndex) * day + Double(hour) * 3600
                let rate = hour == 9 ? 0.09 : 0.11
                _ = plain.observe(rate, at: time)
                _ = blended.observe(rate, at: time)
            }
        }
        let fourthNine = Self.monday + 3 * day + 9 * 3600
        #expect(!plain.expected(at: fourthNine).isArmed, "09:00 has seen 3 of 4")
        #expect(plain.observe(5, at: fourthNine) == nil, "an outlier in a slot still warming up")
        var fourDays = SeasonalBandState(SeasonalBand(seasonality: .daily, width: 3, warmUp: 4))
        for dayIndex in 0..<4 {
            _ = fourDays.observe(dayIndex.isMultiple(of: 2) ? 0.09 : 0.11, at: Self.monday + Double(dayIndex) * day + 9 * 3600)
        }
        #expect(fourDays.expected(at: fourthNine + day).isArmed)
        #expect(fourDays.observe(5, at: fourthNine + day)?.kind == .alert, "armed after its 4th")

        // A slot never seen: the blended band is the level's, and the level has warmed up.
        let fresh = blended.expected(at: Self.monday + 3 * day + 15 * 3600)
        #expect(fresh.slotSamples == 0 && fresh.seasonalWeight == 0 && fresh.isArmed)
        #expect(abs(fresh.mean - blended.level.mean) < 1e-15)
        let nine = blended.expected(at: fourthNine)
        #expect(nine.seasonalWeight == 3.0 / 8.0)
        let slot = blended.slots[9]
        #expect(abs(nine.mean - (3.0 / 8.0 * slot.mean + 5.0 / 8.0 * blended.level.mean)) < 1e-15)
        #expect(blended.observe(5, at: Self.monday + 3 * day + 15 * 3600)?.kind == .alert)
    }
}
