import Foundation
import Testing

@testable import FlowtunePlanning

@Suite("Handling-time forecast")
struct ForecastHandlingTimeTests {
    /// Two days of two 12-hour intervals: slot 0 saw 100 s and 120 s, then 110 s; slot 1 saw
    /// 200 s, then 260 s.
    static var tiny: HandlingTimeHistory {
        HandlingTimeHistory(
            observations: [
                (time: 10, seconds: 100), (time: 20, seconds: 120), (time: 43_300, seconds: 200),
                (time: 86_500, seconds: 110), (time: 129_700, seconds: 260), (time: 999_999, seconds: 5),
            ],
            start: 0, interval: 43_200, count: 4)
    }

    @Test("Credibility by hand: Bühlmann–Straub's κ, each slot's weight and estimate")
    func byHand() throws {
        let history = Self.tiny
        #expect(history.counts == [2, 1, 1, 1])
        #expect(history.totals == [220, 200, 110, 260])
        #expect(history.squares == [100 * 100 + 120 * 120, 40_000, 12_100, 67_600])
        // σ² = (200 + 1800) / (2 + 1); overall mean 158; between-slot sum of squares
        // 3·48² + 2·72² = 17280; τ² = (17280 − σ²) / (5 − 13/5); κ = σ²/τ².
        let forecast = try HandlingTimeForecaster(configuration: .init(halfLifeDays: nil)).forecast(history)
        #expect(abs(forecast.priorObservations - 0.09630818619582665) < 1e-14)
        #expect(abs(forecast.overallMean - 158) < 1e-12)
        #expect(forecast.points.count == 2 && forecast.start == 4 * 43_200)
        #expect(abs(forecast.points[0].seconds - 111.49300155520996) < 1e-10)
        #expect(abs(forecast.points[1].seconds - 226.69218989280242) < 1e-10)
        #expect(abs(forecast.points[0].credibility - 0.9688958009331259) < 1e-12)
        #expect(forecast.points[0].observations == 3 && forecast.points[1].observations == 2)
    }

    @Test("Recency weights by hand: a one-day half-life weighs yesterday twice the day before")
    func recencyByHand() throws {
        // Weights 2^(−age/2 intervals): 2^−1.5, 2^−1, 2^−0.5, 1 for the four intervals; κ stays
        // the unweighted one.
        let forecast = try HandlingTimeForecaster(configuration: .init(halfLifeDays: 1)).forecast(Self.tiny)
        #expect(abs(forecast.overallMean - 176.91342134898588) < 1e-10)
        #expect(abs(forecast.points[0].seconds - 114.26628100415192) < 1e-10)
        #expect(abs(forecast.points[1].seconds - 236.19387157459948) < 1e-10)
        #expect(abs(forecast.points[0].observations - 1.4142135623730951) < 1e-12)
    }

    @Test("Slots that do not differ beyond their noise all get the overall mean; κ is written as null")
    func indistinguishableSlots() throws {
        var history = HandlingTimeHistory(start: 0, interval: 3600, count: 48)
        for hour in 0..<48 {
            history.add(seconds: 100, at: Double(hour) * 3600)
            history.add(seconds: 200, at: Double(hour) * 3600 + 60)
        }
        let forecast = try HandlingTimeForecaster().forecast(history, horizon: 30)
        #expect(forecast.priorObservations == .infinity)
        #expect(forecast.points.count == 30)
        #expect(forecast.points.allSatisfy { $0.seconds == 150 && $0.credibility == 0 })
        let data = try JSONEncoder().encode(forecast)
        #expect(!String(decoding: data, as: UTF8.self).contains("priorObservations"))
        #expect(try JSONDecoder().decode(HandlingTimeForecast.self, from: data) == forecast)
    }

    @Test("Shrinkage beats each slot's raw mean where a slot has few observations")
    func shrinkageBeatsRawMeans() throws {
        // 48 half-hour slots whose true mean handling time follows the day (240–420 s); the day
        // slots see dozens of tasks a day, the night slots one every few days. Log-normal noise.
        var random = SeriesRandom(seed: 17)
        let perDay = 48
        let truth = (0..<perDay).map { slot in 300 + 120 * sin(Double(slot) / Double(perDay) * 2 * .pi) }
        var history = HandlingTimeHistory(start: 0, interval: 1800, count: 28 * perDay)
        for day in 0..<28 {
            for slot in 0..<perDay {
                let busy = (16..<40).contains(slot)
                let tasks = busy ? 20 : (random.uniform() < 0.3 ? 1 : 0)
                for _ in 0..<tasks {
                    let seconds = truth[slot] * exp(0.6 * random.normal() - 0.18)
                    history.add(seconds: seconds, at: Double(day * perDay + slot) * 1800 + 1)
                }
            }
        }
        let forecast = try HandlingTimeForecaster(configuration: .init(halfLifeDays: nil)).forecast(history)
        var shrunkError = 0.0
        var rawError = 0.0
        var sparse = 0
        for slot in 0..<perDay {
            var count = 0.0
            var total = 0.0
            for day in 0..<28 {
                count += history.counts[day * perDay + slot]
                total += history.totals[day * perDay + slot]
            }
            guard count > 0, count < 15 else { continue }
            sparse += 1
            shrunkError += pow(forecast.points[slot].seconds - truth[slot], 2)
            rawError += pow(total / count - truth[slot], 2)
            #expect(forecast.points[slot].credibility < 1)
        }
        Swift.print("handling time, \(sparse) sparse slots: MSE shrunk \(shrunkError / Double(sparse)), raw \(rawError / Double(sparse))")
        #expect(sparse >= 15)
        #expect(shrunkError < 0.8 * rawError)
        // Busy slots keep their own mean.
        #expect(forecast.points[28].credibility > 0.9)
        #expect(abs(forecast.points[28].seconds - truth[28]) < 0.1 * truth[28])
    }

    @Test("A handling time that changed is followed faster with a shorter half-life")
    func followsChange() throws {
        var history = HandlingTimeHistory(start: 0, interval: 3600, count: 28 * 24)
        for hour in 0..<(28 * 24) {
            let seconds: Double = hour < 21 * 24 ? 300 : 400
            history.add(seconds: seconds - 20, at: Double(hour) * 3600)
            history.add(seconds: seconds + 20, at: Double(hour) * 3600 + 1)
        }
        let longMemory = try HandlingTimeForecaster(configuration: .init(halfLifeDays: nil)).forecast(history)
        let shortMemory = try HandlingTimeForecaster(configuration: .init(halfLifeDays: 2)).forecast(history)
        #expect(abs(longMemory.overallMean - 325) < 1e-9)
        #expect(shortMemory.points.allSatisfy { $0.seconds > 385 && $0.seconds < 400 })
    }

    @Test("A history without observations, or with an interval that does not divide a day, is refused")
    func refusals() {
        #expect(throws: ForecastError.self) {
            try HandlingTimeForecaster().forecast(HandlingTimeHistory(start: 0, interval: 900, count: 96))
        }
        var odd = HandlingTimeHistory(start: 0, interval: 7 * 60, count: 10)
        odd.add(seconds: 60, at: 0)
        #expect(throws: ForecastError.self) { try HandlingTimeForecaster().forecast(odd) }
    }
}
