import Testing

@testable import FlowtuneCore

/// Evaluates `source` both ways (compiled and interpreted), expects them to agree, and returns the
/// value.
func evaluate(
    _ source: String, task: JSONValue = [:], worker: JSONValue = [:], model: JSONValue = [:], now: Double = 0,
    subject: ExpressionValue = .null, sourceLocation: SourceLocation = #_sourceLocation
) throws -> ExpressionValue {
    let expression = try Expression(source)
    let input = ExpressionInput(roots: [task, worker, model], now: now, subject: subject)
    let compiled = expression.evaluate(input)
    let interpreted = expression.interpret(input)
    #expect(compiled == interpreted, "compiled and interpreted disagree on \(source)", sourceLocation: sourceLocation)
    return compiled
}

/// The error `source` fails with, or nil when it parses.
func parseError(_ source: String) -> ExpressionError? {
    do {
        _ = try Expression(source)
        return nil
    } catch {
        return error
    }
}

/// The error a unary-test cell fails with, or nil when it parses.
func cellError(_ source: String) -> ExpressionError? {
    do {
        _ = try UnaryTests(source)
        return nil
    } catch {
        return error
    }
}

/// Seconds since 1970 of a UTC calendar date.
func day(_ year: Int, _ month: Int, _ day: Int) -> Double {
    Double(CivilDate.daysFromCivil(year: year, month: month, day: day)) * 86400
}
