import FlowtuneCore
import FlowtuneEngine
import FlowtuneStore
import Foundation

/// One workspace as the server serves it: its engine, its store, and the measures kept live
/// from its committed events.
public struct WorkspaceHost: Sendable {
    /// The workspace's engine, the only writer of its log.
    public let engine: WorkspaceEngine
    /// The store the engine writes to.
    public let store: any EventStore
    /// Measures folded from committed events.
    public let board: MetricsBoard
    /// The clock the engine decides with.
    public let clock: any WallClock
    /// The workspace's id.
    public let workspace: WorkspaceID

    /// Opens `workspace` from `store`, folding its log, and fills the measures from the same log.
    public static func open(_ workspace: WorkspaceID, store: any EventStore, clock: any WallClock) async throws -> WorkspaceHost {
        let engine = try await WorkspaceEngine.open(workspace, store: store, clock: clock)
        let board = MetricsBoard()
        return WorkspaceHost(engine: engine, store: store, board: board, clock: clock, workspace: workspace)
    }
}

/// The live measures of a workspace, folded from its committed events in log order.
public actor MetricsBoard {
    private var metrics = WorkspaceMetrics()
    private var applied: Int64 = 0

    /// Creates an empty board.
    public init() {}

    /// Folds `event` if it is the next one in the log; earlier ones are ignored, so a replay and
    /// a live subscription can overlap.
    public func record(_ stored: StoredEvent) {
        guard stored.sequence > applied else { return }
        metrics.record(stored.event)
        applied = stored.sequence
    }

    /// Folds every event of `stream` as it comes, until the stream ends.
    ///
    /// The loop runs on the board itself: the events are read without leaving it, where a loop
    /// elsewhere calling ``record(_:)`` hopped onto the board and back once per committed event.
    /// Readers of ``current`` still get in between the events whenever the stream has none ready.
    public func follow(_ stream: AsyncStream<StoredEvent>) async {
        for await stored in stream { record(stored) }
    }

    /// Folds every commit of `commits` (``WorkspaceEngine/subscribeToCommits()``) as it comes,
    /// until the stream ends: the board wakes once per commit rather than once per event.
    public func follow(commits: AsyncStream<[StoredEvent]>) async {
        for await commit in commits {
            for index in commit.indices { record(commit[index]) }
        }
    }

    /// Replaces the measures with ones folded elsewhere up to `position`, such as from a replay.
    public func seed(_ folded: WorkspaceMetrics, upTo position: Int64) {
        guard position > applied else { return }
        metrics = folded
        applied = position
    }

    /// The measures so far.
    public var current: WorkspaceMetrics { metrics }

    /// The last log position folded in.
    public var position: Int64 { applied }
}
