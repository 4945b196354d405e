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
}
