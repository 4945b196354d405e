/// The roots an expression may name, in order. The first is the default root: a path whose first
/// name is not a root reads from it, so under ``decision`` `customer.tier` means
/// `task.customer.tier` and `amount` means `task.amount`.
///
/// ```swift
/// let scope = ExpressionScope(roots: ["task", "worker", "model"])
/// let expression = try Expression("model.intent.confidence < 0.8", scope: scope)
/// expression.paths // [["model", "intent", "confidence"]]
/// ```
public struct ExpressionScope: Sendable, Hashable {
    /// The root names; ``ExpressionInput/roots`` holds one document for each, in this order.
    public var roots: [String]

    /// Creates a scope. `roots` must not be empty; its first name is the default root.
    public init(roots: [String]) {
        precondition(!roots.isEmpty, "an expression scope needs at least one root")
        self.roots = roots
    }

    /// `task`, `worker` and `model`: what a workflow step's decisions read.
    public static let decision = ExpressionScope(roots: ["task", "worker", "model"])
}

/// What one evaluation reads: one JSON document per scope root, the clock reading, and the
/// subject `?` (the input value a unary test is testing).
///
/// ```swift
/// let input = ExpressionInput(roots: [["amount": 6200, "customer": ["tier": "gold"]]], now: 1_767_225_600)
/// try Expression("amount > 5000 and customer.tier = \"gold\"").evaluate(input) // .bool(true)
/// ```
public struct ExpressionInput: Sendable {
    /// One document per root of the expression's scope, in scope order; a missing one reads as null.
    public var roots: [JSONValue]
    /// Seconds since 1970: the date `now()` returns.
    public var now: Double
    /// The value `?` stands for.
    public var subject: ExpressionValue

    /// Creates an input.
    public init(roots: [JSONValue], now: Double = 0, subject: ExpressionValue = .null) {
        self.roots = roots
        self.now = now
        self.subject = subject
    }
}
