import Foundation

/// A working day compressed into `day` seconds, starting mid-morning: arrivals rise to `peak`
/// tasks per second at mid-day, fall to a quiet night, then the next day begins.
struct ArrivalCurve: Sendable {
    /// Tasks per second at the busiest moment.
    var peak: Double
    /// The length of one compressed day, in seconds.
    var day: Double
    /// The share of the peak rate that still arrives at night.
    var floor = 0.1
    /// Where in the day the run starts, as a share of it: mid-morning, so that a newcomer sees
    /// work arriving at once rather than a quiet night.
    var start = 0.2

    /// The arrival rate `elapsed` seconds into the run.
    func rate(at elapsed: Double) -> Double {
        let phase = 2 * Double.pi * (elapsed / day + start)
        return peak * (floor + (1 - floor) * (1 - cos(phase)) / 2)
    }

    /// The time of the next arrival after `elapsed`, drawn from the time-varying Poisson process
    /// by thinning: candidates arrive at the peak rate and each is kept with probability
    /// rate / peak.
    func nextArrival(after elapsed: Double, using random: inout SeededRandom) -> Double {
        var time = elapsed
        while true {
            time += -log(1 - random.unit()) / peak
            if random.unit() * peak < rate(at: time) { return time }
        }
    }
}
