extension DecisionTable {
    /// Evaluates the table the plainest way there is: each input by walking its expression's
    /// tree, every rule's every cell, then the hit policy applied to the list of matches.
    ///
    /// This is the reference ``evaluate(_:)`` is tested against; it is not used at run time.
    public func interpret(_ input: ExpressionInput) -> DecisionResult {
        let values = inputs.map { $0.expression.interpret(input) }
        var matched: [Int] = []
        for (index, rule) in rules.enumerated() {
            var all = true
            for (column, cell) in rule.tests.enumerated() where !cell.test.interpretMatches(values[column], in: input) {
                all = false
            }
            if all { matched.append(index) }
        }
        let given = matched.map { index in rules[index].outputs.map { $0.interpret(input) } }
        let defaults = outputs.map { $0.defaultValue ?? .null }
        let names = outputs.map(\.name)

        switch hitPolicy {
        case .unique:
            if matched.count > 1 { return DecisionResult(names: names, failure: .severalMatched(matched)) }
            return matched.isEmpty
                ? DecisionResult(names: names, rules: [], outputs: defaults)
                : DecisionResult(names: names, rules: matched, outputs: given[0])
        case .any:
            if Set(given).count > 1 { return DecisionResult(names: names, failure: .disagreeing(matched)) }
            return matched.isEmpty
                ? DecisionResult(names: names, rules: [], outputs: defaults)
                : DecisionResult(names: names, rules: [matched[0]], outputs: given[0])
        case .first:
            return matched.isEmpty
                ? DecisionResult(names: names, rules: [], outputs: defaults)
                : DecisionResult(names: names, rules: [matched[0]], outputs: given[0])
        case .priority:
            guard !matched.isEmpty else { return DecisionResult(names: names, rules: [], outputs: defaults) }
            // Sort by rank, keeping row order among equals; the first is the winner.
            let ranked = matched.indices.sorted { a, b in
                let rankA = priorityRank(of: given[a])
                let rankB = priorityRank(of: given[b])
                return rankA == rankB ? a < b : rankA.lexicographicallyPrecedes(rankB)
            }
            return DecisionResult(names: names, rules: [matched[ranked[0]]], outputs: given[ranked[0]])
        case .ruleOrder, .collect(nil):
            let columns = outputs.indices.map { column in ExpressionValue.list(given.map { $0[column] }) }
            return DecisionResult(names: names, rules: matched, outputs: columns)
        case .collect(let aggregation?):
            if matched.isEmpty && aggregation != .count {
                return DecisionResult(names: names, rules: [], outputs: [defaults.first ?? .null])
            }
            return DecisionResult(names: names, rules: matched, outputs: [aggregation.combine(given.map { $0.first ?? .null })])
        }
    }
}
