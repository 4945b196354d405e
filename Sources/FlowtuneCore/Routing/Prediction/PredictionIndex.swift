import Foundation

/// The published predictions arranged for the routing loop: per task type, each worker's
/// prediction by worker number, so that scoring a candidate reads an array instead of hashing
/// the worker's id. Derived from ``WorkspaceState/predictions`` and rebuilt when it changes.
struct PredictionIndex: Sendable {
    /// One task type's predictions.
    struct TypeEntry: Sendable {
        /// The type's name.
        var name: String
        /// The prediction for a worker without one of their own.
        var everyone: Prediction?
        /// Each worker's own prediction, by worker number; workers registered after the table
        /// was published are past the end and read the table itself.
        var workers: [Prediction?]
        /// Whether the type is hard (``PredictionTable/hardTaskTypes``).
        var hard: Bool
        /// The entry's place in ``PredictionIndex/entries``.
        var number: Int = 0
    }

    /// The entries, by type name.
    var types: [String: TypeEntry] = [:]
    /// The same entries, by number: what a routing decision keeps per type it meets (a cached
    /// fairness judgement, say) is then indexed by the number instead of hashing the name again.
    /// The arrays of predictions are shared with ``types``, not copied.
    private(set) var entries: [TypeEntry] = []
    /// Each entry's number, by type name.
    private(set) var numbers: [String: Int] = [:]

    init() {}

    init(table: PredictionTable, workers: [WorkerRecord]) {
        let hard = table.hardTaskTypes
        // In name order, so that an entry's number does not depend on the table's hashing.
        for name in table.types.keys.sorted() {
            guard let predictions = table.types[name] else { continue }
            var byNumber = [Prediction?](repeating: nil, count: workers.count)
            if !predictions.workers.isEmpty {
                for (number, record) in workers.enumerated() { byNumber[number] = predictions.workers[record.worker.id] }
            }
            let entry = TypeEntry(
                name: name, everyone: predictions.everyone, workers: byNumber, hard: hard.contains(name),
                number: entries.count)
            types[name] = entry
            numbers[name] = entry.number
            entries.append(entry)
        }
    }
}
