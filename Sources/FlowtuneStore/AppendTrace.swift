import Foundation
import Synchronization

/// Timings of a store's appends, one record per append, kept when ``SQLiteEventStore`` is opened
/// with `tracingAppends`: when the append was called, when the writer connection took it up, when
/// its rows were in (the transaction's work before `COMMIT`) and when `COMMIT` returned (the WAL
/// frames written and, with ``SQLiteEventStore/Durability/full``, synced).
///
/// Times are monotonic nanoseconds (`DispatchTime.now().uptimeNanoseconds`), the clock the engine's
/// commit trace uses, so that a batch can be followed from the actor to the disk and back.
public final class AppendTrace: Sendable {
    /// One append.
    public struct Append: Sendable, Hashable {
        /// The events appended.
        public var events: Int
        /// The encoded bytes.
        public var bytes: Int
        /// When `append` was called.
        public var calledAt: UInt64
        /// When the writer connection began it.
        public var startedAt: UInt64
        /// When its rows were written, before `COMMIT`.
        public var writtenAt: UInt64
        /// When `COMMIT` returned.
        public var committedAt: UInt64
    }

    private let records = Mutex<[Append]>([])

    /// Creates an empty trace.
    public init() {}

    /// The appends so far, in the order they committed.
    public var appends: [Append] { records.withLock { $0 } }

    func record(_ append: Append) {
        records.withLock { $0.append(append) }
    }

    /// Monotonic nanoseconds.
    @inline(__always)
    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}
