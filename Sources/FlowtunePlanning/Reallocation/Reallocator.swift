import FlowtuneCore
import Foundation

/// Real-time reallocation: from a minute's snapshot, predicts every queue's service level over
/// the next intervals, finds the queues at risk, and proposes moving eligible flexible workers in
/// from queues with slack, at least cost.
///
/// The choice is exact for its objective. A queue's predicted service level depends only on its
/// own headcount, so a queue at risk needs a number of extra agents (the fewest reaching its
/// goal) and a donor can give a number (the most it can lose and stay at its goal). Which workers
/// go where is then a min-cost flow: source → donor (capacity its slack) → worker (1) → queue at
/// risk the worker is eligible for (cost of the move) → sink (capacity the need). Successive
/// shortest paths give the most agents toward the needs and, among those, the least total cost.
/// Nobody moves to a queue they are not eligible for (the core's ``Queue/eligibilityDelay(for:)``
/// must be zero: relaxed requirements are for tasks that have already waited, not for staffing),
/// nobody inflexible or unavailable moves, and no donor drops below its goal.
///
/// A queue at risk that no set of candidates restores still receives every candidate the donors
/// can spare: each agent drains its backlog, even when the promise is lost for the horizon.
///
/// ```swift
/// let reallocator = Reallocator(settings: ReallocationSettings(intervalLength: 900, automaticCostLimit: 5))
/// let plan = try reallocator.plan(snapshot)
/// for move in plan.applied { /* record WorkerReallocated with move.explanation */ }
/// for move in plan.pendingApproval { /* record ReallocationProposed, ask an operator */ }
/// ```
public struct Reallocator: Sendable {
    /// How the reallocator works.
    public var settings: ReallocationSettings

    /// A reallocator with `settings`.
    public init(settings: ReallocationSettings) {
        self.settings = settings
    }

    /// The plan for `snapshot`.
    public func plan(_ snapshot: ReallocationSnapshot) throws -> ReallocationPlan {
        try validate(snapshot)
        let queues = snapshot.queues
        let workers = snapshot.workers
        let queueIndex = Dictionary(uniqueKeysWithValues: queues.enumerated().map { ($1.queue.id, $0) })
        let serving: [Int?] = workers.map { $0.serving.flatMap { queueIndex[$0] } }
        var agents = [Int](repeating: 0, count: queues.count)
        for (position, worker) in workers.enumerated() where worker.worker.status == .available {
            if let queue = serving[position] { agents[queue] += 1 }
        }
        var predictor = Predictor(queues: queues, intervalLength: settings.intervalLength)
        let goals = queues.map { min($0.target + $0.riskMargin.value, 0.999) }
        let now = queues.indices.map { predictor.outlook($0, agents: agents[$0]) }
        let atRisk = queues.indices.map { now[$0].serviceLevel < goals[$0] }

        // Who may move where, and why the others may not.
        let riskQueues = queues.indices.filter { atRisk[$0] }
        var eligible = [[Int]](repeating: [], count: workers.count)  // at-risk queues per worker
        for (position, snapshotWorker) in workers.enumerated() {
            guard snapshotWorker.worker.status == .available, snapshotWorker.flexible else { continue }
            if let home = serving[position], atRisk[home] { continue }
            eligible[position] = riskQueues.filter {
                serving[position] != $0 && queues[$0].queue.eligibilityDelay(for: snapshotWorker.worker) == 0
            }
        }
        var slack = [Int](repeating: 0, count: queues.count)
        for queue in queues.indices where !atRisk[queue] {
            let movable = workers.indices.filter { serving[$0] == queue && !eligible[$0].isEmpty }.count
            var given = 0
            while given < movable,
                  predictor.outlook(queue, agents: agents[queue] - given - 1).serviceLevel >= goals[queue] {
                given += 1
            }
            slack[queue] = given
        }
        var needed = [Int?](repeating: nil, count: queues.count)
        var demand = [Int](repeating: 0, count: queues.count)
        for queue in riskQueues {
            let supply = workers.indices.filter {
                eligible[$0].contains(queue) && (serving[$0].map { slack[$0] > 0 } ?? true)
            }.count
            var extra = 1
            while extra <= supply, predictor.outlook(queue, agents: agents[queue] + extra).serviceLevel < goals[queue] {
                extra += 1
            }
            needed[queue] = extra <= supply ? extra : nil
            demand[queue] = min(extra, supply)
        }

        let assignment = Self.assign(
            workers: workers, serving: serving, eligible: eligible, slack: slack, demand: demand,
            queueCount: queues.count)

        // The moves in a stable order, each judged with the moves before it made.
        var current = agents
        var moves: [PlannedMove] = []
        for target in riskQueues {
            let chosen = workers.indices.filter { assignment[$0] == target }.sorted {
                (workers[$0].moveCost, workers[$0].worker.id.rawValue) < (workers[$1].moveCost, workers[$1].worker.id.rawValue)
            }
            let losers = losingCandidates(
                for: target, workers: workers, serving: serving, eligible: eligible, assignment: assignment,
                slack: slack, queues: queues, predictor: &predictor, agents: agents, goals: goals,
                highestChosenCost: chosen.last.map { workers[$0].moveCost }, chosenCount: chosen.count)
            let afterPlan = predictor.outlook(target, agents: agents[target] + chosen.count).serviceLevel
            for position in chosen {
                let snapshotWorker = workers[position]
                let targetBefore = predictor.outlook(target, agents: current[target]).serviceLevel
                let targetAfter = predictor.outlook(target, agents: current[target] + 1).serviceLevel
                let targetChange = ServiceLevelShift(
                    queue: queues[target].queue.id, agentsBefore: current[target], before: targetBefore,
                    after: targetAfter, goal: goals[target])
                var donorChange: ServiceLevelShift?
                if let home = serving[position] {
                    donorChange = ServiceLevelShift(
                        queue: queues[home].queue.id, agentsBefore: current[home],
                        before: predictor.outlook(home, agents: current[home]).serviceLevel,
                        after: predictor.outlook(home, agents: current[home] - 1).serviceLevel, goal: goals[home])
                    current[home] -= 1
                }
                current[target] += 1
                let needsApproval = snapshotWorker.moveCost > settings.automaticCostLimit
                let requirement = queues[target].queue.requirement
                let levels = Dictionary(uniqueKeysWithValues: requirement.skills.keys.map {
                    ($0, snapshotWorker.worker.skills[$0] ?? 0)
                })
                let explanation = ReallocationExplanation(
                    summary: Self.summary(
                        worker: snapshotWorker, target: targetChange, afterPlan: afterPlan, moves: chosen.count,
                        donor: donorChange, levels: levels,
                        needsApproval: needsApproval, limit: settings.automaticCostLimit, runnerUp: losers.first),
                    target: targetChange, targetAfterPlan: afterPlan, donor: donorChange, skillLevels: levels,
                    skillFit: queues[target].queue.skillFit(of: snapshotWorker.worker),
                    costLimit: settings.automaticCostLimit, candidatesConsidered: losers.count,
                    passedOver: Array(losers.prefix(max(settings.explainedCandidates, 0))))
                moves.append(PlannedMove(
                    worker: snapshotWorker.worker.id, from: snapshotWorker.serving, to: queues[target].queue.id,
                    cost: snapshotWorker.moveCost, needsApproval: needsApproval, explanation: explanation))
            }
        }

        let assessments = queues.indices.map { queue in
            let after = predictor.outlook(queue, agents: current[queue]).serviceLevel
            var unresolved: String?
            if atRisk[queue], after < goals[queue] {
                let supplied = current[queue] - agents[queue]
                unresolved = needed[queue] == nil
                    ? "every eligible flexible worker the other queues can spare (\(supplied)) brings it only to \(Self.percent(after)), goal \(Self.percent(goals[queue]))"
                    : "needs \(needed[queue]!) more agents, \(supplied) could be moved"
            }
            return QueueAssessment(
                queue: queues[queue].queue.id, target: queues[queue].target, margin: queues[queue].riskMargin.value,
                goal: goals[queue], outlook: now[queue], atRisk: atRisk[queue], agentsNeeded: needed[queue],
                slack: slack[queue], agentsAfter: current[queue], serviceLevelAfter: after, unresolved: unresolved)
        }
        return ReallocationPlan(time: snapshot.time, queues: assessments, moves: moves)
    }

    /// Why every other worker was not moved to `target`, closest contenders first.
    private func losingCandidates(
        for target: Int, workers: [WorkerSnapshot], serving: [Int?], eligible: [[Int]], assignment: [Int?],
        slack: [Int], queues: [QueueSnapshot], predictor: inout Predictor, agents: [Int], goals: [Double],
        highestChosenCost: Double?, chosenCount: Int
    ) -> [PassedOverWorker] {
        let targetQueue = queues[target].queue
        var losers: [(reason: PassOverReason, worker: PassedOverWorker)] = []
        for (position, snapshotWorker) in workers.enumerated() {
            guard serving[position] != target, assignment[position] != target else { continue }
            let worker = snapshotWorker.worker
            let cost = snapshotWorker.moveCost
            func lose(_ reason: PassOverReason, _ detail: String) {
                losers.append((reason, PassedOverWorker(worker: worker.id, from: snapshotWorker.serving, cost: cost,
                                                        reason: reason.rawValue, detail: detail)))
            }
            if worker.status != .available {
                lose(.unavailable, "status \(worker.status.rawValue)")
            } else if !snapshotWorker.flexible {
                lose(.notFlexible, "not flexible")
            } else if targetQueue.eligibilityDelay(for: worker) != 0 {
                let unmet = targetQueue.requirement.unmet(by: worker) ?? "does not meet the requirement"
                if let delay = targetQueue.eligibilityDelay(for: worker) {
                    lose(.notEligible, "\(unmet); eligible only for tasks waiting \(Int(delay)) s or more")
                } else {
                    lose(.notEligible, unmet)
                }
            } else if let other = assignment[position] {
                lose(.movedElsewhere, "moved to \(queues[other].queue.id.rawValue) instead")
            } else if let home = serving[position], slack[home] == 0 {
                let without = predictor.outlook(home, agents: agents[home] - 1).serviceLevel
                let reason = goals[home] > predictor.outlook(home, agents: agents[home]).serviceLevel
                    ? "\(queues[home].queue.id.rawValue) is at risk itself"
                    : "taking them would drop \(queues[home].queue.id.rawValue) to \(Self.percent(without)), below its goal \(Self.percent(goals[home]))"
                lose(.donorWithoutSlack, reason)
            } else if let home = serving[position],
                      assignment.indices.filter({ serving[$0] == home && assignment[$0] != nil }).count >= slack[home] {
                lose(.donorSlackTaken, "\(queues[home].queue.id.rawValue) can spare \(slack[home]), all taken by other moves")
            } else if let highest = highestChosenCost {
                lose(.dearer, "cost \(Self.amount(cost)); the \(chosenCount) moved in cost at most \(Self.amount(highest)) and are all it needs")
            } else {
                lose(.dearer, "not needed")
            }
        }
        let order = Dictionary(uniqueKeysWithValues: PassOverReason.allCases.enumerated().map { ($1, $0) })
        return losers.sorted {
            (order[$0.reason]!, $0.worker.cost, $0.worker.worker.rawValue)
                < (order[$1.reason]!, $1.worker.cost, $1.worker.worker.rawValue)
        }.map(\.worker)
    }

    /// The min-cost flow from donors through workers to queues at risk; the queue each worker is
    /// sent to, nil for those who stay.
    static func assign(
        workers: [WorkerSnapshot], serving: [Int?], eligible: [[Int]], slack: [Int], demand: [Int], queueCount: Int
    ) -> [Int?] {
        // Nodes: 0 source, 1 sink, then a donor per queue, a worker each, a target per queue.
        let donorBase = 2
        let workerBase = donorBase + queueCount
        let targetBase = workerBase + workers.count
        var network = FlowNetwork(nodes: targetBase + queueCount)
        for queue in 0..<queueCount where slack[queue] > 0 {
            network.add(from: 0, to: donorBase + queue, capacity: slack[queue], cost: 0)
        }
        var workerEdges: [(worker: Int, queue: Int, edge: Int)] = []
        for position in workers.indices where !eligible[position].isEmpty {
            if let home = serving[position] {
                guard slack[home] > 0 else { continue }
                network.add(from: donorBase + home, to: workerBase + position, capacity: 1, cost: 0)
            } else {
                network.add(from: 0, to: workerBase + position, capacity: 1, cost: 0)
            }
            for queue in eligible[position] {
                let edge = network.add(from: workerBase + position, to: targetBase + queue, capacity: 1,
                                       cost: workers[position].moveCost)
                workerEdges.append((position, queue, edge))
            }
        }
        for queue in 0..<queueCount where demand[queue] > 0 {
            network.add(from: targetBase + queue, to: 1, capacity: demand[queue], cost: 0)
        }
        network.minimumCostMaximumFlow(source: 0, sink: 1)
        var assignment = [Int?](repeating: nil, count: workers.count)
        for entry in workerEdges where network.flow(entry.edge) > 0 {
            assignment[entry.worker] = entry.queue
        }
        return assignment
    }

    private func validate(_ snapshot: ReallocationSnapshot) throws {
        guard settings.intervalLength > 0, settings.intervalLength.isFinite else {
            throw ReallocationError(field: "intervalLength", reason: "\(settings.intervalLength) s is not a positive, finite length")
        }
        guard !settings.automaticCostLimit.isNaN else {
            throw ReallocationError(field: "automaticCostLimit", reason: "is not a number")
        }
        var seenQueues = Set<QueueID>()
        for queue in snapshot.queues {
            let name = queue.queue.id.rawValue
            guard seenQueues.insert(queue.queue.id).inserted else {
                throw ReallocationError(subject: name, field: "queue", reason: "appears twice")
            }
            guard queue.target > 0, queue.target < 1 else {
                throw ReallocationError(subject: name, field: "serviceLevel.percent",
                                        reason: "\(queue.queue.serviceLevel.percent) is not between 0 and 100 (exclusive)")
            }
            guard queue.queue.serviceLevel.within >= 0, queue.queue.serviceLevel.within.isFinite else {
                throw ReallocationError(subject: name, field: "serviceLevel.within", reason: "is not a finite time ≥ 0")
            }
            guard queue.waiting >= 0 else {
                throw ReallocationError(subject: name, field: "waiting", reason: "\(queue.waiting) is negative")
            }
            guard !queue.arrivalRates.isEmpty else {
                throw ReallocationError(subject: name, field: "arrivalRates", reason: "no interval forecast")
            }
            if let rate = queue.arrivalRates.first(where: { !($0 >= 0 && $0.isFinite) }) {
                throw ReallocationError(subject: name, field: "arrivalRates", reason: "\(rate) is not a finite rate ≥ 0")
            }
            guard queue.meanHandlingTime > 0, queue.meanHandlingTime.isFinite else {
                throw ReallocationError(subject: name, field: "meanHandlingTime",
                                        reason: "\(queue.meanHandlingTime) s is not a positive, finite time")
            }
            if case .exponential(let patience) = queue.patience, !(patience > 0 && patience.isFinite) {
                throw ReallocationError(subject: name, field: "patience", reason: "\(patience) s is not a positive, finite time")
            }
        }
        var seenWorkers = Set<WorkerID>()
        for worker in snapshot.workers {
            let name = worker.worker.id.rawValue
            guard seenWorkers.insert(worker.worker.id).inserted else {
                throw ReallocationError(subject: name, field: "worker", reason: "appears twice")
            }
            if let queue = worker.serving, !seenQueues.contains(queue) {
                throw ReallocationError(subject: name, field: "serving", reason: "queue \(queue.rawValue) is not in the snapshot")
            }
            guard worker.moveCost >= 0, worker.moveCost.isFinite else {
                throw ReallocationError(subject: name, field: "moveCost", reason: "\(worker.moveCost) is not a finite cost ≥ 0")
            }
        }
    }

    private static func summary(
        worker: WorkerSnapshot, target: ServiceLevelShift, afterPlan: Double, moves: Int, donor: ServiceLevelShift?,
        levels: [String: Int],
        needsApproval: Bool, limit: Double, runnerUp: PassedOverWorker?
    ) -> String {
        var text = "\(worker.worker.id.rawValue) moves"
        if let donor { text += " from \(donor.queue.rawValue)" }
        text += " to \(target.queue.rawValue): \(target.queue.rawValue) \(percent(target.before)) → \(percent(target.after))"
        text += moves > 1
            ? " (\(percent(afterPlan)) with all \(moves) moves in, goal \(percent(target.goal)))"
            : " (goal \(percent(target.goal)))"
        if let donor {
            text += ", \(donor.queue.rawValue) \(percent(donor.before)) → \(percent(donor.after)) (goal \(percent(donor.goal)))"
        }
        if !levels.isEmpty {
            text += "; skills " + levels.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        text += !needsApproval
            ? "; cost \(amount(worker.moveCost)) within the limit \(amount(limit)), applied"
            : "; cost \(amount(worker.moveCost)) over the limit \(amount(limit)), an operator approves"
        if let runnerUp { text += "; next: \(runnerUp.worker.rawValue), \(runnerUp.detail)" }
        return text
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }
    static func amount(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.2f", value)
    }
}

/// Outlooks by queue and headcount, computed once: the searches for needs and slack and the
/// explanations ask for the same few headcounts again and again.
struct Predictor {
    let queues: [QueueSnapshot]
    let intervalLength: TimeInterval
    private var cache: [Int: [Int: QueueOutlook]] = [:]

    init(queues: [QueueSnapshot], intervalLength: TimeInterval) {
        self.queues = queues
        self.intervalLength = intervalLength
    }

    mutating func outlook(_ queue: Int, agents: Int) -> QueueOutlook {
        let agents = max(agents, 0)
        if let known = cache[queue]?[agents] { return known }
        let outlook = QueueOutlook(snapshot: queues[queue], agents: agents, intervalLength: intervalLength)
        cache[queue, default: [:]][agents] = outlook
        return outlook
    }
}

/// A small flow network solved by successive shortest paths (Bellman–Ford on the residual graph,
/// which has negative edges once flow runs back): each augmentation follows the cheapest path,
/// so every flow value reached is reached at least cost, up to the maximum flow.
struct FlowNetwork {
    private var heads: [Int]
    private var targets: [Int] = []
    private var capacities: [Int] = []
    private var costs: [Double] = []
    private var nextEdge: [Int] = []
    private var original: [Int] = []

    init(nodes: Int) {
        heads = [Int](repeating: -1, count: nodes)
    }

    /// Adds an edge and its residual twin; returns the edge's number for ``flow(_:)``.
    @discardableResult
    mutating func add(from: Int, to: Int, capacity: Int, cost: Double) -> Int {
        let edge = targets.count
        for (tail, head, capacity, cost) in [(from, to, capacity, cost), (to, from, 0, -cost)] {
            targets.append(head)
            capacities.append(capacity)
            costs.append(cost)
            original.append(capacity)
            nextEdge.append(heads[tail])
            heads[tail] = targets.count - 1
        }
        return edge
    }

    /// The flow on an edge added by ``add(from:to:capacity:cost:)``.
    func flow(_ edge: Int) -> Int { original[edge] - capacities[edge] }

    mutating func minimumCostMaximumFlow(source: Int, sink: Int) {
        let count = heads.count
        while true {
            var distance = [Double](repeating: .infinity, count: count)
            var via = [Int](repeating: -1, count: count)
            var queued = [Bool](repeating: false, count: count)
            var queue = [source]
            var front = 0
            distance[source] = 0
            queued[source] = true
            while front < queue.count {
                let node = queue[front]
                front += 1
                queued[node] = false
                var edge = heads[node]
                while edge >= 0 {
                    let head = targets[edge]
                    // The tolerance keeps rounding in negative residual costs from cycling.
                    if capacities[edge] > 0, distance[node] + costs[edge] < distance[head] - 1e-9 {
                        distance[head] = distance[node] + costs[edge]
                        via[head] = edge
                        if !queued[head] {
                            queued[head] = true
                            queue.append(head)
                        }
                    }
                    edge = nextEdge[edge]
                }
            }
            guard distance[sink] < .infinity else { return }
            var bottleneck = Int.max
            var node = sink
            while node != source {
                let edge = via[node]
                bottleneck = min(bottleneck, capacities[edge])
                node = targets[edge ^ 1]
            }
            node = sink
            while node != source {
                let edge = via[node]
                capacities[edge] -= bottleneck
                capacities[edge ^ 1] += bottleneck
                node = targets[edge ^ 1]
            }
        }
    }
}
