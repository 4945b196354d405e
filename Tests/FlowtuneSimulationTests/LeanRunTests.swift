import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneSimulation

/// The simulator asks the core for routing choices without their explanation and has it keep no
/// record of finished tasks. Neither may change anything a report shows: every measure and the arrivals'
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

    @Test(
        "offers and customers answered at once move the clock as their expiry timers and give-ups did",
        arguments: [(nil, 41.0), ("5m", 45.0)] as [(String?, Double)])
    func skippedAfterTheLastEvent(patience: String?, busyMinutes: Double) throws {
        // A long task taken before the warm-up keeps ana busy to the end; the measured call is
        // answered at once by ben at 00:50 and done at 00:50:10. Its offer would have lapsed at
        // 00:51 and, with five minutes' patience, the caller would have given up at 00:55: the
        // last of these, the last thing before the horizon, is where the clock ends, and ana's
        // busy time with it.
        // A line of its own, indented as the task type's other keys.
        let patienceLine = patience.map { "patience: { distribution: constant, value: \($0) }\n      " } ?? ""
        let scenario = try Scenario.load(
            [
                DefinitionSource(file: "s.yaml", text: """
                    simulation:
                      horizon: 1h
                      warm_up: 10m
                      drain: 1h
                      replay:
                        file: history.csv
                        columns: { time: created_at, type: kind }
                      task_types:
                        - name: long
                          workflow: refund
                          channel: chat
                          arrivals: replay
                          steps:
                            check: { handling: { distribution: constant, value: 10h }, outcomes: { approve: 1 } }
                        - name: short
                          workflow: refund
                          channel: chat
                          arrivals: replay
                          \(patienceLine)steps:
                            check: { handling: { distribution: constant, value: 10s }, outcomes: { approve: 1 } }
                    """),
                DefinitionSource(file: "ws.yaml", text: """
                    queues:
                      - id: desk
                    workers:
                      - { id: ana, channels: { chat: 1 } }
                      - { id: ben, channels: { chat: 1 } }
                    workflows:
                      - id: refund
                        steps:
                          - id: check
                            queue: desk
                            ownership: { source_system: crm, decision_owner: lead, response_window: 1h }
                            next: { approve: end }
                    """),
            ],
            replay: .csv(DefinitionSource(file: "data/history.csv", text: """
                id,created_at,kind
                1,2026-03-02T00:01:00Z,long
                2,2026-03-02T00:50:00Z,short

                """)))
        let measures = try Self.compare(scenario, .longestIdle)
        let utilization = try #require(measures.first { $0.name == "utilization" }?.value)
        // Busy 00:10 to the clock's end, and 00:50:00–00:50:10, of two workers' 50 minutes.
        #expect(abs(utilization - (busyMinutes * 60 + 10) / (2 * 50 * 60)) < 1e-9)
    }

    @Test("a day of the contact centre: thousands of calls finish, none of them recorded by the lean core", arguments: [
        RoutingPolicyKind.longestIdle, .skillScore,
    ])
    func contactCentreDay(policy: RoutingPolicyKind) throws {
        var scenario = try ExampleScenarioTests.load("contact-centre-month/scenario.yaml")
        scenario.horizon = 86_400
        let measures = try Self.compare(scenario, policy)
        // Enough calls that the lean run's core left thousands of finished tasks unrecorded.
        let arrivals = try #require(measures.first { $0.name == "arrivals" }?.value)
        #expect(arrivals > 4 * 4096)
    }
}
