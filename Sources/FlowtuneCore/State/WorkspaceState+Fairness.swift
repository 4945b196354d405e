import Foundation

extension WorkspaceState {
    /// Every worker's share of their team's load over the fairness period (observed seconds of
    /// ended visits, predicted seconds of those under way, and hard tasks) against the team's
    /// mean share, sorted by team then worker; see ``FairnessLedger`` for the period and the bound.
    ///
    /// ```swift
    /// for share in state.fairnessShares() where share.overBound || share.waived > 0 {
    ///     print(share.worker, share.loadDeviation, share.waived)   // e.g. w3 0.41 2
    /// }
    /// ```
    public func fairnessShares() -> [FairnessShare] {
        var shares: [FairnessShare] = []
        for (team, load) in fairness.teams {
            for (number, tally) in load.members where number < workers.count {
                shares.append(FairnessShare(
                    worker: workers[number].worker.id, team: team, assignments: tally.visits,
                    loadShare: load.loadShare(of: number) ?? 0, hardShare: load.hardShare(of: number),
                    teamMeanShare: load.meanShare,
                    overBound: fairness.isOver(number, team: team, settings: settings.predictive),
                    loadSeconds: max(tally.seconds, 0), waived: tally.waived))
            }
        }
        return shares.sorted { ($0.team, $0.worker) < ($1.team, $1.worker) }
    }

    /// How far over the fairness bound worker number `number` would be by taking a task of
    /// `type` (its entry in the prediction index), judged on the upper quantile of the worker's
    /// own predicted handling time; nil when within it or when nothing is counted yet.
    ///
    /// The upper quantile rather than the mean: the task's time becomes the worker's observed
    /// load whatever it turns out to be, so a worker close to the bound is given only work that
    /// will most likely still leave them within it.
    @inline(__always)
    func fairnessOverage(_ number: Int, type: PredictionIndex.TypeEntry?) -> FairnessLedger.Overage? {
        if fairness.isEmpty { return nil }
        let seconds = prediction(type, worker: number)?.handlingTimeUpper ?? 0
        return fairness.overage(
            of: number, team: workers[number].worker.team, seconds: seconds, hard: type?.hard ?? false,
            settings: settings.predictive)
    }

    /// Starts a visit in the worker's team's load, with the predicted handling time of the table
    /// in force. Without a table there is nothing to count by.
    mutating func recordAssignment(task id: TaskID, worker: WorkerID, at time: Date) {
        guard predictions != nil, let number = workerIndex[worker], let task = tasks[id] else { return }
        let type = predictionIndex.types[taskType(of: task)]
        let predicted = prediction(type, worker: number)
        fairness.start(
            task: id, worker: number, team: workers[number].worker.team, predicted: max(predicted?.handlingTime ?? 0, 0),
            judged: max(predicted?.handlingTimeUpper ?? 0, 0),
            hard: type?.hard ?? false, at: time.timeIntervalSinceReferenceDate, settings: settings.predictive)
    }

    /// Ends the visit of a task that leaves its worker: its load becomes the time it took.
    mutating func endVisit(task id: TaskID, at time: Date) {
        // Without a prediction table no visit is open: skip hashing the id to find that out.
        guard !fairness.open.isEmpty else { return }
        fairness.end(task: id, at: time.timeIntervalSinceReferenceDate, settings: settings.predictive)
    }
}
