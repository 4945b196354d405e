import FlowtuneCore
import Foundation

/// Encodes events for the store as they are decided, so that a group commit hands the store
/// bytes instead of the events themselves.
///
/// The engine adds each command's events the moment the core has built them, while they are still
/// in the cache, and may then drop them: a caller that only needs an acknowledgement never holds
/// them, and nothing reads them a second time to encode them later. ``take()`` ends the batch and
/// starts the next one.
///
/// ```swift
/// var encoder = EventBatchEncoder()
/// encoder.add(try state.execute(command, context: context))
/// let version = try await store.append(encoder.take(), to: workspace, expectedVersion: version)
/// ```
///
/// The bytes are those an append of the events themselves would write: the stored format does
/// not depend on the path, and a log written either way reads the same.
public struct EventBatchEncoder: ~Copyable {
    private var assembler: ChunkAssembler
    /// The first event that could not be encoded, named by its place in the batch.
    private var failure: EventStoreError?
    /// The bytes the last batch took, to size the next one's buffer without regrowing it.
    private var lastByteCount = 0

    /// Creates an empty batch.
    public init() {
        assembler = ChunkAssembler(capacity: 4096)
    }

    /// The number of events added since the batch began.
    public var count: Int { assembler.eventCount }

    /// Whether nothing was added since the batch began: no event, and no event that failed to
    /// encode (a batch holding such a failure must still be appended, to fail).
    public var isEmpty: Bool { assembler.eventCount == 0 && failure == nil }

    /// Encodes `events`, one command's, after those already added.
    ///
    /// An event the format cannot represent is not added; the batch then fails as a whole when it
    /// is appended, with ``EventStoreError/Code/invalidEvent`` naming the first such event, as an
    /// append of the events themselves would.
    public mutating func add(_ events: [Event]) {
        guard failure == nil else { return }
        do throws(EventStoreError) {
            try assembler.add(events, numberedFrom: assembler.eventCount + 1)
        } catch {
            failure = error
        }
    }

    /// Ends the batch, returns it, and starts the next one empty.
    public mutating func take() -> EncodedEvents {
        let failure = self.failure
        let hint = max(lastByteCount + lastByteCount / 4, 4096)
        let batch = (consume self).assembler.finish()
        self = EventBatchEncoder(capacity: hint)
        self.lastByteCount = batch.bytes.count
        return EncodedEvents(batch: batch, failure: failure)
    }

    /// Drops what was added, as after a failed commit.
    public mutating func reset() {
        _ = take()
    }

    private init(capacity: Int) {
        assembler = ChunkAssembler(capacity: capacity)
    }
}

/// A batch of events encoded by ``EventBatchEncoder``, ready for one append.
public struct EncodedEvents: Sendable {
    let batch: EncodedBatch
    let failure: EventStoreError?

    /// The number of events.
    public var count: Int { batch.count }

    /// The events, decoded again: how a store that does not take encoded batches appends them.
    ///
    /// - Throws: ``EventStoreError/Code/invalidEvent`` when an event could not be encoded in the
    ///   first place.
    public func events() throws(EventStoreError) -> [Event] {
        if let failure { throw failure }
        var events: [Event] = []
        events.reserveCapacity(batch.count)
        let workspace = WorkspaceID("batch")
        // `withUnsafeBytes` rethrows untyped errors: the failure is carried out of it instead.
        let failure = batch.bytes.withUnsafeBytes { bytes -> EventStoreError? in
            do throws(EventStoreError) {
                for chunk in batch.chunks {
                    try EventChunk.forEach(
                        in: UnsafeRawBufferPointer(rebasing: bytes[chunk.bytes]), workspace: workspace,
                        first: Int64(chunk.first + 1), count: chunk.count, from: 0
                    ) { (sequence, blob) throws(EventStoreError) in
                        events.append(try EventCodec.decode(blob, workspace: workspace, sequence: sequence))
                        return true
                    }
                }
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        return events
    }
}
