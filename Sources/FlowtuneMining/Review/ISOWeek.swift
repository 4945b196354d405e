import FlowtuneCore
/// A week of the ISO 8601 calendar: Monday to Sunday, numbered within a week-numbering year whose
/// first week is the one holding the year's first Thursday. So 28 December 2026 to 3 January
/// 2027 is `2026-W53`, and `2027-W01` begins on 4 January 2027.
///
/// ```swift
/// let week = try ISOWeek(parsing: "2026-W53")
/// week.mondayText                       // "2026-12-28"
/// week.advanced(by: 1)                  // 2027-W01
/// ISOWeek(containing: Timestamp.parse("2027-01-03T23:30Z")!, zone: .utc)   // 2026-W53
/// ```
public struct ISOWeek: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The week-numbering year, which differs from the calendar year for a few days around New Year.
    public let year: Int
    /// The week, from 1 to 52 or 53.
    public let week: Int

    /// Weeks since the one of 1 January 1970, whose Monday was 29 December 1969.
    let serial: Int

    /// The week `week` of `year`, or nil when the year has no such week.
    public init?(year: Int, week: Int) {
        guard week >= 1, week <= Self.weeks(in: year) else { return nil }
        let jan4 = CivilDate.daysFromCivil(year: year, month: 1, day: 4)
        let firstMonday = jan4 - Self.weekday(jan4) + 1
        self.init(serial: Self.serial(ofDay: firstMonday) + week - 1)
    }

    /// Reads `2026-W53` (or `2026W53`).
    public init(parsing text: String) throws(ComparisonError) {
        let parts = text.uppercased().split(separator: "W", omittingEmptySubsequences: false)
        let yearText = parts.first.map { $0.hasSuffix("-") ? $0.dropLast() : $0 }
        guard parts.count == 2, let yearText, yearText.count == 4, let year = Int(yearText),
              parts[1].count == 2, let week = Int(parts[1]), let parsed = ISOWeek(year: year, week: week)
        else {
            throw ComparisonError(field: "week", message: "'\(text)' is not an ISO week such as 2026-W53 (a year has 52 or 53)")
        }
        self = parsed
    }

    /// The week holding instant `time` (seconds since 1970 UTC) on the local calendar of `zone`.
    public init(containing time: Double, zone: TimeZoneRule = .utc) {
        self.init(serial: Self.serial(ofDay: CivilTime.days(Self.local(time, zone))))
    }

    init(serial: Int) {
        self.serial = serial
        // The week's Thursday decides its year.
        let thursday = serial * 7
        let year = CivilDate.civil(fromDays: thursday).year
        self.year = year
        self.week = (thursday - CivilDate.daysFromCivil(year: year, month: 1, day: 1)) / 7 + 1
    }

    /// How many weeks the ISO year `year` has: 53 when it begins on a Thursday, or on a Wednesday
    /// in a leap year; 52 otherwise.
    public static func weeks(in year: Int) -> Int {
        let jan1 = weekday(CivilDate.daysFromCivil(year: year, month: 1, day: 1))
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        return jan1 == 4 || (leap && jan1 == 3) ? 53 : 52
    }

    /// The week `weeks` later (earlier when negative).
    public func advanced(by weeks: Int) -> ISOWeek { ISOWeek(serial: serial + weeks) }

    /// The number of weeks from this week to `other`.
    public func distance(to other: ISOWeek) -> Int { other.serial - serial }

    /// The week's Monday, as days since 1970-01-01.
    public var mondayDay: Int { serial * 7 - 3 }

    /// The week's Monday, `YYYY-MM-DD`.
    public var mondayText: String { CivilTime.dateText(days: mondayDay) }

    /// The instant the week begins, Monday 00:00 in `zone`, seconds since 1970 UTC.
    public func start(in zone: TimeZoneRule = .utc) -> Double {
        zone.utc(fromLocal: Double(mondayDay) * 86400)
    }

    /// The week as a ``TimeRange`` in `zone`, Monday 00:00 to the next Monday 00:00.
    public func range(in zone: TimeZoneRule = .utc) -> TimeRange {
        TimeRange(from: start(in: zone), until: advanced(by: 1).start(in: zone))
    }

    /// `2026-W53`.
    public var description: String {
        let digits = String(week)
        return String(year) + "-W" + (digits.count < 2 ? "0" + digits : digits)
    }

    public static func < (lhs: ISOWeek, rhs: ISOWeek) -> Bool { lhs.serial < rhs.serial }

    public static func == (lhs: ISOWeek, rhs: ISOWeek) -> Bool { lhs.serial == rhs.serial }

    public func hash(into hasher: inout Hasher) { hasher.combine(serial) }

    /// Written as its text, `2026-W53`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            self = try ISOWeek(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Monday 1, …, Sunday 7 of the day `days` after 1970-01-01, a Thursday.
    static func weekday(_ days: Int) -> Int {
        ((days + 3) % 7 + 7) % 7 + 1
    }

    /// The serial of the week holding day `days`: weeks run Monday to Sunday, and day 0 is the
    /// Thursday of week 0.
    static func serial(ofDay days: Int) -> Int {
        let shifted = days + 3
        return shifted >= 0 ? shifted / 7 : (shifted - 6) / 7
    }

    /// The local wall-clock reading of UTC instant `time` in `zone`. The zone converts local to
    /// UTC only, so the offset is found from it: first at the local reading taken as UTC, then
    /// once more at the estimate, which is exact except within an hour of a clock change.
    static func local(_ time: Double, _ zone: TimeZoneRule) -> Double {
        let first = time + (time - zone.utc(fromLocal: time))
        return time + (first - zone.utc(fromLocal: first))
    }
}
