extension DecisionTable {
    /// Runs the static checks: overlaps under UNIQUE and ANY, gaps, rules that can never fire,
    /// and values outside declared lists.
    ///
    /// Each input's domain is split into pieces on which every literal cell is constant: the
    /// declared values when the input lists them; otherwise each literal the cells mention, the
    /// open stretches between and beyond the numeric ones, and one value unlike any literal.
    /// A representative of each piece then stands for the whole piece, so every check is exact
    /// over cells written with literals. Cells that read anything else are not analysed: they
    /// never produce an overlap, a gap or an unreachable rule on their own.
    ///
    /// A missing input (null) is not counted as a gap; it does count for overlaps and for
    /// whether a rule can fire.
    public func staticChecks() -> [DecisionCheck] {
        let analysis = Analysis(table: self)
        var checks = analysis.unknownValues()
        switch hitPolicy {
        case .unique:
            checks += analysis.overlaps(requireDifferentOutputs: false)
        case .any:
            checks += analysis.overlaps(requireDifferentOutputs: true)
        case .first:
            checks += analysis.shadowedRules()
        default:
            break
        }
        checks += analysis.emptyRules(alreadyReported: Set(checks.filter { $0.kind == .unreachable }.flatMap(\.rules)))
        if hitPolicy.isSingleHit, case .collect = hitPolicy {
            // An aggregation over no rules is an answer (zero, or the default): no gap.
        } else if hitPolicy.isSingleHit, outputs.contains(where: { $0.defaultValue == nil }) {
            checks += analysis.gaps()
        }
        return checks
    }
}

/// The piecewise view of a table the static checks work on.
private struct Analysis {
    let table: DecisionTable
    /// Per input, the representative value of each piece of its domain.
    let pieces: [[ExpressionValue]]
    /// Per rule, per input, per piece: whether the cell matches (nil: cannot tell).
    let matrix: [[[Bool?]]]
    /// Bounds the search for gaps and shadowing on very wide tables.
    static let budget = 200_000

    init(table: DecisionTable) {
        self.table = table
        let empty = ExpressionInput(roots: [])
        var pieces: [[ExpressionValue]] = []
        for (column, input) in table.inputs.enumerated() {
            var domain: [ExpressionValue]
            if let values = input.values {
                domain = values
            } else {
                var literals: [ExpressionValue] = []
                for rule in table.rules { Self.collectLiterals(rule.tests[column].test, into: &literals) }
                domain = Self.pieces(around: literals)
            }
            if !domain.contains(.null) { domain.append(.null) }
            pieces.append(domain)
        }
        self.pieces = pieces
        self.matrix = table.rules.map { rule in
            rule.tests.enumerated().map { column, cell in
                pieces[column].map { Self.isAnalysable(cell.test) ? cell.test.interpretMatches($0, in: empty) : nil }
            }
        }
    }

    // MARK: Pieces

    static func isAnalysable(_ test: UnaryTest) -> Bool {
        switch test {
        case .anything, .equal, .compare, .interval: true
        case .anyOf(let tests), .not(let tests): tests.allSatisfy(isAnalysable)
        default: false
        }
    }

    static func collectLiterals(_ test: UnaryTest, into literals: inout [ExpressionValue]) {
        switch test {
        case .equal(let value), .compare(_, let value): literals.append(value)
        case .interval(let interval): literals += [interval.lower, interval.upper]
        case .anyOf(let tests), .not(let tests): for inner in tests { collectLiterals(inner, into: &literals) }
        default: break
        }
    }

    /// One value per piece of the domain the literals split: each literal, a value strictly
    /// between each pair of neighbouring ordered literals and beyond the extremes, and a value
    /// of each kind equal to none of them.
    static func pieces(around literals: [ExpressionValue]) -> [ExpressionValue] {
        var result: [ExpressionValue] = []
        var numbers: [Double] = [], durations: [Double] = [], dates: [Double] = [], strings: Set<String> = []
        var others: [ExpressionValue] = []
        for literal in literals {
            switch literal {
            case .number(let value): numbers.append(value)
            case .duration(let value): durations.append(value)
            case .date(let value): dates.append(value)
            case .string(let value): strings.insert(value)
            case .null: break
            default: if !others.contains(literal) { others.append(literal) }
            }
        }
        result += line(numbers).map { .number($0) }
        result += line(durations).map { .duration($0) }
        result += line(dates).map { .date($0) }
        if !strings.isEmpty {
            result += strings.sorted().map { .string($0) }
            var unlisted = "\u{1}unlisted"
            while strings.contains(unlisted) { unlisted += "'" }
            result.append(.string(unlisted))
        }
        if others.contains(where: { if case .bool = $0 { true } else { false } }) {
            result += [.bool(true), .bool(false)]
            others.removeAll { if case .bool = $0 { true } else { false } }
        }
        result += others
        if result.isEmpty { result.append(.string("\u{1}any")) }
        return result
    }

    /// Points standing for the pieces of the real line cut at `cuts`.
    private static func line(_ cuts: [Double]) -> [Double] {
        let sorted = Array(Set(cuts.filter(\.isFinite))).sorted()
        guard let first = sorted.first, let last = sorted.last else { return [] }
        var points = [first - max(1, abs(first))]
        for (index, cut) in sorted.enumerated() {
            points.append(cut)
            if index + 1 < sorted.count { points.append(cut + (sorted[index + 1] - cut) / 2) }
        }
        points.append(last + max(1, abs(last)))
        return points
    }

    func describe(_ column: Int, _ piece: Int) -> String {
        let value = pieces[column][piece]
        let shown: String
        if case .string(let text) = value, text.hasPrefix("\u{1}") {
            shown = "a value no rule names"
        } else {
            shown = "\(value)"
        }
        return "\(table.inputs[column].name) = \(shown)"
    }

    // MARK: Checks

    /// Pairs of rules that both match some input.
    func overlaps(requireDifferentOutputs: Bool) -> [DecisionCheck] {
        var checks: [DecisionCheck] = []
        for a in table.rules.indices {
            for b in (a + 1)..<table.rules.count {
                if requireDifferentOutputs, let outputsA = table.rules[a].constantOutputs,
                    outputsA == table.rules[b].constantOutputs
                {
                    continue
                }
                if requireDifferentOutputs, table.rules[a].constantOutputs == nil || table.rules[b].constantOutputs == nil {
                    continue
                }
                var witness: [String] = []
                var overlapping = true
                for column in table.inputs.indices {
                    guard let piece = pieces[column].indices.first(where: {
                        matrix[a][column][$0] == true && matrix[b][column][$0] == true
                    }) else {
                        overlapping = false
                        break
                    }
                    witness.append(describe(column, piece))
                }
                guard overlapping else { continue }
                let policy = requireDifferentOutputs ? "ANY" : "UNIQUE"
                let example = witness.isEmpty ? "" : " (for example \(witness.joined(separator: ", ")))"
                checks.append(DecisionCheck(
                    kind: .overlap, severity: .error, rules: [a, b],
                    message: "rules \(a + 1) and \(b + 1) overlap under \(policy)\(example)"
                        + (requireDifferentOutputs ? " and give different outputs" : "")))
            }
        }
        return checks
    }

    /// Rules under FIRST whose every input is taken by earlier rules.
    func shadowedRules() -> [DecisionCheck] {
        var checks: [DecisionCheck] = []
        for rule in table.rules.indices where rule > 0 {
            // A cell that cannot be analysed might match anywhere: the rule cannot be proved dead.
            guard matrix[rule].allSatisfy({ $0.allSatisfy { $0 != nil } }) else { continue }
            guard matrix[rule].allSatisfy({ $0.contains(true) }) else { continue }  // empty: reported elsewhere
            var budget = Self.budget
            let earlier = Array(0..<rule)
            let uncovered = findUncovered(column: 0, rules: earlier, within: rule, budget: &budget, unknownMatches: false)
            if uncovered == nil, budget > 0 {
                let cover = earlier.filter { candidate in
                    table.inputs.indices.allSatisfy { column in
                        pieces[column].indices.contains { matrix[candidate][column][$0] == true && matrix[rule][column][$0] == true }
                    }
                }
                checks.append(DecisionCheck(
                    kind: .unreachable, severity: .warning, rules: [rule],
                    message: "rule \(rule + 1) can never fire under FIRST: rules \(DecisionFailure.rowList(cover)) match every input it matches"))
            }
        }
        return checks
    }

    /// Rules with a cell that matches no value at all, such as `[5..1]`.
    func emptyRules(alreadyReported: Set<Int>) -> [DecisionCheck] {
        var checks: [DecisionCheck] = []
        for rule in table.rules.indices where !alreadyReported.contains(rule) {
            for column in table.inputs.indices {
                let cells = matrix[rule][column]
                if cells.allSatisfy({ $0 == false }) {
                    checks.append(DecisionCheck(
                        kind: .unreachable, severity: .warning, rules: [rule],
                        message: "rule \(rule + 1) can never fire: its \(table.inputs[column].name) cell \"\(table.rules[rule].tests[column].source)\" matches no value"))
                    break
                }
            }
        }
        return checks
    }

    /// Inputs (null excepted) that no rule matches.
    func gaps() -> [DecisionCheck] {
        var budget = Self.budget
        var found: [[Int]] = []
        collectGaps(column: 0, rules: Array(table.rules.indices), chosen: [], found: &found, budget: &budget)
        return found.prefix(5).map { chosen in
            let example = chosen.enumerated().map { describe($0, $1) }.joined(separator: ", ")
            return DecisionCheck(
                kind: .gap, severity: .warning, rules: [],
                message: "no rule matches \(example), and not every output has a default")
        }
    }

    private func collectGaps(column: Int, rules: [Int], chosen: [Int], found: inout [[Int]], budget: inout Int) {
        guard found.count < 5, budget > 0 else { return }
        budget -= 1
        if column == table.inputs.count {
            if rules.isEmpty { found.append(chosen) }
            return
        }
        for piece in pieces[column].indices where pieces[column][piece] != .null {
            // A cell that cannot be analysed might match: counting it as a match never reports a
            // gap that is not there.
            let remaining = rules.filter { matrix[$0][column][piece] != false }
            if remaining.isEmpty {
                // Every completion is a gap; one example of it is enough.
                var example = chosen + [piece]
                for later in (column + 1)..<table.inputs.count {
                    example.append(pieces[later].firstIndex { $0 != .null } ?? 0)
                }
                found.append(example)
                if found.count >= 5 { return }
                continue
            }
            collectGaps(column: column + 1, rules: remaining, chosen: chosen + [piece], found: &found, budget: &budget)
        }
    }

    /// A point inside `within`'s cells that none of `rules` matches, or nil when they cover it.
    private func findUncovered(column: Int, rules: [Int], within: Int, budget: inout Int, unknownMatches: Bool) -> [Int]? {
        guard budget > 0 else { return [] }
        budget -= 1
        if column == table.inputs.count { return rules.isEmpty ? [] : nil }
        for piece in pieces[column].indices where matrix[within][column][piece] == true {
            let remaining = rules.filter { unknownMatches ? matrix[$0][column][piece] != false : matrix[$0][column][piece] == true }
            if remaining.isEmpty { return [piece] }
            if let rest = findUncovered(column: column + 1, rules: remaining, within: within, budget: &budget, unknownMatches: unknownMatches) {
                return [piece] + rest
            }
        }
        return nil
    }

    /// Cells that test values an input's list does not have; outputs outside their list.
    func unknownValues() -> [DecisionCheck] {
        var checks: [DecisionCheck] = []
        for (column, input) in table.inputs.enumerated() {
            guard let values = input.values else { continue }
            for (index, rule) in table.rules.enumerated() {
                var literals: [ExpressionValue] = []
                Self.collectLiterals(rule.tests[column].test, into: &literals)
                for literal in literals where literal != .null && !values.contains(literal) {
                    checks.append(DecisionCheck(
                        kind: .unknownValue, severity: .warning, rules: [index],
                        message: "rule \(index + 1): \(input.name) never takes the value \(literal); it takes \(values.map { "\($0)" }.joined(separator: ", "))"))
                }
            }
        }
        for (column, output) in table.outputs.enumerated() {
            guard let values = output.values else { continue }
            for (index, rule) in table.rules.enumerated() {
                guard let value = rule.outputs[column].constantValue, value != .null, !values.contains(value) else { continue }
                checks.append(DecisionCheck(
                    kind: .unknownValue, severity: .error, rules: [index],
                    message: "rule \(index + 1): output \(output.name) gives \(value), which is not one of \(values.map { "\($0)" }.joined(separator: ", "))"))
            }
        }
        return checks
    }
}
