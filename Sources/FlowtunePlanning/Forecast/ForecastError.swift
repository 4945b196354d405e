/// A history Flowtune cannot forecast from — too short for the methods asked for, or holding a
/// value that is not a count — with what was needed and what was found.
public struct ForecastError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, naming the interval or the length that is at fault.
    public var message: String

    /// Creates an error.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
