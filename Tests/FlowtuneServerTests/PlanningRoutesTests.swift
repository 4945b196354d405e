import FlowtuneCore
import FlowtunePlanning
import FlowtuneServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/v1/forecasts`, `/v1/staffing` and `/v1/schedules` through Hummingbird's test client: plans
/// from an uploaded CSV and from the workspace's log, held against the pure computations, every
/// bad input answered by a problem naming its field, and the three formats.
@Suite("Planning routes")
struct PlanningRoutesTests {
    /// Arrivals per hour of a weekday in the generated history; weekends get half.
    static let weekdayProfile = [0, 0, 0, 0, 0, 0, 0, 2, 6, 10, 12, 12, 9, 11, 12, 10, 8, 6, 4, 2, 1, 0, 0, 0]

    /// The arrivals in hour `hour` of day `day` (day 0 is Monday 2 March 2026).
    static func expected(day: Int, hour: Int) -> Int {
        day % 7 >= 5 ? weekdayProfile[hour] / 2 : weekdayProfile[hour]
    }

    /// `days` days of arrivals from Monday 2 March 2026 at +01:00, spread evenly inside each
    /// hour, with handling times of 200–320 s.
    static func history(days: Int, queue: String = "support") -> String {
        var csv = "timestamp,queue,handling_seconds\n"
        for day in 0..<days {
            let (year, month, date) = CivilDate.civil(fromDays: CivilDate.daysFromCivil(year: 2026, month: 3, day: 2) + day)
            for hour in 0..<24 {
                let count = expected(day: day, hour: hour)
                for k in 0..<count {
                    let minute = 60 * k / count
                    csv += String(format: "%04d-%02d-%02dT%02d:%02d:00+01:00,%@,%d\n", year, month, date, hour, minute, queue, 200 + 20 * (k % 7))
                }
            }
        }
        return csv
    }

    static let fourWeeks = history(days: 28)

    /// The JSON body of a planning request: the history and `parameters`.
    static func body(_ csv: String, _ parameters: [String: JSONValue] = [:]) throws -> String {
        var members = parameters
        members["csv"] = .string(csv)
        return String(decoding: try JSONEncoder().encode(JSONValue.object(members)), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try decoder.decode(type, from: Data(response.body.readableBytesView))
    }

    @Test("a forecast from an uploaded CSV recovers its daily and weekly profile")
    func seasonalSignal() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let response = try await client.send(
                .post, "/v1/forecasts", key: ServerFixture.viewerKey,
                json: try Self.body(Self.fourWeeks, ["interval": 60, "horizon_days": 2]))
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            #expect(response.headers[.contentType] == "application/json")
            let report = try Self.decode(ForecastReport.self, response)
            let queue = try #require(report.queues.first)
            #expect(report.queues.count == 1 && queue.name == "support" && report.utcOffset == 3600)
            #expect(queue.arrivals == Self.fourWeeks.split(separator: "\n").count - 1)
            // Yesterday's profile would put Saturday's halved day on Sunday and Sunday's on Monday:
            // only a method with the weekly cycle recovers both days ahead.
            #expect(queue.forecast.method != .sameIntervalYesterday)
            #expect(queue.forecast.points.count == 48)
            for (index, point) in queue.forecast.points.enumerated() {
                let want = Double(Self.expected(day: 28 + index / 24, hour: index % 24))
                #expect(abs(point.value - want) < 0.5, "hour \(index): \(point.value) against \(want)")
            }
            let first = try #require(queue.forecast.points.first)
            #expect(first.start == Double(CivilDate.daysFromCivil(year: 2026, month: 3, day: 30) * 86_400))
            // The handling times were uploaded too: 200 + 20 × (k mod 7), a mean near 260 s.
            let handling = try #require(queue.handlingTime)
            #expect(handling.points.allSatisfy { $0.seconds > 200 && $0.seconds < 320 })
        }
    }

    @Test("staffing equals Erlang C per interval at the forecast calls, and the shrinkage by hand")
    func staffingMatchesPureComputation() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let parameters: [String: JSONValue] = [
            "interval": 60, "target": "80% in 20s", "max_occupancy": 0.85, "shrinkage": 0.3, "handling_time": "5m",
        ]
        try await fixture.server.application().test(.router) { client in
            let forecastResponse = try await client.send(
                .post, "/v1/forecasts", key: ServerFixture.viewerKey, json: try Self.body(Self.fourWeeks, parameters))
            let forecast = try Self.decode(ForecastReport.self, forecastResponse)
            let staffingResponse = try await client.send(
                .post, "/v1/staffing", key: ServerFixture.viewerKey, json: try Self.body(Self.fourWeeks, parameters))
            #expect(staffingResponse.status == .ok, "\(String(buffer: staffingResponse.body))")
            let staffing = try Self.decode(StaffingReport.self, staffingResponse)
            let plan = try #require(staffing.queues.first?.plan)
            let points = try #require(forecast.queues.first?.forecast.points)
            #expect(plan.intervals.count == points.count && plan.intervals.count == 24)
            let target = StaffingTarget(serviceLevel: 0.8, answerTime: 20, maxOccupancy: 0.85)
            var busy = 0
            for (interval, point) in zip(plan.intervals, points) {
                let calls = point.value < 0.1 ? 0 : point.value
                #expect(interval.calls == calls && interval.meanHandlingTime == 300)
                let needed = try Staffing.agentsRequired(arrivalRate: calls / 3600, meanHandlingTime: 300, target: target)
                #expect(interval.agents == needed.agents, "at \(interval.start)")
                #expect(interval.scheduled == Int((Double(needed.agents) / 0.7 - 1e-9).rounded(.up)))
                if calls > 0 { busy += 1 }
            }
            #expect(busy >= 12)
            #expect(plan.target == target && plan.shrinkage == 0.3)
        }
    }

    @Test("a schedule covers the staff to schedule in every interval, proven optimal")
    func scheduleCovers() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let templates: JSONValue = [
            ["name": "early", "start": "06:00", "length": "8h", "breaks": [["after": "4h", "length": "1h"]]],
            ["name": "middle", "start": "10:00", "length": "8h"],
            ["name": "late", "start": "13:00", "length": "9h", "cost": 1.2],
            ["name": "short", "start": "09:00", "length": "4h", "cost": 0.6],
        ]
        let parameters: [String: JSONValue] = [
            "interval": 60, "target": "80% in 20s", "shrinkage": 0.25, "handling_time": 300, "templates": templates,
            "time_limit": "20s",
        ]
        try await fixture.server.application().test(.router) { client in
            let response = try await client.send(
                .post, "/v1/schedules", key: ServerFixture.operatorKey, json: try Self.body(Self.fourWeeks, parameters))
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let report = try Self.decode(ScheduleReport.self, response)
            #expect(report.templates.map(\.name) == ["early", "middle", "late", "short"])
            #expect(report.templates[0].start == 6 && report.templates[0].breaks == [.init(offset: 4, length: 1)])
            #expect(report.required.count == 24 && report.required.reduce(0, +) > 0)
            #expect(report.schedule.isOptimal && report.timeLimit == 20)
            // Coverage counted by hand from the templates and the workers on each.
            var coverage = [Int](repeating: 0, count: 24)
            for (template, workers) in zip(report.templates, report.schedule.workers) {
                for offset in 0..<template.length where !template.breaks.contains(where: { offset >= $0.offset && offset < $0.offset + $0.length }) {
                    coverage[(template.start + offset) % 24] += workers
                }
            }
            for hour in 0..<24 {
                #expect(coverage[hour] >= report.required[hour], "hour \(hour): \(coverage[hour]) < \(report.required[hour])")
            }
            #expect(coverage == report.schedule.staffing)

            // The requirement is the staffing route's staff to schedule for the same inputs.
            var staffingParameters = parameters
            staffingParameters["templates"] = nil
            staffingParameters["time_limit"] = nil
            let staffing = try Self.decode(StaffingReport.self, try await client.send(
                .post, "/v1/staffing", key: ServerFixture.operatorKey, json: try Self.body(Self.fourWeeks, staffingParameters)))
            #expect(staffing.queues.first?.plan.scheduledStaff == report.required)
        }
    }

    @Test("CSV and HTML by format or Accept; the HTML report carries its SVG chart")
    func formats() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let body = try Self.body(Self.fourWeeks, ["interval": 60, "handling_time": "5m"])
            let csv = try await client.send(.post, "/v1/staffing?format=csv", key: ServerFixture.viewerKey, json: body)
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = String(buffer: csv.body).split(separator: "\n")
            #expect(lines.first?.hasPrefix("queue,start,") == true && lines.count == 25)
            let html = try await client.send(
                .post, "/v1/forecasts", key: ServerFixture.viewerKey, json: body, headers: [.accept: "text/html, application/json;q=0.5"])
            #expect(html.status == .ok && html.headers[.contentType] == "text/html; charset=utf-8")
            let page = String(buffer: html.body)
            #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("<svg") && page.contains("support"))
            let json = try await client.send(.post, "/v1/forecasts", key: ServerFixture.viewerKey, json: body, headers: [.accept: "*/*"])
            #expect(json.headers[.contentType] == "application/json")
            let unknown = try await client.send(.post, "/v1/forecasts?format=xlsx", key: ServerFixture.viewerKey, json: body)
            let unknownField = try unknown.json["field"]?.stringValue
            #expect(unknown.status == .badRequest && unknownField == "format")

            // A CSV body with the parameters in the query string reads the same history.
            let uploaded = try await client.send(
                .post, "/v1/forecasts?interval=60&format=csv", key: ServerFixture.viewerKey, text: Self.fourWeeks, contentType: "text/csv")
            let viaJSON = try await client.send(.post, "/v1/forecasts?format=csv", key: ServerFixture.viewerKey, json: body)
            #expect(uploaded.status == .ok && String(buffer: uploaded.body) == String(buffer: viaJSON.body))
        }
    }

    /// The problem a request gets: status, `field`, and the first entry of `errors`.
    struct Refusal {
        var status: HTTPResponse.Status
        var field: String?
        var detail: String
        var entry: JSONValue?
    }

    static func refusal(_ client: some TestClientProtocol, _ path: String, key: String = ServerFixture.operatorKey,
                        _ body: String) async throws -> Refusal {
        let response = try await client.send(.post, path, key: key, json: body)
        #expect(response.headers[.contentType] == "application/problem+json", "\(path): \(String(buffer: response.body))")
        let json = try response.json
        if case .array(let entries) = json["errors"] {
            return Refusal(status: response.status, field: json["field"]?.stringValue, detail: json["detail"]?.stringValue ?? "", entry: entries.first)
        }
        return Refusal(status: response.status, field: json["field"]?.stringValue, detail: json["detail"]?.stringValue ?? "")
    }

    @Test("bad input is a problem naming its field: a CSV row by line and column, an unknown queue, an interval, a short history, templates")
    func badInput() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let header = "timestamp,queue,handling_seconds\n2026-03-02T09:00:00+01:00,support,300\n"
            let badStamp = try await Self.refusal(client, "/v1/forecasts", try Self.body(header + "2026-03-02 nine,support,300\n"))
            #expect(badStamp.status == .unprocessableContent && badStamp.field == "csv")
            #expect(badStamp.entry?["field"]?.stringValue == "timestamp" && badStamp.entry?["line"]?.numberValue == 3)
            #expect(badStamp.entry?["column"]?.numberValue == 1 && badStamp.detail.contains("2026-03-02 nine"))

            let badHandling = try await Self.refusal(client, "/v1/staffing", try Self.body(header + "2026-03-02T09:01:00+01:00,support,fast\n"))
            #expect(badHandling.field == "csv" && badHandling.entry?["field"]?.stringValue == "handling_seconds")
            #expect(badHandling.entry?["line"]?.numberValue == 3 && badHandling.entry?["column"]?.numberValue == 35)

            let noColumn = try await Self.refusal(client, "/v1/forecasts", try Self.body("time,queue\n2026-03-02T09:01:00Z,support\n"))
            #expect(noColumn.field == "csv" && noColumn.entry?["field"]?.stringValue == "timestamp" && noColumn.entry?["line"]?.numberValue == 1)
            #expect(noColumn.detail.contains("timestamp_column"))

            let unknownQueue = try await Self.refusal(client, "/v1/forecasts", try Self.body(Self.fourWeeks, ["queue": "billing"]))
            #expect(unknownQueue.status == .unprocessableContent && unknownQueue.field == "queue")
            #expect(unknownQueue.detail.contains("billing") && unknownQueue.detail.contains("support"))

            for interval: JSONValue in [20, "45m", "soon", -15] {
                let refused = try await Self.refusal(client, "/v1/forecasts", try Self.body(Self.fourWeeks, ["interval": interval]))
                #expect(refused.status == .unprocessableContent && refused.field == "interval", "\(interval)")
            }

            let short = try await Self.refusal(client, "/v1/forecasts", try Self.body(Self.history(days: 5)))
            #expect(short.status == .unprocessableContent && short.field == "csv" && short.detail.contains("5 whole days"))

            let parameters: [(JSONValue, String)] = [
                (["shrinkage": 1.2], "shrinkage"), (["target": "fast"], "target"), (["max_occupancy": 1.5], "max_occupancy"),
                (["method": "crystal-ball"], "method"), (["horizon_days": 0], "horizon_days"), (["colour": "red"], "colour"),
                (["zone": "Mars/Olympus"], "zone"), (["max_abandonment": 0.05], "max_abandonment"), (["time_limit": "2h"], "time_limit"),
                (["horizon_days": "two"], "horizon_days"),
            ]
            for (members, field) in parameters {
                let refused = try await Self.refusal(client, "/v1/staffing", try Self.body(Self.fourWeeks, members.objectValue ?? [:]))
                #expect(refused.status == .unprocessableContent && refused.field == field, "\(members): \(refused.field ?? "none")")
            }

            let noHandling = try await Self.refusal(client, "/v1/staffing", try Self.body("timestamp,queue\n" + Self.fourWeeks
                .split(separator: "\n").dropFirst().map { $0.split(separator: ",").prefix(2).joined(separator: ",") }.joined(separator: "\n"),
                ["interval": 60]))
            #expect(noHandling.field == "handling_time" && noHandling.detail.contains("handling_time"))

            let schedule: [String: JSONValue] = ["interval": 60, "handling_time": "5m"]
            let noTemplates = try await Self.refusal(client, "/v1/schedules", try Self.body(Self.fourWeeks, schedule))
            #expect(noTemplates.status == .unprocessableContent && noTemplates.field == "templates")
            var offGrid = schedule
            offGrid["templates"] = [["name": "early", "start": "06:30", "length": "8h"]]
            let offGridRefusal = try await Self.refusal(client, "/v1/schedules", try Self.body(Self.fourWeeks, offGrid))
            #expect(offGridRefusal.field == "templates[0].start" && offGridRefusal.detail.contains("60-minute interval grid"))
            var untyped = schedule
            untyped["templates"] = [["name": "early", "start": "06:00"]]
            let missingLength = try await Self.refusal(client, "/v1/schedules", try Self.body(Self.fourWeeks, untyped))
            #expect(missingLength.status == .unprocessableContent && missingLength.field == "templates[0].length")
            var uncovered = schedule
            uncovered["templates"] = [["name": "morning", "start": "06:00", "length": "4h"]]
            let cannot = try await Self.refusal(client, "/v1/schedules", try Self.body(Self.fourWeeks, uncovered))
            #expect(cannot.status == .unprocessableContent && cannot.field == "templates", "\(cannot.detail)")

            let malformed = try await client.send(.post, "/v1/forecasts", key: ServerFixture.viewerKey, json: "{\"interval\": ")
            #expect(malformed.status == .badRequest)
            let wrongType = try await client.send(
                .post, "/v1/forecasts", key: ServerFixture.viewerKey, text: "<arrivals/>", contentType: "application/xml")
            let wrongField = try wrongType.json["field"]?.stringValue
            #expect(wrongType.status == .unsupportedMediaType && wrongField == "Content-Type")
        }
    }

    @Test("only the last 91 days are read: a stray row a year back neither stretches the history nor counts")
    func recentHistory() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let lines = Self.fourWeeks.split(separator: "\n", omittingEmptySubsequences: false)
        let csv = ([lines[0], "2025-03-02T09:00:00+01:00,support,300"] + lines.dropFirst()).joined(separator: "\n")
        try await fixture.server.application().test(.router) { client in
            let response = try await client.send(.post, "/v1/forecasts", key: ServerFixture.viewerKey, json: try Self.body(csv, ["interval": 60]))
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let queue = try #require(try Self.decode(ForecastReport.self, response).queues.first)
            #expect(queue.arrivals == lines.count - 2)
            #expect(queue.actual.start >= Double(CivilDate.daysFromCivil(year: 2026, month: 3, day: 2) * 86_400))
        }
    }

    @Test("a body over the configured limit is refused before it is read")
    func bodyLimit() async throws {
        let fixture = try await ServerFixture.make(bodyLimit: 4_096)
        defer { fixture.cleanUp() }
        try await fixture.server.application().test(.router) { client in
            let response = try await client.send(
                .post, "/v1/forecasts?interval=60", key: ServerFixture.viewerKey, text: Self.history(days: 3), contentType: "text/csv")
            #expect(response.status == .contentTooLarge)
            #expect(response.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("viewers may forecast and staff; a schedule solve takes an operator or admin")
    func roles() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let routes = Dictionary(uniqueKeysWithValues: fixture.server.routeCatalog.map { ($0.description, $0.access) })
        #expect(routes["POST /v1/forecasts"] == .read && routes["POST /v1/staffing"] == .read && routes["POST /v1/schedules"] == .operate)
        try await fixture.server.application().test(.router) { client in
            let body = try Self.body(Self.fourWeeks, [
                "interval": 60, "handling_time": "5m", "templates": [["name": "day", "start": "00:00", "length": "12h"],
                                                                      ["name": "night", "start": "12:00", "length": "12h"]],
            ])
            #expect(try await client.send(.post, "/v1/schedules", key: ServerFixture.viewerKey, json: body).status == .forbidden)
            #expect(try await client.send(.post, "/v1/schedules", key: ServerFixture.anaKey, json: body).status == .forbidden)
            #expect(try await client.send(.post, "/v1/schedules", key: nil, json: body).status == .unauthorized)
            #expect(try await client.send(.post, "/v1/staffing", key: ServerFixture.anaKey, json: body).status == .forbidden)
            #expect(try await client.send(.post, "/v1/schedules", key: ServerFixture.operatorKey, json: body).status == .ok)
            #expect(try await client.send(.post, "/v1/schedules", key: ServerFixture.adminKey, json: body).status == .ok)
        }
    }

    @Test("without a CSV the workspace's own log is the history: tasks per workflow by creation, handled from acceptance to completion")
    func workspaceLog() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        // 16 days from Monday 2 March 2026 UTC: three tasks an hour from 09:00 to 17:00.
        let monday = Double(CivilDate.daysFromCivil(year: 2026, month: 3, day: 2) * 86_400)
        var created = 0
        for day in 0..<16 {
            for hour in 9..<17 {
                for k in 0..<3 {
                    fixture.clock.set(Date(timeIntervalSince1970: monday + Double(day * 86_400 + hour * 3600 + k * 1200)))
                    _ = try await fixture.createTask()
                    created += 1
                }
            }
        }
        let total = created
        try await fixture.server.application().test(.router) { client in
            let response = try await client.send(.post, "/v1/forecasts", key: ServerFixture.viewerKey, json: #"{"interval": 60}"#)
            #expect(response.status == .ok, "\(String(buffer: response.body))")
            let report = try Self.decode(ForecastReport.self, response)
            let queue = try #require(report.queues.first)
            #expect(report.queues.count == 1 && queue.name == "support" && queue.arrivals == total && report.utcOffset == 0)
            #expect(queue.handlingTime == nil)
            for (index, point) in queue.forecast.points.enumerated() {
                #expect(abs(point.value - ((9..<17).contains(index) ? 3 : 0)) < 0.5, "hour \(index): \(point.value)")
            }

            // No step was completed, so the log has no handling time to staff with.
            let staffing = try await Self.refusal(client, "/v1/staffing", key: ServerFixture.viewerKey, #"{"interval": 60}"#)
            #expect(staffing.status == .unprocessableContent && staffing.field == "handling_time")
            // An empty body is the log with the defaults.
            let none = try await client.send(.post, "/v1/forecasts?format=csv", key: ServerFixture.viewerKey)
            #expect(none.status == .ok && String(buffer: none.body).split(separator: "\n").count == 97)
            let unknown = try await Self.refusal(client, "/v1/forecasts", key: ServerFixture.viewerKey, #"{"queue": "billing"}"#)
            #expect(unknown.field == "queue" && unknown.detail.contains("support"))
        }
    }

    @Test("the log's handling time runs from the offer's acceptance to the step's completion")
    func logHandlingTimes() async throws {
        let fixture = try await ServerFixture.make()
        defer { fixture.cleanUp() }
        let start = Date(timeIntervalSince1970: Double(CivilDate.daysFromCivil(year: 2026, month: 3, day: 2) * 86_400 + 9 * 3600))
        fixture.clock.set(start)
        let task = try await fixture.createTask()
        fixture.clock.advance(by: 60)
        try await fixture.server.host.engine.submit(.acceptOffer(task, worker: "ana"), actor: "ana")
        fixture.clock.advance(by: 270)
        try await fixture.server.host.engine.submit(
            .completeStep(task, worker: "ana", outcome: nil, evidence: ["resolution": "fixed"]), actor: "ana")
        var log = ArrivalLog()
        let events = try await fixture.server.host.store.read(fixture.server.host.workspace, after: 0, limit: 1_000)
        log.add(events.map(\.event))
        #expect(log.arrivals.count == 1)
        #expect(log.arrivals.first?.queue == "support" && log.arrivals.first?.handling == 270)
        #expect(log.arrivals.first?.utc == start.timeIntervalSince1970)
    }
}
