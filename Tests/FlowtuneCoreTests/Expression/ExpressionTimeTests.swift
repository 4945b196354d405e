import Testing

@testable import FlowtuneCore

@Suite("Expression durations and dates")
struct ExpressionTimeTests {
    @Test("durations are written as number and unit", arguments: [
        ("90s", 90.0), ("15m", 900), ("4h", 14400), ("2d", 172_800), ("1w", 604_800), ("1h30m", 5400),
        ("1.5h", 5400), ("2d4h", 187_200), ("-4h", -14400), ("0s", 0),
    ])
    func durationLiterals(source: String, seconds: Double) throws {
        #expect(try evaluate(source) == .duration(seconds))
    }

    @Test func durationArithmetic() throws {
        #expect(try evaluate("4h + 30m") == .duration(16200))
        #expect(try evaluate("4h - 30m") == .duration(12600))
        #expect(try evaluate("15m * 4") == .duration(3600))
        #expect(try evaluate("2 * 15m") == .duration(1800))
        #expect(try evaluate("1h / 4") == .duration(900))
        #expect(try evaluate("1h / 15m") == .number(4))
        #expect(try evaluate("1h / 0s") == .null)
        #expect(try evaluate("1h / task.zero", task: ["zero": 0]) == .null)
        #expect(try evaluate("-task.d", task: ["d": 5]) == .number(-5))
        #expect(try evaluate("abs(-90s)") == .duration(90))
    }

    @Test func dateLiterals() throws {
        #expect(try evaluate("date(\"2026-01-31\")") == .date(day(2026, 1, 31)))
        #expect(try evaluate("date(\"1970-01-01\")") == .date(0))
        #expect(try evaluate("date(\"2026-01-31T10:00:00Z\")") == .date(day(2026, 1, 31) + 36000))
        #expect(try evaluate("date(\"2026-01-31T10:00Z\")") == .date(day(2026, 1, 31) + 36000))
        #expect(try evaluate("date(\"2026-01-31T10:00:00\")") == .date(day(2026, 1, 31) + 36000))
        #expect(try evaluate("date(\"2026-01-31T12:00:00+02:00\")") == .date(day(2026, 1, 31) + 36000))
        #expect(try evaluate("date(\"2026-01-31T08:30:00-01:30\")") == .date(day(2026, 1, 31) + 36000))
        #expect(try evaluate("date(\"2026-01-31T08:30:00-0130\")") == .date(day(2026, 1, 31) + 36000))
        #expect(try evaluate("date(\"2026-01-31T10:00:00.250Z\")") == .date(day(2026, 1, 31) + 36000.25))
        #expect(try evaluate("date(\"2024-02-29\")") == .date(day(2024, 2, 29)))
        #expect(try evaluate("date(\"1969-12-31\")") == .date(-86400))
        #expect(try evaluate("date(0)") == .date(0))
    }

    @Test func dateArithmetic() throws {
        #expect(try evaluate("date(\"2026-02-01\") - date(\"2026-01-31\")") == .duration(86400))
        #expect(try evaluate("date(\"2026-01-31\") + 1d") == .date(day(2026, 2, 1)))
        #expect(try evaluate("1d + date(\"2026-01-31\")") == .date(day(2026, 2, 1)))
        #expect(try evaluate("date(\"2026-01-31\") - 12h") == .date(day(2026, 1, 30) + 43200))
        #expect(try evaluate("date(\"2026-03-01\") - date(\"2026-02-28\") = 1d") == .bool(true))
    }

    @Test func nowIsTheInputClock() throws {
        let now = day(2026, 1, 31) + 3600
        #expect(try evaluate("now()", now: now) == .date(now))
        #expect(try evaluate("now() - date(task.created) > 4h", task: ["created": "2026-01-30T20:00:00Z"], now: now) == .bool(true))
        #expect(try evaluate("now() - date(task.created) > 4h", task: ["created": "2026-01-30T22:00:00Z"], now: now) == .bool(false))
    }

    @Test func datesAndDurationsReadFromData() throws {
        #expect(try evaluate("date(task.due)", task: ["due": "2026-01-31"]) == .date(day(2026, 1, 31)))
        #expect(try evaluate("date(task.due)", task: ["due": "31/01/2026"]) == .null)
        #expect(try evaluate("date(task.due)", task: ["due": "2026-02-30"]) == .null)
        #expect(try evaluate("date(task.due)", task: ["due": 86400]) == .date(86400))
        #expect(try evaluate("duration(task.window)", task: ["window": "1h30m"]) == .duration(5400))
        #expect(try evaluate("duration(task.window)", task: ["window": 90]) == .duration(90))
        #expect(try evaluate("duration(task.window)", task: ["window": "soon"]) == .null)
        #expect(try evaluate("duration(\"2h\") = 2h") == .bool(true))
        // A date string is not a date until date() reads it.
        #expect(try evaluate("task.due < date(\"2026-02-01\")", task: ["due": "2026-01-31"]) == .null)
    }

    @Test func datesRoundTripThroughText() {
        for seconds in [0, day(2026, 1, 31), day(2024, 2, 29) + 45296, day(1900, 3, 1), day(9999, 12, 31) + 86399, -1] {
            #expect(ExpressionDate.parse(ExpressionDate.format(seconds)) == seconds)
        }
        #expect(ExpressionDate.format(day(2026, 1, 31)) == "2026-01-31")
        #expect(ExpressionDate.format(day(2026, 1, 31) + 36000) == "2026-01-31T10:00:00Z")
        #expect(ExpressionValue.date(day(2026, 1, 31)).description == "date(\"2026-01-31\")")
        #expect(ExpressionValue.duration(5400).description == "1h30m")
        #expect(ExpressionValue.duration(-90).description == "-1m30s")
        #expect(ExpressionValue.duration(1.5).description == "1.5s")
    }
}
