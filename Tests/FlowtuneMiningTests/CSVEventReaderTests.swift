import Foundation
import FlowtuneCore
import Testing

@testable import FlowtuneMining

/// receipt.csv, beside the repository in ../shared/data (CI clones shared/ next to the repo).
private let receiptURL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("../shared/data/receipt.csv").standardizedFileURL

private func read(_ text: String, mapping: ColumnMapping? = nil, chunkSize: Int = 1 << 20) throws(MiningError) -> EventLog {
    try CSVEventReader.read(bytes: Array(text.utf8), file: "test.csv", mapping: mapping, chunkSize: chunkSize)
}

/// The error reading `text` gives; a failure when it reads.
private func failure(_ text: String, mapping: ColumnMapping? = nil, chunkSize: Int = 1 << 20) -> MiningError? {
    do {
        let log = try read(text, mapping: mapping, chunkSize: chunkSize)
        Issue.record("expected an error, read \(log.eventCount) events")
        return nil
    } catch {
        return error
    }
}


/// Every field of a log that an import decides, for comparing two imports.
private func summary(_ log: EventLog) -> [String] {
    var lines: [String] = []
    for c in 0..<log.caseCount {
        var line = log.caseIDs[Int32(c)] + ":"
        for key in log.caseAttributes.keys.sorted() {
            line += " \(log.attributeKeys[key])=\(log.attribute(log.attributeKeys[key], ofCase: c) ?? "-")"
        }
        lines.append(line)
        for index in log.range(ofCase: c) {
            let instance = log.instances[index]
            var text = "  \(log.activities[instance.activity]) \(log.resourceName(instance) ?? "-") \(log.groupName(instance) ?? "-") \(instance.start) \(instance.end) \(instance.status)"
            for key in log.instanceAttributes.keys.sorted() {
                text += " \(log.attributeKeys[key])=\(log.attribute(log.attributeKeys[key], ofInstance: index) ?? "-")"
            }
            lines.append(text)
        }
    }
    return lines
}

@Suite("CSV event reader")
struct CSVEventReaderTests {
    // Expected values below were read with python3's csv module and datetime.fromisoformat.

    @Test("receipt.csv imports with the inferred mapping: every event, case, name and offset")
    func receipt() throws {
        let log = try CSVEventReader.read(contentsOf: receiptURL, mapping: nil)
        #expect(log.eventCount == 8577)
        #expect(log.caseCount == 1434)
        #expect(log.lifecycleCounts == [.complete: 8577])
        #expect(log.instances.count == 8577)
        #expect(log.activities.count == 27)
        #expect(log.resources.count == 48)
        #expect(log.groups.count == 10)

        let c = try #require(log.caseIDs.index(of: "case-10017"))
        let instances = Array(log.instances(ofCase: Int(c)))
        #expect(instances.map { log.activities[$0.activity] } == [
            "Confirmation of receipt", "T06 Determine necessity of stop advice", "T02 Check confirmation of receipt",
            "T03 Adjust confirmation of receipt", "T02 Check confirmation of receipt",
            "T10 Determine necessity to stop indication", "T03 Adjust confirmation of receipt",
            "T02 Check confirmation of receipt", "T03 Adjust confirmation of receipt",
        ])
        #expect(instances.map { log.resourceName($0) } == Array(repeating: "Resource30", count: 8) + ["admin2"])
        #expect(instances.map { log.groupName($0) } == [
            "EMPTY", "Group 1", "Group 4", "Group 1", "Group 4", "Group 1", "Group 1", "Group 4", "Group 1",
        ])
        // 2011-10-18 13:46:39.679000+02:00
        #expect(abs(instances[0].end - 1_318_938_399.679) < 1e-6)
        #expect(instances[0].start.isNaN)
        #expect(instances.allSatisfy { $0.status == .completed })

        // A winter timestamp in the same file: 2011-11-24 15:36:51.302000+01:00.
        let other = try #require(log.caseIDs.index(of: "case-10011"))
        let third = log.instances(ofCase: Int(other)).dropFirst(2).first!
        #expect(log.activities[third.activity] == "T03 Adjust confirmation of receipt")
        #expect(abs(third.end - 1_322_145_411.302) < 1e-6)

        // The other columns are left out unless asked for.
        #expect(log.attributeKeys.count == 0)
    }

    @Test("Asked to, the inferred mapping keeps the other columns: case:-prefixed on the case, the rest on instances")
    func receiptAttributes() throws {
        let (columns, delimiter) = try CSVEventReader.header(contentsOf: receiptURL)
        #expect(columns.count == 15 && columns[0] == "case:channel" && delimiter == .comma)
        let mapping = try ColumnMapping.inferred(fromHeader: columns, keepingOtherColumns: true)
        let log = try CSVEventReader.read(contentsOf: receiptURL, mapping: mapping)
        #expect(log.eventCount == 8577)
        #expect(log.attributeKeys.count == 9)
        let c = Int(try #require(log.caseIDs.index(of: "case-10017")))
        let other = Int(try #require(log.caseIDs.index(of: "case-10011")))
        #expect(log.attribute("case:channel", ofCase: c) == "Internet")
        #expect(log.attribute("case:responsible", ofCase: c) == "Resource04")
        #expect(log.attribute("case:enddate", ofCase: c) == "2011-10-18 13:56:55.943000+02:00")
        #expect(log.attribute("case:enddate", ofCase: other) == nil)  // an empty cell
        #expect(log.attribute("concept:instance", ofInstance: log.range(ofCase: c).lowerBound) == "task-43021")
        #expect(log.attribute("lifecycle:transition", ofInstance: 0) == nil)  // mapped, so not an attribute

        // The same through a hand-written mapping's keep_other_columns.
        var kept = ColumnMapping(
            caseID: "case:concept:name", activity: "concept:name", completeTimestamp: "time:timestamp",
            caseAttributes: ["case:channel"], keepOtherColumns: true)
        kept.resource = "org:resource"
        let same = try CSVEventReader.read(contentsOf: receiptURL, mapping: kept)
        #expect(same.attributeKeys.count == 11)  // lifecycle:transition and org:group are unmapped here
        #expect(same.attribute("org:group", ofInstance: same.range(ofCase: c).lowerBound) == "EMPTY")
        #expect(same.attribute("case:department", ofCase: c) == "General")
    }

    @Test("A header wider than the scanner's first guess, and a row one cell too wide")
    func wideHeader() throws {
        let names = ["case", "activity", "timestamp"] + (1...197).map { "extra\($0)" }
        let row = ["c1", "A", "2024-01-01"] + (1...197).map { "v\($0)" }
        var mapping = try ColumnMapping.inferred(fromHeader: names, keepingOtherColumns: true)
        mapping.attributes = ["extra197"]
        mapping.caseAttributes = []
        mapping.keepOtherColumns = false
        let text = names.joined(separator: ",") + "\n" + row.joined(separator: ",") + "\n"
        let log = try read(text, mapping: mapping, chunkSize: 100)
        #expect(log.attribute("extra197", ofInstance: 0) == "v197")
        let error = failure(text + row.joined(separator: ",") + ",one more\n", mapping: mapping)
        #expect(error?.line == 3 && error?.column == 201)
    }

    @Test("Null markers leave a resource or group unset")
    func nullMarkers() throws {
        var mapping = try ColumnMapping.inferred(fromHeader: [
            "case:channel", "case:concept:name", "case:deadline", "case:department", "case:enddate",
            "case:enddate_planned", "case:group", "case:responsible", "case:startdate", "concept:instance",
            "concept:name", "lifecycle:transition", "org:group", "org:resource", "time:timestamp",
        ])
        mapping.nullMarkers = ["", "EMPTY"]
        let log = try CSVEventReader.read(contentsOf: receiptURL, mapping: mapping)
        let c = try #require(log.caseIDs.index(of: "case-10017"))
        let first = log.instances(ofCase: Int(c)).first!
        #expect(first.group == -1)
        #expect(log.groups.index(of: "EMPTY") == nil)
        #expect(log.groups.count == 9)
    }

    @Test("Chunk boundaries anywhere give the same log", arguments: [1, 2, 3, 7, 64, 271, 4093])
    func chunkBoundaries(chunkSize: Int) throws {
        let bytes = Array(try Data(contentsOf: receiptURL).prefix(60_000))
        // Cut at a line end so both reads see whole rows.
        let cut = bytes.lastIndex(of: 0x0A)! + 1
        let text = Array(bytes[..<cut])
        let whole = try CSVEventReader.read(bytes: text, file: "receipt.csv", mapping: nil)
        let chunked = try CSVEventReader.read(bytes: text, file: "receipt.csv", mapping: nil, chunkSize: chunkSize)
        #expect(whole.eventCount > 200)
        #expect(summary(chunked) == summary(whole))
    }

    @Test("Quoted cells: doubled quotes, delimiters and line breaks inside, CRLF, a byte order mark", arguments: [1, 5, 1 << 20])
    func quoting(chunkSize: Int) throws {
        let text = "\u{FEFF}case,activity,timestamp,note\r\n"
            + "c1,\"Check \"\"urgent\"\" mail\",2024-01-01T10:00:00Z,\"a, b\"\r\n"
            + "c1,Reply,2024-01-01T11:00:00Z,\"two\r\nlines\"\r\n"
            + "\r\n"
            + "\"c2\",\"\",2024-01-02T10:00:00Z,x\r\n"
        let mapping = try ColumnMapping.inferred(fromHeader: ["case", "activity", "timestamp", "note"], keepingOtherColumns: true)
        let error = failure(text, mapping: mapping, chunkSize: chunkSize)
        // The empty activity is on line 6: the quoted line break and the blank line count.
        #expect(error?.line == 6)
        #expect(error?.column == 2)
        #expect(error?.field == "activity")
        #expect(error?.message.contains("row 3") == true)

        let log = try read(
            text.replacingOccurrences(of: "\"\",2024-01-02", with: "Close,2024-01-02"), mapping: mapping, chunkSize: chunkSize)
        #expect(log.caseCount == 2)
        #expect(log.instances.map { log.activities[$0.activity] } == ["Check \"urgent\" mail", "Reply", "Close"])
        #expect(log.attribute("note", ofInstance: 0) == "a, b")
        #expect(log.attribute("note", ofInstance: 1) == "two\r\nlines")
        // The byte order mark is not part of the first column's name: the header infers as case.
        #expect(try read(text.replacingOccurrences(of: "\"\",2024-01-02", with: "Close,2024-01-02")).caseCount == 2)
    }

    @Test("A semicolon or tab delimiter is found from the header when the mapping is inferred")
    func delimiterGuess() throws {
        let semicolons = try read("case;activity;timestamp;amount\nc1;\"A,1\";2024-01-01 10:00;1,5\n")
        #expect(semicolons.eventCount == 1)
        #expect(semicolons.activities[0] == "A,1")
        let tabs = try read("case\tactivity\ttimestamp\nc1\tA\t2024-01-01 10:00\n")
        #expect(tabs.activities[0] == "A")
        #expect(tabs.instances[0].end == 1_704_103_200)
    }

    @Test("A lifecycle column pairs start and complete rows; an empty complete cell leaves the work open")
    func lifecycleAndStart() throws {
        let paired = try read("""
            case,activity,lifecycle,timestamp,resource
            c1,Review,start,2024-01-01T10:00:00Z,ann
            c1,Review,complete,2024-01-01T10:30:00Z,bob
            c1,Pay,complete,2024-01-01T11:00:00Z,

            """)
        #expect(paired.eventCount == 3)
        #expect(paired.instances.count == 2)
        #expect(paired.instances[0].start == 1_704_103_200 && paired.instances[0].end == 1_704_105_000)
        #expect(paired.resourceName(paired.instances[0]) == "bob")
        #expect(paired.instances[0].reassignments == 1)
        #expect(paired.instances[1].resource == -1)

        let mapping = ColumnMapping(caseID: "case", activity: "activity", completeTimestamp: "end", startTimestamp: "start")
        let open = try read("""
            case,activity,start,end
            c1,A,2024-01-01T10:00:00Z,2024-01-01T10:05:00Z
            c1,B,2024-01-01T10:10:00Z,

            """, mapping: mapping)
        #expect(open.instances.map(\.status) == [.completed, .open])
        #expect(open.instances[0].duration == 300)
        #expect(open.instances[1].start == 1_704_103_800)
    }

    @Test("A start column alone makes instances that begin and end at that time")
    func startOnly() throws {
        let log = try read("case,activity,start\nc1,A,2024-01-01T10:00:00Z\n",
            mapping: ColumnMapping(caseID: "case", activity: "activity", startTimestamp: "start"))
        #expect(log.instances[0].status == .completed)
        #expect(log.instances[0].start == 1_704_103_200 && log.instances[0].end == 1_704_103_200)
    }

    @Test("A mapping file with a start column, a local time zone and a day-first layout")
    func mappingWithZone() throws {
        let mapping = try ColumnMapping.load(yaml: """
            case: Ticket
            activity: Step
            start_timestamp: Opened
            timestamp: Closed
            resource: Agent
            group: Team
            attributes: [Channel]
            case_attributes: [Customer]
            time_zone: Europe/Amsterdam
            timestamp_format: dd/MM/yyyy HH:mm[:ss]
            null_markers: ["", UNKNOWN]
            delimiter: ";"
            """, file: "mapping.yaml")
        let log = try read("""
            Ticket;Step;Opened;Closed;Agent;Team;Channel;Customer;Ignored
            T1;Triage;28/03/2025 09:15;28/03/2025 17:40:30;ann;front;mail;ACME;x
            T1;Fix;31/03/2025 08:00;31/03/2025 12:05:09;UNKNOWN;back;UNKNOWN;Other;y
            T2;Triage;27/10/2025 10:00;27/10/2025 10:00;bob;front;phone;;z

            """, mapping: mapping)
        // Values from python3: datetime.strptime(...).replace(tzinfo=ZoneInfo("Europe/Amsterdam")).timestamp()
        let t1 = Array(log.instances(ofCase: 0))
        #expect(t1[0].start == 1_743_149_700)  // before the change to summer time: +01:00
        #expect(t1[0].end == 1_743_180_030)
        #expect(t1[1].start == 1_743_400_800)  // after it: +02:00
        #expect(t1[1].end == 1_743_415_509)
        #expect(log.instances(ofCase: 1).first!.start == 1_761_555_600)  // back on +01:00
        #expect(log.resourceName(t1[0]) == "ann" && t1[1].resource == -1)
        #expect(log.groupName(t1[1]) == "back")
        #expect(log.attribute("Channel", ofInstance: 0) == "mail")
        #expect(log.attribute("Channel", ofInstance: 1) == nil)
        #expect(log.attribute("Customer", ofCase: 0) == "ACME")  // from the case's first row
        #expect(log.attribute("Customer", ofCase: 1) == nil)
        #expect(log.attributeKeys.index(of: "Ignored") == nil)
    }

    @Test("Epoch seconds and milliseconds")
    func epochs() throws {
        var mapping = ColumnMapping(caseID: "case", activity: "activity", completeTimestamp: "t", timestampFormat: .epochSeconds)
        let seconds = try read("case,activity,t\nc,A,1318333540.276\nc,B,1318333600\n", mapping: mapping)
        #expect(abs(seconds.instances[0].end - 1_318_333_540.276) < 1e-6)
        #expect(seconds.instances[1].end == 1_318_333_600)
        mapping.timestampFormat = .epochMilliseconds
        let millis = try read("case,activity,t\nc,A,1318333540276\n", mapping: mapping)
        #expect(abs(millis.instances[0].end - 1_318_333_540.276) < 1e-6)
        let error = failure("case,activity,t\nc,A,13183e3\n", mapping: mapping)
        #expect(error?.line == 2 && error?.column == 3)
        #expect(error?.message.contains("milliseconds since 1970") == true)
    }

    @Test("Timestamps without an offset are read in the mapping's zone; those with one keep it")
    func offsets() throws {
        var mapping = ColumnMapping(caseID: "case", activity: "activity", completeTimestamp: "t")
        mapping.timeZone = try TimeZoneRule(named: "America/New_York")
        let log = try read("case,activity,t\nc,A,2024-07-01 12:00\nc,B,2024-07-01T16:00:00Z\nc,C,2024-07-01 18:00+02:00\n", mapping: mapping)
        #expect(log.instances.map(\.end) == [1_719_849_600, 1_719_849_600, 1_719_849_600])
    }

    // MARK: - Errors

    @Test("A row with too few or too many cells names its line and the first missing column")
    func raggedRows() {
        let short = failure("case,activity,timestamp\nc1,A,2024-01-01\nc1,B\n")
        #expect(short?.file == "test.csv")
        #expect(short?.line == 3)
        #expect(short?.column == 3)
        #expect(short?.field == "timestamp")
        #expect(short?.message.contains("row 2 has 2 cells; the header has 3") == true)
        let long = failure("case,activity,timestamp\nc1,A,2024-01-01,extra\n")
        #expect(long?.line == 2 && long?.column == 4 && long?.field == nil)
    }

    @Test("A quote never closed is reported where it opens", arguments: [3, 1 << 20])
    func unterminatedQuote(chunkSize: Int) {
        let error = failure("case,activity,timestamp\nc1,A,2024-01-01\nc1,\"B\n,2024-01-02\nc1,C,2024-01-03\n", chunkSize: chunkSize)
        #expect(error?.line == 3)
        #expect(error?.column == 2)
        #expect(error?.field == "activity")
        #expect(error?.message.contains("never closed") == true)
    }

    @Test("Text after a closing quote is an error at its cell")
    func textAfterQuote() {
        let error = failure("case,activity,timestamp\nc1,\"A\"x,2024-01-01\n")
        #expect(error?.line == 2 && error?.column == 2 && error?.field == "activity")
    }

    @Test("An unreadable timestamp shows the cell and the expected format")
    func badTimestamp() {
        let error = failure("case,activity,timestamp\nc1,A,2024-01-01 10:00\nc1,B,01/02/2024 10:00\n")
        #expect(error?.line == 3)
        #expect(error?.column == 3)
        #expect(error?.field == "timestamp")
        #expect(error?.message.contains("\"01/02/2024 10:00\"") == true)
        #expect(error?.message.contains("ISO 8601") == true)
        #expect(error?.message.contains("timestamp_format") == true)
        #expect(error?.description.hasPrefix("test.csv:3:3: timestamp: row 2:") == true)

        let empty = failure("case,activity,timestamp\nc1,A,\n")
        #expect(empty?.line == 2 && empty?.column == 3 && empty?.message.contains("timestamp is empty") == true)
    }

    @Test("An empty case id is an error; so is one that is a null marker")
    func emptyCase() {
        let error = failure("activity,case,timestamp\nA,,2024-01-01\n")
        #expect(error?.line == 2 && error?.column == 2 && error?.field == "case")
        var mapping = ColumnMapping(caseID: "case", activity: "activity", completeTimestamp: "timestamp")
        mapping.nullMarkers = ["", "NULL"]
        let marker = failure("activity,case,timestamp\nA,c1,2024-01-01\nA,NULL,2024-01-01\n", mapping: mapping)
        #expect(marker?.line == 3 && marker?.field == "case" && marker?.message.contains("case id is empty") == true)
    }

    @Test("A mapped column missing from the header is named, with the header's columns")
    func missingColumn() {
        let mapping = ColumnMapping(caseID: "ticket", activity: "activity", completeTimestamp: "timestamp")
        let error = failure("case,activity,timestamp\nc1,A,2024-01-01\n", mapping: mapping)
        #expect(error?.line == 1)
        #expect(error?.field == "ticket")
        #expect(error?.message.contains("'case', 'activity', 'timestamp'") == true)
        let none = failure("case,activity\nc1,A\n", mapping: ColumnMapping(caseID: "case", activity: "activity"))
        #expect(none?.message.contains("no timestamp column") == true)
    }

    @Test("A header the mapping cannot be inferred from says what is missing")
    func uninferable() {
        let error = failure("id,what,when\n1,A,2024-01-01\n")
        #expect(error?.line == 1)
        #expect(error?.message.contains("a case id") == true)
        #expect(error?.message.contains("'id', 'what', 'when'") == true)
    }

    @Test("An empty file is an error; a header alone is an empty log")
    func emptyInput() throws {
        #expect(failure("")?.message.contains("empty") == true)
        #expect(failure("\u{FEFF}")?.message.contains("empty") == true)
        #expect(failure("\n\ncase,activity,timestamp\n")?.line == 1)
        let log = try read("case,activity,timestamp\n")
        #expect(log.eventCount == 0 && log.caseCount == 0)
    }

    @Test("A missing file is an error naming it")
    func missingFile() {
        #expect(throws: MiningError.self) {
            try CSVEventReader.read(contentsOf: URL(fileURLWithPath: "/nonexistent/flowtune.csv"), mapping: nil)
        }
    }

    @Test("Truncated and mutated receipt.csv reads or fails with a MiningError inside the file, never crashes")
    func mutations() throws {
        let original = Array(try Data(contentsOf: receiptURL).prefix(40_000))
        var random = SeededGenerator(seed: 7)
        var outcomes = (read: 0, failed: 0)
        func check(_ bytes: [UInt8], chunkSize: Int) {
            // Every line end the scanner may count: LF, and CR (a lone CR ends a line too).
            let lineCount = bytes.count { $0 == 0x0A || $0 == 0x0D } + 1
            do {
                let log = try CSVEventReader.read(bytes: bytes, file: "receipt.csv", mapping: nil, chunkSize: chunkSize)
                #expect(log.eventCount <= lineCount)
                outcomes.read += 1
            } catch {
                #expect(error.file == "receipt.csv")
                #expect((1...lineCount).contains(error.line ?? 1))
                #expect((error.column ?? 1) >= 1)
                #expect(!error.message.isEmpty)
                outcomes.failed += 1
            }
        }
        // Truncations at 300 points, some inside quoted or multi-byte text.
        for index in 0..<300 {
            let cut = index * original.count / 300 + index % 7
            check(Array(original.prefix(cut)), chunkSize: 1 + index % 97)
        }
        // Mutations: bytes replaced by the characters CSV and timestamps care about, or by noise.
        let specials: [UInt8] = [0x22, 0x2C, 0x0A, 0x0D, 0x3B, 0x00, 0xFF, 0xEF, 0x3A, 0x2D, 0x2B, 0x20, 0x5A]
        for index in 0..<600 {
            var bytes = original
            for _ in 0...(index % 4) {
                let position = Int.random(in: 0..<bytes.count, using: &random)
                bytes[position] = index % 3 == 0 ? UInt8.random(in: 0...255, using: &random) : specials.randomElement(using: &random)!
            }
            if index % 5 == 0 { bytes.insert(0x22, at: Int.random(in: 0..<bytes.count, using: &random)) }
            check(bytes, chunkSize: index % 2 == 0 ? 1 << 20 : 1 + index % 331)
        }
        #expect(outcomes.read > 0 && outcomes.failed > 0)
    }
}
