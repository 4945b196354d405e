import ArgumentParser
import FlowtuneCore
import FlowtuneMining
import Foundation

/// `flowtune bench csv`: events per second of the CSV import on a receipt-like export.
struct CSVImportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csv",
        abstract: "Events per second of the CSV import on a synthetic receipt-like export (15 columns, ~275 bytes a row).",
        discussion: """
            The file is written once to a temporary directory, then each run reads it twice: with the \
            mapping inferred from its header (case, activity, timestamp, lifecycle, resource, group), \
            and with the 9 other columns kept as case and event attributes as well. The file is read \
            from the page cache, as a file just exported is.
            """)

    @Option(help: "Rows (events) in the generated file.") var events = 1_000_000
    @Option(help: "How many times to read it; the median is reported.") var runs = 5
    @Option(help: "Seed of the generator.") var seed: UInt64 = 1

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("flowtune-csv-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let benchmark = CSVImportBenchmark(events: events, seed: seed, file: directory.appendingPathComponent("receipt-like.csv"))
        let written = try benchmark.write()
        print(String(format: "csv: %d events in %d cases, %.1f MB (%.0f bytes a row), 15 columns",
            written.events, written.cases, Double(written.bytes) / 1e6, Double(written.bytes) / Double(written.events)))
        var inferred: [CSVImportBenchmark.Result] = []
        var kept: [CSVImportBenchmark.Result] = []
        for index in 1...runs {
            let plain = try benchmark.read(keepingOtherColumns: false)
            let all = try benchmark.read(keepingOtherColumns: true)
            print(String(format: "  run %d: inferred mapping %.2fs, %.0f events/s, %.0f MB/s (%.0f per CPU second); all columns kept %.2fs, %.0f events/s",
                index, plain.seconds, plain.eventsPerSecond, plain.megabytesPerSecond, plain.eventsPerCPUSecond,
                all.seconds, all.eventsPerSecond))
            inferred.append(plain)
            kept.append(all)
        }
        func median(_ results: [CSVImportBenchmark.Result]) -> CSVImportBenchmark.Result {
            results.sorted { $0.eventsPerSecond < $1.eventsPerSecond }[results.count / 2]
        }
        let plain = median(inferred)
        let all = median(kept)
        print(String(format: "median: inferred mapping %.0f events/s, %.0f MB/s (%.0f per CPU second); all columns kept as attributes %.0f events/s, %.0f MB/s",
            plain.eventsPerSecond, plain.megabytesPerSecond, plain.eventsPerCPUSecond, all.eventsPerSecond, all.megabytesPerSecond))
    }
}

/// Writes a CSV export shaped like BPI receipt.csv — the same 15 columns, case attributes
/// repeated on every row of a case, a unique `concept:instance` per row, ISO timestamps with
/// microseconds and an offset — from a seeded generator, and times ``CSVEventReader`` on it.
struct CSVImportBenchmark {
    var events: Int
    var seed: UInt64
    var file: URL

    struct Written {
        var events: Int
        var cases: Int
        var bytes: Int
    }

    struct Result {
        var events: Int
        var bytes: Int
        var seconds: Double
        var cpuSeconds: Double
        var eventsPerSecond: Double { Double(events) / seconds }
        var megabytesPerSecond: Double { Double(bytes) / 1e6 / seconds }
        var eventsPerCPUSecond: Double { Double(events) / cpuSeconds }
    }

    static let header =
        "case:channel,case:concept:name,case:deadline,case:department,case:enddate,case:enddate_planned,case:group,"
        + "case:responsible,case:startdate,concept:instance,concept:name,lifecycle:transition,org:group,org:resource,time:timestamp"

    /// Activity names of the receipt process's length and shape.
    static let activities: [String] = {
        let verbs = ["Check", "Adjust", "Determine", "Print and send", "Register", "Evaluate", "Send", "Approve", "Archive"]
        let objects = ["confirmation of receipt", "necessity of stop advice", "request", "decision"]
        var names = ["Confirmation of receipt"]
        for index in 2...27 {
            names.append("T\(index < 10 ? "0" : "")\(index) \(verbs[index % verbs.count]) \(objects[index % objects.count])")
        }
        return names
    }()

    func write() throws -> Written {
        var random = SeededGenerator(seed: seed)
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw BenchFailure("cannot create \(file.path)")
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 21)
        buffer.append(contentsOf: Self.header.utf8)
        buffer.append(0x0A)
        var bytes = 0
        var written = 0
        var cases = 0
        var task = 40_000
        var time = 1_318_000_000.0  // October 2011
        let channels = ["Internet", "Paper", "e-mail", "Desk"]
        let departments = ["General", "Customer contact", "Experts"]
        let activities = Self.activities.map { Array($0.utf8) }
        while written < events {
            cases += 1
            let length = min(events - written, 1 + Int(random.next() % 11))  // 1–11 events, 6 on average
            time += Double(random.next() % 600)
            let start = time
            // The case's columns, the same on each of its rows.
            var prefix: [UInt8] = []
            prefix.append(contentsOf: "\(channels[Int(random.next() % 4)]),case-\(10_000 + cases),".utf8)
            BenchTimestamp.append(start + 4_000_000 + Double(random.next() % 1000) / 1000, separator: 0x20, fractionDigits: 6, to: &prefix)
            prefix.append(contentsOf: ",\(departments[Int(random.next() % 3)]),".utf8)
            if random.next() % 100 >= 7 { BenchTimestamp.append(start + 600_000, separator: 0x20, fractionDigits: 6, to: &prefix) }
            prefix.append(0x2C)
            BenchTimestamp.append(start + 4_000_000.01, separator: 0x20, fractionDigits: 6, to: &prefix)
            prefix.append(0x2C)
            if random.next() % 100 < 42 { prefix.append(contentsOf: "Group \(1 + random.next() % 6)".utf8) }
            prefix.append(contentsOf: ",Resource\(Self.twoDigits(1 + random.next() % 48)),".utf8)
            BenchTimestamp.append(start - 200, separator: 0x20, fractionDigits: 6, to: &prefix)
            prefix.append(0x2C)
            var eventTime = start
            for _ in 0..<length {
                eventTime += Double(random.next() % 200_000) / 1000 + Double(random.next() % 4 == 0 ? random.next() % 90_000 : 0)
                task += 1 + Int(random.next() % 3)
                buffer.append(contentsOf: prefix)
                buffer.append(contentsOf: "task-\(task),".utf8)
                buffer.append(contentsOf: activities[Int(random.next() % 27)])
                let group = random.next() % 10 == 0 ? "EMPTY" : "Group \(1 + random.next() % 9)"
                buffer.append(contentsOf: ",complete,\(group),Resource\(Self.twoDigits(1 + random.next() % 48)),".utf8)
                BenchTimestamp.append(eventTime, separator: 0x20, fractionDigits: 6, to: &buffer)
                buffer.append(0x0A)
                written += 1
                if buffer.count >= 1 << 20 {
                    try handle.write(contentsOf: buffer)
                    bytes += buffer.count
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        }
        try handle.write(contentsOf: buffer)
        bytes += buffer.count
        return Written(events: written, cases: cases, bytes: bytes)
    }

    /// Reads the file once with the inferred mapping, keeping the other 9 columns when asked to.
    func read(keepingOtherColumns: Bool) throws -> Result {
        let bytes = (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0
        let cpuBegin = threadCPUNanoseconds()
        let begin = monotonicNanoseconds()
        var mapping: ColumnMapping?
        if keepingOtherColumns {
            mapping = try ColumnMapping.inferred(fromHeader: CSVEventReader.header(contentsOf: file).columns, keepingOtherColumns: true)
        }
        let log = try CSVEventReader.read(contentsOf: file, mapping: mapping)
        let seconds = Double(monotonicNanoseconds() - begin) / 1e9
        let cpu = Double(threadCPUNanoseconds() - cpuBegin) / 1e9
        let attributes = keepingOtherColumns ? 9 : 0
        guard log.eventCount == events, log.attributeKeys.count == attributes, log.activities.count == 27 else {
            throw BenchFailure(
                "read \(log.eventCount) events, \(log.activities.count) activities and \(log.attributeKeys.count) attributes; expected \(events), 27 and \(attributes)")
        }
        return Result(events: log.eventCount, bytes: bytes, seconds: seconds, cpuSeconds: cpu)
    }

    private static func twoDigits(_ value: UInt64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
