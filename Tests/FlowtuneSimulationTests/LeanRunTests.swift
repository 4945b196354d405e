import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneSimulation

/// The simulator asks the core for routing choices without their explanation and has it forget
/// finished tasks. Neither may change anything a report shows: every measure and the arrivals'
/// digest are checked against a run that explains every decision and remembers every task.
@Suite("Lean runs report what full runs report")
struct LeanRunTests {
    /// Runs replication `replication` of `scenario` under `policy` both ways, compares them and
    /// returns the lean run's measures.
    @discardableResult
    static func compare(_ scenario: Scenario, _ policy: RoutingPolicyKind, replication: Int = 0) throws -> [Measure] {
        let simulator = try Simulator(scenario: scenario)
        var lean = simulator.makeReplication(policy: policy, replication: replication)
        var full = simulator.makeReplication(policy: policy, replication: replication)
        full.lean = false
        let leanMeasures = lean.run()
        let fullMeasures = full.run()
        #expect(leanMeasures.count == fullMeasures.count)
        for (leanMeasure, fullMeasure) in zip(leanMeasures, fullMeasures) {
            // Bit for bit, NaN included.
            #expect(
                leanMeasure.name == fullMeasure.name && leanMeasure.value.bitPattern == fullMeasure.value.bitPattern,
                "\(scenario.name) under \(policy): \(leanMeasure.name) \(leanMeasure.value) against \(fullMeasure.value)")
        }
        #expect(lean.arrivalDigest == full.arrivalDigest)
        #expect(lean.waitPercentiles.map(\.bitPattern) == full.waitPercentiles.map(\.bitPattern))
        #expect(lean.lastTable == full.lastTable)
        return leanMeasures
    }

    @Test("the support desk, three steps with exceptions and skill effects", arguments: [
        RoutingPolicyKind.skillScore, .roundRobin, .longestIdle,
    ])
    func supportDesk(policy: RoutingPolicyKind) throws {
        try Self.compare(try ExampleScenarioTests.load("support-desk/scenario.yaml"), policy)
    }

    @Test("the learning desk, every policy, with models learning and tables published", arguments: RoutingPolicyKind.allCases)
    func learningDesk(policy: RoutingPolicyKind) throws {
        try Self.compare(try ExampleScenarioTests.load("learning-desk/scenario.yaml"), policy)
    }

    @Test("the lead follow-up week, with shifts and rework")
    func leadFollowUp() throws {
        try Self.compare(try ExampleScenarioTests.load("lead-followup/scenario.yaml"), .longestIdle)
    }

    @Test("a day of the contact centre: thousands of calls finish, so the core forgets some", arguments: [
        RoutingPolicyKind.longestIdle, .skillScore,
    ])
    func contactCentreDay(policy: RoutingPolicyKind) throws {
        var scenario = try ExampleScenarioTests.load("contact-centre-month/scenario.yaml")
        scenario.horizon = 86_400
        let measures = try Self.compare(scenario, policy)
        // Enough calls that the lean run had the core forget finished tasks more than once.
        let arrivals = try #require(measures.first { $0.name == "arrivals" }?.value)
        #expect(arrivals > 4 * 4096)
    }
}
