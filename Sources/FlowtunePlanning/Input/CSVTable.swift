/// A CSV text split into a header and rows, remembering each row's line and each field's
/// column, so that a bad value is reported where it is written.
///
/// ```swift
/// let table = try CSVTable(text: "timestamp,queue\n2026-03-02T09:00:00Z,support\n", file: "arrivals.csv")
/// table.header               // ["timestamp", "queue"]
/// table.rows[0].line         // 2
/// table.rows[0].columns      // [1, 22]
/// ```
public struct CSVTable: Sendable, Hashable {
    /// One data row.
    public struct Row: Sendable, Hashable {
        /// The 1-based line it is written on.
        public var line: Int
        /// Its fields, quotes removed.
        public var fields: [String]
        /// The 1-based character column each field starts at.
        public var columns: [Int]
    }

    /// The header's names.
    public var header: [String]
    /// The data rows; blank lines are skipped.
    public var rows: [Row]

    /// Splits `text`; `file` names it in errors.
    public init(text: String, file: String) throws {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if let last = lines.last, last.isEmpty { lines.removeLast() }
        guard let first = lines.first else { throw PlanningInputError(file: file, message: "empty file: no header") }
        let headerLine = first.hasSuffix("\r") ? first.dropLast() : first
        header = Self.split(headerLine.hasPrefix("\u{FEFF}") ? headerLine.dropFirst() : headerLine, line: 1).fields
        rows = []
        rows.reserveCapacity(lines.count)
        for (offset, line) in lines.enumerated().dropFirst() {
            let trimmed = line.hasSuffix("\r") ? line.dropLast() : line
            if trimmed.allSatisfy(\.isWhitespace) { continue }
            rows.append(Self.split(trimmed, line: offset + 1))
        }
    }

    /// The index of the header column named `name`, ignoring case.
    public func column(_ name: String) -> Int? {
        header.firstIndex { $0.lowercased() == name.lowercased() }
    }

    /// Splits one line on commas; a field in double quotes may hold commas and doubled quotes.
    static func split(_ line: Substring, line number: Int) -> Row {
        var fields: [String] = []
        var columns: [Int] = []
        var current = ""
        var quoted = false
        var column = 1
        var fieldStart = 1
        var previousQuote = false
        for character in line {
            if quoted {
                if character == "\"" { quoted = false; previousQuote = true } else { current.append(character) }
            } else if character == "\"" {
                if previousQuote { current.append("\"") }
                quoted = true
            } else if character == "," {
                fields.append(current)
                columns.append(fieldStart)
                current = ""
                fieldStart = column + 1
                previousQuote = false
            } else {
                current.append(character)
                previousQuote = false
            }
            column += 1
        }
        fields.append(current)
        columns.append(fieldStart)
        return Row(line: number, fields: fields, columns: columns)
    }
}
