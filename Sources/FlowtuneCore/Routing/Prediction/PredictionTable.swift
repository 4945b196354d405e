import Foundation

/// The predictions routing may use: for each task type, each worker's expected handling time and
/// chance of resolving the task the first time, with the versions of the models that made them.
///
/// A table is published to a workspace as a fact (an event), so that every decision made with
/// it can be replayed and explained from the log alone. Models keep learning from outcomes in
/// between; a new table is published when they have moved enough to matter.
///
/// ```swift
/// var table = PredictionTable(models: ["handling-time": 3, "resolution": 2])
/// table.set(Prediction(handlingTime: 240, handlingTimeUpper: 420, resolution: 0.93),
///           taskType: "billing", worker: "ana")
/// table.set(Prediction(handlingTime: 360, handlingTimeUpper: 700, resolution: 0.81),
///           taskType: "billing")   // everyone else
/// table.prediction(taskType: "billing", worker: "ana")?.handlingTime   // 240
/// table.prediction(taskType: "billing", worker: "bo")?.handlingTime    // 360
/// ```
public struct PredictionTable: Sendable, Hashable, Codable {
    /// The version of each model behind the table, by model name; recorded with every decision.
    public var models: [String: Int]
    /// The predictions per task type.
    public var types: [String: TypePredictions]

    /// An empty table made by `models`.
    public init(models: [String: Int] = [:], types: [String: TypePredictions] = [:]) {
        self.models = models
        self.types = types
    }

    /// Sets the prediction for `worker` on `taskType`, or for everyone without one when `worker` is nil.
    public mutating func set(_ prediction: Prediction, taskType: String, worker: WorkerID? = nil) {
        if let worker {
            types[taskType, default: TypePredictions()].workers[worker] = prediction
        } else {
            types[taskType, default: TypePredictions()].everyone = prediction
        }
    }

    /// The prediction for `worker` on `taskType`: the worker's own, else everyone's, else nil.
    public func prediction(taskType: String, worker: WorkerID) -> Prediction? {
        guard let type = types[taskType] else { return nil }
        return type.workers[worker] ?? type.everyone
    }

    /// The models as `name@version`, sorted, for explanations.
    public var modelText: String {
        models.sorted { $0.key < $1.key }.map { "\($0.key)@\($0.value)" }.joined(separator: ", ")
    }
}

/// The predictions for one task type.
public struct TypePredictions: Sendable, Hashable, Codable {
    /// What to expect of a worker with no prediction of their own: the type's overall figures.
    public var everyone: Prediction?
    /// Each worker's own prediction.
    public var workers: [WorkerID: Prediction]

    /// Predictions as given.
    public init(everyone: Prediction? = nil, workers: [WorkerID: Prediction] = [:]) {
        self.everyone = everyone
        self.workers = workers
    }
}

/// What a worker is expected to do with a task of one type.
public struct Prediction: Sendable, Hashable, Codable {
    /// The expected handling time, in seconds.
    public var handlingTime: Double
    /// An upper quantile of the handling time (p90 as the models publish it), in seconds: what
    /// service-level risk is judged by.
    public var handlingTimeUpper: Double
    /// The chance, 0...1, that the worker resolves the task without it coming back.
    public var resolution: Double

    /// A prediction as given.
    public init(handlingTime: Double, handlingTimeUpper: Double, resolution: Double) {
        self.handlingTime = handlingTime
        self.handlingTimeUpper = handlingTimeUpper
        self.resolution = resolution
    }
}
