/// A problem with a planning input — a CSV of arrivals, a forecast file, a templates file or a
/// parameter — at the line and column of the text when it has one, naming the field at fault.
///
/// The CLI prints it as `file:line:column: message`; the server turns it into a problem
/// document whose `field` is `field` and whose entry carries the line and column.
///
/// ```swift
/// PlanningInputError(file: "arrivals.csv", line: 3, column: 1, field: "timestamp",
///                    message: "timestamp: \"nine\" is not an ISO 8601 timestamp").description
/// // arrivals.csv:3:1: timestamp: "nine" is not an ISO 8601 timestamp
/// ```
public struct PlanningInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input's name: a file path, or what a request called it.
    public var file: String
    /// The 1-based line, when the problem has one.
    public var line: Int?
    /// The 1-based character column, when the problem has one.
    public var column: Int?
    /// The column or parameter at fault, such as `timestamp` or `queue`, when one is.
    public var field: String?
    /// What is wrong, starting with the field's name where there is one.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, field: String? = nil, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// `file:line:column: message`.
    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let line, let column, line > 0 { place += ":\(column)" }
        return "\(place): \(message)"
    }
}
