/// A finding of the static checks a table goes through on load: rules that overlap where they
/// must not, inputs no rule covers, rules that can never fire.
///
/// An ``Severity/error`` stops a table from being published; a ``Severity/warning`` is shown
/// and publishing goes on.
public struct DecisionCheck: Sendable, Hashable, CustomStringConvertible {
    /// What kind of finding it is.
    public var kind: Kind
    /// Whether it stops publishing.
    public var severity: Severity
    /// The rules involved (0-based row indexes).
    public var rules: [Int]
    /// The finding in words, with an example input where there is one.
    public var message: String

    /// Creates a finding.
    public init(kind: Kind, severity: Severity, rules: [Int], message: String) {
        self.kind = kind
        self.severity = severity
        self.rules = rules
        self.message = message
    }

    public var description: String { "\(severity.rawValue): \(message)" }

    /// What kind of finding it is.
    public enum Kind: String, Sendable, Hashable {
        /// Two rules match a common input under UNIQUE, or give different outputs under ANY.
        case overlap
        /// Some input no rule matches, and the outputs have no default.
        case gap
        /// A rule that no input can make fire: earlier rules take all its inputs under FIRST,
        /// or one of its cells matches nothing.
        case unreachable
        /// A cell tests a value its input never takes, or an output gives a value its list does
        /// not allow.
        case unknownValue
    }

    /// How serious a finding is.
    public enum Severity: String, Sendable, Hashable {
        /// The table cannot be published.
        case error
        /// The table can be published; the finding is shown.
        case warning
    }
}
