import Foundation
import Testing

@testable import FlowtuneMining

/// Bytes from a seeded generator: text-like (compressible) or noise.
private func sampleBytes(count: Int, seed: UInt64, text: Bool) -> [UInt8] {
    var state = seed
    var bytes: [UInt8] = []
    bytes.reserveCapacity(count)
    let words = Array("<event><string key=\"concept:name\" value=\"A_SUBMITTED\"/></event>\n".utf8)
    while bytes.count < count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        if text {
            let start = Int(state >> 33) % words.count
            bytes.append(contentsOf: words[start...].prefix(count - bytes.count))
        } else {
            bytes.append(UInt8(truncatingIfNeeded: state >> 56))
        }
    }
    return bytes
}

@Suite("Gzip")
struct GzipTests {
    @Test("compress then decompress gives the bytes back, text or noise, empty or large",
          arguments: [(0, true), (1, true), (1000, false), (300_000, true), (3_000_000, false)])
    func roundTrip(count: Int, text: Bool) throws {
        let bytes = sampleBytes(count: count, seed: UInt64(count) + 1, text: text)
        let packed = Gzip.compress(bytes)
        #expect(Gzip.isGzip(packed))
        #expect(Array(packed.prefix(3)) == [0x1F, 0x8B, 0x08])  // magic, deflate
        if text && count > 10_000 { #expect(packed.count < count / 5) }
        #expect(try Gzip.decompress(packed, file: "sample.gz") == bytes)
    }

    @Test("gzip(1) reads our output and we read its: the format is the standard one")
    func interoperates() throws {
        let bytes = sampleBytes(count: 50_000, seed: 7, text: true)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-gzip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func gzip(_ arguments: [String]) throws -> (status: Int32, output: Data) {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["gzip"] + arguments
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, data)
        }
        let ours = directory.appendingPathComponent("ours.gz")
        try Data(Gzip.compress(bytes)).write(to: ours)
        let unpacked = try gzip(["-dc", ours.path])
        #expect(unpacked.status == 0)
        #expect([UInt8](unpacked.output) == bytes)
        let raw = directory.appendingPathComponent("raw.bin")
        try Data(bytes).write(to: raw)
        let theirs = try gzip(["-9c", raw.path])
        #expect(theirs.status == 0)
        #expect(try Gzip.decompress(theirs.output, file: "theirs.gz") == bytes)
    }

    @Test("Concatenated members read as one stream")
    func concatenatedMembers() throws {
        let first = sampleBytes(count: 10_000, seed: 1, text: true)
        let second = sampleBytes(count: 5_000, seed: 2, text: false)
        let packed = Gzip.compress(first) + Gzip.compress([]) + Gzip.compress(second)
        #expect(try Gzip.decompress(packed, file: "joined.gz") == first + second)
    }

    @Test("Fed a few bytes at a time, the inflater hands back the same bytes in bounded chunks")
    func streaming() throws {
        let bytes = sampleBytes(count: 200_000, seed: 3, text: true)
        let packed = Gzip.compress(bytes) + Gzip.compress(bytes.prefix(999))
        var inflater = try Gzip.Inflater(file: "stream.gz", chunkSize: 4096)
        var output: [UInt8] = []
        var largest = 0
        var offset = 0
        var step = 1
        while offset < packed.count {
            let piece = UnsafeMutableRawBufferPointer.allocate(byteCount: min(step, packed.count - offset), alignment: 1)
            defer { piece.deallocate() }
            piece.copyBytes(from: packed[offset..<(offset + piece.count)])
            try inflater.inflate(UnsafeRawBufferPointer(piece)) { chunk in
                largest = max(largest, chunk.count)
                output.append(contentsOf: chunk)
            }
            offset += step
            step = step % 97 + 1
        }
        try inflater.finish { output.append(contentsOf: $0) }
        #expect(output == bytes + bytes.prefix(999))
        #expect(largest <= 4096)
    }

    @Test("A truncated stream is an error at every cut, never a short read")
    func truncated() throws {
        let packed = Gzip.compress(sampleBytes(count: 20_000, seed: 4, text: true))
        for cut in stride(from: 2, to: packed.count, by: max(1, packed.count / 150)) + [packed.count - 1, packed.count - 4] {
            do {
                let result = try Gzip.decompress(packed[..<cut], file: "cut.gz")
                Issue.record("a stream cut at \(cut) of \(packed.count) decoded to \(result.count) bytes")
            } catch {
                #expect(error.file == "cut.gz")
                #expect(error.message.contains("truncated") || error.message.contains("corrupt"), "\(error)")
            }
        }
    }

    @Test("Damage to the compressed data or its checksum is an error, and trailing junk is named")
    func corrupt() throws {
        let bytes = sampleBytes(count: 20_000, seed: 5, text: true)
        let packed = Gzip.compress(bytes)
        var caught = 0
        for trial in 0..<200 {
            var damaged = packed
            let at = 10 + (trial * 7919) % (packed.count - 10)  // past the header, whose flags may be ignored
            damaged[at] ^= UInt8(1 + trial % 255)
            do {
                let result = try Gzip.decompress(damaged, file: "bad.gz")
                // The CRC-32 and length in the trailer catch what the decoder does not.
                Issue.record("damage at \(at) decoded to \(result.count) bytes")
            } catch {
                caught += 1
            }
        }
        #expect(caught == 200)
        do {
            _ = try Gzip.decompress(packed + Array("trailing junk".utf8), file: "junk.gz")
            Issue.record("trailing junk was accepted")
        } catch {
            #expect(error.message.contains("not gzip"), "\(error)")
        }
    }
}
