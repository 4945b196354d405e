import FlowtunePlanning
import Foundation
import Testing

@testable import FlowtuneCLI

@Suite("flowtune forecast, staff and schedule")
struct PlanningCommandTests {
    static let example = RunCommandTests.path("examples/day-plan")
    static let arrivals = "\(example)/arrivals.csv"
    static let templates = "\(example)/templates.yaml"
    static let promise = ["--target", "80% in 20s", "--max-occupancy", "0.85", "--shrinkage", "0.3"]

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-planning-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// The rows of a CSV file, keyed by header name.
    static func rows(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        let header = try #require(lines.first).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
        }
    }

    @Test("forecast of the example: 96 intervals of Monday 2 March with ordered bounds and handling time, a busy day and a closed night")
    func forecastExample() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("forecast.csv").path
        let html = directory.appendingPathComponent("forecast.html").path
        try await ForecastCommand.parse([Self.arrivals, "--csv", csv, "--html", html]).run()

        let rows = try Self.rows(csv)
        #expect(rows.count == 96)
        #expect(rows.first?["start"] == "2026-03-02T00:00:00+01:00")
        #expect(rows.last?["start"] == "2026-03-02T23:45:00+01:00")
        var total = 0.0
        for row in rows {
            let value = try #require(Double(row["forecast"] ?? ""))
            let (l80, u80) = (try #require(Double(row["lower_80"] ?? "")), try #require(Double(row["upper_80"] ?? "")))
            let (l95, u95) = (try #require(Double(row["lower_95"] ?? "")), try #require(Double(row["upper_95"] ?? "")))
            #expect(value >= 0 && l95 <= l80 && l80 <= u80 && u80 <= u95, "\(row)")
            let handling = try #require(Double(row["handling_seconds"] ?? ""))
            #expect(handling > 200 && handling < 400, "the example's calls last about 5 minutes")
            total += value
        }
        // The generator's Mondays bring 1,000 calls on average (a day-level factor with sd 16%).
        #expect(total > 750 && total < 1250, "\(total)")
        let night = try #require(Double(rows[12]["forecast"] ?? ""))   // 03:00
        let morning = try #require(Double(rows[41]["forecast"] ?? "")) // 10:15, the morning peak
        #expect(night < 0.1 && morning > 25)

        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<svg") && page.contains("data-series=\"actual\"") && page.contains("holt-winters"))
    }

    @Test("staff: every interval has at least the agents Erlang C needs at the forecast, and no more")
    func staffExample() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("staff.csv").path
        try await StaffCommand.parse([Self.arrivals, "--csv", csv] + Self.promise).run()
        let rows = try Self.rows(csv)
        #expect(rows.count == 96)
        var open = 0
        for row in rows {
            let calls = try #require(Double(row["calls"] ?? ""))
            let handling = try #require(Double(row["handling_seconds"] ?? ""))
            let agents = try #require(Int(row["agents"] ?? ""))
            let scheduled = try #require(Int(row["scheduled"] ?? ""))
            guard calls > 0 else {
                #expect(agents == 0 && scheduled == 0)
                continue
            }
            open += 1
            func meets(_ count: Int) -> Bool {
                let queue = ErlangCQueue(agents: count, arrivalRate: calls / 900, meanHandlingTime: handling)
                return queue.isStable && queue.serviceLevel(within: 20) >= 0.8 && queue.occupancy <= 0.85
            }
            #expect(meets(agents), "interval \(row["start"]!): \(agents) agents for \(calls) calls")
            #expect(!meets(agents - 1), "interval \(row["start"]!): one agent fewer would do")
            #expect(scheduled == Int((Double(agents) / 0.7 - 1e-9).rounded(.up)))
        }
        #expect(open >= 56 && open <= 62, "open 07:00–22:00: \(open) intervals with calls")
    }

    @Test("schedule: coverage at least the requirement in every interval, proven optimal, from a history or a forecast file alike")
    func scheduleExample() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let forecast = directory.appendingPathComponent("forecast.csv").path
        let staff = directory.appendingPathComponent("staff.csv").path
        let coverage = directory.appendingPathComponent("coverage.csv").path
        let html = directory.appendingPathComponent("schedule.html").path
        try await ForecastCommand.parse([Self.arrivals, "--csv", forecast]).run()
        try await StaffCommand.parse(["--forecast", forecast, "--csv", staff] + Self.promise).run()
        try await ScheduleCommand.parse(
            ["--forecast", forecast, "--templates", Self.templates, "--csv", coverage, "--html", html] + Self.promise).run()

        let required = try Self.rows(staff).map { try #require(Int($0["scheduled"] ?? "")) }
        let rows = try Self.rows(coverage)
        #expect(rows.count == 96)
        #expect(rows.map { Int($0["required"] ?? "") } == required, "the requirement is staff's scheduled column")
        let templateNames = ["full-0700-a", "part-1800", "late-1330-b"]
        for row in rows {
            let need = try #require(Int(row["required"] ?? ""))
            let have = try #require(Int(row["scheduled"] ?? ""))
            #expect(have >= need, "\(row["start"]!): \(have) scheduled for \(need) required")
            #expect(Int(row["surplus"] ?? "") == have - need)
            let perTemplate = row.filter { !["start", "required", "scheduled", "surplus"].contains($0.key) }
            #expect(perTemplate.values.compactMap { Int($0) }.reduce(0, +) == have)
        }
        #expect(templateNames.allSatisfy { rows[0][$0] != nil })
        #expect(required.max()! > 15, "the morning peak needs a full floor")

        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("data-series=\"required\"") && page.contains("data-series=\"scheduled\"") && page.contains("proven optimal"))
    }

    @Test("a bad timestamp, queue or handling time names the file, line and column")
    func badArrivals() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.csv").path
        let input = try PlanningInput.parse([])
        func problem(_ text: String) throws -> String {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let error = #expect(throws: PlanningInputError.self) { try input.readCSV(file) }
            return error?.description ?? ""
        }
        let header = "timestamp,queue,handling_seconds\n2026-03-02T09:00:00+01:00,support,300\n"
        #expect(try problem(header + "2026-03-02 nine,support,300\n").hasPrefix("\(file):3:1: timestamp: \"2026-03-02 nine\""))
        #expect(try problem(header + "2026-03-02T09:01:00+01:00,support,fast\n").hasPrefix("\(file):3:35: handling_seconds: \"fast\""))
        #expect(try problem(header + "2026-03-02T09:01:00+01:00,,300\n").hasPrefix("\(file):3:27: queue: empty"))
        #expect(try problem("time,queue\n2026-03-02T09:01:00Z,support\n").contains(":1:1: no column timestamp"))

        // Named columns are read instead.
        try "when;x\n".write(toFile: file, atomically: true, encoding: .utf8)
        try "at,desk\n2026-03-02T09:01:00Z,support\n2026-03-02T10:01:00Z,sales\n".write(toFile: file, atomically: true, encoding: .utf8)
        let renamed = try PlanningInput.parse(["--timestamp-column", "at", "--queue-column", "desk"])
        let (arrivals, offset) = try renamed.readCSV(file)
        #expect(arrivals.map(\.queue) == ["support", "sales"] && offset == 0 && arrivals.allSatisfy { $0.handling == nil })
    }

    @Test("a bad templates file names the line of the field; a forecast file with a bad row names its line")
    func badTemplates() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("templates.yaml").path
        func problem(_ text: String) throws -> String {
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let error = #expect(throws: PlanningInputError.self) {
                try ShiftTemplateFile.load(file, interval: 900, days: 1, firstWeekday: 0)
            }
            return error?.description ?? ""
        }
        #expect(try problem("templates:\n  - name: early\n    start: \"07:10\"\n    length: 8h\n")
            .hasPrefix("\(file):3:12: template early: start: 07:10 is not on the 15-minute interval grid"))
        #expect(try problem("templates:\n  - name: early\n    start: \"07:00\"\n    length: long\n")
            .hasPrefix("\(file):4:13: template early: length: \"long\" is not a duration"))
        #expect(try problem("templates:\n  - name: early\n    start: \"07:00\"\n    length: 8h\n    colour: red\n")
            .hasPrefix("\(file):5:5: templates[0]: unknown field colour"))
        #expect(try problem("templates:\n  - {name: a, start: \"07:00\", length: 4h, breaks: [{after: 4h, length: 30m}]}\n")
            .contains(":2:52: template a: the break must lie inside"))
        let weekdays = try {
            try "templates:\n  - {name: a, start: \"07:00\", length: 4h, days: [mon, wed]}\n".write(toFile: file, atomically: true, encoding: .utf8)
            return try ShiftTemplateFile.load(file, interval: 900, days: 7, firstWeekday: 6)   // a week from Sunday
        }()
        #expect(weekdays.first?.days == [1, 3] && weekdays.first?.start == 28 && weekdays.first?.length == 16)

        let forecast = directory.appendingPathComponent("forecast.csv").path
        try "queue,start,forecast\nsupport,2026-03-02T07:00:00+01:00,3\nsupport,2026-03-02T07:15:00+01:00,-1\n"
            .write(toFile: forecast, atomically: true, encoding: .utf8)
        let error = #expect(throws: PlanningInputError.self) { try PlannedArrivals(forecastCSV: forecast, queue: nil) }
        #expect(error?.description.hasPrefix("\(forecast):3:35: forecast: \"-1\"") == true)
    }

    @Test("durations and targets as written on the command line")
    func parsing() {
        #expect(parseDuration("15m") == 900 && parseDuration("1h") == 3600 && parseDuration("8h30m") == 30_600)
        #expect(parseDuration("20s") == 20 && parseDuration("90") == 90 && parseDuration("soon") == nil && parseDuration("5x") == nil)
        #expect(parseTarget("80% in 20s")! == (0.8, 20) && parseTarget("90/15")! == (0.9, 15) && parseTarget("fast") == nil)
    }
}
