import FlowtuneCore
import FlowtuneEngine
import Foundation
import ServiceLifecycle

/// Measures routing decisions as they are committed: for each offer, the time from the moment
/// the engine decided it (the event's time, read from the engine's clock) until the decision
/// reached subscribers, that is, was durable in the log.
///
/// This measures what a caller waits for a decision to count, deciding plus group commit, from
/// the log alone, without touching the engine's hot path. It assumes the engine runs on the
/// system clock; a decision stamped in the future (a test's manual clock) counts as zero.
struct RoutingLatencyFeed: Service {
    let host: WorkspaceHost
    let telemetry: ServerTelemetry

    func run() async throws {
        let commits = await host.engine.subscribeToCommits()
        // Cancelling the iteration ends only this subscription; finishing the engine's
        // subscriptions here would end the other feeds' before their own turn to stop.
        await cancelWhenGracefulShutdown {
            for await commit in commits {
                // One reading of the clock per commit: its offers reached subscribers together.
                var now: Date?
                for index in commit.indices {
                    guard case .taskOffered = commit[index].event.payload else { continue }
                    if now == nil { now = Date() }
                    let seconds = max(0, now!.timeIntervalSince(commit[index].event.time))
                    telemetry.recordRoutingDecision(.nanoseconds(Int64(seconds * 1e9)))
                }
            }
        }
    }
}
