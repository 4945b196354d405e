import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads an event log from a CSV export — one row per event — through a ``ColumnMapping``.
///
/// The file is read in 1 MiB chunks and scanned byte by byte (`CSVScanner`); no cell becomes a
/// `String` unless it is a name seen for the first time. Only the cells the mapping uses are
/// looked at; the case id of consecutive rows of one case is compared, not looked up again; case
/// attributes are read from each case's first row only.
///
/// ```swift
/// let log = try CSVEventReader.read(contentsOf: URL(fileURLWithPath: "receipt.csv"), mapping: nil)
/// log.eventCount   // 8577
/// ```
///
/// With no mapping, the mapping is inferred from the header
/// (``ColumnMapping/inferred(fromHeader:file:keepingOtherColumns:)``, without attributes) and
/// the delimiter is whichever of `,` `;` tab `|` the header line holds most of. A file holding a
/// header and no rows gives an empty log.
///
/// Errors (``MiningError``) give the file, the line the row starts on, the column's number and
/// header name, and the row (counted from 1 after the header) in the message: a row with the
/// wrong number of cells, a quote never closed, a timestamp that does not read in the mapping's
/// format, an empty case id or activity, a mapped column missing from the header, an empty file.
public enum CSVEventReader {
    /// How much is read from the file at a time.
    public static let chunkSize = 1 << 20

    /// Reads the CSV file at `url`.
    ///
    /// - Parameter mapping: the columns to read; nil infers them from the header, without
    ///   attributes (``ColumnMapping/keepOtherColumns`` says why).
    public static func read(contentsOf url: URL, mapping: ColumnMapping?) throws(MiningError) -> EventLog {
        try withFile(url) { name, size, source throws(MiningError) in
            try read(file: name, mapping: mapping, chunkSize: chunkSize, expectedBytes: size, source: source)
        }
    }

    /// The column names of the CSV file at `url` and its delimiter (guessed from the header line
    /// unless given), for building a mapping: reads the first line only.
    ///
    /// ```swift
    /// let (columns, delimiter) = try CSVEventReader.header(contentsOf: url)
    /// var mapping = try ColumnMapping.inferred(fromHeader: columns, keepingOtherColumns: true)
    /// mapping.delimiter = delimiter
    /// ```
    public static func header(
        contentsOf url: URL, delimiter: ColumnMapping.Delimiter? = nil
    ) throws(MiningError) -> (columns: [String], delimiter: ColumnMapping.Delimiter) {
        try withFile(url) { name, _, source throws(MiningError) in
            let scanner = CSVScanner(file: name, delimiter: (delimiter ?? .comma).rawValue, chunkSize: 64 << 10, source: source)
            let columns = try header(scanner, file: name, guessDelimiter: delimiter == nil)
            return (columns, ColumnMapping.Delimiter(rawValue: scanner.delimiter) ?? .comma)
        }
    }

    /// Opens `url` and hands `body` its name as given, its size, and a source reading it.
    private static func withFile<Result>(
        _ url: URL, _ body: (String, Int?, @escaping CSVScanner.Source) throws(MiningError) -> Result
    ) throws(MiningError) -> Result {
        let name = url.relativePath
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw MiningError(file: name, message: "cannot open the file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        var status = stat()
        let size = fstat(descriptor, &status) == 0 && status.st_size > 0 ? Int(status.st_size) : nil
        return try body(name, size) { buffer throws(MiningError) in
            while true {
                let count = systemRead(descriptor, buffer.baseAddress, buffer.count)
                if count >= 0 { return count }
                if errno == EINTR { continue }
                throw MiningError(file: name, message: "cannot read the file: \(String(cString: strerror(errno)))")
            }
        }
    }

    private static func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
        #if canImport(Glibc)
        Glibc.read(descriptor, buffer, count)
        #else
        Darwin.read(descriptor, buffer, count)
        #endif
    }

    /// Reads CSV held in memory; `file` names it in errors.
    public static func read(bytes: [UInt8], file: String, mapping: ColumnMapping?) throws(MiningError) -> EventLog {
        try read(bytes: bytes, file: file, mapping: mapping, chunkSize: chunkSize)
    }

    /// Reads `bytes` handed over `chunkSize` bytes at a time, as a file is, so that tests can
    /// put chunk boundaries anywhere.
    static func read(bytes: [UInt8], file: String, mapping: ColumnMapping?, chunkSize: Int) throws(MiningError) -> EventLog {
        var offset = 0
        return try read(file: file, mapping: mapping, chunkSize: chunkSize, expectedBytes: bytes.count) { buffer in
            let count = min(buffer.count, bytes.count - offset)
            bytes.withUnsafeBytes { source in
                if count > 0 { buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count) }
            }
            offset += count
            return count
        }
    }

    static func read(
        file: String, mapping: ColumnMapping?, chunkSize: Int, expectedBytes: Int?, source: @escaping CSVScanner.Source
    ) throws(MiningError) -> EventLog {
        let scanner = CSVScanner(
            file: file, delimiter: mapping?.delimiter.rawValue ?? ColumnMapping.Delimiter.comma.rawValue,
            chunkSize: chunkSize, source: source)
        let header = try header(scanner, file: file, guessDelimiter: mapping == nil)
        let resolvedMapping: ColumnMapping
        if let mapping {
            resolvedMapping = mapping
        } else {
            var inferred = try ColumnMapping.inferred(fromHeader: header, file: file)
            inferred.delimiter = ColumnMapping.Delimiter(rawValue: scanner.delimiter) ?? .comma
            resolvedMapping = inferred
        }
        var rows = try CSVRowReader(mapping: resolvedMapping, header: header, file: file)
        do {
            // Room for the events the file's size suggests, judged from its first rows, so that
            // a large import does not copy its events array a score of times as it grows.
            let headerBytes = scanner.position
            while rows.builder.eventCount < 256, try scanner.next() { try rows.add(scanner) }
            if let expectedBytes, rows.builder.eventCount == 256 {
                let perRow = Double(scanner.position - headerBytes) / 256
                rows.builder.reserveCapacity(Int(Double(expectedBytes - headerBytes) / perRow * 1.05) + 256)
            }
            while try scanner.next() { try rows.add(scanner) }
        } catch {
            var error = error
            if error.field == nil, let column = error.column, column >= 1, column <= header.count {
                error.field = header[column - 1]
            }
            throw error
        }
        return rows.builder.build()
    }

    /// Reads the header row, guessing the delimiter from it first when asked to.
    private static func header(_ scanner: CSVScanner, file: String, guessDelimiter guess: Bool) throws(MiningError) -> [String] {
        guard try scanner.begin() else {
            throw MiningError(file: file, line: 1, message: "the file is empty; expected a header row naming the columns")
        }
        if guess { scanner.delimiter = guessDelimiter(scanner.firstLine()) }
        guard try scanner.next(), scanner.recordLine == 1 else {
            throw MiningError(file: file, line: 1, message: "the first line is empty; expected a header row naming the columns")
        }
        let columns = (0..<scanner.fieldCount).map { scanner.string($0) }
        // One more than the header, so that a row with an extra cell is seen as one.
        scanner.reserveFields(scanner.fieldCount + 1)
        scanner.growsFields = false
        return columns
    }

    /// The delimiter a header line uses: the most frequent of `,` `;` tab `|`, a comma on a tie.
    static func guessDelimiter(_ line: UnsafeRawBufferPointer) -> UInt8 {
        var counts: [ColumnMapping.Delimiter: Int] = [:]
        var quoted = false
        for byte in line {
            if byte == 0x22 { quoted.toggle() }
            if !quoted, let delimiter = ColumnMapping.Delimiter(rawValue: byte) { counts[delimiter, default: 0] += 1 }
        }
        var best = ColumnMapping.Delimiter.comma
        for delimiter in ColumnMapping.Delimiter.allCases where counts[delimiter, default: 0] > counts[best, default: 0] {
            best = delimiter
        }
        return best.rawValue
    }
}

/// Turns the records of a CSV file into events, through a mapping resolved against the header.
struct CSVRowReader {
    let file: String
    let header: [String]
    let mapping: ColumnMapping
    var builder = EventLogBuilder()

    private let caseColumn: Int
    private let activityColumn: Int
    private let completeColumn: Int?
    private let startColumn: Int?
    private let lifecycleColumn: Int?
    private let resourceColumn: Int?
    private let groupColumn: Int?
    private let eventAttributes: [(column: Int, key: Int32)]
    private let caseAttributes: [(column: Int, key: Int32)]
    private let nullMarkers: [[UInt8]]
    private let onlyEmptyIsNull: Bool
    private let zoneIsUTC: Bool

    private var row = 0
    private var previousCase: [UInt8] = []
    private var previousCaseIndex: Int32 = -1
    private var lifecycleNames = NameTable()
    private var lifecycleValues: [Lifecycle] = []
    private var zoneBlock = Int.min
    private var zoneOffset = 0.0

    init(mapping: ColumnMapping, header: [String], file: String) throws(MiningError) {
        self.file = file
        self.header = header
        self.mapping = mapping
        func column(_ name: String, _ role: String) throws(MiningError) -> Int {
            if let index = header.firstIndex(of: name) { return index }
            let trimmed = Self.trimmed(name)
            if let index = header.firstIndex(where: { Self.trimmed($0) == trimmed }) { return index }
            throw MiningError(
                file: file, line: 1, field: name,
                message: "the mapping's \(role) column '\(name)' is not in the header; the header has: "
                    + header.map { "'\($0)'" }.joined(separator: ", "))
        }
        guard mapping.completeTimestamp != nil || mapping.startTimestamp != nil else {
            throw MiningError(file: file, field: "timestamp", message: "the mapping names no timestamp column; give timestamp, start_timestamp or both")
        }
        caseColumn = try column(mapping.caseID, "case")
        activityColumn = try column(mapping.activity, "activity")
        completeColumn = try mapping.completeTimestamp.map { name throws(MiningError) in try column(name, "timestamp") }
        startColumn = try mapping.startTimestamp.map { name throws(MiningError) in try column(name, "start_timestamp") }
        lifecycleColumn = try mapping.lifecycle.map { name throws(MiningError) in try column(name, "lifecycle") }
        resourceColumn = try mapping.resource.map { name throws(MiningError) in try column(name, "resource") }
        groupColumn = try mapping.group.map { name throws(MiningError) in try column(name, "group") }
        var eventAttributes: [(Int, Int32)] = []
        for name in mapping.attributes {
            eventAttributes.append((try column(name, "attribute"), builder.attributeKeys.intern(name)))
        }
        var caseAttributes: [(Int, Int32)] = []
        for name in mapping.caseAttributes {
            caseAttributes.append((try column(name, "case attribute"), builder.attributeKeys.intern(name)))
        }
        if mapping.keepOtherColumns {
            var taken = Set([caseColumn, activityColumn])
            for index in [completeColumn, startColumn, lifecycleColumn, resourceColumn, groupColumn] { if let index { taken.insert(index) } }
            for (index, _) in eventAttributes + caseAttributes { taken.insert(index) }
            let others = ColumnMapping.otherColumns(of: header, except: taken)
            for (index, name) in others.events { eventAttributes.append((index, builder.attributeKeys.intern(name))) }
            for (index, name) in others.cases { caseAttributes.append((index, builder.attributeKeys.intern(name))) }
        }
        self.eventAttributes = eventAttributes
        self.caseAttributes = caseAttributes
        nullMarkers = mapping.nullMarkers.map { Array($0.utf8) }
        onlyEmptyIsNull = mapping.nullMarkers == [""]
        zoneIsUTC = mapping.timeZone == .utc
    }

    private static func trimmed(_ text: String) -> Substring {
        var text = Substring(text)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return text
    }

    /// Adds the event in the scanner's current record.
    mutating func add(_ scanner: CSVScanner) throws(MiningError) {
        row += 1
        guard scanner.fieldCount == header.count else {
            let short = scanner.fieldCount < header.count
            throw MiningError(
                file: file, line: scanner.recordLine, column: short ? scanner.fieldCount + 1 : header.count + 1,
                field: short ? header[scanner.fieldCount] : nil,
                message: "row \(row) has \(scanner.fieldCount) cells; the header has \(header.count) columns"
                    + " (an unquoted delimiter in a cell, or a line break outside quotes?)")
        }

        let caseBytes = scanner.field(caseColumn)
        if isNull(caseBytes) { throw cellError(scanner, caseColumn, "the case id is empty") }
        let caseIndex: Int32
        var newCase = false
        if previousCaseIndex >= 0, caseBytes.count == previousCase.count,
            previousCase.withUnsafeBytes({ memcmp($0.baseAddress!, caseBytes.baseAddress!, caseBytes.count) == 0 })
        {
            caseIndex = previousCaseIndex
        } else {
            let before = builder.caseIDs.count
            caseIndex = builder.caseIDs.intern(bytes: caseBytes)
            newCase = builder.caseIDs.count > before
            previousCase.removeAll(keepingCapacity: true)
            previousCase.append(contentsOf: caseBytes)
            previousCaseIndex = caseIndex
        }

        let activityBytes = scanner.field(activityColumn)
        if isNull(activityBytes) { throw cellError(scanner, activityColumn, "the activity is empty") }
        let activity = builder.activities.intern(bytes: activityBytes)

        var complete: Double?
        if let completeColumn {
            let cell = scanner.field(completeColumn)
            if !isNull(cell) { complete = try time(cell, scanner, completeColumn) }
        }
        var start: Double?
        if let startColumn {
            let cell = scanner.field(startColumn)
            if !isNull(cell) { start = try time(cell, scanner, startColumn) }
        }
        var lifecycle = Lifecycle.complete
        if let lifecycleColumn {
            let cell = scanner.field(lifecycleColumn)
            if !isNull(cell) {
                let index = Int(lifecycleNames.intern(bytes: cell))
                if index == lifecycleValues.count { lifecycleValues.append(Lifecycle(name: lifecycleNames[Int32(index)])) }
                lifecycle = lifecycleValues[index]
            }
        }
        let time: Double
        var startTime = Double.nan
        if let complete {
            time = complete
            if let start { startTime = start }
        } else if let start {
            time = start
            if completeColumn == nil {
                // A start column alone: each row is work begun and finished at that time.
                startTime = start
            } else if lifecycle == .complete {
                // The completion is not in the file yet: the work is still open.
                lifecycle = .start
            }
        } else {
            throw cellError(scanner, completeColumn ?? startColumn!, "the timestamp is empty")
        }

        var resource: Int32 = -1
        if let resourceColumn {
            let cell = scanner.field(resourceColumn)
            if !isNull(cell) { resource = builder.resources.intern(bytes: cell) }
        }
        var group: Int32 = -1
        if let groupColumn {
            let cell = scanner.field(groupColumn)
            if !isNull(cell) { group = builder.groups.intern(bytes: cell) }
        }
        builder.add(RawEvent(
            caseIndex: caseIndex, activity: activity, lifecycle: lifecycle, time: time, startTime: startTime,
            resource: resource, group: group))
        for (column, key) in eventAttributes {
            let cell = scanner.field(column)
            if !isNull(cell) { builder.setAttribute(key: key, value: builder.attributeValues.intern(bytes: cell)) }
        }
        if newCase {
            for (column, key) in caseAttributes {
                let cell = scanner.field(column)
                if !isNull(cell) {
                    builder.setCaseAttribute(caseIndex: caseIndex, key: key, value: builder.attributeValues.intern(bytes: cell))
                }
            }
        }
    }

    @inline(__always)
    private func isNull(_ cell: UnsafeRawBufferPointer) -> Bool {
        if onlyEmptyIsNull { return cell.isEmpty }
        for marker in nullMarkers where marker.count == cell.count {
            if marker.isEmpty || marker.withUnsafeBytes({ memcmp($0.baseAddress!, cell.baseAddress!, cell.count) == 0 }) {
                return true
            }
        }
        return false
    }

    private func cellError(_ scanner: CSVScanner, _ column: Int, _ message: String) -> MiningError {
        MiningError(
            file: file, line: scanner.recordLine, column: column + 1, field: header[column], message: "row \(row): \(message)")
    }

    /// Seconds since 1970 UTC for a timestamp cell, in the mapping's format and zone.
    private mutating func time(_ raw: UnsafeRawBufferPointer, _ scanner: CSVScanner, _ column: Int) throws(MiningError) -> Double {
        // Spreadsheets pad cells; a timestamp never starts or ends with a space.
        var cell = raw
        while let first = cell.first, first == 0x20 { cell = UnsafeRawBufferPointer(rebasing: cell.dropFirst()) }
        while let last = cell.last, last == 0x20 { cell = UnsafeRawBufferPointer(rebasing: cell.dropLast()) }
        var value: Double?
        switch mapping.timestampFormat {
        case .iso8601:
            if zoneIsUTC {
                value = Timestamp.parse(bytes: cell, zone: .utc)
            } else if let local = Timestamp.parse(bytes: cell, zone: .utc) {
                value = Self.hasOffset(cell) ? local : utc(fromLocal: local)
            }
        case .epochSeconds:
            value = Self.decimal(cell)
        case .epochMilliseconds:
            value = Self.decimal(cell).map { $0 / 1000 }
        case .pattern(let pattern):
            if let parsed = pattern.parse(bytes: cell) {
                value = parsed.offset.map { parsed.local - Double($0) } ?? utc(fromLocal: parsed.local)
            }
        }
        guard let value, value.isFinite else {
            let shown = String(decoding: raw.prefix(80), as: UTF8.self)
            let hint = mapping.timestampFormat == .iso8601
                ? "; for another layout set timestamp_format in the mapping, such as dd/MM/yyyy HH:mm[:ss], epoch or epoch-ms" : ""
            throw cellError(scanner, column, "cannot read \"\(shown)\" as a timestamp; expected \(mapping.timestampFormat)\(hint)")
        }
        return value
    }

    /// Whether an ISO 8601 timestamp carries its own offset: `Z`, or a sign after the date.
    private static func hasOffset(_ cell: UnsafeRawBufferPointer) -> Bool {
        guard cell.count > 10 else { return false }
        if cell[cell.count - 1] | 0x20 == UInt8(ascii: "z") { return true }
        for index in 10..<cell.count where cell[index] == UInt8(ascii: "+") || cell[index] == UInt8(ascii: "-") {
            return true
        }
        return false
    }

    /// The mapping's zone, remembered per quarter hour of local time: offsets change on quarter
    /// hours, and consecutive rows are usually close in time, so most rows skip the zone lookup.
    private mutating func utc(fromLocal local: Double) -> Double {
        if zoneIsUTC { return local }
        guard local.isFinite, abs(local) < 1e14 else { return .nan }
        let block = Int((local / 900).rounded(.down))
        if block != zoneBlock {
            zoneOffset = local - mapping.timeZone.utc(fromLocal: local)
            zoneBlock = block
        }
        return local - zoneOffset
    }

    /// A decimal number such as `1318333540` or `-12.5`; nil when the cell is anything else.
    private static func decimal(_ cell: UnsafeRawBufferPointer) -> Double? {
        var index = 0
        var negative = false
        if index < cell.count, cell[index] == UInt8(ascii: "-") || cell[index] == UInt8(ascii: "+") {
            negative = cell[index] == UInt8(ascii: "-")
            index += 1
        }
        var value = 0.0
        var digits = 0
        while index < cell.count, cell[index] &- 48 < 10 {
            value = value * 10 + Double(cell[index] &- 48)
            index += 1
            digits += 1
        }
        if index < cell.count, cell[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 1.0
            while index < cell.count, cell[index] &- 48 < 10 {
                if scale < 1e9 {
                    scale *= 10
                    value += Double(cell[index] &- 48) / scale
                }
                index += 1
                digits += 1
            }
        }
        guard digits > 0, index == cell.count else { return nil }
        return negative ? -value : value
    }
}
