import Foundation
import Testing

@testable import FlowtuneMining

/// The scorecard of receipt.csv under the example's scorecard file, the one
/// `examples/handoff-scorecard` shows.
@Suite("Scorecard of receipt.csv")
struct ScorecardReceiptTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    @Test("Every hand-off ranked on eight criteria, the waiting matching the reference, every rating used")
    func receipt() throws {
        let log = try CSVEventReader.read(
            contentsOf: Self.root.appendingPathComponent("../shared/data/receipt.csv").standardized, mapping: nil)
        let file = Self.root.appendingPathComponent("examples/handoff-scorecard/scorecard.yaml")
        let configuration = try ScorecardConfiguration.load(
            yaml: String(contentsOf: file, encoding: .utf8), file: "scorecard.yaml")
        let scorecard = Scorecard(log: log, configuration: configuration)
        let reference = try AnalysisReferenceTests.reference("receipt.csv")

        #expect(scorecard.handoffs.count == reference.edges.count)
        #expect(scorecard.handoffs.map(\.rank) == Array(1...reference.edges.count))
        #expect(zip(scorecard.handoffs, scorecard.handoffs.dropFirst()).allSatisfy { $0.total >= $1.total })
        #expect(scorecard.unusedRatings.isEmpty, "the example names steps the log has")
        for score in scorecard.handoffs {
            #expect(score.criteria.count == 8 && score.criteria.allSatisfy { (1...5).contains($0.score) })
            #expect(score.score(.exceptionVolume)?.source == .measured)
            let edge = try #require(reference.edges.first { $0.from == score.from && $0.to == score.to })
            let waited = try #require(score.score(.customerImpact)?.values["waitHours"])
            #expect(abs(waited - edge.mean * Double(edge.count) / 3600) < 1e-6)
        }
        // Groups change between most steps of this process: team hand-offs are scored too.
        #expect(!scorecard.teamHandoffs.isEmpty && scorecard.teamHandoffs.allSatisfy { $0.from != $0.to })
    }
}
