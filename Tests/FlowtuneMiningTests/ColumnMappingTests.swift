import Foundation
import Testing

@testable import FlowtuneMining

/// The error loading `yaml` gives; a failure when it loads.
private func loadFailure(_ yaml: String) -> MiningError? {
    do {
        let mapping = try ColumnMapping.load(yaml: yaml, file: "mapping.yaml")
        Issue.record("expected an error, loaded \(mapping)")
        return nil
    } catch {
        return error
    }
}

@Suite("Column mapping")
struct ColumnMappingTests {
    static let receiptHeader = [
        "case:channel", "case:concept:name", "case:deadline", "case:department", "case:enddate", "case:enddate_planned",
        "case:group", "case:responsible", "case:startdate", "concept:instance", "concept:name", "lifecycle:transition",
        "org:group", "org:resource", "time:timestamp",
    ]

    @Test("XES / pm4py column names are recognised; case:group stays a case attribute")
    func inferXESNames() throws {
        let mapping = try ColumnMapping.inferred(fromHeader: Self.receiptHeader, keepingOtherColumns: true)
        #expect(mapping.caseID == "case:concept:name")
        #expect(mapping.activity == "concept:name")
        #expect(mapping.completeTimestamp == "time:timestamp")
        #expect(mapping.startTimestamp == nil)
        #expect(mapping.lifecycle == "lifecycle:transition")
        #expect(mapping.resource == "org:resource")
        #expect(mapping.group == "org:group")
        #expect(mapping.attributes == ["concept:instance"])
        #expect(mapping.caseAttributes == [
            "case:channel", "case:deadline", "case:department", "case:enddate", "case:enddate_planned", "case:group",
            "case:responsible", "case:startdate",
        ])
        #expect(mapping.timestampFormat == .iso8601 && mapping.timeZone == .utc && mapping.nullMarkers == [""])
        #expect(try ColumnMapping.inferred(fromHeader: Self.receiptHeader).attributes.isEmpty)
        #expect(try ColumnMapping.inferred(fromHeader: Self.receiptHeader).caseAttributes.isEmpty)
    }

    @Test("Plain names are recognised whatever their case, spaces or underscores")
    func inferPlainNames() throws {
        let mapping = try ColumnMapping.inferred(
            fromHeader: ["Case ID", "Activity", "Start", "End", "User", "Team", "Amount", "start_timestamp"],
            keepingOtherColumns: true)
        #expect(mapping.caseID == "Case ID")
        #expect(mapping.activity == "Activity")
        #expect(mapping.completeTimestamp == "End")
        #expect(mapping.startTimestamp == "start_timestamp")  // pm4py's name comes before a plain "start"
        #expect(mapping.resource == "User")
        #expect(mapping.group == "Team")
        #expect(mapping.attributes == ["Start", "Amount"])
        let pm4py = try ColumnMapping.inferred(fromHeader: ["case_id", "activity", "timestamp", "agent", "group"])
        #expect(pm4py.caseID == "case_id" && pm4py.completeTimestamp == "timestamp" && pm4py.resource == "agent")
        #expect(try ColumnMapping.inferred(fromHeader: ["caseid", "activity", "start"]).startTimestamp == "start")
    }

    @Test("A header without a case, an activity or a timestamp says which")
    func inferMissing() {
        #expect(throws: MiningError.self) { try ColumnMapping.inferred(fromHeader: ["case", "activity"]) }
        do {
            _ = try ColumnMapping.inferred(fromHeader: ["ticket", "activity", "timestamp"], file: "x.csv")
        } catch {
            #expect(error.file == "x.csv" && error.line == 1)
            #expect(error.message.contains("a case id"))
            #expect(!error.message.contains("an activity"))
            #expect(error.message.contains("'ticket', 'activity', 'timestamp'"))
        }
    }

    @Test("A mapping file with every key")
    func loadAll() throws {
        let mapping = try ColumnMapping.load(yaml: """
            case: ticket
            activity: status
            timestamp: closed_at
            start_timestamp: opened_at
            lifecycle: transition
            resource: agent
            group: team
            attributes: [channel, amount]
            case_attributes:
              - customer
            keep_other_columns: true
            time_zone: Europe/Amsterdam
            timestamp_format: MM/dd/yyyy hh:mm a
            null_markers: ["", EMPTY, UNKNOWN]
            delimiter: tab
            """, file: "mapping.yaml")
        #expect(mapping == ColumnMapping(
            caseID: "ticket", activity: "status", completeTimestamp: "closed_at", startTimestamp: "opened_at",
            lifecycle: "transition", resource: "agent", group: "team", attributes: ["channel", "amount"],
            caseAttributes: ["customer"], keepOtherColumns: true, timeZone: try TimeZoneRule(named: "Europe/Amsterdam"),
            timestampFormat: .pattern(try TimestampPattern("MM/dd/yyyy hh:mm a")), nullMarkers: ["", "EMPTY", "UNKNOWN"],
            delimiter: .tab))
        #expect(mapping.columns == ["ticket", "status", "closed_at", "opened_at", "transition", "agent", "team", "channel", "amount", "customer"])

        let minimal = try ColumnMapping.load(yaml: "case: c\nactivity: a\nstart_timestamp: s\nresource: ~\ntimestamp_format: epoch-ms\n", file: "m.yaml")
        #expect(minimal.completeTimestamp == nil && minimal.startTimestamp == "s" && minimal.resource == nil)
        #expect(minimal.timestampFormat == .epochMilliseconds && minimal.delimiter == .comma)
    }

    @Test("An unknown key is named at its line, with the key it was likely meant to be")
    func unknownKey() {
        let error = loadFailure("case: c\nactivity: a\ntimestmap: t\n")
        #expect(error?.file == "mapping.yaml")
        #expect(error?.line == 3 && error?.column == 1)
        #expect(error?.field == "timestmap")
        #expect(error?.message.contains("did you mean timestamp?") == true)
        let far = loadFailure("case: c\nactivity: a\ntimestamp: t\ncolour: red\n")
        #expect(far?.line == 4 && far?.message.contains("expected one of: case, activity") == true)
    }

    @Test("A value of the wrong type is named by its path and line")
    func wrongTypes() {
        let scalarList = loadFailure("case: c\nactivity: a\ntimestamp: t\nattributes: amount\n")
        #expect(scalarList?.line == 4 && scalarList?.field == "attributes")
        #expect(scalarList?.message.contains("expected a list") == true)
        let nested = loadFailure("case: c\nactivity: a\ntimestamp: t\ncase_attributes:\n  - x\n  - {y: 1}\n")
        #expect(nested?.line == 6 && nested?.field == "case_attributes[1]")
        let mappingForText = loadFailure("case: {column: c}\nactivity: a\ntimestamp: t\n")
        #expect(mappingForText?.line == 1 && mappingForText?.field == "case" && mappingForText?.message.contains("found a mapping") == true)
        let flag = loadFailure("case: c\nactivity: a\ntimestamp: t\nkeep_other_columns: sometimes\n")
        #expect(flag?.line == 4 && flag?.field == "keep_other_columns")
        #expect(loadFailure("- case\n- activity\n")?.message.contains("expected a mapping") == true)
    }

    @Test("Missing required keys, and values that do not parse")
    func badValues() {
        #expect(loadFailure("activity: a\ntimestamp: t\n")?.field == "case")
        let noTime = loadFailure("case: c\nactivity: a\n")
        #expect(noTime?.field == "timestamp" && noTime?.message.contains("start_timestamp") == true)
        let zone = loadFailure("case: c\nactivity: a\ntimestamp: t\ntime_zone: Mars/Olympus\n")
        #expect(zone?.line == 4 && zone?.field == "time_zone" && zone?.message.contains("Mars/Olympus") == true)
        let format = loadFailure("case: c\nactivity: a\ntimestamp: t\n\ntimestamp_format: dd/MMM/yyyy\n")
        #expect(format?.line == 5 && format?.field == "timestamp_format" && format?.message.contains("month") == true)
        let delimiter = loadFailure("case: c\nactivity: a\ntimestamp: t\ndelimiter: ':'\n")
        #expect(delimiter?.line == 4 && delimiter?.field == "delimiter")
        let yaml = loadFailure("case: c\nactivity: [a\n")
        #expect(yaml?.line != nil && yaml?.message.hasPrefix("invalid YAML") == true)
    }

    @Test("A mapping file on disk")
    func loadFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-mapping-\(UUID().uuidString).yaml")
        try "case: c\nactivity: a\ntimestamp: t\ndelimiter: \"|\"\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try ColumnMapping.load(contentsOf: url).delimiter == .pipe)
        #expect(throws: MiningError.self) { try ColumnMapping.load(contentsOf: url.appendingPathExtension("missing")) }
    }

    // MARK: - Timestamp patterns

    @Test("Day-first and month-first layouts with optional seconds", arguments: [
        ("dd/MM/yyyy HH:mm[:ss]", "11/10/2011 13:45", 1_318_340_700.0),
        ("dd/MM/yyyy HH:mm[:ss]", "11/10/2011 13:45:40", 1_318_340_740.0),
        ("MM/dd/yyyy HH:mm[:ss]", "10/11/2011 13:45:40", 1_318_340_740.0),
        ("d/M/yyyy H:mm", "1/2/2020 9:05", 1_580_547_900.0),
        ("MM/dd/yyyy hh:mm[:ss] a", "10/11/2011 1:45 PM", 1_318_340_700.0),
        ("MM/dd/yyyy hh:mm[:ss] a", "10/11/2011 12:05:00 am", 1_318_291_500.0),
        ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2011-10-11T13:45:40.276+02:00", 1_318_333_540.276),
        ("yyyyMMdd HHmmss", "20111011 134540", 1_318_340_740.0),
        ("dd.MM.yyyy", "11.10.2011", 1_318_291_200.0),
    ])
    func patterns(pattern: String, text: String, expected: Double) throws {
        let compiled = try TimestampPattern(pattern)
        let parsed = try #require(compiled.parse(text))
        let utc = parsed.local - Double(parsed.offset ?? 0)
        #expect(abs(utc - expected) < 1e-6)
    }

    @Test("Text that does not fit the layout, or an impossible date, does not parse", arguments: [
        "32/10/2011 13:45", "11/13/2011 13:45", "29/02/2023 10:00", "11/10/2011 24:00", "11/10/2011 13:45:", "11/10/11 13:45",
        "11/10/2011 13:45 extra", "", "11-10-2011 13:45",
    ])
    func patternMismatches(text: String) throws {
        #expect(try TimestampPattern("dd/MM/yyyy HH:mm[:ss]").parse(text) == nil)
    }

    @Test("Patterns that cannot be used say why")
    func badPatterns() throws {
        for (pattern, words) in [
            ("dd/MM/yy", "yyyy"), ("dd/MMM/yyyy", "month"), ("dd/MM/yyyy [HH:mm", "never closed"),
            ("dd/MM/yyyy HH:mm]", "closes no"), ("dd/MM/yyyy HH:mm Q", "unknown letter"), ("HH:mm", "needs a year"),
            ("dd/MM/yyyy hh:mm", "AM/PM"), ("dd/MM/yyyy 'T", "never closed"),
        ] {
            do {
                _ = try TimestampPattern(pattern)
                Issue.record("\(pattern) compiled")
            } catch {
                #expect(error.message.contains(words), "\(pattern): \(error.message)")
                #expect(error.description.contains(pattern))
            }
        }
        #expect(try ColumnMapping.TimestampFormat(parsing: "ISO8601") == .iso8601)
        #expect(try ColumnMapping.TimestampFormat(parsing: "epoch") == .epochSeconds)
    }

    @Test("Delimiters by character or name")
    func delimiters() {
        #expect(ColumnMapping.Delimiter(name: ";") == .semicolon)
        #expect(ColumnMapping.Delimiter(name: "\t") == .tab)
        #expect(ColumnMapping.Delimiter(name: "\\t") == .tab)
        #expect(ColumnMapping.Delimiter(name: "pipe") == .pipe)
        #expect(ColumnMapping.Delimiter(name: ":") == nil)
    }
}
