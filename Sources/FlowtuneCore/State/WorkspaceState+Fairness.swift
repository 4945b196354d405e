import Foundation

extension WorkspaceState {
    /// Every worker's share of their team's recent work (predicted handling seconds and hard
    /// tasks) against the team's mean share, sorted by team then worker; see ``FairnessLedger``
    /// for the window and the bound.
    ///
    /// ```swift
    /// for share in state.fairnessShares() where share.overBound {
    ///     print(share.worker, share.loadDeviation)   // e.g. w3 0.41
    /// }
    /// ```
    public func fairnessShares() -> [FairnessShare] {
        var shares: [FairnessShare] = []
        for (team, window) in fairness.teams {
            for (number, tally) in window.members where number < workers.count {
                shares.append(FairnessShare(
                    worker: workers[number].worker.id, team: team, assignments: tally.count,
                    loadShare: window.loadShare(of: number) ?? 0, hardShare: window.hardShare(of: number),
                    teamMeanShare: window.meanShare, overBound: fairness.overage(of: number) != nil))
            }
        }
        return shares.sorted { ($0.team, $0.worker) < ($1.team, $1.worker) }
    }

    /// Counts an accepted assignment in the worker's team's window, with the predicted handling
    /// time of the table in force. Without a table there is nothing to count by.
    mutating func recordAssignment(task id: TaskID, worker: WorkerID) {
        guard predictions != nil, let number = workerIndex[worker], let task = tasks[id] else { return }
        let type = predictionIndex.types[taskType(of: task)]
        let seconds = prediction(type, worker: number)?.handlingTime ?? 0
        fairness.record(
            FairnessLedger.Assignment(worker: number, seconds: max(seconds, 0), hard: type?.hard ?? false),
            team: workers[number].worker.team, settings: settings.predictive)
    }
}
