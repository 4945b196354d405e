import FlowtuneCore
import Foundation

/// Reads the timestamps of event logs and exports, written by hand over UTF-8 because an import
/// parses one or two per event and a formatter would cost more than the rest of the import.
///
/// Accepted: `YYYY-MM-DD`, then optionally `T` or a space and `hh:mm[:ss[.fraction]]`, then
/// optionally `Z`, `±hh`, `±hhmm` or `±hh:mm`. A timestamp with no offset is read in `zone`.
///
/// ```swift
/// Timestamp.parse("2011-10-11 13:45:40.276000+02:00")   // 1318333540.276
/// Timestamp.parse("2010-12-30T14:32:00.000+01:00")      // 1293715920.0
/// ```
public enum Timestamp {
    /// Seconds since 1970 UTC for `text`, or nil when it is not a timestamp.
    public static func parse(_ text: String, zone: TimeZoneRule = .utc) -> Double? {
        var text = text
        return text.withUTF8 { parse(bytes: UnsafeRawBufferPointer($0), zone: zone) }
    }

    /// Seconds since 1970 UTC for the UTF-8 timestamp in `bytes`, or nil.
    public static func parse(bytes: UnsafeRawBufferPointer, zone: TimeZoneRule = .utc) -> Double? {
        var index = 0
        let count = bytes.count
        @inline(__always) func digits(_ n: Int) -> Int? {
            guard index + n <= count else { return nil }
            var value = 0
            for offset in 0..<n {
                let byte = bytes[index + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += n
            return value
        }
        @inline(__always) func expect(_ byte: UInt8) -> Bool {
            guard index < count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2),
              (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year)
        else { return nil }
        var seconds = Double(CivilDate.daysFromCivil(year: year, month: month, day: day) * 86400)
        if index < count, bytes[index] == 84 || bytes[index] == 116 || bytes[index] == 32 {  // T, t or space
            index += 1
            guard let hour = digits(2), hour <= 24, expect(58), let minute = digits(2), minute < 60 else { return nil }
            var clock = hour * 3600 + minute * 60
            if expect(58) {
                guard let second = digits(2), second <= 60 else { return nil }
                clock += second
                seconds += Double(clock)
                if expect(46) || expect(44) {
                    var fraction = 0
                    var scale = 1
                    while index < count, bytes[index] >= 48, bytes[index] <= 57 {
                        if scale < 1_000_000_000 {
                            fraction = fraction * 10 + Int(bytes[index] - 48)
                            scale *= 10
                        }
                        index += 1
                    }
                    guard scale > 1 else { return nil }
                    seconds += Double(fraction) / Double(scale)
                }
            } else {
                seconds += Double(clock)
            }
        }
        if index == count { return zone.utc(fromLocal: seconds) }
        if expect(90) || expect(122) { return index == count ? seconds : nil }  // Z or z
        let sign: Double
        if expect(43) { sign = 1 } else if expect(45) { sign = -1 } else { return nil }
        guard let offsetHours = digits(2), offsetHours < 24 else { return nil }
        var offsetMinutes = 0
        if index < count {
            _ = expect(58)
            guard let minutes = digits(2), minutes < 60, index == count else { return nil }
            offsetMinutes = minutes
        }
        return seconds - sign * Double(offsetHours * 3600 + offsetMinutes * 60)
    }
}

/// How to read a timestamp written without an offset: as UTC, at a fixed offset, or in a named
/// time zone with its daylight-saving rules.
///
/// ```swift
/// let zone = try TimeZoneRule(named: "Europe/Amsterdam")
/// Timestamp.parse("2011-10-11 13:45:40", zone: zone)   // read as 11:45:40 UTC
/// ```
public struct TimeZoneRule: Sendable, Hashable {
    private enum Kind: Sendable, Hashable {
        case fixed(seconds: Int)
        case named(TimeZone)
    }

    private let kind: Kind

    /// Coordinated universal time.
    public static let utc = TimeZoneRule(kind: .fixed(seconds: 0))

    /// A fixed offset east of UTC, in seconds.
    public static func offset(seconds: Int) -> TimeZoneRule { TimeZoneRule(kind: .fixed(seconds: seconds)) }

    private init(kind: Kind) { self.kind = kind }

    /// A zone named as in the tz database (`Europe/Amsterdam`), `UTC`, or an offset such as
    /// `+02:00`.
    public init(named name: String) throws(UnknownTimeZone) {
        if name.uppercased() == "UTC" || name == "Z" {
            self = .utc
            return
        }
        if let first = name.first, first == "+" || first == "-",
           let parsed = Timestamp.parse("1970-01-01T00:00" + name) {
            self = .offset(seconds: Int(-parsed))
            return
        }
        guard let zone = TimeZone(identifier: name) else { throw UnknownTimeZone(name: name) }
        self.kind = .named(zone)
    }

    /// The UTC reading of a local wall-clock reading, both in seconds since 1970. In a gap or
    /// overlap of a daylight-saving change the offset in force just before the change is used.
    public func utc(fromLocal local: Double) -> Double {
        switch kind {
        case .fixed(let seconds):
            return local - Double(seconds)
        case .named(let zone):
            let guess = zone.secondsFromGMT(for: Date(timeIntervalSince1970: local))
            let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: local - Double(guess)))
            return local - Double(offset)
        }
    }
}

/// A time zone name that is neither an offset nor in the tz database.
public struct UnknownTimeZone: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name given.
    public var name: String

    public var description: String {
        "unknown time zone '\(name)': give a tz database name such as Europe/Amsterdam, UTC, or an offset such as +02:00"
    }
}
