import FlowtuneCore
import Foundation

/// A batch of events encoded for one append: the blobs framed into chunks, one chunk per row of
/// `event_chunks`, and the entries of the task index.
///
/// Encoding happens before the append takes the writer connection, which is the one serial
/// resource; inside the transaction the store only binds pointers into ``bytes`` and steps.
///
/// A chunk is laid out as ``EventChunk/formatVersion`` followed by each event as a 4-byte
/// little-endian length and its ``EventCodec`` blob, so that a reader can skip to any event of the
/// chunk without decoding the ones before it.
struct EncodedBatch: Sendable {
    /// One `event_chunks` row.
    struct Chunk: Sendable {
        /// The batch index of the chunk's first event.
        var first: Int
        /// How many events it holds.
        var count: Int
        /// Where the chunk's bytes lie in ``EncodedBatch/bytes``.
        var bytes: Range<Int>
    }

    /// One `task_events` row: the first of a run of consecutive events of one chunk about one task.
    struct TaskEntry: Sendable {
        /// The batch index of the run's first event.
        var event: Int
        /// The task id's UTF-8 bytes in ``EncodedBatch/bytes``.
        var task: Range<Int>
    }

    /// The chunks, back to back.
    let bytes: [UInt8]
    /// The chunks, in the order of the events.
    let chunks: [Chunk]
    /// The task index entries, in the order of the events.
    let taskEntries: [TaskEntry]
    /// The number of events.
    let count: Int

    /// Encodes `events`.
    ///
    /// - Throws: ``EventStoreError/Code/invalidEvent`` naming the first event that cannot be encoded.
    init(_ events: [Event]) throws(EventStoreError) {
        var assembler = ChunkAssembler(capacity: max(events.count * 224, 256))
        try assembler.add(events, numberedFrom: 1)
        self = assembler.finish()
    }

    fileprivate init(bytes: [UInt8], chunks: [Chunk], taskEntries: [TaskEntry], count: Int) {
        self.bytes = bytes
        self.chunks = chunks
        self.taskEntries = taskEntries
        self.count = count
    }
}

/// Frames event blobs into chunks and notes the task index entries as they go.
///
/// A task's entry is made only when its event does not continue a run of the same task in the same
/// chunk: a command's events are mostly about one task, so a command costs the index one entry.
struct ChunkAssembler: ~Copyable {
    /// A chunk is closed once it holds this many events...
    static let maximumEvents = 1024
    /// ... or this many bytes, so that reading one event never means reading a huge row.
    static let maximumBytes = 256 * 1024

    var writer: BinaryWriter
    private var chunks: [EncodedBatch.Chunk] = []
    private var taskEntries: [EncodedBatch.TaskEntry] = []
    private var chunkStart = -1
    private var chunkFirst = 0
    private var events = 0
    /// The task bytes of the chunk's previous event, if it was about a task.
    private var previousTask: Range<Int>?

    init(capacity: Int) {
        writer = BinaryWriter(capacity: capacity)
    }

    /// The number of events added so far.
    var eventCount: Int { events }

    /// Opens a chunk if none is open or the open one is full, reserves the event's length, and
    /// returns where the length lies.
    mutating func beginEvent() -> Int {
        if chunkStart >= 0, events - chunkFirst >= Self.maximumEvents || writer.count - chunkStart >= Self.maximumBytes {
            closeChunk()
        }
        if chunkStart < 0 {
            chunkStart = writer.count
            chunkFirst = events
            previousTask = nil
            writer.write(byte: EventChunk.formatVersion)
        }
        let start = writer.count
        writer.write(fixed32: 0)
        return start
    }

    /// Fills in the length of the event written since ``beginEvent()`` and notes its task.
    mutating func endEvent(at start: Int, task: Range<Int>?) {
        writer.patch(fixed32: UInt32(writer.count - start - 4), at: start)
        if let task {
            let continues = previousTask.map { previous in
                previous.count == task.count
                    && memcmp(writer.bytes.baseAddress! + previous.lowerBound, writer.bytes.baseAddress! + task.lowerBound, task.count) == 0
            } ?? false
            if !continues { taskEntries.append(EncodedBatch.TaskEntry(event: events, task: task)) }
        }
        previousTask = task
        events += 1
    }

    private mutating func closeChunk() {
        chunks.append(EncodedBatch.Chunk(first: chunkFirst, count: events - chunkFirst, bytes: chunkStart..<writer.count))
        chunkStart = -1
    }

    /// Encodes `events`, which are the batch's events from number `first` on (counting from 1),
    /// the number an error names.
    mutating func add(_ events: [Event], numberedFrom first: Int) throws(EventStoreError) {
        // Through the buffer rather than `enumerated()` or the array's subscript, which hand out
        // copies: copying an event retains every reference it holds, and releasing the copy costs
        // as much again.
        let failure = events.withUnsafeBufferPointer { events -> EventStoreError? in
            for index in events.indices {
                do throws(EncodingFailure) {
                    let start = beginEvent()
                    let layout = try writer.write(event: events[index])
                    endEvent(at: start, task: layout.task)
                } catch {
                    return EventStoreError(
                        .invalidEvent,
                        "cannot encode event \(first + index) of the batch (\(events[index].type)): \(error.reason)")
                }
            }
            return nil
        }
        if let failure { throw failure }
    }

    consuming func finish() -> EncodedBatch {
        if chunkStart >= 0 { closeChunk() }
        return EncodedBatch(bytes: Array(writer.bytes), chunks: chunks, taskEntries: taskEntries, count: events)
    }
}

/// Reads the events of one stored chunk in order, without decoding them.
enum EventChunk {
    /// The version of the chunk framing, its first byte.
    static let formatVersion: UInt8 = 1

    /// Calls `body` with the sequence and blob of each event of a chunk of `count` events whose
    /// first event is `first`, from sequence `from` on, until `body` returns false.
    ///
    /// - Throws: ``EventStoreError/Code/corrupt`` naming the workspace and the event when the
    ///   framing is damaged, or what `body` throws.
    static func forEach(
        in chunk: UnsafeRawBufferPointer, workspace: WorkspaceID, first: Int64, count: Int, from: Int64,
        _ body: (Int64, UnsafeRawBufferPointer) throws(EventStoreError) -> Bool
    ) throws(EventStoreError) {
        func corrupt(_ index: Int, _ reason: String) -> EventStoreError {
            EventStoreError(
                .corrupt,
                "event \(first + Int64(index)) of workspace \(workspace) is corrupt: \(reason) in the chunk from event \(first)")
        }
        guard let base = chunk.baseAddress, chunk.count >= 1 else { throw corrupt(0, "empty chunk") }
        let version = base.load(as: UInt8.self)
        guard version == formatVersion else {
            throw corrupt(0, "unknown chunk format \(version), this build reads \(formatVersion)")
        }
        var offset = 1
        for index in 0..<count {
            guard chunk.count - offset >= 4 else { throw corrupt(index, "the chunk ends early") }
            let length = Int(UInt32(littleEndian: (base + offset).loadUnaligned(as: UInt32.self)))
            offset += 4
            guard length <= chunk.count - offset else { throw corrupt(index, "a length of \(length) overruns") }
            let sequence = first + Int64(index)
            if sequence >= from {
                guard try body(sequence, UnsafeRawBufferPointer(start: base + offset, count: length)) else { return }
            }
            offset += length
        }
        guard offset == chunk.count else { throw corrupt(count - 1, "\(chunk.count - offset) unexpected bytes after") }
    }
}
