import Foundation
import Testing

@testable import FlowtuneMining

/// The shared logs' directly-follows graphs against figures computed independently, from the raw
/// files, by `Reference/reference_dfg.py` (Python's standard library, no pm4py; its output is
/// committed as `Reference/reference_dfg.json`; rerun it with the command in its header).
@Suite("Analysis against an independent reference")
struct AnalysisReferenceTests {
    struct Reference: Decodable {
        struct Edge: Decodable {
            var from: String
            var to: String
            var count: Int
            var mean: Double
            var median: Double
            var p90: Double
            var min: Double
            var max: Double
        }

        var cases: Int
        var events: Int
        var starts: [String: Int]
        var ends: [String: Int]
        var edges: [Edge]
    }

    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    /// CI clones the repository with `shared/` beside it.
    static let data = testsDirectory.appendingPathComponent("../../../shared/data").standardized

    static func reference(_ file: String) throws -> Reference {
        let url = testsDirectory.appendingPathComponent("Reference/reference_dfg.json")
        let all = try JSONDecoder().decode([String: Reference].self, from: Data(contentsOf: url))
        return try #require(all[file])
    }

    func check(_ analysis: LogAnalysis, against reference: Reference) {
        #expect(analysis.cases == reference.cases)
        #expect(analysis.instances == reference.events)
        let graph = analysis.activityGraph
        #expect(graph.edges.count == reference.edges.count, "the same edges, no more")
        #expect(graph.traversals == reference.edges.reduce(0) { $0 + $1.count })
        for expected in reference.edges {
            guard let edge = graph.edge(from: expected.from, to: expected.to) else {
                Issue.record("missing edge \(expected.from) → \(expected.to)")
                continue
            }
            let time = edge.handoffTime
            #expect(edge.count == expected.count, "\(expected.from) → \(expected.to)")
            #expect(abs(time.mean - expected.mean) <= 1e-6, "mean of \(expected.from) → \(expected.to)")
            #expect(abs(time.median - expected.median) <= 1e-6, "median of \(expected.from) → \(expected.to)")
            #expect(abs(time.p90 - expected.p90) <= 1e-6, "p90 of \(expected.from) → \(expected.to)")
            #expect(abs(time.min - expected.min) <= 1e-6 && abs(time.max - expected.max) <= 1e-6)
        }
        #expect(Dictionary(uniqueKeysWithValues: graph.starts.map { ($0.name, $0.count) }) == reference.starts)
        #expect(Dictionary(uniqueKeysWithValues: graph.ends.map { ($0.name, $0.count) }) == reference.ends)
    }

    @Test("running-example.xes: frequencies exactly, hand-off times to a microsecond")
    func runningExample() throws {
        let log = try XESReader.read(contentsOf: Self.data.appendingPathComponent("running-example.xes"))
        check(LogAnalysis(log), against: try Self.reference("running-example.xes"))
    }

    @Test("receipt.csv: frequencies exactly, hand-off times to a microsecond")
    func receipt() throws {
        let log = try CSVEventReader.read(contentsOf: Self.data.appendingPathComponent("receipt.csv"), mapping: nil)
        let reference = try Self.reference("receipt.csv")
        let analysis = LogAnalysis(log)
        check(analysis, against: reference)
        // Spot checks a reader can follow in the reference file.
        let top = try #require(reference.edges.max { $0.count < $1.count })
        #expect(analysis.activityGraph.edges.first?.count == top.count)
        #expect(analysis.activityGraph.edge(from: "Confirmation of receipt", to: "T02 Check confirmation of receipt")?.count == 1079)
    }
}
