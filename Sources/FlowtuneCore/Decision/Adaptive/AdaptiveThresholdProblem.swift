/// Something wrong with an adaptive threshold's declaration, named by the field as it is written
/// in a definition file (`min_samples`, `ceiling`, ...), so a loader can place it at the line
/// and column where that field is written.
///
/// ```swift
/// for problem in threshold.problems() {
///     issues.append(.init(at: location(of: problem.field), path: "…escalate_after.\(problem.field)",
///                         message: problem.message))
/// }
/// ```
public struct AdaptiveThresholdProblem: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The field, such as `window` or `k`.
    public var field: String
    /// What is wrong and what would be accepted.
    public var message: String

    /// Creates a problem.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`.
    public var description: String { "\(field): \(message)" }
}
