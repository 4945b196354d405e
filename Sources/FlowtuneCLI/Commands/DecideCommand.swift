import ArgumentParser
import FlowtuneCore
import Foundation

/// `flowtune decide`: check, test and try decision tables before publishing them.
struct DecideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decide", abstract: "Check, test and evaluate decision tables.",
        subcommands: [Validate.self, Test.self, Eval.self])

    /// `flowtune decide validate FILE...`: loads each table and runs the static checks.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check decision tables: structure, cells, overlaps, gaps and rules that never fire.",
            discussion: """
                Errors (a cell that does not parse, overlapping rules under UNIQUE, an output \
                outside its list) are printed as file:line:column: field: message and make the \
                command fail; warnings (gaps, rules that can never fire) are printed and do not.
                """)

        @Argument(help: "Decision table YAML files.")
        var files: [String]

        func run() async throws {
            var failed = false
            for file in files {
                guard let document = DecideCommand.load(file) else {
                    failed = true
                    continue
                }
                let table = document.table
                print("ok: \(file): \(table.id) (\(table.hitPolicy.name), \(count(table.inputs.count, "input")), "
                    + "\(count(table.outputs.count, "output")), \(count(table.rules.count, "rule")), "
                    + "\(count(table.tests.count, "example")))")
                for warning in document.warnings { print("warning: \(warning)") }
            }
            if failed { throw ExitCode(1) }
        }
    }

    /// `flowtune decide test FILE...`: runs each table's example cases.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the example cases (tests:) of decision tables, as publishing does.")

        @Argument(help: "Decision table YAML files.")
        var files: [String]

        @Option(help: "The time now() reads, as ISO 8601 (default: the current time).")
        var now: String?

        func run() async throws {
            let clock = try DecideCommand.time(now)
            var failures = 0
            var total = 0
            for file in files {
                guard let document = DecideCommand.load(file) else {
                    failures += 1
                    continue
                }
                for outcome in document.table.runTests(now: clock) {
                    total += 1
                    if outcome.passed {
                        print("pass  \(document.table.id): \(outcome.name)")
                    } else {
                        failures += 1
                        print("FAIL  \(document.table.id): \(outcome.name)")
                        for mismatch in outcome.mismatches { print("      \(mismatch)") }
                    }
                }
            }
            print("\(total - min(failures, total)) of \(count(total, "example")) passed")
            if failures > 0 { throw ExitCode(1) }
        }
    }

    /// `flowtune decide eval FILE --input JSON`: evaluates a table and prints its trace.
    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate a decision table on one input and print the trace.",
            discussion: """
                The input is a JSON object with the documents the table reads: task, model and \
                worker. Other members are the task's attributes, so {"amount": 6200} and \
                {"task": {"amount": 6200}} are the same input.
                """)

        @Argument(help: "A decision table YAML file.")
        var file: String

        @Option(help: "The input, as a JSON object.")
        var input: String

        @Option(help: "The time now() reads, as ISO 8601 (default: the current time).")
        var now: String?

        @Flag(help: "Print the trace as JSON.")
        var json = false

        func run() async throws {
            guard let document = DecideCommand.load(file) else { throw ExitCode(1) }
            let roots: [String: JSONValue]
            do {
                roots = try DecideCommand.roots(from: input)
            } catch {
                FileHandle.standardError.write(Data("--input: \(error)\n".utf8))
                throw ExitCode(1)
            }
            let scope = ExpressionScope.decision
            let expressionInput = ExpressionInput(roots: scope.roots.map { roots[$0] ?? .null }, now: try DecideCommand.time(now))
            let (_, trace) = document.table.evaluateTraced(expressionInput)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(trace), as: UTF8.self))
            } else {
                print(DecideCommand.render(trace))
            }
            if trace.failure != nil { throw ExitCode(1) }
        }
    }

    // MARK: - Shared

    /// Loads a table, printing its problems to standard error; nil when it does not load.
    static func load(_ path: String) -> DecisionDocument? {
        switch ValidateCommand.read(path) {
        case .failure(let reason):
            FileHandle.standardError.write(Data("\(path): \(reason)\n".utf8))
            return nil
        case .success(let text):
            do {
                return try DecisionDocument(source: DefinitionSource(file: path, text: text))
            } catch {
                FileHandle.standardError.write(Data((error.description + "\n").utf8))
                return nil
            }
        }
    }

    /// The documents an input names: `task`, `model` and `worker`, other members going to the task.
    static func roots(from text: String) throws -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch {
            throw InputError(description: "not valid JSON: \(error.localizedDescription)")
        }
        guard case .object(let members) = value else { throw InputError(description: "must be a JSON object") }
        let known = ExpressionScope.decision.roots
        var roots = members.filter { known.contains($0.key) }
        let extra = members.filter { !known.contains($0.key) }
        if !extra.isEmpty {
            var task = roots["task"]?.objectValue ?? [:]
            task.merge(extra) { written, _ in written }
            roots["task"] = .object(task)
        }
        return roots
    }

    static func time(_ text: String?) throws -> Double {
        guard let text else { return Date().timeIntervalSince1970 }
        guard let date = ISO8601DateFormatter().date(from: text) else {
            FileHandle.standardError.write(Data("--now: \(text) is not an ISO 8601 time such as 2026-01-31T09:00:00Z\n".utf8))
            throw ExitCode(1)
        }
        return date.timeIntervalSince1970
    }

    /// The trace as an operator reads it.
    static func render(_ trace: DecisionTrace) -> String {
        var lines = ["decision \(trace.decision) (\(trace.hitPolicy))", "inputs:"]
        let width = max(trace.inputs.map(\.name.count).max() ?? 0, trace.outputs.map(\.name.count).max() ?? 0)
        func padded(_ name: String) -> String { name + String(repeating: " ", count: width - name.count) }
        for input in trace.inputs {
            lines.append("  \(padded(input.name)) = \(input.value)    (\(input.expression))")
        }
        lines.append("rules matched: \(trace.matchedRules.isEmpty ? "none" : trace.matchedRules.map(String.init).joined(separator: ", "))")
        if let failure = trace.failure {
            lines.append("no result: \(failure)")
        } else {
            let selected = trace.selectedRules.map(String.init).joined(separator: ", ")
            lines.append(trace.selectedRules.isEmpty ? "selected: none (outputs are the defaults)" : "selected: rule \(selected)")
        }
        lines.append("outputs:")
        for output in trace.outputs {
            lines.append("  \(padded(output.name)) = \(output.value)")
        }
        return lines.joined(separator: "\n")
    }

    struct InputError: Error, CustomStringConvertible {
        var description: String
    }
}

private func count(_ number: Int, _ noun: String) -> String {
    "\(number) \(noun)\(number == 1 ? "" : "s")"
}
