import Foundation

/// How deliveries are attempted: how often, how far apart, how long each may take.
///
/// The delay before attempt `n + 1` is `initialDelay · 2^(n-1)`, capped at `maxDelay`, then
/// scaled by a random factor in [½, 1) so that receivers coming back up are not hit by every
/// sender at once. The random source is injected, so tests fix it.
public struct WebhookPolicy: Sendable {
    /// Attempts per event before it is given up on and logged as failed.
    public var maxAttempts: Int
    /// The delay after the first failed attempt, before jitter.
    public var initialDelay: Duration
    /// The longest delay between attempts.
    public var maxDelay: Duration
    /// How long one attempt may take, connection included.
    public var timeout: Duration
    /// How often an idle deliverer looks for new events and the dispatcher for new subscriptions.
    public var pollInterval: Duration
    /// Uniform numbers in [0, 1) for the jitter.
    public var random: @Sendable () -> Double

    /// Creates a policy; the defaults retry for about eight minutes over eight attempts.
    public init(
        maxAttempts: Int = 8, initialDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(5 * 60),
        timeout: Duration = .seconds(10), pollInterval: Duration = .milliseconds(100),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        precondition(maxAttempts > 0, "maxAttempts must be positive")
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.timeout = timeout
        self.pollInterval = pollInterval
        self.random = random
    }

    /// The wait after failed attempt `attempt` (1 for the first), with jitter from `unit` in [0, 1).
    public func delay(after attempt: Int, unit: Double) -> Duration {
        let doubled = initialDelay * (1 << min(max(attempt - 1, 0), 30))
        let capped = min(doubled, maxDelay)
        return capped * (0.5 + 0.5 * min(max(unit, 0), 1))
    }
}
