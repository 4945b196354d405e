import Foundation

extension MeasureComparison {
    /// The period value as a report shows it: a median time or a share with its count.
    static func text(_ measure: OutcomeMeasure, _ value: PeriodValue) -> String {
        guard let number = value.value else { return "–" }
        if measure.isDuration { return ReportFormat.duration(number) }
        return ReportFormat.percent(number) + (value.count.map { " (\($0)/\(value.n))" } ?? "")
    }

    /// After − before, as a report shows it.
    var differenceText: String {
        guard let difference else { return "–" }
        if measure.isDuration { return (difference >= 0 ? "+" : "") + ReportFormat.duration(difference) }
        return String(format: "%+.1f pts", difference * 100)
    }

    var pText: String {
        guard let pValue else { return "–" }
        return pValue < 0.0001 ? "<0.0001" : String(format: "%.4f", pValue)
    }

    var effectText: String {
        guard let effectSize else { return "–" }
        return String(format: "%+.2f %@", effectSize, test == .mannWhitneyU ? "r" : "h")
    }

    /// The row's cells: measure, before, after, difference, test, p, effect, verdict.
    var cells: [String] {
        [measure.description, Self.text(measure, before), Self.text(measure, after), differenceText,
         test == .mannWhitneyU ? "Mann–Whitney U" : "two-proportion z", pText, effectText, verdict.rawValue]
    }

    static let headers = ["measure", "before", "after", "difference", "test", "p", "effect", "verdict"]
}

extension PilotComparison {
    /// The comparison as a terminal table, with what was compared above it.
    ///
    /// ```swift
    /// print(comparison.table())
    /// ```
    public func table() -> String {
        var text = "Pilot proof: \(scope)\n"
        text += "before \(before): \(beforeCases.total) cases (\(beforeCases.open) open)\n"
        text += "after  \(after): \(afterCases.total) cases (\(afterCases.open) open)\n\n"
        text += ReportFormat.table([MeasureComparison.headers] + measures.map(\.cells), left: [0, 4, 7])
        text += "\nTimes are medians (Mann–Whitney U; r is the rank-biserial correlation, negative when after is faster); "
            + "shares are of cases (two-proportion z; h is Cohen's h). Verdicts at α = \(ReportFormat.csvNumber(alpha)).\n"
        return text
    }

    /// One CSV row per measure, numbers in seconds and shares from 0 to 1.
    public func csv() -> String {
        var lines = ["measure,before_n,before_value,after_n,after_value,difference,test,p_value,effect_size,verdict"]
        for row in measures {
            lines.append([row.measure.rawValue, String(row.before.n), ReportFormat.csvNumber(row.before.value),
                          String(row.after.n), ReportFormat.csvNumber(row.after.value), ReportFormat.csvNumber(row.difference),
                          row.test.rawValue, ReportFormat.csvNumber(row.pValue), ReportFormat.csvNumber(row.effectSize),
                          ReportFormat.csvField(row.verdict.rawValue)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A self-contained HTML page with the comparison table and, per time measure, the
    /// quartiles of each period side by side.
    public func html(title: String) -> String {
        var body = "<h1>\(ReportFormat.escape(title))</h1>\n"
        body += "<p class=\"note\">\(ReportFormat.escape(scope.description)). Before: \(ReportFormat.escape(before.description)), "
            + "\(beforeCases.total) cases (\(beforeCases.open) open). After: \(ReportFormat.escape(after.description)), "
            + "\(afterCases.total) cases (\(afterCases.open) open). Verdicts at α = \(ReportFormat.csvNumber(alpha)).</p>\n"
        body += MeasureComparison.htmlTable(measures)
        body += "<h2>Times, before and after</h2>\n<p class=\"note\">Median (dot) and the middle half of cases (bar).</p>\n"
        body += MeasureComparison.quartileChart(measures.filter { $0.measure.isDuration })
        return ReportFormat.page(title: title + " — Flowtune pilot proof", body: body)
    }
}

extension MeasureComparison {
    static func htmlTable(_ rows: [MeasureComparison]) -> String {
        var html = "<table>\n<tr>" + headers.map { "<th>\($0)</th>" }.joined() + "</tr>\n"
        for row in rows {
            let cells = row.cells
            html += "<tr>" + cells.enumerated().map { index, cell in
                let style = index == cells.count - 1
                    ? (row.verdict == .improved ? " class=\"improved\"" : row.verdict == .worse ? " class=\"worse\"" : "") : ""
                return "<td\(style)>\(ReportFormat.escape(cell))</td>"
            }.joined() + "</tr>\n"
        }
        return html + "</table>\n"
    }

    static func quartileChart(_ rows: [MeasureComparison]) -> String {
        let usable = rows.filter { $0.before.value != nil || $0.after.value != nil }
        guard !usable.isEmpty else { return "<p>No finished work to time.</p>\n" }
        let rowHeight = 46.0, left = 200.0, plotW = 560.0, top = 24.0
        let height = top + Double(usable.count) * rowHeight
        var svg = "<svg viewBox=\"0 0 820 \(Int(height))\" width=\"820\" height=\"\(Int(height))\" role=\"img\">\n"
        for (row, comparison) in usable.enumerated() {
            let periods = [("before", comparison.before, "#7f7f7f"), ("after", comparison.after, "#1f77b4")]
            let high = periods.compactMap { $0.1.upperQuartile ?? $0.1.value }.max() ?? 1
            let scale = high > 0 ? plotW / (high * 1.1) : 1
            let y0 = top + Double(row) * rowHeight
            svg += "<text x=\"4\" y=\"\(y0 + 16)\">\(ReportFormat.escape(comparison.measure.description))</text>\n"
            for (index, (name, value, color)) in periods.enumerated() {
                guard let median = value.value else { continue }
                let y = y0 + Double(index) * 16 + 6
                let low = value.lowerQuartile ?? median, up = value.upperQuartile ?? median
                svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%@</text>", left - 6, y + 9, name)
                svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"10\" fill=\"%@\" opacity=\"0.35\"/>", left + low * scale, y, max(1, (up - low) * scale), color)
                svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%@\"><title>median %@</title></circle>", left + median * scale, y + 5, color, ReportFormat.duration(median))
                svg += String(format: "<text x=\"%.1f\" y=\"%.1f\">%@</text>\n", left + up * scale + 8, y + 9, ReportFormat.duration(median))
            }
        }
        return svg + "</svg>\n"
    }
}
