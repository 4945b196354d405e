/// Input a mining import cannot read, with where it is: the file, the line (and for CSV the
/// row and column), and the field at fault.
///
/// ```swift
/// do { _ = try CSVEventReader.read(contentsOf: url, mapping: mapping) }
/// catch let error as MiningError { print(error) }   // receipt.csv:12: column 'time:timestamp' (15): …
/// ```
public struct MiningError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, as given.
    public var file: String
    /// The line, from 1, when the problem has one.
    public var line: Int?
    /// The column, from 1, when the problem is in a CSV cell.
    public var column: Int?
    /// The field at fault: a column name, an XES attribute key or element, a mapping key.
    public var field: String?
    /// What is wrong and how to put it right.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        text += ": "
        if let field { text += "\(field): " }
        return text + message
    }
}
