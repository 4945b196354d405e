import Foundation
import NIOCore
import Testing

@testable import FlowtuneServer

@Suite("API times")
struct APITimeTests {
    /// Times written here are Foundation's ISO 8601 form, digit for digit: random instants over
    /// the whole range, whole milliseconds, and instants a hair either side of them.
    @Test func matchFoundationsFormat() {
        var seed: UInt64 = 0x5EED_2026
        func next() -> UInt64 {
            seed &+= 0x9E37_79B9_7F4A_7C15
            var z = seed
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func uniform(_ range: ClosedRange<Double>) -> Double {
            range.lowerBound + (range.upperBound - range.lowerBound) * Double(next() >> 11) / Double(1 << 53)
        }
        for index in 0..<20_000 {
            let seconds: Double
            switch index % 3 {
            case 0: seconds = uniform(-2_500_000_000...260_000_000_000)
            case 1: seconds = (uniform(-2_208_988_800_000...253_402_300_799_000)).rounded() / 1000
            default: seconds = (uniform(1.7e12...1.8e12)).rounded() / 1000 + uniform(-1e-6...1e-6)
            }
            let date = Date(timeIntervalSince1970: seconds)
            #expect(APITime.format(date) == APITime.foundationFormat(date), "\(seconds)")
        }
    }

    @Test(arguments: [
        "1900-01-01T00:00:00.000Z", "1969-12-31T23:59:59.500Z", "1970-01-01T00:00:00.000Z", "2000-02-29T12:00:00.500Z",
        "2024-12-31T23:59:59.750Z", "2100-02-28T23:59:59.000Z", "2100-03-01T00:00:00.000Z", "9999-12-31T23:59:59.000Z",
    ])
    func edges(_ text: String) throws {
        let date = try #require(APITime.parse(text))
        #expect(APITime.format(date) == APITime.foundationFormat(date))
        #expect(APITime.format(date) == text)
        var buffer = ByteBuffer()
        APITime.write(date, into: &buffer)
        #expect(String(buffer: buffer) == text)
    }

    @Test func fallsBackOutsideItsRange() {
        for seconds in [-5_000_000_000.0, -62_135_596_800, 253_402_300_800, 300_000_000_000] {
            let date = Date(timeIntervalSince1970: seconds)
            #expect(APITime.format(date) == APITime.foundationFormat(date))
        }
    }
}
