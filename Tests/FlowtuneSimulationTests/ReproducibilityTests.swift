import FlowtuneCore
import FlowtuneSimulation
import Foundation
import Testing

@Suite("Seeds and common random numbers")
struct ReproducibilityTests {
    static let scenario = Models.mmc(servers: 3, lambda: 2, mu: 0.8, patienceMean: 5, horizon: 1_500, warmUp: 100, replications: 3)

    @Test func aFixedSeedGivesIdenticalOutput() throws {
        let first = try Simulator(scenario: Self.scenario).run(policies: [.skillScore, .roundRobin])
        let second = try Simulator(scenario: Self.scenario).run(policies: [.skillScore, .roundRobin])
        #expect(first == second)
        #expect(try first.json() == second.json())
    }

    @Test func anotherSeedGivesOtherCustomers() throws {
        var other = Self.scenario
        other.seed += 1
        let first = try Simulator(scenario: Self.scenario).run(policy: .longestIdle, replication: 0)
        let second = try Simulator(scenario: other).run(policy: .longestIdle, replication: 0)
        #expect(first.arrivalDigest != second.arrivalDigest)
        #expect(first["wait.mean"] != second["wait.mean"])
    }

    @Test func policiesSeeTheSameCustomers() throws {
        // Workers of different skill make the policies route differently; the customers — arrival
        // times and patience — must not differ, replication by replication.
        var scenario = Self.scenario
        scenario.definition.queues[0].requirement = Requirement(skills: ["phone": 1])
        scenario.definition.workers = [
            Worker(id: "novice", skills: ["phone": 2]), Worker(id: "regular", skills: ["phone": 5]),
            Worker(id: "expert", skills: ["phone": 9]),
        ]
        scenario.taskTypes[0].steps["serve"]?.skill = SkillEffect(skill: "phone", reference: 5, factor: 0.8)
        let report = try Simulator(scenario: scenario).run(policies: [.skillScore, .roundRobin, .longestIdle])
        for replication in 0..<scenario.replications {
            let digests = Set(report.runs.map { $0.replications[replication].arrivalDigest })
            #expect(digests.count == 1, "replication \(replication) saw different customers")
            let arrivals = Set(report.runs.map { $0.replications[replication]["arrivals"] })
            #expect(arrivals.count == 1)
        }
        // ... while the policies themselves did differ: skill-score favours the expert.
        let expert = report.comparisons[0].difference("worker.expert.utilization")
        #expect(expert.mean < 0, "round-robin gives the expert less work than skill-score does")
        // Paired differences are narrower than either policy's own interval.
        let wait = report.comparisons[0].difference("wait.mean")
        #expect(wait.halfWidth < report.runs[0].estimate("wait.mean").halfWidth)
    }
}
