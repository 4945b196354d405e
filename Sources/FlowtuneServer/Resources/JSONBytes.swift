import FlowtuneCore
import Foundation
import NIOCore

/// JSON written straight into bytes, for the few documents the server writes on every request or
/// event, in the exact form `JSONEncoder.api` gives (sorted keys, escaped slashes), without its
/// containers and boxes.
enum JSONBytes {
    private static let hex = Array("0123456789abcdef".utf8)

    /// Writes `text` as a JSON string, escaped as `JSONEncoder` escapes it.
    static func writeString(_ text: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                let escape: StaticString?
                switch byte {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case UInt8(ascii: "/"): escape = "\\/"
                case 0x08: escape = "\\b"
                case 0x09: escape = "\\t"
                case 0x0A: escape = "\\n"
                case 0x0C: escape = "\\f"
                case 0x0D: escape = "\\r"
                case 0..<0x20: escape = nil
                default: continue
                }
                if index > start { buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index]))) }
                start = index + 1
                if let escape {
                    buffer.writeStaticString(escape)
                } else {
                    buffer.writeStaticString("\\u00")
                    buffer.writeInteger(hex[Int(byte >> 4)])
                    buffer.writeInteger(hex[Int(byte & 0x0F)])
                }
            }
            if bytes.count > start { buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))) }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// Writes `"key":` — for keys known to need no escaping.
    static func writeKey(_ key: StaticString, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(key)
        buffer.writeStaticString("\":")
    }

    /// Writes an integer in decimal.
    static func writeInteger(_ value: some BinaryInteger, into buffer: inout ByteBuffer) {
        buffer.writeString(String(value))
    }

    /// Writes an API time, `2026-11-21T23:26:42.123Z`, quoted.
    static func writeTime(_ date: Date, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        APITime.write(date, into: &buffer)
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// The index just past the JSON value starting at `start` (after any whitespace), or nil
    /// when the bytes are not one well-formed value's worth of brackets and strings.
    static func endOfValue(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        var index = start
        var depth = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                guard index < bytes.count else { return nil }
                index += 1
                if depth == 0 { return index }
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { return index }
                depth -= 1
                index += 1
                if depth == 0 { return index }
            case UInt8(ascii: ","):
                if depth == 0 { return index }
                index += 1
            default:
                index += 1
            }
        }
        return depth == 0 && index > start ? index : nil
    }
}

/// An event's JSON as the API shows it (``EventResource``), written with one encoding of the
/// payload instead of encoding it, decoding it and encoding it again.
enum EventJSON {
    /// The shared API encoder; `JSONEncoder` is safe to use from several tasks at once.
    static let encoder = JSONEncoder.api

    /// Appends the event's JSON to `buffer`.
    static func write(sequence: Int64, event: Event, into buffer: inout ByteBuffer) throws {
        if case .taskOffered(let task, let worker, let expiresAt, let decision) = event.payload, writesExactly(decision) {
            return write(sequence: sequence, event: event, into: &buffer) { buffer in
                writeOfferFields(task: task, worker: worker, expiresAt: expiresAt, decision: decision, into: &buffer)
            }
        }
        let payload = try encoder.encode(event.payload)
        let range = payload.withUnsafeBytes { fields(ofPayload: $0) }
        // Not the shape the synthesized coding gives: take the general path.
        let general = range == nil ? try encoder.encode(EventResource.data(of: event.payload)) : nil
        write(sequence: sequence, event: event, into: &buffer) { buffer in
            if let range {
                payload.withUnsafeBytes { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: $0[range])) }
            } else if let general {
                buffer.writeBytes(general)
            }
        }
    }

    /// Writes the event with its payload's fields written by `data`.
    private static func write(
        sequence: Int64, event: Event, into buffer: inout ByteBuffer, data: (inout ByteBuffer) -> Void
    ) {
        buffer.writeStaticString("{")
        JSONBytes.writeKey("actor", into: &buffer)
        JSONBytes.writeString(event.actor, into: &buffer)
        if let cause = event.cause {
            buffer.writeStaticString(",")
            JSONBytes.writeKey("cause", into: &buffer)
            JSONBytes.writeString(cause, into: &buffer)
        }
        buffer.writeStaticString(",")
        JSONBytes.writeKey("data", into: &buffer)
        data(&buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("sequence", into: &buffer)
        JSONBytes.writeInteger(sequence, into: &buffer)
        if let task = event.taskID {
            buffer.writeStaticString(",")
            JSONBytes.writeKey("task", into: &buffer)
            JSONBytes.writeString(task.rawValue, into: &buffer)
        }
        buffer.writeStaticString(",")
        JSONBytes.writeKey("time", into: &buffer)
        JSONBytes.writeTime(event.time, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("type", into: &buffer)
        JSONBytes.writeString(event.type, into: &buffer)
        buffer.writeStaticString("}")
    }

    /// The byte range of a payload's fields, as ``EventResource/data(of:)`` gives them: inside
    /// `{"caseName":VALUE}`, VALUE, and inside `{"_0":INNER}`, INNER.
    static func fields(ofPayload bytes: UnsafeRawBufferPointer) -> Range<Int>? {
        let count = bytes.count
        guard count > 4, bytes[0] == UInt8(ascii: "{"), bytes[1] == UInt8(ascii: "\""),
            bytes[count - 1] == UInt8(ascii: "}")
        else { return nil }
        // The case name has no escapes: find its closing quote and the colon after it.
        var index = 2
        while index < count, bytes[index] != UInt8(ascii: "\"") {
            guard bytes[index] != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        guard index + 1 < count, bytes[index + 1] == UInt8(ascii: ":") else { return nil }
        let valueStart = index + 2
        guard let valueEnd = JSONBytes.endOfValue(bytes, from: valueStart), valueEnd == count - 1 else { return nil }
        // `{"_0":INNER}` with nothing after INNER: the unlabelled single associated value.
        let prefix: [UInt8] = Array("{\"_0\":".utf8)
        if valueEnd - valueStart > prefix.count + 1,
            prefix.indices.allSatisfy({ bytes[valueStart + $0] == prefix[$0] }),
            let innerEnd = JSONBytes.endOfValue(bytes, from: valueStart + prefix.count),
            innerEnd == valueEnd - 1
        {
            return (valueStart + prefix.count)..<innerEnd
        }
        return valueStart..<valueEnd
    }
}

extension TaskResource {
    /// The task's JSON, byte for byte as `JSONEncoder.api` writes it, without the encoder's
    /// containers: every task-changing request answers with one.
    func json() throws -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 512)
        buffer.writeStaticString("{")
        JSONBytes.writeKey("attributes", into: &buffer)
        if case .object(let members) = attributes, members.isEmpty {
            buffer.writeStaticString("{}")
        } else {
            // The encoder's key order (case-insensitive, numeric) and number format are its own.
            buffer.writeBytes(try EventJSON.encoder.encode(attributes))
        }
        buffer.writeStaticString(",")
        JSONBytes.writeKey("channel", into: &buffer)
        JSONBytes.writeString(channel, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("createdAt", into: &buffer)
        JSONBytes.writeTime(createdAt, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("escalationLevel", into: &buffer)
        JSONBytes.writeInteger(escalationLevel, into: &buffer)
        if let exception {
            buffer.writeStaticString(",")
            JSONBytes.writeKey("exception", into: &buffer)
            buffer.writeBytes(try EventJSON.encoder.encode(exception))
        }
        buffer.writeStaticString(",")
        JSONBytes.writeKey("id", into: &buffer)
        JSONBytes.writeString(id, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("lane", into: &buffer)
        JSONBytes.writeString(lane, into: &buffer)
        if let offerExpiresAt {
            buffer.writeStaticString(",")
            JSONBytes.writeKey("offerExpiresAt", into: &buffer)
            JSONBytes.writeTime(offerExpiresAt, into: &buffer)
        }
        buffer.writeStaticString(",")
        JSONBytes.writeKey("priority", into: &buffer)
        JSONBytes.writeInteger(priority, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("queue", into: &buffer)
        JSONBytes.writeString(queue, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("queuedAt", into: &buffer)
        JSONBytes.writeTime(queuedAt, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("state", into: &buffer)
        JSONBytes.writeString(state, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("step", into: &buffer)
        JSONBytes.writeString(step, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("stepEnteredAt", into: &buffer)
        JSONBytes.writeTime(stepEnteredAt, into: &buffer)
        if let worker {
            buffer.writeStaticString(",")
            JSONBytes.writeKey("worker", into: &buffer)
            JSONBytes.writeString(worker, into: &buffer)
        }
        buffer.writeStaticString(",")
        JSONBytes.writeKey("workflow", into: &buffer)
        JSONBytes.writeString(workflow, into: &buffer)
        buffer.writeStaticString(",")
        JSONBytes.writeKey("workflowVersion", into: &buffer)
        JSONBytes.writeInteger(workflowVersion, into: &buffer)
        buffer.writeStaticString("}")
        return buffer
    }
}
