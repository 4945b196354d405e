import FlowtuneCore
import Foundation

/// The small pieces every mining report is written with: escaping, numbers and durations as
/// people read them, fixed-width tables for a terminal and the shell of a self-contained page.
enum ReportFormat {
    static func escape(_ text: String) -> String { ReportText.escapeHTML(text) }

    /// A CSV field, quoted when it holds a delimiter, a quote or a line end (RFC 4180).
    static func csvField(_ text: String) -> String { ReportText.csvField(text) }

    static func csvNumber(_ value: Double?) -> String { ReportText.csvNumber(value) }

    /// A duration in the two largest units that matter: `45s`, `12m 5s`, `3h 20m`, `4d 6h`.
    static func duration(_ seconds: Double?) -> String {
        guard let seconds, seconds.isFinite else { return "–" }
        let sign = seconds < 0 ? "-" : ""
        let total = abs(seconds)
        if total < 60 { return sign + (total < 10 && total != total.rounded() ? String(format: "%.1fs", total) : "\(Int(total.rounded()))s") }
        let units: [(String, Double)] = [("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        for (index, (name, size)) in units.enumerated() where total >= size {
            let whole = (total / size).rounded(.down)
            let (nextName, nextSize) = units[min(index + 1, units.count - 1)]
            let rest = ((total - whole * size) / nextSize).rounded(.down)
            return sign + "\(Int(whole))\(name)" + (rest > 0 && nextName != name ? " \(Int(rest))\(nextName)" : "")
        }
        return sign + "\(Int(total))s"
    }

    static func percent(_ share: Double?) -> String {
        guard let share, share.isFinite else { return "–" }
        let value = share * 100
        return value > 0 && value < 10 ? String(format: "%.1f%%", value) : String(format: "%.0f%%", value)
    }

    static func score(_ value: Double) -> String { String(format: "%.2f", value) }

    static func date(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "–" }
        let days = Int((seconds / 86_400).rounded(.down))
        let (year, month, day) = CivilDate.civil(fromDays: days)
        let within = Int(seconds - Double(days) * 86_400)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", year, month, day, within / 3600, within / 60 % 60)
    }

    /// Rows laid out in columns for a terminal; the first row is the header. Columns listed in
    /// `left` are left-aligned (names), the others right-aligned (numbers).
    static func table(_ rows: [[String]], left: Set<Int> = [0]) -> String { ReportText.table(rows, left: left) }

    /// Cuts a long name for a chart label, keeping its start.
    static func clip(_ text: String, _ length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    /// A colour from pale yellow (0) to deep red (1) for heat maps.
    static func heat(_ share: Double) -> String {
        let t = max(0, min(1, share.isFinite ? share : 0))
        let stops: [(Double, Double, Double)] = [(255, 247, 188), (254, 196, 79), (236, 112, 20), (153, 52, 4)]
        let position = t * Double(stops.count - 1)
        let index = min(Int(position), stops.count - 2)
        let f = position - Double(index)
        let (r0, g0, b0) = stops[index], (r1, g1, b1) = stops[index + 1]
        return String(format: "#%02x%02x%02x", Int(r0 + (r1 - r0) * f), Int(g0 + (g1 - g0) * f), Int(b0 + (b1 - b0) * f))
    }

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

    /// The mining reports' own rules: names and reasons left-aligned, verdicts coloured.
    static let style = """
        td.name { text-align: left; }
        td.why { text-align: left; color: #444; max-width: 520px; }
        .improved { color: #1a7f37; font-weight: 600; } .worse { color: #b42318; font-weight: 600; }

        """

    /// A self-contained page: inline CSS and SVG, no scripts, no external assets.
    static func page(title: String, body: String) -> String {
        ReportText.page(title: title, body: body, style: style)
    }
}
