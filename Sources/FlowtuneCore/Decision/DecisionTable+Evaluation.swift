extension DecisionTable {
    /// Evaluates the table: every input once, then the rules as the hit policy needs them.
    ///
    /// This is the compiled path decisions take at run time. For single-hit policies with
    /// constant outputs it allocates nothing beyond what the inputs' expressions do.
    ///
    /// ```swift
    /// let input = ExpressionInput(roots: [["amount": 6200, "customer": ["tier": "gold"]]])
    /// table.evaluate(input)["lane"]   // .string("exception")
    /// ```
    public func evaluate(_ input: borrowing ExpressionInput) -> DecisionResult {
        let width = inputs.count
        return withUnsafeTemporaryAllocation(of: ExpressionValue.self, capacity: width) { values in
            inputExpressions.withUnsafeBufferPointer { expressions in
                for column in 0..<width {
                    (values.baseAddress! + column).initialize(to: expressions[column].evaluate(input))
                }
            }
            defer { values.baseAddress!.deinitialize(count: width) }
            return cells.withUnsafeBufferPointer { cells in
                decide(Matcher(values: UnsafeBufferPointer(values), cells: cells, width: width), input)
            }
        }
    }

    /// Evaluates the table and records how: each input's value, every rule that matched (all of
    /// them, even under FIRST, so that a trace shows what else would have fired), and the result.
    public func evaluateTraced(_ input: ExpressionInput) -> (result: DecisionResult, trace: DecisionTrace) {
        let values = inputExpressions.map { $0.evaluate(input) }
        let width = inputs.count
        let (matching, result) = values.withUnsafeBufferPointer { values in
            cells.withUnsafeBufferPointer { cells in
                let matcher = Matcher(values: values, cells: cells, width: width)
                return (rules.indices.filter { matcher.matches(rule: $0, input) }, decide(matcher, input))
            }
        }
        var traced: [DecisionTrace.InputValue] = []
        traced.reserveCapacity(width)
        for column in 0..<width {
            traced.append(DecisionTrace.InputValue(name: inputs[column].name, expression: inputExpressions[column].source, value: values[column]))
        }
        var outputs: [DecisionTrace.OutputValue] = []
        outputs.reserveCapacity(outputNames.count)
        for (name, value) in zip(outputNames, result.outputs) {
            outputs.append(DecisionTrace.OutputValue(name: name, value: value))
        }
        let trace = DecisionTrace(
            decision: id, hitPolicy: hitPolicy.name, inputs: traced, matchedRules: matching.map { $0 + 1 },
            selectedRules: result.matchedRules.map { $0 + 1 }, outputs: outputs, failure: result.failure?.message)
        return (result, trace)
    }

    /// The inputs' values and the table's cells, borrowed for one evaluation.
    struct Matcher {
        let values: UnsafeBufferPointer<ExpressionValue>
        let cells: UnsafeBufferPointer<UnaryTests>
        let width: Int

        func matches(rule: Int, _ input: borrowing ExpressionInput) -> Bool {
            let first = rule * width
            for column in 0..<width where !cells[first + column].matches(values[column], in: input) {
                return false
            }
            return true
        }
    }

    private func outputs(of index: Int, _ input: borrowing ExpressionInput) -> [ExpressionValue] {
        if let constant = constantOutputs[index] { return constant }
        return rules[index].outputs.map { $0.evaluate(input) }
    }

    private func decide(_ matcher: Matcher, _ input: borrowing ExpressionInput) -> DecisionResult {
        switch hitPolicy {
        case .first:
            for index in rules.indices where matcher.matches(rule: index, input) {
                return DecisionResult(names: outputNames, rule: index, outputs: outputs(of: index, input))
            }
            return DecisionResult(names: outputNames, rules: [], outputs: defaults)

        case .unique:
            var found = -1
            for index in rules.indices where matcher.matches(rule: index, input) {
                guard found < 0 else {
                    let all = rules.indices.filter { matcher.matches(rule: $0, input) }
                    return DecisionResult(names: outputNames, failure: .severalMatched(all))
                }
                found = index
            }
            return found < 0
                ? DecisionResult(names: outputNames, rules: [], outputs: defaults)
                : DecisionResult(names: outputNames, rule: found, outputs: outputs(of: found, input))

        case .any:
            var found = -1
            var first: [ExpressionValue] = []
            var disagreeing = false
            for index in rules.indices where matcher.matches(rule: index, input) {
                let given = outputs(of: index, input)
                if found < 0 {
                    found = index
                    first = given
                } else if given != first {
                    disagreeing = true
                }
            }
            if disagreeing {
                return DecisionResult(
                    names: outputNames, failure: .disagreeing(rules.indices.filter { matcher.matches(rule: $0, input) }))
            }
            return found < 0
                ? DecisionResult(names: outputNames, rules: [], outputs: defaults)
                : DecisionResult(names: outputNames, rule: found, outputs: first)

        case .priority:
            var best = -1
            var bestOutputs: [ExpressionValue] = []
            var bestRank: [Int] = []
            for index in rules.indices where matcher.matches(rule: index, input) {
                let given = outputs(of: index, input)
                let rank = priorityRank(of: given)
                if best < 0 || rank.lexicographicallyPrecedes(bestRank) {
                    best = index
                    bestOutputs = given
                    bestRank = rank
                }
            }
            return best < 0
                ? DecisionResult(names: outputNames, rules: [], outputs: defaults)
                : DecisionResult(names: outputNames, rule: best, outputs: bestOutputs)

        case .ruleOrder, .collect(nil):
            var matched: [Int] = []
            var columns = Array(repeating: [ExpressionValue](), count: outputs.count)
            for index in rules.indices where matcher.matches(rule: index, input) {
                matched.append(index)
                for (column, value) in outputs(of: index, input).enumerated() {
                    columns[column].append(value)
                }
            }
            return DecisionResult(names: outputNames, rules: matched, outputs: columns.map { .list($0) })

        case .collect(let aggregation?):
            var matched: [Int] = []
            var collected: [ExpressionValue] = []
            for index in rules.indices where matcher.matches(rule: index, input) {
                matched.append(index)
                collected.append(outputs(of: index, input).first ?? .null)
            }
            let value = matched.isEmpty && aggregation != .count
                ? defaults.first ?? .null
                : aggregation.combine(collected)
            return DecisionResult(names: outputNames, rules: matched, outputs: [value])
        }
    }

    /// A rule's rank under PRIORITY: for each output with a value list, the position of the
    /// rule's value in it (a value not in the list ranks last). Lower ranks first.
    func priorityRank(of values: [ExpressionValue]) -> [Int] {
        var rank: [Int] = []
        for (column, output) in outputs.enumerated() {
            guard let order = output.values else { continue }
            rank.append(order.firstIndex(of: values[column]) ?? order.count)
        }
        return rank
    }
}

extension Aggregation {
    /// Combines the outputs of the matching rules: SUM adds numbers (or durations), MIN and MAX
    /// compare values of one kind, COUNT counts distinct values. A value of another kind, or a
    /// null, makes SUM, MIN and MAX null, as FEEL's list functions do.
    public func combine(_ values: [ExpressionValue]) -> ExpressionValue {
        switch self {
        case .count:
            return .number(Double(Set(values).count))
        case .sum:
            guard let first = values.first else { return .null }
            var total = 0.0
            for value in values {
                switch (first, value) {
                case (.number, .number(let number)), (.duration, .duration(let number)): total += number
                default: return .null
                }
            }
            if case .duration = first { return .duration(total) }
            return .number(total)
        case .min, .max:
            guard var best = values.first else { return .null }
            for value in values.dropFirst() {
                guard let order = value.ordering(with: best) else { return .null }
                if self == .min ? order < 0 : order > 0 { best = value }
            }
            // A single value of a kind with no order (a list, a boolean) has no minimum either.
            return best.ordering(with: best) == nil ? .null : best
        }
    }
}
