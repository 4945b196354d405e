import Foundation
import Testing

@testable import FlowtunePlanning

@Suite("Forecast baselines, accuracy measures and the optimiser")
struct ForecastBaselineTests {
    @Test("Seasonal naive repeats the value one season back, wrapping beyond the first season")
    func seasonalNaive() {
        let history: [Double] = [1, 2, 3, 4, 5, 6, 7]
        #expect(SeasonalNaive.forecast(history, lag: 3, horizon: 5) == [5, 6, 7, 5, 6])
        #expect(SeasonalNaive.forecast(history, lag: 1, horizon: 2) == [7, 7])
        #expect(SeasonalNaive.forecast(history[2...], lag: 5, horizon: 1) == [3])
    }

    @Test("The mean of the last seasons averages the same slot, over fewer seasons where the history is short")
    func meanOfLastSeasons() {
        // Three seasons of 2: slot 0 was 1, 3, 5; slot 1 was 10, 30, 50.
        let history: [Double] = [1, 10, 3, 30, 5, 50]
        #expect(SeasonalNaive.meanOfLastSeasons(history, season: 2, seasons: 2, horizon: 3) == [4, 40, 4])
        #expect(SeasonalNaive.meanOfLastSeasons(history, season: 2, seasons: 4, horizon: 2) == [3, 30])
        #expect(SeasonalNaive.meanOfLastSeasons(history, season: 2, seasons: 1, horizon: 2) == [5, 50])
    }

    @Test("The baselines on an intraday series: yesterday, last week and the last four same weekdays")
    func intradayBaselines() {
        // 5 weeks of 2 intervals a day; interval t holds t, so each lag is visible in the value.
        let values = (0..<70).map(Double.init)
        let series = values[...]
        #expect(Forecaster.baseline(.sameIntervalYesterday, series, horizon: 2, perDay: 2) == [68, 69])
        #expect(Forecaster.baseline(.sameIntervalLastWeek, series, horizon: 2, perDay: 2) == [56, 57])
        // Weeks are 14 intervals: slot 70 was 56, 42, 28, 14 in the last four weeks.
        #expect(Forecaster.baseline(.meanOfLastFourWeekdays, series, horizon: 2, perDay: 2) == [35, 36])
    }

    @Test("WAPE and MASE on a tiny example, by hand")
    func accuracyByHand() {
        let actual: [Double] = [10, 0, 30, 20]
        let forecast: [Double] = [12, 1, 27, 20]
        // |errors| = 2, 1, 3, 0: WAPE = 6 / 60.
        #expect(abs(ForecastAccuracy.wape(actual: actual, forecast: forecast)! - 0.1) < 1e-15)
        // In-sample seasonal naive with lag 2 over [4, 8, 6, 11, 5]: |6−4| + |11−8| + |5−6| = 6 over 3.
        let scale = ForecastAccuracy.seasonalNaiveScale([4, 8, 6, 11, 5], lag: 2)!
        #expect(scale == 2)
        // MAE = 6 / 4 = 1.5; MASE = 1.5 / 2.
        #expect(ForecastAccuracy.mase(actual: actual, forecast: forecast, scale: scale) == 0.75)
        #expect(ForecastAccuracy.wape(actual: [0, 0], forecast: [1, 2]) == nil)
        #expect(ForecastAccuracy.mase(actual: actual, forecast: forecast, scale: 0) == nil)
        #expect(ForecastAccuracy.seasonalNaiveScale([1, 2], lag: 2) == nil)
    }

    @Test("A backtest of daily counts, by hand: scores, the choice, the forecast and its bounds")
    func backtestByHand() throws {
        // 16 days; the last two are the origins (7 days of training kept before them).
        let values: [Double] = [10, 12, 9, 11, 14, 3, 1, 11, 13, 10, 12, 15, 4, 2, 12, 14]
        let history = IntervalSeries(start: 0, interval: 86_400, values: values)
        let forecaster = Forecaster(configuration: .init(
            backtestDays: 2, minimumTrainingDays: 7,
            candidates: [.sameIntervalYesterday, .meanOfLastFourWeekdays, .sameIntervalLastWeek]))
        let forecast = try forecaster.forecast(history)
        #expect(forecast.backtest.origins == [14 * 86_400, 15 * 86_400])
        // Scale: the weekly naive error over the first 14 days is 1 on each of 7 days.
        #expect(forecast.backtest.scale == 1)
        // Last week: 11 for 12, 13 for 14. Yesterday: 2 for 12, 12 for 14.
        // Last four (here two) same weekdays: (11 + 10) / 2 for 12, (13 + 12) / 2 for 14.
        let lastWeek = try #require(forecast.backtest.score(of: .sameIntervalLastWeek))
        let yesterday = try #require(forecast.backtest.score(of: .sameIntervalYesterday))
        let meanOfWeeks = try #require(forecast.backtest.score(of: .meanOfLastFourWeekdays))
        #expect(abs(lastWeek.wape! - 2.0 / 26) < 1e-15)
        #expect(abs(yesterday.wape! - 12.0 / 26) < 1e-15)
        #expect(abs(meanOfWeeks.wape! - 3.0 / 26) < 1e-15)
        #expect(lastWeek.mase == 1 && yesterday.mase == 6 && meanOfWeeks.mase == 1.5)
        #expect(yesterday.bias == 6 && lastWeek.bias == 1)
        #expect(forecast.backtest.scores.map(\.method) == [.sameIntervalLastWeek, .meanOfLastFourWeekdays, .sameIntervalYesterday])
        #expect(forecast.method == .sameIntervalLastWeek)
        #expect(forecast.backtest.forecasts.values == [11, 13])
        #expect(forecast.start == 16 * 86_400)
        // Day 16 repeats day 9. Bounds: the scaled errors 1/√12 and 1/√14, their type-7 quantiles,
        // times √(10 + 1) — values from numpy.quantile.
        let point = try #require(forecast.points.first)
        #expect(point.value == 10)
        let eighty = try #require(point.bounds(at: 0.8))
        let ninetyFive = try #require(point.bounds(at: 0.95))
        #expect(abs(eighty.lower - 10.893507445160761) < 1e-12)
        #expect(abs(eighty.upper - 10.950324923023496) < 1e-12)
        #expect(abs(ninetyFive.lower - 10.888180806611128) < 1e-12)
        #expect(abs(ninetyFive.upper - 10.955651561573127) < 1e-12)
    }

    @Test("Quantiles interpolate between order statistics as numpy's default does")
    func quantiles() {
        let values: [Double] = [3, 1, 4, 1, 5, 9, 2, 6]
        // numpy.quantile([3,1,4,1,5,9,2,6], [0, 0.1, 0.5, 0.9, 1]) = [1, 1, 3.5, 6.9, 9].
        #expect(Forecaster.quantile(values, 0) == 1)
        #expect(Forecaster.quantile(values, 0.1) == 1)
        #expect(abs(Forecaster.quantile(values, 0.5) - 3.5) < 1e-12)
        #expect(abs(Forecaster.quantile(values, 0.9) - 6.9) < 1e-12)
        #expect(Forecaster.quantile(values, 1) == 9)
    }

    @Test("Nelder–Mead finds a minimum inside the box, one on its face, and Rosenbrock's valley")
    func nelderMead() {
        let inside = NelderMead.minimize(start: [0.5, 0.5], lower: [0, 0], upper: [1, 1]) { x in
            (x[0] - 0.3) * (x[0] - 0.3) + 2 * (x[1] - 0.7) * (x[1] - 0.7)
        }
        #expect(abs(inside.point[0] - 0.3) < 1e-4 && abs(inside.point[1] - 0.7) < 1e-4)
        // The unconstrained minimum (−1, 2) lies outside: the answer is the box's corner (0, 1).
        let face = NelderMead.minimize(start: [0.5, 0.5], lower: [0, 0], upper: [1, 1]) { x in
            (x[0] + 1) * (x[0] + 1) + (x[1] - 2) * (x[1] - 2)
        }
        #expect(abs(face.point[0]) < 1e-9 && abs(face.point[1] - 1) < 1e-9)
        let rosenbrock = NelderMead.minimize(
            start: [-1.2, 1], lower: [-5, -5], upper: [5, 5], step: 0.5, tolerance: 1e-12, maxEvaluations: 2000
        ) { x in
            100 * pow(x[1] - x[0] * x[0], 2) + pow(1 - x[0], 2)
        }
        #expect(abs(rosenbrock.point[0] - 1) < 1e-3 && abs(rosenbrock.point[1] - 1) < 1e-3)
        #expect(rosenbrock.evaluations <= 2000)
    }
}
