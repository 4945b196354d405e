import Foundation

/// Tells the current time. The core never reads the wall clock; shells inject one.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// A clock that tests and the simulator move by hand.
///
/// ```swift
/// let clock = ManualClock(start: Date(timeIntervalSince1970: 0))
/// clock.advance(by: 90)
/// ```
public final class ManualClock: WallClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// Creates a clock standing at `start`.
    public init(start: Date = Date(timeIntervalSince1970: 1_700_000_000)) {
        current = start
    }

    public func now() -> Date {
        lock.withLock { current }
    }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) {
        lock.withLock { current += seconds }
    }

    /// Sets the clock to `date`.
    public func set(_ date: Date) {
        lock.withLock { current = date }
    }
}

/// A deterministic, seedable random number generator (SplitMix64).
///
/// Every random choice the core makes draws from a generator passed in, so a seed
/// reproduces a run exactly.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Hashable, Codable {
    private var state: UInt64

    /// Creates a generator from `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
