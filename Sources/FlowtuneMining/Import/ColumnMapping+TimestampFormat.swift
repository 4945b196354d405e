import FlowtuneCore
extension ColumnMapping {
    /// How the timestamps of a CSV export are written.
    ///
    /// ```swift
    /// try ColumnMapping.TimestampFormat(parsing: "iso8601")                 // 2011-10-11 13:45:40.276000+02:00
    /// try ColumnMapping.TimestampFormat(parsing: "dd/MM/yyyy HH:mm[:ss]")   // 11/10/2011 13:45
    /// try ColumnMapping.TimestampFormat(parsing: "epoch-ms")                // 1318333540276
    /// ```
    public enum TimestampFormat: Sendable, Hashable, CustomStringConvertible {
        /// `YYYY-MM-DD[( |T)hh:mm[:ss[.fraction]]][Z|±hh[:mm]]`, read by ``Timestamp/parse(bytes:zone:)``.
        case iso8601
        /// Seconds since 1970 UTC, possibly with a fraction.
        case epochSeconds
        /// Milliseconds since 1970 UTC.
        case epochMilliseconds
        /// A layout such as `dd/MM/yyyy HH:mm[:ss]`; see ``TimestampPattern``.
        case pattern(TimestampPattern)

        /// `iso8601` (or `iso`), `epoch` (or `epoch-s`), `epoch-ms`, or a pattern.
        public init(parsing text: String) throws(TimestampPattern.Problem) {
            switch text.lowercased() {
            case "iso8601", "iso", "iso-8601": self = .iso8601
            case "epoch", "epoch-s", "unix": self = .epochSeconds
            case "epoch-ms", "unix-ms": self = .epochMilliseconds
            default: self = .pattern(try TimestampPattern(text))
            }
        }

        public var description: String {
            switch self {
            case .iso8601: "ISO 8601 such as 2011-10-11 13:45:40.276+02:00"
            case .epochSeconds: "seconds since 1970 (epoch)"
            case .epochMilliseconds: "milliseconds since 1970 (epoch-ms)"
            case .pattern(let pattern): pattern.text
            }
        }
    }
}

/// A timestamp layout written with the letters of Unicode date patterns, compiled once and
/// matched byte by byte.
///
/// | letters | meaning |
/// |---|---|
/// | `yyyy` | year, four digits |
/// | `M`, `MM` | month, one or two digits |
/// | `d`, `dd` | day of the month, one or two digits |
/// | `H`, `HH` | hour 0–23, one or two digits |
/// | `h`, `hh` and `a` | hour 1–12 and `AM`/`PM` |
/// | `m`, `mm` / `s`, `ss` | minute / second, one or two digits |
/// | `S…` | fraction of a second, any number of digits |
/// | `X`, `XX`, `XXX`, `Z`, `ZZZZZ` | offset: `Z`, `±hh`, `±hhmm` or `±hh:mm` |
/// | `[…]` | optional: used when the text matches it, skipped otherwise |
/// | `'…'` | literal text, such as `'T'` |
///
/// Any other character that is not a letter stands for itself. Without an offset in the text,
/// the mapping's time zone applies.
///
/// ```swift
/// let pattern = try TimestampPattern("MM/dd/yyyy hh:mm[:ss] a")
/// pattern.parse("10/11/2011 1:45 PM")   // (local: 1318340700, offset: nil)
/// ```
public struct TimestampPattern: Sendable, Hashable {
    /// The pattern as written.
    public let text: String
    private let ops: [Op]

    /// A pattern that cannot be used, with why.
    public struct Problem: Error, Sendable, Hashable, CustomStringConvertible {
        /// The pattern.
        public var pattern: String
        /// What is wrong with it.
        public var message: String
        public var description: String { "timestamp format '\(pattern)': \(message)" }
    }

    enum Op: Sendable, Hashable {
        case year
        case month
        case day
        case hour24
        case hour12
        case meridiem
        case minute
        case second
        case fraction
        case offset
        case literal(UInt8)
        /// The ops up to (not including) index `end` may be skipped as a whole.
        case optional(end: Int)
    }

    /// Compiles `text`.
    public init(_ text: String) throws(Problem) {
        self.text = text
        var ops: [Op] = []
        var open: [Int] = []
        var hour12 = false
        var meridiem = false
        let bytes = Array(text.utf8)
        var index = 0
        func problem(_ message: String) -> Problem { Problem(pattern: text, message: message) }
        while index < bytes.count {
            let byte = bytes[index]
            var run = 1
            while index + run < bytes.count, bytes[index + run] == byte { run += 1 }
            switch byte {
            case UInt8(ascii: "y"):
                guard run == 4 else { throw problem("write the year as yyyy") }
                ops.append(.year)
            case UInt8(ascii: "M"):
                guard run <= 2 else { throw problem("write the month as M or MM (month names are not supported)") }
                ops.append(.month)
            case UInt8(ascii: "d"):
                guard run <= 2 else { throw problem("write the day as d or dd") }
                ops.append(.day)
            case UInt8(ascii: "H"):
                guard run <= 2 else { throw problem("write the hour as H or HH") }
                ops.append(.hour24)
            case UInt8(ascii: "h"):
                guard run <= 2 else { throw problem("write the hour as h or hh") }
                ops.append(.hour12)
                hour12 = true
            case UInt8(ascii: "a"):
                ops.append(.meridiem)
                meridiem = true
            case UInt8(ascii: "m"):
                guard run <= 2 else { throw problem("write the minute as m or mm") }
                ops.append(.minute)
            case UInt8(ascii: "s"):
                guard run <= 2 else { throw problem("write the second as s or ss") }
                ops.append(.second)
            case UInt8(ascii: "S"):
                ops.append(.fraction)
            case UInt8(ascii: "X"), UInt8(ascii: "Z"), UInt8(ascii: "x"):
                ops.append(.offset)
            case UInt8(ascii: "["):
                open.append(ops.count)
                ops.append(.optional(end: 0))
                run = 1
            case UInt8(ascii: "]"):
                guard let start = open.popLast() else { throw problem("']' closes no '['") }
                ops[start] = .optional(end: ops.count)
                run = 1
            case UInt8(ascii: "'"):
                guard let close = bytes[(index + 1)...].firstIndex(of: UInt8(ascii: "'")) else {
                    throw problem("a quote opens literal text that is never closed")
                }
                for literal in bytes[(index + 1)..<close] { ops.append(.literal(literal)) }
                if close == index + 1 { ops.append(.literal(UInt8(ascii: "'"))) }  // '' is a quote
                run = close - index + 1
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
                throw problem(
                    "unknown letter '\(Character(Unicode.Scalar(byte)))'; use yyyy, MM, dd, HH, hh, a, mm, ss, S, XXX, [optional] and 'literal'")
            default:
                for _ in 0..<run { ops.append(.literal(byte)) }
            }
            index += run
        }
        guard open.isEmpty else { throw problem("a '[' is never closed") }
        guard ops.contains(.year), ops.contains(.month), ops.contains(.day) else {
            throw problem("a timestamp needs a year (yyyy), a month (MM) and a day (dd)")
        }
        guard hour12 == meridiem else {
            throw problem(hour12 ? "a 12-hour clock (h) needs AM/PM (a)" : "AM/PM (a) needs a 12-hour clock (hh)")
        }
        self.ops = ops
    }

    public static func == (lhs: TimestampPattern, rhs: TimestampPattern) -> Bool { lhs.text == rhs.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// The wall-clock reading of `text` (seconds since 1970, as if it were UTC) and the offset
    /// east of UTC written in it, if any; nil when it does not match.
    public func parse(_ text: String) -> (local: Double, offset: Int?)? {
        var text = text
        return text.withUTF8 { parse(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// ``parse(_:)`` over UTF-8 bytes.
    public func parse(bytes: UnsafeRawBufferPointer) -> (local: Double, offset: Int?)? {
        var fields = Fields()
        var index = 0
        guard match(ops[...], bytes, &index, &fields), index == bytes.count else { return nil }
        var hour = fields.hour
        if let pm = fields.pm {
            guard hour >= 1, hour <= 12 else { return nil }
            hour = hour % 12 + (pm ? 12 : 0)
        }
        guard (1...12).contains(fields.month), fields.day >= 1,
            fields.day <= CivilDate.daysIn(month: fields.month, year: fields.year),
            hour <= 23, fields.minute <= 59, fields.second <= 60
        else { return nil }
        let days = CivilDate.daysFromCivil(year: fields.year, month: fields.month, day: fields.day)
        let local = Double(days * 86400 + hour * 3600 + fields.minute * 60 + fields.second) + fields.fraction
        return (local, fields.offset)
    }

    private struct Fields {
        var year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var pm: Bool?
        var offset: Int?
    }

    private func match(_ ops: ArraySlice<Op>, _ bytes: UnsafeRawBufferPointer, _ index: inout Int, _ fields: inout Fields) -> Bool {
        var position = ops.startIndex
        @inline(__always) func number(_ minDigits: Int, _ maxDigits: Int) -> Int? {
            var value = 0
            var digits = 0
            while digits < maxDigits, index < bytes.count, bytes[index] &- 48 < 10 {
                value = value * 10 + Int(bytes[index] &- 48)
                index += 1
                digits += 1
            }
            return digits >= minDigits ? value : nil
        }
        while position < ops.endIndex {
            switch ops[position] {
            case .year:
                guard let value = number(4, 4) else { return false }
                fields.year = value
            case .month:
                guard let value = number(1, 2) else { return false }
                fields.month = value
            case .day:
                guard let value = number(1, 2) else { return false }
                fields.day = value
            case .hour24, .hour12:
                guard let value = number(1, 2) else { return false }
                fields.hour = value
            case .minute:
                guard let value = number(1, 2) else { return false }
                fields.minute = value
            case .second:
                guard let value = number(1, 2) else { return false }
                fields.second = value
            case .fraction:
                var scale = 1.0
                var value = 0.0
                let start = index
                while index < bytes.count, bytes[index] &- 48 < 10 {
                    if scale < 1e9 {  // nanoseconds are plenty; more digits would only overflow
                        scale *= 10
                        value = value * 10 + Double(bytes[index] &- 48)
                    }
                    index += 1
                }
                guard index > start else { return false }
                fields.fraction = value / scale
            case .meridiem:
                guard index + 2 <= bytes.count, bytes[index + 1] | 0x20 == UInt8(ascii: "m") else { return false }
                switch bytes[index] | 0x20 {
                case UInt8(ascii: "a"): fields.pm = false
                case UInt8(ascii: "p"): fields.pm = true
                default: return false
                }
                index += 2
            case .offset:
                guard index < bytes.count else { return false }
                if bytes[index] | 0x20 == UInt8(ascii: "z") {
                    index += 1
                    fields.offset = 0
                } else {
                    let sign: Int
                    switch bytes[index] {
                    case UInt8(ascii: "+"): sign = 1
                    case UInt8(ascii: "-"): sign = -1
                    default: return false
                    }
                    index += 1
                    guard let hours = number(2, 2), hours < 24 else { return false }
                    if index < bytes.count, bytes[index] == UInt8(ascii: ":") { index += 1 }
                    let minutes = number(2, 2) ?? 0
                    guard minutes < 60 else { return false }
                    fields.offset = sign * (hours * 3600 + minutes * 60)
                }
            case .literal(let byte):
                guard index < bytes.count, bytes[index] == byte else { return false }
                index += 1
            case .optional(let end):
                let saved = (index, fields)
                if !match(ops[(position + 1)..<end], bytes, &index, &fields) { (index, fields) = saved }
                position = end
                continue
            }
            position += 1
        }
        return true
    }
}
