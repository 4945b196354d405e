/// Which columns of a CSV export hold the case id, the activity, the timestamps, the people and
/// the attributes, and how to read the cells: the time zone and layout of timestamps, the cells
/// that mean "none", and the delimiter.
///
/// Build one in code, load one from a small YAML file with ``load(yaml:file:)``, or let
/// ``inferred(fromHeader:file:keepingOtherColumns:)`` recognise the usual column names (pm4py
/// and XES style such as `case:concept:name`, or plain ones such as `case_id`):
///
/// ```swift
/// let mapping = ColumnMapping(
///     caseID: "ticket", activity: "status", completeTimestamp: "changed_at", resource: "agent",
///     timeZone: try TimeZoneRule(named: "Europe/Amsterdam"),
///     timestampFormat: try .init(parsing: "dd/MM/yyyy HH:mm[:ss]"))
/// let log = try CSVEventReader.read(contentsOf: url, mapping: mapping)
/// ```
///
/// A row with a start and a complete timestamp is one activity instance. A row whose complete
/// cell is empty (a null marker) is a start whose completion is not in the file: an open
/// instance. With a start column and no complete column each row is an instance that started
/// and completed at the start time.
public struct ColumnMapping: Sendable, Hashable {
    /// The column holding the case id.
    public var caseID: String
    /// The column holding the activity name.
    public var activity: String
    /// The column holding when the event happened — for a row with a start, when the work was
    /// completed; nil when the export has a start column only.
    public var completeTimestamp: String?
    /// The column holding when the work began, for exports that write start and end in one row.
    public var startTimestamp: String?
    /// The column holding the XES lifecycle transition (`start`, `complete`, …); without one
    /// every row is a `complete`.
    public var lifecycle: String?
    /// The column naming who did the work.
    public var resource: String?
    /// The column naming the team or group.
    public var group: String?
    /// Columns kept as attributes of each event (activity instance), under their header names.
    public var attributes: [String]
    /// Columns kept as attributes of the case, read from the case's first row.
    public var caseAttributes: [String]
    /// Whether the columns the mapping does not name are kept as well: `case:`-prefixed ones as
    /// case attributes, the rest as event attributes.
    ///
    /// Off by default because it is the dearest part of an import: identifiers and timestamps
    /// differ on every row or case, and each new value is stored as a name. On a receipt-like
    /// export (15 columns, 9 unmapped) keeping them all cuts the import from about two million
    /// events a second to about six hundred thousand (`flowtune bench csv`). Name the columns an
    /// analysis needs in ``attributes`` and ``caseAttributes`` instead.
    public var keepOtherColumns: Bool
    /// How to read timestamps written without an offset; timestamps with an offset keep theirs.
    public var timeZone: TimeZoneRule
    /// How timestamps are written.
    public var timestampFormat: TimestampFormat
    /// Cells that mean "none", compared byte for byte: a resource, group or attribute cell equal
    /// to one is left unset, a timestamp cell equal to one is missing, and a case id or activity
    /// equal to one is an error.
    public var nullMarkers: [String]
    /// The byte between cells.
    public var delimiter: Delimiter

    /// The byte between the cells of a row.
    public enum Delimiter: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case comma = 0x2C
        case semicolon = 0x3B
        case tab = 0x09
        case pipe = 0x7C

        /// The delimiter written as itself (`,` `;` `|`, a tab character) or by name (`comma`,
        /// `semicolon`, `tab`, `pipe`, or `\t`).
        public init?(name: String) {
            switch name {
            case ",", "comma": self = .comma
            case ";", "semicolon": self = .semicolon
            case "\t", "\\t", "tab": self = .tab
            case "|", "pipe": self = .pipe
            default: return nil
            }
        }

        public var description: String {
            switch self {
            case .comma: ","
            case .semicolon: ";"
            case .tab: "tab"
            case .pipe: "|"
            }
        }
    }

    /// Creates a mapping. At least one of `completeTimestamp` and `startTimestamp` must be
    /// given; the reader refuses a mapping with neither.
    public init(
        caseID: String, activity: String, completeTimestamp: String? = nil, startTimestamp: String? = nil,
        lifecycle: String? = nil, resource: String? = nil, group: String? = nil, attributes: [String] = [],
        caseAttributes: [String] = [], keepOtherColumns: Bool = false, timeZone: TimeZoneRule = .utc,
        timestampFormat: TimestampFormat = .iso8601, nullMarkers: [String] = [""], delimiter: Delimiter = .comma
    ) {
        self.caseID = caseID
        self.activity = activity
        self.completeTimestamp = completeTimestamp
        self.startTimestamp = startTimestamp
        self.lifecycle = lifecycle
        self.resource = resource
        self.group = group
        self.attributes = attributes
        self.caseAttributes = caseAttributes
        self.keepOtherColumns = keepOtherColumns
        self.timeZone = timeZone
        self.timestampFormat = timestampFormat
        self.nullMarkers = nullMarkers
        self.delimiter = delimiter
    }

    /// Every column the mapping reads, each once, in the order case, activity, timestamps,
    /// lifecycle, resource, group, event attributes, case attributes.
    public var columns: [String] {
        var seen = Set<String>()
        var result: [String] = []
        let named = [caseID, activity] + [completeTimestamp, startTimestamp, lifecycle, resource, group].compactMap { $0 }
        for column in named + attributes + caseAttributes where seen.insert(column).inserted {
            result.append(column)
        }
        return result
    }

    // MARK: - Inference

    /// Names recognised for each role, compared after lowercasing and dropping spaces, `_`, `-`
    /// and `.`; the first name found in the header wins, in this order.
    static let caseNames = ["case:concept:name", "caseid", "case", "caseconceptname", "casenumber", "ticketid"]
    static let activityNames = ["concept:name", "activity", "activityname", "conceptname"]
    static let completeNames = [
        "time:timestamp", "timestamp", "complete", "completetimestamp", "completetime", "end", "endtimestamp",
        "endtime", "timetimestamp",
    ]
    static let startNames = ["starttimestamp", "start", "starttime"]
    static let lifecycleNames = ["lifecycle:transition", "lifecycle", "lifecycletransition", "transition"]
    static let resourceNames = ["org:resource", "resource", "user", "agent", "orgresource"]
    static let groupNames = ["org:group", "group", "team", "orggroup"]

    /// The mapping a header implies: XES / pm4py names (`case:concept:name`, `concept:name`,
    /// `time:timestamp`, `start_timestamp`, `lifecycle:transition`, `org:resource`, `org:group`)
    /// and common plain ones (`case_id`, `case`, `activity`, `timestamp`, `complete`, `end`,
    /// `start`, `resource`, `user`, `agent`, `group`, `team`), ignoring case, spaces, `_`, `-`
    /// and `.`. Timestamps are read as ISO 8601, in UTC when written without an offset; the
    /// delimiter is a comma (the reader detects another from the header line when it infers
    /// the mapping itself).
    ///
    /// Other columns are left out unless `keepingOtherColumns` is set (see
    /// ``keepOtherColumns`` for why): then `case:`-prefixed ones become case attributes (the
    /// prefix stays in the name, as pm4py writes it) and the rest event attributes.
    ///
    /// ```swift
    /// let mapping = try ColumnMapping.inferred(fromHeader: ["case_id", "activity", "timestamp", "user", "amount"])
    /// mapping.resource     // "user"
    /// mapping.attributes   // []: ["amount"] with keepingOtherColumns: true
    /// ```
    ///
    /// - Throws: ``MiningError`` naming the role no column was found for, and listing the header.
    public static func inferred(
        fromHeader header: [String], file: String = "header", keepingOtherColumns: Bool = false
    ) throws(MiningError) -> ColumnMapping {
        let normalized = header.map(normalize)
        var taken = Set<Int>()
        func find(_ names: [String]) -> String? {
            for name in names {
                if let index = normalized.indices.first(where: { normalized[$0] == name && !taken.contains($0) }) {
                    taken.insert(index)
                    return header[index]
                }
            }
            return nil
        }
        let caseColumn = find(caseNames)
        let activityColumn = find(activityNames)
        let complete = find(completeNames)
        let start = find(startNames)
        let lifecycle = find(lifecycleNames)
        let resource = find(resourceNames)
        let group = find(groupNames)
        var missing: [String] = []
        if caseColumn == nil { missing.append("a case id (case:concept:name, case_id or case)") }
        if activityColumn == nil { missing.append("an activity (concept:name or activity)") }
        if complete == nil, start == nil { missing.append("a timestamp (time:timestamp, timestamp, complete, end or start)") }
        guard let caseColumn, let activityColumn, missing.isEmpty else {
            throw MiningError(
                file: file, line: 1,
                message: "no column for \(missing.joined(separator: ", ")) in the header (\(header.map { "'\($0)'" }.joined(separator: ", "))); "
                    + "name the columns in a mapping file (case, activity, timestamp, …)")
        }
        var attributes: [String] = []
        var caseAttributes: [String] = []
        if keepingOtherColumns {
            let others = otherColumns(of: header, except: taken)
            attributes = others.events.map(\.name)
            caseAttributes = others.cases.map(\.name)
        }
        return ColumnMapping(
            caseID: caseColumn, activity: activityColumn, completeTimestamp: complete, startTimestamp: start,
            lifecycle: lifecycle, resource: resource, group: group, attributes: attributes, caseAttributes: caseAttributes)
    }

    /// The header's columns outside `taken` and not empty, by position, split into event
    /// attributes and (`case:`-prefixed) case attributes.
    static func otherColumns(
        of header: [String], except taken: Set<Int>
    ) -> (events: [(index: Int, name: String)], cases: [(index: Int, name: String)]) {
        var events: [(Int, String)] = []
        var cases: [(Int, String)] = []
        for (index, name) in header.enumerated() where !taken.contains(index) && !name.isEmpty {
            if name.lowercased().hasPrefix("case:") { cases.append((index, name)) } else { events.append((index, name)) }
        }
        return (events, cases)
    }

    /// Lowercased, without spaces, tabs, `_`, `-` or `.`: `Case ID`, `case_id` and `CaseId` are
    /// one name; `:` stays, so `case:concept:name` is not `caseconceptname`'s plain spelling.
    static func normalize(_ name: String) -> String {
        String(String.UnicodeScalarView(
            name.lowercased().unicodeScalars.filter { $0 != " " && $0 != "\t" && $0 != "_" && $0 != "-" && $0 != "." }))
    }
}
