import Foundation
import FlowtuneCore
import Testing

@testable import FlowtuneMining

private func runningExample() throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/data/running-example.xes")
    return [UInt8](try Data(contentsOf: url))
}

/// Lines in `bytes`, counting a last line without a line end.
private func lineCount(_ bytes: [UInt8]) -> Int { bytes.reduce(1) { $0 + ($1 == 10 ? 1 : 0) } }

/// Reads `bytes`: the log, or the error; the test fails if an error points outside the input.
private func outcome(_ bytes: [UInt8], chunkSize: Int = 1 << 20) -> Result<EventLog, MiningError> {
    do {
        return .success(try XESReader.read(bytes: bytes, file: "fuzz.xes", zone: .utc, chunkSize: chunkSize))
    } catch {
        #expect(error.file == "fuzz.xes")
        if let line = error.line {
            #expect(line >= 1 && line <= lineCount(bytes), "\(error)")
        }
        return .failure(error)
    }
}

@Suite("XES import on damaged input")
struct XESRobustnessTests {
    @Test("Cut anywhere before </log> ends, running-example.xes is an error naming a line in what is left")
    func truncations() throws {
        let bytes = try runningExample()
        let closing = Array("</log>".utf8)
        let start = try #require((0...(bytes.count - closing.count)).last { Array(bytes[$0..<($0 + closing.count)]) == closing })
        let complete = start + closing.count
        var cuts = Array(stride(from: 0, to: bytes.count, by: 7))
        cuts += Array((complete - 12)...bytes.count)
        for cut in cuts {
            let result = outcome(Array(bytes[..<cut]), chunkSize: cut % 3 == 0 ? 61 : 1 << 20)
            switch result {
            case .success(let log):
                #expect(cut >= complete, "a log cut at \(cut) of \(bytes.count) read as \(log.eventCount) events")
                #expect(log.eventCount == 42)
            case .failure:
                #expect(cut < complete, "the whole log, cut only after </log> at \(cut), failed")
            }
        }
    }

    @Test("Random byte changes, insertions and deletions read or fail with a MiningError, never crash")
    func mutations() throws {
        let bytes = try runningExample()
        var random = SeededGenerator(seed: 0x5EED)
        let alphabet = Array("<>/=\"'&;#x!?-[]: \n\tabcdefghijklmnopqrstuvwxyz0123456789".utf8) + [0, 0xC3, 0xFF, 0x80]
        var parsed = 0
        var failed = 0
        for trial in 0..<1500 {
            var mutant = bytes
            for _ in 0..<(1 + trial % 4) {
                let at = Int(random.next() % UInt64(mutant.count))
                let byte = alphabet[Int(random.next() % UInt64(alphabet.count))]
                switch random.next() % 3 {
                case 0: mutant[at] = byte
                case 1: mutant.insert(byte, at: at)
                default: mutant.remove(at: at)
                }
            }
            switch outcome(mutant, chunkSize: trial % 5 == 0 ? 97 : 1 << 20) {
            case .success(let log):
                parsed += 1
                // A mutation can rename or retime an event, but never add one.
                #expect(log.eventCount <= 42)
            case .failure:
                failed += 1
            }
        }
        // Most damage lands in markup that must be exact, some in names and values that may change.
        #expect(failed > 300 && parsed > 100, "parsed \(parsed), failed \(failed)")
    }

    @Test("Gzipped and cut, the log is an error at every cut, never a shorter log")
    func truncatedGzip() throws {
        let packed = Gzip.compress(try runningExample())
        for cut in stride(from: 2, to: packed.count, by: 11) {
            if case .success(let log) = outcome(Array(packed[..<cut])) {
                Issue.record("a gzipped log cut at \(cut) of \(packed.count) read as \(log.eventCount) events")
            }
        }
        let directory = FileManager.default.temporaryDirectory
        let url = directory.appendingPathComponent("flowtune-cut-\(UUID().uuidString).xes.gz")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(packed[..<(packed.count - 5)]).write(to: url)
        do {
            _ = try XESReader.read(contentsOf: url)
            Issue.record("a cut gzipped file read")
        } catch {
            #expect(error.message.contains("truncated"), "\(error)")
        }
    }
}

extension XESRobustnessTests {
    @Test("An error near the start of a large gzipped file stops the inflating thread and reports the line")
    func earlyErrorInLargeGzip() throws {
        let event = "    <event><string key=\"concept:name\" value=\"A\"/><date key=\"time:timestamp\" value=\"2021-06-01T12:00:00Z\"/></event>\n"
        // 40 MB inflated: far more than the queue between the threads holds, so the inflating
        // thread is still at work, or waiting for room, when the parser stops.
        let text = "<log>\n  <trace>\n    <event><string key=\"concept:name\" value=\"A\"/></event>\n"
            + String(repeating: event, count: 400_000) + "  </trace>\n</log>\n"
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-early-\(UUID().uuidString).xes.gz")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(Gzip.compress(Array(text.utf8), level: 1)).write(to: url)
        for _ in 0..<5 {
            do {
                _ = try XESReader.read(contentsOf: url)
                Issue.record("an event without a time was read")
            } catch {
                #expect(error.line == 3 && error.field == "time:timestamp", "\(error)")
            }
        }
    }
}
