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
/// weights once when every candidate shares them, as the built-in policies' candidates do. The rare
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
        bytes.reserveCapacity(128)
        try encode(event, into: &bytes)
        return bytes
    }

    /// Appends the encoding of `event` to `buffer`, so that a batch can share one allocation.
    ///
    /// On failure `buffer` is left as it was.
    ///
    /// - Throws: ``EventStoreError/Code/invalidEvent`` when the event holds a value the format
    ///   cannot represent.
    public static func encode(_ event: Event, into buffer: inout [UInt8]) throws(EventStoreError) {
        var writer = BinaryWriter()
        swap(&writer.bytes, &buffer)
        defer { swap(&writer.bytes, &buffer) }
        let start = writer.bytes.count
        do {
            writer.write(byte: formatVersion)
            writer.write(byte: PayloadTag(event.payload).rawValue)
            writer.write(date: event.time)
            writer.write(string: event.actor)
            writer.write(optionalString: event.cause)
            try writer.write(payload: event.payload)
        } catch {
            writer.bytes.removeSubrange(start...)
            throw EventStoreError(.invalidEvent, "cannot encode \(event.type) event: \(error.reason)")
        }
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
        var reader = BinaryReader(bytes)
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
