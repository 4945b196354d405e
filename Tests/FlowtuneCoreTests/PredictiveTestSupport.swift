import Foundation

@testable import FlowtuneCore

/// The net value of a pairing written out from its definition, independently of
/// ``PredictiveScore``: resolution × value − handling hours × worker cost − (handling + rework)
/// hours × customer cost − P(handling > slack) × missed-promise cost, with handling time normal
/// with the given mean and 90th percentile.
func referenceNet(
    _ prediction: Prediction, value: Double, costPerHour: Double, settings: PredictiveSettings = PredictiveSettings(),
    slack: Double? = nil
) -> Double {
    let m = prediction.handlingTime
    let r = prediction.resolution
    var net = r * value - m / 3600 * costPerHour - (m + (1 - r) * m) / 3600 * settings.customerCostPerHour
    if let slack {
        let sigma = (prediction.handlingTimeUpper - m) / 1.2815515655446004
        // P(X > slack) = 1 − Φ((slack − m)/σ) = ½ erfc((slack − m)/(σ√2))
        net -= 0.5 * erfc((slack - m) / (sigma * sqrt(2))) * settings.missedPromiseCost
    }
    return net
}

extension TestWorkspace {
    /// Registers a worker with a cost per hour and a team.
    mutating func paidWorker(
        _ id: WorkerID, cost: Double, skills: [String: Int] = [:], team: String = "desk", capacity: Int = 1,
        status: Worker.Status = .available
    ) throws {
        try run(.registerWorker(Worker(
            id: id, skills: skills, channels: [.default: capacity], team: team, costPerHour: cost, status: status)))
    }

    /// A queue `billing` and a one-step workflow `support` into it, with a day-long response window.
    mutating func desk(window: TimeInterval = 24 * 3600, requirement: Requirement = Requirement()) throws {
        try queue("billing", requirement: requirement)
        try simpleWorkflow("support", queue: "billing", ownership: ownership(window: window))
    }

    /// Sets the status of every worker in `ids`.
    mutating func set(_ ids: [WorkerID], _ status: Worker.Status) throws {
        for id in ids { try run(.setWorkerStatus(id, status)) }
    }
}

/// A support-desk table: billing (fast) and fraud (slow), with per-worker figures.
func deskTable() -> PredictionTable {
    var table = PredictionTable(models: ["handling-time": 3, "resolution": 2])
    table.set(Prediction(handlingTime: 300, handlingTimeUpper: 600, resolution: 0.80), taskType: "billing")
    table.set(Prediction(handlingTime: 240, handlingTimeUpper: 420, resolution: 0.95), taskType: "billing", worker: "ana")
    table.set(Prediction(handlingTime: 600, handlingTimeUpper: 1200, resolution: 0.90), taskType: "billing", worker: "bo")
    table.set(Prediction(handlingTime: 200, handlingTimeUpper: 400, resolution: 0.60), taskType: "billing", worker: "cy")
    table.set(Prediction(handlingTime: 1800, handlingTimeUpper: 3600, resolution: 0.70), taskType: "fraud")
    return table
}
