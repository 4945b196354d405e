import Foundation
import Logging

/// A swift-log handler writing lines in swift-log's own text form:
///
/// ```
/// 2026-01-05T09:00:00+0000 info flowtune: caller=ops hb.request.id=1f [HummingbirdCore] Server started
/// ```
///
/// It differs from `StreamLogHandler` in when the metadata is rendered: at each line written,
/// not each time metadata is set. Hummingbird sets a request id on every request's logger, and
/// the stream handler rendered the whole metadata then, for every request, whether or not the
/// request logged anything.
public struct TextLogHandler: LogHandler {
    /// The logger's label.
    public let label: String
    private let destination: JSONLogHandler.Destination
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler for the logger `label`.
    public init(label: String, destination: JSONLogHandler.Destination = .standardError, metadataProvider: Logger.MetadataProvider? = nil) {
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
        var text = "\(Self.timestamp()) \(level)\(label.isEmpty ? "" : " ")\(label):"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { text += " \(key)=\(value)" }
        text += " [\(source)] \(message)\n"
        destination.write(text)
    }

    /// Local time to the second with its offset, as swift-log's stream handler writes it.
    static func timestamp() -> String {
        var buffer = [Int8](repeating: 0, count: 64)
        var now = time(nil)
        var local = tm()
        guard localtime_r(&now, &local) != nil else { return "<unknown>" }
        strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
