import Testing

@testable import FlowtuneCore

@Suite("Score formatting in explanations")
struct ScoreFormatTests {
    @Test(
        "three decimals, rounded half away from zero",
        arguments: [
            (0.1, "0.100"), (1.925, "1.925"), (1.2345, "1.235"), (-0.1004, "-0.100"), (-0.0004, "0.000"),
            (12.0, "12.000"), (0.0999, "0.100"), (0.007, "0.007"),
        ])
    func formats(value: Double, expected: String) {
        #expect(WorkspaceState.format(value) == expected)
    }
}
