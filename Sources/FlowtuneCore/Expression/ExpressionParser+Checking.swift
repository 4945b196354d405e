/// The static check: the kind each node will have when it can be known before evaluation, and
/// an error where literals are combined in a way that can only give null (`"a" > 5`, `lower(3)`,
/// `4h + 2`). Paths and `?` are of unknown kind, so anything involving them passes; at run time a
/// mismatch gives null instead.
extension ExpressionParser {
    typealias Kind = ExpressionValue.Kind

    /// Checks `node` and returns its kind, or nil when it depends on the input.
    func staticKind(of node: Node) throws(ExpressionError) -> Kind? {
        switch node.kind {
        case .literal(let value):
            return value.kind
        case .path, .subject:
            return nil
        case .negate(let operand):
            let kind = try staticKind(of: operand)
            if let kind, kind != .null, kind != .number, kind != .duration {
                throw error("cannot negate \(kind.phrase); '-' applies to numbers and durations", at: node.position)
            }
            return kind
        case .not(let operand):
            try expectBoolean(operand, "'not'")
            return .bool
        case .and(let left, let right):
            try expectBoolean(left, "'and'")
            try expectBoolean(right, "'and'")
            return .bool
        case .or(let left, let right):
            try expectBoolean(left, "'or'")
            try expectBoolean(right, "'or'")
            return .bool
        case .arithmetic(let op, let left, let right):
            let leftKind = try staticKind(of: left)
            let rightKind = try staticKind(of: right)
            guard let leftKind, let rightKind else { return nil }
            if leftKind == .null || rightKind == .null { return .null }
            guard ExpressionSemantics.arithmeticDefined(op, leftKind, rightKind) else {
                throw error("cannot \(op.verb) \(leftKind.phrase) and \(rightKind.phrase) with '\(op.rawValue)'", at: node.position)
            }
            return ExpressionSemantics.arithmeticKind(op, leftKind, rightKind)
        case .comparison(let op, let left, let right):
            let leftKind = try staticKind(of: left)
            let rightKind = try staticKind(of: right)
            if op != .equal, op != .notEqual {
                try expectOrdered(leftKind, rightKind, at: node.position, using: "'\(op.rawValue)'")
            }
            return .bool
        case .conditional(let condition, let then, let otherwise):
            try expectBoolean(condition, "'if'")
            let thenKind = try staticKind(of: then)
            let elseKind = try staticKind(of: otherwise)
            return thenKind == elseKind ? thenKind : nil
        case .membership(let value, let items, _):
            let valueKind = try staticKind(of: value)
            for item in items {
                switch item {
                case .value(let element):
                    _ = try staticKind(of: element)
                case .interval(let lower, _, let upper, _):
                    let lowerKind = try staticKind(of: lower)
                    let upperKind = try staticKind(of: upper)
                    try expectOrdered(lowerKind, upperKind, at: lower.position, using: "an interval")
                    try expectOrdered(valueKind, lowerKind ?? upperKind, at: node.position, using: "'in'")
                }
            }
            return .bool
        case .list(let elements):
            for element in elements { _ = try staticKind(of: element) }
            return .list
        case .matches(let operand, _):
            try expectArgument(operand, kind: try staticKind(of: operand), of: .matches, index: 0, count: 2)
            return .bool
        case .call(let function, let arguments):
            var kinds: [Kind?] = []
            for (index, argument) in arguments.enumerated() {
                let kind = try staticKind(of: argument)
                try expectArgument(argument, kind: kind, of: function, index: index, count: arguments.count)
                kinds.append(kind)
            }
            if function == .contains, kinds[0] == .string, let part = kinds[1], part != .null, part != .string {
                throw error("contains(text, part) looks for a string in a string, not \(part.phrase)", at: arguments[1].position)
            }
            if function == .min || function == .max, arguments.count > 1 {
                let known = kinds.compactMap { $0 }.filter { $0 != .null }
                if let first = known.first, let other = known.first(where: { $0 != first }),
                    let index = kinds.firstIndex(where: { $0 == other })
                {
                    throw error("\(function.rawValue) compares values of one kind, not \(first.phrase) and \(other.phrase)", at: arguments[index].position)
                }
            }
            if kinds.contains(where: { $0 == .null }) { return .null }
            return function.resultKind(arguments: kinds)
        }
    }

    private func expectBoolean(_ node: Node, _ what: String) throws(ExpressionError) {
        if let kind = try staticKind(of: node), kind != .null, kind != .bool {
            throw error("\(what) expects a boolean, not \(kind.phrase)", at: node.position)
        }
    }

    private func expectOrdered(_ left: Kind?, _ right: Kind?, at position: Int, using what: String) throws(ExpressionError) {
        for kind in [left, right] {
            if let kind, kind == .bool || kind == .list {
                throw error("\(what) cannot order \(kind.phrase); only numbers, strings, durations and dates have an order", at: position)
            }
        }
        if let left, let right, left != .null, right != .null, left != right {
            throw error("\(what) cannot compare \(left.phrase) with \(right.phrase)", at: position)
        }
    }

    private func expectArgument(
        _ node: Node, kind: Kind?, of function: ExpressionFunction, index: Int, count: Int
    ) throws(ExpressionError) {
        guard let kind, kind != .null else { return }
        let accepted = function.accepted(argument: index, of: count)
        guard !accepted.contains(kind) else { return }
        let names = Kind.allCases.filter(accepted.contains).map(\.phrase)
        throw error(
            "\(function.rawValue) expects \(names.joined(separator: " or ")), not \(kind.phrase): \(function.signature)",
            at: node.position)
    }
}
