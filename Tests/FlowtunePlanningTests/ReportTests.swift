import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import FlowtunePlanning

@Suite("planning reports")
struct ReportTests {
    /// Three weeks of hourly counts with a daily cycle, from Monday 2 March 2026 (wall clock).
    static let monday = 1_772_409_600.0
    static let history: IntervalSeries = {
        let values = (0..<(21 * 24)).map { t -> Double in
            let hour = t % 24
            return hour >= 8 && hour < 20 ? Double(10 + (hour - 8) * (20 - hour)) : 0
        }
        return IntervalSeries(start: monday, interval: 3600, values: values)
    }()

    static func forecast() throws -> ForecastReport {
        let forecaster = Forecaster(configuration: .init(backtestDays: 5, minimumTrainingDays: 14, candidates: [.sameIntervalYesterday, .sameIntervalLastWeek]))
        let forecast = try forecaster.forecast(history)
        return ForecastReport(source: "test", utcOffset: 3600, queues: [.init(name: "support", arrivals: 1000, history: history, forecast: forecast)])
    }

    /// The points of the element carrying `data-series="name"`.
    static func points(_ svg: String, series name: String) throws -> [(Double, Double)] {
        let marker = "data-series=\"\(name)\""
        let element = try #require(svg.range(of: marker))
        let rest = svg[element.upperBound...]
        let start = try #require(rest.range(of: "points=\""))
        let end = try #require(rest[start.upperBound...].firstIndex(of: "\""))
        return try rest[start.upperBound..<end].split(separator: " ").map { pair in
            let xy = pair.split(separator: ",").map { Double($0) }
            return (try #require(xy[0]), try #require(xy[1]))
        }
    }

    /// Whether `text` parses as XML.
    static func isWellFormed(_ text: String) -> Bool {
        XMLParser(data: Data(text.utf8)).parse()
    }

    @Test("the forecast chart: a point per interval of actual, backtest and forecast, bands of twice that, valid SVG")
    func forecastChart() throws {
        let report = try Self.forecast()
        let queue = report.queues[0]
        #expect(queue.actual.count == 5 * 24 && queue.actual.start == Self.monday + 16 * 86_400)
        #expect(queue.actual.values == Array(Self.history.values.suffix(5 * 24)))
        let svg = report.chart(queue, days: 3).svg()
        let svgElement = String(svg[..<svg.range(of: "</svg>")!.upperBound])
        #expect(Self.isWellFormed(svgElement))
        let actual = try Self.points(svg, series: "actual")
        let forecast = try Self.points(svg, series: "forecast")
        #expect(actual.count == 3 * 24 && forecast.count == 24)
        #expect(try Self.points(svg, series: "80% prediction interval").count == 48)
        #expect(zip(actual, actual.dropFirst()).allSatisfy { $0.0 < $1.0 }, "x increases")
        #expect(forecast.first!.0 > actual.last!.0, "the forecast follows the actuals")
        // The series repeats every day, so the forecast is drawn at the heights of the actuals.
        #expect(zip(forecast, actual.suffix(24)).allSatisfy { abs($0.1 - $1.1) < 0.01 })
        let page = report.html(title: "test <queue>")
        #expect(page.hasPrefix("<!DOCTYPE html>") && page.contains("test &lt;queue&gt;") && !page.contains("<script"))
    }

    @Test("forecast CSV: a row per interval with its bounds, times with the offset")
    func forecastCSV() throws {
        let report = try Self.forecast()
        let lines = report.csv().split(separator: "\n")
        #expect(lines.first == "queue,start,forecast,lower_80,upper_80,lower_95,upper_95,handling_seconds")
        #expect(lines.count == 25)
        #expect(lines[1].hasPrefix("support,2026-03-23T00:00:00+01:00,0,"))
        #expect(lines[11].hasPrefix("support,2026-03-23T10:00:00+01:00,30,30,30,30,30,"), "a repeating day is forecast exactly")
        #expect(report.table().contains("same-interval-yesterday *"))
    }

    @Test("the schedule report: coverage against requirement, step lines of two points per interval, CSV per template")
    func scheduleReport() throws {
        let required = [0, 0, 2, 3, 3, 0, 0, 0]   // a 2-hour "day" of 15-minute intervals
        let templates = [
            ShiftTemplate(name: "a", start: 2, length: 3, cost: 3),
            ShiftTemplate(name: "b", start: 3, length: 3, breaks: [.init(offset: 2, length: 1)], cost: 2),
        ]
        let problem = try ShiftSchedulingProblem(required: required + Array(repeating: 0, count: 88), intervalsPerDay: 96, templates: templates)
        let schedule = try ShiftScheduler(timeLimit: 5).solve(problem)
        let report = ScheduleReport(queue: "q", source: "s", utcOffset: 0, start: Self.monday, interval: 900, problem: problem,
                                    schedule: schedule, timeLimit: 5)
        #expect(schedule.isOptimal && schedule.workers == [2, 1] && schedule.cost == 8)
        let lines = report.csv().split(separator: "\n")
        #expect(lines.count == 97 && lines[0] == "start,required,scheduled,surplus,a,b")
        #expect(lines[3] == "2026-03-02T00:30:00Z,2,2,0,2,0")
        #expect(lines[4] == "2026-03-02T00:45:00Z,3,3,0,2,1")
        #expect(lines[6] == "2026-03-02T01:15:00Z,0,0,0,0,0", "b's break does not cover")
        let svg = report.chart().svg()
        #expect(Self.isWellFormed(String(svg[..<svg.range(of: "</svg>")!.upperBound])))
        #expect(try Self.points(svg, series: "required").count == 2 * 96)
        #expect(try Self.points(svg, series: "scheduled").count == 2 * 96)
        let table = report.table()
        #expect(table.contains("3 shifts, cost 8, proven optimal"))
        #expect(table.contains("b  00:45–01:30, break 01:15 (15m)"))
    }

    @Test("the staffing report: one CSV row per interval with the agents and what they achieve")
    func staffingReport() throws {
        let arrivals = IntervalSeries(start: Self.monday, interval: 900, values: [0, 30, 60])
        let plan = try StaffingPlan(arrivals: arrivals, meanHandlingTime: 300, target: StaffingTarget(serviceLevel: 0.8, answerTime: 20),
                                    shrinkage: 0.25)
        let report = StaffingReport(source: "s", utcOffset: nil, queues: [.init(name: "q", plan: plan)])
        let lines = report.csv().split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("q,2026-03-02T00:00:00,0,300,0,0,0,"))
        let fields = lines[2].split(separator: ",")
        #expect(Int(fields[5]) == plan.intervals[1].agents && Int(fields[6]) == plan.intervals[1].scheduled)
        #expect(plan.intervals[1].agents >= 13, "30 calls × 5 minutes is 10 erlangs")
        let svg = report.chart(report.queues[0]).svg()
        #expect(try Self.points(svg, series: "agents on the queue").count == 6)
        #expect(report.table().contains("80% in 20s, Erlang C, shrinkage 25.0%"))
    }
}
