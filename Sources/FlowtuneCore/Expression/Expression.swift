/// An expression of Flowtune's rule language, parsed, checked and compiled once.
///
/// Expressions read task attributes, worker fields and model outputs through paths and combine
/// them with comparisons, arithmetic, `and`/`or`/`not`, `in` lists and ranges, and a fixed set of
/// functions. They cannot loop, define functions or reach anything but their input, and
/// evaluation never fails: an operation without an answer gives null. docs/expressions.md is the
/// reference.
///
/// ```swift
/// let rule = try Expression("amount > 5000 and customer.tier in (\"gold\", \"platinum\")")
/// let input = ExpressionInput(roots: [["amount": 6200, "customer": ["tier": "gold"]]])
/// rule.evaluate(input)   // .bool(true)
/// rule.paths             // [["task", "amount"], ["task", "customer", "tier"]]
/// ```
///
/// Two expressions are equal when their source and scope are.
public struct Expression: Sendable, Hashable, CustomStringConvertible {
    /// Everything is kept in one immutable object, so that copying an expression (into a rule, out
    /// of an array on the hot path) costs one reference count, not one per field.
    private final class Storage: Sendable {
        let source: String
        let scope: ExpressionScope
        let tree: ExpressionNode
        let evaluator: ExpressionEvaluator
        let paths: [[String]]
        let constantValue: ExpressionValue?
        let readsSubject: Bool

        init(tree: ExpressionNode, source: String, scope: ExpressionScope) {
            self.source = source
            self.scope = scope
            self.tree = tree
            var paths: [[String]] = []
            tree.collectPaths(scope: scope, into: &paths)
            self.paths = paths
            self.readsSubject = tree.readsSubject
            self.constantValue =
                tree.isConstant ? ExpressionInterpreter.evaluate(tree, ExpressionInput(roots: []), subject: .null) : nil
            self.evaluator = ExpressionCompiler.compile(tree)
        }
    }

    private let storage: Storage

    /// The text the expression was parsed from.
    public var source: String { storage.source }
    /// The roots its paths resolve against.
    public var scope: ExpressionScope { storage.scope }
    /// The parsed tree, which ``interpret(_:)`` walks.
    var tree: ExpressionNode { storage.tree }
    /// The paths the expression reads, each resolved to its root, in the order they appear:
    /// `[["task", "amount"], ["model", "intent", "confidence"]]`.
    public var paths: [[String]] { storage.paths }
    /// The value when the expression reads nothing (a literal, or an expression of literals),
    /// else nil.
    public var constantValue: ExpressionValue? { storage.constantValue }
    /// Whether the expression reads `?`.
    public var readsSubject: Bool { storage.readsSubject }

    /// Parses, checks and compiles `source`.
    ///
    /// - Throws: ``ExpressionError`` for a syntax error, an unknown function, a wrong number of
    ///   arguments, a bad literal (date, duration, regular expression) or an operation between
    ///   literals of kinds it does not accept (`"a" > 5`).
    public init(_ source: String, scope: ExpressionScope = .decision) throws(ExpressionError) {
        var parser = try ExpressionParser(source, scope: scope)
        let tree = try parser.parseWhole()
        _ = try parser.staticKind(of: tree)
        self.init(tree: tree, source: source, scope: scope)
    }

    /// Compiles a tree that has been parsed and checked.
    init(tree: ExpressionNode, source: String, scope: ExpressionScope) {
        storage = Storage(tree: tree, source: source, scope: scope)
    }

    /// Evaluates the compiled form. Never fails: a missing path, a mismatch or a division by zero
    /// gives null (see docs/expressions.md). Allocates nothing for scalar results.
    public func evaluate(_ input: borrowing ExpressionInput) -> ExpressionValue {
        storage.evaluator(input, input.subject)
    }

    /// Evaluates the compiled form with `?` standing for `subject`.
    func evaluate(_ input: borrowing ExpressionInput, subject: borrowing ExpressionValue) -> ExpressionValue {
        storage.evaluator(input, subject)
    }

    /// Evaluates by walking the parsed tree: slower, written for clarity, the reference the
    /// compiled form is tested against.
    public func interpret(_ input: ExpressionInput) -> ExpressionValue {
        ExpressionInterpreter.evaluate(tree, input, subject: input.subject)
    }

    /// The source text.
    public var description: String { source }

    public static func == (left: Expression, right: Expression) -> Bool {
        left.storage === right.storage || left.source == right.source && left.scope == right.scope
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(scope)
    }
}

/// The compiled form of an expression: reads an input with `?` standing for the second argument.
typealias ExpressionEvaluator = @Sendable (borrowing ExpressionInput, borrowing ExpressionValue) -> ExpressionValue
