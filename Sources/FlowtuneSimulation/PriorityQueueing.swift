/// The M/G/1 queue with non-preemptive priority classes (Cobham, 1954).
///
/// With classes numbered from the most urgent, W₀ = Σ λᵢ E[Sᵢ²] / 2 is the mean residual work
/// an arrival finds in service, σₖ = ρ₁ + … + ρₖ, and the mean wait of class k is
/// Wₖ = W₀ / ((1 − σₖ₋₁)(1 − σₖ)).
///
/// ```swift
/// // Two classes of exponential work with mean 1 s, 0.4 and 0.4 arrivals per second:
/// PriorityQueueing.meanWaits(arrivalRates: [0.4, 0.4], meanService: [1, 1], secondMoments: [2, 2])
/// // [1.333, 6.667]
/// ```
public enum PriorityQueueing {
    /// The mean wait in queue of each class, most urgent first; infinite for classes that the
    /// more urgent ones saturate.
    public static func meanWaits(arrivalRates: [Double], meanService: [Double], secondMoments: [Double]) -> [Double] {
        precondition(arrivalRates.count == meanService.count && meanService.count == secondMoments.count)
        var residual = 0.0
        for index in arrivalRates.indices { residual += arrivalRates[index] * secondMoments[index] / 2 }
        var waits: [Double] = []
        var sigma = 0.0
        for index in arrivalRates.indices {
            let before = sigma
            sigma += arrivalRates[index] * meanService[index]
            waits.append(sigma < 1 ? residual / ((1 - before) * (1 - sigma)) : .infinity)
        }
        return waits
    }
}
