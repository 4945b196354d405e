import Foundation
internal import Yams

extension DocumentReader {
    static let adaptiveWindowKeys = ["adaptive", "of", "window", "min_samples", "static", "floor", "ceiling", "min_change"]
    static let sampleWindowKeys = ["count", "age"]
    static let alertKeys = ["exception_rate"]
    static let bandKeys = ["band", "seasonality", "slot", "alpha", "k", "warm_up", "blend", "sides", "min_sigma", "utc_offset"]

    /// Reads an adaptive `response_window` mapping; returns the declaration and its `static` value.
    ///
    /// Only the shape of each field is checked here; what the values must satisfy (a quantile
    /// within p0–p100, a floor below the ceiling, ...) is checked with the rest of the workflow,
    /// from ``AdaptiveResponseWindow/problems(staticWindow:)``, so that a workflow sent over the
    /// API gets the same answer.
    mutating func adaptiveResponseWindow(_ node: Node, at path: String) -> (AdaptiveResponseWindow?, TimeInterval?) {
        guard let fields = fields(
            of: node, at: path, allowed: Self.adaptiveWindowKeys,
            what: "a duration such as 4h, or an adaptive window such as { adaptive: p90, of: response_time, window: 7d, static: 4h }")
        else { return (nil, nil) }
        var adaptive = AdaptiveResponseWindow(quantile: 0.9, window: SampleWindow(age: 7 * 86_400))
        if let node = fields["adaptive"] {
            if let quantile = quantile(node, at: fields.path("adaptive")) { adaptive.quantile = quantile }
        } else {
            reportMissing("adaptive", in: fields)
        }
        if let node = fields["of"], let measure = text(node, at: fields.path("of")) {
            adaptive.measure = measure
        }
        if let node = fields["window"] {
            if let window = sampleWindow(node, at: fields.path("window")) { adaptive.window = window }
        } else {
            reportMissing("window", in: fields)
        }
        if let node = fields["min_samples"], let count = wholeNumber(node, at: fields.path("min_samples")) {
            adaptive.minimumSamples = count
        }
        if let node = fields["floor"], let floor = duration(node, at: fields.path("floor")) {
            adaptive.floor = floor
        }
        if let node = fields["ceiling"], let ceiling = duration(node, at: fields.path("ceiling")) {
            adaptive.ceiling = ceiling
        }
        if let node = fields["min_change"], let change = fraction(node, at: fields.path("min_change")) {
            adaptive.minimumChange = change
        }
        let staticWindow = requiredDuration(fields, "static")
        return (adaptive, staticWindow)
    }

    /// `p90` → 0.9, `p99.9` → 0.999, `median` → 0.5.
    private mutating func quantile(_ node: Node, at path: String) -> Double? {
        guard let written = text(node, at: path) else { return nil }
        let lowered = written.lowercased()
        if lowered == "median" { return 0.5 }
        if lowered.hasPrefix("p"), let percent = Double(lowered.dropFirst()), percent.isFinite {
            return percent / 100
        }
        report("\"\(written)\" is not a quantile; write it like p50, p90 or p99", at: path, node.mark)
        return nil
    }

    /// `7d` (an age), `500` (a count) or `{ count: 500, age: 1d }`.
    private mutating func sampleWindow(_ node: Node, at path: String) -> SampleWindow? {
        if case .mapping = node {
            guard let fields = fields(
                of: node, at: path, allowed: Self.sampleWindowKeys, what: "a window such as { count: 500, age: 1d }")
            else { return nil }
            var window = SampleWindow()
            if let node = fields["count"], let count = wholeNumber(node, at: fields.path("count")) { window.count = count }
            if let node = fields["age"], let age = duration(node, at: fields.path("age")) { window.age = age }
            return window
        }
        if Self.tag(of: node) == .int, let count = wholeNumber(node, at: path) {
            return SampleWindow(count: count)
        }
        return duration(node, at: path).map { SampleWindow(age: $0) }
    }

    /// `5%` → 0.05; a plain number is a fraction already, so `0.05` is the same.
    private mutating func fraction(_ node: Node, at path: String) -> Double? {
        if case .scalar(let scalar) = node, scalar.string.hasSuffix("%") {
            if let percent = Double(scalar.string.dropLast().trimmingCharacters(in: .whitespaces)), percent.isFinite {
                return percent / 100
            }
            report("\"\(scalar.string)\" is not a percentage; write it like 5%", at: path, node.mark)
            return nil
        }
        guard let value = number(node, at: path) else { return nil }
        if value > 1 {
            report("\(scalar(node)) is more than 100%; write a percentage such as 5% or a fraction such as 0.05", at: path, node.mark)
            return nil
        }
        return value
    }

    private func scalar(_ node: Node) -> String { node.scalar?.string ?? "" }

    /// A signed duration such as `-5h` or `+5h30m`, for a clock offset.
    private mutating func signedDuration(_ node: Node, at path: String) -> TimeInterval? {
        guard case .scalar(let scalar) = node else {
            mismatch(expected: "an offset from UTC such as -5h or +1h", found: node, at: path)
            return nil
        }
        let written = scalar.string.trimmingCharacters(in: .whitespaces)
        let sign: Double = written.hasPrefix("-") ? -1 : 1
        let magnitude = written.hasPrefix("-") || written.hasPrefix("+") ? String(written.dropFirst()) : written
        if let seconds = DurationText.seconds(from: magnitude), seconds.isFinite { return sign * seconds }
        report("\"\(written)\" is not an offset from UTC; write it like -5h, +1h or +5h30m", at: path, node.mark)
        return nil
    }

    /// A workflow's `alerts` mapping.
    mutating func alerts(_ node: Node, at path: String) -> WorkflowAlerts? {
        guard let fields = fields(
            of: node, at: path, allowed: Self.alertKeys,
            what: "alerts such as { exception_rate: { band: ewma, seasonality: weekly, k: 3 } }")
        else { return nil }
        var alerts = WorkflowAlerts()
        if let node = fields["exception_rate"] {
            alerts.exceptionRate = band(node, at: fields.path("exception_rate"))
        }
        return alerts
    }

    /// An EWMA ± k·σ band, such as `{ band: ewma, seasonality: weekly, slot: 60m, alpha: 0.2, k: 3 }`.
    private mutating func band(_ node: Node, at path: String) -> SeasonalBand? {
        guard let fields = fields(
            of: node, at: path, allowed: Self.bandKeys,
            what: "a band such as { band: ewma, seasonality: weekly, slot: 60m, alpha: 0.2, k: 3, warm_up: 4 }")
        else { return nil }
        // An exception rate that falls is good news: only a rise alerts unless told otherwise.
        var band = SeasonalBand(seasonality: .weekly, sides: .above)
        if let node = fields["band"], let kind = text(node, at: fields.path("band")) {
            if kind != "ewma" {
                report("unknown band \"\(kind)\"; the band is ewma (a mean ± k·σ learned per slot)", at: fields.path("band"), node.mark)
            }
        } else {
            reportMissing("band", in: fields)
        }
        if let node = fields["seasonality"],
            let seasonality: Seasonality = choice(node, at: fields.path("seasonality"), what: "seasonality")
        {
            band.seasonality = seasonality
        }
        if let node = fields["slot"], let slot = duration(node, at: fields.path("slot")) { band.slotLength = slot }
        if let node = fields["alpha"], let alpha = number(node, at: fields.path("alpha")) { band.smoothing = alpha }
        if let node = fields["k"], let k = number(node, at: fields.path("k")) { band.width = k }
        if let node = fields["warm_up"], let count = wholeNumber(node, at: fields.path("warm_up")) { band.warmUp = count }
        if let node = fields["blend"], let count = wholeNumber(node, at: fields.path("blend")) { band.blendSamples = count }
        if let node = fields["sides"], let sides: SeasonalBand.Sides = choice(node, at: fields.path("sides"), what: "sides") {
            band.sides = sides
        }
        if let node = fields["min_sigma"], let sigma = fraction(node, at: fields.path("min_sigma")) {
            band.minimumDeviation = sigma
        }
        if let node = fields["utc_offset"], let offset = signedDuration(node, at: fields.path("utc_offset")) {
            band.utcOffset = offset
        }
        return band
    }
}
