import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneSimulation

/// The radix sort of the wait and cycle samples gives exactly what the standard library's sort gives.
@Suite("Sample sort")
struct SampleSortTests {
    @Test("random samples sort to the standard library's order, bit for bit")
    func matchesStandardSort() {
        var random = SeededGenerator(seed: 3)
        for round in 0..<40 {
            let count = [0, 1, 5, 2047, 2048, 5000, 70_000][round % 7]
            var values: [Double] = (0..<count).map { _ in
                switch Int.random(in: 0..<6, using: &random) {
                // Many exact zeros and repeats, as waits answered at once give.
                case 0: 0
                case 1: Double(Int.random(in: 0..<50, using: &random))
                case 2: -Double.random(in: 0..<1e6, using: &random)
                case 3: [Double.infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude].randomElement(using: &random)!
                default: Double.random(in: 0..<3600, using: &random)
                }
            }
            var expected = values
            expected.sort()
            SampleSort.sort(&values)
            #expect(values.map(\.bitPattern) == expected.map(\.bitPattern), "round \(round), \(count) values")
        }
    }

    @Test("a negative zero or a NaN falls back to the standard library's sort")
    func fallsBack() {
        var values = (0..<3000).map { Double($0 % 7) }
        values[10] = -0.0
        var expected = values
        expected.sort()
        SampleSort.sort(&values)
        #expect(values.map(\.bitPattern) == expected.map(\.bitPattern))
        var withNaN = (0..<3000).map { Double(3000 - $0) }
        withNaN[5] = .nan
        SampleSort.sort(&withNaN)
        #expect(withNaN.count == 3000)
    }

    @Test("keys order values as < does and give them back")
    func keys() {
        let values: [Double] = [-.infinity, -1e300, -2, -1, -.leastNonzeroMagnitude, 0, .leastNonzeroMagnitude, 1, 2, 1e300, .infinity]
        let keys = values.map(SampleSort.key)
        #expect(keys == keys.sorted())
        #expect(Set(keys).count == keys.count)
        #expect(keys.map(SampleSort.value(of:)).map(\.bitPattern) == values.map(\.bitPattern))
    }
}
