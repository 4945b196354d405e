import Testing

@testable import FlowtuneCore

/// Random expressions and cells, rendered to source and parsed: the compiled form must agree with
/// the tree-walking interpreter on random inputs, nulls and mismatched kinds included.
@Suite("Expression properties")
struct ExpressionPropertyTests {
    struct Fuzzer {
        var random: SeededGenerator

        mutating func below(_ count: Int) -> Int { Int(random.next() % UInt64(count)) }
        mutating func pick<T>(_ options: [T]) -> T { options[below(options.count)] }

        static let literals = [
            "0", "1", "2", "-3", "2.5", "1e3", "\"a\"", "\"b\"", "\"\"", "\"ab\"", "true", "false", "null", "90s", "1h",
            "0s", "-2h", "date(\"2026-01-31\")", "date(\"2026-01-31T10:00:00Z\")", "[1, 2]", "[\"a\"]", "[]",
        ]
        static let paths = [
            "task.n", "task.m", "task.s", "task.t", "task.b", "task.list", "task.obj", "task.missing", "worker.n",
            "model.x.y", "amount", "?", "?", "now()",
        ]

        mutating func leaf() -> String {
            below(3) == 0 ? pick(Self.literals) : pick(Self.paths)
        }

        mutating func expression(depth: Int) -> String {
            if depth == 0 || below(5) == 0 { return leaf() }
            let d = depth - 1
            switch below(16) {
            case 0, 1: return "(\(expression(depth: d)) \(pick(["+", "-", "*", "/"])) \(expression(depth: d)))"
            case 2, 3: return "(\(expression(depth: d)) \(pick(["<", "<=", ">", ">=", "=", "!=", "=="])) \(expression(depth: d)))"
            case 4: return "(\(expression(depth: d)) and \(expression(depth: d)))"
            case 5: return "(\(expression(depth: d)) or \(expression(depth: d)))"
            case 6: return "(not \(expression(depth: d)))"
            case 7: return "(-(\(expression(depth: d))))"
            case 8: return "(if \(expression(depth: d)) then \(expression(depth: d)) else \(expression(depth: d)))"
            case 9:
                let open = pick(["[", "(", "]"])
                let close = pick(["]", ")", "["])
                return "(\(expression(depth: d)) \(pick(["in", "not in"])) \(open)\(expression(depth: d))..\(expression(depth: d))\(close))"
            case 10:
                let items = (0..<(1 + below(3))).map { _ in expression(depth: d) }.joined(separator: ", ")
                let (open, close) = pick([("[", "]"), ("(", ")")])
                return "(\(expression(depth: d)) \(pick(["in", "not in"])) \(open)\(items)\(close))"
            case 11: return "(\(expression(depth: d)) in \(expression(depth: d)))"
            case 12: return "[\(expression(depth: d)), \(expression(depth: d))]"
            case 13: return "matches(\(expression(depth: d)), \"^a\")"
            default:
                let function = pick(ExpressionFunction.allCases.filter { $0 != .matches })
                let count: Int
                switch function {
                case .min, .max: count = 1 + below(3)
                case .round: count = 1 + below(2)
                default: count = function.arity.lowerBound
                }
                let arguments = (0..<count).map { _ in expression(depth: d) }.joined(separator: ", ")
                return "\(function.rawValue)(\(arguments))"
            }
        }

        mutating func json(depth: Int = 1) -> JSONValue {
            switch below(depth > 0 ? 12 : 10) {
            case 0: return .null
            case 1: return .bool(below(2) == 0)
            case 2: return .number(pick([0, 1, 2, -3, 2.5, 1000, 90, 3600]))
            case 3: return .number(Double(below(200)) - 100)
            case 4: return .string(pick(["a", "b", "", "ab", "A", "2026-01-31", "1h", "ba"]))
            case 5: return .array([])
            case 6: return .array([.number(1), .number(2)])
            case 7: return .array([.string("a"), .null])
            case 8: return .object(["y": .number(1)])
            case 9: return .string("a")
            default: return .object(["y": json(depth: depth - 1)])
            }
        }

        mutating func value() -> ExpressionValue {
            switch below(9) {
            case 0: return .null
            case 1: return .bool(below(2) == 0)
            case 2: return .number(pick([0, 1, 2, -3, 2.5, 1000, 5]))
            case 3: return .string(pick(["a", "b", "", "ab", "gold"]))
            case 4: return .duration(pick([0, 90, 3600, -7200]))
            case 5: return .date(pick([0, day(2026, 1, 31), day(2026, 1, 31) + 36000]))
            case 6: return .list([.number(1), .string("a")])
            case 7: return .list([])
            default: return .number(Double(below(20)) - 5)
            }
        }

        mutating func input() -> ExpressionInput {
            var task: [String: JSONValue] = [:]
            for key in ["n", "m", "s", "t", "b", "list", "obj", "amount", "x"] where below(6) != 0 {
                task[key] = json()
            }
            let worker: JSONValue = below(4) == 0 ? .null : ["n": json()]
            let model: JSONValue = ["x": json()]
            let roots: [JSONValue] = below(8) == 0 ? [.object(task)] : [.object(task), worker, model]
            return ExpressionInput(roots: roots, now: day(2026, 1, 31) + Double(below(3)) * 3600, subject: value())
        }

        mutating func cellTest() -> String {
            switch below(12) {
            case 0: return "-"
            case 1: return pick(Self.literals.filter { !$0.hasPrefix("[") })
            case 2: return "\(pick(["<", "<=", ">", ">=", "=", "!="])) \(pick(Self.literals.filter { !$0.hasPrefix("[") }))"
            case 3:
                let (low, high) = pick([("1", "3"), ("\"a\"", "\"c\""), ("1h", "1d"), ("-3", "2.5"), ("task.n", "task.m")])
                return "\(pick(["[", "(", "]"]))\(low)..\(high)\(pick(["]", ")", "["]))"
            case 4: return "\(pick(["<", ">", "!=", "="])) \(pick(["task.n", "task.s", "worker.n", "task.n + 1"]))"
            case 5: return pick(["task.n", "task.s", "task.list", "task.b", "task.n > 0"])
            case 6: return "contains(?, \"a\")"
            case 7: return "? \(pick(["<", ">", "=", "!="])) \(pick(["task.n", "1", "\"a\"", "null"]))"
            case 8: return pick(["? = null or ? > 1", "not(? > 1) and ? < 5", "? in [1..3]", "lower(?) = \"a\""])
            default: return expression(depth: 2).replacingOccurrences(of: "now()", with: "1")
            }
        }

        mutating func cell() -> String {
            let tests = (0..<(1 + below(3))).map { _ in cellTest() }
            let list = tests.count > 1 ? tests.filter { $0 != "-" } : tests
            let body = list.isEmpty ? "-" : list.joined(separator: ", ")
            return below(4) == 0 && body != "-" ? "not(\(body))" : body
        }
    }

    @Test func compiledAgreesWithInterpreterOnRandomExpressions() throws {
        var fuzzer = Fuzzer(random: SeededGenerator(seed: 0xF10E))
        var compiled = 0
        var nonNull = 0
        // Operators yield booleans and numbers of known kind, so the static check rejects about
        // two trees in three (`(a < b) + 1`); the rest are what is compared.
        for _ in 0..<4000 {
            let source = fuzzer.expression(depth: 4)
            let expression: Expression
            do {
                expression = try Expression(source)
            } catch {
                // Static checks reject some combinations of literals; the rest must parse.
                #expect(!error.message.hasPrefix("expected"), "\(source): \(error)")
                continue
            }
            compiled += 1
            for _ in 0..<6 {
                let input = fuzzer.input()
                let fast = expression.evaluate(input)
                let reference = expression.interpret(input)
                if fast != reference {
                    Issue.record("\(source)\n  on \(input.roots) subject \(input.subject)\n  compiled \(fast), interpreted \(reference)")
                    return
                }
                if !fast.isNull { nonNull += 1 }
            }
            if let constant = expression.constantValue {
                #expect(constant == expression.interpret(fuzzer.input()), "\(source)")
            }
        }
        #expect(compiled > 1000)
        #expect(nonNull > 3000)
    }

    @Test func compiledAgreesWithInterpreterOnRandomCells() throws {
        var fuzzer = Fuzzer(random: SeededGenerator(seed: 0xCE11))
        var parsed = 0
        var matched = 0
        for _ in 0..<3000 {
            let source = fuzzer.cell()
            let cell: UnaryTests
            do {
                cell = try UnaryTests(source)
            } catch {
                #expect(!error.message.hasPrefix("expected"), "\(source): \(error)")
                continue
            }
            parsed += 1
            for _ in 0..<6 {
                let input = fuzzer.input()
                let value = fuzzer.value()
                let fast = cell.matches(value, in: input)
                if fast != cell.test.interpretMatches(value, in: input) {
                    Issue.record("\(source) (\(cell.test)) on \(value) with \(input.roots): compiled \(fast)")
                    return
                }
                if fast { matched += 1 }
                // The null rule: only -, null, not(...) and expressions over ? can match null.
                if value.isNull, fast {
                    #expect(cell.test.canMatchNull, "\(source) matched null")
                }
            }
        }
        #expect(parsed > 2000)
        #expect(matched > 1000)
    }

    @Test func literalsRoundTripThroughTheirDescription() throws {
        var random = SeededGenerator(seed: 7)
        func value(_ depth: Int) -> ExpressionValue {
            switch random.next() % (depth > 0 ? 8 : 7) {
            case 0: return .null
            case 1: return .bool(random.next() % 2 == 0)
            case 2: return .number(Double(Int64(bitPattern: random.next()) % 2_000_000) / Double(1 + random.next() % 1000))
            case 3:
                let scalars = (0..<(random.next() % 6)).map { _ -> Character in
                    Character(Unicode.Scalar(["a", "\"", "\\", "\n", "\t", "\u{1}", "é", "😀", " "][Int(random.next() % 9)])!)
                }
                return .string(String(scalars))
            case 4: return .duration(Double(Int64(bitPattern: random.next()) % 10_000_000))
            case 5: return .date(Double(Int64(bitPattern: random.next()) % 100_000_000_000))
            case 6: return .number(Double(Int64(bitPattern: random.next()) % 1_000_000_000_000))
            default: return .list((0..<(random.next() % 4)).map { _ in value(depth - 1) })
            }
        }
        for _ in 0..<2000 {
            let original = value(2)
            let parsed = try Expression(original.description).constantValue
            #expect(parsed == original, "\(original.description)")
        }
        for number in [0.1, 1e-7, 1e21, -0.5, 123_456_789.125, Double.leastNonzeroMagnitude, 1e300] {
            #expect(try Expression(ExpressionValue.number(number).description).constantValue == .number(number))
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

extension UnaryTest {
    /// Whether the test is of a form the null rule lets match null.
    fileprivate var canMatchNull: Bool {
        switch self {
        case .anything, .equal(.null), .not: true
        case .anyOf(let tests): tests.contains(where: \.canMatchNull)
        case .expression(let expression): expression.readsSubject
        default: false
        }
    }
}
