import FlowtuneCore
import Foundation

/// The wall clock, for the live engine.
public struct SystemClock: WallClock {
    /// Creates the clock.
    public init() {}

    public func now() -> Date { Date() }
}
