import FlowtuneCore
import FlowtuneSimulation
import Foundation
import Testing

@Suite("Scenario files")
struct ScenarioLoadingTests {
    static let workspace = """
        queues:
          - id: desk
            service_level: { percent: 80, within: 1m }
        workers:
          - { id: ana, skills: { billing: 7 }, channels: { chat: 2 }, cost_per_hour: 30 }
          - { id: ben, skills: { billing: 4 }, channels: { chat: 1 }, cost_per_hour: 25 }
        workflows:
          - id: refund
            steps:
              - id: check
                queue: desk
                ownership: { source_system: crm, decision_owner: lead, response_window: 1h, required_evidence: [amount] }
                next: { approve: end, reject: end }
        """

    @Test func readsEveryPartOfASimulationSection() throws {
        let scenario = try Scenario.load([
            DefinitionSource(file: "scenario.yaml", text: """
                simulation:
                  name: refunds
                  horizon: 8h
                  warm_up: 30m
                  replications: 4
                  seed: 99
                  policy: round-robin
                  accept_after: 10s
                  task_types:
                    - name: web
                      workflow: refund
                      channel: chat
                      priority: 3
                      attributes: { amount: 120, vip: true }
                      arrivals: { interval: 15m, per: 1h, rates: [4, 8, 12, 8] }
                      patience: { distribution: exponential, mean: 10m }
                      steps:
                        check:
                          handling: { distribution: gamma, mean: 6m, cv: 0.5 }
                          skill: { name: billing, reference: 5, factor: 0.9 }
                          exception: 0.1
                          outcomes: { approve: 0.7, reject: 0.3 }
                """),
            DefinitionSource(file: "workspace.yaml", text: Self.workspace),
        ])
        #expect(scenario.name == "refunds")
        #expect(scenario.horizon == 8 * 3600 && scenario.warmUp == 1800 && scenario.replications == 4 && scenario.seed == 99)
        #expect(scenario.policy == .roundRobin)
        #expect(scenario.acceptance == .constant(10))
        let type = try #require(scenario.taskTypes.first)
        #expect(type.request.channel == "chat" && type.request.priority == 3)
        #expect(type.request.attributes["vip"] == .bool(true))
        #expect(type.arrivals == .piecewise(perSecond: [4, 8, 12, 8].map { $0 / 3600 }, interval: 900))
        #expect(type.patience == .exponential(mean: 600))
        let check = try #require(type.steps["check"])
        #expect(check.handling == .gamma(mean: 360, cv: 0.5))
        #expect(check.skill == SkillEffect(skill: "billing", reference: 5, factor: 0.9))
        #expect(check.exceptionProbability == 0.1)
        #expect(check.outcomes?.map(\.outcome) == ["approve", "reject"])
        #expect(scenario.definition.workers.count == 2)
    }

    @Test func theScenarioFileMayHoldTheWorkspaceToo() throws {
        let text = """
            simulation:
              horizon: 1h
              task_types:
                - workflow: refund
                  channel: chat
                  arrivals: { rate: 10 }
                  steps:
                    check: { handling: { distribution: exponential, mean: 3m }, outcomes: { approve: 1 } }
            \(Self.workspace)
            """
        let scenario = try Scenario.load([DefinitionSource(file: "all.yaml", text: text)])
        #expect(scenario.name == "all")
        #expect(scenario.definition.queues.map(\.id) == ["desk"])
        #expect(scenario.taskTypes[0].arrivals == .constant(perSecond: 10.0 / 3600))
    }

    @Test func errorsNameFileLineAndField() throws {
        let text = """
            simulation:
              horizon: 8 hours
              replications: 0
              task_types:
                - workflow: refnd
                  channel: chat
                  arrivals: { rate: 10 }
                  patience: { distribution: exponental, mean: 5m }
                  steps:
                    check:
                      handling: { distribution: lognormal, mean: 5m }
                      outcomes: { approve: 0.5, reject: 0.4 }
                      speed: fast
            """
        let error = try #require(throws: DefinitionError.self) {
            try Scenario.load([DefinitionSource(file: "bad.yaml", text: text), DefinitionSource(file: "ws.yaml", text: Self.workspace)])
        }
        let lines = error.issues.map(\.description)
        #expect(lines.contains("bad.yaml:2:12: simulation.horizon: \"8 hours\" is not a duration; write it like 90s, 15m, 4h, 1h30m or 2d"))
        #expect(lines.contains("bad.yaml:3:17: simulation.replications: must be at least 1, not 0"))
        #expect(lines.contains { $0.hasPrefix("bad.yaml:8:33: simulation.task_types[0].patience.distribution: unknown distribution \"exponental\" (did you mean exponential?)") })
        #expect(lines.contains { $0.hasPrefix("bad.yaml:11:11: simulation.task_types[0].steps.check.handling.cv: missing required field cv") })
        #expect(lines.contains { $0.hasPrefix("bad.yaml:12:21: simulation.task_types[0].steps.check.outcomes: the outcomes' probabilities add up to 0.9") })
        #expect(lines.contains { $0.hasPrefix("bad.yaml:13:11: simulation.task_types[0].steps.check.speed: unknown field speed") })
    }

    @Test func trafficIsCheckedAgainstTheWorkspace() throws {
        let text = """
            simulation:
              horizon: 8h
              task_types:
                - workflow: refnd
                  arrivals: { rate: 10 }
                  steps: {}
                - workflow: refund
                  channel: fax
                  arrivals: { rate: 10 }
                  steps:
                    chek: { handling: { distribution: constant, value: 1m } }
            """
        let error = try #require(throws: DefinitionError.self) {
            try Scenario.load([DefinitionSource(file: "s.yaml", text: text), DefinitionSource(file: "ws.yaml", text: Self.workspace)])
        }
        let lines = error.issues.map(\.description)
        #expect(lines.contains("s.yaml:4:17: simulation.task_types[0].workflow: no workflow refnd (did you mean refund?)"))
        #expect(lines.contains("s.yaml:8:16: simulation.task_types[1].channel: no worker serves channel fax"))
        #expect(lines.contains("s.yaml:11:9: simulation.task_types[1].steps.chek: workflow refund has no step chek (did you mean check?)"))
        #expect(lines.contains("s.yaml:10:7: simulation.task_types[1].steps: no handling time for step check of workflow refund"))
    }

    @Test func workspaceErrorsKeepTheirPositionsInAScenarioFile() throws {
        let text = """
            simulation:
              horizon: 1h
              task_types: []
            queues:
              - id: desk
                priority: high
            """
        let error = try #require(throws: DefinitionError.self) {
            try Scenario.load([DefinitionSource(file: "all.yaml", text: text)])
        }
        #expect(error.issues.contains { $0.file == "all.yaml" && $0.line == 6 && $0.path == "queues[0].priority" })
    }
}
