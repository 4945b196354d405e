import ArgumentParser
import FlowtuneCore
import FlowtuneMining
import FlowtuneStore
import Foundation
import Synchronization

/// The history a mining command reads — a CSV export, an XES event log (plain or gzipped) or a
/// Flowtune event store — told apart by the file's first bytes and its name, and the scorecard
/// file that says what the log cannot.
struct MiningInput: ParsableArguments {
    @Argument(help: "The history: a CSV export, an XES log (.xes or .xes.gz), or a Flowtune event store (SQLite).")
    var log: String

    @Option(help: "The scorecard file: exception and rescue markers, response windows, promises, ratings and weights.")
    var config: String?

    @Option(help: "For a CSV export: a YAML file mapping its columns. Without one the header is read (case:concept:name, concept:name, time:timestamp, org:resource, org:group, or case_id, activity, timestamp, resource, team).")
    var mapping: String?

    @Option(help: "The time zone of timestamps written without an offset: a tz name such as Europe/Amsterdam, UTC, or +02:00.")
    var zone: String?

    @Option(help: "For a Flowtune event store with several workspaces: the workspace to read.")
    var workspace: String?

    /// What kind of history a file holds.
    enum Kind: Equatable { case csv, xes, store }

    /// The kind of `path`, from its first bytes (SQLite, gzip, `<`) and then its name.
    static func kind(of path: String) throws -> Kind {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ValidationError("\(path): cannot read: no such file")
        }
        defer { try? handle.close() }
        let bytes = [UInt8]((try? handle.read(upToCount: 512)) ?? Data())
        if bytes.starts(with: Array("SQLite format 3".utf8)) { return .store }
        if bytes.starts(with: [0x1f, 0x8b]) { return .xes }
        let lower = path.lowercased()
        if lower.hasSuffix(".xes") || lower.hasSuffix(".xes.gz") { return .xes }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".tsv") || lower.hasSuffix(".txt") { return .csv }
        let text = String(decoding: bytes.drop { $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }, as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<") ? .xes : .csv
    }

    /// The zone given, UTC when none.
    func zoneRule() throws -> TimeZoneRule {
        guard let zone else { return .utc }
        do { return try TimeZoneRule(named: zone) } catch { throw ValidationError("--zone: \(error)") }
    }

    /// Reads the log. `keepingColumns` keeps a CSV's unmapped columns as attributes, for commands
    /// that group or filter cases by one.
    func load(keepingColumns: Bool = false) async throws -> EventLog {
        let zone = try zoneRule()
        let url = URL(fileURLWithPath: log)
        switch try Self.kind(of: log) {
        case .xes:
            return try XESReader.read(contentsOf: url, zone: zone)
        case .csv:
            var columns: ColumnMapping
            if let mapping {
                columns = try ColumnMapping.load(contentsOf: URL(fileURLWithPath: mapping))
                if self.zone != nil { columns.timeZone = zone }
            } else {
                let header = try CSVEventReader.header(contentsOf: url)
                columns = try ColumnMapping.inferred(fromHeader: header.columns, file: log, keepingOtherColumns: keepingColumns)
                columns.delimiter = header.delimiter
                columns.timeZone = zone
            }
            return try CSVEventReader.read(contentsOf: url, mapping: columns)
        case .store:
            return try await Self.readStore(log, workspace: workspace)
        }
    }

    /// The scorecard file, or defaults. A Flowtune event store marks its exception lane itself,
    /// so with no file its `exception` instances count as exceptions.
    func configuration() throws -> ScorecardConfiguration {
        if let config {
            switch ValidateCommand.read(config) {
            case .success(let text): return try ScorecardConfiguration.load(yaml: text, file: config)
            case .failure(let reason): throw ValidationError("\(config): \(reason)")
            }
        }
        var configuration = ScorecardConfiguration()
        if try Self.kind(of: log) == .store {
            configuration.rules.exceptions = Markers(activities: [FlowtuneEventLogReader.exceptionActivity])
        }
        return configuration
    }

    static func readStore(_ path: String, workspace: String?) async throws -> EventLog {
        let store = try SQLiteEventStore(path: path)
        defer { try? store.close() }
        let name = try await store.chosenWorkspace(workspace, path: path, hint: "--workspace")
        let reader = StoreReader()
        try await store.replay(name, after: 0) { batch in reader.add(batch) }
        return reader.build()
    }

    /// Folds the store's replay, whose callback is `@Sendable`, into a mining log.
    private final class StoreReader: Sendable {
        private let reader = Mutex(FlowtuneEventLogReader())
        func add(_ batch: [StoredEvent]) { reader.withLock { for stored in batch { $0.add(stored.event) } } }
        func build() -> EventLog { reader.withLock { $0.build() } }
    }
}

/// Runs a mining command's body, printing a problem with the input — its file, line and field —
/// to standard error with exit status 1 rather than a stack of wrapping errors.
func reportingMiningProblems(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as MiningError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(1)
    } catch let error as ComparisonError {
        FileHandle.standardError.write(Data((error.description + "\n").utf8))
        throw ExitCode(1)
    }
}

/// Writes `text` to `path`, naming the path when it cannot.
func writeReport(_ text: String, to path: String) throws {
    do {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    } catch {
        throw ValidationError("\(path): cannot write: \(error.localizedDescription)")
    }
}

/// JSON for a report: sorted keys, times as numbers, non-finite numbers as null-like strings.
func reportJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}
