import FlowtuneCore

/// Tallies one replication as it runs and turns the tallies into measures at the end.
///
/// Customers count when they arrive inside the measurement window (after the warm-up, before
/// the horizon), whenever they finish; time-based measures (throughput, utilization, cost) count
/// what happens inside the window.
struct ReplicationCollector {
    private let setup: Simulator.Setup
    private let windowStart: Double
    private let windowEnd: Double

    var arrived = 0
    var refused = 0
    var refusedCommands = 0
    var escalations = 0
    var reworks = 0
    private var reworked = 0
    private var completedReworked = 0
    private var finishedCount = 0
    private var answered = 0
    private var delayed = 0
    private var completed = 0
    private var abandoned = 0
    private var exceptions = 0
    private var completedInWindow = 0
    /// The measured waits that were not zero, sorted once the run is over; the zero waits
    /// (answered on arrival, most of them on a staffed floor) are only counted, in `zeroWaits`,
    /// since they would all sort to the front.
    private var waits: [Double] = []
    private var zeroWaits = 0
    private var cycles: [Double] = []
    private var queueAnswered: [Int]
    private var queueWithin: [Int]
    private var queueAbandoned: [Int]
    private var queueWaitTotal: [Double]
    private var busy: [Double]
    private var typeArrived: [Int]
    private var typeAnswered: [Int]
    private var typeWaitTotal: [Double]
    private var typeAbandoned: [Int]
    private var busySince: [Double]
    /// Visits of hard task types each worker accepted inside the window.
    private var hardAccepted: [Int]

    /// How a counted customer left.
    enum Ending {
        case completed
        case abandoned
        case exception
    }

    init(setup: Simulator.Setup) {
        self.setup = setup
        windowStart = setup.scenario.warmUp
        windowEnd = setup.scenario.horizon
        let queues = setup.queues.count
        queueAnswered = Array(repeating: 0, count: queues)
        queueWithin = Array(repeating: 0, count: queues)
        queueAbandoned = Array(repeating: 0, count: queues)
        queueWaitTotal = Array(repeating: 0, count: queues)
        busy = Array(repeating: 0, count: setup.workerIDs.count)
        let types = setup.scenario.taskTypes.count
        typeArrived = Array(repeating: 0, count: types)
        typeAnswered = Array(repeating: 0, count: types)
        typeWaitTotal = Array(repeating: 0, count: types)
        typeAbandoned = Array(repeating: 0, count: types)
        busySince = Array(repeating: -1, count: setup.workerIDs.count)
        hardAccepted = Array(repeating: 0, count: setup.workerIDs.count)
    }

    /// A worker accepted a visit of a task of scenario type `type`: counted towards their share
    /// of hard tasks when the type is hard and the acceptance falls inside the window.
    mutating func acceptedVisit(worker: Int, type: Int, at time: Double) {
        if setup.hardTypes[type], time >= windowStart, time < windowEnd { hardAccepted[worker] += 1 }
    }

    mutating func answeredVisit(queue: Int, wait: Double) {
        queueAnswered[queue] += 1
        queueWaitTotal[queue] += wait
        if wait <= setup.queues[queue].serviceLevel.within { queueWithin[queue] += 1 }
    }

    mutating func arrivedCounted(type: Int) {
        arrived += 1
        typeArrived[type] += 1
    }

    mutating func finished(_ ending: Ending, type: Int, arrival: Double, at time: Double, wait: Double?, queue: Int, reworked: Bool) {
        finishedCount += 1
        if reworked { self.reworked += 1 }
        if ending == .abandoned { typeAbandoned[type] += 1 }
        if let wait {
            typeAnswered[type] += 1
            typeWaitTotal[type] += wait
            answered += 1
            // Only +0.0 is left out: any other value keeps its place in the sort.
            if wait.bitPattern == 0 { zeroWaits += 1 } else { waits.append(wait) }
            if wait > 0 { delayed += 1 }
        }
        switch ending {
        case .completed:
            completed += 1
            if reworked { completedReworked += 1 }
            cycles.append(time - arrival)
            completedOutsideCount(at: time)
        case .abandoned:
            abandoned += 1
            queueAbandoned[queue] += 1
        case .exception:
            exceptions += 1
        }
    }

    /// A completion that counts towards throughput if it happens inside the window.
    mutating func completedOutsideCount(at time: Double) {
        if time >= windowStart, time < windowEnd { completedInWindow += 1 }
    }

    /// Follows a worker going from idle to busy (holding any task, offered or assigned) and back.
    mutating func workerLoadChanged(_ worker: Int, load: Int, at time: Double) {
        if load > 0 {
            if busySince[worker] < 0 { busySince[worker] = time }
        } else if busySince[worker] >= 0 {
            addBusy(worker, from: busySince[worker], to: time)
            busySince[worker] = -1
        }
    }

    private mutating func addBusy(_ worker: Int, from start: Double, to end: Double) {
        let from = max(start, windowStart)
        let to = min(end, windowEnd)
        guard to > from else { return }
        // On shifts, only time available for work counts: finishing a task into a break or past
        // the shift's end is not utilization of time the worker was there for.
        if let available = setup.shiftPlan.available[worker] {
            busy[worker] += ShiftPlan.overlap(available, from: from, to: to)
        } else {
            busy[worker] += to - from
        }
    }

    /// The time `worker` was there for work inside the window: its shifts without breaks, or the
    /// whole window for a worker without shifts who is not offline.
    private func staffedTime(_ worker: Int) -> Double {
        if let available = setup.shiftPlan.available[worker] {
            return ShiftPlan.overlap(available, from: windowStart, to: windowEnd)
        }
        return setup.workers[worker].status == .offline ? 0 : windowEnd - windowStart
    }

    /// The time `worker` is paid for inside the window: its shifts, breaks included.
    private func paidTime(_ worker: Int) -> Double {
        if let paid = setup.shiftPlan.paid[worker] {
            return ShiftPlan.overlap(paid, from: windowStart, to: windowEnd)
        }
        return setup.workers[worker].status == .offline ? 0 : windowEnd - windowStart
    }

    // MARK: - Measures

    mutating func finish(at time: Double, state: WorkspaceState, open: Int) -> [Measure] {
        for worker in busySince.indices where busySince[worker] >= 0 {
            addBusy(worker, from: busySince[worker], to: time)
            busySince[worker] = -1
        }
        let window = windowEnd - windowStart
        let hours = window / 3600
        var measures: [Measure] = []
        func add(_ name: String, _ unit: Measure.Unit, _ value: Double) { measures.append(Measure(name, unit, value)) }
        func share(_ part: Int, _ whole: Int) -> Double { whole > 0 ? Double(part) / Double(whole) : .nan }

        add("arrivals", .count, Double(arrived))
        add("completed", .count, Double(completed))
        add("throughput", .perHour, hours > 0 ? Double(completedInWindow) / hours : .nan)
        waits.sort()
        cycles.sort()
        add("wait.mean", .seconds, Self.mean(waits, zeros: zeroWaits))
        add("wait.p50", .seconds, Self.percentile(waits, zeros: zeroWaits, 0.50))
        add("wait.p90", .seconds, Self.percentile(waits, zeros: zeroWaits, 0.90))
        add("wait.p99", .seconds, Self.percentile(waits, zeros: zeroWaits, 0.99))
        add("delayed", .share, share(delayed, answered))
        add("cycle.mean", .seconds, Self.mean(cycles))
        add("cycle.p50", .seconds, Self.percentile(cycles, 0.50))
        add("cycle.p90", .seconds, Self.percentile(cycles, 0.90))
        add("cycle.p99", .seconds, Self.percentile(cycles, 0.99))
        add("abandonment", .share, share(abandoned, arrived))
        add("exception_rate", .share, share(exceptions, arrived))
        add("escalations_per_task", .ratio, arrived > 0 ? Double(escalations) / Double(arrived) : .nan)
        add("rework_per_task", .ratio, arrived > 0 ? Double(reworks) / Double(arrived) : .nan)
        add("reworked", .share, share(reworked, finishedCount))
        add("first_time_resolution", .share, share(completed - completedReworked, completed))
        add("open_at_end", .count, Double(open))

        // Paid time: shifts, breaks included; a worker without shifts and not offline is paid
        // for the whole window.
        var staffedCost = 0.0
        var staffed: [Int] = []
        var staffedTimes = Array(repeating: 0.0, count: setup.workers.count)
        var staffedHours = 0.0
        for (index, worker) in setup.workers.enumerated() {
            staffedCost += worker.costPerHour * paidTime(index) / 3600
            staffedTimes[index] = staffedTime(index)
            staffedHours += staffedTimes[index] / 3600
            if staffedTimes[index] > 0 { staffed.append(index) }
        }
        func utilization(_ worker: Int) -> Double { busy[worker] / staffedTimes[worker] }
        add("cost_per_task", .money, completedInWindow > 0 ? staffedCost / Double(completedInWindow) : .nan)
        add("staffed_hours", .count, staffedHours)
        add("utilization", .share, Self.mean(staffed.map(utilization)))
        // Fairness among people: an automation's load says nothing about who carries the floor.
        let people = staffed.filter { setup.workers[$0].kind == .human }
        add("fairness.busy_cv", .ratio, Self.coefficientOfVariation(people.map { busy[$0] }))
        // The guardrail's view over the whole window: how far above the team's mean share the
        // most loaded person's share of busy time (and of hard tasks) went.
        add("fairness.load_deviation", .ratio, Self.largestDeviation(people, teams: setup.workers.map(\.team)) { busy[$0] })
        add("fairness.hard_deviation", .ratio, Self.largestDeviation(people, teams: setup.workers.map(\.team)) { Double(hardAccepted[$0]) })
        // How often the guardrail gave way: assignments accepted while they took their worker over
        // the bound, of all the ledger counted over the run. Without predictions nothing is
        // counted, and the measure is left out rather than reported as NaN.
        if state.fairness.assignmentsTotal > 0 {
            add("fairness.waived", .share, share(state.fairness.waivedTotal, state.fairness.assignmentsTotal))
        }

        for (index, queue) in setup.queues.enumerated() {
            let id = queue.id.rawValue
            add("queue.\(id).service_level", .share, share(queueWithin[index], queueAnswered[index] + queueAbandoned[index]))
            add("queue.\(id).wait.mean", .seconds, queueAnswered[index] > 0 ? queueWaitTotal[index] / Double(queueAnswered[index]) : .nan)
        }
        if setup.scenario.taskTypes.count > 1 {
            for (index, type) in setup.scenario.taskTypes.enumerated() {
                add("type.\(type.name).wait.mean", .seconds, typeAnswered[index] > 0 ? typeWaitTotal[index] / Double(typeAnswered[index]) : .nan)
                add("type.\(type.name).abandonment", .share, share(typeAbandoned[index], typeArrived[index]))
            }
        }
        for team in setup.teams {
            let members = staffed.filter { setup.workers[$0].team == team }
            guard !members.isEmpty else { continue }
            add("team.\(team).utilization", .share, Self.mean(members.map(utilization)))
        }
        for index in staffed {
            add("worker.\(setup.workers[index].id.rawValue).utilization", .share, utilization(index))
        }
        return measures
    }

    /// The waits' percentiles 0, 1, …, 100 (nearest rank), for the report's distribution chart;
    /// empty when nobody was answered. Call after ``finish(at:state:open:)``, which sorts them.
    var waitPercentiles: [Double] {
        waits.isEmpty && zeroWaits == 0 ? [] : (0...100).map { Self.percentile(waits, zeros: zeroWaits, Double($0) / 100) }
    }

    /// ``mean(_:)`` of the sorted values preceded by `zeros` times +0.0: the same sum, since adding
    /// +0.0 to a sum that starts at +0.0 never changes it.
    static func mean(_ values: [Double], zeros: Int) -> Double {
        values.isEmpty && zeros == 0 ? .nan : values.reduce(0, +) / Double(values.count + zeros)
    }

    /// ``percentile(_:_:)`` of the sorted values with `zeros` times +0.0 sorted in among them:
    /// after the negative values (none among waits), before the rest.
    static func percentile(_ sorted: [Double], zeros: Int, _ p: Double) -> Double {
        let count = sorted.count + zeros
        guard count > 0 else { return .nan }
        let rank = Int((p * Double(count)).rounded(.up))
        let index = min(max(rank, 1), count) - 1
        var negatives = 0
        while negatives < sorted.count, sorted[negatives] < 0 { negatives += 1 }
        if index < negatives { return sorted[index] }
        return index < negatives + zeros ? 0 : sorted[index - zeros]
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? .nan : values.reduce(0, +) / Double(values.count)
    }

    /// The nearest-rank percentile of sorted values.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    /// The largest relative excess of a member's share of `amount` over the mean share of their
    /// team: max over members of share / (1 / team size) − 1. Teams where nobody has any of it
    /// are left out; NaN when no team has any.
    static func largestDeviation(_ members: [Int], teams: [String], amount: (Int) -> Double) -> Double {
        var byTeam: [String: [Int]] = [:]
        for member in members { byTeam[teams[member], default: []].append(member) }
        var largest = -Double.infinity
        for group in byTeam.values {
            let total = group.reduce(0) { $0 + amount($1) }
            guard total > 0 else { continue }
            for member in group { largest = max(largest, amount(member) / total * Double(group.count) - 1) }
        }
        return largest.isFinite ? largest : .nan
    }

    static func coefficientOfVariation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return .nan }
        let mean = mean(values)
        guard mean > 0 else { return .nan }
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1)
        return variance.squareRoot() / mean
    }
}
