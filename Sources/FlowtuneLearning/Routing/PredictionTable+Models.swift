import FlowtuneCore

extension PredictionTable {
    /// A worker a table predicts for: the id and the team whose history stands in for theirs.
    public struct Member: Sendable, Hashable {
        /// The worker.
        public var id: WorkerID
        /// The worker's team.
        public var team: String

        /// A member as given.
        public init(id: WorkerID, team: String) {
            self.id = id
            self.team = team
        }
    }

    /// The table routing reads, built from the learned models for every task type they know and
    /// every worker in `members`.
    ///
    /// For a task type whose workflow has several steps, the handling time is the sum over the
    /// steps the model has seen for that type (a task's work, start to finish), and the upper
    /// figure is the sum of the steps' upper quantiles — above the sum's own quantile, so risk is
    /// judged conservatively. The resolution is the resolution model's posterior mean. A worker
    /// with no history of their own is predicted from the team (the models shrink worker → team
    /// → everyone); `everyone` holds the figures for a worker of no known team.
    ///
    /// ```swift
    /// let table = PredictionTable(
    ///     handlingTime: handlingModel, resolution: resolutionModel,
    ///     members: [.init(id: "ana", team: "tier1"), .init(id: "bo", team: "tier2")])
    /// table.prediction(taskType: "billing", worker: "ana")?.handlingTime
    /// table.modelText   // "first-time-resolution@1, handling-time@1"
    /// ```
    public init(handlingTime: HandlingTimeModel, resolution: ResolutionModel, members: [Member]) {
        self.init(models: [
            handlingTime.reference.name: handlingTime.reference.version,
            resolution.reference.name: resolution.reference.version,
        ])
        var steps: [String: [StepID]] = [:]
        for segment in handlingTime.segments.keys { steps[segment.taskType, default: []].append(segment.step) }
        for (taskType, typeSteps) in steps {
            func handling(_ estimate: (StepID) -> HandlingTimeEstimate?) -> (mean: Double, upper: Double)? {
                var mean = 0.0
                var upper = 0.0
                for step in typeSteps {
                    guard let estimate = estimate(step) else { return nil }
                    mean += estimate.mean
                    upper += estimate.upper
                }
                return (mean, upper)
            }
            // A team nobody is in: the handling-time model falls back to everyone's figures.
            let nobody = "\u{0}"
            if let overall = handling({ handlingTime.estimate(taskType: taskType, step: $0, team: nobody) }) {
                set(Prediction(
                    handlingTime: overall.mean, handlingTimeUpper: overall.upper,
                    resolution: resolution.estimate(taskType: taskType, team: nobody).mean), taskType: taskType)
            }
            for member in members {
                guard let own = handling({
                    handlingTime.estimate(taskType: taskType, step: $0, worker: member.id, team: member.team)
                }) else { continue }
                set(Prediction(
                    handlingTime: own.mean, handlingTimeUpper: own.upper,
                    resolution: resolution.estimate(taskType: taskType, worker: member.id, team: member.team).mean),
                    taskType: taskType, worker: member.id)
            }
        }
    }
}
