import FlowtuneCore
import FlowtuneSimulation
import Foundation
import Testing

@Suite("Rework")
struct ReworkTests {
    @Test func aStepComesBackWithItsProbability() throws {
        // One step, sent back with probability 0.2: a task is reworked at least once with
        // probability 0.2, and is reworked 0.2 / 0.8 = 0.25 times on average (geometric).
        var scenario = Models.mmc(servers: 3, lambda: 1, mu: 0.5, horizon: 4_000, warmUp: 200, replications: 8)
        scenario.taskTypes[0].steps["serve"]?.rework = Rework(probability: 0.2)
        let run = try Simulator(scenario: scenario).run(policies: [.longestIdle]).runs[0]
        let reworked = run.estimate("reworked")
        let perTask = run.estimate("rework_per_task")
        print("rework: reworked \(reworked.mean) ± \(reworked.halfWidth) vs 0.2; per task \(perTask.mean) ± \(perTask.halfWidth) vs 0.25")
        #expect(reworked.contains(0.2))
        #expect(perTask.contains(0.25))
        // Rework is not an exception, and every visit is worked: the utilization is that of an
        // offered load 1.25 times as large (λ · 1.25 / (c μ) = 0.833).
        #expect(run.estimate("exception_rate").mean == 0)
        #expect(run.estimate("utilization").contains(1.25 / 1.5))
    }

    @Test func reworkReturnsToANamedStep() throws {
        // draft → review; review sends one task in four back to draft. Every draft visit takes
        // 60 s and every review 30 s, so a task's work is 90 s per round.
        let queue = Queue(id: "desk", serviceLevel: ServiceLevelTarget(percent: 80, within: 1_000_000), offerTimeout: 1_000_000)
        let ownership = OwnershipRule(sourceSystem: "docs", decisionOwner: "lead", responseWindow: 86_400)
        let workflow = Workflow(id: "doc", steps: [
            Step(id: "draft", queue: "desk", ownership: ownership, next: [Step.defaultOutcome: .step("review")]),
            Step(id: "review", queue: "desk", ownership: ownership),
        ])
        let type = TaskType(
            name: "doc", request: NewTask(workflow: "doc"), arrivals: .constant(perSecond: 1.0 / 600),
            steps: [
                "draft": StepProfile(handling: .constant(60)),
                "review": StepProfile(handling: .constant(30), rework: Rework(probability: 0.25, step: "draft")),
            ])
        let scenario = Scenario(
            name: "review", definition: WorkspaceDefinition(queues: [queue], workers: (1...5).map { Worker(id: WorkerID("w\($0)")) }, workflows: [workflow]),
            horizon: 120_000, warmUp: 0, drain: 3_600, replications: 10, seed: 12, policy: .longestIdle, taskTypes: [type])
        let run = try Simulator(scenario: scenario).run(policies: [.longestIdle]).runs[0]
        // Five workers for one task every ten minutes: nobody waits, so the cycle time is 90 s
        // times the number of rounds, whose mean is 1 / 0.75.
        #expect(run.estimate("wait.mean").mean == 0)
        #expect(run.estimate("cycle.p50").mean == 90)
        let cycle = run.estimate("cycle.mean")
        #expect(cycle.contains(90 / 0.75), "cycle \(cycle.mean) ± \(cycle.halfWidth)")
        #expect(run.estimate("completed").mean == run.estimate("arrivals").mean)
    }

    @Test func reworkIsReadFromTheScenarioFile() throws {
        let text = """
            simulation:
              horizon: 1h
              task_types:
                - workflow: refund
                  channel: chat
                  arrivals: { rate: 10 }
                  steps:
                    check: { handling: { distribution: constant, value: 1m }, outcomes: { approve: 1 }, rework: 0.1 }
            """
        let scenario = try Scenario.load([DefinitionSource(file: "s.yaml", text: text), DefinitionSource(file: "ws.yaml", text: ScenarioLoadingTests.workspace)])
        #expect(scenario.taskTypes[0].steps["check"]?.rework == Rework(probability: 0.1))
        let bad = text.replacingOccurrences(of: "rework: 0.1", with: "rework: { probability: 0.1, to: chek }")
        let error = try #require(throws: DefinitionError.self) {
            try Scenario.load([DefinitionSource(file: "s.yaml", text: bad), DefinitionSource(file: "ws.yaml", text: ScenarioLoadingTests.workspace)])
        }
        #expect(error.issues.map(\.description).contains { $0.contains("simulation.task_types[0].steps.check.rework.to: workflow refund has no step chek (did you mean check?)") })
    }
}
