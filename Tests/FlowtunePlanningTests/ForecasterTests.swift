import FlowtuneCore
import Foundation
import Testing

@testable import FlowtunePlanning

@Suite("Forecaster: choice by backtest, bounds, zero-heavy series")
struct ForecasterTests {
    static func print(_ forecast: Forecast, _ title: String) {
        Swift.print("\(title): chose \(forecast.method.rawValue)")
        for score in forecast.backtest.scores {
            let wape = score.wape.map { String(format: "%.4f", $0) } ?? "-"
            let mase = score.mase.map { String(format: "%.4f", $0) } ?? "-"
            let weights = score.parameters.map {
                String(format: " α %.4f β %.4f γ %.4f ω %.4f", $0.alpha, $0.beta, $0.gamma, $0.omega)
            } ?? ""
            Swift.print("  \(score.method.rawValue): WAPE \(wape) MASE \(mase)\(weights)")
        }
    }

    static func bestBaselineWAPE(_ forecast: Forecast) -> Double {
        forecast.backtest.scores.filter(\.method.isBaseline).compactMap(\.wape).min()!
    }

    @Test("A contact centre at 15 minutes: over a 20-day backtest the chosen Holt–Winters beats the best seasonal-naive baseline")
    func issueTarget() throws {
        // Eight weeks of 15-minute arrivals whose level grows 1% a week and drifts 1.5% a day.
        let centre = ContactCentre(intervalsPerDay: 96, dayNoise: 0.05, drift: 0.015, growthPerWeek: 0.01)
        let (counts, _) = centre.generate(days: 56, seed: 2)
        let history = IntervalSeries(start: 0, interval: 900, values: counts)
        let forecast = try Forecaster().forecast(history)
        Self.print(forecast, "15-minute contact centre, 8 weeks")
        #expect(forecast.backtest.origins.count == 20)
        #expect(forecast.backtest.scores.count == ForecastMethod.allCases.count)
        #expect(!forecast.method.isBaseline)
        let chosen = try #require(forecast.backtest.score(of: forecast.method)?.wape)
        #expect(chosen < Self.bestBaselineWAPE(forecast))
        #expect(forecast.points.count == 96)
    }

    @Test("Holt–Winters recovers a known seasonal signal: close to the true profile, and closer than the naive baselines")
    func recoversKnownSignal() throws {
        // Six weeks of half-hours at a steady level, and the truth for the day after.
        let centre = ContactCentre(intervalsPerDay: 48, dayNoise: 0.03)
        let (counts, expected) = centre.generate(days: 43, seed: 11)
        let history = IntervalSeries(start: 0, interval: 1800, values: Array(counts.prefix(42 * 48)))
        let truth = Array(expected.suffix(48))
        let forecaster = Forecaster(configuration: .init(
            candidates: [.sameIntervalYesterday, .sameIntervalLastWeek, .holtWintersMultiplicative]))
        let forecast = try forecaster.forecast(history)
        Self.print(forecast, "half-hours, steady level")
        #expect(forecast.method == .holtWintersMultiplicative)
        let holtWinters = try #require(forecast.backtest.score(of: .holtWintersMultiplicative)?.wape)
        for baseline in [ForecastMethod.sameIntervalYesterday, .sameIntervalLastWeek] {
            #expect(holtWinters < forecast.backtest.score(of: baseline)!.wape!)
        }

        // Tomorrow against the expected counts: Holt–Winters within 8% of the volume; the
        // baselines, which copy one noisy day, further off.
        let points = forecast.points.map(\.value)
        let error = try #require(ForecastAccuracy.wape(actual: truth, forecast: points))
        Swift.print("tomorrow against the true profile: Holt–Winters WAPE \(error)")
        #expect(error < 0.08)
        for baseline in [ForecastMethod.sameIntervalYesterday, .sameIntervalLastWeek] {
            let copy = Forecaster.baseline(baseline, history.values[...], horizon: 48, perDay: 48)
            #expect(error < ForecastAccuracy.wape(actual: truth, forecast: copy)!)
        }
        // The peak lands where it is: Monday 09:30–10:30.
        let peak = points.indices.max { points[$0] < points[$1] }!
        #expect((19...20).contains(peak))
    }

    @Test("80% and 95% bounds cover about their share of the next days' counts")
    func boundsCoverTheirShare() throws {
        var inside80 = 0
        var inside95 = 0
        var total = 0
        for seed: UInt64 in [21, 22] {
            let centre = ContactCentre(intervalsPerDay: 48, dayNoise: 0.04, drift: 0.01)
            let (counts, _) = centre.generate(days: 35 + 5, seed: seed)
            // Five day-ahead forecasts in a row, each from all the days before it.
            for day in 35..<40 {
                let history = IntervalSeries(start: 0, interval: 1800, values: Array(counts.prefix(day * 48)))
                let forecast = try Forecaster(configuration: .init(candidates: [.holtWintersMultiplicative]))
                    .forecast(history)
                for (k, point) in forecast.points.enumerated() {
                    let actual = counts[day * 48 + k]
                    let eighty = point.bounds(at: 0.8)!
                    let ninetyFive = point.bounds(at: 0.95)!
                    #expect(eighty.lower >= 0 && ninetyFive.lower <= eighty.lower && ninetyFive.upper >= eighty.upper)
                    if eighty.lower <= actual && actual <= eighty.upper { inside80 += 1 }
                    if ninetyFive.lower <= actual && actual <= ninetyFive.upper { inside95 += 1 }
                    total += 1
                }
            }
        }
        let share80 = Double(inside80) / Double(total)
        let share95 = Double(inside95) / Double(total)
        Swift.print("coverage over \(total) intervals: 80% bounds \(share80), 95% bounds \(share95)")
        // 480 intervals, correlated within a day: a few points of slack either way.
        #expect(share80 > 0.72 && share80 < 0.88)
        #expect(share95 > 0.90 && share95 <= 0.99)
    }

    @Test("A zero-heavy queue forecasts non-negative counts with non-negative bounds by every method")
    func zeroHeavyQueue() throws {
        let centre = ContactCentre(intervalsPerDay: 48, peakPerQuarterHour: 0.15)
        let (counts, expected) = centre.generate(days: 36, seed: 4)
        #expect(counts.filter { $0 == 0 }.count > counts.count * 9 / 10)
        let history = IntervalSeries(start: 0, interval: 1800, values: Array(counts.prefix(35 * 48)))
        let forecast = try Forecaster().forecast(history)
        Self.print(forecast, "zero-heavy half-hours")
        #expect(forecast.backtest.scores.count == ForecastMethod.allCases.count)
        #expect(forecast.backtest.scores.allSatisfy { $0.wape.map(\.isFinite) ?? false })
        for point in forecast.points {
            #expect(point.value >= 0 && point.value.isFinite)
            for bounds in point.bounds {
                #expect(bounds.lower >= 0 && bounds.lower <= point.value + 1e-12 && bounds.upper >= point.value - 1e-12)
            }
        }
        for method in [ForecastMethod.holtWintersAdditive, .holtWintersMultiplicative] {
            let only = try Forecaster(configuration: .init(candidates: [method])).forecast(history)
            let volume = only.points.map(\.value).reduce(0, +)
            let truth = expected.suffix(48).reduce(0, +)
            #expect(abs(volume - truth) < 0.5 * truth, "\(method): \(volume) against \(truth)")
        }
    }

    @Test("A queue that never received anything forecasts zero and says no WAPE could be measured")
    func allZero() throws {
        let history = IntervalSeries(start: 0, interval: 3600, values: Array(repeating: 0, count: 24 * 21))
        let forecast = try Forecaster().forecast(history)
        #expect(forecast.points.allSatisfy { $0.value == 0 && $0.bounds.allSatisfy { $0.lower == 0 && $0.upper >= 0 } })
        #expect(forecast.backtest.scores.allSatisfy { $0.wape == nil && $0.mase == nil })
        #expect(forecast.method == .sameIntervalYesterday)
    }

    @Test("A short history shrinks the backtest window, and leaves out methods that need more")
    func shortHistory() throws {
        let (counts, _) = ContactCentre(intervalsPerDay: 24).generate(days: 18, seed: 9)
        let history = IntervalSeries(start: 0, interval: 3600, values: counts)
        let forecast = try Forecaster().forecast(history)
        #expect(forecast.backtest.origins.count == 4)
        #expect(forecast.backtest.unavailable.isEmpty)

        let eager = Forecaster(configuration: .init(minimumTrainingDays: 8))
        let partial = try eager.forecast(history)
        #expect(partial.backtest.origins.count == 10)
        #expect(Set(partial.backtest.unavailable.map(\.method)) == [.holtWintersAdditive, .holtWintersMultiplicative])
        #expect(partial.backtest.unavailable.allSatisfy { $0.reason.contains("14 days") })
    }

    @Test("Histories it cannot forecast from are refused with what is wrong")
    func refusals() {
        func message(_ body: () throws -> Forecast) -> String? {
            do {
                _ = try body()
                return nil
            } catch let error as ForecastError {
                return error.message
            } catch {
                return "\(error)"
            }
        }
        let short = IntervalSeries(start: 0, interval: 900, values: Array(repeating: 1, count: 96 * 14))
        #expect(message { try Forecaster().forecast(short) }?.contains("14 whole days") == true)
        var negative = IntervalSeries(start: 0, interval: 3600, values: Array(repeating: 1, count: 24 * 30))
        negative.values[30] = -1
        #expect(message { try Forecaster().forecast(negative) }?.contains("Interval 30") == true)
        let odd = IntervalSeries(start: 0, interval: 7 * 60, values: Array(repeating: 1, count: 5000))
        #expect(message { try Forecaster().forecast(odd) }?.contains("does not divide a day") == true)
        let none = Forecaster(configuration: .init(candidates: []))
        negative.values[30] = 1
        #expect(message { try none.forecast(negative) }?.contains("No forecasting method") == true)
        let percent = Forecaster(configuration: .init(levels: [80]))
        #expect(message { try percent.forecast(negative) }?.contains("80.0 is not") == true)
        // 30 days with 8 kept for training: Holt–Winters needs 14 before the first origin.
        let hurried = Forecaster(configuration: .init(
            backtestDays: 22, minimumTrainingDays: 8, candidates: [.holtWintersAdditive]))
        #expect(message { try hurried.forecast(negative) }?.contains("holt-winters-additive needs 14 days") == true)
    }

    @Test("A forecast survives a JSON round trip, for the CLI's output")
    func codable() throws {
        let (counts, _) = ContactCentre(intervalsPerDay: 24).generate(days: 22, seed: 1)
        let forecast = try Forecaster().forecast(IntervalSeries(start: 1_700_000_000, interval: 3600, values: counts))
        let data = try JSONEncoder().encode(forecast)
        let decoded = try JSONDecoder().decode(Forecast.self, from: data)
        #expect(decoded == forecast)
        #expect(decoded.series.values.count == 24 && decoded.series.start == 1_700_000_000 + 22 * 86_400)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"holt-winters-multiplicative\"") && text.contains("\"backtest\""))
    }

    /// receipt.csv, beside the repository in ../shared/data (CI clones shared/ next to the repo).
    static let receiptURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/data/receipt.csv").standardizedFileURL

    /// Each case's arrival in receipt.csv — its first event — as a local calendar day.
    static func receiptArrivalDays() throws -> [Int] {
        let text = try String(contentsOf: receiptURL, encoding: .utf8)
        var first: [Substring: (instant: Double, day: Int)] = [:]
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            // time:timestamp, e.g. 2011-10-11 13:45:40.276000+02:00, in the municipality's time.
            let stamp = Array(fields[14].utf8)
            func number(_ range: Range<Int>) -> Int { Int(String(decoding: stamp[range], as: UTF8.self))! }
            let day = CivilDate.daysFromCivil(year: number(0..<4), month: number(5..<7), day: number(8..<10))
            let local = Double(day * 86_400 + number(11..<13) * 3600 + number(14..<16) * 60)
                + Double(String(decoding: stamp[17..<(stamp.count - 6)], as: UTF8.self))!
            let sign: Double = stamp[stamp.count - 6] == UInt8(ascii: "-") ? -1 : 1
            let offset = sign * Double(number((stamp.count - 5)..<(stamp.count - 3)) * 3600 + number((stamp.count - 2)..<stamp.count) * 60)
            let instant = local - offset
            if let known = first[fields[1]], known.instant <= instant { continue }
            first[fields[1]] = (instant, day)
        }
        return first.values.map(\.day)
    }

    @Test("receipt.csv, arrivals per day: Holt–Winters beats the seasonal-naive baselines over the last 20 days")
    func receiptPerDay() throws {
        let arrivals = try Self.receiptArrivalDays()
        #expect(arrivals.count == 1434)
        let firstDay = arrivals.min()!
        let history = IntervalSeries(
            counting: arrivals.map { Double($0 - firstDay) * 86_400 + 1 }, start: 0, interval: 86_400,
            count: arrivals.max()! - firstDay + 1)
        #expect(history.values.reduce(0, +) == 1434)
        let forecast = try Forecaster().forecast(history)
        Self.print(forecast, "receipt.csv, arrivals per day over \(history.count) days")
        #expect(!forecast.method.isBaseline)
        #expect(forecast.backtest.score(of: forecast.method)!.wape! < Self.bestBaselineWAPE(forecast))
    }
}
