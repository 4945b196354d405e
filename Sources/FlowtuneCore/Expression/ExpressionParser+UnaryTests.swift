/// Reads a decision-table cell: DMN unary tests.
///
/// ```text
/// cell      = "-" | "not" "(" tests ")" | tests
/// tests     = test { "," test }
/// test      = ( "<" | "<=" | ">" | ">=" | "=" | "!=" ) sum     compared with the input
///           | ( "[" | "(" | "]" ) expression ".." expression ( "]" | "[" | ")" )
///           | expression                                      a value, or a condition on ?
/// ```
extension ExpressionParser {
    mutating func parseUnaryTests() throws(ExpressionError) -> UnaryTest {
        if current.kind == .end {
            throw error("the test is empty; write - to match any value", at: current.start)
        }
        if check(.minus), peekKind(1) == .end {
            return .anything
        }
        if check(.not), peekKind(1) == .symbol(.leftParen) {
            let saved = index
            index += 2
            let tests = try parsePositiveTests()
            if match(.rightParen), current.kind == .end { return .not(tests) }
            // Something follows the parenthesis, as in `not(? > 5) and ? < 10`: an expression.
            index = saved
        }
        let tests = try parsePositiveTests()
        guard current.kind == .end else {
            throw error("expected ',' or the end of the test, found \(current.quoted)", at: current.start)
        }
        return tests.count == 1 ? tests[0] : .anyOf(tests)
    }

    private mutating func parsePositiveTests() throws(ExpressionError) -> [UnaryTest] {
        var tests = [try parsePositiveTest()]
        while match(.comma) { tests.append(try parsePositiveTest()) }
        return tests
    }

    private func constant(_ node: Node) -> ExpressionValue {
        ExpressionInterpreter.evaluate(node, ExpressionInput(roots: []), subject: .null)
    }

    private mutating func parsePositiveTest() throws(ExpressionError) -> UnaryTest {
        let start = current.start
        if check(.minus), [.symbol(.comma), .symbol(.rightParen), .end].contains(peekKind(1)) {
            throw error("'-' matches any value and must be the whole test", at: start)
        }
        if let op = Self.comparisonOperator(current.kind) {
            _ = advance()
            let operandStart = current.start
            let operand = try parseSum()
            let subject = Node(.subject, at: start)
            let comparison = Node(.comparison(op, subject, operand), at: start)
            _ = try staticKind(of: comparison)
            if operand.isConstant {
                let value = constant(operand)
                return op == .equal ? .equal(value) : .compare(op, value)
            }
            let source = "? \(op.rawValue) " + text(from: operandStart, to: previous!.end)
            return .expression(Expression(tree: comparison, source: source, scope: scope))
        }
        if let interval = try parseIntervalTest(start: start) {
            return interval
        }
        let node = try parseExpression()
        _ = try staticKind(of: node)
        if node.isConstant {
            let value = constant(node)
            if case .list(let elements) = value { return .anyOf(elements.map(UnaryTest.equal)) }
            return .equal(value)
        }
        return .expression(Expression(tree: node, source: text(from: start, to: previous!.end), scope: scope))
    }

    /// An interval test such as `[1..3]` or `]task.min..task.max[`, or nil (and no tokens read)
    /// when the bracket opens something else, such as a list or a parenthesized expression.
    private mutating func parseIntervalTest(start: Int) throws(ExpressionError) -> UnaryTest? {
        let lowerClosed: Bool
        switch current.kind {
        case .symbol(.leftBracket): lowerClosed = true
        case .symbol(.leftParen), .symbol(.rightBracket): lowerClosed = false
        default: return nil
        }
        let saved = index
        _ = advance()
        if check(.rightBracket) {  // [] is an empty list
            index = saved
            return nil
        }
        let lower = try parseExpression()
        guard match(.range) else {
            if case .symbol(.rightBracket) = tokens[saved].kind {
                throw error("expected '..' in the interval, found \(current.quoted)", at: current.start)
            }
            index = saved
            return nil
        }
        let upper = try parseExpression()
        let upperClosed = try parseIntervalEnd()
        let item = MembershipItem.interval(lower: lower, lowerClosed: lowerClosed, upper: upper, upperClosed: upperClosed)
        let membership = Node(.membership(Node(.subject, at: start), [item], negated: false), at: start)
        _ = try staticKind(of: membership)
        if lower.isConstant, upper.isConstant {
            return .interval(
                ValueInterval(lower: constant(lower), lowerClosed: lowerClosed, upper: constant(upper), upperClosed: upperClosed))
        }
        let source = "? in " + text(from: start, to: previous!.end)
        return .expression(Expression(tree: membership, source: source, scope: scope))
    }
}
