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
    }

    /// The entries, by type name.
    var types: [String: TypeEntry] = [:]

    init() {}

    init(table: PredictionTable, workers: [WorkerRecord]) {
        let hard = table.hardTaskTypes
        for (name, predictions) in table.types {
            var byNumber = [Prediction?](repeating: nil, count: workers.count)
            if !predictions.workers.isEmpty {
                for (number, record) in workers.enumerated() { byNumber[number] = predictions.workers[record.worker.id] }
            }
            types[name] = TypeEntry(
                name: name, everyone: predictions.everyone, workers: byNumber, hard: hard.contains(name))
        }
    }
}
