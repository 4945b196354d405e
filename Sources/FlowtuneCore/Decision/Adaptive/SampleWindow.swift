/// Which recent outcomes a rolling quantile is taken over: the last `count` of them, those
/// younger than `age` seconds, or both (an outcome must pass both to stay).
///
/// The window is always bounded: without a count it holds at most ``maximumCount`` outcomes,
/// the newest ones, so a busy queue with an age window cannot grow the workspace state
/// without limit.
///
/// ```swift
/// SampleWindow(count: 200)                 // the last 200 outcomes
/// SampleWindow(age: 7 * 86_400)            // the last 7 days (at most 10,000 outcomes)
/// SampleWindow(count: 500, age: 86_400)    // the last 500 outcomes of the last day
/// ```
public struct SampleWindow: Sendable, Hashable, Codable {
    /// The number of most recent outcomes kept, or nil for ``maximumCount``.
    public var count: Int?
    /// How old, in seconds, an outcome may be and still count, or nil for no age limit.
    ///
    /// An outcome observed at `t` counts at time `now` while `now − t < age`: an outcome exactly
    /// `age` old has left the window.
    public var age: Double?

    /// The most outcomes any window holds. Bounds memory and the O(n) cost of an update.
    public static let maximumCount = 10_000

    /// Creates a window. At least one of `count` and `age` should be given.
    public init(count: Int? = nil, age: Double? = nil) {
        self.count = count
        self.age = age
    }

    /// The number of outcomes the window holds at most.
    public var capacity: Int {
        Swift.max(1, Swift.min(count ?? Self.maximumCount, Self.maximumCount))
    }

    /// Whether an outcome observed at `time` is still inside the window at `now`.
    public func contains(time: Double, now: Double) -> Bool {
        guard let age else { return true }
        return now - time < age
    }
}
