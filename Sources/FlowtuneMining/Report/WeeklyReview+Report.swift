import Foundation

extension WeeklyReview {
    /// The review as terminal tables: per workflow, each measure's weekly values over the trend
    /// weeks with its direction, then the reviewed week against the weeks before it.
    ///
    /// ```swift
    /// print(review.table())
    /// ```
    public func table() -> String {
        var text = "Weekly review: \(week) (\(ReportFormat.date(week.start(in: .utc)).prefix(10)) on), \(scope)"
            + (groupedBy.map { ", by \($0)" } ?? "") + "\n"
        for report in workflows {
            text += "\n== \(report.workflow ?? (groupedBy == nil ? "all cases" : "(no \(groupedBy ?? ""))")) ==\n"
            var rows: [[String]] = [["measure"] + report.weeks.map { "W" + String(format: "%02d", $0.week.week) } + ["trend"]]
            rows.append(["cases"] + report.weeks.map { String($0.cases) } + [""])
            for trend in report.trends {
                var row = [trend.measure.description]
                for week in report.weeks {
                    let value = week.values[trend.measure]
                    row.append(value.flatMap { $0.value.map { number in trend.measure.isDuration ? ReportFormat.duration(number) : ReportFormat.percent(number) } } ?? "–")
                }
                row.append(trend.direction.rawValue)
                rows.append(row)
            }
            text += ReportFormat.table(rows, left: [0, rows[0].count - 1])
            text += "\n\(week) against the \(baseline.count) weeks before it (\(report.baselineCases) cases):\n"
            text += ReportFormat.table([MeasureComparison.headers] + report.comparison.map(\.cells), left: [0, 4, 7])
        }
        text += "\nTimes are medians; trends by Mann–Kendall over the weeks shown; verdicts at α = \(ReportFormat.csvNumber(alpha)).\n"
        return text
    }

    /// One CSV row per workflow, week and measure.
    public func csv() -> String {
        var lines = ["workflow,week,cases,open,measure,n,value"]
        for report in workflows {
            for week in report.weeks {
                for measure in OutcomeMeasure.allCases {
                    let value = week.values[measure]
                    lines.append([ReportFormat.csvField(report.workflow ?? ""), week.week.description, String(week.cases),
                                  String(week.open), measure.rawValue, String(value?.n ?? 0),
                                  ReportFormat.csvNumber(value?.value)].joined(separator: ","))
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A self-contained HTML page: per workflow, a small chart of each measure over the trend
    /// weeks and the week's comparison table.
    public func html(title: String) -> String {
        var body = "<h1>\(ReportFormat.escape(title))</h1>\n"
        body += "<p class=\"note\">Week \(week), \(ReportFormat.escape(scope.description)); trends over \(trendWeeks) weeks "
            + "(Mann–Kendall), the week against the \(baseline.count) before it. Verdicts at α = \(ReportFormat.csvNumber(alpha)).</p>\n"
        for report in workflows {
            body += "<h2>\(ReportFormat.escape(report.workflow ?? (groupedBy == nil ? "All cases" : "(no \(groupedBy ?? ""))")))</h2>\n"
            body += "<p class=\"note\">" + report.weeks.map { "\($0.week): \($0.cases) cases" }.joined(separator: " · ") + "</p>\n"
            body += "<div>" + report.trends.map { sparkline($0, weeks: report.weeks) }.joined() + "</div>\n"
            body += MeasureComparison.htmlTable(report.comparison)
        }
        return ReportFormat.page(title: title + " — Flowtune weekly review", body: body)
    }

    private func sparkline(_ trend: Trend, weeks: [Week]) -> String {
        let width = 260.0, height = 90.0, left = 8.0, top = 26.0, bottom = 16.0
        let values = trend.values.compactMap { $0 }
        let high = values.max() ?? 0
        let plotH = height - top - bottom
        let step = trend.values.count > 1 ? (width - 2 * left) / Double(trend.values.count - 1) : 0
        func y(_ value: Double) -> Double { top + plotH - (high > 0 ? value / high * plotH : 0) }
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" style=\"margin-right:12px\">"
        let color = trend.direction == .improving ? "#1a7f37" : trend.direction == .worsening ? "#b42318" : "#1f77b4"
        svg += "<text x=\"\(left)\" y=\"12\">\(ReportFormat.escape(trend.measure.description)): \(trend.direction.rawValue)</text>"
        var points: [String] = []
        for (index, value) in trend.values.enumerated() {
            guard let value else { continue }
            let x = left + Double(index) * step
            points.append(String(format: "%.1f,%.1f", x, y(value)))
            let label = trend.measure.isDuration ? ReportFormat.duration(value) : ReportFormat.percent(value)
            let week = index < weeks.count ? weeks[index].week.description : ""
            svg += String(format: "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%@\"><title>%@: %@</title></circle>", x, y(value), color, week, label)
        }
        if points.count > 1 { svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(points.joined(separator: " "))\"/>" }
        let highText = trend.measure.isDuration ? ReportFormat.duration(high) : ReportFormat.percent(high)
        svg += "<text x=\"\(width - 4)\" y=\"\(height - 2)\" text-anchor=\"end\">max \(highText)</text>"
        return svg + "</svg>"
    }
}
