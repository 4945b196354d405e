import Foundation

/// Timings of the engine's commit chain, batch by batch, kept when an engine is opened with
/// `tracingCommits`: how long the actor spent deciding each batch, when it handed it to the store,
/// when the append's result reached the actor again and how long waking its commands took, and
/// how long commands took from their caller's wake-up to the inbox and from the inbox to being
/// decided.
///
/// Times are monotonic nanoseconds (`DispatchTime.now().uptimeNanoseconds`), the clock the store's
/// ``FlowtuneStore/AppendTrace`` uses too, so that the two can be laid side by side. Nothing of
/// this is measured while tracing is off.
///
/// ```swift
/// let engine = try await WorkspaceEngine.open("bench", store: store, clock: SystemClock(), tracingCommits: true)
/// // … run commands …
/// for batch in await engine.commitTrace()?.batches ?? [] { print(batch.commands, batch.decideNanoseconds) }
/// ```
public struct CommitTrace: Sendable {
    /// One group commit as the actor saw it.
    public struct Batch: Sendable, Hashable {
        /// The commands (and callers on the actor) it answered.
        public var commands: Int
        /// The events it appended; 0 when it only waited for the batches before it.
        public var events: Int
        /// The drain rounds that decided its commands.
        public var rounds: Int
        /// The actor's time deciding its commands, the rounds' time summed.
        public var decideNanoseconds: UInt64
        /// When the actor handed it to the store.
        public var handedAt: UInt64
        /// When the append's result reached the actor again.
        public var returnedAt: UInt64 = 0
        /// When the actor began waking its commands, having first handed the next batch over.
        public var resumeStartedAt: UInt64 = 0
        /// When it had woken them all.
        public var resumeEndedAt: UInt64 = 0
    }

    /// The batches in commit order.
    public var batches: [Batch] = []
    /// For each command, nanoseconds from the start of the latest wake-up of a batch before it
    /// reached the inbox to its arrival: how long a woken caller took to submit its next command.
    /// An upper bound, from the start of the wake-up rather than the caller's own.
    public var resumeToInbox: [UInt64] = []
    /// For each command, nanoseconds from reaching the inbox to the start of the drain round that
    /// decided it.
    public var inboxToDecide: [UInt64] = []
    /// The actor's time in drain rounds and in the commit loop (handing a batch over, waking its
    /// commands), summed: what of the run's wall time the actor was busy.
    public var actorBusyNanoseconds: UInt64 = 0

    /// Monotonic nanoseconds.
    @inline(__always)
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

/// What the engine accumulates for the batch being gathered, while tracing.
struct OpenBatchTrace {
    var rounds = 0
    var decideNanoseconds: UInt64 = 0
}
