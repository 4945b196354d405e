import Foundation
import Testing

@testable import FlowtuneCore

/// Adaptive response windows and exception-rate alerts as operators write them in YAML.
@Suite("Adaptive wiring: definitions")
struct AdaptiveDefinitionTests {
    typealias Fixtures = DefinitionFixtures

    /// A workspace whose only step's response window is `window` and whose workflow has
    /// `alerts`; each is written at any indentation and moved under its field. Lines 15 on are
    /// the window's fields when there are no alerts; the alerts start at line 7.
    static func yaml(window: String, alerts: String = "") -> String {
        """
        queues:
          - id: claims
        workers:
          - id: ana
        workflows:
          - id: claims
        \(indent(alerts, by: 4))
            steps:
              - id: review
                queue: claims
                ownership:
                  source_system: claims-db
                  decision_owner: claims-team
                  response_window:
        \(indent(window, by: 12))
        """
    }

    /// `text` with its common leading spaces replaced by `width` spaces.
    static func indent(_ text: String, by width: Int) -> String {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let common = lines.filter { !$0.allSatisfy(\.isWhitespace) }.map { $0.prefix { $0 == " " }.count }.min() ?? 0
        return lines.map { String(repeating: " ", count: width) + $0.dropFirst(common) }.joined(separator: "\n")
    }

    @Test("an adaptive response window and an exception-rate alert load with every field")
    func loads() throws {
        let definition = try WorkspaceDefinition(yaml: Self.yaml(
            window: """
                        adaptive: p90
                        of: response_time
                        window: { count: 500, age: 1d }
                        min_samples: 50
                        static: 4h
                        floor: 15m
                        ceiling: 8h
                        min_change: 5%
                """,
            alerts: """
                    alerts:
                      exception_rate: { band: ewma, seasonality: weekly, slot: 60m, alpha: 0.2, k: 3, warm_up: 4, sides: above, blend: 8, min_sigma: 1%, utc_offset: -5h }
                """))
        let workflow = try #require(definition.workflows.first)
        let rule = try #require(workflow.steps.first?.ownership)
        #expect(rule.responseWindow == 4 * 3600)
        #expect(rule.adaptiveResponseWindow == AdaptiveResponseWindow(
            quantile: 0.9, window: SampleWindow(count: 500, age: 86_400), minimumSamples: 50, floor: 900,
            ceiling: 8 * 3600, minimumChange: 0.05))
        #expect(workflow.alerts?.exceptionRate == SeasonalBand(
            seasonality: .weekly, slotLength: 3600, smoothing: 0.2, width: 3, warmUp: 4, blendSamples: 8, sides: .above,
            minimumDeviation: 0.01, utcOffset: -5 * 3600))
    }

    @Test("a window is an age, a count of outcomes, or both; a plain duration stays static")
    func windowShapes() throws {
        func window(_ written: String) throws -> SampleWindow? {
            let definition = try WorkspaceDefinition(yaml: Self.yaml(window: """
                            adaptive: p50
                            window: \(written)
                            min_samples: 1
                            static: 1h
                """))
            return definition.workflows.first?.steps.first?.ownership.adaptiveResponseWindow?.window
        }
        #expect(try window("7d") == SampleWindow(age: 7 * 86_400))
        #expect(try window("200") == SampleWindow(count: 200))
        #expect(try window("{ age: 12h }") == SampleWindow(age: 43_200))
        let plain = try WorkspaceDefinition(yaml: Self.yaml(window: "4h"))
        #expect(plain.workflows.first?.steps.first?.ownership.adaptiveResponseWindow == nil)
        #expect(plain.workflows.first?.steps.first?.ownership.responseWindow == 14_400)
    }

    @Test("problems in an adaptive window point at the field, with its line and column")
    func windowErrors() {
        let issues = Fixtures.issues(in: Self.yaml(window: """
                        adaptive: p190
                        of: handling_time
                        window: 7x
                        min_samples: 0
                        static: 4h
                        floor: 9h
                        ceiling: 8h
                        min_change: 5
            """))
        let base = "workflows[0].steps[0].ownership.response_window"
        #expect(Set(issues.map(\.path)) == Set(["window", "min_change", "of", "adaptive", "min_samples", "ceiling"].map { "\(base).\($0)" }))
        #expect(issues.count == 6)
        func find(_ field: String) -> DefinitionError.Issue? { issues.first { $0.path == "\(base).\(field)" } }
        #expect(find("adaptive").map { ($0.line, $0.column) }! == (15, 23))
        #expect(find("adaptive")?.message == "the quantile must be between p0 and p100")
        #expect(find("of")?.message == "unknown measure \"handling_time\"; a response window learns from response_time")
        #expect(find("window")?.message == "\"7x\" is not a duration; write it like 90s, 15m, 4h, 1h30m or 2d")
        #expect(find("min_samples").map { ($0.line, $0.column) }! == (18, 26))
        #expect(find("ceiling").map { ($0.line, $0.column) }! == (21, 22))
        #expect(find("ceiling")?.message == "must not be below the floor")
        #expect(find("min_change")?.message.contains("more than 100%") == true)
        #expect(issues.allSatisfy { $0.file == "test.yaml" })
        #expect(find("ceiling")?.description == "test.yaml:21:22: \(base).ceiling: must not be below the floor")
    }

    @Test("an adaptive window needs its quantile, window and static value, and knows its fields")
    func missingFields() {
        let issues = Fixtures.issues(in: Self.yaml(window: """
                        of: response_time
                        min_sample: 5
            """))
        let base = "workflows[0].steps[0].ownership.response_window"
        #expect(issues.map(\.path).sorted() == ["\(base).adaptive", "\(base).min_sample", "\(base).static", "\(base).window"])
        #expect(issues.first { $0.path == "\(base).min_sample" }?.message == "unknown field min_sample (did you mean min_samples?)")
        #expect(issues.first { $0.path == "\(base).static" }?.message == "missing required field static")
    }

    @Test("problems in an exception-rate band point at the field")
    func bandErrors() {
        let issues = Fixtures.issues(in: Self.yaml(
            window: "4h",
            alerts: """
                    alerts:
                      exception_rate:
                        band: sma
                        seasonality: monthly
                        slot: 7m
                        alpha: 1.5
                        k: -1
                        sides: up
                """))
        let base = "workflows[0].alerts.exception_rate"
        let byPath = Dictionary(issues.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(Set(issues.map(\.path)) == ["\(base).band", "\(base).seasonality", "\(base).sides", "\(base).slot", "\(base).alpha", "\(base).k"])
        #expect(byPath["\(base).band"].map { ($0.line, $0.column) }! == (9, 15))
        #expect(byPath["\(base).slot"]?.message == "must divide a day, such as 15m, 30m or 60m")
        #expect(byPath["\(base).slot"].map { ($0.line, $0.column) }! == (11, 15))
        #expect(byPath["\(base).k"].map { ($0.line, $0.column) }! == (13, 12))
        #expect(byPath["\(base).seasonality"]?.message.hasPrefix("unknown seasonality \"monthly\"") == true)
    }

    @Test("a workflow sent over the API gets the same checks as a file")
    func commandChecks() throws {
        var ws = TestWorkspace()
        try ws.queue("claims")
        var rule = ownership()
        rule.adaptiveResponseWindow = AdaptiveResponseWindow(quantile: 0.9, window: SampleWindow(count: 10), minimumSamples: 20)
        let error = try ws.refusal(.defineWorkflow(Workflow(id: "claims", steps: [Step(id: "review", queue: "claims", ownership: rule)])))
        #expect(error.field == "steps[0].ownership.response_window.min_samples")
        #expect(error.message == "is more than the window can hold (10)")
    }
}
