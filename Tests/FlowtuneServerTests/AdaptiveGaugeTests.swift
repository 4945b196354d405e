import FlowtuneCore
import Testing

@testable import FlowtuneServer

@Suite("Adaptive gauges")
struct AdaptiveGaugeTests {
    @Test("the exposition has each adaptive step's window and each watched workflow's alerting flag")
    func gauges() {
        let snapshot = WorkspaceSnapshot(
            queueDepths: [:], serviceLevels: [:], exceptionLane: 0, openTasks: 0, logVersion: 7,
            responseWindows: [.init(workflow: "claims", step: "review"): 4_440],
            exceptionRateAlerting: ["claims": true, "support": false])
        let text = ServerTelemetry().exposition(snapshot)
        #expect(text.contains(#"flowtune_step_response_window_seconds{workflow="claims",step="review"} 4440"#))
        #expect(text.contains(#"flowtune_exception_rate_alerting{workflow="claims"} 1"#))
        #expect(text.contains(#"flowtune_exception_rate_alerting{workflow="support"} 0"#))
    }
}
