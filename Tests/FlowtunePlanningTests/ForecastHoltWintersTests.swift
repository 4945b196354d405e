import Foundation
import Testing

@testable import FlowtunePlanning

@Suite("Holt–Winters")
struct ForecastHoltWintersTests {
    /// Five seasons of 4 with a small upward trend.
    static let short: [Double] = [12, 30, 22, 8, 14, 33, 25, 9, 15, 35, 27, 11, 17, 38, 28, 12, 18, 40, 31, 13]

    static func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-9) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    @Test("Additive with a trend matches statsmodels' ExponentialSmoothing with the same start and weights")
    func additiveAgainstStatsmodels() {
        // statsmodels 0.15.0:
        //   ExponentialSmoothing(y, trend='add', seasonal='add', seasonal_periods=4,
        //       initialization_method='known', initial_level=17.0, initial_trend=0.5,
        //       initial_seasonal=[-6.0, 12.0, 4.0, -10.0])
        //   .fit(smoothing_level=0.3, smoothing_trend=0.1, smoothing_seasonal=0.2, optimized=False)
        //   → fittedvalues, forecast(6), sse, level[-1], trend[-1], season[-4:]
        let model = HoltWinters(seasonality: .additive, periods: [4], trend: true)
        let start = HoltWinters.State(level: 17, trend: 0.5, seasonals: [[-6, 12, 4, -10]])
        let weights = HoltWinters.Parameters(alpha: 0.3, beta: 0.1, gamma: 0.2)
        let fitted = model.fittedValues(Self.short, from: start, parameters: weights)
        #expect(Self.close(fitted, [
            11.5, 30.165, 22.625549999999997, 8.9291685, 13.213826394999996, 31.803672129649996,
            24.593343980015497, 11.189700255870878, 15.445250762293522, 33.71674102599057, 26.34620675665568,
            12.476495980323612, 17.295356832368007, 35.96247320444317, 28.71991015222576, 13.998403427408263,
            18.867635566425026, 37.78319237335298, 30.00185193532375, 15.550531521465054,
        ]))
        let (state, sse) = model.smooth(Self.short, from: start, parameters: weights)
        #expect(abs(sse - 34.91298148195411) < 1e-9)
        #expect(abs(state.level - 26.104125697746085) < 1e-12)
        #expect(abs(state.trend - 0.4344706760356447) < 1e-12)
        #expect(Self.close(state.seasonals[0], [-6.064413911217313, 13.313784253312665, 4.142627435155865, -11.828859937013561]))
        // statsmodels 0.15.0's forecast(6) is [20.474182462564414, 40.286851303130035,
        // 31.550165161008884, 16.523254769168112, 22.212065166706992, 42.02473400727261]; its step
        // h = m reuses the seasonal factor of a season earlier (statsmodels issue #9538, fixed by
        // PR #10230). Hyndman's ℓ + 4b + s_T is level[-1] + 4 * trend[-1] + season[-1] from the
        // same fit = 16.0131484648751.
        #expect(Self.close(model.forecast(from: state, horizon: 6), [
            20.474182462564414, 40.286851303130035, 31.550165161008884, 16.0131484648751, 22.212065166706992,
            42.02473400727261,
        ]))
    }

    @Test("Additive without a trend matches statsmodels")
    func additiveWithoutTrendAgainstStatsmodels() {
        // ExponentialSmoothing(y, trend=None, seasonal='add', seasonal_periods=4,
        //     initialization_method='known', initial_level=20.0, initial_seasonal=[-6.0, 12.0, 4.0, -10.0])
        // .fit(smoothing_level=0.25, smoothing_seasonal=0.15, optimized=False)
        let model = HoltWinters(seasonality: .additive, periods: [4], trend: false)
        let start = HoltWinters.State(level: 20, seasonals: [[-6, 12, 4, -10]])
        let weights = HoltWinters.Parameters(alpha: 0.25, gamma: 0.15)
        let fitted = model.fittedValues(Self.short, from: start, parameters: weights)
        #expect(Self.close(fitted, [
            14, 31.5, 23.125, 8.84375, 12.3328125, 30.824609374999998, 23.424707031249998, 9.860717773437498,
            13.722178955078125, 32.192864685058595, 24.86088386535645, 11.072448787689213, 15.451758038520818,
            34.21944613814354, 27.030617078125477, 12.61801395891607, 17.10403552931622, 36.043501041296686,
            28.476982614493043, 14.214678579073155,
        ]))
        let state = model.smooth(Self.short, from: start, parameters: weights).state
        // forecast(5), except step 4 (statsmodels issue #9538: it gives 13.911008934304867), which
        // is level[-1] + season[-1] = 13.728807147443895.
        #expect(Self.close(model.forecast(from: state, horizon: 5), [
            18.77863075887401, 37.95318532638646, 29.182519923927536, 13.728807147443895, 18.77863075887401,
        ]))
    }

    @Test("Fitting by Nelder–Mead reaches statsmodels' optimum of the one-step error from the same start")
    func fitReachesStatsmodelsOptimum() throws {
        // The same model .fit(optimized=True) (L-BFGS-B) ends at α ≈ 0, β ≈ 0, γ ≈ 1 with
        // sse = 11.500000201165683.
        let model = HoltWinters(seasonality: .additive, periods: [4], trend: true)
        let start = HoltWinters.State(level: 17, trend: 0.5, seasonals: [[-6, 12, 4, -10]])
        let fit = try model.fit(Self.short, initial: start, criterion: .oneStep)
        #expect(fit.sumOfSquaredErrors <= 11.500000201165683 + 1e-6)
        #expect(fit.parameters.alpha < 1e-3 && fit.parameters.gamma > 0.99)
    }

    /// A short series with a two-slot "day" inside a six-slot "week", zeros included.
    static let doubleSeasonal: [Double] = [3, 9, 4, 11, 1, 5, 4, 10, 5, 12, 0, 6, 5, 11, 6, 13, 1, 7]
    static let weekly: [Double] = [1.0, 1.1, 0.9, 1.2, 0.6, 1.2]

    @Test("Double-seasonal additive matches an independent implementation of the same equations")
    func doubleSeasonalAdditive() {
        // A plain Python loop over ℓ, b, d (period 2), w (period 6) from the documented equations:
        //   e = y − (ℓ + b + d + w); ℓ' = ℓ + b + αe; d += γe; w += ωe; b = β(ℓ' − ℓ) + (1 − β)b
        // with ℓ = 6, b = 0.1, d = [−3, 3], w = [0.5, 0.5, −0.5, 1, −1.5, 0],
        // α = 0.2, β = 0.05, γ = 0.15, ω = 0.1.
        let model = HoltWinters(seasonality: .additive, periods: [2, 6], trend: true)
        let start = HoltWinters.State(level: 6, trend: 0.1, seasonals: [[-3, 3], [0.5, 0.5, -0.5, 1, -1.5, 0]])
        let weights = HoltWinters.Parameters(alpha: 0.2, beta: 0.05, gamma: 0.15, omega: 0.1)
        #expect(Self.close(model.fittedValues(Self.doubleSeasonal, from: start, parameters: weights), [
            3.5999999999999996, 9.574, 2.45746, 10.373553399999999, 2.336273586, 9.53209198894, 3.050012773502599,
            8.690489530876654, 2.9932916663237394, 10.337993979555455, 2.9446360298909253, 9.006565323035982,
            3.613464723739498, 9.37427274823192, 3.889884243982559, 11.204013695244596, 3.427086287748992,
            9.580649714453166,
        ]))
        let state = model.smooth(Self.doubleSeasonal, from: start, parameters: weights).state
        #expect(Self.close(model.forecast(from: state, horizon: 8), [
            4.829311059325104, 10.307697023850775, 4.361880424188161, 11.120302350451107, 2.2654296310242774,
            8.840212961457674, 5.250166677833537, 10.72855264235921,
        ]))
    }

    @Test("Double-seasonal multiplicative, offset by one and with the count-efficient level, matches an independent implementation")
    func doubleSeasonalMultiplicative() {
        // The Python loop on y + 1: ŷ = (ℓ + b)·d·w; ℓ' = ℓ + b + e·α / max(1, α·d·w);
        // d' = γ(y+1)/((ℓ+b)·w) + (1−γ)d; w' = ω(y+1)/((ℓ+b)·d) + (1−ω)w; forecasts less 1.
        // ℓ = 7, b = 0.05, d = [0.5, 1.5], w = [1, 1.1, 0.9, 1.2, 0.6, 1.2].
        let model = HoltWinters(seasonality: .multiplicative, periods: [2, 6], trend: true, offset: 1)
        let start = HoltWinters.State(level: 7, trend: 0.05, seasonals: [[0.5, 1.5], Self.weekly])
        let weights = HoltWinters.Parameters(alpha: 0.2, beta: 0.05, gamma: 0.15, omega: 0.1)
        #expect(Self.close(model.fittedValues(Self.doubleSeasonal, from: start, parameters: weights), [
            2.525, 10.8795875, 2.149298848956117, 11.800713838839583, 1.3881498891275097, 11.42167043458675,
            2.199530340343445, 7.961794491190451, 2.6991301166085973, 10.73359296122467, 1.8104378380673984,
            10.342979283146969, 2.856153884748003, 8.761886781460873, 3.53732502334062, 11.70178550191529,
            2.008721880916656, 11.00236778597842,
        ]))
        let state = model.smooth(Self.doubleSeasonal, from: start, parameters: weights).state
        #expect(Self.close(model.forecast(from: state, horizon: 8), [
            4.177824612569595, 9.667659413286097, 3.9200644178237667, 10.540508101290188, 1.4760787835500149,
            9.08826912497178, 4.274957132593925, 9.867153825136304,
        ]))

        // A large α, where the gain is capped at the textbook model's 1/(d·w) in peak slots.
        let capped = HoltWinters(seasonality: .multiplicative, periods: [2, 6], trend: false, offset: 1)
        let eager = HoltWinters.Parameters(alpha: 0.9, gamma: 0.3, omega: 0.2)
        let from = HoltWinters.State(level: 7, seasonals: [[0.5, 1.5], Self.weekly])
        #expect(Self.close(capped.fittedValues(Self.doubleSeasonal, from: from, parameters: eager), [
            2.5, 11.292500000000002, 1.8441558441558432, 12.595809259684792, 1.7117171847734767, 9.527303664985961,
            1.2194691383994476, 6.76516126676096, 6.339284108687844, 10.802728168801998, 2.612607534361657,
            7.980397623096122, 2.573451639387514, 9.064638497722672, 4.860873354704116, 13.897802360471974,
            2.196707800659617, 9.543870076595766,
        ]))
        let end = capped.smooth(Self.doubleSeasonal, from: from, parameters: eager).state
        #expect(Self.close(capped.forecast(from: end, horizon: 4), [
            4.658041605497107, 7.432500360794741, 3.017733946512145, 7.360818965570219,
        ]))
    }

    @Test("The initial state of a noiseless double-seasonal series is its level, daily shape and weekday effect")
    func initialStateOfExactSeries() throws {
        // Level 10, daily shape [−4, 0, 4], weekday effects [2, 1, −3] (a 3-slot day, 3-day week),
        // no noise, three weeks.
        let daily: [Double] = [-4, 0, 4]
        let weekday: [Double] = [2, 1, -3]
        let values = (0..<27).map { (t: Int) -> Double in 10 + daily[t % 3] + weekday[(t % 9) / 3] }
        let model = HoltWinters(seasonality: .additive, periods: [3, 9], trend: false)
        let state = try model.initialState(for: values)
        #expect(abs(state.level - 10) < 1e-12)
        #expect(Self.close(state.seasonals[0], daily, 1e-12))
        let weekly = (0..<9).map { (slot: Int) -> Double in weekday[slot / 3] }
        #expect(Self.close(state.seasonals[1], weekly, 1e-12))
        // And so the one-step errors are zero whatever the weights.
        let (_, sse) = model.smooth(values, from: state, parameters: .init(alpha: 0.3, gamma: 0.2, omega: 0.1))
        #expect(sse < 1e-20)
    }

    @Test("A weekly shape that differs by weekday survives the shrinkage of the initial weekly index; noise is shrunk")
    func weeklyShrinkage() {
        // Four weeks of 2-slot days in 2-day weeks. Day 0 of the week has a real shape, the same
        // every week (+3, −3); day 1 only noise, which does not quite average out: slot 2 sees
        // 1, 0, 0.5, 0.5 (mean 0.5, variance between weeks 1/6) and slot 3 the opposite.
        let day1: [(Double, Double)] = [(1, -1), (0, 0), (0.5, -0.5), (0.5, -0.5)]
        let remainder = day1.flatMap { (a: Double, b: Double) -> [Double] in [3, -3, a, b] }
        let indices = HoltWinters.weeklyIndices(remainder, day: 2, week: 4, cycles: 4)
        // Day 1: observed variance of the slot means around the day's mean 0.25; noise variance
        // of a mean (1/6)/4; shrink 1 − (1/24)/0.25 = 5/6.
        let shrunk: Double = 0.5 * 5 / 6
        #expect(Self.close(indices, [3, -3, shrunk, -shrunk], 1e-12))
    }

    @Test("Zero-heavy counts: the multiplicative model stays finite and non-negative and keeps the day's volume")
    func zeroHeavyMultiplicative() throws {
        // About 1.3 arrivals a day over 48 half hours: most intervals are 0.
        let centre = ContactCentre(intervalsPerDay: 48, peakPerQuarterHour: 0.1)
        let (counts, expected) = centre.generate(days: 29, seed: 7)
        #expect(counts.filter { $0 == 0 }.count > counts.count * 9 / 10)
        let history = Array(counts.prefix(28 * 48))
        for criterion in [HoltWinters.FitCriterion.oneStep, .ahead(horizon: 48, every: 48)] {
            for offset in [1.0, 0.0] {
                let model = HoltWinters(seasonality: .multiplicative, periods: [48, 336], trend: false, offset: offset)
                let fit = try model.fit(history, criterion: criterion)
                let tomorrow = fit.forecast(48)
                #expect(tomorrow.allSatisfy { $0.isFinite })
                #expect(fit.final.seasonals.joined().allSatisfy { $0.isFinite && $0 > 0 })
                if offset == 1 {
                    let total = tomorrow.map { max(0, $0) }.reduce(0, +)
                    let truth = expected.suffix(48).reduce(0, +)
                    #expect(abs(total - truth) < 1.5, "\(criterion): \(total) expected against \(truth)")
                }
            }
        }
    }

    @Test("A history shorter than two cycles is refused with the length it needs")
    func tooShort() {
        let model = HoltWinters(seasonality: .additive, periods: [4, 8])
        #expect(throws: ForecastError.self) { try model.fit([1, 2, 3, 4, 5, 6, 7, 8, 9]) }
        do {
            _ = try model.fit(Array(repeating: 1, count: 9))
        } catch let error as ForecastError {
            #expect(error.message.contains("16"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
