import Collections
import Foundation

extension WorkspaceState {
    /// Finds the best worker for a waiting task: hard filters (eligibility, status, channel capacity,
    /// relaxation, earlier declines), then the policy's score.
    ///
    /// Returns the decision even when no worker qualifies, so a caller can explain why a task waits;
    /// `worker` is nil then.
    public func route(task id: TaskID, now: Date) -> (worker: WorkerID?, decision: RoutingDecision)? {
        if settings.routingPolicy.usesPredictions { return routePredictive(task: id, now: now) }
        guard let task = tasks[id], let queueNumber = queueNumber(task.queue) else { return nil }
        let (worker, _, decision) = route(RoutedTask(task), queueNumber: queueNumber, now: now)
        return (worker, decision)
    }

    /// ``route(task:now:)`` for the facts of a task already looked up, with its queue's number.
    ///
    /// With `detail` ``RoutingDetail/choiceOnly`` the decision names the policy and counts the
    /// candidates but leaves out the candidates' terms, the exclusions and the runner-up: the
    /// scan and the ranking are the same, so the worker chosen is too.
    func route(
        _ task: RoutedTask, queueNumber: Int, now: Date, detail: RoutingDetail = .explained
    ) -> (worker: WorkerID?, number: Int?, decision: RoutingDecision) {
        let queue = queues[queueNumber].queue
        let policy = settings.routingPolicy.parameters
        let weights = policy.weights
        let wait = max(0, now.timeIntervalSince(task.queuedAt))
        let taskTerms = TaskTerms(
            queuePriority: Self.priorityValue(queue.priority),
            taskPriority: Self.priorityValue(task.priority),
            age: wait / weights.agingHorizon,
            slaRisk: min(wait / max(queue.serviceLevel.within, 1), 1))
        let channel = channelNumber(task.channel) ?? -1
        let nowValue = now.timeIntervalSinceReferenceDate
        var best = TopCandidates(capacity: max(settings.explainedCandidates, 2))
        var exclusions = ExclusionTally()
        var candidateCount = 0
        let declined = task.declinedBy
        let thisQueue = Int32(queueNumber)
        if detail == .choiceOnly {
            // The same filters in the same order, without tallying who was left out and why, and
            // only the leader kept: ranking the runners-up allocated a list on every routing.
            var leader = LeadingCandidate()
            queues[queueNumber].eligible.withUnsafeBufferPointer { eligible in
                hot.withUnsafeBufferPointer { hot in
                    for position in eligible.indices {
                        let eligibility = eligible[position]
                        let worker = hot[eligibility.worker]
                        guard worker.available, worker.serving < 0 || worker.serving == thisQueue,
                            channel >= 0, worker.capacity[channel] != 0, worker.load[channel] < worker.capacity[channel],
                            !(eligibility.delay > 0) || !(task.queuedAt + eligibility.delay > now),
                            declined.isEmpty || !declined.contains(workers[eligibility.worker].worker.id)
                        else { continue }
                        candidateCount += 1
                        let terms = WorkerTerms(
                            skillFit: eligibility.skillFit, idle: Self.idleValue(worker, now: nowValue),
                            rotation: rotationValue(eligibility.worker))
                        leader.consider(position, score: Self.total(taskTerms, terms, weights))
                    }
                }
            }
            let choice = Self.choiceOnly(policy, direction: .taskToWorker, candidateCount: candidateCount)
            guard leader.isExact else {
                // A score that is not a number ranks as the full ranking places it.
                let ranked = route(task, queueNumber: queueNumber, now: now, detail: .explained)
                return (ranked.worker, ranked.number, choice)
            }
            let number = leader.index.map { queues[queueNumber].eligible[$0].worker }
            return (number.map { workers[$0].worker.id }, number, choice)
        }
        queues[queueNumber].eligible.withUnsafeBufferPointer { eligible in
            hot.withUnsafeBufferPointer { hot in
                for position in eligible.indices {
                    let eligibility = eligible[position]
                    let worker = hot[eligibility.worker]
                    if !worker.available {
                        exclusions.add(.status(workers[eligibility.worker].worker.status), eligibility.worker)
                    } else if worker.serving >= 0, worker.serving != thisQueue {
                        exclusions.add(.servingQueue, eligibility.worker)
                    } else if channel < 0 || worker.capacity[channel] == 0 {
                        exclusions.add(.channel, eligibility.worker)
                    } else if worker.load[channel] >= worker.capacity[channel] {
                        exclusions.add(.capacity, eligibility.worker)
                    } else if eligibility.delay > 0, task.queuedAt + eligibility.delay > now {
                        exclusions.add(.relaxation(eligibility.delay), eligibility.worker)
                    } else if !declined.isEmpty, declined.contains(workers[eligibility.worker].worker.id) {
                        exclusions.add(.declined, eligibility.worker)
                    } else {
                        candidateCount += 1
                        let terms = WorkerTerms(
                            skillFit: eligibility.skillFit, idle: Self.idleValue(worker, now: nowValue),
                            rotation: rotationValue(eligibility.worker))
                        // Ranked by position in the eligible list, so that the winners' entries need no search.
                        best.consider(position, score: Self.total(taskTerms, terms, weights))
                    }
                }
            }
        }
        let candidates = best.ranked.map { entry in
            let eligibility = queues[queueNumber].eligible[entry.index]
            return ScoredCandidate(
                id: workers[eligibility.worker].worker.id.rawValue, score: entry.score,
                terms: Self.terms(taskTerms, workerTerms(eligibility, now: now), weights))
        }
        var excluded = exclusions.groups { kind in
            switch kind {
            case .status(let status): "status \(status.rawValue)"
            case .channel: "does not serve channel \(task.channel)"
            case .capacity: "at capacity on \(task.channel)"
            case .relaxation(let delay): "eligible only after \(DurationText.format(delay)) of waiting"
            case .declined: "declined this task"
            case .notYetEligible: "not yet eligible"
            case .servingQueue: "assigned to serve another queue"
            }
        } name: { workers[$0].worker.id.rawValue }
        for group in queues[queueNumber].ineligible {
            excluded.append(Exclusion(
                rule: group.rule, count: group.workers.count,
                examples: group.workers.prefix(3).map { workers[$0].worker.id.rawValue }))
        }
        let decision = RoutingDecision(
            policy: policy.name, policyVersion: policy.version, direction: .taskToWorker,
            candidates: candidates, candidateCount: candidateCount, excluded: excluded,
            runnerUpLost: Self.whyRunnerUpLost(candidates))
        let number = best.ranked.first.map { queues[queueNumber].eligible[$0.index].worker }
        return (number.map { workers[$0].worker.id }, number, decision)
    }

    /// Finds the best waiting task for a worker with free capacity, across every queue it can serve.
    ///
    /// Within one queue, channel and priority the oldest task scores highest, so only the head of
    /// each line (skipping tasks this worker declined) needs scoring.
    ///
    /// With `detail` ``RoutingDetail/choiceOnly`` the decision names the policy and counts the
    /// heads scored, without their terms, the lines left out or the runner-up; the task chosen is
    /// the same. The prediction policies always explain in full.
    public func route(
        worker id: WorkerID, now: Date, detail: RoutingDetail = .explained
    ) -> (task: TaskID, decision: RoutingDecision)? {
        route(freedWorker: id, now: now, detail: detail).map { ($0.task, $0.decision) }
    }

    /// ``route(worker:now:detail:)`` with the number of the chosen task's queue, which its offer's
    /// expiry needs: known from the line the task heads, where looking the task up again would
    /// copy it. A caller that knows the worker's number passes it as `number`, saving a hash.
    func route(
        freedWorker id: WorkerID, number: Int? = nil, now: Date, detail: RoutingDetail
    ) -> (task: TaskID, queue: Int, decision: RoutingDecision)? {
        if settings.routingPolicy.usesPredictions {
            return routePredictive(worker: id, now: now)
        }
        guard let workerNumber = number ?? self.workerNumber(id) else { return nil }
        let worker = hot[workerNumber]
        guard worker.available else { return nil }
        // A freed worker usually finds every line empty: answer that before building a decision.
        guard workers[workerNumber].queues.contains(where: { queues[$0.queue].waitingCount > 0 }) else { return nil }
        let policy = settings.routingPolicy.parameters
        let weights = policy.weights
        let workerTerms = WorkerTerms(
            skillFit: 0, idle: Self.idleValue(worker, now: now.timeIntervalSinceReferenceDate),
            rotation: rotationValue(workerNumber))
        let explain = detail == .explained
        // Without an explanation only the leading head is kept, in place: the ranking and the list
        // of heads allocated on every freed worker's scan.
        var best = explain ? TopCandidates(capacity: max(settings.explainedCandidates, 2)) : TopCandidates()
        var heads: [(task: TaskID, eligibility: Eligibility, terms: TaskTerms)] = []
        var leader = LeadingCandidate()
        var leadingHead: (task: TaskID, queue: Int)?
        var exclusions = ExclusionTally()
        var skipped: [TaskID] = []  // the tasks that exclusions name, by index
        var candidateCount = 0
        // Queues with work that this worker, assigned to one queue, leaves to others.
        var otherQueues: [QueueID] = []
        for eligibility in workers[workerNumber].queues {
            let queueNumber = eligibility.queue
            if queues[queueNumber].waitingCount == 0 { continue }
            if worker.serving >= 0, worker.serving != Int32(queueNumber) {
                if explain { otherQueues.append(queues[queueNumber].queue.id) }
                continue
            }
            let queue = queues[queueNumber].queue
            for channel in queues[queueNumber].channels where worker.hasCapacity(on: channel) {
                for level in 0..<9 {
                    let line = queues[queueNumber].waiting[channel][level]
                    guard let head = line.first else { continue }
                    var entry = head
                    if !head.declinedBy.isEmpty, head.declinedBy.contains(id) {
                        guard let other = line.first(where: { !$0.declinedBy.contains(id) }) else {
                            if explain {
                                exclusions.add(.declined, skipped.count)
                                skipped.append(head.task)
                            }
                            continue
                        }
                        entry = other
                    }
                    let wait = max(0, now.timeIntervalSince(entry.queuedAt))
                    if eligibility.delay > 0, entry.queuedAt + eligibility.delay > now {
                        if explain {
                            exclusions.add(.relaxation(eligibility.delay), skipped.count)
                            skipped.append(entry.task)
                        }
                        continue
                    }
                    candidateCount += 1
                    let terms = TaskTerms(
                        queuePriority: Self.priorityValue(queue.priority),
                        taskPriority: Self.priorityValue(level + 1),
                        age: wait / weights.agingHorizon,
                        slaRisk: min(wait / max(queue.serviceLevel.within, 1), 1))
                    var scored = workerTerms
                    scored.skillFit = eligibility.skillFit
                    let score = Self.total(terms, scored, weights)
                    if explain {
                        best.consider(heads.count, score: score)
                        heads.append((entry.task, eligibility, terms))
                    } else if leader.consider(candidateCount - 1, score: score) {
                        leadingHead = (entry.task, eligibility.queue)
                    }
                }
            }
        }
        if !explain {
            guard let head = leadingHead else { return nil }
            let choice = Self.choiceOnly(policy, direction: .workerToTask, candidateCount: candidateCount)
            guard leader.isExact else {
                // A score that is not a number ranks as the full ranking places it.
                guard let ranked = route(freedWorker: id, number: workerNumber, now: now, detail: .explained) else { return nil }
                return (ranked.task, ranked.queue, choice)
            }
            return (head.task, head.queue, choice)
        }
        guard let winner = best.ranked.first else { return nil }
        let chosen = heads[winner.index]
        let candidates = best.ranked.map { entry in
            let head = heads[entry.index]
            var scored = workerTerms
            scored.skillFit = head.eligibility.skillFit
            return ScoredCandidate(
                id: head.task.rawValue, score: entry.score, terms: Self.terms(head.terms, scored, weights))
        }
        let excluded = lineHeadExclusions(exclusions, skipped: skipped, otherQueues: otherQueues, worker: workerNumber)
        let decision = RoutingDecision(
            policy: policy.name, policyVersion: policy.version, direction: .workerToTask,
            candidates: candidates, candidateCount: candidateCount, excluded: excluded,
            runnerUpLost: Self.whyRunnerUpLost(candidates))
        return (chosen.task, chosen.eligibility.queue, decision)
    }

    /// The record of a decision made with ``RoutingDetail/choiceOnly``: who decided and how many
    /// candidates there were, nothing to explain the choice.
    private static func choiceOnly(
        _ policy: (name: String, version: Int, weights: RoutingWeights), direction: RoutingDecision.Direction,
        candidateCount: Int
    ) -> RoutingDecision {
        RoutingDecision(
            policy: policy.name, policyVersion: policy.version, direction: direction, candidates: [],
            candidateCount: candidateCount, excluded: [], runnerUpLost: nil)
    }

    // MARK: - Terms

    private func workerTerms(_ eligibility: Eligibility, now: Date) -> WorkerTerms {
        WorkerTerms(
            skillFit: eligibility.skillFit, idle: Self.idleValue(hot[eligibility.worker], now: now.timeIntervalSinceReferenceDate),
            rotation: rotationValue(eligibility.worker))
    }

    private static func idleValue(_ worker: WorkerHot, now: Double) -> Double {
        worker.busy == 0 ? max(0, now - worker.idleSince) / 600 : 0
    }

    /// 1 for the worker right after the last one chosen, decreasing around the ring.
    private func rotationValue(_ index: Int) -> Double {
        let count = workers.count
        guard count > 0 else { return 0 }
        // The cursor is -1 or a worker's index, so one correction replaces a division in the
        // routing loop; anything else takes the general formula.
        var distance = index - rotationCursor - 1
        if distance < 0 { distance += count }
        if distance < 0 || distance >= count { distance = (index - rotationCursor - 1 + 2 * count) % count }
        return 1 - Double(distance) / Double(count)
    }

    static func priorityValue(_ priority: Int) -> Double {
        Double(9 - min(max(priority, 1), 9)) / 8
    }

    private static func total(_ task: TaskTerms, _ worker: WorkerTerms, _ weights: RoutingWeights) -> Double {
        weights.skillFit * worker.skillFit + weights.queuePriority * task.queuePriority
            + weights.taskPriority * task.taskPriority + weights.taskAge * task.age
            + weights.slaRisk * task.slaRisk + weights.idleTime * worker.idle + weights.rotation * worker.rotation
    }

    /// The terms with a weight, in a fixed order: built in place, one allocation per candidate.
    private static func terms(_ task: TaskTerms, _ worker: WorkerTerms, _ weights: RoutingWeights) -> [ScoreTerm] {
        var terms: [ScoreTerm] = []
        terms.reserveCapacity(7)
        func add(_ name: String, _ value: Double, _ weight: Double) {
            if weight != 0 { terms.append(ScoreTerm(name: name, value: value, weight: weight)) }
        }
        add("skillFit", worker.skillFit, weights.skillFit)
        add("queuePriority", task.queuePriority, weights.queuePriority)
        add("taskPriority", task.taskPriority, weights.taskPriority)
        add("taskAge", task.age, weights.taskAge)
        add("slaRisk", task.slaRisk, weights.slaRisk)
        add("idleTime", worker.idle, weights.idleTime)
        add("rotation", worker.rotation, weights.rotation)
        return terms
    }

    /// Names the term that cost the runner-up the most against the winner.
    static func whyRunnerUpLost(_ candidates: [ScoredCandidate]) -> String? {
        guard candidates.count > 1 else { return nil }
        let winner = candidates[0]
        let runnerUp = candidates[1]
        var worst: (name: String, gap: Double, winner: Double, runnerUp: Double)?
        for (position, term) in winner.terms.enumerated() {
            // Both candidates' terms come in the same order: look at the same place first.
            let other: ScoreTerm
            if position < runnerUp.terms.count, runnerUp.terms[position].name == term.name {
                other = runnerUp.terms[position]
            } else if let found = runnerUp.terms.first(where: { $0.name == term.name }) {
                other = found
            } else {
                continue
            }
            let gap = term.contribution - other.contribution
            if gap > (worst?.gap ?? 0) { worst = (term.name, gap, term.value, other.value) }
        }
        let margin = winner.score - runnerUp.score
        // Written as UTF-8 bytes into one buffer and made a string once: appending to a String
        // piece by piece, or interpolating each formatted number, cost more than the routing.
        var text = ExplanationText(capacity: 112 + runnerUp.id.utf8.count + winner.id.utf8.count + (worst?.name.utf8.count ?? 0))
        text.append(runnerUp.id)
        guard let worst else {
            text.append(" tied at ")
            text.append(number: runnerUp.score)
            text.append("; ")
            text.append(winner.id)
            text.append(" comes first in order")
            return text.string
        }
        text.append(" scored ")
        text.append(number: runnerUp.score)
        text.append(" against ")
        text.append(number: winner.score)
        text.append(" (−")
        text.append(number: margin)
        text.append("), mostly on ")
        text.append(worst.name)
        text.append(": ")
        text.append(number: worst.runnerUp)
        text.append(" against ")
        text.append(number: worst.winner)
        return text.string
    }

    /// Three decimals without `String(format:)`, which costs more than the routing decision itself.
    static func format(_ value: Double) -> String {
        var text = ExplanationText(capacity: 32)
        text.append(number: value)
        return text.string
    }
}

/// UTF-8 bytes of an explanation, written in place and made a `String` once.
struct ExplanationText {
    private var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends `value` with three decimals: `-1.250`, `0.003`; non-finite values as Swift prints them.
    mutating func append(number value: Double) {
        guard value.isFinite else {
            append("\(value)")
            return
        }
        let scaled = Int64((abs(value) * 1000).rounded())
        if value < 0 && scaled != 0 { bytes.append(UInt8(ascii: "-")) }
        append(digits: UInt64(scaled / 1000))
        bytes.append(UInt8(ascii: "."))
        let fraction = Int(scaled % 1000)
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 100))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10 % 10))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    private mutating func append(digits value: UInt64) {
        if value >= 10 { append(digits: value / 10) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }
}

/// What routing reads of a task: a few fields, read from the stored task without copying all of it.
struct RoutedTask {
    var queuedAt: Date
    var priority: Int
    var channel: Channel
    var declinedBy: [WorkerID]

    init(_ task: WorkTask) {
        self.init(task: task)
    }

    init(task: borrowing WorkTask) {
        queuedAt = task.queuedAt
        priority = task.priority
        channel = task.channel
        declinedBy = task.declinedBy
    }
}

/// The terms that depend only on the task.
struct TaskTerms {
    var queuePriority: Double
    var taskPriority: Double
    var age: Double
    var slaRisk: Double
}

/// The terms that depend on the worker.
struct WorkerTerms {
    var skillFit: Double
    var idle: Double
    var rotation: Double
}

/// The few best candidates seen so far, best first; ties keep the earlier candidate ahead.
struct TopCandidates {
    private(set) var ranked: [(index: Int, score: Double)] = []
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
        ranked.reserveCapacity(capacity + 1)
    }

    /// A ranking that is never used: no room reserved.
    init() {
        capacity = 2
    }

    mutating func consider(_ index: Int, score: Double) {
        if ranked.count == capacity, let last = ranked.last, score <= last.score { return }
        var position = ranked.count
        while position > 0, ranked[position - 1].score < score { position -= 1 }
        ranked.insert((index, score), at: position)
        if ranked.count > capacity { ranked.removeLast() }
    }
}

/// The best candidate seen so far, as ``TopCandidates`` would rank it first, kept without a list.
///
/// The same leader as `TopCandidates.ranked.first` as long as no score is NaN: the highest score,
/// the earlier candidate on a tie. A NaN score is placed by the list's walk in ways a single
/// leader cannot follow, so ``isExact`` turns false and the caller ranks in full.
struct LeadingCandidate {
    private(set) var index: Int?
    private(set) var score = 0.0
    private(set) var sawNaN = false

    /// Considers a candidate; true when it takes the lead.
    @inline(__always)
    @discardableResult
    mutating func consider(_ index: Int, score: Double) -> Bool {
        if score.isNaN { sawNaN = true }
        guard self.index == nil || score > self.score else { return false }
        self.index = index
        self.score = score
        return true
    }

    /// Whether the leader is the one the full ranking puts first.
    var isExact: Bool { !sawNaN }
}

/// Why a candidate was left out, as a plain value so that counting costs no allocation.
enum ExclusionKind: Hashable {
    case status(Worker.Status)
    case channel
    case capacity
    case relaxation(TimeInterval)
    case declined
    case notYetEligible
    case servingQueue
}

extension WorkspaceState {
    /// What a freed worker's scan of the line heads left out, as its decision names them: lines
    /// whose every task it declined, lines whose oldest task has not yet waited its relaxation
    /// delay (`skipped` holds the tasks the tally's examples refer to), and the queues it leaves
    /// to others while assigned to serve one. Every worker → task policy scans the heads the same
    /// way; the scan itself stays written out in each, inside its scoring loop, where a shared
    /// helper taking the scoring as a closure measured slower.
    func lineHeadExclusions(
        _ exclusions: ExclusionTally, skipped: [TaskID], otherQueues: [QueueID], worker workerNumber: Int
    ) -> [Exclusion] {
        var excluded = exclusions.groups { kind in
            switch kind {
            case .declined: "task lines whose every task this worker declined"
            case .relaxation(let delay):
                "task lines whose oldest task has waited less than \(DurationText.format(delay)), the wait after which this worker qualifies"
            default: "excluded"
            }
        } name: { skipped[$0].rawValue }
        if !otherQueues.isEmpty, let serving = workers[workerNumber].worker.servingQueue {
            excluded.append(Exclusion(
                rule: "queues other than \(serving), the one this worker is assigned to serve",
                count: otherQueues.count, examples: otherQueues.prefix(3).map(\.rawValue)))
        }
        return excluded
    }
}

/// Counts exclusions by kind, keeping up to three examples of each; names are made only at the end.
struct ExclusionTally {
    private var kinds: [ExclusionKind] = []
    private var counts: [Int] = []
    private var examples: [[Int]] = []
    /// The kind added last: on a busy floor most workers are excluded for the same reason in a row.
    private var last = -1

    mutating func add(_ kind: ExclusionKind, _ example: Int) {
        let index: Int
        if last >= 0, Self.same(kinds[last], kind) {
            index = last
        } else if let found = kinds.firstIndex(where: { Self.same($0, kind) }) {
            index = found
        } else {
            kinds.append(kind)
            counts.append(1)
            examples.append([example])
            last = kinds.count - 1
            return
        }
        last = index
        counts[index] += 1
        if examples[index].count < 3 { examples[index].append(example) }
    }

    /// `==`, written out so that it inlines into the routing loop.
    @inline(__always)
    private static func same(_ lhs: ExclusionKind, _ rhs: ExclusionKind) -> Bool {
        switch (lhs, rhs) {
        case (.capacity, .capacity), (.channel, .channel), (.declined, .declined), (.notYetEligible, .notYetEligible),
            (.servingQueue, .servingQueue):
            true
        case (.status(let left), .status(let right)): left == right
        case (.relaxation(let left), .relaxation(let right)): left == right
        default: false
        }
    }

    func groups(rule: (ExclusionKind) -> String, name: (Int) -> String?) -> [Exclusion] {
        kinds.indices.map { index in
            Exclusion(rule: rule(kinds[index]), count: counts[index], examples: examples[index].compactMap(name))
        }
    }
}
