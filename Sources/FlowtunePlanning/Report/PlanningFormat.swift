import FlowtuneCore
import Foundation

/// The small pieces every planning report is written with: wall-clock times, numbers as
/// planners read them, CSV fields, fixed-width tables for a terminal and the shell of a
/// self-contained page.
///
/// Planning times are wall-clock readings of the queue's own clock written as seconds since
/// 1970 (as if the clock were UTC), so that a day's intervals start at local midnight; a
/// report's `utcOffset`, when the history had one, puts the offset back on in CSV.
enum PlanningFormat {
    static func escape(_ text: String) -> String { ReportText.escapeHTML(text) }

    /// A CSV field, quoted when it holds a delimiter, a quote or a line end (RFC 4180).
    static func csvField(_ text: String) -> String { ReportText.csvField(text) }

    /// A number for CSV: whole numbers as such, others to six significant digits, nothing for
    /// a non-finite value.
    static func csvNumber(_ value: Double?) -> String { ReportText.csvNumber(value) }

    /// `value` with `digits` decimals; `–` when not finite.
    static func fixed(_ value: Double?, _ digits: Int) -> String {
        guard let value, value.isFinite else { return "–" }
        return String(format: "%.\(digits)f", value)
    }

    static func percent(_ share: Double?) -> String {
        guard let share, share.isFinite else { return "–" }
        return String(format: "%.1f%%", share * 100)
    }

    /// A duration as people read it: `45s`, `4m 52s`, `2h 10m`; `–` when not finite.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "–" }
        let total = Int(seconds.rounded())
        if total < 60 { return seconds < 10 && seconds != seconds.rounded() ? String(format: "%.1fs", seconds) : "\(total)s" }
        if total < 3600 { return total % 60 == 0 ? "\(total / 60)m" : "\(total / 60)m \(total % 60)s" }
        return total % 3600 / 60 == 0 ? "\(total / 3600)h" : "\(total / 3600)h \(total % 3600 / 60)m"
    }

    /// Days since 1970 and seconds into the day of a wall-clock reading.
    static func split(_ seconds: Double) -> (days: Int, within: Int) {
        let days = Int((seconds / 86_400).rounded(.down))
        return (days, Int((seconds - Double(days) * 86_400).rounded(.down)))
    }

    /// `07:15`.
    static func clock(_ seconds: Double) -> String {
        let within = split(seconds).within
        return String(format: "%02d:%02d", within / 3600, within / 60 % 60)
    }

    static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// Monday = 0 … Sunday = 6 for days since 1970 (a Thursday).
    static func weekday(ofDay days: Int) -> Int { ((days + 3) % 7 + 7) % 7 }

    /// `2026-03-02 Mon`.
    static func day(_ seconds: Double) -> String {
        let days = split(seconds).days
        let (year, month, day) = CivilDate.civil(fromDays: days)
        return String(format: "%04d-%02d-%02d", year, month, day) + " " + weekdays[weekday(ofDay: days)]
    }

    /// `2026-03-02T07:15:00+01:00`, or without an offset when none is known.
    static func iso(_ seconds: Double, utcOffset: Int?) -> String {
        let (days, within) = split(seconds)
        let (year, month, day) = CivilDate.civil(fromDays: days)
        var text = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, within / 3600, within / 60 % 60, within % 60)
        if let offset = utcOffset {
            if offset == 0 {
                text += "Z"
            } else {
                let magnitude = abs(offset)
                text += String(format: "%@%02d:%02d", offset < 0 ? "-" : "+", magnitude / 3600, magnitude / 60 % 60)
            }
        }
        return text
    }

    /// `+01:00` for an offset in seconds, `UTC` for zero, `local time` when unknown.
    static func offsetName(_ offset: Int?) -> String {
        guard let offset else { return "local time" }
        guard offset != 0 else { return "UTC" }
        let magnitude = abs(offset)
        return String(format: "%@%02d:%02d", offset < 0 ? "-" : "+", magnitude / 3600, magnitude / 60 % 60)
    }

    /// Rows laid out in columns for a terminal; the first row is the header. Columns listed in
    /// `left` are left-aligned (names), the others right-aligned (numbers).
    static func table(_ rows: [[String]], left: Set<Int> = [0]) -> String { ReportText.table(rows, left: left) }

    /// An HTML table; the first row is the header.
    static func htmlTable(_ rows: [[String]]) -> String {
        guard let header = rows.first else { return "" }
        var html = "<table>\n<tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr>\n"
        for row in rows.dropFirst() {
            html += "<tr>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</table>\n"
    }

    /// A self-contained page: inline CSS and SVG, no scripts, no external assets.
    static func page(title: String, body: String) -> String {
        ReportText.page(title: title, body: body)
    }
}
