import FlowtuneCore
import FlowtuneEngine
import FlowtuneStore
import ServiceLifecycle

/// Keeps a workspace's measures current: folds the log once, then every committed event.
struct MetricsFeed: Service {
    let host: WorkspaceHost

    func run() async throws {
        // Subscribe before replaying so that nothing committed in between is missed; the board
        // skips what it has already folded.
        let commits = await host.engine.subscribeToCommits()
        let board = host.board
        let folder = MetricsFolder()
        try await host.store.replay(host.workspace, after: 0) { batch in folder.fold(batch) }
        await board.seed(folder.metrics, upTo: folder.position)
        await withTaskCancellationOrGracefulShutdownHandler {
            await board.follow(commits: commits)
        } onCancelOrGracefulShutdown: {
            Task { await host.engine.finishSubscriptions() }
        }
    }
}

/// Fires the workspace's timers — offer timeouts, escalations, relaxations — on the wall clock.
struct TimerService: Service {
    let host: WorkspaceHost

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await host.engine.runTimers()
        }
    }
}

/// Folds replayed batches; a reference so that the store's batch callback can fill it.
private final class MetricsFolder: @unchecked Sendable {
    var metrics = WorkspaceMetrics()
    var position: Int64 = 0

    func fold(_ batch: [StoredEvent]) {
        for stored in batch { metrics.record(stored.event) }
        position = batch.last?.sequence ?? position
    }
}
