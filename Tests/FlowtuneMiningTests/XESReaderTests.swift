import Foundation
import Testing

@testable import FlowtuneMining

/// The shared sample logs, beside the repository: `<repo>/../shared/data`.
private func sharedData(_ name: String) -> URL {
    URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // FlowtuneMiningTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the repository
        .appendingPathComponent("../shared/data/\(name)")
        .standardizedFileURL
}

private func activities(_ log: EventLog, case index: Int) -> [String] {
    log.instances(ofCase: index).map { log.activities[$0.activity] }
}

/// The error reading `text` throws, or nil when it reads.
private func failure(_ text: String, zone: TimeZoneRule = .utc) -> MiningError? {
    do {
        _ = try XESReader.read(bytes: Array(text.utf8), file: "bad.xes", zone: zone)
        return nil
    } catch {
        return error
    }
}

/// Two logs hold the same cases, instances, names and attributes.
private func same(_ a: EventLog, _ b: EventLog) -> Bool {
    a.caseIDs.names == b.caseIDs.names && a.caseOffsets == b.caseOffsets && a.instances.count == b.instances.count
        && zip(a.instances, b.instances).allSatisfy { x, y in
            a.activities[x.activity] == b.activities[y.activity] && a.resourceName(x) == b.resourceName(y)
                && x.end == y.end && (x.start == y.start || x.start.isNaN && y.start.isNaN) && x.status == y.status
        }
        && a.eventCount == b.eventCount && a.lifecycleCounts == b.lifecycleCounts
        && a.attributeKeys.names == b.attributeKeys.names
        && a.instances.indices.allSatisfy { i in
            a.attributeKeys.names.allSatisfy { a.attribute($0, ofInstance: i) == b.attribute($0, ofInstance: i) }
        }
        && (0..<a.caseCount).allSatisfy { c in
            a.attributeKeys.names.allSatisfy { a.attribute($0, ofCase: c) == b.attribute($0, ofCase: c) }
        }
}

@Suite("XES import")
struct XESReaderTests {
    @Test("running-example.xes: 6 cases, 42 events, activities, resources, times with offsets, attributes")
    func runningExample() throws {
        let log = try XESReader.read(contentsOf: sharedData("running-example.xes"))
        #expect(log.caseCount == 6)
        #expect(log.eventCount == 42)
        #expect(log.instances.count == 42)
        #expect(log.caseIDs.names == ["3", "2", "1", "6", "5", "4"])
        #expect(activities(log, case: 0) == [
            "register request", "examine casually", "check ticket", "decide", "reinitiate request",
            "examine thoroughly", "check ticket", "decide", "pay compensation",
        ])
        #expect(activities(log, case: 4).count == 13)
        #expect(log.instances(ofCase: 0).map { log.resourceName($0) ?? "-" } == [
            "Pete", "Mike", "Ellen", "Sara", "Sara", "Sean", "Pete", "Sara", "Ellen",
        ])
        // 2010-12-30T14:32:00.000+01:00 is 13:32 UTC.
        #expect(log.instances[0].end == 1_293_715_920)
        #expect(log.instances[0].start.isNaN)
        #expect(log.instances(ofCase: 0).last?.end == 1_295_084_700)
        #expect(log.lifecycleCounts == [.complete: 42])
        #expect(log.attribute("Costs", ofInstance: 0) == "50")
        #expect(log.attribute("Costs", ofInstance: 1) == "400")
        #expect(log.attribute("creator", ofCase: 0) == "Fluxicon Nitro")
        // The standard keys set fields and are not repeated as attributes.
        #expect(log.attributeKeys.index(of: "concept:name") == nil)
        #expect(log.attributeKeys.index(of: "time:timestamp") == nil)
    }

    @Test("roadtraffic100traces.xes: 100 traces, 390 events, typed attributes, events without a resource")
    func roadTraffic() throws {
        let log = try XESReader.read(contentsOf: sharedData("roadtraffic100traces.xes"))
        #expect(log.caseCount == 100)
        #expect(log.eventCount == 390)
        #expect(Array(log.caseIDs.names.prefix(3)) == ["N77802", "A17641", "S106046"])
        #expect(activities(log, case: 1) == ["Create Fine", "Payment"])
        let fine = log.range(ofCase: 1).lowerBound
        #expect(log.instances[fine].end == 1_184_364_000)  // 2007-07-14T00:00:00.000+02:00
        #expect(log.resourceName(log.instances[fine]) == "541")
        #expect(log.attribute("amount", ofInstance: fine) == "36.0")  // float
        #expect(log.attribute("article", ofInstance: fine) == "157")  // int
        #expect(log.attribute("dismissal", ofInstance: fine) == "NIL")
        #expect(log.attribute("paymentAmount", ofInstance: fine + 1) == "36.0")
        #expect(log.attribute("amount", ofInstance: fine + 1) == nil)
        #expect(log.resources.count == 54)
        #expect(log.instances.filter { $0.resource < 0 }.count == 290)
        #expect(log.instances.filter { log.activities[$0.activity] == "Create Fine" }.count == 100)
        #expect(log.lifecycleCounts == [.complete: 390])
        // Log-level attributes (the meta_ statistics, nested several deep) are not kept.
        #expect(log.attributeKeys.names.allSatisfy { !$0.hasPrefix("meta_") })
    }

    @Test("A gzipped copy, from a file or from memory, reads to the same log")
    func gzipped() throws {
        let url = sharedData("roadtraffic100traces.xes")
        let plain = try XESReader.read(contentsOf: url)
        let packed = Gzip.compress(try Data(contentsOf: url))
        #expect(Gzip.isGzip(packed))
        let fromMemory = try XESReader.read(bytes: packed, file: "roadtraffic.xes.gz")
        #expect(same(plain, fromMemory))
        // Named .xes: the magic number, not the name, says it is gzipped.
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-xes-\(UUID().uuidString).xes")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try Data(packed).write(to: temporary)
        let fromFile = try XESReader.read(contentsOf: temporary)
        #expect(same(plain, fromFile))
        #expect(fromFile.caseCount == 100 && fromFile.eventCount == 390)
    }

    @Test("Chunk boundaries anywhere: the log is the same read a byte, a few bytes or a block at a time",
          arguments: [1, 2, 3, 5, 7, 13, 64, 1000])
    func chunkBoundaries(chunkSize: Int) throws {
        let bytes = [UInt8](try Data(contentsOf: sharedData("running-example.xes")))
        let whole = try XESReader.read(bytes: bytes, file: "running-example.xes")
        let chunked = try XESReader.read(bytes: bytes, file: "running-example.xes", zone: .utc, chunkSize: chunkSize)
        #expect(same(whole, chunked))
        #expect(chunked.eventCount == 42)
    }

    @Test("XML the way exporters write it: declaration, comments, PIs, DOCTYPE, CDATA, references, quotes, namespaces")
    func xmlFeatures() throws {
        let text = """
            \u{FEFF}<?xml version="1.0" encoding="UTF-8" standalone="no"?>
            <!DOCTYPE log [ <!ENTITY unused "x > y"> ]>
            <!-- exported by a tool, with a comment before the root -->
            <?tool instruction with > inside?>
            <log xes.version="1.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
              <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
              <global scope="trace"><string key="concept:name" value="UNKNOWN"/></global>
              <global scope="event"><string key="lifecycle:transition" value="start"/></global>
              <classifier name="Activity" keys="concept:name lifecycle:transition"/>
              <string key="source" value="unit test"/>
              <trace>
                <string key='concept:name' value='case &amp; &#35;1'/>
                <event>
                  <date value="2011-10-01T00:38:44.546+02:00" key="time:timestamp"/>
                  <!-- a comment inside an event -->
                  <string   key = "concept:name"   value = "A &lt;check&gt; &quot;quoted&quot; &apos;single&apos;" />
                  <string key="note" value="line one&#10;line two &#x263A;"/>
                  <string key="org:resource" value="Ann"/>
                  <string key="org:group" value="Back office"/>
                  <![CDATA[ character data <event> is not markup ]]>
                </event>
                <event>
                  <string key="concept:name" value="A &lt;check&gt; &quot;quoted&quot; &apos;single&apos;"/>
                  <string key="lifecycle:transition" value="COMPLETE"/>
                  <string key="org:resource" value=""/>
                  <date key="time:timestamp" value="2011-10-01T01:00:00Z"/>
                </event>
              </trace>
            </log>
            <!-- trailing comment -->

            """
        let log = try XESReader.read(bytes: Array(text.utf8), file: "features.xes")
        #expect(log.caseIDs.names == ["case & #1"])
        #expect(log.eventCount == 2)
        #expect(log.instances.count == 1)  // the start (from the global default) and the complete pair
        let instance = log.instances[0]
        #expect(log.activities[instance.activity] == "A <check> \"quoted\" 'single'")
        #expect(instance.start == 1_317_422_324.546)
        #expect(instance.end == 1_317_430_800)
        #expect(log.resourceName(instance) == "Ann")  // an empty resource on the complete changes nothing
        #expect(log.groupName(instance) == "Back office")
        #expect(log.lifecycleCounts == [.start: 1, .complete: 1])
        // Character references keep their line end; written tabs and line ends become spaces.
        #expect(log.attribute("note", ofInstance: 0) == "line one\nline two \u{263A}")
        #expect(log.attributeKeys.index(of: "source") == nil)
    }

    @Test("Values of every length, with a reference, a tab, a space or the other quote at every position, read back exactly")
    func valuesAtEveryPosition() throws {
        // (as written, as read): the scanner reads values eight bytes at a time, so each of
        // these must be found wherever it falls in a word.
        let specials: [(written: String, read: String)] = [
            ("&amp;", "&"), ("&#x263A;", "\u{263A}"), ("\t", " "), (" ", " "), ("'", "'"), ("!", "!"), ("é", "é"),
        ]
        var text = "<log><trace>\n"
        var expected: [String] = []
        for length in 0...24 {
            for position in 0...length {
                for special in specials {
                    let before = String(repeating: "a", count: position)
                    let after = String(repeating: "b", count: length - position)
                    text += "<event><string key=\"concept:name\" value=\"A\"/>"
                    text += "<date key=\"time:timestamp\" value=\"2021-06-01T12:00:00Z\"/>"
                    text += "<string key=\"v\" value=\"\(before)\(special.written)\(after)\"/></event>\n"
                    expected.append(before + special.read + after)
                }
            }
        }
        text += "<event><string key='concept:name' value='say \"hi\"'/><date key='time:timestamp' value='2021-06-01T12:00:00Z'/></event>\n"
        text += "</trace></log>\n"
        for chunkSize in [5, 1 << 20] {
            let log = try XESReader.read(bytes: Array(text.utf8), file: "values.xes", zone: .utc, chunkSize: chunkSize)
            #expect(log.eventCount == expected.count + 1)
            let read = (0..<expected.count).map { log.attribute("v", ofInstance: $0) }
            #expect(read == expected.map { Optional($0) })
            #expect(log.activities[log.instances[expected.count].activity] == "say \"hi\"")
        }
    }

    @Test("Nested, list and container attributes flatten to parent/child keys; repeats are numbered, not lost")
    func nestedAttributes() throws {
        let text = """
            <log>
              <trace>
                <event>
                  <string key="concept:name" value="Approve"/>
                  <date key="time:timestamp" value="2020-03-01T10:00:00+00:00"/>
                  <float key="amount" value="12.5">
                    <string key="currency" value="EUR">
                      <string key="symbol" value="€"/>
                    </string>
                  </float>
                  <container key="address">
                    <string key="city" value="Eindhoven"/>
                    <int key="zip" value="5612"/>
                  </container>
                  <list key="approvers">
                    <values>
                      <string key="name" value="Ann"/>
                      <string key="name" value="Bob"/>
                    </values>
                  </list>
                  <boolean key="urgent" value="true"/>
                  <id key="ref" value="b2c4e1a0-0000-4000-8000-000000000001"/>
                  <date key="due" value="2020-03-02T10:00:00+00:00"/>
                </event>
                <int key="priority" value="2">
                  <string key="reason" value="VIP"/>
                </int>
              </trace>
            </log>
            """
        let log = try XESReader.read(bytes: Array(text.utf8), file: "nested.xes")
        #expect(log.caseIDs.names == ["trace-1"])
        #expect(log.attribute("amount", ofInstance: 0) == "12.5")
        #expect(log.attribute("amount/currency", ofInstance: 0) == "EUR")
        #expect(log.attribute("amount/currency/symbol", ofInstance: 0) == "€")
        #expect(log.attribute("address/city", ofInstance: 0) == "Eindhoven")
        #expect(log.attribute("address/zip", ofInstance: 0) == "5612")
        #expect(log.attribute("approvers/name", ofInstance: 0) == "Ann")
        #expect(log.attribute("approvers/name#2", ofInstance: 0) == "Bob")
        #expect(log.attribute("urgent", ofInstance: 0) == "true")
        #expect(log.attribute("ref", ofInstance: 0) == "b2c4e1a0-0000-4000-8000-000000000001")
        #expect(log.attribute("due", ofInstance: 0) == "2020-03-02T10:00:00+00:00")
        #expect(log.attribute("priority", ofCase: 0) == "2")
        #expect(log.attribute("priority/reason", ofCase: 0) == "VIP")
        #expect(log.attributeKeys.index(of: "address") == nil)
    }

    @Test("Traces without a name are numbered; a name after the events still names the case; a repeated name is a case of its own; a zone for bare times")
    func caseNamesAndZones() throws {
        let text = """
            <log>
              <trace><event><string key="concept:name" value="A"/><date key="time:timestamp" value="2021-06-01T12:00:00"/></event></trace>
              <trace>
                <event><string key="concept:name" value="A"/><date key="time:timestamp" value="2021-06-01T12:00:00"/></event>
                <string key="concept:name" value="late-name"/>
              </trace>
              <trace/>
              <trace><event><string key="concept:name" value="B"/><date key="time:timestamp" value="2021-01-01 12:00"/></event></trace>
              <trace><string key="concept:name" value="late-name"/><event><string key="concept:name" value="C"/><date key="time:timestamp" value="2021-01-01 12:00"/></event></trace>
              <trace><string key="concept:name" value="late-name"/></trace>
            </log>
            """
        let amsterdam = try TimeZoneRule(named: "Europe/Amsterdam")
        let log = try XESReader.read(bytes: Array(text.utf8), file: "names.xes", zone: amsterdam)
        // A repeated id makes a case of its own rather than joining the first trace's events.
        #expect(log.caseIDs.names == ["trace-1", "late-name", "trace-3", "trace-4", "late-name#2", "late-name#3"])
        #expect(activities(log, case: 1) == ["A"])
        #expect(activities(log, case: 4) == ["C"])
        #expect(log.instances(ofCase: 2).isEmpty)
        // Summer time in Amsterdam is UTC+2, winter time UTC+1.
        #expect(log.instances[0].end == Timestamp.parse("2021-06-01T10:00:00Z"))
        #expect(log.instances(ofCase: 3).first?.end == Timestamp.parse("2021-01-01T11:00:00Z"))
    }

    @Test("Malformed XES names the line, the column where cheap, and the field at fault")
    func malformed() throws {
        let event = #"<event><string key="concept:name" value="A"/><date key="time:timestamp" value="2021-06-01T12:00:00Z"/></event>"#

        let mismatched = failure("<log>\n<trace>\n\(event)\n</event>\n</log>")
        #expect(mismatched?.line == 4)
        #expect(mismatched?.field == "</event>")
        #expect(mismatched?.message.contains("<trace>, opened at line 2") == true)

        let unclosed = failure("<log>\n<trace>\n\(event)\n")
        #expect(unclosed?.line == 4)
        #expect(unclosed?.field == "<trace>")
        #expect(unclosed?.message.contains("opened at line 2") == true)

        let badTime = failure("<log><trace>\n<event>\n<string key=\"concept:name\" value=\"A\"/>\n   <date key=\"time:timestamp\" value=\"01/06/2021\"/></event></trace></log>")
        #expect(badTime?.line == 4)
        #expect(badTime?.column == 4)
        #expect(badTime?.field == "time:timestamp")
        #expect(badTime?.message.contains("'01/06/2021'") == true)

        let noTime = failure("<log><trace>\n\n<event>\n<string key=\"concept:name\" value=\"A\"/>\n</event></trace></log>")
        #expect(noTime?.line == 3)
        #expect(noTime?.field == "time:timestamp")

        let noName = failure("<log><trace>\n<event><date key=\"time:timestamp\" value=\"2021-06-01T12:00:00Z\"/></event></trace></log>")
        #expect(noName?.line == 2)
        #expect(noName?.field == "concept:name")

        let emptyEvent = failure("<log><trace>\n<event/></trace></log>")
        #expect(emptyEvent?.line == 2)

        let unterminated = failure("<log><trace>\n<event>\n<string key=\"concept:name\" value=\"A/>\n<date key=\"time:timestamp\" value=\"2021-06-01T12:00:00Z\"/></event></trace></log>")
        #expect(unterminated?.line == 4)
        #expect(unterminated?.field == "<string> attribute 'value'")

        let unquoted = failure("<log>\n<trace><string key=concept:name value=\"x\"/></trace></log>")
        #expect(unquoted?.line == 2)
        #expect(unquoted?.field == "<string> attribute 'key'")

        let entity = failure("<log>\n<trace>\n<string key=\"concept:name\" value=\"a &nbsp; b\"/></trace></log>")
        #expect(entity?.line == 3)
        #expect(entity?.message.contains("&nbsp;") == true)

        let noKey = failure("<log>\n<trace>\n<string value=\"x\"/></trace></log>")
        #expect(noKey?.line == 3 && noKey?.field == "<string>")

        let noValue = failure("<log>\n<trace>\n<string key=\"x\"/></trace></log>")
        #expect(noValue?.line == 3 && noValue?.message.contains("no value") == true)

        let unknown = failure("<log>\n<trace>\n<event>\n<strin key=\"x\" value=\"y\"/></event></trace></log>")
        #expect(unknown?.line == 4 && unknown?.field == "<strin>")

        let looseEvent = failure("<log>\n\(event)\n</log>")
        #expect(looseEvent?.line == 2 && looseEvent?.message.contains("belongs in a <trace>") == true)

        let notXES = failure("<?xml version=\"1.0\"?>\n<html><body/></html>")
        #expect(notXES?.line == 2 && notXES?.message.contains("not an XES event log") == true)

        let garbage = failure("PK\u{3}\u{4} binary junk")
        #expect(garbage?.line == 1 && garbage?.message.contains("does not begin with XML markup") == true)

        let afterRoot = failure("<log></log>\n<log></log>")
        #expect(afterRoot?.line == 2 && afterRoot?.message.contains("second root") == true)

        let textAfter = failure("<log></log>\n\nstray text")
        #expect(textAfter?.line == 3)

        let cut = failure("<log>\n<trace>\n<event>\n<string key=\"concept:name\" val")
        #expect(cut?.line == 4 && cut?.message.contains("ends inside a tag") == true)

        let cutComment = failure("<log>\n<!-- unfinished comment\n\n")
        #expect(cutComment?.line == 2)

        let empty = failure("")
        #expect(empty?.line == 1 && empty?.message.contains("empty") == true)

        do {
            _ = try XESReader.read(bytes: [0xFF, 0xFE, 0x3C, 0x00], file: "wide.xes")
            Issue.record("UTF-16 read")
        } catch {
            #expect(error.message.contains("UTF-16"))
        }

        let missing = try #require(failure(""))
        #expect(missing.file == "bad.xes")
        do {
            _ = try XESReader.read(contentsOf: URL(fileURLWithPath: "/nonexistent/flowtune/log.xes"))
            Issue.record("a missing file read")
        } catch {
            #expect(error.file == "/nonexistent/flowtune/log.xes")
            #expect(error.message.contains("cannot open"))
        }
    }

    @Test("Lines are right deep into a file, past many refills of a small buffer")
    func linesAcrossRefills() throws {
        var text = "<log>\n"
        for index in 0..<500 {
            text += "  <trace>\n    <string key=\"concept:name\" value=\"c\(index)\"/>\n"
            text += "    <event>\n      <string key=\"concept:name\" value=\"A\"/>\n"
            text += "      <date key=\"time:timestamp\" value=\"2021-06-01T12:00:00Z\"/>\n    </event>\n  </trace>\n"
        }
        // 1 + 500 × 7 lines, then this trace opens on line 3502 and its event, which has no
        // time, on line 3504; 50 lines of padding push that line out of a small buffer.
        text += "  <trace>\n    <string key=\"concept:name\" value=\"broken\"/>\n    <event>\n"
        text += String(repeating: "      <string key=\"note\" value=\"padding to push the event's start out of the buffer\"/>\n", count: 50)
        text += "      <string key=\"concept:name\" value=\"A\"/>\n    </event>\n  </trace>\n</log>\n"
        for chunkSize in [64, 333, 1 << 20] {
            do {
                _ = try XESReader.read(bytes: Array(text.utf8), file: "long.xes", zone: .utc, chunkSize: chunkSize)
                Issue.record("read a log with an event without a time")
            } catch {
                #expect(error.line == 3504, "chunk size \(chunkSize)")
                #expect(error.field == "time:timestamp")
            }
        }
    }
}
