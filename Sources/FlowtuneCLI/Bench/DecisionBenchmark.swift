import FlowtuneCore
import Foundation

/// Evaluations per second of a 20-row, 5-input FIRST table on one core, compiled, with the trace,
/// and through the reference interpreter.
///
/// The inputs are 4,096 generated tasks, each a JSON document with the five attributes the table
/// reads (a few missing, as real data has them), evaluated in turn so that every rule position
/// is reached: about a third of the evaluations fall through to the catch-all last row.
struct DecisionBenchmark {
    var evaluations: Int
    var seed: UInt64

    struct Result {
        var compiled: Double
        var traced: Double
        var interpreted: Double
        /// How often each rule (0-based) decided, to show the work is spread over the table.
        var ruleHistogram: [Int]
    }

    static let table = """
        decision: ticket-handling
        hit_policy: FIRST
        inputs:
          - { name: amount, expression: task.amount }
          - { name: tier, expression: customer.tier, values: [platinum, gold, silver, bronze] }
          - { name: channel, expression: task.channel }
          - { name: age, expression: task.age_hours }
          - { name: confidence, expression: model.intent.confidence }
        outputs:
          - { name: lane, values: [exception, routine] }
          - { name: queue, type: string }
          - { name: priority }
        rules:
          - { when: ['> 10000', '"platinum","gold"', -, -, -], then: [exception, approvals, 1] }
          - { when: [-, -, -, -, '< 0.5'], then: [exception, review, 2] }
          - { when: ['[5000..10000]', platinum, '"voice"', -, -], then: [routine, priority-voice, 1] }
          - { when: ['[5000..10000]', platinum, -, -, -], then: [routine, priority, 2] }
          - { when: ['[5000..10000]', gold, '"chat","voice"', '> 24', -], then: [routine, priority, 2] }
          - { when: ['[5000..10000]', gold, -, -, -], then: [routine, standard, 3] }
          - { when: ['[1000..5000)', platinum, -, '> 48', -], then: [exception, stale-vip, 2] }
          - { when: ['[1000..5000)', '"platinum","gold"', '"email"', -, '>= 0.9'], then: [routine, email-fast, 3] }
          - { when: ['[1000..5000)', silver, '"chat"', -, -], then: [routine, chat, 4] }
          - { when: ['[1000..5000)', silver, '"voice"', -, -], then: [routine, voice, 4] }
          - { when: ['[1000..5000)', bronze, -, '> 72', -], then: [exception, stale, 4] }
          - { when: ['< 1000', platinum, -, -, -], then: [routine, priority, 3] }
          - { when: ['< 1000', gold, '"chat"', '<= 4', -], then: [routine, chat, 4] }
          - { when: ['< 1000', gold, -, -, '[0.5..0.7)'], then: [routine, review-light, 5] }
          - { when: ['< 1000', silver, 'not("voice")', '> 24', -], then: [routine, backlog, 6] }
          - { when: ['< 1000', bronze, '"email"', -, -], then: [routine, email, 7] }
          - { when: ['< 0', -, -, -, -], then: [exception, refunds, 3] }
          - { when: [-, -, '"voice"', '> 12', -], then: [routine, callbacks, 5] }
          - { when: [-, bronze, -, -, '< 0.7'], then: [routine, review-light, 6] }
          - { when: [-, -, -, -, -], then: [routine, standard, 5] }
        """

    func run() throws -> Result {
        let table = try DecisionDocument(yaml: Self.table, file: "ticket-handling.yaml").table
        var random = SeededGenerator(seed: seed)
        let tiers: [JSONValue] = ["platinum", "gold", "silver", "bronze", "gold", "silver", "bronze", .null]
        let channels: [JSONValue] = ["chat", "email", "voice", "chat", "email"]
        let inputs: [ExpressionInput] = (0..<4096).map { _ in
            var task: [String: JSONValue] = [
                "amount": .number(Double(Int.random(in: -200...14_000, using: &random))),
                "channel": channels.randomElement(using: &random)!,
                "age_hours": .number(Double(Int.random(in: 0...96, using: &random))),
            ]
            let tier = tiers.randomElement(using: &random)!
            if tier != .null { task["customer"] = .object(["tier": tier]) }
            if Int.random(in: 0..<20, using: &random) == 0 { task["amount"] = nil }
            let model: JSONValue = .object(["intent": .object(["confidence": .number(Double.random(in: 0.3...1, using: &random))])])
            return ExpressionInput(roots: [.object(task), .null, model])
        }
        var histogram = Array(repeating: 0, count: table.rules.count)
        for input in inputs {
            if let rule = table.evaluate(input).firstMatchedRule { histogram[rule] += 1 }
        }
        // Every path must agree before anything is timed.
        for input in inputs.prefix(512) where table.evaluate(input) != table.interpret(input) {
            throw BenchmarkFailure(description: "compiled and interpreted evaluation disagree")
        }

        let compiled = measure(evaluations) { index in table.evaluate(inputs[index & 4095]).firstMatchedRule ?? -1 }
        let traced = measure(evaluations / 4) { index in table.evaluateTraced(inputs[index & 4095]).trace.selectedRules.first ?? -1 }
        let interpreted = measure(evaluations / 10) { index in table.interpret(inputs[index & 4095]).firstMatchedRule ?? -1 }
        return Result(compiled: compiled, traced: traced, interpreted: interpreted, ruleHistogram: histogram)
    }

    /// Evaluations per second of `body` called `count` times.
    private func measure(_ count: Int, _ body: (Int) -> Int) -> Double {
        var checksum = 0
        let start = ContinuousClock.now
        for index in 0..<count { checksum &+= body(index) }
        let elapsed = ContinuousClock.now - start
        // The checksum keeps the optimizer from discarding the evaluations.
        if checksum == .min { print(checksum) }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(count) / seconds
    }

    struct BenchmarkFailure: Error, CustomStringConvertible {
        var description: String
    }
}
