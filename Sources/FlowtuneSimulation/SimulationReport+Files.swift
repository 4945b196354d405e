import FlowtuneCore
import Foundation

extension SimulationReport {
    // MARK: - CSV

    /// The report as one tidy CSV table, a row per number, for spreadsheets and notebooks:
    ///
    /// ```text
    /// kind,policy,baseline,replication,measure,unit,value,half_width,sd,n
    /// pooled,skill-score,,,wait.mean,seconds,312.4,20.1,28.1,10
    /// replication,skill-score,,0,wait.mean,seconds,298.2,,,
    /// difference,round-robin,skill-score,,wait.mean,seconds,14.9,6.2,8.7,10
    /// ```
    ///
    /// `pooled` rows are the mean over replications with its 95% half-width, `replication` rows
    /// each replication's value, `difference` rows the paired difference against the baseline.
    /// Durations are in seconds and shares in 0…1, as in the JSON; an empty cell has no value.
    public func csv() -> String {
        var lines = ["kind,policy,baseline,replication,measure,unit,value,half_width,sd,n"]
        func number(_ value: Double) -> String { value.isFinite ? "\(value)" : "" }
        func field(_ text: String) -> String {
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" })
                ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        func estimateRow(_ kind: String, _ policy: String, _ baseline: String, _ name: String, _ unit: Measure.Unit, _ estimate: Estimate) {
            lines.append([
                kind, policy, baseline, "", field(name), unit.rawValue, number(estimate.mean), number(estimate.halfWidth),
                number(estimate.standardDeviation), "\(estimate.count)",
            ].joined(separator: ","))
        }
        for run in runs {
            let policy = run.policy.rawValue
            for (name, unit) in run.measures { estimateRow("pooled", policy, "", name, unit, run.estimate(name)) }
            for result in run.replications {
                for measure in result.measures {
                    lines.append([
                        "replication", policy, "", "\(result.replication)", field(measure.name), measure.unit.rawValue,
                        number(measure.value), "", "", "",
                    ].joined(separator: ","))
                }
            }
        }
        for comparison in comparisons {
            for (name, unit) in comparison.baseline.measures {
                estimateRow(
                    "difference", comparison.candidate.policy.rawValue, comparison.baseline.policy.rawValue, name, unit,
                    comparison.difference(name))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    // MARK: - HTML

    /// A self-contained HTML report — inline CSS and SVG, no scripts, no external assets — with
    /// the wait distribution per policy, the service level per queue and the utilization per
    /// worker (95% confidence bars), then every measure and every paired difference as tables.
    public func html() -> String {
        var body = ""
        let replications = runs.first?.replications.count ?? 0
        body += "<h1>\(Self.escape(scenario))</h1>\n"
        body += "<p class=\"note\">\(replications) replication\(replications == 1 ? "" : "s") per policy, seed \(seed); "
            + "mean ± 95% confidence half-width (Student t over replications)"
            + (runs.count > 1 ? "; differences paired on common random numbers against \(Self.escape(runs[0].policy.rawValue))" : "")
            + ".</p>\n"
        body += legend()
        body += "<h2>Waiting time</h2>\n<p class=\"note\">Share of answered tasks that waited at most a given time "
            + "(each percentile averaged over replications).</p>\n" + waitChart()
        let queues = runs.first?.measures.map(\.name).filter { $0.hasPrefix("queue.") && $0.hasSuffix(".service_level") } ?? []
        if !queues.isEmpty {
            body += "<h2>Service level per queue</h2>\n<p class=\"note\">Visits answered within the queue's target time; "
                + "the dashed mark is the target share.</p>\n"
            body += barChart(
                rows: queues.map { name in
                    let id = String(name.dropFirst("queue.".count).dropLast(".service_level".count))
                    let target = queueTargets[id]
                    let label = target.map { "\(id) (\(Self.trim($0.percent))% in \(DurationText.format($0.within)))" } ?? id
                    return (label, name, target.map { $0.percent / 100 })
                })
        }
        var workers = runs.first?.measures.map(\.name).filter { $0.hasPrefix("worker.") } ?? []
        var title = "Utilization per worker"
        if workers.count > 40 {
            workers = runs.first?.measures.map(\.name).filter { $0.hasPrefix("team.") } ?? []
            title = "Utilization per team"
        }
        if !workers.isEmpty {
            body += "<h2>\(title)</h2>\n<p class=\"note\">Share of the time available for work (on shift, off breaks) "
                + "spent holding at least one task.</p>\n"
            body += barChart(rows: workers.map { name in
                let parts = name.split(separator: ".")
                return (parts.count >= 3 ? parts[1...(parts.count - 2)].joined(separator: ".") : name, name, nil)
            })
        }
        body += "<h2>Every measure</h2>\n" + measureTable()
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(Self.escape(scenario)) — Flowtune simulation</title>
            <style>
            body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
            h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 2em; }
            .note { color: #555; }
            table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
            th, td { padding: 2px 10px; border-bottom: 1px solid #e4e4e4; text-align: right; white-space: nowrap; }
            th:first-child, td:first-child { text-align: left; }
            .legend span { display: inline-block; margin-right: 1.5em; }
            .legend i { display: inline-block; width: 12px; height: 12px; margin-right: 5px; vertical-align: -1px; }
            svg text { font: 12px system-ui, sans-serif; fill: #333; }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    static let palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"]

    private func color(_ index: Int) -> String { Self.palette[index % Self.palette.count] }

    private func legend() -> String {
        "<p class=\"legend\">" + runs.enumerated().map { index, run in
            "<span><i style=\"background:\(color(index))\"></i>\(Self.escape(run.policy.rawValue))</span>"
        }.joined() + "</p>\n"
    }

    /// Each policy's wait percentiles averaged over replications: a quantile curve.
    private func waitChart() -> String {
        let curves: [[Double]] = runs.map { run in
            let lists = run.replications.map(\.waitPercentiles).filter { $0.count == 101 }
            guard !lists.isEmpty else { return [] }
            return (0...100).map { index in lists.reduce(0) { $0 + $1[index] } / Double(lists.count) }
        }
        // Stop at the 99th percentile: the longest wait alone would flatten the curve.
        let top = curves.compactMap { $0.count == 101 ? $0[99] : nil }.max() ?? 0
        guard top > 0 else { return "<p>Nobody waited.</p>\n" }
        let scale = SimulationReport.scale(for: .seconds, sample: top)
        let unit = scale.label
        let xMax = Self.niceCeiling(top * scale.factor)
        let width = 720.0, height = 300.0, left = 50.0, bottom = 40.0, top0 = 10.0, right = 20.0
        let plotW = width - left - right, plotH = height - top0 - bottom
        func x(_ seconds: Double) -> Double { left + min(seconds * scale.factor / xMax, 1) * plotW }
        func y(_ share: Double) -> Double { top0 + (1 - share) * plotH }
        var svg = "<svg viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" role=\"img\" aria-label=\"wait distribution\">\n"
        for step in 0...4 {
            let share = Double(step) / 4
            svg += "<line x1=\"\(left)\" x2=\"\(left + plotW)\" y1=\"\(y(share))\" y2=\"\(y(share))\" stroke=\"#e4e4e4\"/>"
            svg += "<text x=\"\(left - 6)\" y=\"\(y(share) + 4)\" text-anchor=\"end\">\(Int(share * 100))%</text>\n"
            let value = xMax * share
            svg += "<text x=\"\(left + share * plotW)\" y=\"\(height - bottom + 16)\" text-anchor=\"middle\">\(Self.trim(value))</text>\n"
        }
        svg += "<text x=\"\(left + plotW / 2)\" y=\"\(height - 6)\" text-anchor=\"middle\">wait (\(unit))</text>\n"
        for (index, curve) in curves.enumerated() where curve.count == 101 {
            // A step curve: p% of answered tasks waited at most the p-th percentile.
            var points: [String] = []
            for p in 0...99 {
                points.append(String(format: "%.1f,%.1f", x(curve[p]), y(Double(p) / 100)))
                points.append(String(format: "%.1f,%.1f", x(curve[p + 1]), y(Double(p) / 100)))
            }
            svg += "<polyline fill=\"none\" stroke=\"\(color(index))\" stroke-width=\"2\" points=\"\(points.joined(separator: " "))\"><title>\(Self.escape(runs[index].policy.rawValue))</title></polyline>\n"
        }
        return svg + "</svg>\n"
    }

    /// Horizontal bars of shares (0…1), one group per row and one bar per policy, with 95%
    /// confidence whiskers and an optional target mark.
    private func barChart(rows: [(label: String, measure: String, target: Double?)]) -> String {
        let barHeight = 12.0, gap = 10.0, left = 230.0, plotW = 440.0, top = 20.0
        let group = Double(runs.count) * barHeight + gap
        let height = top + Double(rows.count) * group + 10
        func x(_ share: Double) -> Double { left + max(0, min(share, 1)) * plotW }
        var svg = "<svg viewBox=\"0 0 720 \(Int(height))\" width=\"720\" height=\"\(Int(height))\" role=\"img\">\n"
        for step in 0...4 {
            let share = Double(step) / 4
            svg += "<line x1=\"\(x(share))\" x2=\"\(x(share))\" y1=\"\(top - 4)\" y2=\"\(height - 10)\" stroke=\"#e4e4e4\"/>"
            svg += "<text x=\"\(x(share))\" y=\"\(top - 8)\" text-anchor=\"middle\">\(Int(share * 100))%</text>\n"
        }
        for (row, entry) in rows.enumerated() {
            let y0 = top + Double(row) * group
            svg += "<text x=\"\(left - 8)\" y=\"\(y0 + Double(runs.count) * barHeight / 2 + 4)\" text-anchor=\"end\">\(Self.escape(entry.label))</text>\n"
            for (index, run) in runs.enumerated() {
                let estimate = run.estimate(entry.measure)
                let y = y0 + Double(index) * barHeight
                guard estimate.mean.isFinite else { continue }
                let text = String(format: "%.1f%%", estimate.mean * 100)
                    + (estimate.halfWidth.isFinite ? String(format: " ± %.1f", estimate.halfWidth * 100) : "")
                svg += "<rect x=\"\(left)\" y=\"\(y + 1)\" width=\"\(x(estimate.mean) - left)\" height=\"\(barHeight - 2)\" fill=\"\(color(index))\"><title>\(Self.escape(run.policy.rawValue)): \(text)</title></rect>"
                if estimate.halfWidth.isFinite {
                    let middle = y + barHeight / 2
                    svg += "<path d=\"M\(x(estimate.lower)),\(middle)H\(x(estimate.upper))M\(x(estimate.lower)),\(middle - 4)v8M\(x(estimate.upper)),\(middle - 4)v8\" stroke=\"#222\" fill=\"none\"/>"
                }
                svg += "<text x=\"\(x(estimate.upper.isFinite ? estimate.upper : estimate.mean) + 6)\" y=\"\(y + barHeight - 2)\">\(text)</text>\n"
            }
            if let target = entry.target {
                svg += "<line x1=\"\(x(target))\" x2=\"\(x(target))\" y1=\"\(y0 - 2)\" y2=\"\(y0 + Double(runs.count) * barHeight + 2)\" stroke=\"#222\" stroke-dasharray=\"3,2\" stroke-width=\"1.5\"/>\n"
            }
        }
        return svg + "</svg>\n"
    }

    private func measureTable() -> String {
        guard let first = runs.first else { return "" }
        var html = "<table>\n<tr><th>measure</th>"
        html += runs.map { "<th>\(Self.escape($0.policy.rawValue))</th>" }.joined()
        html += comparisons.map { "<th>\(Self.escape($0.candidate.policy.rawValue)) − \(Self.escape($0.baseline.policy.rawValue))</th>" }.joined()
        html += "</tr>\n"
        for (name, unit) in first.measures {
            let scale = SimulationReport.scale(for: unit, sample: first.estimate(name).mean)
            html += "<tr><td>\(Self.escape(scale.label.isEmpty ? name : "\(name) (\(scale.label))"))</td>"
            html += runs.map { "<td>\(Self.escape(SimulationReport.format($0.estimate(name), scale: scale)))</td>" }.joined()
            html += comparisons.map {
                "<td>\(Self.escape(SimulationReport.format($0.difference(name), scale: scale, signed: true)))</td>"
            }.joined()
            html += "</tr>\n"
        }
        return html + "</table>\n"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    /// 1, 2 or 5 times a power of ten, at least `value`: axis ends people read easily.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0 else { return 1 }
        let power = pow(10, (log10(value)).rounded(.down))
        for factor in [1.0, 2, 2.5, 5, 10] where factor * power >= value { return factor * power }
        return 10 * power
    }
}
