/// The M/M/c queue in closed form (Erlang's delay formula), to validate the simulator and, later,
/// to size staffing.
///
/// ```swift
/// ErlangC.probabilityOfWait(servers: 2, arrivalRate: 1, serviceRate: 0.75)  // 8/15
/// ErlangC.meanWait(servers: 2, arrivalRate: 1, serviceRate: 0.75)           // 16/15
/// ```
public enum ErlangC {
    /// Erlang B, the blocking probability of `servers` servers offered `load` erlangs, by the
    /// stable recursion B(k) = a·B(k−1) / (k + a·B(k−1)): no factorials, no powers.
    public static func erlangB(servers: Int, load: Double) -> Double {
        var b = 1.0
        if servers > 0 {
            for k in 1...servers { b = load * b / (Double(k) + load * b) }
        }
        return b
    }

    /// The probability that an arrival waits, C(c, a) = B / (1 − ρ(1 − B)); 1 when the queue is
    /// unstable (ρ ≥ 1).
    public static func probabilityOfWait(servers: Int, arrivalRate: Double, serviceRate: Double) -> Double {
        let load = arrivalRate / serviceRate
        let rho = load / Double(servers)
        guard rho < 1 else { return 1 }
        let b = erlangB(servers: servers, load: load)
        return b / (1 - rho * (1 - b))
    }

    /// The mean wait in queue, C / (cμ − λ); infinite when unstable.
    public static func meanWait(servers: Int, arrivalRate: Double, serviceRate: Double) -> Double {
        let capacity = Double(servers) * serviceRate
        guard arrivalRate < capacity else { return .infinity }
        return probabilityOfWait(servers: servers, arrivalRate: arrivalRate, serviceRate: serviceRate)
            / (capacity - arrivalRate)
    }
}
