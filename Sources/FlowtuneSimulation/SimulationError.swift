/// A scenario the simulator cannot run, such as a workspace whose definition the core refuses.
public struct SimulationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
