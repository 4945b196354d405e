/// A mistake in an expression or a unary test, found when it is parsed and checked: where it is,
/// what is wrong, and the source line with a caret under the column.
///
/// ```swift
/// do {
///     _ = try Expression("task.amount > and 3")
/// } catch {
///     print(error)
///     // line 1, column 15: expected a value after '>', found 'and'
///     //   task.amount > and 3
///     //                 ^
/// }
/// ```
public struct ExpressionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The whole source the error was found in.
    public var source: String
    /// The line, from 1, within `source`.
    public var line: Int
    /// The column, from 1, in characters.
    public var column: Int
    /// What is wrong, in a sentence without the position.
    public var message: String

    /// Creates an error at `line` and `column` of `source`.
    public init(source: String, line: Int, column: Int, message: String) {
        self.source = source
        self.line = line
        self.column = column
        self.message = message
    }

    /// Creates an error at a character offset of `source`.
    init(source: String, offset: Int, message: String) {
        var line = 1
        var column = 1
        for (index, character) in source.enumerated() {
            if index == offset { break }
            if character == "\n" || character == "\r\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        self.init(source: source, line: line, column: column, message: message)
    }

    /// The source line the error is on.
    public var sourceLine: String {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return "" }
        var text = String(lines[line - 1])
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }

    /// `line L, column C: message`, then the source line and a caret under the column, each
    /// indented by two spaces. Tabs before the column are kept so the caret lines up.
    public var description: String {
        let text = sourceLine
        var caret = ""
        for character in text.prefix(max(0, column - 1)) {
            caret.append(character == "\t" ? "\t" : " ")
        }
        caret += String(repeating: " ", count: max(0, column - 1 - text.count))
        return "line \(line), column \(column): \(message)\n  \(text)\n  \(caret)^"
    }
}
