import FlowtuneCore
import FlowtuneSimulation
import Foundation

/// Checks a multi-skill staffing against its service-level targets by running it through the
/// simulator, where the core's own routing decides which shared worker takes which call.
///
/// Erlang C and A size each queue as if its agents served only it. On a real desk, workers hold
/// several skills and serve several queues, so the per-queue figures can be pessimistic (shared
/// workers pool the randomness of several queues) or optimistic (a worker counted towards two
/// queues cannot be on both at once). The check builds a ``Scenario`` in code — one queue and a
/// one-step workflow per load, the workers as given, Poisson arrivals — runs it for
/// ``replications`` seeded replications and reports per queue the simulated service level (mean
/// ± 95% CI over replications) beside the Erlang prediction for the same queue and the target.
///
/// The Erlang prediction splits each worker the way a per-queue plan would: a worker eligible for
/// several queues (by the core's `Requirement.isMet`) counts towards each in proportion to the
/// queues' offered loads, so two queues of equal load sharing eight agents are each planned with
/// four. A fractional count is interpolated linearly between the service levels of the agent
/// counts either side of it.
///
/// ```swift
/// let check = MultiSkillCheck(
///     queues: [billing, tech], workers: agents,
///     loads: [.init(queue: "billing", arrivalRate: 0.1, meanHandlingTime: 30),
///             .init(queue: "tech", arrivalRate: 0.1, meanHandlingTime: 30)],
///     horizon: 20_000, replications: 8, seed: 7)
/// let report = try check.run()
/// for queue in report.queues { print(queue.summary) }
/// if !report.holds { print(report.missReport()) }
/// ```
public struct MultiSkillCheck: Sendable, Hashable {
    /// The queues to check, with their service-level targets and requirements.
    public var queues: [Queue]
    /// The workers on the desk for the interval; only available ones with room on the default
    /// channel take work.
    public var workers: [Worker]
    /// The traffic per queue; every queue needs exactly one.
    public var loads: [QueueLoad]
    /// Seconds of arrivals measured per replication, warm-up included.
    public var horizon: Double
    /// Seconds at the start of each replication not measured while the queues fill.
    public var warmUp: Double
    /// How many independent replications.
    public var replications: Int
    /// The seed the replications' random streams derive from.
    public var seed: UInt64
    /// The routing policy the simulated desk runs.
    public var policy: RoutingPolicyKind
    /// When a queue's staffing is said to hold.
    public var rule: HoldRule

    /// The arrivals and handling of one queue in the interval checked.
    public struct QueueLoad: Sendable, Hashable {
        /// The queue the calls wait in.
        public var queue: QueueID
        /// Calls per second (a Poisson process).
        public var arrivalRate: Double
        /// How long a call takes, in seconds; exponential, as Erlang assumes, unless given.
        public var handling: Distribution
        /// The mean patience in seconds (exponential, Erlang A); nil when nobody hangs up (Erlang C).
        public var meanPatience: Double?

        /// A load of `arrivalRate` calls per second lasting `meanHandlingTime` seconds on average
        /// (exponential unless `handling` is given).
        public init(
            queue: QueueID, arrivalRate: Double, meanHandlingTime: Double, handling: Distribution? = nil,
            meanPatience: Double? = nil
        ) {
            self.queue = queue
            self.arrivalRate = arrivalRate
            self.handling = handling ?? .exponential(mean: meanHandlingTime)
            self.meanPatience = meanPatience
        }

        /// The mean handling time in seconds.
        public var meanHandlingTime: Double { handling.mean }
        /// The work offered, in erlangs.
        public var offeredLoad: Double { arrivalRate * meanHandlingTime }
    }

    /// When a queue's staffing holds.
    public enum HoldRule: String, Sendable, Hashable, Codable {
        /// The simulated mean service level reaches the target: the point estimate, strict.
        case mean
        /// The upper end of the 95% interval reaches the target: the run cannot show a miss, so
        /// only a significant shortfall counts as missing. Lenient with few replications.
        case upperBound = "upper-bound"
    }

    /// A check of `workers` on `queues` under `loads`. By default a tenth of the horizon warms up,
    /// the desk routes longest-idle, and a queue holds when its simulated mean reaches the target.
    public init(
        queues: [Queue], workers: [Worker], loads: [QueueLoad], horizon: Double, warmUp: Double? = nil,
        replications: Int = 10, seed: UInt64 = 1, policy: RoutingPolicyKind = .longestIdle, rule: HoldRule = .mean
    ) {
        self.queues = queues
        self.workers = workers
        self.loads = loads
        self.horizon = horizon
        self.warmUp = warmUp ?? horizon / 10
        self.replications = replications
        self.seed = seed
        self.policy = policy
        self.rule = rule
    }

    /// The workers who take work in the check, with how many calls each holds at once.
    var staffed: [(worker: Worker, slots: Int)] {
        workers.compactMap { worker in
            let slots = worker.capacity(on: .default)
            return worker.status == .available && slots > 0 ? (worker, slots) : nil
        }
    }

    /// The agents a per-queue plan credits each queue with: every staffed worker's slots split
    /// over the queues it is eligible for in proportion to their offered loads (evenly when none
    /// has load). Indexed like ``queues``.
    public func erlangAgents() -> [Double] {
        let load = queues.map { queue in loads.first { $0.queue == queue.id }?.offeredLoad ?? 0 }
        var agents = Array(repeating: 0.0, count: queues.count)
        for (worker, slots) in staffed {
            let eligible = queues.indices.filter { queues[$0].requirement.isMet(by: worker) }
            guard !eligible.isEmpty else { continue }
            let total = eligible.reduce(0) { $0 + load[$1] }
            for index in eligible {
                let share = total > 0 ? load[index] / total : 1 / Double(eligible.count)
                agents[index] += Double(slots) * share
            }
        }
        return agents
    }

    /// The scenario the check runs: a one-step workflow per queue, a task type per load.
    public func scenario() throws -> Scenario {
        try validate()
        // The response window never runs out inside a replication, so no escalation moves work
        // off the queue the plan puts it on.
        let window = (horizon + Self.drain) * 10
        let workflows = queues.map { queue in
            Workflow(
                id: Self.workflow(for: queue.id),
                steps: [Step(id: "answer", queue: queue.id,
                             ownership: OwnershipRule(sourceSystem: "staffing-check", decisionOwner: "planning",
                                                      responseWindow: window))])
        }
        let types = loads.map { load in
            TaskType(
                name: load.queue.rawValue, request: NewTask(workflow: Self.workflow(for: load.queue)),
                arrivals: .constant(perSecond: load.arrivalRate), patience: load.meanPatience.map { .exponential(mean: $0) },
                steps: ["answer": StepProfile(handling: load.handling)])
        }
        return Scenario(
            name: "multi-skill check", definition: WorkspaceDefinition(queues: queues, workers: workers, workflows: workflows),
            horizon: horizon, warmUp: warmUp, drain: Self.drain, replications: replications, seed: seed, policy: policy,
            taskTypes: types)
    }

    /// Runs the check: every replication through the simulator, then per queue the simulated
    /// service level against the Erlang prediction and the target.
    public func run() throws -> MultiSkillReport {
        let scenario = try scenario()
        let simulator: Simulator
        do {
            simulator = try Simulator(scenario: scenario)
        } catch {
            throw StaffingError(reason: "the simulator refuses the check's scenario: \(error)")
        }
        let run = simulator.run(policies: [policy], replications: replications).runs[0]
        let agents = erlangAgents()
        let eligible = queues.map { queue in staffed.filter { queue.requirement.isMet(by: $0.worker) } }
        let checks = queues.enumerated().map { index, queue in
            let load = loads.first { $0.queue == queue.id }!
            let simulated = run.estimate("queue.\(queue.id.rawValue).service_level")
            let target = queue.serviceLevel.percent / 100
            let holds = switch rule {
            case .mean: simulated.mean >= target
            case .upperBound: simulated.upper >= target
            }
            let verdict: QueueCheck.Verdict =
                simulated.lower >= target ? .holds : simulated.upper < target ? .misses : .undecided
            let dedicated = eligible[index].filter { entry in
                queues.allSatisfy { $0.id == queue.id || !$0.requirement.isMet(by: entry.worker) }
            }
            return QueueCheck(
                queue: queue.id, target: target, answerTime: queue.serviceLevel.within,
                arrivalRate: load.arrivalRate, meanHandlingTime: load.meanHandlingTime, meanPatience: load.meanPatience,
                erlangAgents: agents[index],
                erlangServiceLevel: Self.erlangServiceLevel(agents: agents[index], load: load, answerTime: queue.serviceLevel.within),
                eligibleAgents: eligible[index].reduce(0) { $0 + $1.slots },
                dedicatedAgents: dedicated.reduce(0) { $0 + $1.slots },
                simulated: simulated, simulatedWait: run.estimate("queue.\(queue.id.rawValue).wait.mean"),
                holds: holds, verdict: verdict)
        }
        return MultiSkillReport(queues: checks, rule: rule, replications: replications, seed: seed, policy: policy,
                                utilization: run.estimate("utilization"))
    }

    /// The Erlang service level at `answerTime` for a possibly fractional agent count: linear
    /// between the counts either side; Erlang A when the load has patience, else Erlang C.
    static func erlangServiceLevel(agents: Double, load: QueueLoad, answerTime: Double) -> Double {
        func level(_ count: Int) -> Double {
            if let patience = load.meanPatience {
                return ErlangAQueue(agents: count, arrivalRate: load.arrivalRate, meanHandlingTime: load.meanHandlingTime,
                                    meanPatience: patience).serviceLevel(within: answerTime)
            }
            return ErlangCQueue(agents: count, arrivalRate: load.arrivalRate, meanHandlingTime: load.meanHandlingTime)
                .serviceLevel(within: answerTime)
        }
        let rounded = agents.rounded()
        // Shares that add up to a whole number up to rounding are that number.
        if abs(agents - rounded) < 1e-9 { return level(Int(rounded)) }
        let below = Int(agents.rounded(.down))
        let fraction = agents - Double(below)
        return level(below) + fraction * (level(below + 1) - level(below))
    }

    /// How long each replication runs past the horizon so that measured calls finish.
    static let drain: Double = 3600

    static func workflow(for queue: QueueID) -> WorkflowID {
        WorkflowID("staffing-check.\(queue.rawValue)")
    }

    /// Why the check cannot run, as a ``StaffingError`` naming the field.
    func validate() throws {
        guard !queues.isEmpty else { throw StaffingError(reason: "queues: the check needs at least one queue") }
        guard horizon > 0, horizon.isFinite else { throw StaffingError(reason: "horizon: \(horizon) s is not a positive time") }
        guard warmUp >= 0, warmUp < horizon else {
            throw StaffingError(reason: "warmUp: \(warmUp) s must lie in [0, horizon \(horizon) s)")
        }
        guard replications >= 2 else {
            throw StaffingError(reason: "replications: \(replications) gives no confidence interval; use at least 2")
        }
        for queue in queues {
            let matching = loads.filter { $0.queue == queue.id }
            guard matching.count == 1 else {
                throw StaffingError(reason: "loads: queue \(queue.id) has \(matching.count) loads; it needs exactly one")
            }
            guard queue.serviceLevel.percent > 0, queue.serviceLevel.percent <= 100 else {
                throw StaffingError(reason: "queue \(queue.id): service-level target \(queue.serviceLevel.percent)% is not in (0, 100]")
            }
            guard staffed.contains(where: { queue.requirement.isMet(by: $0.worker) }) else {
                throw StaffingError(reason: "queue \(queue.id): no available worker meets its requirement")
            }
        }
        for load in loads {
            guard queues.contains(where: { $0.id == load.queue }) else {
                throw StaffingError(reason: "loads: queue \(load.queue) is not among the queues checked")
            }
            guard load.arrivalRate > 0, load.arrivalRate.isFinite else {
                throw StaffingError(reason: "loads: queue \(load.queue) arrival rate \(load.arrivalRate)/s is not a positive rate")
            }
            guard load.meanHandlingTime > 0, load.meanHandlingTime.isFinite else {
                throw StaffingError(reason: "loads: queue \(load.queue) mean handling time \(load.meanHandlingTime) s is not positive")
            }
            if let patience = load.meanPatience, !(patience > 0 && patience.isFinite) {
                throw StaffingError(reason: "loads: queue \(load.queue) mean patience \(patience) s is not positive")
            }
        }
    }
}

/// One queue's result in a ``MultiSkillCheck``.
public struct QueueCheck: Sendable, Hashable {
    /// The queue.
    public var queue: QueueID
    /// The service-level target as a share (0.8 for 80%).
    public var target: Double
    /// The answer time the target is measured at, in seconds.
    public var answerTime: Double
    /// Calls per second.
    public var arrivalRate: Double
    /// Mean handling time in seconds.
    public var meanHandlingTime: Double
    /// Mean patience in seconds, or nil when nobody hangs up.
    public var meanPatience: Double?
    /// The agents a per-queue plan credits the queue with (shared workers split by load).
    public var erlangAgents: Double
    /// The Erlang C (or A) service level for ``erlangAgents`` serving this queue alone.
    public var erlangServiceLevel: Double
    /// Agent slots eligible for the queue, shared ones included.
    public var eligibleAgents: Int
    /// Agent slots eligible for this queue and no other checked.
    public var dedicatedAgents: Int
    /// The simulated service level: mean and 95% CI over replications.
    public var simulated: Estimate
    /// The simulated mean wait of answered calls, in seconds.
    public var simulatedWait: Estimate
    /// Whether the staffing holds under the check's ``MultiSkillCheck/HoldRule``.
    public var holds: Bool
    /// What the interval says regardless of the rule.
    public var verdict: Verdict

    /// What the 95% interval says about the target.
    public enum Verdict: String, Sendable, Hashable, Codable {
        /// The whole interval is at or above the target.
        case holds
        /// The whole interval is below the target.
        case misses
        /// The target lies inside the interval: more replications would tell.
        case undecided
    }

    /// Simulated minus Erlang: positive when the per-queue Erlang plan is pessimistic.
    public var erlangGap: Double { simulated.mean - erlangServiceLevel }

    /// The Erlang agents needed for the queue alone to meet its target, or nil when none can.
    public var erlangAgentsRequired: Int? {
        let patience: CallerPatience = meanPatience.map { .exponential(meanPatience: $0) } ?? .unlimited
        return try? Staffing.agentsRequired(
            arrivalRate: arrivalRate, meanHandlingTime: meanHandlingTime,
            target: StaffingTarget(serviceLevel: target, answerTime: answerTime), patience: patience).agents
    }

    /// One line: simulated level with its interval, the Erlang figure, the target and the verdict.
    public var summary: String {
        func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
        let interval = simulated.halfWidth.isFinite ? " ± " + String(format: "%.1f", simulated.halfWidth * 100) : ""
        return "\(queue): simulated \(percent(simulated.mean))\(interval) (95% CI), Erlang \(percent(erlangServiceLevel))"
            + " with \(String(format: "%.2f", erlangAgents)) agents, target \(percent(target)) in \(DurationText.format(answerTime))"
            + " — \(holds ? "holds" : "misses") (interval: \(verdict.rawValue))"
    }
}

/// The outcome of a ``MultiSkillCheck``: every queue's check and how they were judged.
public struct MultiSkillReport: Sendable, Hashable {
    /// One check per queue, in the order the queues were given.
    public var queues: [QueueCheck]
    /// The rule ``QueueCheck/holds`` applies.
    public var rule: MultiSkillCheck.HoldRule
    /// Replications run.
    public var replications: Int
    /// The seed.
    public var seed: UInt64
    /// The routing policy simulated.
    public var policy: RoutingPolicyKind
    /// The desk's mean utilization over the staffed workers.
    public var utilization: Estimate

    /// Whether every queue holds.
    public var holds: Bool { queues.allSatisfy(\.holds) }

    /// The queues that miss their target under the rule.
    public var misses: [QueueCheck] { queues.filter { !$0.holds } }

    /// The check for `queue`.
    public subscript(queue: QueueID) -> QueueCheck? { queues.first { $0.queue == queue } }

    /// The misses in words, one paragraph per queue, with what to do about each: empty when every
    /// queue holds.
    ///
    /// The check does not re-staff by itself. For a queue that misses, the next step is to add
    /// agent slots eligible for it — a dedicated agent, or cross-training a worker from a queue
    /// with slack — and run the check again; the Erlang count for the queue alone, set against
    /// the slots the plan credits it with, is where to start counting.
    public func missReport() -> String {
        misses.map { check in
            var text = check.summary + "\n"
            text += "  \(check.eligibleAgents) agent slots are eligible (\(check.dedicatedAgents) for this queue only);"
            text += " the per-queue plan credits it with \(String(format: "%.2f", check.erlangAgents))."
            if let required = check.erlangAgentsRequired {
                let short = Double(required) - check.erlangAgents
                text += " Erlang alone needs \(required) for the target"
                text += short > 0 ? ", \(String(format: "%.2f", short)) more." : "; the shortfall comes from sharing."
            } else {
                text += " Erlang finds no agent count that meets the target."
            }
            text += "\n  Next: add an agent eligible for \(check.queue) (or cross-train one from a queue with slack) and re-run the check."
            return text
        }.joined(separator: "\n")
    }
}
