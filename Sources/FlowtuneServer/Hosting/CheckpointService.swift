import FlowtuneStore
import Foundation
import ServiceLifecycle

/// Copies the store's write-ahead log into its database file in the background, every
/// `interval`, on a connection of its own (``WALCheckpointer``).
///
/// SQLite's default is for the writer to checkpoint right after a commit once the log holds
/// 1,000 pages: at 5,000 lifecycles a second that is about a dozen times a second, each copying
/// the log's pages into the database file and syncing it, then syncing the log's new header on
/// the next commit, while every command waiting for a commit waits too. In the background the
/// copy and the syncs run beside the commits; the writer only checkpoints itself if the log
/// reaches ``writerPages``.
struct CheckpointService: Service {
    /// How many pages the writer lets the log hold before it checkpoints itself, while the
    /// background pass runs: a bound (64 MiB of 4 KiB pages) for when it falls behind, such as
    /// while a long read holds old pages, not a size the log is expected to reach.
    static let writerPages = 16_384

    let checkpointer: WALCheckpointer
    let interval: Duration

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if Task.isCancelled { break }
                // A copy and a sync block their thread: not one of Swift's cooperative threads,
                // which run the requests.
                await Self.runOffPool { _ = try? checkpointer.checkpoint() }
            }
        }
    }

    /// Runs `work` on a dispatch queue of its own and waits for it.
    private static func runOffPool(_ work: @escaping @Sendable () -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                work()
                continuation.resume()
            }
        }
    }

    private static let queue = DispatchQueue(label: "flowtune.checkpoints")
}
