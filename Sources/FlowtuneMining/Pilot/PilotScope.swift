import Foundation

/// Which cases a pilot comparison or weekly review measures, and around what: a whole workflow
/// (every case, or those whose case attribute has a value), or one hand-off `A -> B`.
///
/// For a hand-off, the cases are those in which an instance of A is directly followed (the next
/// instance in the case's order) by one of B, and the measures are taken on the stretch of the
/// case from the first such A to the last such B, so a pilot on one hand-off is judged by what
/// happens at that hand-off. A case still open whose latest instance is an A counts as well: it
/// is waiting on the hand-off, which is where a stale item lives. At the `group` level the
/// hand-off is between teams: an instance of team A followed by one of team B.
///
/// ```swift
/// PilotScope.workflow                                             // every case
/// PilotScope.workflow(where: "workflow", is: "claims")           // one workflow's cases
/// PilotScope.handOff(from: "Triage", to: "Assess")               // cases with that hand-off
/// PilotScope(handOff: try .init(parsing: "Tier 1 -> Tier 2", level: .group))
/// ```
public struct PilotScope: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Cases whose attribute `key` has the value `value`.
    public struct CaseFilter: Sendable, Hashable, Codable {
        /// The attribute: a case attribute, or else the first value of an event attribute in the
        /// case (CSV exports repeat a case's fields on every row).
        public var key: String
        /// The value wanted.
        public var value: String

        /// Cases whose attribute `key` has the value `value`.
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// One hand-off: work passing from activity (or team) `from` directly to `to`.
    public struct HandOff: Sendable, Hashable, Codable, CustomStringConvertible {
        /// What the names name.
        public enum Level: String, Sendable, Hashable, Codable {
            /// Activities.
            case activity
            /// Teams or groups.
            case group
        }

        /// The activity or team handing over.
        public var from: String
        /// The activity or team taking over.
        public var to: String
        /// Whether `from` and `to` are activities or teams.
        public var level: Level

        /// The hand-off from `from` to `to`.
        public init(from: String, to: String, level: Level = .activity) {
            self.from = from
            self.to = to
            self.level = level
        }

        /// Reads `A -> B` (or `A → B`).
        public init(parsing text: String, level: Level = .activity) throws(ComparisonError) {
            let arrow = text.range(of: "->") ?? text.range(of: "→")
            guard let arrow else {
                throw ComparisonError(field: "hand-off", message: "'\(text)' has no '->': write it as 'A -> B'")
            }
            let from = text[..<arrow.lowerBound].trimmingCharacters(in: .whitespaces)
            let to = text[arrow.upperBound...].trimmingCharacters(in: .whitespaces)
            guard !from.isEmpty, !to.isEmpty else {
                throw ComparisonError(field: "hand-off", message: "'\(text)' needs a name on both sides of '->'")
            }
            self.init(from: from, to: to, level: level)
        }

        public var description: String { "\(from) -> \(to)" }
    }

    /// Which cases count; nil: every case.
    public var filter: CaseFilter?
    /// The hand-off measured; nil: the whole case.
    public var handOff: HandOff?

    /// A scope: the cases `filter` lets through, measured whole or around `handOff`.
    public init(filter: CaseFilter? = nil, handOff: HandOff? = nil) {
        self.filter = filter
        self.handOff = handOff
    }

    /// Every case, measured whole.
    public static let workflow = PilotScope()

    /// The cases whose attribute `key` is `value`, measured whole.
    public static func workflow(where key: String, is value: String) -> PilotScope {
        PilotScope(filter: CaseFilter(key: key, value: value))
    }

    /// The cases with the hand-off from activity `from` to activity `to`, measured around it.
    public static func handOff(from: String, to: String, level: HandOff.Level = .activity) -> PilotScope {
        PilotScope(handOff: HandOff(from: from, to: to, level: level))
    }

    public var description: String {
        var text = handOff.map { "hand-off \($0)" } ?? "all cases"
        if let filter { text += " with \(filter.key) = \(filter.value)" }
        return text
    }
}

/// A comparison or review that cannot be made as asked, naming the input at fault.
///
/// ```swift
/// do { _ = try PilotComparison(log: log, rules: rules, before: b, after: a, scope: .handOff(from: "X", to: "B")) }
/// catch { print(error) }   // hand-off: no activity 'X' in the log
/// ```
public struct ComparisonError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input at fault, such as `before`, `hand-off` or `filter`.
    public var field: String
    /// What is wrong and how to put it right.
    public var message: String

    /// Creates an error.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
