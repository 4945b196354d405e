import Foundation

/// A forecast of one or more queues as a planner reads it: per queue the method the backtest
/// chose, every candidate's backtest scores, the arrivals per interval with prediction bounds,
/// the handling time when the history had one, and the recent actuals the forecast is judged
/// against. Written as a terminal table, CSV (one row per queue and interval), JSON (Codable)
/// or a self-contained HTML page with a chart of forecast against actual per queue.
///
/// ```swift
/// let report = ForecastReport(source: "arrivals.csv", utcOffset: 3600, queues: [
///     .init(name: "support", arrivals: 41_461, history: history, forecast: try Forecaster().forecast(history)),
/// ])
/// print(report.table())
/// ```
public struct ForecastReport: Sendable, Hashable, Codable {
    /// One queue's forecast.
    public struct Queue: Sendable, Hashable, Codable {
        /// The queue's name.
        public var name: String
        /// Arrivals in the history.
        public var arrivals: Int
        /// The actual arrivals over the backtest window, the same intervals as
        /// `forecast.backtest.forecasts`: what the chosen method's day-ahead forecasts are
        /// judged against.
        public var actual: IntervalSeries
        /// The forecast, with its backtest.
        public var forecast: Forecast
        /// The mean handling time per forecast interval, when the history had handling times.
        public var handlingTime: HandlingTimeForecast?

        /// A queue's forecast; `history` is the series it was made from, of which the
        /// backtest window is kept as the actuals.
        public init(name: String, arrivals: Int, history: IntervalSeries, forecast: Forecast,
                    handlingTime: HandlingTimeForecast? = nil) {
            self.name = name
            self.arrivals = arrivals
            let window = forecast.backtest.forecasts
            let first = max(0, Int(((window.start - history.start) / history.interval).rounded()))
            let last = min(history.count, first + window.count)
            actual = IntervalSeries(
                start: history.time(ofInterval: first), interval: history.interval,
                values: first < last ? Array(history.values[first..<last]) : [])
            self.forecast = forecast
            self.handlingTime = handlingTime
        }

        /// Forecast arrivals over the horizon.
        public var totalForecast: Double { forecast.points.reduce(0) { $0 + $1.value } }
    }

    /// Where the history came from, such as a file name.
    public var source: String
    /// The offset from UTC of the history's wall clock, in seconds, when one offset held
    /// throughout; nil when unknown or mixed.
    public var utcOffset: Int?
    /// The queues, in the order given.
    public var queues: [Queue]

    /// A report of `queues`.
    public init(source: String, utcOffset: Int?, queues: [Queue]) {
        self.source = source
        self.utcOffset = utcOffset
        self.queues = queues
    }

    /// The prediction levels the forecasts carry, ascending.
    var levels: [Double] {
        Array(Set(queues.flatMap { $0.forecast.points.first?.bounds.map(\.level) ?? [] })).sorted()
    }

    /// Per queue: the method, the backtest table, and the forecast per interval with its
    /// bounds (and handling time). Intervals forecast below 0.05 arrivals — the queue is
    /// closed — are left out of the interval table.
    public func table() -> String {
        var text = ""
        for queue in queues {
            let forecast = queue.forecast
            let horizonDays = Double(forecast.points.count) * forecast.interval / 86_400
            text += "\(queue.name): forecast from \(PlanningFormat.day(forecast.start)) for "
                + (horizonDays == 1 ? "1 day" : "\(PlanningFormat.csvNumber(horizonDays)) days")
                + " by \(forecast.method.rawValue), chosen by a \(forecast.backtest.origins.count)-day backtest "
                + "(\(forecast.backtest.horizon) intervals ahead from each day's start)\n\n"
            var rows = [["method", "WAPE", "MASE", "mean abs error", "bias"]]
            for score in forecast.backtest.scores {
                rows.append([
                    score.method.rawValue + (score.method == forecast.method ? " *" : ""),
                    PlanningFormat.percent(score.wape), PlanningFormat.fixed(score.mase, 3),
                    PlanningFormat.fixed(score.meanAbsoluteError, 2), PlanningFormat.fixed(score.bias, 2),
                ])
            }
            for missing in forecast.backtest.unavailable {
                rows.append([missing.method.rawValue, "–", "–", "–", missing.reason])
            }
            text += PlanningFormat.table(rows, left: [0]) + "\n"

            let levels = forecast.points.first?.bounds.map(\.level) ?? []
            var header = ["interval", "forecast"] + levels.map { "\(Int(($0 * 100).rounded()))%" }
            if queue.handlingTime != nil { header.append("handling") }
            rows = [header]
            var lastDay = ""
            var closed = 0
            for (k, point) in forecast.points.enumerated() {
                if point.value < 0.05 {
                    closed += 1
                    continue
                }
                let day = PlanningFormat.day(point.start)
                var label = PlanningFormat.clock(point.start)
                if day != lastDay, horizonDays > 1 { label = day + " " + label }
                lastDay = day
                var row = [label, PlanningFormat.fixed(point.value, 1)]
                row += point.bounds.map { PlanningFormat.fixed($0.lower, 1) + "–" + PlanningFormat.fixed($0.upper, 1) }
                if let handling = queue.handlingTime {
                    row.append(k < handling.points.count ? PlanningFormat.duration(handling.points[k].seconds) : "–")
                }
                rows.append(row)
            }
            text += PlanningFormat.table(rows, left: [0])
            text += "total \(PlanningFormat.fixed(queue.totalForecast, 0)) arrivals forecast"
            if closed > 0 { text += "; \(closed) intervals forecast at 0.0 not shown" }
            if let handling = queue.handlingTime {
                text += "; handling time \(PlanningFormat.duration(handling.overallMean)) on average in the history"
            }
            text += "\n\n"
        }
        return text
    }

    /// One row per queue and forecast interval: `queue,start,forecast`, a lower and upper
    /// bound per level (`lower_80,upper_80,…`) and `handling_seconds` (empty without one).
    /// `start` is the interval's wall-clock start with the history's UTC offset.
    public func csv() -> String {
        let levels = self.levels
        var text = (["queue", "start", "forecast"]
            + levels.flatMap { ["lower_\(Int(($0 * 100).rounded()))", "upper_\(Int(($0 * 100).rounded()))"] }
            + ["handling_seconds"]).joined(separator: ",") + "\n"
        for queue in queues {
            for (k, point) in queue.forecast.points.enumerated() {
                var fields = [PlanningFormat.csvField(queue.name), PlanningFormat.iso(point.start, utcOffset: utcOffset),
                              PlanningFormat.csvNumber(point.value)]
                for level in levels {
                    let bounds = point.bounds(at: level)
                    fields += [PlanningFormat.csvNumber(bounds?.lower), PlanningFormat.csvNumber(bounds?.upper)]
                }
                let handling = queue.handlingTime.flatMap { k < $0.points.count ? $0.points[k].seconds : nil }
                fields.append(PlanningFormat.csvNumber(handling))
                text += fields.joined(separator: ",") + "\n"
            }
        }
        return text
    }

    /// The chart of one queue: its actual arrivals over the last `days` of the backtest window
    /// with the chosen method's day-ahead forecasts of them, then the forecast with its bands.
    func chart(_ queue: Queue, days: Int = 7) -> PlanningChart {
        let forecast = queue.forecast
        let perDay = queue.actual.intervalsPerDay
        let shown = min(queue.actual.count, days * perDay)
        let skip = queue.actual.count - shown
        let actual = queue.actual.values.suffix(shown)
        let backtest = forecast.backtest.forecasts.values.dropFirst(skip).prefix(shown)
        let count = shown + forecast.points.count
        let gap = [Double?](repeating: nil, count: forecast.points.count)
        var chart = PlanningChart(
            start: queue.actual.time(ofInterval: skip), interval: forecast.interval, count: count,
            title: "\(queue.name): arrivals per interval, actual and forecast", yLabel: "arrivals per interval")
        for (index, level) in (forecast.points.first?.bounds.map(\.level) ?? []).enumerated().reversed() {
            chart.bands.append(PlanningChart.Band(
                name: "\(Int((level * 100).rounded()))% prediction interval", color: index == 0 ? "#1f77b4" : "#9ecae1",
                offset: shown, lower: forecast.points.map { $0.bounds[index].lower },
                upper: forecast.points.map { $0.bounds[index].upper }))
        }
        chart.lines = [
            PlanningChart.Line(name: "actual", color: "#222", values: actual.map { $0 } + gap),
            PlanningChart.Line(name: "backtest: day-ahead forecast (\(forecast.method.rawValue))", color: "#ff7f0e",
                               values: backtest.map { $0 } + gap, dashed: true),
            PlanningChart.Line(name: "forecast", color: "#1f77b4",
                               values: [Double?](repeating: nil, count: shown) + forecast.points.map(\.value)),
        ]
        return chart
    }

    /// A self-contained page: per queue the chart of forecast against actual, the backtest
    /// table and the forecast per interval.
    public func html(title: String) -> String {
        var body = "<h1>Forecast: \(PlanningFormat.escape(title))</h1>\n"
        body += "<p class=\"note\">From \(PlanningFormat.escape(source)); times are wall-clock (\(PlanningFormat.offsetName(utcOffset))).</p>\n"
        for queue in queues {
            let forecast = queue.forecast
            body += "<h2>\(PlanningFormat.escape(queue.name))</h2>\n"
            body += "<p>\(forecast.points.count) intervals from \(PlanningFormat.escape(PlanningFormat.day(forecast.start))) "
                + "by <b>\(forecast.method.rawValue)</b>: \(PlanningFormat.fixed(queue.totalForecast, 0)) arrivals forecast. "
                + "The chart shows the last days of the backtest (each day forecast from the history before it) and the forecast.</p>\n"
            body += chart(queue).svg()
            var rows = [["method", "WAPE", "MASE", "mean abs error", "bias"]]
            for score in forecast.backtest.scores {
                rows.append([score.method.rawValue, PlanningFormat.percent(score.wape), PlanningFormat.fixed(score.mase, 3),
                             PlanningFormat.fixed(score.meanAbsoluteError, 2), PlanningFormat.fixed(score.bias, 2)])
            }
            body += "<h3>Backtest over \(forecast.backtest.origins.count) days</h3>\n" + PlanningFormat.htmlTable(rows)
            let levels = forecast.points.first?.bounds.map(\.level) ?? []
            rows = [["interval", "forecast"] + levels.map { "\(Int(($0 * 100).rounded()))% interval" }
                + (queue.handlingTime == nil ? [] : ["handling"])]
            for (k, point) in forecast.points.enumerated() {
                rows.append([PlanningFormat.day(point.start) + " " + PlanningFormat.clock(point.start), PlanningFormat.fixed(point.value, 1)]
                    + point.bounds.map { PlanningFormat.fixed($0.lower, 1) + "–" + PlanningFormat.fixed($0.upper, 1) }
                    + (queue.handlingTime.map { k < $0.points.count ? [PlanningFormat.duration($0.points[k].seconds)] : ["–"] } ?? []))
            }
            body += "<details><summary>Forecast per interval</summary>\n" + PlanningFormat.htmlTable(rows) + "</details>\n"
        }
        return PlanningFormat.page(title: "Forecast: \(title)", body: body)
    }
}
