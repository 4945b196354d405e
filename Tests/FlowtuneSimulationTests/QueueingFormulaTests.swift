import FlowtuneSimulation
import Foundation
import Testing

@Suite("Closed forms the simulator is checked against")
struct QueueingFormulaTests {
    @Test func erlangCMatchesTheWorkedExample() {
        // c = 2, λ = 1, μ = 0.75: a = 4/3, ρ = 2/3, P0 = 1/5, C = 8/15, Wq = Lq/λ = 16/15.
        #expect(abs(ErlangC.probabilityOfWait(servers: 2, arrivalRate: 1, serviceRate: 0.75) - 8.0 / 15) < 1e-12)
        #expect(abs(ErlangC.meanWait(servers: 2, arrivalRate: 1, serviceRate: 0.75) - 16.0 / 15) < 1e-12)
    }

    @Test func erlangCMatchesPublishedTableValues() {
        // Erlang C tables: 10 agents offered 8 erlangs wait with probability 0.4092;
        // 1 agent at ρ = 0.5 waits with probability ρ.
        #expect(abs(ErlangC.probabilityOfWait(servers: 10, arrivalRate: 8, serviceRate: 1) - 0.4092) < 5e-5)
        #expect(abs(ErlangC.probabilityOfWait(servers: 1, arrivalRate: 0.5, serviceRate: 1) - 0.5) < 1e-12)
    }

    @Test func erlangCStaysFiniteForLargeCentres() {
        // 500 agents at 480 erlangs overflows factorials and powers; the recursion does not.
        let c = ErlangC.probabilityOfWait(servers: 500, arrivalRate: 480, serviceRate: 1)
        #expect(c.isFinite && c > 0 && c < 1)
        #expect(abs(c - Self.directErlangC(servers: 500, load: 480)) < 1e-9)
    }

    @Test func erlangAWithPatienceEqualToServiceIsPoisson() {
        // With θ = μ the number in system is Poisson(λ/μ), like M/M/∞, so
        // P(abandon) = θ·E[(N − n)⁺] / λ. One server, λ = μ = θ = 1: E[(N − 1)⁺] = 1/e.
        #expect(abs(ErlangA.abandonmentProbability(servers: 1, arrivalRate: 1, serviceRate: 1, patienceRate: 1) - exp(-1)) < 1e-12)
        for (n, lambda) in [(2, 1.5), (5, 4.0), (20, 19.0)] {
            var excess = 0.0
            var pmf = exp(-lambda)
            for k in 0..<400 {
                if k > n { excess += Double(k - n) * pmf }
                pmf *= lambda / Double(k + 1)
            }
            let reference = excess / lambda
            #expect(abs(ErlangA.abandonmentProbability(servers: n, arrivalRate: lambda, serviceRate: 1, patienceRate: 1) - reference) < 1e-10)
        }
    }

    @Test func erlangAApproachesErlangCAsPatienceGrows() {
        let a = ErlangA.probabilityOfWait(servers: 10, arrivalRate: 8, serviceRate: 1, patienceRate: 1e-9)
        #expect(abs(a - ErlangC.probabilityOfWait(servers: 10, arrivalRate: 8, serviceRate: 1)) < 1e-6)
    }

    @Test func cobhamMatchesTheHandComputedCase() {
        // λ = 0.3 and 0.4, exponential work of mean 1: W0 = 0.7, W1 = 0.7/0.7 = 1, W2 = 0.7/(0.7 × 0.3).
        let waits = PriorityQueueing.meanWaits(arrivalRates: [0.3, 0.4], meanService: [1, 1], secondMoments: [2, 2])
        #expect(abs(waits[0] - 1) < 1e-12)
        #expect(abs(waits[1] - 0.7 / 0.21) < 1e-12)
        // One class is M/M/1: Wq = ρ/(μ − λ).
        let single = PriorityQueueing.meanWaits(arrivalRates: [0.5], meanService: [1], secondMoments: [2])
        #expect(abs(single[0] - 1) < 1e-12)
    }

    @Test func studentTQuantilesMatchTables() {
        let table: [(Int, Double)] = [(1, 12.7062), (2, 4.3027), (4, 2.7764), (9, 2.2622), (19, 2.0930), (29, 2.0452), (60, 2.0003), (120, 1.9799)]
        for (nu, value) in table {
            #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: nu) - value) < 1e-4, "t(0.975, \(nu))")
        }
    }

    /// Erlang C from its textbook sum in logarithms, independent of the recursion.
    static func directErlangC(servers c: Int, load a: Double) -> Double {
        func logTerm(_ k: Int) -> Double { Double(k) * log(a) - lgamma(Double(k) + 1) }
        let top = logTerm(c) + log(Double(c) / (Double(c) - a))
        let terms = (0..<c).map(logTerm) + [top]
        let largest = terms.max()!
        let sum = terms.reduce(0) { $0 + exp($1 - largest) }
        return exp(top - largest) / sum
    }
}
