import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Predictive settings in definition files")
struct PredictiveSettingsFieldTests {
    @Test("every predictive setting is read from workspace.predictive and reaches the workspace settings")
    func readsEverySetting() throws {
        let definition = try WorkspaceDefinition(yaml: """
            workspace:
              routing_policy: optimal-batch
              predictive:
                type_attribute: category
                value_attribute: order_value
                task_value: 250
                customer_cost_per_hour: 42.5
                missed_promise_cost: 80
                fairness_bound: 0.25
                fairness_period: 6h
                fairness_minimum: 10
                batch_interval: 1m30s
            """)
        let expected = PredictiveSettings(
            typeAttribute: "category", valueAttribute: "order_value", taskValue: 250, customerCostPerHour: 42.5,
            missedPromiseCost: 80, fairnessBound: 0.25, fairnessPeriod: 6 * 3600, fairnessMinimum: 10, batchInterval: 90)
        let settings = definition.settings.applied()
        #expect(settings.routingPolicy == .optimalBatch)
        #expect(settings.predictive == expected)
        // The settings travel to the workspace in the configure command, and the core accepts them.
        #expect(definition.commands.first == .configure(settings))
        var state = WorkspaceState()
        for command in definition.commands { _ = try state.execute(command, context: CommandContext(now: Date(timeIntervalSince1970: 0))) }
        #expect(state.settings.predictive == expected)
    }

    @Test("settings a file leaves out keep the workspace's values")
    func unsetKeepsBase() throws {
        let definition = try WorkspaceDefinition(yaml: "workspace:\n  predictive:\n    batch_interval: 30s\n")
        var base = WorkspaceState.Settings()
        base.predictive.fairnessBound = 0.5
        let settings = definition.settings.applied(to: base)
        #expect(settings.predictive.batchInterval == 30)
        #expect(settings.predictive.fairnessBound == 0.5)
        #expect(settings.predictive.typeAttribute == PredictiveSettings().typeAttribute)
    }

    @Test("values out of range are reported at their line and field")
    func outOfRange() {
        let issues = DefinitionFixtures.issues(in: """
            workspace:
              predictive:
                type_attribute: ""
                task_value: 0
                customer_cost_per_hour: -1
                fairness_bound: -0.1
                fairness_period: 0s
                fairness_minimum: -3
                batch_interval: soon
            """)
        #expect(issues == [
            DefinitionFixtures.issue(3, 21, "workspace.predictive.type_attribute", "needs an attribute name"),
            DefinitionFixtures.issue(4, 17, "workspace.predictive.task_value", "must be more than 0, not 0.0"),
            DefinitionFixtures.issue(5, 29, "workspace.predictive.customer_cost_per_hour", "must be 0 or more, not -1.0"),
            DefinitionFixtures.issue(6, 21, "workspace.predictive.fairness_bound", "must be 0 or more, not -0.1"),
            DefinitionFixtures.issue(7, 22, "workspace.predictive.fairness_period", "must be longer than 0, not 0s"),
            DefinitionFixtures.issue(8, 23, "workspace.predictive.fairness_minimum", "must be at least 0, not -3"),
            DefinitionFixtures.issue(
                9, 21, "workspace.predictive.batch_interval",
                "\"soon\" is not a duration; write it like 90s, 15m, 4h, 1h30m or 2d"),
        ])
    }

    @Test("wrong types and unknown fields in the block are reported like any other")
    func wrongTypesAndUnknownFields() {
        let issues = DefinitionFixtures.issues(in: """
            workspace:
              predictive:
                fairness_window: 2.5
                batch_intervall: 30s
            """)
        #expect(issues.map(\.path) == ["workspace.predictive.fairness_window", "workspace.predictive.batch_intervall"])
        #expect(issues.map(\.line) == [3, 4])
        #expect(issues[1].message.contains("batch_interval"))
    }

    @Test("fairness_window, a count of assignments the guardrail no longer uses, is refused with what replaced it")
    func retiredWindow() {
        let issues = DefinitionFixtures.issues(in: """
            workspace:
              predictive:
                fairness_window: 200
            """)
        #expect(issues == [
            DefinitionFixtures.issue(
                3, 22, "workspace.predictive.fairness_window",
                "is no longer a setting: load is counted over a span of time, fairness_period (such as 4h), not a number of assignments"),
        ])
    }

    @Test("files may repeat a predictive setting but not contradict one another")
    func merging() throws {
        let first = DefinitionSource(file: "a.yaml", text: "workspace:\n  predictive:\n    batch_interval: 30s\n")
        let same = DefinitionSource(file: "b.yaml", text: "workspace:\n  predictive:\n    batch_interval: 30\n")
        #expect(try WorkspaceDefinition.load([first, same]).settings.predictive.batchInterval == 30)

        let other = DefinitionSource(file: "c.yaml", text: "workspace:\n  predictive:\n    batch_interval: 1m\n")
        #expect(DefinitionFixtures.issues(in: [first, other]) == [
            DefinitionFixtures.issue(
                3, 21, "workspace.predictive.batch_interval",
                "predictive.batch_interval is already set to 30s in a.yaml at line 3", file: "c.yaml")
        ])
    }
}
