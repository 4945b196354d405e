import ArgumentParser
import FlowtunePlanning
import Foundation

/// `flowtune bench planning`: staffing a day of 96 intervals (Erlang C and Erlang A) and solving
/// generated shift-scheduling instances — a day with 34 templates, and weeks with 192 of three
/// demand shapes, each priced by headcount, paid time and paid time with night and weekend
/// premiums — against
/// issue 8's targets: 96 intervals staffed in 1 ms; the day and the week proven optimal, the
/// week within 1 s.
struct PlanningBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "planning",
        abstract: "Staffing 96 intervals (Erlang C and A) and exact shift scheduling of generated days and weeks.",
        discussion: """
            Staffing plans a day of calls shaped like a contact centre's, --plans times per model, \
            and reports the median time per plan. Scheduling generates --seeds instances of each \
            kind (ShiftSchedulingProblem.contactCentre: days by headcount; weeks of three demand \
            shapes by headcount, paid time and paid time with premiums) and prints each \
            solve's wall and CPU time (the process's, all threads; CPU time is what a busy \
            machine's other work does not inflate), headcount, relaxation and whether it was proven optimal.
            """)

    @Option(help: "Staffing plans timed per model; the median is reported.") var plans = 2000
    @Option(help: "Calls in the busiest 15 minutes of the staffed day.") var peakCalls = 250.0
    @Option(help: "Generated scheduling instances of each kind (seeds 1 to this).") var seeds = 10
    @Option(help: "The first seed: instances are seeds first-seed to first-seed + seeds − 1.") var firstSeed = 1
    @Option(help: "Prices of the generated weeks, comma-separated: headcount, paid, premium.") var prices = "headcount,paid,premium"
    @Option(help: "Demand shapes of the generated weeks, comma-separated: office, evening, clock.")
    var demands = "office,evening,clock"
    @Option(help: "Time limit per scheduling solve, in seconds.") var timeLimit = 10.0
    @Option(help: "A directory to write each scheduling instance to in CPLEX LP format, to time other solvers on it.")
    var save: String?
    @Flag(help: "Print each scheduling solve's phases (relaxation, cuts, dives, neighbourhoods, CBC's log) as it goes.")
    var trace = false

    func validate() throws {
        let unknown = prices.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !["headcount", "paid", "premium"].contains($0) }
        guard unknown.isEmpty, !prices.isEmpty else {
            throw ValidationError("--prices takes headcount, paid and premium, comma-separated; not \(unknown.joined(separator: ", "))")
        }
        let shapes = demands.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !["office", "evening", "clock"].contains($0) }
        guard shapes.isEmpty, !demands.isEmpty else {
            throw ValidationError("--demands takes office, evening and clock, comma-separated; not \(shapes.joined(separator: ", "))")
        }
    }

    func run() async throws {
        try staffing()
        try scheduling(days: 1, templates: 34)
        try scheduling(days: 7, templates: 192)
    }

    private func staffing() throws {
        let calls = (0..<96).map { index -> Double in
            let hour = (Double(index) + 0.5) / 4
            let shape = 0.05 + 0.95 * min(1, 0.9 * exp(-0.5 * pow((hour - 10.5) / 1.8, 2))
                + 0.75 * exp(-0.5 * pow((hour - 14.5) / 2, 2)) + 0.35 * exp(-0.5 * pow((hour - 19) / 1.6, 2)))
            return (peakCalls * shape).rounded()
        }
        let arrivals = IntervalSeries(start: 0, interval: 900, values: calls)
        let models: [(String, CallerPatience, StaffingTarget)] = [
            ("Erlang C, 80% in 20 s, occupancy ≤ 90%", .unlimited,
             StaffingTarget(serviceLevel: 0.8, answerTime: 20, maxOccupancy: 0.9)),
            ("Erlang A, 80% in 20 s, abandonment ≤ 5%", .exponential(meanPatience: 120),
             StaffingTarget(serviceLevel: 0.8, answerTime: 20, maxAbandonment: 0.05)),
            ("Erlang A, 80% in 20 s, ASA ≤ 15 s", .exponential(meanPatience: 120),
             StaffingTarget(serviceLevel: 0.8, answerTime: 20, maxAverageSpeedOfAnswer: 15)),
        ]
        print(String(format: "staffing: 96 intervals of 15 min, up to %.0f calls of 300 s, 30%% shrinkage", peakCalls))
        for (name, patience, target) in models {
            var times: [Double] = []
            var plan: StaffingPlan?
            for _ in 0..<max(1, plans) {
                let started = ContinuousClock.now
                plan = try StaffingPlan(arrivals: arrivals, meanHandlingTime: 300, target: target, patience: patience, shrinkage: 0.3)
                times.append(seconds(since: started))
            }
            times.sort()
            let result = plan!
            print(String(format: "  %@: median %.1f µs per plan (fastest %.1f µs), peak %d agents, %.0f agent-hours, service level %.1f%%",
                name, times[times.count / 2] * 1e6, times[0] * 1e6, result.requiredAgents.max() ?? 0, result.agentHours,
                result.overallServiceLevel * 100))
        }
    }

    private func scheduling(days: Int, templates: Int) throws {
        let variants: [(ShiftSchedulingProblem.GeneratedDemand, ShiftSchedulingProblem.GeneratedCost)] = days == 1
            ? [(.officeHours, .headcount)]
            : weekVariants
        print("scheduling: \(days) day(s) × 96 intervals, \(templates) templates, \(variants.count) kind(s) × \(max(1, seeds)) seeds from \(firstSeed), limit \(timeLimit) s")
        var times: [Double] = []
        var cpuTimes: [Double] = []
        var proven = 0
        var provenWithinSecond = 0
        var provenWithinCPUSecond = 0
        for (demand, cost) in variants {
            for seed in firstSeed...(firstSeed + max(1, seeds) - 1) {
                let problem = ShiftSchedulingProblem.contactCentre(
                    days: days, templates: templates, seed: UInt64(seed), cost: cost, demand: demand)
                if let save {
                    try problem.lpFormat().write(
                        toFile: "\(save)/days\(days)-t\(templates)-\(demand)-\(cost)-seed\(seed).lp", atomically: true, encoding: .utf8)
                    try problem.lpFormatWithCuts().write(
                        toFile: "\(save)/days\(days)-t\(templates)-\(demand)-\(cost)-seed\(seed)-cuts.lp", atomically: true, encoding: .utf8)
                }
                let started = ContinuousClock.now
                let cpuStarted = processCPUNanoseconds()
                var scheduler = ShiftScheduler(timeLimit: timeLimit)
                if trace { scheduler.trace = { print("    \($0)") } }
                let schedule = try scheduler.solve(problem)
                let elapsed = seconds(since: started)
                let cpu = Double(processCPUNanoseconds() - cpuStarted) * 1e-9
                times.append(elapsed)
                cpuTimes.append(cpu)
                if schedule.isOptimal {
                    proven += 1
                    if elapsed <= 1 { provenWithinSecond += 1 }
                    if cpu <= 1 { provenWithinCPUSecond += 1 }
                }
                print(String(format: "  %@ %@ seed %2d: %.3f s (CPU %.3f s), cost %.2f, headcount %d, relaxation %.2f, bound %.2f, %@, %d nodes",
                    "\(demand)", "\(cost)", seed, elapsed, cpu, schedule.cost, schedule.headcount, schedule.linearRelaxation,
                    schedule.lowerBound, schedule.isOptimal ? "optimal" : String(format: "gap %.3f%%", schedule.gap * 100),
                    schedule.nodes))
            }
        }
        times.sort()
        cpuTimes.sort()
        // Only proven weeks count as solved within the second: a week stopped early with a gap is not.
        print(String(format: "  proven optimal %d of %d; median %.3f s (CPU %.3f s), slowest %.3f s; proven within 1 s: %d (CPU: %d)",
            proven, times.count, times[times.count / 2], cpuTimes[cpuTimes.count / 2], times.last!,
            provenWithinSecond, provenWithinCPUSecond))
    }

    /// The kinds of week measured: each demand shape with each way of pricing templates.
    private var weekVariants: [(ShiftSchedulingProblem.GeneratedDemand, ShiftSchedulingProblem.GeneratedCost)] {
        let shapes: [String: ShiftSchedulingProblem.GeneratedDemand] = ["office": .officeHours, "evening": .eveningPeak, "clock": .roundTheClock]
        let demands = ["office", "evening", "clock"].filter { name in
            self.demands.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == name }
        }.compactMap { shapes[$0] }
        let named: [String: ShiftSchedulingProblem.GeneratedCost] = ["headcount": .headcount, "paid": .paidTime, "premium": .premiumPaidTime]
        let costs = prices.split(separator: ",").compactMap { named[$0.trimmingCharacters(in: .whitespaces)] }
        return demands.flatMap { demand in costs.map { (demand, $0) } }
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let duration = ContinuousClock.now - start
        return Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
