import Foundation
import FlowtuneMining

/// One arrival: when (in UTC and on the wall clock it is bucketed by), its queue, and its
/// handling time when the input gives one.
public struct Arrival: Sendable, Hashable {
    /// Seconds since 1970 UTC.
    public var utc: Double
    /// The wall-clock reading it is bucketed by, written as seconds since 1970 as if it were UTC.
    public var local: Double
    /// The queue it arrived at.
    public var queue: String
    /// Its handling time in seconds, when known.
    public var handling: Double?

    /// An arrival.
    public init(utc: Double, local: Double, queue: String, handling: Double? = nil) {
        self.utc = utc
        self.local = local
        self.queue = queue
        self.handling = handling
    }
}

/// Reads a CSV of arrivals, one row per arrival: `timestamp,queue[,handling_seconds]`, the
/// timestamp in ISO 8601. The CLI reads files and the server request bodies through it.
///
/// ```swift
/// let reader = ArrivalCSV()
/// let (arrivals, offset) = try reader.read("timestamp,queue\n2026-03-02T09:00:00+01:00,support\n", file: "upload")
/// arrivals[0].local - arrivals[0].utc   // 3600: bucketed on the wall clock as written
/// offset                                // 3600
/// ```
public struct ArrivalCSV: Sendable, Hashable {
    /// The column holding each arrival's time.
    public var timestampColumn: String
    /// The column naming the queue.
    public var queueColumn: String
    /// The column holding handling seconds; optional in the text.
    public var handlingColumn: String
    /// How the CLI or the API lets a user rename each column, such as `--queue-column`, for
    /// the error about a column the header lacks.
    public var renaming: [String: String]

    /// A reader of the columns named; `renaming` maps a column to the option that renames it.
    public init(timestampColumn: String = "timestamp", queueColumn: String = "queue",
                handlingColumn: String = "handling_seconds", renaming: [String: String] = [:]) {
        self.timestampColumn = timestampColumn
        self.queueColumn = queueColumn
        self.handlingColumn = handlingColumn
        self.renaming = renaming
    }

    /// The arrivals of `text`, with the UTC offset every timestamp shared (nil when they differ
    /// or none is written); `file` names the text in errors.
    public func read(_ text: String, file: String) throws -> ([Arrival], Int?) {
        let table = try CSVTable(text: text, file: file)
        func column(_ name: String, required: Bool) throws -> Int? {
            if let index = table.column(name) { return index }
            guard required else { return nil }
            let hint = renaming[name].map { "; name it with \($0)" } ?? ""
            throw PlanningInputError(
                file: file, line: 1, column: 1, field: name,
                message: "no column \(name) in the header (\(table.header.joined(separator: ", ")))\(hint)")
        }
        let timeIndex = try column(timestampColumn, required: true)!
        let queueIndex = try column(queueColumn, required: true)!
        let handlingIndex = try column(handlingColumn, required: false)
        var arrivals: [Arrival] = []
        arrivals.reserveCapacity(table.rows.count)
        var offsets = Set<Int>()
        for row in table.rows {
            func field(_ index: Int, _ name: String) throws -> String {
                guard index < row.fields.count else {
                    throw PlanningInputError(file: file, line: row.line, column: row.columns.last.map { $0 + 1 } ?? 1, field: name,
                                             message: "\(name): missing; the row has \(row.fields.count) fields")
                }
                return row.fields[index]
            }
            let stamp = try field(timeIndex, timestampColumn).trimmingCharacters(in: .whitespaces)
            guard let utc = Timestamp.parse(stamp) else {
                throw PlanningInputError(file: file, line: row.line, column: row.columns[timeIndex], field: timestampColumn,
                                         message: "\(timestampColumn): \"\(stamp)\" is not an ISO 8601 timestamp such as 2026-03-02T09:15:00+01:00")
            }
            // The wall clock as written: the same text read as if it were UTC.
            let wallClock = Self.wallClock(stamp) ?? utc
            offsets.insert(Int((wallClock - utc).rounded()))
            let queue = try field(queueIndex, queueColumn).trimmingCharacters(in: .whitespaces)
            guard !queue.isEmpty else {
                throw PlanningInputError(file: file, line: row.line, column: row.columns[queueIndex], field: queueColumn,
                                         message: "\(queueColumn): empty")
            }
            var handling: Double?
            if let handlingIndex, handlingIndex < row.fields.count {
                let value = row.fields[handlingIndex].trimmingCharacters(in: .whitespaces)
                if !value.isEmpty {
                    guard let seconds = Double(value), seconds >= 0, seconds.isFinite else {
                        throw PlanningInputError(file: file, line: row.line, column: row.columns[handlingIndex], field: handlingColumn,
                                                 message: "\(handlingColumn): \"\(value)\" is not a number of seconds ≥ 0")
                    }
                    handling = seconds
                }
            }
            arrivals.append(Arrival(utc: utc, local: wallClock, queue: queue, handling: handling))
        }
        return (arrivals, offsets.count == 1 ? offsets.first : nil)
    }

    /// Seconds since 1970 UTC of an ISO 8601 timestamp; one written without an offset is read as UTC.
    public static func utc(_ stamp: String) -> Double? { Timestamp.parse(stamp) }

    /// The wall-clock reading of an ISO 8601 timestamp, ignoring its offset.
    public static func wallClock(_ stamp: String) -> Double? {
        var text = Substring(stamp)
        if text.hasSuffix("Z") || text.hasSuffix("z") { text = text.dropLast() }
        if let sign = text.lastIndex(where: { $0 == "+" || $0 == "-" }), text.distance(from: text.startIndex, to: sign) > 10 {
            text = text[..<sign]
        }
        return Timestamp.parse(String(text))
    }
}
