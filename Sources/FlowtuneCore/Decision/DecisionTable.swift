/// A decision table: rules from inputs (task attributes, worker fields, model outputs) to outputs
/// (lane, queue, priority, thresholds), with a hit policy, as DMN defines them.
///
/// Each rule holds one unary test per input and one output expression per output. Inputs are
/// evaluated once per evaluation; a rule matches when every cell matches its input's value.
///
/// ```yaml
/// decision: approval-lane
/// hit_policy: FIRST
/// inputs:
///   - { name: amount, expression: task.amount }
///   - { name: tier, expression: customer.tier, values: [gold, silver, bronze] }
/// outputs:
///   - { name: lane, type: string, values: [exception, routine] }
///   - { name: reason, type: string }
/// rules:
///   - when: ["> 5000", gold]
///     then: [exception, approval threshold]
///   - when: [-, -]
///     then: [routine, standard path]
/// ```
public struct DecisionTable: Sendable, Hashable {
    /// The decision's identifier, stable across versions.
    public let id: DecisionID
    /// A human-readable name.
    public let name: String
    /// How matching rules combine into the result.
    public let hitPolicy: HitPolicy
    /// The inputs, in column order.
    public let inputs: [Input]
    /// The outputs, in column order.
    public let outputs: [Output]
    /// The rules, in row order.
    public let rules: [Rule]
    /// Example cases the table must satisfy before it is published.
    public let tests: [TestCase]
    /// The outputs' names, kept whole so that every result can share them.
    let outputNames: [String]
    /// Each output's default, or null.
    let defaults: [ExpressionValue]
    // Evaluation reads the table through these flat arrays: reaching a cell through
    // `rules[row].tests[column]` copies the row, a reference count for each of its fields, on
    // every cell of every row tried.
    /// Every rule's cells, row after row.
    let cells: [UnaryTests]
    /// The inputs' expressions, in column order.
    let inputExpressions: [Expression]
    /// Each rule's outputs when they are constants.
    let constantOutputs: [[ExpressionValue]?]

    /// Creates a table.
    public init(
        id: DecisionID, name: String? = nil, hitPolicy: HitPolicy, inputs: [Input], outputs: [Output], rules: [Rule],
        tests: [TestCase] = []
    ) {
        self.id = id
        self.name = name ?? id.rawValue
        self.hitPolicy = hitPolicy
        self.inputs = inputs
        self.outputs = outputs
        self.rules = rules
        self.tests = tests
        self.outputNames = outputs.map(\.name)
        self.defaults = outputs.map { $0.defaultValue ?? .null }
        self.cells = rules.flatMap(\.tests)
        self.inputExpressions = inputs.map(\.expression)
        self.constantOutputs = rules.map(\.constantOutputs)
    }

    /// One input column: what it reads and, where it is enumerable, every value it can take.
    public struct Input: Sendable, Hashable {
        /// The column's name, as traces and tests show it.
        public var name: String
        /// What the column reads, such as `task.amount`.
        public var expression: Expression
        /// Every value the input can take, when the domain is enumerable; static checks look for
        /// gaps over these values.
        public var values: [ExpressionValue]?

        /// Creates an input.
        public init(name: String, expression: Expression, values: [ExpressionValue]? = nil) {
            self.name = name
            self.expression = expression
            self.values = values
        }
    }

    /// One output column.
    public struct Output: Sendable, Hashable {
        /// The column's name: `lane`, `reason`, `owner`, `queue`, `priority`, ...
        public var name: String
        /// The values the output may take, highest priority first: the order the PRIORITY hit
        /// policy ranks matching rules by.
        public var values: [ExpressionValue]?
        /// The value when no rule matches.
        public var defaultValue: ExpressionValue?

        /// Creates an output.
        public init(name: String, values: [ExpressionValue]? = nil, defaultValue: ExpressionValue? = nil) {
            self.name = name
            self.values = values
            self.defaultValue = defaultValue
        }
    }

    /// One row: a test per input and an expression per output.
    public struct Rule: Sendable, Hashable {
        /// One cell per input, in column order.
        public let tests: [UnaryTests]
        /// One cell per output, in column order.
        public let outputs: [Expression]
        /// An operator's note on why the rule exists.
        public let annotation: String?
        /// The outputs when every cell is a constant, as most are: computed once, shared by
        /// every result.
        let constantOutputs: [ExpressionValue]?

        /// Creates a rule.
        public init(tests: [UnaryTests], outputs: [Expression], annotation: String? = nil) {
            self.tests = tests
            self.outputs = outputs
            self.annotation = annotation
            let constants = outputs.compactMap(\.constantValue)
            self.constantOutputs = constants.count == outputs.count ? constants : nil
        }
    }

    /// An example the table must satisfy: an input and the outputs it must give.
    public struct TestCase: Sendable, Hashable {
        /// A name for reports; the case's position when the file gives none.
        public var name: String
        /// The documents the inputs read, by scope root (`task`, `worker`, `model`).
        public var input: [String: JSONValue]
        /// The outputs expected, by output name; an output not named is not checked. For
        /// multi-hit policies each value is the list of the outputs' values.
        public var expected: [String: ExpressionValue]
        /// Whether the case expects no rule to match.
        public var expectsNoMatch: Bool

        /// Creates a test case.
        public init(name: String, input: [String: JSONValue], expected: [String: ExpressionValue], expectsNoMatch: Bool = false) {
            self.name = name
            self.input = input
            self.expected = expected
            self.expectsNoMatch = expectsNoMatch
        }
    }
}

/// How the rules that match combine into a decision's result (DMN hit policies).
public enum HitPolicy: Sendable, Hashable {
    /// At most one rule may match; several matching is an error.
    case unique
    /// Several rules may match only if they give the same outputs.
    case any
    /// The matching rule whose outputs rank highest in the outputs' value lists.
    case priority
    /// The first matching rule in row order.
    case first
    /// Every matching rule, in row order.
    case ruleOrder
    /// Every matching rule, combined by an aggregation when one is given.
    case collect(Aggregation?)

    /// Whether the policy gives one rule's outputs (or none), rather than a list.
    public var isSingleHit: Bool {
        switch self {
        case .unique, .any, .priority, .first: true
        case .ruleOrder: false
        case .collect(let aggregation): aggregation != nil
        }
    }

    /// The name as written in a file: `UNIQUE`, `RULE ORDER`, `COLLECT SUM`, ...
    public var name: String {
        switch self {
        case .unique: "UNIQUE"
        case .any: "ANY"
        case .priority: "PRIORITY"
        case .first: "FIRST"
        case .ruleOrder: "RULE ORDER"
        case .collect(nil): "COLLECT"
        case .collect(let aggregation?): "COLLECT \(aggregation.rawValue)"
        }
    }

    /// Every policy, by its written name.
    public static let all: [HitPolicy] = [
        .unique, .any, .priority, .first, .ruleOrder, .collect(nil), .collect(.sum), .collect(.min), .collect(.max),
        .collect(.count),
    ]

    /// The policy written `name` (case and spacing insensitive: `rule order`, `RULE_ORDER`,
    /// `C+` and `C#` are accepted too).
    public init?(name: String) {
        let key = name.uppercased().replacingOccurrences(of: "_", with: " ")
            .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let shorthand: [String: HitPolicy] = [
            "U": .unique, "A": .any, "P": .priority, "F": .first, "R": .ruleOrder, "C": .collect(nil),
            "C+": .collect(.sum), "C<": .collect(.min), "C>": .collect(.max), "C#": .collect(.count),
        ]
        if let policy = Self.all.first(where: { $0.name == key }) ?? shorthand[key] {
            self = policy
        } else {
            return nil
        }
    }
}

/// How COLLECT combines the outputs of the matching rules into one value (DMN aggregations).
public enum Aggregation: String, Sendable, Hashable, CaseIterable {
    /// The sum of the numbers (durations add too).
    case sum = "SUM"
    /// The smallest value.
    case min = "MIN"
    /// The largest value.
    case max = "MAX"
    /// How many distinct values there are.
    case count = "COUNT"
}

/// Identifies a decision across its versions.
public struct DecisionID: Identifier {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
}
