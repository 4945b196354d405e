import ArgumentParser
import FlowtuneCore
import FlowtuneMining
import Foundation

/// `flowtune bench mining`: the process-mining path on a log the size of BPI Challenge 2012,
/// phase by phase (today the XES import), against issue 7's target of import and full
/// scorecard of a 262,000-event gzipped XES log in 0.5 s.
struct MiningBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mining",
        abstract: "Import of a gzipped XES log shaped like BPI Challenge 2012 (262,200 events), phase by phase.",
        discussion: """
            The log is generated once from a seeded generator into a temporary directory, gzipped, \
            and read --runs times from the page cache. Each run prints every phase's wall time, \
            events per second and uncompressed MB per second, and the process's CPU time (the \
            import inflates on a second thread); the medians follow.
            """)

    @Option(help: "Events in the generated log.") var events = 262_200
    @Option(help: "How many times to run the phases; the median of each is reported.") var runs = 5
    @Option(help: "Seed of the generator.") var seed: UInt64 = 2012
    @Option(help: "Also write the generated .xes.gz to this path, to time other tools on the same log.")
    var save: String?

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("flowtune-mining-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let benchmark = MiningBenchmark(events: events, seed: seed)
        let log = try benchmark.prepare(in: directory)
        if let save { try FileManager.default.copyItem(at: log.url, to: URL(fileURLWithPath: save)) }
        print(String(format: "mining: %d events in %d traces, XES %.1f MB, gzipped %.1f MB",
            log.events, log.traces, Double(log.bytes) / 1e6, Double(log.compressedBytes) / 1e6))
        var runsByPhase: [String: [MiningBenchmark.Phase]] = [:]
        var order: [String] = []
        for index in 1...max(1, runs) {
            let phases = try benchmark.run(on: log)
            for phase in phases {
                print(String(format: "  run %d: %@ %.3fs, %.0f events/s, %.0f MB/s uncompressed, %.3fs CPU",
                    index, phase.name, phase.seconds, phase.eventsPerSecond, phase.megabytesPerSecond, phase.cpuSeconds))
                if runsByPhase[phase.name] == nil { order.append(phase.name) }
                runsByPhase[phase.name, default: []].append(phase)
            }
        }
        for name in order {
            let phases = runsByPhase[name]!.sorted { $0.seconds < $1.seconds }
            let median = phases[phases.count / 2]
            print(String(format: "median: %@ %.3fs, %.0f events/s, %.0f MB/s uncompressed, %.3fs CPU",
                name, median.seconds, median.eventsPerSecond, median.megabytesPerSecond, median.cpuSeconds))
        }
    }
}

/// Generates an event log shaped like BPI Challenge 2012 — a loan application process of
/// 13,087 traces and 262,200 events: `A_` application states and `O_` offer states completed
/// once, `W_` work items scheduled, started and completed (sometimes started again), about 20
/// events a trace, 60-odd resources with the automatic `112` on the first events, and the
/// trace attributes `REG_DATE` and `AMOUNT_REQ` — written as its XES file is, with tabs and
/// OpenXES's header, and gzipped; then times the phases of the mining path on it.
struct MiningBenchmark {
    var events = 262_200
    var seed: UInt64 = 2012

    /// The generated log on disk.
    struct Log {
        /// The gzipped log.
        var url: URL
        /// The same log uncompressed, to tell the inflating from the parsing.
        var plainURL: URL
        var events: Int
        var traces: Int
        /// Size of the XES document.
        var bytes: Int
        /// Size of the gzipped file.
        var compressedBytes: Int
    }

    /// One phase of one run.
    struct Phase {
        var name: String
        var events: Int
        var bytes: Int
        var seconds: Double
        /// CPU time of the whole process, which counts the import's inflating thread too.
        var cpuSeconds: Double
        var eventsPerSecond: Double { Double(events) / seconds }
        var megabytesPerSecond: Double { Double(bytes) / 1e6 / seconds }
    }

    /// Writes the gzipped log into `directory`.
    func prepare(in directory: URL) throws -> Log {
        let (document, traces) = generate()
        let packed = Gzip.compress(document)
        let url = directory.appendingPathComponent("bpic2012-like.xes.gz")
        try Data(packed).write(to: url)
        let plainURL = directory.appendingPathComponent("bpic2012-like.xes")
        try Data(document).write(to: plainURL)
        return Log(
            url: url, plainURL: plainURL, events: events, traces: traces, bytes: document.count,
            compressedBytes: packed.count)
    }

    /// The phases, in order, on `log`: the import of the uncompressed XES (parsing alone), of
    /// the gzipped one, the analysis and scorecard of the imported log, and the whole way from
    /// the gzipped file to the ranked scorecard (the figure the target is about).
    func run(on log: Log) throws -> [Phase] {
        let (plain, plainImport) = try measure("xes import, uncompressed", log: log) {
            try XESReader.read(contentsOf: log.plainURL)
        }
        try check(plain, log)
        let (imported, xesImport) = try measure("xes import, gzipped", log: log) {
            try XESReader.read(contentsOf: log.url)
        }
        try check(imported, log)
        // Rules that mark something, so every pass of the analysis has work to do.
        let rules = LogRules(
            exceptions: Markers(activities: ["A_CANCELLED", "O_CANCELLED", "O_SENT_BACK"]),
            rescue: Markers(resources: ["10000", "10037"]), responseWindow: 86_400, endActivities: Self.endings)
        let configuration = ScorecardConfiguration(rules: rules)
        let (_, scoring) = try measure("analysis and scorecard", log: log) {
            Scorecard(analysis: LogAnalysis(imported, rules: rules), configuration: configuration)
        }
        // The target's figure: from the gzipped file on disk to the ranked scorecard.
        let (scorecard, whole) = try measure("xes.gz import and full scorecard", log: log) {
            Scorecard(analysis: LogAnalysis(try XESReader.read(contentsOf: log.url), rules: rules), configuration: configuration)
        }
        guard !scorecard.handoffs.isEmpty else { throw BenchFailure("the scorecard ranked no hand-off") }
        return [plainImport, xesImport, scoring, whole]
    }

    private func check(_ imported: EventLog, _ log: Log) throws {
        guard imported.eventCount == log.events, imported.caseCount == log.traces else {
            throw BenchFailure(
                "read \(imported.eventCount) events in \(imported.caseCount) cases, expected \(log.events) in \(log.traces)")
        }
    }

    private func measure<T>(_ name: String, log: Log, _ body: () throws -> T) throws -> (T, Phase) {
        let cpuBegin = processCPUNanoseconds()
        let begin = monotonicNanoseconds()
        let value = try body()
        let seconds = Double(monotonicNanoseconds() - begin) / 1e9
        let cpu = Double(processCPUNanoseconds() - cpuBegin) / 1e9
        return (value, Phase(name: name, events: log.events, bytes: log.bytes, seconds: seconds, cpuSeconds: cpu))
    }

    // MARK: The generator

    private static let header = """
        <?xml version="1.0" encoding="UTF-8" ?>
        <!-- This file has been generated with the OpenXES library. It conforms -->
        <!-- to the XML serialization of the XES standard for log storage and -->
        <!-- management. -->
        <!-- XES standard version: 1.0 -->
        <!-- OpenXES library version: 1.0RC7 -->
        <!-- OpenXES is available from http://www.openxes.org/ -->
        <log xes.version="1.0" xes.features="nested-attributes" openxes.version="1.0RC7" xmlns="http://www.xes-standard.org/">
        \t<extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
        \t<extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
        \t<extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
        \t<extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
        \t<global scope="trace">
        \t\t<string key="concept:name" value="__INVALID__"/>
        \t</global>
        \t<global scope="event">
        \t\t<string key="lifecycle:transition" value="complete"/>
        \t\t<string key="concept:name" value="__INVALID__"/>
        \t</global>
        \t<classifier name="MXML Legacy Classifier" keys="concept:name lifecycle:transition"/>
        \t<classifier name="Event Name" keys="concept:name"/>
        \t<classifier name="Resource" keys="org:resource"/>
        \t<string key="concept:name" value="financial_log.xes"/>
        \t<string key="lifecycle:model" value="standard"/>

        """

    private static let applicationSteps = [
        "A_PREACCEPTED", "A_ACCEPTED", "A_FINALIZED", "O_SELECTED", "O_CREATED", "O_SENT", "O_SENT_BACK",
        "A_REGISTERED", "A_APPROVED", "A_ACTIVATED", "O_ACCEPTED", "O_CANCELLED",
    ]
    private static let workItems = [
        "W_Completeren aanvraag", "W_Nabellen offertes", "W_Valideren aanvraag", "W_Afhandelen leads",
        "W_Nabellen incomplete dossiers", "W_Beoordelen fraude",
    ]
    private static let endings = ["A_DECLINED", "A_CANCELLED", "A_APPROVED"]

    /// The XES document and its number of traces.
    func generate() -> (document: [UInt8], traces: Int) {
        var random = SeededGenerator(seed: seed)
        func below(_ bound: Int) -> Int { Int(random.next() % UInt64(bound)) }
        var out: [UInt8] = []
        out.reserveCapacity(events * 250 + 4096)
        out.append(contentsOf: Self.header.utf8)
        let resources = (0..<60).map { Array(String(10_000 + $0 * 37).utf8) }
        var written = 0
        var traces = 0
        var caseStart = 1_317_422_324.546  // 2011-10-01T00:38:44.546+02:00
        while written < events {
            traces += 1
            // 2 to 38 events, 20 on average, like BPIC 2012's traces.
            let length = min(events - written, 2 + below(37))
            caseStart += Double(below(1_200_000)) / 1000
            out.append(contentsOf: "\t<trace>\n\t\t<date key=\"REG_DATE\" value=\"".utf8)
            BenchTimestamp.append(caseStart, separator: 0x54, fractionDigits: 3, to: &out)
            out.append(contentsOf: "\"/>\n\t\t<string key=\"concept:name\" value=\"\(173_688 + traces * 3)\"/>\n".utf8)
            out.append(contentsOf: "\t\t<string key=\"AMOUNT_REQ\" value=\"\(1000 * (1 + below(50)))\"/>\n".utf8)
            var time = caseStart
            var emitted = 0
            func event(_ activity: String, _ lifecycle: String, resource: [UInt8]?) {
                guard emitted < length else { return }
                emitted += 1
                time += Double(below(30_000_000)) / 1000 * (below(8) == 0 ? 20 : 1)
                out.append(contentsOf: "\t\t<event>\n".utf8)
                if let resource {
                    out.append(contentsOf: "\t\t\t<string key=\"org:resource\" value=\"".utf8)
                    out.append(contentsOf: resource)
                    out.append(contentsOf: "\"/>\n".utf8)
                }
                out.append(contentsOf: "\t\t\t<string key=\"lifecycle:transition\" value=\"\(lifecycle)\"/>\n".utf8)
                out.append(contentsOf: "\t\t\t<string key=\"concept:name\" value=\"\(activity)\"/>\n".utf8)
                out.append(contentsOf: "\t\t\t<date key=\"time:timestamp\" value=\"".utf8)
                BenchTimestamp.append(time, separator: 0x54, fractionDigits: 3, to: &out)
                out.append(contentsOf: "\"/>\n\t\t</event>\n".utf8)
            }
            let automatic = Array("112".utf8)
            event("A_SUBMITTED", "COMPLETE", resource: automatic)
            event("A_PARTLYSUBMITTED", "COMPLETE", resource: automatic)
            while emitted < length - 1 {
                if below(3) == 0 {
                    event(Self.applicationSteps[below(Self.applicationSteps.count)], "COMPLETE", resource: resources[below(60)])
                } else {
                    // A work item: scheduled (often by the system, with no resource), then
                    // started and completed by one person, sometimes picked up again.
                    let item = Self.workItems[below(Self.workItems.count)]
                    event(item, "SCHEDULE", resource: below(4) == 0 ? nil : automatic)
                    let person = resources[below(60)]
                    for _ in 0..<(below(3) == 0 ? 2 : 1) {
                        event(item, "START", resource: person)
                        event(item, "COMPLETE", resource: person)
                    }
                }
            }
            event(Self.endings[below(Self.endings.count)], "COMPLETE", resource: resources[below(60)])
            written += emitted
            out.append(contentsOf: "\t</trace>\n".utf8)
        }
        out.append(contentsOf: "</log>\n".utf8)
        return (out, traces)
    }
}

/// CPU time of the whole process (every thread), in nanoseconds.
func processCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}
