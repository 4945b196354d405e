import FlowtuneCore
import Foundation

/// The task index entries of one workspace's log after its `indexed` mark: what appends have
/// committed to the chunks but not yet to `tasks` and `task_runs`.
///
/// The store writes the index a window of events at a time rather than with every append, so that
/// a task whose events all fall in one window costs one `tasks` row, its later runs in the row's
/// `runs` blob, instead of a row per run each in its own append. The window lives in the writing
/// store's memory; it is valid only while the log is at ``version``. Anything else (a new process,
/// a failed append, another process appending) rebuilds it from the chunks after the mark, which
/// are the source of truth: the window can always be made again, so it needs no durability of its
/// own, and readers scan the same chunks.
struct TaskIndexWindow: Sendable {
    /// One task met in the window.
    struct WindowTask: Sendable {
        /// The task id's UTF-8 bytes in ``TaskIndexWindow/ids``.
        var id: Range<Int>
        /// The task's first event: in the window when ``starts``, else remembered from before it.
        var first: Int64
        /// Whether the task is taken to start in the window: it was not remembered, so its first
        /// event here is its first unless `tasks` says otherwise when the window is written.
        var starts: Bool
    }

    /// The log version the window reflects.
    var version: Int64
    /// The last event the tables index; the window holds the entries after it.
    let indexed: Int64
    /// The tasks, in the order they were met.
    private(set) var tasks: [WindowTask] = []
    /// Each later run's first event, with its task's place in ``tasks``, in log order.
    private(set) var runs: [(task: Int32, sequence: Int64)] = []
    /// The task ids' UTF-8 bytes, back to back.
    private(set) var ids: [UInt8] = []
    private var places = TaskKeyTable()

    /// An empty window after event `indexed`.
    init(indexed: Int64) {
        self.indexed = indexed
        version = indexed
    }

    /// The number of events the window covers.
    var eventCount: Int64 { version - indexed }

    /// Notes that a run of the task whose id is `task` starts at event `sequence`; `firsts`
    /// answers the first event of tasks met before the window.
    mutating func add(task: UnsafeRawBufferPointer, at sequence: Int64, firsts: inout TaskFirstEvents) {
        let key = TaskKey(task)
        if let place = places.value(for: key) {
            runs.append((Int32(place), sequence))
            return
        }
        let place = tasks.count
        places.set(Int64(place), for: key)
        let start = ids.count
        ids.append(contentsOf: task)
        if let first = firsts.first(of: key) {
            tasks.append(WindowTask(id: start..<ids.count, first: first, starts: false))
            runs.append((Int32(place), sequence))
        } else {
            tasks.append(WindowTask(id: start..<ids.count, first: sequence, starts: true))
        }
    }

    /// Notes the runs of the stored chunk of `count` events from `first` on, as an append of it
    /// noted them: a run starts at each event about a task that does not continue the previous
    /// event's task within the chunk.
    ///
    /// - Throws: ``EventStoreError/Code/corrupt`` when the chunk's framing or an event's header is damaged.
    mutating func add(
        chunk: UnsafeRawBufferPointer, workspace: WorkspaceID, first: Int64, count: Int, firsts: inout TaskFirstEvents
    ) throws(EventStoreError) {
        try Self.forEachRun(in: chunk, workspace: workspace, first: first, count: count) { sequence, task in
            add(task: task, at: sequence, firsts: &firsts)
        }
    }

    /// The later runs of each task, grouped by task in log order: `body` gets each task's place
    /// in ``tasks`` and the first events of its later runs in the window, ascending.
    func forEachTask(_ body: (Int, ArraySlice<Int64>) throws -> Void) rethrows {
        // A counting sort by task: the runs of one task stay in log order.
        var starts = [Int](repeating: 0, count: tasks.count + 1)
        for run in runs { starts[Int(run.task) + 1] += 1 }
        for index in tasks.indices { starts[index + 1] += starts[index] }
        var next = starts
        var sorted = [Int64](repeating: 0, count: runs.count)
        for run in runs {
            sorted[next[Int(run.task)]] = run.sequence
            next[Int(run.task)] += 1
        }
        for index in tasks.indices {
            try body(index, sorted[starts[index]..<starts[index + 1]])
        }
    }

    /// Calls `body` with the first event of each run in a stored chunk of `count` events from
    /// `first` on, and the UTF-8 bytes of the run's task id, which lie in `chunk`.
    ///
    /// - Throws: ``EventStoreError/Code/corrupt`` when the chunk's framing or an event's header is damaged.
    static func forEachRun(
        in chunk: UnsafeRawBufferPointer, workspace: WorkspaceID, first: Int64, count: Int,
        _ body: (Int64, UnsafeRawBufferPointer) throws(EventStoreError) -> Void
    ) throws(EventStoreError) {
        var previous: UnsafeRawBufferPointer?
        try EventChunk.forEach(in: chunk, workspace: workspace, first: first, count: count, from: first) {
            (sequence, blob) throws(EventStoreError) in
            let task: UnsafeRawBufferPointer?
            do throws(DecodingFailure) {
                task = try taskID(in: blob)
            } catch {
                throw EventStoreError(
                    .corrupt,
                    "event \(sequence) of workspace \(workspace) is corrupt: \(error.reason) at byte \(error.offset) of \(blob.count)")
            }
            defer { previous = task }
            guard let task else { return true }
            if let previous, previous.count == task.count,
                previous.count == 0 || memcmp(previous.baseAddress!, task.baseAddress!, task.count) == 0
            {
                return true
            }
            try body(sequence, task)
            return true
        }
    }

    /// Where the task id of an encoded event lies in it, for an event about a task; nil otherwise.
    /// Reads only the header and the payload's first field, as ``BinaryWriter/write(event:compactDecisions:)`` laid them out.
    static func taskID(in blob: UnsafeRawBufferPointer) throws(DecodingFailure) -> UnsafeRawBufferPointer? {
        var reader = BinaryReader(blob)
        let version = try reader.readByte()
        guard version == EventCodec.formatVersion else {
            throw reader.failure("unknown format version \(version), this build reads \(EventCodec.formatVersion)")
        }
        let tagByte = try reader.readByte()
        guard let tag = PayloadTag(rawValue: tagByte) else { throw reader.failure("unknown event tag \(tagByte)") }
        guard tag.isAboutTask else { return nil }
        _ = try reader.readFixed64()
        _ = try reader.readRawBytes(reader.readCount())
        // The cause: its length plus one, or 0 when absent.
        let cause = try reader.readVarint()
        if cause > 0 { _ = try reader.readRawBytes(Int(clamping: cause - 1)) }
        let task = try reader.readRawBytes(reader.readCount())
        return UnsafeRawBufferPointer(rebasing: blob[task])
    }
}

/// The first events of a task's later runs as the `runs` column of `tasks` holds them: each as
/// a varint of its distance from the one before, the first from the task's first event.
enum TaskRunList {
    /// Appends the encoding of `runs`, ascending and after `first`, to `bytes`.
    static func append(_ runs: ArraySlice<Int64>, after first: Int64, to bytes: inout [UInt8]) {
        var previous = first
        for run in runs {
            var delta = UInt64(run - previous)
            while delta >= 0x80 {
                bytes.append(UInt8(truncatingIfNeeded: delta) | 0x80)
                delta >>= 7
            }
            bytes.append(UInt8(delta))
            previous = run
        }
    }

    /// The runs encoded in `bytes` for the task whose first event is `first`.
    ///
    /// - Throws: ``DecodingFailure`` when the list is damaged.
    static func decode(_ bytes: UnsafeRawBufferPointer, after first: Int64) throws(DecodingFailure) -> [Int64] {
        var reader = BinaryReader(bytes)
        var runs: [Int64] = []
        var previous = first
        while !reader.isAtEnd {
            let delta = try reader.readVarint()
            guard delta > 0, delta <= UInt64(Int64.max - previous) else {
                throw reader.failure("a run \(delta) after event \(previous) is out of order")
            }
            previous += Int64(delta)
            runs.append(previous)
        }
        return runs
    }
}
