/// What a decision table gave for one input: the rules whose outputs it holds and the output
/// values, or why it could not decide.
///
/// For single-hit policies (UNIQUE, ANY, PRIORITY, FIRST, and COLLECT with an aggregation)
/// ``outputs`` holds one value per output column; when no rule matched, each output's default
/// (or null). For RULE ORDER and COLLECT without an aggregation each output is a list, one
/// entry per matching rule. A table with COLLECT and an aggregation has one output: the
/// aggregate.
///
/// ```swift
/// let result = table.evaluate(ExpressionInput(roots: [["amount": 6200, "customer": ["tier": "gold"]]]))
/// result["lane"]          // .string("exception")
/// result.matchedRules      // [0]
/// ```
public struct DecisionResult: Sendable, Hashable {
    /// The output columns' names, in the table's order.
    public var names: [String]
    /// The output values, in the table's output order.
    public var outputs: [ExpressionValue]
    /// Why the table could not decide (several rules matched under UNIQUE, or disagreeing
    /// rules under ANY); ``outputs`` are then null.
    public var failure: DecisionFailure?
    // One matching rule is by far the common case; keeping it out of an array keeps the
    // single-hit path free of allocation.
    private var single: Int
    private var several: [Int]

    /// The rules (0-based row indexes) whose outputs the result holds, in row order.
    public var matchedRules: [Int] {
        single >= 0 ? [single] : several
    }

    /// The first rule the result holds, if any.
    public var firstMatchedRule: Int? {
        single >= 0 ? single : several.first
    }

    /// Whether no rule's outputs are in the result.
    public var isEmpty: Bool {
        single < 0 && several.isEmpty
    }

    /// A result holding one rule's outputs.
    init(names: [String], rule: Int, outputs: [ExpressionValue]) {
        self.names = names
        self.outputs = outputs
        self.single = rule
        self.several = []
    }

    /// A result holding several rules' outputs, or none.
    init(names: [String], rules: [Int], outputs: [ExpressionValue]) {
        self.names = names
        self.outputs = outputs
        if rules.count == 1 {
            self.single = rules[0]
            self.several = []
        } else {
            self.single = -1
            self.several = rules
        }
    }

    /// A result that could not be decided.
    init(names: [String], failure: DecisionFailure) {
        self.names = names
        self.outputs = Array(repeating: .null, count: names.count)
        self.failure = failure
        self.single = -1
        self.several = []
    }
}

/// Why a decision table gave no result: the hit policy's promise was broken by the input.
public struct DecisionFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rules (0-based row indexes) involved.
    public var rules: [Int]
    /// What went wrong, naming the rules by their row number from 1.
    public var message: String

    /// Creates a failure.
    public init(rules: [Int], message: String) {
        self.rules = rules
        self.message = message
    }

    public var description: String { message }

    static func severalMatched(_ rules: [Int]) -> DecisionFailure {
        DecisionFailure(
            rules: rules, message: "hit policy UNIQUE: rules \(rowList(rules)) all match; exactly one may")
    }

    static func disagreeing(_ rules: [Int]) -> DecisionFailure {
        DecisionFailure(
            rules: rules, message: "hit policy ANY: rules \(rowList(rules)) match but give different outputs")
    }

    /// `1, 3 and 4`: row numbers as an operator reads them, from 1.
    static func rowList(_ rules: [Int]) -> String {
        let rows = rules.map { String($0 + 1) }
        guard let last = rows.last else { return "" }
        return rows.count == 1 ? last : "\(rows.dropLast().joined(separator: ", ")) and \(last)"
    }
}

extension DecisionResult {
    /// The value of the output named `name`; null when the table has no such output.
    public subscript(name: String) -> ExpressionValue {
        guard let index = names.firstIndex(of: name) else { return .null }
        return outputs[index]
    }
}
