import FlowtuneCore
import Foundation

/// A batch of events encoded for one append: every blob in one buffer, and where each row's
/// columns lie in it.
///
/// Encoding happens before the append takes the writer connection, which is the one serial
/// resource; inside the transaction the store only binds pointers into ``bytes`` and steps.
struct EncodedBatch: Sendable {
    /// One row's columns.
    struct Row: Sendable {
        /// Where the blob and its actor and task bytes lie in ``EncodedBatch/bytes``.
        var layout: EncodedEventLayout
        /// The event's time in seconds since 1970, for the `time` column.
        var time: Double
    }

    /// The blobs, back to back.
    let bytes: [UInt8]
    /// The rows, in the order of the events.
    let rows: [Row]

    /// Encodes `events`.
    ///
    /// - Throws: ``EventStoreError/Code/invalidEvent`` naming the first event that cannot be encoded.
    init(_ events: [Event]) throws(EventStoreError) {
        var writer = BinaryWriter(capacity: max(events.count * 224, 256))
        var rows: [Row] = []
        rows.reserveCapacity(events.count)
        for (index, event) in events.enumerated() {
            do {
                let layout = try writer.write(event: event)
                rows.append(Row(layout: layout, time: event.time.timeIntervalSince1970))
            } catch {
                throw EventStoreError(
                    .invalidEvent, "cannot encode event \(index + 1) of the batch (\(event.type)): \(error.reason)")
            }
        }
        bytes = Array(writer.bytes)
        self.rows = rows
    }
}
