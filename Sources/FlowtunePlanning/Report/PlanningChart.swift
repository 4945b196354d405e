import Foundation

/// A chart of quantities per interval as inline SVG: lines (drawn straight between interval
/// midpoints, or as steps across each interval) and shaded bands, over a time axis marked at
/// day starts and every few hours.
///
/// Every line is one `<polyline>` carrying `data-series`, with one point per interval (two per
/// interval for a step line, at its start and end); every band is one `<polygon>` with its
/// upper edge left to right and its lower edge back.
struct PlanningChart: Sendable {
    /// One series drawn as a line.
    struct Line: Sendable {
        var name: String
        var color: String
        /// One value per interval from the chart's start; nil leaves the interval undrawn at
        /// the ends (a line drawn over part of the axis).
        var values: [Double?]
        var step = false
        var dashed = false
    }

    /// A shaded range, such as a prediction interval.
    struct Band: Sendable {
        var name: String
        var color: String
        /// The first interval the band covers.
        var offset: Int
        var lower: [Double]
        var upper: [Double]
    }

    /// The first interval's start (a wall-clock reading, seconds since 1970).
    var start: Double
    /// The interval length in seconds.
    var interval: Double
    /// Intervals on the axis.
    var count: Int
    var lines: [Line] = []
    var bands: [Band] = []
    var title: String
    var yLabel: String
    var width = 1100.0
    var height = 320.0

    private let left = 56.0, right = 16.0, top = 16.0, bottom = 40.0

    /// The chart as an SVG element, followed by its legend.
    func svg() -> String {
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        var maximum = 0.0
        for line in lines { for value in line.values { if let value, value.isFinite { maximum = max(maximum, value) } } }
        for band in bands { for value in band.upper where value.isFinite { maximum = max(maximum, value) } }
        let (tickStep, yMax) = Self.niceScale(maximum)
        let spanIntervals = Double(max(count, 1))
        func x(_ position: Double) -> Double { left + position / spanIntervals * plotWidth }
        func y(_ value: Double) -> Double { top + plotHeight - min(value, yMax) / yMax * plotHeight }
        func point(_ position: Double, _ value: Double) -> String { String(format: "%.1f,%.1f", x(position), y(value)) }

        var svg = String(
            format: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\">\n",
            width, height, width, height)
        svg += "<title>\(PlanningFormat.escape(title))</title>\n"
        // Horizontal grid and y labels.
        var tick = 0.0
        while tick <= yMax + tickStep / 2 {
            svg += String(format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>", left, width - right, y(tick), y(tick))
            svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%@</text>\n", left - 6, y(tick) + 4,
                          PlanningFormat.csvNumber(tick))
            tick += tickStep
        }
        // Time axis: a mark at each day's start, labels every few hours.
        let perDay = max(1, Int((86_400 / interval).rounded()))
        let days = Double(count) / Double(perDay)
        let labelHours = days > 3 ? 24 : days > 1.5 ? 6 : 2
        let labelEvery = max(1, labelHours * 3600 / Int(interval))
        let firstOffset = Int(((start / interval).rounded(.up) * interval - start) / interval)
        var index = firstOffset
        while index <= count {
            let time = start + Double(index) * interval
            let within = PlanningFormat.split(time).within
            if within % (labelHours * 3600) == 0 {
                let isDay = within == 0
                svg += String(format: "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%@\"/>", x(Double(index)),
                              x(Double(index)), top, top + plotHeight, isDay ? "#bbb" : "#eee")
                let label = isDay && labelHours >= 24 ? String(PlanningFormat.day(time).prefix(15)) : isDay ? PlanningFormat.day(time) : PlanningFormat.clock(time)
                svg += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%@</text>\n", x(Double(index)),
                              top + plotHeight + 16, PlanningFormat.escape(label))
                index += labelEvery
            } else {
                index += 1
            }
        }
        svg += String(format: "<text x=\"12\" y=\"%.1f\" transform=\"rotate(-90 12 %.1f)\" text-anchor=\"middle\">%@</text>\n",
                      top + plotHeight / 2, top + plotHeight / 2, PlanningFormat.escape(yLabel))
        for band in bands {
            let n = min(band.lower.count, band.upper.count)
            guard n > 0 else { continue }
            var points: [String] = []
            for k in 0..<n { points.append(point(Double(band.offset + k) + 0.5, band.upper[k])) }
            for k in stride(from: n - 1, through: 0, by: -1) { points.append(point(Double(band.offset + k) + 0.5, band.lower[k])) }
            svg += "<polygon data-series=\"\(PlanningFormat.escape(band.name))\" fill=\"\(band.color)\" fill-opacity=\"0.25\" stroke=\"none\" points=\""
                + points.joined(separator: " ") + "\"/>\n"
        }
        for line in lines {
            var points: [String] = []
            for (k, value) in line.values.enumerated() {
                guard let value, value.isFinite else { continue }
                if line.step {
                    points.append(point(Double(k), value))
                    points.append(point(Double(k + 1), value))
                } else {
                    points.append(point(Double(k) + 0.5, value))
                }
            }
            guard !points.isEmpty else { continue }
            svg += "<polyline data-series=\"\(PlanningFormat.escape(line.name))\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.5\""
                + (line.dashed ? " stroke-dasharray=\"4 3\"" : "") + " points=\"" + points.joined(separator: " ") + "\"/>\n"
        }
        svg += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#999\"/>\n",
                      left, top, plotWidth, plotHeight)
        svg += "</svg>\n"
        var legend = "<p class=\"legend\">"
        for band in bands {
            legend += "<span><i style=\"background:\(band.color);opacity:0.35\"></i>\(PlanningFormat.escape(band.name))</span>"
        }
        for line in lines {
            legend += "<span><i style=\"background:\(line.color)\"></i>\(PlanningFormat.escape(line.name))</span>"
        }
        return svg + legend + "</p>\n"
    }

    /// A tick step of 1, 2 or 5 times a power of ten giving about five ticks, and the axis
    /// maximum (a whole number of steps at or above `maximum`).
    static func niceScale(_ maximum: Double) -> (step: Double, top: Double) {
        guard maximum > 0, maximum.isFinite else { return (1, 1) }
        let raw = maximum / 5
        let power = pow(10, (log10(raw)).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? 10 * power
        return (step, (maximum / step).rounded(.up) * step)
    }
}
