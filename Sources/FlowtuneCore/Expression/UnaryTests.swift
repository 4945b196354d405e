/// One cell of a decision table: DMN unary tests, parsed, checked and compiled once.
///
/// | cell | test |
/// |---|---|
/// | `-` | ``UnaryTest/anything`` |
/// | `"gold"`, `5`, `true`, `null`, `4h`, `date("2026-01-31")` | ``UnaryTest/equal(_:)`` |
/// | `> 5000`, `<= 3`, `!= "x"` | ``UnaryTest/compare(_:_:)`` |
/// | `[1..3]`, `(1..3]`, `]1..3[`, `[1..3)` | ``UnaryTest/interval(_:)`` |
/// | `"gold", "platinum"`, `< 0, > 100` | ``UnaryTest/anyOf(_:)`` |
/// | `not("gold", "silver")` | ``UnaryTest/not(_:)`` |
/// | `? > task.limit`, `> task.limit`, `contains(?, "vip")`, `task.limit` | ``UnaryTest/expression(_:)`` |
///
/// Operands that are literals, or expressions of literals such as `4h + 30m`, are folded into the
/// structural forms so that a table's static checks can reason about them.
///
/// A null input matches only `-`, `null`, a `not(...)` none of whose tests matches it, and an
/// expression over `?` that gives true for it (such as `? = null or ? > 5`).
///
/// ```swift
/// let cell = try UnaryTests("\"gold\", \"platinum\"")
/// cell.matches(.string("gold"), in: ExpressionInput(roots: []))  // true
/// cell.test  // .anyOf([.equal(.string("gold")), .equal(.string("platinum"))])
/// ```
public struct UnaryTests: Sendable, Hashable, CustomStringConvertible {
    /// One immutable object, so that copying a cell costs one reference count.
    private final class Storage: Sendable {
        let source: String
        let test: UnaryTest
        let scope: ExpressionScope
        let matcher: UnaryTestMatcher
        let fast: UnaryTestCompiler.FastTest

        init(source: String, test: UnaryTest, scope: ExpressionScope) {
            self.source = source
            self.test = test
            self.scope = scope
            self.matcher = UnaryTestCompiler.compile(test)
            self.fast = UnaryTestCompiler.FastTest(test)
        }
    }

    private let storage: Storage

    /// The cell's text.
    public var source: String { storage.source }
    /// The structure, for static checks (overlaps, gaps) by the table loader.
    public var test: UnaryTest { storage.test }
    /// The roots the cell's paths resolve against.
    public var scope: ExpressionScope { storage.scope }

    /// Parses, checks and compiles one cell.
    ///
    /// - Throws: ``ExpressionError`` with the position in `source`.
    public init(_ source: String, scope: ExpressionScope = .decision) throws(ExpressionError) {
        var parser = try ExpressionParser(source, scope: scope)
        let test = try parser.parseUnaryTests()
        self.init(test: test, source: source, scope: scope)
    }

    /// Compiles a test built in code; its source is the test written back as cell text.
    public init(test: UnaryTest, scope: ExpressionScope = .decision) {
        self.init(test: test, source: test.description, scope: scope)
    }

    private init(test: UnaryTest, source: String, scope: ExpressionScope) {
        storage = Storage(source: source, test: test, scope: scope)
    }

    /// Whether `value` passes (compiled). `input` supplies what the cell reads besides `?`, which
    /// stands for `value`.
    public func matches(_ value: ExpressionValue, in input: borrowing ExpressionInput) -> Bool {
        // The common cells are matched here, without calling a closure: calling one costs a
        // reference count on its context, which is most of the time a cell takes.
        switch storage.fast {
        case .anything: return true
        case .null: return value.isNull
        case .number(let op, let number):
            guard case .number(let x) = value else { return op == .notEqual && !value.isNull }
            return ExpressionCompiler.holdsNumbers(op, x, number)
        case .numberInterval(let low, let lowerClosed, let high, let upperClosed):
            guard case .number(let x) = value else { return false }
            return (lowerClosed ? x >= low : x > low) && (upperClosed ? x <= high : x < high)
        case .string(let text):
            guard case .string(let x) = value else { return false }
            return x == text
        case .bool(let truth):
            guard case .bool(let x) = value else { return false }
            return x == truth
        case .strings(let texts, let negated):
            guard case .string(let x) = value else { return negated }
            for text in texts where text == x { return !negated }
            return negated
        case .general:
            return storage.matcher(value, input)
        }
    }

    /// The paths the cell reads besides `?`, each resolved to its root.
    public var paths: [[String]] { test.paths }

    /// The cell's text.
    public var description: String { source }

    public static func == (left: UnaryTests, right: UnaryTests) -> Bool {
        left.storage === right.storage || left.source == right.source && left.scope == right.scope
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(scope)
    }
}

typealias UnaryTestMatcher = @Sendable (borrowing ExpressionValue, borrowing ExpressionInput) -> Bool

extension UnaryTest {
    /// Whether `value` passes, by walking the structure: the reference ``UnaryTests/matches(_:in:)``
    /// is tested against.
    public func interpretMatches(_ value: ExpressionValue, in input: ExpressionInput) -> Bool {
        switch self {
        case .anything:
            return true
        case .equal(let literal):
            return value == literal
        case .compare(let op, let literal):
            guard !value.isNull else { return false }
            switch op {
            case .equal: return value == literal
            case .notEqual: return value != literal
            default: return value.ordering(with: literal).map { ExpressionSemantics.holds(op, $0) } ?? false
            }
        case .interval(let interval):
            return interval.contains(value)
        case .anyOf(let tests):
            return tests.contains { $0.interpretMatches(value, in: input) }
        case .not(let tests):
            return !tests.contains { $0.interpretMatches(value, in: input) }
        case .expression(let expression):
            var probe = input
            probe.subject = value
            return Self.passes(expression.interpret(probe), value: value, readsSubject: expression.readsSubject)
        }
    }

    /// How an expression cell's result decides: null never passes; a boolean from an expression
    /// over `?` is the answer; any other result (or a boolean from an expression that does not read
    /// `?`) is the value a non-null input must equal, a list a set of such values.
    @inline(__always)
    static func passes(_ result: ExpressionValue, value: ExpressionValue, readsSubject: Bool) -> Bool {
        switch result {
        case .null: return false
        case .bool(let truth) where readsSubject: return truth
        case .list(let elements): return !value.isNull && (value == result || elements.contains(value))
        default: return !value.isNull && value == result
        }
    }

    /// The paths the test reads besides `?`.
    public var paths: [[String]] {
        switch self {
        case .anything, .equal, .compare, .interval: return []
        case .expression(let expression): return expression.paths
        case .anyOf(let tests), .not(let tests):
            var paths: [[String]] = []
            for path in tests.flatMap(\.paths) where !paths.contains(path) { paths.append(path) }
            return paths
        }
    }
}

extension UnaryTest: CustomStringConvertible {
    /// The test written as cell text: `-`, `"gold"`, `> 5000`, `[1..3)`, `not("a", "b")`.
    public var description: String {
        switch self {
        case .anything: "-"
        case .equal(let value): value.description
        case .compare(.equal, let value): "= \(value)"
        case .compare(let op, let value): "\(op.rawValue) \(value)"
        case .interval(let interval): interval.description
        case .anyOf(let tests): tests.map(\.description).joined(separator: ", ")
        case .not(let tests): "not(" + tests.map(\.description).joined(separator: ", ") + ")"
        case .expression(let expression): expression.source
        }
    }
}

extension ValueInterval: CustomStringConvertible {
    /// Whether `value` lies inside: of the endpoints' kind and between them.
    public func contains(_ value: ExpressionValue) -> Bool {
        ExpressionSemantics.within(value, lower: lower, lowerClosed: lowerClosed, upper: upper, upperClosed: upperClosed)
            == .bool(true)
    }

    /// The interval as cell text: `[1..3]`, `(1..3]`, `[1..3)`.
    public var description: String {
        (lowerClosed ? "[" : "(") + lower.description + ".." + upper.description + (upperClosed ? "]" : ")")
    }
}
