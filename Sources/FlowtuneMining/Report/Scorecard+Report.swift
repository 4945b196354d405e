import Foundation

extension Scorecard {
    /// Short column heads for the eight criteria in a terminal table, in ``Criterion`` order.
    static let shortNames: [Criterion: String] = [
        .customerImpact: "CUS", .exceptionVolume: "EXC", .hiddenLabor: "LAB", .revenueImpact: "REV",
        .ownershipClarity: "OWN", .systemClarity: "SYS", .riskLevel: "RSK", .improvementEvidence: "EVD",
    ]

    /// The ranked hand-offs as a terminal table — rank, hand-off, total, the eight criterion
    /// scores, how often it happened and how long work waited — followed by why the first few
    /// rank where they do.
    ///
    /// ```swift
    /// print(scorecard.table(top: 15))
    /// ```
    public func table(top: Int = 15, teams: Bool = false, explain: Int = 3) -> String {
        let list = teams ? teamHandoffs : handoffs
        guard !list.isEmpty else {
            return teams ? "No team hand-offs: the log names no groups, or work never changes team.\n"
                : "No hand-offs: no case has two activities.\n"
        }
        var rows: [[String]] = [
            ["#", teams ? "team hand-off" : "hand-off", "score"] + Criterion.allCases.map { Self.shortNames[$0] ?? $0.rawValue }
                + ["count", "cases", "median wait", "p90 wait"]
        ]
        for score in list.prefix(top) {
            var row = [String(score.rank), ReportFormat.clip("\(score.from) → \(score.to)", 70), ReportFormat.score(score.total)]
            row += Criterion.allCases.map { criterion in score.score(criterion).map { String(format: "%.1f", $0.score) } ?? "–" }
            row += [String(score.count), String(score.cases), ReportFormat.duration(score.handoffTime.median),
                    ReportFormat.duration(score.handoffTime.p90)]
            rows.append(row)
        }
        var text = ReportFormat.table(rows, left: [1])
        if list.count > top { text += "… \(list.count - top) more; --top N shows more, --csv or --json all of them.\n" }
        text += "Scores run 1–5, higher: a stronger case to fix first. "
            + Criterion.allCases.map { "\(Self.shortNames[$0] ?? "") \($0.title.lowercased())" }.joined(separator: ", ") + ".\n"
        for score in list.prefix(explain) {
            text += "\n#\(score.rank) \(score.from) → \(score.to): \(ReportFormat.score(score.total))\n"
            for criterion in score.criteria {
                // The summary names where a rating came from; it is written to read on its own.
                text += "  \(criterion.criterion.title) \(String(format: "%.1f", criterion.score)): \(criterion.summary)\n"
            }
        }
        if !unusedRatings.isEmpty {
            text += "\nRatings that match nothing in the log: \(unusedRatings.joined(separator: ", "))\n"
        }
        return text
    }

    /// Every hand-off as one CSV row: level, rank, from, to, total, volume, hand-off time in
    /// seconds, and each criterion's score and where it came from.
    public func csv() -> String {
        var header = ["level", "rank", "from", "to", "score", "count", "cases", "wait_mean_s", "wait_median_s", "wait_p90_s"]
        for criterion in Criterion.allCases { header += [criterion.rawValue, criterion.rawValue + "_source"] }
        var lines = [header.joined(separator: ",")]
        for score in handoffs + teamHandoffs {
            var fields = [score.level.rawValue, String(score.rank), ReportFormat.csvField(score.from), ReportFormat.csvField(score.to),
                          ReportFormat.csvNumber(score.total), String(score.count), String(score.cases),
                          ReportFormat.csvNumber(score.handoffTime.mean), ReportFormat.csvNumber(score.handoffTime.median),
                          ReportFormat.csvNumber(score.handoffTime.p90)]
            for criterion in Criterion.allCases {
                let entry = score.score(criterion)
                fields += [ReportFormat.csvNumber(entry?.score), entry?.source.rawValue ?? ""]
            }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A self-contained HTML report: the ranked list as stacked bars (each criterion's weighted
    /// share of the total), a hand-off heat map (from × to, coloured by score), and every
    /// hand-off's numbers behind its scores; the same for team hand-offs when the log has teams.
    public func html(title: String, analysis: LogAnalysis? = nil, top: Int = 25) -> String {
        var body = "<h1>\(ReportFormat.escape(title))</h1>\n"
        var facts = ["\(cases) cases", "\(handoffs.count) activity hand-offs"]
        if !teamHandoffs.isEmpty { facts.append("\(teamHandoffs.count) team hand-offs") }
        if let analysis {
            facts.append("\(analysis.events) events")
            facts.append("median cycle time \(ReportFormat.duration(analysis.cycleTime.median))")
        }
        facts.append("judged at \(ReportFormat.date(asOf))")
        body += "<p class=\"note\">\(facts.joined(separator: " · ")). Each hand-off is scored 1–5 on eight criteria "
            + "(higher: a stronger case to fix it first); the total is their weighted mean. Weights: "
            + Criterion.allCases.map { "\(ReportFormat.escape($0.title.lowercased())) \(ReportFormat.csvNumber(weights[$0] ?? 1))" }
                .joined(separator: ", ") + ".</p>\n"
        body += legend()
        body += section(handoffs, heading: "Activity hand-offs", top: top)
        if !teamHandoffs.isEmpty {
            body += section(teamHandoffs, heading: "Team hand-offs", top: top)
        }
        if !unusedRatings.isEmpty {
            body += "<p class=\"note\">Ratings that match nothing in the log: "
                + ReportFormat.escape(unusedRatings.joined(separator: ", ")) + ".</p>\n"
        }
        return ReportFormat.page(title: title + " — Flowtune hand-off scorecard", body: body)
    }

    private func legend() -> String {
        "<p class=\"legend\">" + Criterion.allCases.enumerated().map { index, criterion in
            "<span><i style=\"background:\(ReportFormat.palette[index % ReportFormat.palette.count])\"></i>\(ReportFormat.escape(criterion.title))</span>"
        }.joined() + "</p>\n"
    }

    private func section(_ list: [HandoffScore], heading: String, top: Int) -> String {
        guard !list.isEmpty else { return "" }
        var html = "<h2>\(ReportFormat.escape(heading)): ranked</h2>\n"
        html += "<p class=\"note\">The \(min(top, list.count)) highest of \(list.count); each bar is the total score, "
            + "split into each criterion's weighted share.</p>\n"
        html += rankedBars(Array(list.prefix(top)))
        html += "<h2>\(ReportFormat.escape(heading)): heat map</h2>\n"
        html += "<p class=\"note\">From (rows) → to (columns), coloured by total score from the lowest (pale) to the highest (dark); the number is how often the hand-off happened. "
            + "Hover a cell for its wait.</p>\n"
        html += heatMap(list)
        html += "<h2>\(ReportFormat.escape(heading)): the numbers behind each score</h2>\n"
        html += details(Array(list.prefix(max(top, 50))))
        return html
    }

    private func rankedBars(_ list: [HandoffScore]) -> String {
        let rowHeight = 18.0, left = 380.0, plotW = 520.0, top = 22.0
        let height = top + Double(list.count) * rowHeight + 8
        func x(_ score: Double) -> Double { left + score / 5 * plotW }
        var svg = "<svg viewBox=\"0 0 960 \(Int(height))\" width=\"960\" height=\"\(Int(height))\" role=\"img\" aria-label=\"ranked hand-offs\">\n"
        for tick in 0...5 {
            svg += "<line x1=\"\(x(Double(tick)))\" x2=\"\(x(Double(tick)))\" y1=\"\(top - 4)\" y2=\"\(height - 6)\" stroke=\"#e4e4e4\"/>"
            svg += "<text x=\"\(x(Double(tick)))\" y=\"\(top - 8)\" text-anchor=\"middle\">\(tick)</text>\n"
        }
        let totalWeight = Criterion.allCases.reduce(0.0) { $0 + (weights[$1] ?? 1) }
        for (row, score) in list.enumerated() {
            let y = top + Double(row) * rowHeight
            let label = "\(score.rank). \(ReportFormat.clip(score.from, 26)) → \(ReportFormat.clip(score.to, 26))"
            svg += "<text x=\"\(left - 8)\" y=\"\(y + 12)\" text-anchor=\"end\"><title>\(ReportFormat.escape("\(score.from) → \(score.to)"))</title>\(ReportFormat.escape(label))</text>"
            var position = 0.0
            for (index, criterion) in Criterion.allCases.enumerated() {
                guard let entry = score.score(criterion), totalWeight > 0 else { continue }
                let share = entry.score * entry.weight / totalWeight
                guard share > 0 else { continue }
                let color = ReportFormat.palette[index % ReportFormat.palette.count]
                svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\">", x(position), y + 2, share / 5 * plotW, rowHeight - 4, color)
                svg += "<title>\(ReportFormat.escape("\(criterion.title) \(String(format: "%.1f", entry.score)): \(entry.summary)"))</title></rect>"
                position += share
            }
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\">%@</text>\n", x(position) + 5, y + 12, ReportFormat.score(score.total))
        }
        return svg + "</svg>\n"
    }

    private func heatMap(_ list: [HandoffScore]) -> String {
        // The busiest nodes only: a map of hundreds of activities is unreadable.
        var volume: [String: Int] = [:]
        for score in list {
            volume[score.from, default: 0] += score.count
            volume[score.to, default: 0] += score.count
        }
        let limit = 30
        let nodes = volume.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(limit).map(\.key)
        let index = Dictionary(uniqueKeysWithValues: nodes.enumerated().map { ($0.element, $0.offset) })
        let cell = 22.0, left = 250.0, top = 170.0
        let width = left + Double(nodes.count) * cell + 20, height = top + Double(nodes.count) * cell + 10
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"hand-off heat map\">\n"
        for (position, name) in nodes.enumerated() {
            let y = top + Double(position) * cell
            svg += "<text x=\"\(left - 6)\" y=\"\(y + 15)\" text-anchor=\"end\"><title>\(ReportFormat.escape(name))</title>\(ReportFormat.escape(ReportFormat.clip(name, 36)))</text>"
            let x = left + Double(position) * cell + 15
            svg += "<text transform=\"translate(\(x),\(top - 6)) rotate(-55)\"><title>\(ReportFormat.escape(name))</title>\(ReportFormat.escape(ReportFormat.clip(name, 26)))</text>\n"
        }
        for position in 0...nodes.count {
            let offset = Double(position) * cell
            svg += "<line x1=\"\(left)\" x2=\"\(left + Double(nodes.count) * cell)\" y1=\"\(top + offset)\" y2=\"\(top + offset)\" stroke=\"#eee\"/>"
            svg += "<line x1=\"\(left + offset)\" x2=\"\(left + offset)\" y1=\"\(top)\" y2=\"\(top + Double(nodes.count) * cell)\" stroke=\"#eee\"/>\n"
        }
        // Colour by rank within the map, not the absolute 1–5 scale: totals are weighted means and
        // bunch together, and the map is there to show which cells stand out.
        let totals = list.map(\.total)
        let low = totals.min() ?? 1, high = totals.max() ?? 5
        func shade(_ total: Double) -> Double { high > low ? (total - low) / (high - low) : 0.5 }
        for score in list {
            guard let row = index[score.from], let column = index[score.to] else { continue }
            let x = left + Double(column) * cell, y = top + Double(row) * cell
            let tip = "#\(score.rank) \(score.from) → \(score.to): score \(ReportFormat.score(score.total)), \(score.count) times, "
                + "median wait \(ReportFormat.duration(score.handoffTime.median)), p90 \(ReportFormat.duration(score.handoffTime.p90))"
            svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%@\"><title>%@</title></rect>",
                          x + 1, y + 1, cell - 2, cell - 2, ReportFormat.heat(shade(score.total)), ReportFormat.escape(tip))
            let count = score.count >= 1000 ? "\(score.count / 1000)k" : String(score.count)
            let ink = shade(score.total) > 0.7 ? "#fff" : "#333"
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" style=\"font-size:9px;fill:%@\">%@</text>\n", x + cell / 2, y + 14, ink, count)
        }
        if volume.count > limit {
            svg += "<text x=\"4\" y=\"\(height - 2)\">The \(limit) busiest of \(volume.count); the CSV has every hand-off.</text>\n"
        }
        return svg + "</svg>\n"
    }

    private func details(_ list: [HandoffScore]) -> String {
        var html = "<table>\n<tr><th>#</th><th style=\"text-align:left\">hand-off</th><th>score</th><th>count</th><th>cases</th><th>median wait</th><th>p90 wait</th></tr>\n"
        for score in list {
            html += "<tr><td>\(score.rank)</td><td class=\"name\"><details><summary>\(ReportFormat.escape("\(score.from) → \(score.to)"))</summary>\n<table>"
            for entry in score.criteria {
                let source = entry.source.rawValue
                html += "<tr><td>\(ReportFormat.escape(entry.criterion.title))</td><td>\(String(format: "%.1f", entry.score))</td>"
                    + "<td class=\"name\">\(ReportFormat.escape(source))</td><td class=\"why\">\(ReportFormat.escape(entry.summary))</td></tr>"
            }
            html += "</table></details></td><td>\(ReportFormat.score(score.total))</td><td>\(score.count)</td><td>\(score.cases)</td>"
                + "<td>\(ReportFormat.duration(score.handoffTime.median))</td><td>\(ReportFormat.duration(score.handoffTime.p90))</td></tr>\n"
        }
        return html + "</table>\n"
    }
}
