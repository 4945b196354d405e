import FlowtuneCore
import Foundation

/// The binary form in which events are stored.
///
/// A blob is laid out as:
///
/// | bytes | content |
/// |---|---|
/// | 1 | format version, ``formatVersion`` |
/// | 1 | payload tag, one per ``EventPayload`` case |
/// | 8 | time: the IEEE bits of its offset from the reference date, little-endian |
/// | varint + UTF-8 | actor |
/// | varint + UTF-8 | cause, its length plus one; 0 when absent |
/// | rest | the payload's fields |
///
/// The events that make up the bulk of a log (task lifecycle, routing decisions, exceptions,
/// worker status) have a hand-written compact form: varints, fixed 8-byte doubles and
/// length-prefixed strings, with no field names. Routing decisions store their score-term names and
/// weights once when every candidate shares them, as the built-in policies' candidates do, and then
/// keep the weights, scores and term values in the narrowest width that gives each back bit for bit
/// (tags 17 and 18; routings of earlier builds, under tags 2 and 16, are still read). The rare
/// definition events (workflows, queues, workers) are JSON under their own tag, so that the model
/// types can grow fields without a codec change.
///
/// Decoding checks every read against the end of the blob and requires the whole blob to be used,
/// so a damaged blob fails with ``EventStoreError/Code/corrupt`` instead of crashing or decoding
/// into a plausible but wrong event. A reader meeting a newer format version refuses it the same
/// way, naming the version.
///
/// ```swift
/// let bytes = try EventCodec.encode(event)
/// let same = try EventCodec.decode(bytes, workspace: "acme", sequence: 1)
/// ```
public enum EventCodec {
    /// The version of the layout written by this build, the first byte of every blob.
    public static let formatVersion: UInt8 = 1

    /// How deeply a ``JSONValue`` may nest in an event. Decoding recurses once per level, so a
    /// bound keeps a damaged blob from exhausting the stack; JSON parsers refuse deeper input anyway.
    public static let maximumJSONDepth = 512

    /// Encodes `event` into a new buffer.
    ///
    /// - Throws: ``EventStoreError/Code/invalidEvent`` when the event holds a value the format
    ///   cannot represent.
    public static func encode(_ event: Event) throws(EventStoreError) -> [UInt8] {
        var bytes: [UInt8] = []
        try encode(event, into: &bytes)
        return bytes
    }

    /// Appends the encoding of `event` to `buffer`.
    ///
    /// On failure `buffer` is left as it was.
    ///
    /// - Throws: ``EventStoreError/Code/invalidEvent`` when the event holds a value the format
    ///   cannot represent.
    public static func encode(_ event: Event, into buffer: inout [UInt8]) throws(EventStoreError) {
        var writer = BinaryWriter()
        do {
            try writer.write(event: event)
        } catch {
            throw EventStoreError(.invalidEvent, "cannot encode \(event.type) event: \(error.reason)")
        }
        buffer.append(contentsOf: writer.bytes)
    }

    /// Decodes an event from `bytes`, which must hold exactly one encoded event.
    ///
    /// `workspace` and `sequence` only name the event in the error.
    ///
    /// - Throws: ``EventStoreError/Code/corrupt`` naming the workspace, the sequence, what was
    ///   wrong and the byte offset where decoding stopped.
    public static func decode(
        _ bytes: UnsafeRawBufferPointer, workspace: WorkspaceID, sequence: Int64
    ) throws(EventStoreError) -> Event {
        try decode(bytes, workspace: workspace, sequence: sequence, strings: nil)
    }

    /// Decodes an event, sharing short strings through `strings` across the events of one pass.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, workspace: WorkspaceID, sequence: Int64, strings: StringTable?
    ) throws(EventStoreError) -> Event {
        var reader = BinaryReader(bytes, strings: strings)
        do {
            return try reader.readEvent()
        } catch {
            throw EventStoreError(
                .corrupt,
                "event \(sequence) of workspace \(workspace) is corrupt: \(error.reason) at byte \(error.offset) of \(bytes.count)"
            )
        }
    }

    /// Decodes an event from `bytes`, which must hold exactly one encoded event.
    ///
    /// - Throws: ``EventStoreError/Code/corrupt`` naming the workspace and the sequence.
    public static func decode(_ bytes: [UInt8], workspace: WorkspaceID, sequence: Int64) throws(EventStoreError) -> Event {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(EventStoreError) in try decode(buffer, workspace: workspace, sequence: sequence) }
        }
        return try result.get()
    }
}

/// Why an event could not be encoded.
struct EncodingFailure: Error {
    var reason: String
}

/// Where the parts of one encoded event lie in the writer's buffer.
struct EncodedEventLayout: Sendable {
    /// The blob's first byte.
    var start: Int
    /// Just past the blob's last byte.
    var end: Int
    /// The actor's UTF-8 bytes.
    var actor: Range<Int>
    /// The task id's UTF-8 bytes, for an event about a task.
    var task: Range<Int>?
    /// The payload's case.
    var tag: PayloadTag
}

extension BinaryWriter {
    /// Writes a whole blob and says where its parts lie, so that the store can bind the actor and
    /// task columns straight from the encoded bytes.
    ///
    /// On failure the writer is left as it was.
    ///
    /// `compactDecisions` false writes a routing in the form earlier builds wrote, for tests of
    /// reading it.
    @discardableResult
    mutating func write(event: Event, compactDecisions: Bool = true) throws(EncodingFailure) -> EncodedEventLayout {
        let start = count
        let tag = PayloadTag(event.payload, compactDecisions: compactDecisions)
        write(byte: EventCodec.formatVersion)
        write(byte: tag.rawValue)
        write(date: event.time)
        let actorStart = write(string: event.actor)
        let actor = actorStart..<count
        write(optionalString: event.cause)
        let payloadStart = count
        do {
            try write(payload: event.payload, compactDecisions: compactDecisions)
        } catch {
            truncate(to: start)
            throw error
        }
        var task: Range<Int>?
        if tag.isAboutTask, let id = event.taskID {
            // Every payload about a task starts with the task's id: its length, then its bytes.
            let length = id.rawValue.utf8.count
            let start = payloadStart + BinaryWriter.varintSize(UInt64(length))
            task = start..<(start + length)
        }
        return EncodedEventLayout(start: start, end: count, actor: actor, task: task, tag: tag)
    }
}

extension BinaryReader {
    /// Reads a whole blob: header, payload, and nothing after it.
    mutating func readEvent() throws(DecodingFailure) -> Event {
        let version = try readByte()
        guard version == EventCodec.formatVersion else {
            throw failure("unknown format version \(version), this build reads \(EventCodec.formatVersion)")
        }
        let tagByte = try readByte()
        guard let tag = PayloadTag(rawValue: tagByte) else { throw failure("unknown event tag \(tagByte)") }
        let time = try readDate()
        let actor = try readString()
        let cause = try readOptionalString()
        let payload = try readPayload(tag)
        guard isAtEnd else { throw failure("\(remaining) unexpected bytes after the event") }
        return Event(time: time, actor: actor, cause: cause, payload: payload)
    }
}
