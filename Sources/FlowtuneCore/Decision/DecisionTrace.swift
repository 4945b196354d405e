/// How one evaluation of a decision went: the values read, the rules that matched, the rules
/// the result took its outputs from, and the outputs — what a task's history shows as "why".
///
/// Row numbers count from 1, as an operator reads the table.
public struct DecisionTrace: Sendable, Hashable, Codable {
    /// The decision evaluated.
    public var decision: DecisionID
    /// The published version evaluated; nil for a table evaluated before publishing.
    public var version: Int?
    /// The hit policy, as written: `FIRST`, `COLLECT SUM`, ...
    public var hitPolicy: String
    /// Each input's value, in column order.
    public var inputs: [InputValue]
    /// Every rule that matched, from 1, in row order.
    public var matchedRules: [Int]
    /// The rules whose outputs the result holds, from 1.
    public var selectedRules: [Int]
    /// The outputs, in column order.
    public var outputs: [OutputValue]
    /// Why the table could not decide, when it could not.
    public var failure: String?

    /// Creates a trace.
    public init(
        decision: DecisionID, version: Int? = nil, hitPolicy: String, inputs: [InputValue], matchedRules: [Int],
        selectedRules: [Int], outputs: [OutputValue], failure: String? = nil
    ) {
        self.decision = decision
        self.version = version
        self.hitPolicy = hitPolicy
        self.inputs = inputs
        self.matchedRules = matchedRules
        self.selectedRules = selectedRules
        self.outputs = outputs
        self.failure = failure
    }

    /// The value an input read.
    public struct InputValue: Sendable, Hashable, Codable {
        /// The input's name.
        public var name: String
        /// What it reads, as written.
        public var expression: String
        /// The value read.
        public var value: ExpressionValue

        /// Creates an input value.
        public init(name: String, expression: String, value: ExpressionValue) {
            self.name = name
            self.expression = expression
            self.value = value
        }
    }

    /// The value an output took.
    public struct OutputValue: Sendable, Hashable, Codable {
        /// The output's name.
        public var name: String
        /// Its value.
        public var value: ExpressionValue

        /// Creates an output value.
        public init(name: String, value: ExpressionValue) {
            self.name = name
            self.value = value
        }
    }

    /// The value of the output named `name`, or null.
    public func output(_ name: String) -> ExpressionValue {
        outputs.first { $0.name == name }?.value ?? .null
    }
}
