import FlowtuneCore
import Foundation

/// A span of time that picks cases by when they started: from a first instant (included) to a
/// last one (excluded), either end open.
///
/// Written as two bounds joined by `..` (or `/`, as in ISO 8601 intervals). A bound that is a
/// day, `YYYY-MM-DD`, means that whole day: `2011-10-01..2011-12-31` runs from the start of
/// 1 October up to the start of 1 January, so the last day named is in. A bound that is an
/// instant is taken as written, and the upper one is excluded, so consecutive ranges such as
/// `2011-10-01T08:00Z..2011-10-08T08:00Z` and `2011-10-08T08:00Z..` never share a case. Days and
/// instants without an offset are read in the zone given.
///
/// ```swift
/// let before = try TimeRange(parsing: "2011-10-01..2011-12-31")
/// let after = try TimeRange(parsing: "2012-01-01T00:00+01:00..")   // open-ended
/// before.contains(Timestamp.parse("2011-12-31T23:59:59Z")!)         // true
/// ```
public struct TimeRange: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The first instant in the range, seconds since 1970 UTC; nil: no lower bound.
    public var from: Double?
    /// The first instant after the range, seconds since 1970 UTC; nil: no upper bound.
    public var until: Double?

    /// The range from `from` (included) until `until` (excluded).
    public init(from: Double?, until: Double?) {
        precondition(from.map(\.isFinite) ?? true && until.map(\.isFinite) ?? true, "a range's bounds are finite")
        self.from = from
        self.until = until
    }

    /// Reads a range such as `2011-10-01..2011-12-31` or `2011-10-01T08:00Z..2011-10-08T08:00Z`.
    public init(parsing text: String, zone: TimeZoneRule = .utc) throws(InvalidTimeRange) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts: [Substring]
        if let dots = trimmed.range(of: "..") {
            parts = [trimmed[..<dots.lowerBound], trimmed[dots.upperBound...]]
        } else if let slash = trimmed.firstIndex(of: "/") {
            parts = [trimmed[..<slash], trimmed[trimmed.index(after: slash)...]]
        } else {
            throw InvalidTimeRange(text: text, reason: "no '..' between the start and the end")
        }
        let lowerText = parts[0].trimmingCharacters(in: .whitespacesAndNewlines)
        let upperText = parts[1].trimmingCharacters(in: .whitespacesAndNewlines)
        if lowerText.isEmpty && upperText.isEmpty {
            throw InvalidTimeRange(text: text, reason: "neither a start nor an end is given")
        }
        let from = try Self.bound(lowerText, upper: false, zone: zone, in: text)
        let until = try Self.bound(upperText, upper: true, zone: zone, in: text)
        if let from, let until, until <= from {
            throw InvalidTimeRange(text: text, reason: "the range ends before it begins")
        }
        self.from = from
        self.until = until
    }

    /// Whether `time` (seconds since 1970 UTC) lies in the range.
    public func contains(_ time: Double) -> Bool {
        (from.map { time >= $0 } ?? true) && (until.map { time < $0 } ?? true)
    }

    /// Whether some instant lies in both ranges.
    public func overlaps(_ other: TimeRange) -> Bool {
        let start = max(from ?? -.infinity, other.from ?? -.infinity)
        let end = min(until ?? .infinity, other.until ?? .infinity)
        return start < end
    }

    /// The range in UTC, as `2011-10-01T00:00:00Z..2012-01-01T00:00:00Z`.
    public var description: String {
        (from.map(CivilTime.isoText) ?? "") + ".." + (until.map(CivilTime.isoText) ?? "")
    }

    private static func bound(_ text: String, upper: Bool, zone: TimeZoneRule, in whole: String) throws(InvalidTimeRange) -> Double? {
        guard !text.isEmpty else { return nil }
        guard let instant = Timestamp.parse(text, zone: zone) else {
            throw InvalidTimeRange(
                text: whole,
                reason: "'\(text)' is not a day (2011-10-01) or an instant (2011-10-01T08:00:00Z, 2011-10-01 08:00+02:00)")
        }
        // A bare day as the upper bound includes that day: the bound is the next day's start.
        if upper, text.utf8.count == 10, let next = Timestamp.parse(text, zone: .utc) {
            return zone.utc(fromLocal: next + 86400)
        }
        return instant
    }
}

/// Text that is not a time range, with what is wrong.
public struct InvalidTimeRange: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text given.
    public var text: String
    /// What is wrong with it.
    public var reason: String

    public var description: String {
        "invalid time range '\(text)': \(reason); write it as 2011-10-01..2011-12-31 (whole days, both included) "
            + "or 2011-10-01T08:00Z..2011-10-08T08:00Z (instants, the end excluded); either end may be left out"
    }
}

/// Calendar arithmetic on seconds since 1970, in the proleptic Gregorian calendar.
enum CivilTime {
    /// Whole days since 1970-01-01 of `seconds`, rounding down.
    static func days(_ seconds: Double) -> Int {
        Int((seconds / 86400).rounded(.down))
    }

    /// `YYYY-MM-DD` of the day `days` after 1970-01-01.
    static func dateText(days: Int) -> String {
        let (year, month, day) = CivilDate.civil(fromDays: days)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    /// `YYYY-MM-DDThh:mm:ssZ` of `seconds`, to the second.
    static func isoText(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded(.down))
        let days = Int((Double(whole) / 86400).rounded(.down))
        let clock = whole - days * 86400
        return dateText(days: days) + "T" + pad(clock / 3600, 2) + ":" + pad(clock / 60 % 60, 2) + ":"
            + pad(clock % 60, 2) + "Z"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
