import Foundation
import Testing

@testable import FlowtuneMining

/// Whether `actual` is within `relative` of `expected` (absolutely, for values below 1).
private func close(_ actual: Double?, _ expected: Double, _ relative: Double = 1e-12) -> Bool {
    guard let actual else { return false }
    return abs(actual - expected) <= relative * max(1, abs(expected))
}

/// The samples below are built by formula so the same numbers can be made in Python:
/// `[((i*7919) % 1009) / 10 for i in range(1, n + 1)]` and `[((i*4391) % 1013) / 10 + shift ...]`.
private func first(_ n: Int, scale: Double = 10) -> [Double] {
    (1...n).map { Double(($0 * 7919) % 1009) / scale }
}

private func second(_ n: Int, shift: Double, scale: Double = 10) -> [Double] {
    (1...n).map { Double(($0 * 4391) % 1013) / scale + shift }
}

@Suite("Statistics against scipy and statsmodels")
struct StatisticsTests {
    // Reference values: scipy 1.17.1, statsmodels 0.14, NumPy; the Python call is beside each.

    @Test("The normal distribution: cdf, survival into the far tail, and quantiles")
    func normal() {
        // scipy.stats.norm.cdf(x), scipy.stats.norm.sf(x)
        #expect(abs(NormalDistribution.cdf(-8) / 6.22096057427174e-16 - 1) < 1e-12)
        #expect(close(NormalDistribution.cdf(-3), 0.0013498980316300933))
        #expect(close(NormalDistribution.cdf(-0.5), 0.3085375387259869))
        #expect(NormalDistribution.cdf(0) == 0.5)
        #expect(close(NormalDistribution.cdf(1), 0.8413447460685429))
        #expect(close(NormalDistribution.cdf(2.5), 0.9937903346742238))
        #expect(close(NormalDistribution.survival(1), 0.15865525393145707))
        #expect(abs(NormalDistribution.survival(6) / 9.865876450376946e-10 - 1) < 1e-12)
        #expect(abs(NormalDistribution.survival(9) / 1.1285884059538324e-19 - 1) < 1e-12)
        #expect(close(NormalDistribution.twoSidedPValue(z: -1.959963984540054), 0.05))
        // scipy.stats.norm.ppf(p)
        #expect(close(NormalDistribution.quantile(1e-10), -6.361340902404056))
        #expect(close(NormalDistribution.quantile(0.001), -3.090232306167813))
        #expect(close(NormalDistribution.quantile(0.025), -1.9599639845400545))
        #expect(close(NormalDistribution.quantile(0.3), -0.5244005127080409))
        #expect(abs(NormalDistribution.quantile(0.5)) < 1e-15)
        #expect(close(NormalDistribution.quantile(0.9), 1.2815515655446004))
        #expect(close(NormalDistribution.quantile(0.975), 1.959963984540054))
        #expect(close(NormalDistribution.quantile(0.999999), 4.753424308817087, 1e-10))
    }

    @Test("Quantiles interpolate linearly, as numpy.quantile does")
    func quantiles() {
        // numpy.quantile(a, p)
        #expect(Descriptive.quantile([1, 2, 3, 4, 5], 0.9) == 4.6)
        #expect(Descriptive.median([4, 1, 3, 2]) == 2.5)
        #expect(Descriptive.quantile([10, 20, 30, 40], 0.25) == 17.5)
        #expect(close(Descriptive.quantile([10, 20, 30, 40], 1.0 / 3), 20))
        #expect(Descriptive.quantile([10, 20, 30, 40], 1) == 40)
        #expect(Descriptive.quantile([7], 0.3) == 7)
        #expect(Descriptive.median([]) == nil)
        #expect(Descriptive.mean([1, 2, 6]) == 3)
    }

    @Test("Mann–Whitney, small samples without ties: exact and asymptotic")
    func mannWhitneySmall() throws {
        let x = [19.2, 23.5, 17.1, 30.4, 25.8, 21.0, 28.7]
        let y = [12.3, 15.9, 18.4, 14.1, 20.2, 16.6]
        let exact = try #require(MannWhitneyU(x, y))
        // scipy.stats.mannwhitneyu(x, y, alternative='two-sided', method='exact')
        #expect(exact.method == .exact)
        #expect(exact.u1 == 39)
        #expect(exact.u2 == 3)
        #expect(close(exact.pValue, 0.008158508158508158))
        // method='asymptotic', use_continuity=True, then use_continuity=False
        let asymptotic = try #require(MannWhitneyU(x, y, method: .asymptotic))
        #expect(close(asymptotic.pValue, 0.012419330651552265))
        #expect((asymptotic.z ?? 0) > 0)
        let uncorrected = try #require(MannWhitneyU(x, y, method: .asymptotic, continuityCorrection: false))
        #expect(close(uncorrected.pValue, 0.01012799054939065))
        // U1 / (n1 n2); numpy.median(numpy.subtract.outer(x, y))
        #expect(close(exact.probabilityOfSuperiority, 0.9285714285714285))
        #expect(close(exact.rankBiserial, 2 * 0.9285714285714285 - 1))
        #expect(close(exact.hodgesLehmann, 7.150000000000001))
        // Swapping the samples mirrors U and the effects and keeps p.
        let swapped = try #require(MannWhitneyU(y, x))
        #expect(swapped.u1 == 3)
        #expect(close(swapped.pValue, exact.pValue))
        #expect(close(swapped.rankBiserial, -exact.rankBiserial))
        #expect(close(swapped.hodgesLehmann, -7.150000000000001))
    }

    @Test("Mann–Whitney, 20 and 50 per sample without ties; a tail p of 4.5e-5")
    func mannWhitneyExactLarger() throws {
        let b = try #require(MannWhitneyU(first(20), second(20, shift: 5.05)))
        // mannwhitneyu(x, y, method='exact') and method='asymptotic'
        #expect(b.method == .exact && b.u1 == 236)
        #expect(close(b.pValue, 0.34078485158912686))
        #expect(close(MannWhitneyU(first(20), second(20, shift: 5.05), method: .asymptotic)?.pValue, 0.33691523838231996))
        #expect(close(b.hodgesLehmann, 10.099999999999998, 1e-9))
        #expect(close(b.probabilityOfSuperiority, 0.59))

        let h = try #require(MannWhitneyU(first(20), second(20, shift: 60.05)))
        #expect(h.u1 == 57)
        #expect(abs(h.pValue / 4.510181034821939e-05 - 1) < 1e-10)
        #expect(close(h.hodgesLehmann, -44.9, 1e-9))
        #expect(close(MannWhitneyU(first(20), second(20, shift: 60.05), method: .asymptotic)?.pValue, 0.00011590114146772004))

        let e = try #require(MannWhitneyU(first(50), second(50, shift: 15.05)))
        #expect(e.method == .exact && e.u1 == 1224)
        #expect(close(e.pValue, 0.8610754574192668, 1e-10))
        #expect(close(MannWhitneyU(first(50), second(50, shift: 15.05), method: .asymptotic)?.pValue, 0.8604570352179164))
        #expect(close(e.hodgesLehmann, -0.8500000000000014, 1e-9))
    }

    @Test("Mann–Whitney with ties takes the tie-corrected normal approximation")
    func mannWhitneyTies() throws {
        let x: [Double] = [3, 5, 5, 2, 4, 4, 1, 5, 3, 4, 2, 5]
        let y: [Double] = [1, 2, 2, 3, 1, 2, 4, 1, 3, 2, 2]
        let test = try #require(MannWhitneyU(x, y))
        // mannwhitneyu(x, y, method='asymptotic', use_continuity=True / False)
        #expect(test.hasTies && test.method == .asymptotic)
        #expect(test.u1 == 106)
        #expect(close(test.pValue, 0.012743935618833902))
        #expect(close(MannWhitneyU(x, y, continuityCorrection: false)?.pValue, 0.01165651509412975))
        #expect(close(test.probabilityOfSuperiority, 0.8030303030303031))
        #expect(test.hodgesLehmann == 2)
        // Asking for the exact test with ties still gives the approximation, and says so.
        #expect(MannWhitneyU(x, y, method: .exact)?.method == .asymptotic)

        // 300 against 400 values, ties across the samples: mannwhitneyu(x, y)
        let large = try #require(MannWhitneyU(first(300, scale: 1), second(400, shift: 40, scale: 1)))
        #expect(large.method == .asymptotic && large.u1 == 58381.5)
        #expect(close(large.pValue, 0.5411262928475902))
        #expect(close(large.probabilityOfSuperiority, 0.48651249999999996))
        #expect(large.hodgesLehmann == -14)

        // 60 against 75 without ties is past the exact limit: mannwhitneyu(x, y, method='asymptotic')
        let d = try #require(MannWhitneyU(first(60), second(75, shift: 12)))
        #expect(d.method == .asymptotic && d.u1 == 2278)
        #expect(close(d.pValue, 0.9030795526195234))
        #expect(close(MannWhitneyU(first(60), second(75, shift: 12), method: .exact)?.pValue, 0.9034060675491846, 1e-10))
        #expect(close(d.hodgesLehmann, 0.6499999999999986, 1e-9))
    }

    @Test("Mann–Whitney edge cases: one value each, all values equal, an empty sample")
    func mannWhitneyEdges() throws {
        let one = try #require(MannWhitneyU([7], [3]))
        #expect(one.pValue == 1 && one.u1 == 1 && one.hodgesLehmann == 4)
        // mannwhitneyu([7], [3], method='asymptotic', use_continuity=False)
        #expect(close(MannWhitneyU([7], [3], method: .asymptotic, continuityCorrection: false)?.pValue, 0.31731050786291415))
        let flat = try #require(MannWhitneyU([5, 5, 5], [5, 5]))
        #expect(flat.pValue == 1 && flat.z == nil && flat.rankBiserial == 0 && flat.hodgesLehmann == 0)
        #expect(MannWhitneyU([], [1, 2]) == nil)
        // Past the ceiling an exact test is not attempted: 150 × 150 values without ties.
        let big = MannWhitneyU((0..<150).map { Double($0) }, (0..<150).map { Double($0) + 0.5 }, method: .exact)
        #expect(big?.method == .asymptotic)
        // A result without a z writes as JSON: nothing in it is NaN.
        #expect(throws: Never.self) { try JSONEncoder().encode(flat) }
    }

    @Test("Two proportions: pooled z, Newcombe's interval and Cohen's h")
    func twoProportions() throws {
        // statsmodels.stats.proportion.proportions_ztest([x1, x2], [n1, n2]);
        // confint_proportions_2indep(x1, n1, x2, n2, method='newcomb', compare='diff'[, alpha=0.1]);
        // 2*arcsin(sqrt(p1)) - 2*arcsin(sqrt(p2))
        let cases: [(Int, Int, Int, Int, z: Double, p: Double, lo: Double, hi: Double, lo90: Double, hi90: Double, h: Double)] = [
            (12, 200, 30, 210, -2.7656548040418536, 0.0056808634538918, -0.1422871350955131, -0.024266529170160596,
             -0.13237391741908106, -0.03397798925256699, -0.2802592469694657),
            (45, 60, 30, 62, 3.0197019493207673, 0.0025302354602124454, 0.0936119151813076, 0.41730004179970404,
             0.12170533974888068, 0.39525650408768914, 0.5558624372665457),
            (0, 25, 4, 30, -1.8959881966484033, 0.057961605321160375, -0.296813266820363, 0.022159805850075237,
             -0.2660340247337444, -0.011984986952866011, -0.7475843496690208),
            (7, 7, 5, 9, 2.0367003088692623, 0.04168008356620201, 0.007506094587957701, 0.733348706504507,
             0.08532827938399351, 0.6965233397557542, 1.4594553124539327),
            (1, 3, 2, 4, -0.4409585518440985, 0.6592430036926306, -0.6098037218501158, 0.4105336413957044,
             -0.5740106741605553, 0.35443636096075276, -0.33983690945412226),
        ]
        for c in cases {
            let test = try #require(TwoProportionTest(successes1: c.0, of: c.1, successes2: c.2, of: c.3))
            #expect(close(test.z, c.z), "z for \(c)")
            #expect(close(test.pValue, c.p), "p for \(c)")
            #expect(close(test.lower, c.lo, 1e-10), "lower for \(c)")
            #expect(close(test.upper, c.hi, 1e-10), "upper for \(c)")
            #expect(close(test.cohensH, c.h), "h for \(c)")
            let ninety = try #require(TwoProportionTest(successes1: c.0, of: c.1, successes2: c.2, of: c.3, confidenceLevel: 0.9))
            #expect(close(ninety.lower, c.lo90, 1e-10) && close(ninety.upper, c.hi90, 1e-10), "90% interval for \(c)")
        }
        // Neither sample has a success: the z test is undefined (statsmodels gives NaN), the
        // interval is not: confint_proportions_2indep(0, 10, 0, 12, method='newcomb')
        let none = try #require(TwoProportionTest(successes1: 0, of: 10, successes2: 0, of: 12))
        #expect(none.z == nil && none.pValue == 1 && none.difference == 0)
        #expect(close(none.lower, -0.24249400665524096, 1e-10) && close(none.upper, 0.27753279986288926, 1e-10))
        #expect(TwoProportionTest(successes1: 0, of: 0, successes2: 1, of: 2) == nil)
    }

    @Test("Mann–Kendall trend and Theil–Sen slope")
    func trend() throws {
        // scipy.stats.kendalltau(x, y) (exact: no ties, n ≤ 33); scipy.stats.theilslopes(y, x).slope
        let falling = try #require(MannKendallTrend(x: [1, 2, 3, 4, 5, 6], y: [9, 8, 8.5, 6, 5, 4]))
        #expect(falling.method == .exact && falling.s == -13)
        #expect(close(falling.tau, -0.8666666666666666))
        #expect(close(falling.pValue, 0.016666666666666666))
        #expect(close(falling.slope, -1))

        let rising = try #require(MannKendallTrend(x: [1, 2, 3, 4, 5, 6, 7, 8], y: [3.1, 2.9, 3.4, 3.8, 3.3, 4.1, 4.6, 4.4]))
        #expect(close(rising.tau, 0.7142857142857142))
        #expect(close(rising.pValue, 0.014136904761904762))
        #expect(close(rising.slope, 0.23333333333333325, 1e-12))

        // Tied values: the asymptotic test with the tie-corrected variance.
        let tied = try #require(MannKendallTrend(x: [1, 2, 3, 5, 6, 7, 8, 9], y: [2, 2, 3, 1, 3, 3, 2, 4]))
        #expect(tied.method == .asymptotic)
        #expect(close(tied.tau, 0.4029114820126901))
        #expect(close(tied.pValue, 0.18916127259520799))
        #expect(close(tied.slope, 0.18333333333333335))

        // 40 points: past the exact limit.
        let x = (1...40).map(Double.init)
        let y: [Double] = (1...40).map { (i: Int) -> Double in
            let wave = Double((i * 37) % 41) / 4
            return wave + Double(i) / 5
        }
        let long = try #require(MannKendallTrend(x: x, y: y))
        #expect(long.method == .asymptotic)
        #expect(close(long.tau, 0.2692307692307693))
        #expect(close(long.pValue, 0.014416388234217597))
        #expect(close(long.slope, 0.13181818181818183, 1e-12))

        let flat = try #require(MannKendallTrend(x: [1, 2, 3], y: [4, 4, 4]))
        #expect(flat.pValue == 1 && flat.slope == 0)
        #expect(MannKendallTrend(x: [1], y: [2]) == nil)
    }
}
