/// A value in Flowtune's expression language: what an expression reads from a task, a worker
/// or a model's output, and what it yields.
///
/// Numbers are doubles, durations are seconds and dates are seconds since 1970-01-01T00:00:00Z,
/// so that comparisons and arithmetic on them stay exact and allocation-free. Objects are not
/// values of the language: a path is followed through them to a value.
///
/// ```swift
/// let amount: ExpressionValue = .number(6200)
/// let window: ExpressionValue = .duration(4 * 3600)   // written 4h in an expression
/// ```
public enum ExpressionValue: Sendable, Hashable {
    /// No value: a missing path, a null in the data, or the result of an operation with no answer.
    case null
    /// A boolean.
    case bool(Bool)
    /// A number.
    case number(Double)
    /// A string.
    case string(String)
    /// A length of time, in seconds.
    case duration(Double)
    /// An instant, in seconds since 1970-01-01T00:00:00Z. A date written without a time is
    /// midnight UTC.
    case date(Double)
    /// A list of values.
    case list([ExpressionValue])
}

/// A unary test: the content of one input cell of a decision table, tested against that input's
/// value (DMN's "unary tests").
///
/// Tests whose operands are literals are kept in this structural form so that a table can be
/// checked statically for overlapping rules and for gaps; anything else is kept as a compiled
/// ``Expression`` over the input value (written `?`).
///
/// | written | test |
/// |---|---|
/// | `-` | ``anything`` |
/// | `"gold"`, `5`, `true`, `null` | ``equal(_:)`` |
/// | `> 5000`, `<= 3` | ``compare(_:_:)`` |
/// | `[1..3]`, `(1..3]`, `]1..3[` | ``interval(_:)`` |
/// | `"gold","platinum"` | ``anyOf(_:)`` |
/// | `not("gold","silver")` | ``not(_:)`` |
/// | `? > task.limit`, `> task.limit` | ``expression(_:)`` |
public indirect enum UnaryTest: Sendable, Hashable {
    /// Matches every value, null included (written `-`).
    case anything
    /// Matches values equal to a literal.
    case equal(ExpressionValue)
    /// Matches values that compare to a literal as the operator says.
    case compare(ComparisonOperator, ExpressionValue)
    /// Matches values inside an interval with literal endpoints.
    case interval(ValueInterval)
    /// Matches a value that any of the tests matches (written as a comma-separated list).
    case anyOf([UnaryTest])
    /// Matches a value that none of the tests matches.
    case not([UnaryTest])
    /// A test that is not a literal comparison: a boolean expression over `?`, or an expression
    /// whose value the input must equal (see ``UnaryTests`` for the exact rule).
    case expression(Expression)
}

/// An ordering comparison in a unary test or an expression.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case lessThan = "<"
    case lessThanOrEqual = "<="
    case greaterThan = ">"
    case greaterThanOrEqual = ">="
    case equal = "="
    case notEqual = "!="
}

/// An interval between two literal values of one kind (numbers, strings, durations or dates),
/// each end open or closed: `[1..3]` is 1 ≤ x ≤ 3, `(1..3]` and `]1..3]` are 1 < x ≤ 3.
public struct ValueInterval: Sendable, Hashable {
    /// The lower end.
    public var lower: ExpressionValue
    /// Whether the lower end is included.
    public var lowerClosed: Bool
    /// The upper end.
    public var upper: ExpressionValue
    /// Whether the upper end is included.
    public var upperClosed: Bool

    /// Creates an interval.
    public init(lower: ExpressionValue, lowerClosed: Bool = true, upper: ExpressionValue, upperClosed: Bool = true) {
        self.lower = lower
        self.lowerClosed = lowerClosed
        self.upper = upper
        self.upperClosed = upperClosed
    }
}
