import FlowtuneCore
import FlowtuneSimulation
import Foundation
import Testing

/// The simulator, running the core's real routing, against queueing theory. Every tolerance is
/// the run's own 95% confidence interval over replications (or the issue's one percentage
/// point), never a number chosen to pass; the runs are sized so a debug build finishes in seconds.
@Suite("Validation against closed forms")
struct ValidationTests {
    static let isRelease: Bool = {
        #if DEBUG
            false
        #else
            true
        #endif
    }()

    @Test func mmcMatchesErlangC() throws {
        // c = 2, λ = 1/s, μ = 0.75/s: ρ = 2/3, C = 8/15, Wq = 16/15 s. About 60,000 customers.
        try checkErlangC(servers: 2, lambda: 1, mu: 0.75, horizon: 7_700, warmUp: 200, replications: 8)
    }

    @Test(.enabled(if: isRelease, "a heavier run for release builds"))
    func mmcMatchesErlangCAtScale() throws {
        // c = 10 at ρ = 0.9: C = 0.6687; 40 replications of 50,000 customers.
        try checkErlangC(servers: 10, lambda: 9, mu: 1, horizon: 5_600, warmUp: 100, replications: 40)
    }

    func checkErlangC(servers: Int, lambda: Double, mu: Double, horizon: Double, warmUp: Double, replications: Int) throws {
        let scenario = Models.mmc(servers: servers, lambda: lambda, mu: mu, horizon: horizon, warmUp: warmUp, replications: replications)
        let run = try Simulator(scenario: scenario).run(policies: [.longestIdle]).runs[0]
        let wait = run.estimate("wait.mean")
        let delayed = run.estimate("delayed")
        let utilization = run.estimate("utilization")
        let expectedWait = ErlangC.meanWait(servers: servers, arrivalRate: lambda, serviceRate: mu)
        let expectedDelayed = ErlangC.probabilityOfWait(servers: servers, arrivalRate: lambda, serviceRate: mu)
        print("M/M/\(servers): Wq \(wait.mean) ± \(wait.halfWidth) vs \(expectedWait); P(W>0) \(delayed.mean) ± \(delayed.halfWidth) vs \(expectedDelayed); utilization \(utilization.mean) ± \(utilization.halfWidth) vs \(lambda / (Double(servers) * mu)); customers \(run.estimate("arrivals").mean * Double(replications))")
        #expect(wait.contains(expectedWait), "mean wait \(wait.mean) ± \(wait.halfWidth), Erlang C \(expectedWait)")
        #expect(delayed.contains(expectedDelayed), "P(wait > 0) \(delayed.mean) ± \(delayed.halfWidth), Erlang C \(expectedDelayed)")
        #expect(abs(delayed.mean - expectedDelayed) <= 0.01, "P(wait > 0) within one percentage point")
        #expect(utilization.contains(lambda / (Double(servers) * mu)))
    }

    @Test func mmcPlusMMatchesErlangA() throws {
        // c = 2, λ = 1/s, μ = 0.75/s, mean patience 2 s (θ = 0.5/s).
        let scenario = Models.mmc(
            servers: 2, lambda: 1, mu: 0.75, patienceMean: 2, horizon: 5_200, warmUp: 200, replications: 6)
        let run = try Simulator(scenario: scenario).run(policies: [.longestIdle]).runs[0]
        let abandonment = run.estimate("abandonment")
        let expected = ErlangA.abandonmentProbability(servers: 2, arrivalRate: 1, serviceRate: 0.75, patienceRate: 0.5)
        print("M/M/2+M: P(abandon) \(abandonment.mean) ± \(abandonment.halfWidth) vs Erlang A \(expected)")
        #expect(abandonment.contains(expected), "P(abandon) \(abandonment.mean) ± \(abandonment.halfWidth), Erlang A \(expected)")
    }

    @Test func twoClassPriorityMatchesCobham() throws {
        // λ = 0.3/s at priority 1 and 0.4/s at priority 9, one server at μ = 1/s.
        // The core's policies order waiting tasks by task priority plus an aging term worth
        // 1.0 per 10 minutes of waiting; with waits of seconds the priority term dominates and
        // the core serves the urgent class first, which is Cobham's non-preemptive discipline.
        let scenario = Models.priorityMM1(
            lambdas: [0.3, 0.4], mu: 1, horizon: 6_200, warmUp: 200, replications: 8, policy: .roundRobin)
        let simulator = try Simulator(scenario: scenario)
        let expected = PriorityQueueing.meanWaits(arrivalRates: [0.3, 0.4], meanService: [1, 1], secondMoments: [2, 2])
        var perClass: [[Double]] = [[], []]
        for replication in 0..<scenario.replications {
            let result = simulator.run(policy: .roundRobin, replication: replication)
            for index in 0..<2 { perClass[index].append(result["type.class\(index + 1).wait.mean"] ?? .nan) }
        }
        for index in 0..<2 {
            let estimate = Estimate(perClass[index])
            print("priority class \(index + 1): W \(estimate.mean) ± \(estimate.halfWidth) vs Cobham \(expected[index])")
            #expect(estimate.contains(expected[index]), "class \(index + 1): \(estimate.mean) ± \(estimate.halfWidth), Cobham \(expected[index])")
        }
    }
}
