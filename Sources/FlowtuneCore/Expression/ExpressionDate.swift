/// Reads and writes the dates of the expression language: ISO 8601 calendar dates in UTC,
/// `2026-01-31`, and instants, `2026-01-31T10:00:00Z` or with an offset such as `+02:00`.
///
/// Written by hand over UTF-8 so that `date(task.due)` costs no formatter and no allocation when
/// it runs on every evaluation.
enum ExpressionDate {
    /// Seconds since 1970 for `text`, or nil when it is not a date.
    ///
    /// Accepted: `YYYY-MM-DD` (midnight UTC) and `YYYY-MM-DDThh:mm[:ss[.fff…]]` followed by `Z`,
    /// `±hh:mm` or nothing (UTC).
    static func parse(_ text: String) -> Double? {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    static func parse(bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        var index = 0
        func digits(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for offset in 0..<count {
                let byte = bytes[index + offset]
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += count
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = digits(4), expect(45), let month = digits(2), expect(45), let day = digits(2) else { return nil }
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else { return nil }
        var seconds = Double(CivilDate.daysFromCivil(year: year, month: month, day: day)) * 86400
        if index == bytes.count { return seconds }
        guard expect(84) || expect(116) else { return nil }  // T or t
        guard let hour = digits(2), hour < 24, expect(58), let minute = digits(2), minute < 60 else { return nil }
        seconds += Double(hour * 3600 + minute * 60)
        if expect(58) {
            guard let second = digits(2), second < 60 else { return nil }
            seconds += Double(second)
            if expect(46) {
                var scale = 0.1
                var sawDigit = false
                while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
                    seconds += Double(bytes[index] - 48) * scale
                    scale /= 10
                    index += 1
                    sawDigit = true
                }
                guard sawDigit else { return nil }
            }
        }
        if index == bytes.count || expect(90) || expect(122) {  // nothing, Z or z: UTC
            return index == bytes.count ? seconds : nil
        }
        let sign: Double
        if expect(43) { sign = 1 } else if expect(45) { sign = -1 } else { return nil }
        guard let offsetHours = digits(2), offsetHours < 24 else { return nil }
        _ = expect(58)
        guard let offsetMinutes = digits(2), offsetMinutes < 60, index == bytes.count else { return nil }
        return seconds - sign * Double(offsetHours * 3600 + offsetMinutes * 60)
    }

    /// ISO 8601 text for `seconds`: the date alone at midnight UTC, else the instant in UTC.
    static func format(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= minimum, seconds < maximum else { return ExpressionValue.numberText(seconds) }
        let days = (seconds / 86400).rounded(.down)
        let (year, month, day) = CivilDate.civil(fromDays: Int(days))
        var text = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
        let within = seconds - days * 86400
        if within == 0 { return text }
        let whole = Int(within.rounded(.down))
        text += "T" + pad(whole / 3600, 2) + ":" + pad(whole / 60 % 60, 2) + ":" + pad(whole % 60, 2)
        let fraction = within - Double(whole)
        if fraction > 0 {
            var digits = String(Int((fraction * 1_000_000).rounded()))
            digits = String(repeating: "0", count: max(0, 6 - digits.count)) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            if !digits.isEmpty { text += "." + digits }
        }
        return text + "Z"
    }

    /// The literal that reads back as `seconds`: `date("…")`, or `date(<seconds>)` outside years 0–9999.
    static func literal(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= minimum, seconds < maximum else {
            return "date(" + ExpressionValue.numberText(seconds) + ")"
        }
        return "date(\"" + format(seconds) + "\")"
    }

    /// 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z, the span four-digit years can write.
    static let minimum = Double(CivilDate.daysFromCivil(year: 0, month: 1, day: 1)) * 86400
    static let maximum = Double(CivilDate.daysFromCivil(year: 10000, month: 1, day: 1)) * 86400

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
