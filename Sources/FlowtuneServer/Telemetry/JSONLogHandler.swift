import FlowtuneCore
import Foundation
import Logging

/// A swift-log handler writing one JSON object per line, for log collectors:
///
/// ```json
/// {"label":"flowtune","level":"info","message":"Server started","metadata":{"caller":"ops"},"source":"HummingbirdCore","time":"2026-01-05T09:00:00.000Z"}
/// ```
/// Keys are sorted so that lines diff cleanly; each line goes out in a single write, so lines
/// from concurrent tasks never interleave.
public struct JSONLogHandler: LogHandler {
    /// Where the lines go.
    public enum Destination: Sendable {
        /// Standard error, beside the text logs' usual place.
        case standardError
        /// Standard output.
        case standardOutput
        /// A callback receiving each line, newline included; for tests and custom sinks.
        case lines(@Sendable (String) -> Void)

        /// Writes one line, newline included, in a single write so that lines from concurrent
        /// tasks never interleave.
        func write(_ line: String) {
            switch self {
            case .standardError: FileHandle.standardError.write(Data(line.utf8))
            case .standardOutput: FileHandle.standardOutput.write(Data(line.utf8))
            case .lines(let receive): receive(line)
            }
        }
    }

    /// The logger's label.
    public let label: String
    private let destination: Destination
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler for the logger `label`.
    public init(label: String, destination: Destination = .standardError, metadataProvider: Logger.MetadataProvider? = nil) {
        self.label = label
        self.destination = destination
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(
        level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
        file: String, function: String, line: UInt
    ) {
        let merged = lineMetadata(explicit)
        var object: [String: JSONValue] = [
            "time": .string(Self.timestamp(Date())), "level": .string(level.rawValue), "label": .string(label),
            "message": .string(message.description), "source": .string(source),
        ]
        if !merged.isEmpty { object["metadata"] = .object(merged.mapValues(Self.json)) }
        if level >= .error { object["location"] = .string("\(file):\(line)") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(JSONValue.object(object)) else { return }
        let text = String(decoding: data, as: UTF8.self) + "\n"
        destination.write(text)
    }

    static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let convertible): .string(convertible.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let members): .object(members.mapValues(json))
        }
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
