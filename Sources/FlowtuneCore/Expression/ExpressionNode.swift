/// A parsed expression: the tree the checker, the interpreter and the compiler walk.
struct ExpressionNode: Sendable {
    indirect enum Kind: Sendable {
        case literal(ExpressionValue)
        /// A path resolved to its root's index in the scope and the keys below it.
        case path(root: Int, keys: [String])
        /// `?`, the value a unary test is testing.
        case subject
        case negate(ExpressionNode)
        case not(ExpressionNode)
        case arithmetic(ArithmeticOperator, ExpressionNode, ExpressionNode)
        case comparison(ComparisonOperator, ExpressionNode, ExpressionNode)
        case and(ExpressionNode, ExpressionNode)
        case or(ExpressionNode, ExpressionNode)
        case conditional(ExpressionNode, then: ExpressionNode, else: ExpressionNode)
        /// `x in (…)`, `x not in […]`.
        case membership(ExpressionNode, [MembershipItem], negated: Bool)
        /// `[a, b, c]`.
        case list([ExpressionNode])
        case call(ExpressionFunction, [ExpressionNode])
        /// `matches(s, "pattern")`, with the pattern compiled when the expression is.
        case matches(ExpressionNode, ExpressionPattern)
    }

    var kind: Kind
    /// The offset of the token an error about this node points at: the operator of a binary
    /// node, the name of a call, else the first token.
    var position: Int

    init(_ kind: Kind, at position: Int) {
        self.kind = kind
        self.position = position
    }
}

/// One item of an `in` list: a value (a list stands for its elements) or an interval.
enum MembershipItem: Sendable {
    case value(ExpressionNode)
    case interval(lower: ExpressionNode, lowerClosed: Bool, upper: ExpressionNode, upperClosed: Bool)
}

/// `+`, `-`, `*` and `/`.
enum ArithmeticOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/"

    var verb: String {
        switch self {
        case .add: "add"
        case .subtract: "subtract"
        case .multiply: "multiply"
        case .divide: "divide"
        }
    }
}

/// A regular expression compiled once, when the expression holding it is.
///
/// `Regex` is not `Sendable` because its output type need not be; this one's output is
/// `AnyRegexOutput` over immutable program state, and the lazily built matcher program is
/// published atomically, so sharing it between threads is safe.
final class ExpressionPattern: @unchecked Sendable {
    let source: String
    let regex: Regex<AnyRegexOutput>

    init(source: String) throws {
        self.source = source
        self.regex = try Regex(source)
    }

    /// Whether the pattern matches anywhere in `text` (anchor it with ^ and $ to match all of it).
    func matches(_ text: String) -> Bool {
        (try? regex.firstMatch(in: text)) != nil
    }
}

extension ExpressionNode {
    /// Every path the tree reads, root first, in the order they appear.
    func collectPaths(scope: ExpressionScope, into paths: inout [[String]]) {
        forEachChild { $0.collectPaths(scope: scope, into: &paths) }
        if case .path(let root, let keys) = kind {
            let path = [scope.roots[root]] + keys
            if !paths.contains(path) { paths.append(path) }
        }
    }

    /// Whether the tree reads `?`.
    var readsSubject: Bool {
        if case .subject = kind { return true }
        var found = false
        forEachChild { if !found, $0.readsSubject { found = true } }
        return found
    }

    /// Whether the value depends on nothing but the tree itself: no path, no `?`, no `now()`.
    var isConstant: Bool {
        switch kind {
        case .path, .subject: return false
        case .call(.now, _): return false
        default:
            var constant = true
            forEachChild { if constant, !$0.isConstant { constant = false } }
            return constant
        }
    }

    func forEachChild(_ body: (ExpressionNode) -> Void) {
        switch kind {
        case .literal, .path, .subject: break
        case .negate(let operand), .not(let operand), .matches(let operand, _): body(operand)
        case .arithmetic(_, let left, let right), .comparison(_, let left, let right), .and(let left, let right),
            .or(let left, let right):
            body(left)
            body(right)
        case .conditional(let condition, let then, let otherwise):
            body(condition)
            body(then)
            body(otherwise)
        case .membership(let value, let items, _):
            body(value)
            for item in items {
                switch item {
                case .value(let node): body(node)
                case .interval(let lower, _, let upper, _):
                    body(lower)
                    body(upper)
                }
            }
        case .list(let elements), .call(_, let elements): elements.forEach(body)
        }
    }
}
