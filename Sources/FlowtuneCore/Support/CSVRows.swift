/// Rows of an RFC 4180 CSV text — quoted fields, doubled quotes, CRLF line ends — each with
/// the line it starts on, so that a problem in a row can be reported where it is written.
///
/// Task files and replayed histories both read CSV through this one parser.
///
/// ```swift
/// let rows = try CSVRows.parse("id,amount\nT1,\"6,200\"\n")
/// rows[1].cells   // ["T1", "6,200"]
/// rows[1].line    // 2
/// ```
public enum CSVRows {
    /// One row: its cells as written (quotes removed) and the line it starts on, from 1.
    public struct Row: Sendable, Hashable {
        /// The line the row starts on, from 1; a quoted cell may carry it over several lines.
        public var line: Int
        /// The cells, in column order.
        public var cells: [String]
    }

    /// Text that is not CSV: where and why.
    public struct Problem: Error, Sendable, Hashable {
        /// The line of the row at fault, from 1.
        public var line: Int
        /// What is wrong.
        public var message: String
    }

    /// Splits `text` into rows. A trailing line end does not make an empty last row.
    public static func parse(_ text: String) throws(Problem) -> [Row] {
        var rows: [Row] = []
        var cells: [String] = []
        var cell = ""
        var quoted = false
        var line = 1
        var rowLine = 1
        var scalars = text.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        cell.unicodeScalars.append("\"")
                        scalars.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    cell.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where cell.isEmpty:
                quoted = true
            case ",":
                cells.append(cell)
                cell = ""
            case "\r":
                continue
            case "\n":
                cells.append(cell)
                rows.append(Row(line: rowLine, cells: cells))
                cells = []
                cell = ""
                line += 1
                rowLine = line
            default:
                cell.unicodeScalars.append(scalar)
            }
        }
        if quoted { throw Problem(line: rowLine, message: "a quoted field is never closed") }
        if !cell.isEmpty || !cells.isEmpty {
            cells.append(cell)
            rows.append(Row(line: rowLine, cells: cells))
        }
        return rows
    }
}
