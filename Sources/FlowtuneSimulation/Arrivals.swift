import FlowtuneCore

/// When tasks of one type arrive: at random, at a Poisson rate (constant or per interval), or at
/// the times of a history replayed from a CSV file or a Flowtune event log.
///
/// ```yaml
/// arrivals: { rate: 30, per: 1h }
/// arrivals: replay        # the rows of the scenario's `replay` source that name this type
/// ```
public enum Arrivals: Sendable, Hashable {
    /// A Poisson process at the given rate.
    case poisson(ArrivalRate)
    /// Exactly these arrivals, in time order.
    case replay([ReplayedArrival])

    /// Poisson arrivals at a constant `perSecond` rate.
    public static func constant(perSecond: Double) -> Arrivals {
        .poisson(.constant(perSecond: perSecond))
    }

    /// Poisson arrivals at a rate per interval that repeats every `rates.count × interval` seconds.
    public static func piecewise(perSecond rates: [Double], interval: Double) -> Arrivals {
        .poisson(.piecewise(perSecond: rates, interval: interval))
    }

    /// The replayed arrivals, or nil for a Poisson process.
    public var replayed: [ReplayedArrival]? {
        if case .replay(let arrivals) = self { return arrivals }
        return nil
    }
}

/// One arrival of a replayed history: when, and what the task looked like where the history says.
///
/// Replayed tasks keep their times and attributes under every policy; their work content,
/// patience and path are drawn from the same per-customer streams as synthetic arrivals, so a
/// comparison of policies on history is still on common random numbers.
public struct ReplayedArrival: Sendable, Hashable {
    /// Seconds from the scenario's start.
    public var time: Double
    /// The channel, in place of the task type's.
    public var channel: Channel?
    /// The priority, in place of the task type's.
    public var priority: Int?
    /// Attributes laid over the task type's.
    public var attributes: [String: JSONValue]

    /// Creates an arrival.
    public init(time: Double, channel: Channel? = nil, priority: Int? = nil, attributes: [String: JSONValue] = [:]) {
        self.time = time
        self.channel = channel
        self.priority = priority
        self.attributes = attributes
    }

    /// The task to create: the type's request with this arrival's own fields laid over it.
    func request(over base: NewTask) -> NewTask {
        var request = base
        if let channel { request.channel = channel }
        if let priority { request.priority = priority }
        if !attributes.isEmpty {
            var merged: [String: JSONValue] = [:]
            if case .object(let members) = base.attributes { merged = members }
            for (key, value) in attributes { merged[key] = value }
            request.attributes = .object(merged)
        }
        return request
    }
}
