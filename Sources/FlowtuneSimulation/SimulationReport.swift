import FlowtuneCore
import Foundation

/// The outcome of a simulation: every policy's replications, pooled estimates with 95%
/// confidence intervals, and paired differences against the first policy.
///
/// ```swift
/// let report = simulator.run(policies: [.skillScore, .roundRobin])
/// report.runs[1].estimate("wait.mean")          // round-robin's mean wait, with its CI
/// report.comparisons[0].difference("wait.mean")  // round-robin − skill-score, paired
/// print(report.table())
/// let json = try report.json()
/// ```
public struct SimulationReport: Sendable, Hashable {
    /// The scenario's name.
    public var scenario: String
    /// The scenario's seed.
    public var seed: UInt64
    /// One run per policy; the first is the baseline.
    public var runs: [PolicyRun]
    /// Each queue's service-level target, by queue id, for the charts.
    public var queueTargets: [String: ServiceLevelTarget]

    /// Creates a report.
    public init(scenario: String, seed: UInt64, runs: [PolicyRun], queueTargets: [String: ServiceLevelTarget] = [:]) {
        self.scenario = scenario
        self.seed = seed
        self.runs = runs
        self.queueTargets = queueTargets
    }

    /// Every policy after the first against the first.
    public var comparisons: [PolicyComparison] {
        guard let baseline = runs.first else { return [] }
        return runs.dropFirst().map { PolicyComparison(baseline: baseline, candidate: $0) }
    }

    // MARK: - Table

    /// A terminal table: a row per measure, a column per policy (mean ± 95% half-width), then a
    /// column per paired difference against the first policy. Per-worker rows are left out past
    /// `maxWorkers` workers; the JSON has them all.
    public func table(maxWorkers: Int = 20) -> String {
        guard let first = runs.first else { return "no runs\n" }
        var measures = first.measures
        let workerRows = measures.filter { $0.name.hasPrefix("worker.") }
        if workerRows.count > maxWorkers { measures.removeAll { $0.name.hasPrefix("worker.") } }
        var header = ["measure"] + runs.map(\.policy.rawValue)
        header += comparisons.map { "\($0.candidate.policy.rawValue) − \($0.baseline.policy.rawValue)" }
        var rows: [[String]] = []
        for (name, unit) in measures {
            let scale = Self.scale(for: unit, sample: first.estimate(name).mean)
            var row = [scale.label.isEmpty ? name : "\(name) (\(scale.label))"]
            for run in runs { row.append(Self.format(run.estimate(name), scale: scale)) }
            for comparison in comparisons { row.append(Self.format(comparison.difference(name), scale: scale, signed: true)) }
            rows.append(row)
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { column, cell in
                column == 0
                    ? cell.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        let replications = first.replications.count
        var text = "\(scenario): \(replications) replication\(replications == 1 ? "" : "s"), seed \(seed);"
            + " mean ± 95% CI half-width (Student t over replications)"
        if runs.count > 1 { text += "; differences paired on common random numbers" }
        text += "\n\n" + line(header) + "\n"
        text += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { text += line(row) + "\n" }
        if workerRows.count > maxWorkers {
            text += "(\(workerRows.count) per-worker utilization rows left out; see --json)\n"
        }
        return text
    }

    /// How a unit's numbers are shown: a multiplier and a label for the measure column.
    struct Scale {
        var factor: Double
        var label: String
        var digits: Int
        var percent = false
    }

    static func scale(for unit: Measure.Unit, sample: Double) -> Scale {
        switch unit {
        case .seconds:
            let magnitude = sample.isFinite ? abs(sample) : 0
            if magnitude >= 7200 { return Scale(factor: 1.0 / 3600, label: "h", digits: 2) }
            if magnitude >= 120 { return Scale(factor: 1.0 / 60, label: "min", digits: 2) }
            return Scale(factor: 1, label: "s", digits: 2)
        case .share: return Scale(factor: 100, label: "%", digits: 1, percent: true)
        case .perHour: return Scale(factor: 1, label: "/h", digits: 1)
        case .count: return Scale(factor: 1, label: "", digits: 1)
        case .money: return Scale(factor: 1, label: "cost", digits: 2)
        case .ratio: return Scale(factor: 1, label: "", digits: 3)
        }
    }

    static func format(_ estimate: Estimate, scale: Scale, signed: Bool = false) -> String {
        guard estimate.mean.isFinite else { return "–" }
        let mean = number(estimate.mean * scale.factor, digits: scale.digits, signed: signed)
        guard estimate.halfWidth.isFinite else { return mean }
        return "\(mean) ± \(number(estimate.halfWidth * scale.factor, digits: scale.digits, signed: false))"
    }

    static func number(_ value: Double, digits: Int, signed: Bool) -> String {
        let text = String(format: "%.\(digits)f", value)
        return signed && value >= 0 ? "+" + text : text
    }

    // MARK: - JSON

    /// The report as JSON: per policy the pooled estimates and every replication's measures,
    /// then the paired differences. Numbers are in seconds, shares in 0…1; NaN is null.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(Document(self))
    }

    private struct Document: Encodable {
        var scenario: String
        var seed: UInt64
        var replications: Int
        var confidence = 0.95
        var policies: [Policy]
        var comparisons: [Comparison]

        struct Pooled: Encodable {
            var name: String
            var unit: Measure.Unit
            var estimate: Estimate

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Key.self)
                try container.encode(name, forKey: Key("name"))
                try container.encode(unit, forKey: Key("unit"))
                try estimate.encode(to: encoder)
            }
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ string: String) { stringValue = string }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        struct Policy: Encodable {
            var policy: String
            var measures: [Pooled]
            var replications: [ReplicationResult]
        }

        struct Comparison: Encodable {
            var baseline: String
            var policy: String
            var differences: [Pooled]
        }

        init(_ report: SimulationReport) {
            scenario = report.scenario
            seed = report.seed
            replications = report.runs.first?.replications.count ?? 0
            policies = report.runs.map { run in
                Policy(
                    policy: run.policy.rawValue,
                    measures: run.measures.map { Pooled(name: $0.name, unit: $0.unit, estimate: run.estimate($0.name)) },
                    replications: run.replications)
            }
            comparisons = report.comparisons.map { comparison in
                Comparison(
                    baseline: comparison.baseline.policy.rawValue, policy: comparison.candidate.policy.rawValue,
                    differences: comparison.baseline.measures.map {
                        Pooled(name: $0.name, unit: $0.unit, estimate: comparison.difference($0.name))
                    })
            }
        }
    }
}
