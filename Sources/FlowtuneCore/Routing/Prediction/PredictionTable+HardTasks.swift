import Foundation

extension PredictionTable {
    /// The task types that count as hard: those whose overall (`everyone`) predicted handling
    /// time is in the top third of the table's types, ties with the third's last type included.
    ///
    /// This is the one definition of a hard task: the fairness guardrail counts each worker's
    /// share of them, so that no one is left with all the long, difficult work. Types without an
    /// overall prediction are never hard.
    ///
    /// ```swift
    /// // billing 300 s, refunds 900 s, fraud 1800 s → ["fraud"]
    /// table.hardTaskTypes
    /// ```
    public var hardTaskTypes: Set<String> {
        let timed = types.compactMap { type, predictions in
            predictions.everyone.map { (type, $0.handlingTime) }
        }.sorted { $0.1 > $1.1 }
        guard !timed.isEmpty else { return [] }
        let count = (timed.count + 2) / 3
        let threshold = timed[count - 1].1
        return Set(timed.prefix { $0.1 >= threshold }.map(\.0))
    }
}
