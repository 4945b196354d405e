/// How the models learn inside a replication and how often routing gets their predictions.
///
/// Every finished step visit teaches a handling-time model (task type, step, worker, team,
/// seconds) and a first-time-resolution model (came back for rework or not); every `refresh`
/// of simulated time the simulator builds a ``FlowtuneCore/PredictionTable`` from them and
/// publishes it to the workspace, as a live deployment would on its retraining cadence. The
/// learning runs the same under every policy; only policies that read predictions use it.
///
/// ```yaml
/// learning:
///   refresh: 15m      # publish a new table every 15 minutes of simulated time
///   history: 20       # past visits per worker and task type, drawn from the truth before the start
/// ```
public struct LearningSettings: Sendable, Hashable, Codable {
    /// Seconds of simulated time between two published tables.
    public var refresh: Double
    /// How many past visits per (worker, task type, step) the models learn from before the run
    /// starts, drawn from the same truth the run uses: the history a desk's event log would hold.
    /// 0 starts the models empty.
    public var history: Int

    /// Settings as given.
    public init(refresh: Double, history: Int = 0) {
        self.refresh = refresh
        self.history = history
    }
}
