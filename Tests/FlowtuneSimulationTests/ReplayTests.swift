import FlowtuneCore
import FlowtuneSimulation
import Foundation
import Testing

@Suite("Replayed arrivals")
struct ReplayTests {
    static let scenarioText = """
        simulation:
          horizon: 4h
          drain: 2h
          replications: 3
          replay:
            file: history.csv
            columns:
              time: created_at
              type: kind
              priority: prio
              attributes: { plan: plan_tier, amount: amount }
          task_types:
            - name: web
              workflow: refund
              channel: chat
              arrivals: replay
              steps:
                check: { handling: { distribution: exponential, mean: 5m }, outcomes: { approve: 0.7, reject: 0.3 } }
            - name: phone
              workflow: refund
              channel: chat
              priority: 2
              arrivals: replay
              steps:
                check: { handling: { distribution: lognormal, mean: 8m, cv: 0.5 }, outcomes: { approve: 1 } }
        """

    static func load(csv: String, scenario: String = scenarioText) throws -> Scenario {
        try Scenario.load(
            [DefinitionSource(file: "s.yaml", text: scenario), DefinitionSource(file: "ws.yaml", text: ScenarioLoadingTests.workspace)],
            replay: .csv(DefinitionSource(file: "data/history.csv", text: csv)))
    }

    @Test func csvRowsBecomeArrivalsOfTheirType() throws {
        let scenario = try Self.load(csv: """
            id,created_at,kind,prio,plan_tier,amount
            1,2026-03-02T01:30:00Z,web,,gold,120
            2,2026-03-02T01:05:00Z,phone,1,silver,
            3,"2026-03-02T02:00:00.250Z",web,3,gold,80.5
            4,2026-03-02T07:00:00Z,web,,,

            """)
        // No start in the scenario: the history's first day at midnight UTC.
        #expect(scenario.start == ISO8601DateFormatter().date(from: "2026-03-02T00:00:00Z"))
        let web = try #require(scenario.taskTypes[0].arrivals.replayed)
        let phone = try #require(scenario.taskTypes[1].arrivals.replayed)
        // The run lasts horizon + drain = 6h: the row at 07:00 is left out; rows come in time order.
        #expect(web.map(\.time) == [5_400, 7_200.25])
        #expect(phone.map(\.time) == [3_900])
        #expect(web[0].attributes == ["plan": .string("gold"), "amount": .number(120)] && web[0].priority == nil)
        #expect(phone[0].priority == 1)
    }

    @Test func offsetsCountFromTheScenarioStart() throws {
        var text = Self.scenarioText.replacingOccurrences(of: "horizon: 4h", with: "horizon: 4h\n  start: 2026-03-02T09:00:00Z")
        text = text.replacingOccurrences(of: "  replications: 3", with: "  replications: 3")
        let scenario = try Self.load(csv: """
            created_at,kind,prio,plan_tier,amount
            30m,web,,gold,120
            5m,phone,1,silver,
            2026-03-02T10:00:00Z,web,3,gold,80.5
            7h,web,,,
            """, scenario: text)
        let web = try #require(scenario.taskTypes[0].arrivals.replayed)
        let phone = try #require(scenario.taskTypes[1].arrivals.replayed)
        #expect(web.map(\.time) == [1_800, 3_600])
        #expect(web[0].attributes == ["plan": .string("gold"), "amount": .number(120)])
        #expect(web[1].priority == 3 && web[1].attributes["amount"] == .number(80.5))
        #expect(phone.map(\.time) == [300] && phone[0].priority == 1 && phone[0].attributes == ["plan": .string("silver")])
    }

    @Test func csvErrorsNameFileRowAndColumn() throws {
        let error = try #require(throws: DefinitionError.self) {
            try Self.load(csv: """
                created_at,kind,prio,plan_tier,amount
                30m,web,,gold,120
                soon,web,,gold,120
                1h,fax,,gold,120
                2h,web,urgent,gold,120
                """)
        }
        let lines = error.issues.map(\.description)
        #expect(lines.contains { $0.hasPrefix("data/history.csv:3:1: created_at: \"soon\" is not a time") }, "\(lines)")
        #expect(lines.contains("data/history.csv:4:2: kind: no replayed task type \"fax\"; replayed types: web, phone"), "\(lines)")
        #expect(lines.contains("data/history.csv:5:3: prio: priority must be a whole number from 1 (most urgent) to 9, not \"urgent\""), "\(lines)")

        let missing = try #require(throws: DefinitionError.self) {
            try Self.load(csv: "created,kind,prio,plan_tier,amount\n30m,web,,,\n")
        }
        #expect(missing.issues.map(\.description).contains {
            $0.hasPrefix("data/history.csv:1:1: simulation.replay.columns.time: no column created_at (did you mean created?)")
        })
    }

    @Test func aReplayWithoutItsFileOrTypesIsRefused() throws {
        let error = try #require(throws: DefinitionError.self) {
            try Scenario.load([DefinitionSource(file: "s.yaml", text: Self.scenarioText), DefinitionSource(file: "ws.yaml", text: ScenarioLoadingTests.workspace)])
        }
        #expect(error.issues.map(\.description).contains { $0.hasPrefix("s.yaml:5:3: simulation.replay: the CSV file history.csv was not read") }, "\(error.issues)")
        let noSection = Self.scenarioText.replacingOccurrences(of: "  replay:", with: "  replay_off:")
        let second = try #require(throws: DefinitionError.self) { try Self.load(csv: "", scenario: noSection) }
        #expect(second.issues.contains { $0.path == "simulation.replay_off" })
    }

    @Test func replayedCustomersAreTheSameUnderEveryPolicy() throws {
        // Sixty arrivals a minute apart, three policies: same arrivals and digests, replication by replication.
        let rows = (0..<60).map { "\($0)m,\($0 % 3 == 0 ? "phone" : "web"),,gold,\($0 * 10)" }
        let text = Self.scenarioText.replacingOccurrences(of: "horizon: 4h", with: "horizon: 4h\n  start: 2026-03-02T09:00:00Z")
        let scenario = try Self.load(csv: "created_at,kind,prio,plan_tier,amount\n" + rows.joined(separator: "\n"), scenario: text)
        let report = try Simulator(scenario: scenario).run(policies: [.skillScore, .roundRobin, .longestIdle])
        for replication in 0..<scenario.replications {
            #expect(Set(report.runs.map { $0.replications[replication].arrivalDigest }).count == 1)
            #expect(report.runs.allSatisfy { $0.replications[replication]["arrivals"] == 60 })
        }
        // The times are the history's, but the work content differs between replications.
        #expect(report.runs[0].replications[0]["cycle.mean"] != report.runs[0].replications[1]["cycle.mean"])
    }

    @Test func taskCreatedEventsReplayByWorkflowAndChannel() throws {
        let start = ISO8601DateFormatter().date(from: "2026-03-02T09:00:00Z")!
        func created(_ id: String, after seconds: Double, channel: Channel, workflow: WorkflowID = "refund") -> Event {
            Event(time: start + seconds, actor: "api", payload: .taskCreated(TaskCreated(
                task: TaskID(id), workflow: workflow, workflowVersion: 1, channel: channel, priority: 3,
                attributes: .object(["amount": .number(50)]))))
        }
        let text = """
            simulation:
              horizon: 10h
              replay: { events: flowtune.db }
              task_types:
                - name: chat
                  workflow: refund
                  channel: chat
                  arrivals: replay
                  steps:
                    check: { handling: { distribution: constant, value: 1m }, outcomes: { approve: 1 } }
            """
        let events = [
            created("a", after: 600, channel: "chat"),
            created("b", after: 60, channel: "chat"),
            Event(time: start + 90, actor: "api", payload: .taskCancelled(task: "a", reason: "x")),
            created("c", after: 120, channel: "chat", workflow: "other"),
        ]
        let scenario = try Scenario.load(
            [DefinitionSource(file: "s.yaml", text: text), DefinitionSource(file: "ws.yaml", text: ScenarioLoadingTests.workspace)],
            replay: .events(file: "flowtune.db", events))
        #expect(Scenario.replayReference(in: DefinitionSource(file: "s.yaml", text: text)) == .events(store: "flowtune.db", workspace: nil))
        // The log's first day at midnight; task c follows a workflow nobody replays.
        #expect(scenario.start == ISO8601DateFormatter().date(from: "2026-03-02T00:00:00Z"))
        let arrivals = try #require(scenario.taskTypes[0].arrivals.replayed)
        #expect(arrivals.map(\.time) == [32_460.0, 33_000.0])  // 09:01 and 09:10
        #expect(arrivals[0].priority == 3 && arrivals[0].attributes == ["amount": .number(50)])

        // A window that misses the history measures nothing: refused, with where the history lies.
        let early = text.replacingOccurrences(of: "horizon: 10h", with: "horizon: 2h")
        let error = try #require(throws: DefinitionError.self) {
            try Scenario.load(
                [DefinitionSource(file: "s.yaml", text: early), DefinitionSource(file: "ws.yaml", text: ScenarioLoadingTests.workspace)],
                replay: .events(file: "flowtune.db", events))
        }
        #expect(error.issues.map(\.description) == [
            "s.yaml:3:3: simulation.replay: no arrival in flowtune.db falls inside the measured window, 2026-03-02T00:00:00Z to "
                + "2026-03-02T02:00:00Z; the history runs from 2026-03-02T09:01:00Z to 2026-03-02T09:10:00Z (set start and horizon to cover it)"
        ])
    }
}
