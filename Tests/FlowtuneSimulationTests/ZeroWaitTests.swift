import FlowtuneCore
import Testing

@testable import FlowtuneSimulation

/// The collector counts zero waits instead of sorting them: its mean and percentiles must equal,
/// bit for bit, those of the whole sample sorted.
@Suite("Zero waits counted, not sorted")
struct ZeroWaitTests {
    @Test("mean and every percentile equal the full sorted sample's, bit for bit")
    func againstFullSort() {
        var generator = SeededGenerator(seed: 5)
        for round in 0..<500 {
            let count = Int.random(in: 0...300, using: &generator)
            let zeroShare = Double.random(in: 0...1, using: &generator)
            let withNegatives = round % 5 == 0
            let sample: [Double] = (0..<count).map { _ in
                if Double.random(in: 0..<1, using: &generator) < zeroShare { return 0 }
                let value = Double.random(in: 0...600, using: &generator)
                return withNegatives && Bool.random(using: &generator) ? -value : value
            }
            let full = sample.sorted()
            let rest = sample.filter { $0.bitPattern != 0 }.sorted()
            let zeros = sample.count - rest.count
            let mean = ReplicationCollector.mean(rest, zeros: zeros)
            let expectedMean = ReplicationCollector.mean(full)
            #expect(mean.bitPattern == expectedMean.bitPattern || (mean.isNaN && expectedMean.isNaN), "round \(round)")
            for percent in 0...100 {
                let p = Double(percent) / 100
                let value = ReplicationCollector.percentile(rest, zeros: zeros, p)
                let expected = ReplicationCollector.percentile(full, p)
                #expect(
                    value.bitPattern == expected.bitPattern || (value.isNaN && expected.isNaN),
                    "round \(round), p\(percent)")
            }
        }
    }
}
