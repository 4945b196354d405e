import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneLearning

@Suite("First-time resolution")
struct ResolutionTests {
    func observe(_ model: inout ResolutionModel, _ worker: WorkerID, _ team: String, successes: Int, failures: Int) {
        for i in 0..<(successes + failures) {
            model.observe(ResolutionObservation(taskType: "billing", worker: worker, team: team, resolvedFirstTime: i < successes))
        }
    }

    @Test("posteriors are the closed-form Beta posteriors of the hierarchy")
    func closedFormPosteriors() throws {
        var model = ResolutionModel(configuration: .init(workerStrength: .fixed(20), teamStrength: .fixed(10)))
        observe(&model, "a1", "A", successes: 8, failures: 2)
        observe(&model, "a2", "A", successes: 3, failures: 2)
        observe(&model, "b1", "B", successes: 1, failures: 3)

        // Everyone: Beta(1 + 12, 1 + 7).
        let p0 = 13.0 / 21
        // Team A: Beta(10·p0 + 11, 10·(1 − p0) + 4).
        let pA = (10 * p0 + 11) / (10 + 15)
        // Worker a1: Beta(20·pA + 8, 20·(1 − pA) + 2).
        let a1 = model.estimate(taskType: "billing", worker: "a1", team: "A")
        #expect(abs(a1.posterior.alpha - (20 * pA + 8)) < 1e-12)
        #expect(abs(a1.posterior.beta - (20 * (1 - pA) + 2)) < 1e-12)
        #expect(abs(a1.mean - (20 * pA + 8) / 30) < 1e-12)
        #expect(a1.level == .worker && a1.samples == 10 && a1.priorStrength == 20)
        #expect(a1.model == ModelReference(name: "first-time-resolution", version: 1))
        let interval = a1.posterior.credibleInterval(mass: 0.9)
        #expect(a1.interval == interval)
        #expect(abs(a1.posterior.cdf(a1.interval.lowerBound) - 0.05) < 1e-9)
        #expect(abs(a1.posterior.cdf(a1.interval.upperBound) - 0.95) < 1e-9)

        // A new worker of team A: Beta(20·pA, 20·(1 − pA)), the team's rate exactly.
        let newcomer = model.estimate(taskType: "billing", worker: "new", team: "A")
        #expect(newcomer == model.estimate(taskType: "billing", team: "A"))
        #expect(abs(newcomer.mean - pA) < 1e-12)
        #expect(abs(newcomer.posterior.alpha - 20 * pA) < 1e-12)
        #expect(newcomer.level == .team)

        // A new team: the global rate.
        let stranger = model.estimate(taskType: "billing", worker: "z", team: "C")
        #expect(abs(stranger.mean - p0) < 1e-12)
        #expect(stranger.level == .everyone)

        // No history at all: the global prior Beta(1, 1).
        let unknown = model.estimate(taskType: "claims", worker: "a1", team: "A")
        #expect(unknown.posterior == BetaDistribution(alpha: 1, beta: 1))
    }

    @Test("the Beta distribution matches closed forms and numerical integration")
    func betaDistribution() {
        // Beta(a, 1): F(x) = xᵃ; Beta(1, b): F(x) = 1 − (1 − x)ᵇ; Beta(2, 2): F(x) = 3x² − 2x³.
        for x in stride(from: 0.05, through: 0.95, by: 0.1) {
            #expect(abs(BetaDistribution(alpha: 7, beta: 1).cdf(x) - pow(x, 7)) < 1e-12)
            #expect(abs(BetaDistribution(alpha: 1, beta: 4.5).cdf(x) - (1 - pow(1 - x, 4.5))) < 1e-12)
            #expect(abs(BetaDistribution(alpha: 2, beta: 2).cdf(x) - (3 * x * x - 2 * x * x * x)) < 1e-12)
        }
        // Quantiles of Beta(n + 1, 1), the posterior after n successes from a uniform prior: q^(1/(n+1)).
        #expect(abs(BetaDistribution(alpha: 10, beta: 1).quantile(0.05) - pow(0.05, 0.1)) < 1e-10)
        // A non-integer case against Simpson's rule on the density.
        let a = 12.3
        let b = 4.7
        let logNorm = lgamma(a + b) - lgamma(a) - lgamma(b)
        func density(_ x: Double) -> Double { exp(logNorm + (a - 1) * log(x) + (b - 1) * log(1 - x)) }
        let x = 0.62
        let steps = 20_000
        let h = x / Double(steps)
        var integral = density(1e-300) + density(x)
        for i in 1..<steps { integral += (i % 2 == 1 ? 4 : 2) * density(Double(i) * h) }
        integral *= h / 3
        #expect(abs(BetaDistribution(alpha: a, beta: b).cdf(x) - integral) < 1e-9)
    }

    @Test("the method-of-moments prior strength recovers the spread of true rates, and shrinkage beats raw rates")
    func estimatedStrength() {
        var random = SeededGenerator(seed: 42)
        var model = ResolutionModel()
        let m = 20.0
        let p = 0.7
        var truth: [(WorkerID, Double)] = []
        var raw: [WorkerID: (Int, Int)] = [:]
        for w in 0..<300 {
            let rate = random.beta(m * p, m * (1 - p))
            truth.append((WorkerID("w\(w)"), rate))
        }
        for (worker, rate) in truth {
            let n = 6
            var s = 0
            for _ in 0..<n {
                let success = random.uniform() < rate
                if success { s += 1 }
                model.observe(ResolutionObservation(taskType: "billing", worker: worker, team: "desk", resolvedFirstTime: success))
            }
            raw[worker] = (s, n)
        }
        let estimate = model.estimate(taskType: "billing", worker: "w0", team: "desk")
        print("resolution: estimated prior strength \(estimate.priorStrength) (true 20)")
        #expect(estimate.priorStrength > 10 && estimate.priorStrength < 40)

        var shrunkError = 0.0
        var rawError = 0.0
        for (worker, rate) in truth {
            let shrunk = model.estimate(taskType: "billing", worker: worker, team: "desk").mean
            let (s, n) = raw[worker]!
            shrunkError += pow(shrunk - rate, 2)
            rawError += pow(Double(s) / Double(n) - rate, 2)
        }
        print("resolution, 6 outcomes per worker: MSE shrunk \(shrunkError / 300), raw \(rawError / 300)")
        #expect(shrunkError < 0.5 * rawError)
    }
}
