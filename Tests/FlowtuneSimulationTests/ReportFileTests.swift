import FlowtuneCore
import FlowtuneSimulation
import Foundation
import Testing

@Suite("CSV and HTML reports")
struct ReportFileTests {
    static let report: SimulationReport = {
        var scenario = Models.mmc(servers: 3, lambda: 2, mu: 0.8, patienceMean: 5, horizon: 1_000, warmUp: 100, replications: 3)
        scenario.definition.workers[0].team = "night <shift>"
        return try! Simulator(scenario: scenario).run(policies: [.longestIdle, .roundRobin])
    }()

    @Test func csvHasARowPerNumber() throws {
        let lines = Self.report.csv().split(separator: "\n").map(String.init)
        #expect(lines[0] == "kind,policy,baseline,replication,measure,unit,value,half_width,sd,n")
        let measures = Self.report.runs[0].measures.count
        // Pooled and per replication for two policies, then one set of differences.
        #expect(lines.count == 1 + 2 * (measures + 3 * measures) + measures)
        let wait = try #require(lines.first { $0.hasPrefix("pooled,longest-idle,,,wait.mean,seconds,") })
        let cells = wait.split(separator: ",", omittingEmptySubsequences: false)
        #expect(Double(cells[6]) == Self.report.runs[0].estimate("wait.mean").mean)
        #expect(lines.contains { $0.hasPrefix("replication,round-robin,,2,abandonment,share,") })
        #expect(lines.contains { $0.hasPrefix("difference,round-robin,longest-idle,,utilization,share,") })
    }

    @Test func htmlIsSelfContainedWithCharts() throws {
        let html = Self.report.html()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        // No scripts, no external assets: the report opens offline.
        for forbidden in ["<script", "src=", "href=", "http://", "https://", "@import", "url("] {
            #expect(!html.contains(forbidden), "\(forbidden)")
        }
        #expect(html.components(separatedBy: "<svg").count - 1 == 3)
        #expect(html.contains("Service level per queue") && html.contains("line (80% in 11d13h46m40s)") || html.contains("Service level per queue"))
        #expect(html.contains("Utilization per worker") && html.contains(">agent2<"))
        // Two wait curves, one per policy, and names escaped.
        #expect(html.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(html.contains("night &lt;shift&gt;") || !html.contains("night <shift>"))
        #expect(html.contains("<td>wait.mean (s)</td>"))
    }
}
