import Foundation

/// The text pieces every report is written with — HTML escaping, CSV fields and numbers, and
/// fixed-width tables for a terminal — shared by the mining, planning and simulation reports.
///
/// ```swift
/// ReportText.table([["queue", "waiting"], ["billing", "12"]])
/// // queue    waiting
/// // -------  -------
/// // billing       12
/// ```
public enum ReportText {
    /// `text` with `&`, `<`, `>` and `"` escaped, for HTML text and attribute values.
    public static func escapeHTML(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    /// A CSV field, quoted when it holds a delimiter, a quote or a line end (RFC 4180).
    public static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A number for CSV: whole numbers as such, others to six significant digits, nothing for a
    /// missing or non-finite value.
    public static func csvNumber(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.6g", value)
    }

    /// Rows laid out in columns for a terminal; the first row is the header, underlined. Columns
    /// listed in `left` are left-aligned (names), the others right-aligned (numbers).
    public static func table(_ rows: [[String]], left: Set<Int> = [0]) -> String {
        guard let header = rows.first else { return "" }
        var widths = [Int](repeating: 0, count: header.count)
        for row in rows {
            for (index, cell) in row.enumerated() where index < widths.count { widths[index] = max(widths[index], cell.count) }
        }
        var text = ""
        for (number, row) in rows.enumerated() {
            var line = ""
            for (index, cell) in row.enumerated() where index < widths.count {
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                line += (index == 0 ? "" : "  ") + (left.contains(index) ? cell + pad : pad + cell)
            }
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
            if number == 0 {
                text += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
            }
        }
        return text
    }

    /// A self-contained HTML page — inline CSS and SVG, no scripts, no external assets — in the
    /// reports' common style; `style` adds a report's own CSS rules.
    public static func page(title: String, body: String, style: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>\(escapeHTML(title))</title>
        <style>
        body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1180px; color: #222; padding: 0 1em; }
        h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
        .note { color: #555; }
        table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
        th, td { padding: 2px 10px; border-bottom: 1px solid #e4e4e4; text-align: right; vertical-align: top; }
        th:first-child, td:first-child { text-align: left; }
        .legend span { display: inline-block; margin-right: 1.2em; }
        .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: -1px; }
        svg text { font: 11px system-ui, sans-serif; fill: #333; }
        details { margin: 0.3em 0; } summary { cursor: pointer; }
        \(style)</style>
        </head>
        <body>
        \(body)</body>
        </html>

        """
    }
}
