import Foundation
import Testing

@testable import FlowtuneMining

private let hour = PilotLogFixture.hour
private let day = PilotLogFixture.day

@Suite("Weekly review")
struct ReviewTests {
    @Test("ISO weeks: week 53 and week 1 around New Year, as Python's date.isocalendar() gives them")
    func isoWeeks() throws {
        // datetime.date.fromisoformat(d).isocalendar()
        let cases: [(String, Int, Int)] = [
            ("2026-12-28", 2026, 53), ("2027-01-03", 2026, 53), ("2027-01-04", 2027, 1), ("2021-01-03", 2020, 53),
            ("2008-12-29", 2009, 1), ("2020-12-31", 2020, 53), ("2015-12-31", 2015, 53), ("1969-12-29", 1970, 1),
            ("1970-01-01", 1970, 1), ("1900-01-01", 1900, 1),
        ]
        for (date, year, week) in cases {
            let found = ISOWeek(containing: Timestamp.parse(date + "T12:00Z")!)
            #expect(found.year == year && found.week == week, "\(date)")
        }
        // date(y, 12, 28).isocalendar()[1]
        for (year, weeks) in [(2015, 53), (2020, 53), (2026, 53), (2027, 52), (2032, 53), (2100, 52)] {
            #expect(ISOWeek.weeks(in: year) == weeks, "\(year)")
        }
        // date.fromisocalendar(2027, 1, 1), (2026, 53, 1), (2020, 53, 1)
        #expect(try ISOWeek(parsing: "2027-W01").mondayText == "2027-01-04")
        #expect(try ISOWeek(parsing: "2026W53").mondayText == "2026-12-28")
        #expect(ISOWeek(year: 2020, week: 53)?.mondayText == "2020-12-28")
        #expect(ISOWeek(year: 2027, week: 53) == nil)
        #expect(try ISOWeek(parsing: "2026-W53").advanced(by: 1).description == "2027-W01")
        #expect(throws: ComparisonError.self) { try ISOWeek(parsing: "2027-W53") }
        #expect(throws: ComparisonError.self) { try ISOWeek(parsing: "2027-01-04") }

        // Every week from 1990 to 2040 follows the one before it, and reads back from its text.
        var week = try #require(ISOWeek(year: 1990, week: 1))
        while week.year < 2041 {
            let next = week.advanced(by: 1)
            if week.week == ISOWeek.weeks(in: week.year) {
                #expect(next.year == week.year + 1 && next.week == 1)
            } else {
                #expect(next.year == week.year && next.week == week.week + 1)
            }
            #expect(try ISOWeek(parsing: week.description) == week)
            #expect(ISOWeek(containing: week.start() + 6 * day + 86399) == week)
            week = next
        }

        // Sunday 22:00 UTC is already Monday at +02:00.
        let lateSunday = Timestamp.parse("2027-01-03T22:00Z")!
        #expect(ISOWeek(containing: lateSunday).description == "2026-W53")
        #expect(ISOWeek(containing: lateSunday, zone: .offset(seconds: 7200)).description == "2027-W01")
        #expect(ISOWeek(containing: lateSunday, zone: try TimeZoneRule(named: "Europe/Helsinki")).description == "2027-W01")
        #expect(try ISOWeek(parsing: "2027-W01").start(in: .offset(seconds: 7200)) == lateSunday)
        let data = try JSONEncoder().encode([try ISOWeek(parsing: "2026-W53")])
        #expect(String(decoding: data, as: UTF8.self) == #"["2026-W53"]"#)
    }

    /// Eight weeks from 2026-W47 to 2027-W01. Claims get faster every week (the wait before
    /// Assess falls by 3 h a week); leads keep the same spread of waits; one case has no workflow.
    static func twoWorkflows() -> EventLog {
        var fixture = PilotLogFixture()
        let firstMonday = try! ISOWeek(parsing: "2026-W47").start()
        for k in 0..<8 {
            for i in 0..<6 {
                let start = firstMonday + Double(k) * 7 * day + Double(i) * day + 9 * hour
                let claimWait = Double(30 - 3 * k) * hour + Double(i) * 360
                fixture.add("claim-\(k)-\(i)", attributes: ["workflow": "claims"], PilotLogFixture.standardCase(start: start, wait: claimWait))
                let leadWait = Double(2 + (i * 5) % 6) * hour
                fixture.add("lead-\(k)-\(i)", attributes: ["workflow": "leads"], PilotLogFixture.standardCase(start: start, wait: leadWait, exception: i == k % 6))
            }
        }
        // Long before the trend weeks: left out.
        fixture.add("claim-old", attributes: ["workflow": "claims"], PilotLogFixture.standardCase(start: firstMonday - 30 * day, wait: 99 * hour))
        fixture.add("stray", PilotLogFixture.standardCase(start: firstMonday + 50 * day, wait: hour))
        return fixture.build()
    }

    @Test("Per workflow: trend weeks across the New Year, directions, and the week against the four before")
    func byWorkflow() throws {
        let log = Self.twoWorkflows()
        let review = try WeeklyReview(
            log: log, rules: PilotLogFixture.rules, options: .init(week: try ISOWeek(parsing: "2027-W01"), groupBy: "workflow"))
        #expect(review.week.description == "2027-W01")
        #expect(review.baseline.map(\.description) == ["2026-W50", "2026-W51", "2026-W52", "2026-W53"])
        // The stray case, in 2027-W01 with no workflow, makes a report of its own, listed last.
        #expect(review.workflows.map(\.workflow) == ["claims", "leads", nil])
        #expect(review.workflows[2].weeks.map(\.cases) == [0, 0, 0, 0, 0, 0, 0, 1])

        let claims = review.workflows[0]
        #expect(claims.weeks.map(\.week.description) == ["2026-W47", "2026-W48", "2026-W49", "2026-W50", "2026-W51", "2026-W52", "2026-W53", "2027-W01"])
        #expect(claims.weeks.allSatisfy { $0.cases == 6 && $0.open == 0 })
        #expect(claims.baselineCases == 24)
        #expect(claims.current?.from == Timestamp.parse("2027-01-04T00:00Z"))
        let cycle = try #require(claims.trends.first { $0.measure == .cycleTime })
        #expect(cycle.direction == .improving)
        // Eight strictly falling medians: kendalltau gives p = 2/8! = 4.96e-5; each week's median
        // wait is 3 h shorter, so the Theil–Sen slope is −3 h a week.
        #expect(cycle.test?.s == -28)
        #expect(abs((cycle.test?.pValue ?? 1) - 2.0 / 40320) < 1e-15)
        #expect(abs((cycle.test?.slope ?? 0) + 3 * hour) < 1e-6)
        #expect(cycle.values.count == 8 && cycle.values.allSatisfy { $0 != nil })
        let week = try #require(claims.comparison.first { $0.measure == .cycleTime })
        // Six cases against 24, every one faster: mannwhitneyu(..., method='exact') = 2 / C(30, 6).
        #expect(week.verdict == .improved)
        #expect(abs((week.pValue ?? 1) - 2.0 / 593_775) < 1e-15)
        #expect(week.before.n == 24 && week.after.n == 6)
        #expect(claims.trends.first { $0.measure == .exceptionRate }?.direction == .steady)

        let leads = review.workflows[1]
        #expect(leads.trends.first { $0.measure == .cycleTime }?.direction == .steady)
        #expect(leads.comparison.allSatisfy { $0.verdict == .noSignificantChange })
        #expect(leads.weeks.map { $0.values[.exceptionRate]?.count } == Array(repeating: 1, count: 8))

        let data = try JSONEncoder().encode(review)
        #expect(try JSONDecoder().decode(WeeklyReview.self, from: data) == review)
        #expect(String(decoding: data, as: UTF8.self).contains(#""cycle_time":{"#))
    }

    @Test("Weeks by start or by end, in a zone; the latest week by default; all cases as one")
    func basisZoneAndDefaults() throws {
        var fixture = PilotLogFixture()
        // Started Sunday 3 January 2027 at 22:00 UTC (Monday 00:00 at +02:00), finished on the Tuesday.
        let sunday = Timestamp.parse("2027-01-03T22:00Z")!
        fixture.add("late-sunday", [
            .init("Register", end: sunday), .init("Close", start: sunday + 40 * hour, end: sunday + 41 * hour),
        ])
        let monday = Timestamp.parse("2026-12-28T10:00Z")!
        fixture.add("monday", [.init("Register", end: monday), .init("Close", start: monday + hour, end: monday + 2 * hour)])
        fixture.add("unnamed-open", [.init("Register", end: monday + day)])
        let log = fixture.build()
        let rules = LogRules(endActivities: ["Close"])

        let utc = try WeeklyReview(log: log, rules: rules, options: .init(trendWeeks: 2, baselineWeeks: 1))
        #expect(utc.week.description == "2026-W53")   // the latest week with a case
        #expect(utc.workflows.count == 1 && utc.workflows[0].workflow == nil)
        #expect(utc.workflows[0].weeks.map(\.cases) == [0, 3])
        #expect(utc.workflows[0].current?.open == 1)

        let local = try WeeklyReview(log: log, rules: rules, options: .init(zone: .offset(seconds: 7200), trendWeeks: 2, baselineWeeks: 1))
        #expect(local.week.description == "2027-W01")
        #expect(local.workflows[0].weeks.map(\.cases) == [2, 1])
        #expect(local.workflows[0].current?.from == sunday)

        let byEnd = try WeeklyReview(
            log: log, rules: rules, options: .init(week: try ISOWeek(parsing: "2027-W01"), basis: .caseEnd, trendWeeks: 2, baselineWeeks: 1))
        #expect(byEnd.workflows[0].weeks.map(\.cases) == [2, 1])
        #expect(byEnd.workflows[0].current?.values[.cycleTime]?.value == 41 * hour)
        // Too few weeks for a direction.
        #expect(byEnd.workflows[0].trends.allSatisfy { $0.direction == .insufficientData })

        #expect(throws: ComparisonError.self) { try WeeklyReview(log: log, rules: rules, options: .init(groupBy: "workflow")) }
        #expect(throws: ComparisonError.self) { try WeeklyReview(log: log, rules: rules, options: .init(trendWeeks: 0)) }
        #expect(throws: ComparisonError.self) { try WeeklyReview(log: EventLogBuilder().build(), rules: rules) }
    }
}
