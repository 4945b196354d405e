/// Reads tokens into an ``ExpressionNode`` tree: recursive descent, one function per level of
/// precedence, loosest first.
///
/// ```text
/// expression  = or
/// or          = and { "or" and }
/// and         = not { "and" not }
/// not         = "not" not | comparison
/// comparison  = sum [ ( "<" | "<=" | ">" | ">=" | "=" | "==" | "!=" ) sum
///                   | [ "not" ] "in" target ]
/// target      = "[" expression ".." expression ( "]" | "[" | ")" )      interval
///             | ( "(" | "]" ) expression ".." expression ( "]" | "[" | ")" )
///             | "[" [ expression { "," expression } ] "]"              list
///             | "(" expression { "," expression } ")"
///             | sum                                                    a list value
/// sum         = product { ( "+" | "-" ) product }
/// product     = unary { ( "*" | "/" ) unary }
/// unary       = "-" unary | primary
/// primary     = number | duration | string | "true" | "false" | "null" | "?"
///             | name "(" [ expression { "," expression } ] ")"         function call
///             | name { "." name }                                      path
///             | "(" expression ")" | "[" [ expression { "," expression } ] "]"
///             | "not" "(" expression ")"
///             | "if" expression "then" expression "else" expression
/// ```
struct ExpressionParser {
    typealias Token = ExpressionToken
    typealias Node = ExpressionNode

    let source: String
    let scope: ExpressionScope
    let characters: [Character]
    var tokens: [Token]
    var index = 0

    init(_ source: String, scope: ExpressionScope) throws(ExpressionError) {
        self.source = source
        self.scope = scope
        self.characters = Array(source)
        self.tokens = try ExpressionLexer.tokens(source)
    }

    var current: Token { tokens[index] }
    var previous: Token? { index > 0 ? tokens[index - 1] : nil }

    func error(_ message: String, at offset: Int) -> ExpressionError {
        ExpressionError(source: source, offset: offset, message: message)
    }

    func text(from start: Int, to end: Int) -> String {
        String(characters[start..<end])
    }

    mutating func advance() -> Token {
        let token = tokens[index]
        if token.kind != .end { index += 1 }
        return token
    }

    func check(_ symbol: Token.Symbol) -> Bool { current.kind == .symbol(symbol) }
    func check(_ keyword: Token.Keyword) -> Bool { current.kind == .keyword(keyword) }
    func peekKind(_ ahead: Int) -> Token.Kind { tokens[min(index + ahead, tokens.count - 1)].kind }

    mutating func match(_ symbol: Token.Symbol) -> Bool {
        guard check(symbol) else { return false }
        index += 1
        return true
    }

    mutating func match(_ keyword: Token.Keyword) -> Bool {
        guard check(keyword) else { return false }
        index += 1
        return true
    }

    mutating func expect(_ symbol: Token.Symbol, _ what: String) throws(ExpressionError) {
        guard match(symbol) else { throw error("expected \(what), found \(current.quoted)", at: current.start) }
    }

    /// Parses the whole source as one expression.
    mutating func parseWhole() throws(ExpressionError) -> Node {
        if current.kind == .end { throw error("expected an expression, found nothing", at: current.start) }
        let node = try parseExpression()
        try expectEnd()
        return node
    }

    func expectEnd() throws(ExpressionError) {
        guard current.kind == .end else {
            throw error("expected an operator or the end, found \(current.quoted)", at: current.start)
        }
    }

    mutating func parseExpression() throws(ExpressionError) -> Node {
        try parseOr()
    }

    private mutating func parseOr() throws(ExpressionError) -> Node {
        var left = try parseAnd()
        while check(.or) {
            let position = advance().start
            let right = try parseAnd()
            left = Node(.or(left, right), at: position)
        }
        return left
    }

    private mutating func parseAnd() throws(ExpressionError) -> Node {
        var left = try parseNot()
        while check(.and) {
            let position = advance().start
            let right = try parseNot()
            left = Node(.and(left, right), at: position)
        }
        return left
    }

    private mutating func parseNot() throws(ExpressionError) -> Node {
        if check(.not) {
            let position = advance().start
            return Node(.not(try parseNot()), at: position)
        }
        return try parseComparison()
    }

    static func comparisonOperator(_ kind: Token.Kind) -> ComparisonOperator? {
        guard case .symbol(let symbol) = kind else { return nil }
        switch symbol {
        case .less: return .lessThan
        case .lessEqual: return .lessThanOrEqual
        case .greater: return .greaterThan
        case .greaterEqual: return .greaterThanOrEqual
        case .equal: return .equal
        case .notEqual: return .notEqual
        default: return nil
        }
    }

    private mutating func parseComparison() throws(ExpressionError) -> Node {
        let left = try parseSum()
        let node: Node
        if let op = Self.comparisonOperator(current.kind) {
            let position = advance().start
            let right = try parseSum()
            node = Node(.comparison(op, left, right), at: position)
        } else if check(.in) || (check(.not) && peekKind(1) == .keyword(.in)) {
            let position = current.start
            let negated = match(.not)
            _ = advance()
            let items = try parseMembershipTarget()
            node = Node(.membership(left, items, negated: negated), at: position)
        } else {
            return left
        }
        if Self.comparisonOperator(current.kind) != nil || check(.in) {
            throw error("comparisons do not chain; join them with 'and', as in a < b and b < c", at: current.start)
        }
        return node
    }

    /// What follows `in`: an interval, a list in brackets or parentheses, or one value.
    mutating func parseMembershipTarget() throws(ExpressionError) -> [MembershipItem] {
        let open = current
        let lowerClosed: Bool
        let closing: Token.Symbol
        switch open.kind {
        case .symbol(.leftBracket): (lowerClosed, closing) = (true, .rightBracket)
        case .symbol(.leftParen): (lowerClosed, closing) = (false, .rightParen)
        case .symbol(.rightBracket): (lowerClosed, closing) = (false, .rightBracket)
        default: return [.value(try parseSum())]
        }
        _ = advance()
        if closing == .rightBracket, lowerClosed, match(.rightBracket) { return [] }
        let first = try parseExpression()
        if match(.range) {
            let upper = try parseExpression()
            let upperClosed = try parseIntervalEnd()
            return [.interval(lower: first, lowerClosed: lowerClosed, upper: upper, upperClosed: upperClosed)]
        }
        guard case .symbol(.rightBracket) = open.kind, !lowerClosed else {
            var items: [MembershipItem] = [.value(first)]
            while match(.comma) { items.append(.value(try parseExpression())) }
            try expect(closing, "',' or '\(closing.rawValue)' to close the list")
            return items
        }
        throw error("expected '..' in the interval, found \(current.quoted)", at: current.start)
    }

    /// `]` closes an interval including its upper end; `)` and `[` close it without.
    mutating func parseIntervalEnd() throws(ExpressionError) -> Bool {
        if match(.rightBracket) { return true }
        if match(.rightParen) || match(.leftBracket) { return false }
        throw error("expected ']', ')' or '[' to close the interval, found \(current.quoted)", at: current.start)
    }

    mutating func parseSum() throws(ExpressionError) -> Node {
        var left = try parseProduct()
        while true {
            let op: ArithmeticOperator
            if check(.plus) { op = .add } else if check(.minus) { op = .subtract } else { return left }
            let position = advance().start
            let right = try parseProduct()
            left = Node(.arithmetic(op, left, right), at: position)
        }
    }

    private mutating func parseProduct() throws(ExpressionError) -> Node {
        var left = try parseUnary()
        while true {
            let op: ArithmeticOperator
            if check(.star) { op = .multiply } else if check(.slash) { op = .divide } else { return left }
            let position = advance().start
            let right = try parseUnary()
            left = Node(.arithmetic(op, left, right), at: position)
        }
    }

    private mutating func parseUnary() throws(ExpressionError) -> Node {
        if check(.minus) {
            let position = advance().start
            let operand = try parseUnary()
            // Fold -5 and -4h here so that unary tests and messages see the literal.
            switch operand.kind {
            case .literal(.number(let value)): return Node(.literal(.number(-value)), at: position)
            case .literal(.duration(let value)): return Node(.literal(.duration(-value)), at: position)
            default: return Node(.negate(operand), at: position)
            }
        }
        return try parsePrimary()
    }

    private func missingValue() -> ExpressionError {
        if let previous {
            return error("expected a value after \(previous.quoted), found \(current.quoted)", at: current.start)
        }
        return error("expected a value, found \(current.quoted)", at: current.start)
    }

    private mutating func parsePrimary() throws(ExpressionError) -> Node {
        let token = current
        switch token.kind {
        case .number(let value):
            _ = advance()
            return Node(.literal(.number(value)), at: token.start)
        case .duration(let value):
            _ = advance()
            return Node(.literal(.duration(value)), at: token.start)
        case .string(let value):
            _ = advance()
            return Node(.literal(.string(value)), at: token.start)
        case .keyword(.true):
            _ = advance()
            return Node(.literal(.bool(true)), at: token.start)
        case .keyword(.false):
            _ = advance()
            return Node(.literal(.bool(false)), at: token.start)
        case .keyword(.null):
            _ = advance()
            return Node(.literal(.null), at: token.start)
        case .symbol(.question):
            _ = advance()
            return Node(.subject, at: token.start)
        case .symbol(.leftParen):
            _ = advance()
            let inner = try parseExpression()
            if check(.range) {
                throw error("an interval such as (1..3] can only follow 'in'", at: current.start)
            }
            try expect(.rightParen, "')'")
            return inner
        case .symbol(.leftBracket):
            _ = advance()
            var elements: [Node] = []
            if !match(.rightBracket) {
                repeat { elements.append(try parseExpression()) } while match(.comma)
                if check(.range) {
                    throw error("an interval such as [1..3] can only follow 'in', as in x in [1..3]", at: current.start)
                }
                try expect(.rightBracket, "',' or ']' to close the list")
            }
            return Node(.list(elements), at: token.start)
        case .keyword(.not) where peekKind(1) == .symbol(.leftParen):
            _ = advance()
            _ = advance()
            let inner = try parseExpression()
            try expect(.rightParen, "')'")
            return Node(.not(inner), at: token.start)
        case .keyword(.if):
            _ = advance()
            let condition = try parseExpression()
            guard match(.then) else { throw error("expected 'then', found \(current.quoted)", at: current.start) }
            let then = try parseExpression()
            guard match(.else) else { throw error("expected 'else', found \(current.quoted)", at: current.start) }
            let otherwise = try parseExpression()
            return Node(.conditional(condition, then: then, else: otherwise), at: token.start)
        case .name(let name):
            _ = advance()
            if check(.leftParen) { return try parseCall(name, at: token.start) }
            var names = [name]
            while check(.dot) {
                _ = advance()
                switch current.kind {
                case .name(let key): names.append(key)
                case .keyword(let keyword): names.append(keyword.rawValue)
                default: throw error("expected a name after '.', found \(current.quoted)", at: current.start)
                }
                _ = advance()
            }
            if let root = scope.roots.firstIndex(of: names[0]) {
                return Node(.path(root: root, keys: Array(names.dropFirst())), at: token.start)
            }
            return Node(.path(root: 0, keys: names), at: token.start)
        default:
            throw missingValue()
        }
    }

    private mutating func parseCall(_ name: String, at position: Int) throws(ExpressionError) -> Node {
        guard let function = ExpressionFunction(rawValue: name) else {
            let names = ExpressionFunction.allCases.map(\.rawValue)
            let hint = Suggestion.closest(to: name, among: names).map { "; did you mean \($0)?" } ?? ""
            throw error("unknown function '\(name)'\(hint) (functions: \(names.joined(separator: ", ")))", at: position)
        }
        _ = advance()  // (
        var arguments: [Node] = []
        var argumentTokens: [Token] = []
        if !match(.rightParen) {
            repeat {
                argumentTokens.append(current)
                arguments.append(try parseExpression())
            } while match(.comma)
            try expect(.rightParen, "',' or ')' to close the call to \(name)")
        }
        guard function.arity.contains(arguments.count) else {
            let expected = function.arity.lowerBound == function.arity.upperBound
                ? "\(function.arity.lowerBound) argument\(function.arity.lowerBound == 1 ? "" : "s")"
                : "at least \(function.arity.lowerBound) argument\(function.arity.lowerBound == 1 ? "" : "s")"
            throw error("\(name) takes \(expected), not \(arguments.count): \(function.signature)", at: position)
        }
        switch function {
        case .matches:
            guard case .literal(.string(let pattern)) = arguments[1].kind else {
                throw error("the pattern of matches must be a string literal, such as \"^[A-Z]{2}-[0-9]+$\"", at: arguments[1].position)
            }
            do {
                return Node(.matches(arguments[0], try ExpressionPattern(source: pattern)), at: position)
            } catch {
                throw self.error("invalid regular expression \(ExpressionValue.quoted(pattern)): \(error)", at: argumentTokens[1].start)
            }
        case .date:
            guard case .literal(.string(let text)) = arguments[0].kind else { break }
            guard let seconds = ExpressionDate.parse(text) else {
                throw error(
                    "\(ExpressionValue.quoted(text)) is not a date; write date(\"2026-01-31\") or date(\"2026-01-31T10:00:00Z\")",
                    at: arguments[0].position)
            }
            return Node(.literal(.date(seconds)), at: position)
        case .duration:
            guard case .literal(.string(let text)) = arguments[0].kind else { break }
            guard let seconds = ExpressionLexer.durationSeconds(text) else {
                throw error("\(ExpressionValue.quoted(text)) is not a duration; write it as 90s, 15m, 4h, 2d or 1h30m", at: arguments[0].position)
            }
            return Node(.literal(.duration(seconds)), at: position)
        default: break
        }
        return Node(.call(function, arguments), at: position)
    }
}
