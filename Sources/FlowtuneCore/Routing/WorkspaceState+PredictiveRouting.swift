import Foundation

/// What the prediction policies read of a task besides what every policy reads.
struct PredictedTask {
    /// The task's type in the prediction table.
    var type: String
    /// The published predictions of that type, when there are any.
    var predictions: PredictionIndex.TypeEntry?
    /// What resolving the task is worth.
    var value: Double
    /// Whether the value came from the task rather than the default.
    var valueGiven: Bool
    /// When the step's response window ends, as seconds since the reference date.
    var promiseDeadline: Double?
}

/// How well one worker fits one task: the predicted net value, bounded, or the skill fit when
/// there is no prediction for the pair.
struct PairFit {
    /// The term in the `skillFit` slot of the weights, 0...1.
    var fit: Double
    /// The prediction used; nil when the skill fit stood in.
    var prediction: Prediction?
    /// The net value's parts; nil when the skill fit stood in.
    var score: PredictiveScore?
}

extension WorkspaceState {
    /// The type a task has in the prediction table: its ``PredictiveSettings/typeAttribute`` as a
    /// string, else its workflow's id.
    public func taskType(of task: WorkTask) -> String {
        if case .object(let members) = task.attributes, case .string(let type)? = members[settings.predictive.typeAttribute] {
            return type
        }
        return task.workflow.rawValue
    }

    /// What resolving a task is worth: its ``PredictiveSettings/valueAttribute`` when that is a
    /// finite number of at least 0, else ``PredictiveSettings/taskValue``.
    public func taskValue(of task: WorkTask) -> Double {
        predictedTask(task).value
    }

    func predictedTask(_ task: WorkTask) -> PredictedTask {
        let type = taskType(of: task)
        var value = settings.predictive.taskValue
        var given = false
        if case .object(let members) = task.attributes, case .number(let number)? = members[settings.predictive.valueAttribute],
            number.isFinite, number >= 0
        {
            value = number
            given = true
        }
        var deadline: Double?
        if let step = workflow(task.workflow, version: task.workflowVersion)?.step(task.step) {
            deadline = task.stepEnteredAt.timeIntervalSinceReferenceDate + task.responseWindow(in: step)
        }
        return PredictedTask(
            type: type, predictions: predictionIndex.types[type], value: value, valueGiven: given, promiseDeadline: deadline)
    }

    /// The prediction for worker number `number` on a type: their own, else everyone's.
    @inline(__always)
    func prediction(_ entry: PredictionIndex.TypeEntry?, worker number: Int) -> Prediction? {
        guard let entry else { return nil }
        if number < entry.workers.count { return entry.workers[number] ?? entry.everyone }
        return predictions?.types[entry.name]?.workers[workers[number].worker.id] ?? entry.everyone
    }

    /// The fit of worker number `number` for `task`, at `now` (seconds since the reference date).
    @inline(__always)
    func pairFit(_ task: PredictedTask, worker number: Int, skillFit: Double, now: Double) -> PairFit {
        guard let prediction = prediction(task.predictions, worker: number) else {
            return PairFit(fit: skillFit, prediction: nil, score: nil)
        }
        let predictive = settings.predictive
        let score = PredictiveScore(
            prediction: prediction, taskValue: task.value, costPerHour: workers[number].worker.costPerHour,
            customerCostPerHour: predictive.customerCostPerHour, promiseSlack: task.promiseDeadline.map { $0 - now },
            missedPromiseCost: predictive.missedPromiseCost)
        return PairFit(fit: score.fit, prediction: prediction, score: score)
    }

    static func idle(_ worker: WorkerHot, now: Double) -> Double {
        worker.busy == 0 ? max(0, now - worker.idleSince) / 600 : 0
    }

    static func taskTerms(
        queue: Queue, priority: Int, queuedAt: Date, now: Date, weights: RoutingWeights
    ) -> TaskTerms {
        let wait = max(0, now.timeIntervalSince(queuedAt))
        return TaskTerms(
            queuePriority: priorityValue(queue.priority), taskPriority: priorityValue(priority),
            age: wait / weights.agingHorizon, slaRisk: min(wait / max(queue.serviceLevel.within, 1), 1))
    }

    /// The whole score of a pairing under the prediction policies.
    @inline(__always)
    static func predictiveTotal(_ task: TaskTerms, fit: Double, idle: Double, _ weights: RoutingWeights) -> Double {
        weights.skillFit * fit + weights.queuePriority * task.queuePriority + weights.taskPriority * task.taskPriority
            + weights.taskAge * task.age + weights.slaRisk * task.slaRisk + weights.idleTime * idle
    }

    /// Every term of a pairing's score: those that add up to it, then, with weight 0, the net
    /// value's parts and the prediction they came from.
    static func predictiveTerms(_ task: TaskTerms, _ pair: PairFit, idle: Double, _ weights: RoutingWeights) -> [ScoreTerm] {
        var terms: [ScoreTerm] = []
        terms.reserveCapacity(16)
        terms.append(ScoreTerm(name: pair.score == nil ? "skillFit" : "predictedFit", value: pair.fit, weight: weights.skillFit))
        terms.append(ScoreTerm(name: "queuePriority", value: task.queuePriority, weight: weights.queuePriority))
        terms.append(ScoreTerm(name: "taskPriority", value: task.taskPriority, weight: weights.taskPriority))
        terms.append(ScoreTerm(name: "taskAge", value: task.age, weight: weights.taskAge))
        terms.append(ScoreTerm(name: "slaRisk", value: task.slaRisk, weight: weights.slaRisk))
        terms.append(ScoreTerm(name: "idleTime", value: idle, weight: weights.idleTime))
        if let score = pair.score, let prediction = pair.prediction {
            terms.append(ScoreTerm(name: "netValue", value: score.net, weight: 0))
            terms.append(ScoreTerm(name: "expectedValue", value: score.expectedValue, weight: 0))
            terms.append(ScoreTerm(name: "expectedCost", value: score.expectedCost, weight: 0))
            terms.append(ScoreTerm(name: "customerTimeCost", value: score.customerTimeCost, weight: 0))
            terms.append(ScoreTerm(name: "promiseRisk", value: score.promiseRisk, weight: 0))
            terms.append(ScoreTerm(name: "missChance", value: score.missChance, weight: 0))
            terms.append(ScoreTerm(name: "handlingTime", value: prediction.handlingTime, weight: 0))
            terms.append(ScoreTerm(name: "handlingTimeUpper", value: prediction.handlingTimeUpper, weight: 0))
            terms.append(ScoreTerm(name: "resolution", value: prediction.resolution, weight: 0))
        }
        return terms
    }

    /// Why the runner-up lost, with the net values of both when both were predicted.
    static func predictiveRunnerUpLost(_ candidates: [ScoredCandidate]) -> String? {
        guard var text = whyRunnerUpLost(candidates) else { return nil }
        func value(_ candidate: ScoredCandidate, _ name: String) -> Double? {
            candidate.terms.first { $0.name == name }?.value
        }
        let winner = candidates[0]
        let runnerUp = candidates[1]
        if let theirs = value(runnerUp, "netValue"), let ours = value(winner, "netValue") {
            var parts: [String] = []
            for (name, label) in [
                ("expectedValue", "expected value"), ("expectedCost", "cost"), ("customerTimeCost", "customer time"),
                ("promiseRisk", "promise risk"),
            ] {
                if let a = value(runnerUp, name), let b = value(winner, name), abs(a - b) > 0.0005 {
                    parts.append("\(label) \(format(a)) against \(format(b))")
                }
            }
            text += "; expected net value \(format(theirs)) against \(format(ours))"
            if !parts.isEmpty { text += " (" + parts.joined(separator: ", ") + ")" }
        } else if value(runnerUp, "netValue") == nil, value(winner, "netValue") != nil {
            text += "; \(runnerUp.id) was scored by skill fit, having no prediction"
        }
        return text
    }

    /// The notes every prediction decision starts with: the task's type and value.
    func taskNotes(_ task: PredictedTask, id: TaskID) -> String {
        var text = "task \(id.rawValue): type \(task.type)"
        text += task.valueGiven ? ", value \(Self.format(task.value))" : ", value \(Self.format(task.value)) (default)"
        if predictions == nil {
            text += "; no predictions published, skill fit used"
        } else if task.predictions == nil {
            text += "; no predictions for this type, skill fit used"
        }
        return text
    }

    // MARK: - Task to worker

    /// ``route(task:now:)`` under the prediction policies: the free eligible worker with the best
    /// predicted fit (net value), workers over the fairness bound passed over unless no one else
    /// qualifies, and then the task given to those it takes least over on hard tasks.
    func routePredictive(task id: TaskID, now: Date) -> (worker: WorkerID?, decision: RoutingDecision)? {
        guard let task = tasks[id], let queueNumber = queueNumber(task.queue) else { return nil }
        let queue = queues[queueNumber].queue
        let policy = settings.routingPolicy.parameters
        let weights = policy.weights
        let taskTerms = Self.taskTerms(queue: queue, priority: task.priority, queuedAt: task.queuedAt, now: now, weights: weights)
        let predicted = predictedTask(task)
        let channel = channelNumber(task.channel) ?? -1
        let nowValue = now.timeIntervalSinceReferenceDate
        let capacity = max(settings.explainedCandidates, 2)
        var best = TopCandidates(capacity: capacity)
        var overBest = TopCandidates(capacity: capacity)
        var exclusions = ExclusionTally()
        var overWorkers: [(worker: Int, overage: FairnessLedger.Overage)] = []
        var overScored: [(position: Int, score: Double, rank: Double)] = []
        var unpredicted: [Int] = []
        var candidateCount = 0
        let declined = task.declinedBy
        let thisQueue = Int32(queueNumber)
        let checkFairness = !fairness.isEmpty
        let eligibleList = queues[queueNumber].eligible
        for position in eligibleList.indices {
            let eligibility = eligibleList[position]
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
                let pair = pairFit(predicted, worker: eligibility.worker, skillFit: eligibility.skillFit, now: nowValue)
                if pair.score == nil { unpredicted.append(eligibility.worker) }
                let score = Self.predictiveTotal(taskTerms, fit: pair.fit, idle: Self.idle(worker, now: nowValue), weights)
                if checkFairness, let overage = fairnessOverage(eligibility.worker, type: predicted.predictions) {
                    overWorkers.append((eligibility.worker, overage))
                    overScored.append((position, score, overage.waiverRank))
                } else {
                    best.consider(position, score: score)
                }
            }
        }
        // No one within the bound: the task goes to those it takes least over on hard tasks.
        if best.ranked.isEmpty, let least = overScored.lazy.map(\.rank).min() {
            for entry in overScored where entry.rank <= least { overBest.consider(entry.position, score: entry.score) }
        }
        var notes = [taskNotes(predicted, id: id)]
        let waived = best.ranked.isEmpty && !overBest.ranked.isEmpty
        let ranked = waived ? overBest.ranked : best.ranked
        let candidates = ranked.map { entry in
            let eligibility = eligibleList[entry.index]
            let pair = pairFit(predicted, worker: eligibility.worker, skillFit: eligibility.skillFit, now: nowValue)
            return ScoredCandidate(
                id: workers[eligibility.worker].worker.id.rawValue, score: entry.score,
                terms: Self.predictiveTerms(
                    taskTerms, pair, idle: Self.idle(hot[eligibility.worker], now: nowValue), weights))
        }
        var excluded = exclusions.groups { kind in
            switch kind {
            case .status(let status): "status \(status.rawValue)"
            case .channel: "does not serve channel \(task.channel)"
            case .capacity: "at capacity on \(task.channel)"
            case .relaxation(let delay): "eligible only after \(DurationText.format(delay)) of waiting"
            case .declined: "declined this task"
            case .servingQueue: "assigned to serve another queue"
            default: "not yet eligible"
            }
        } name: { workers[$0].worker.id.rawValue }
        for group in queues[queueNumber].ineligible {
            excluded.append(Exclusion(
                rule: group.rule, count: group.workers.count,
                examples: group.workers.prefix(3).map { workers[$0].worker.id.rawValue }))
        }
        if waived {
            notes.append(fairnessWaivedNote(overWorkers))
        } else {
            excluded.append(contentsOf: fairnessExclusions(overWorkers))
        }
        if !unpredicted.isEmpty, predicted.predictions != nil {
            notes.append(unpredictedNote(unpredicted, type: predicted.type))
        }
        let decision = RoutingDecision(
            policy: policy.name, policyVersion: policy.version, direction: .taskToWorker,
            candidates: candidates, candidateCount: candidateCount, excluded: excluded,
            runnerUpLost: Self.predictiveRunnerUpLost(candidates), models: predictions?.models ?? [:], notes: notes)
        let chosen = ranked.first.map { workers[eligibleList[$0.index].worker].worker.id }
        return (chosen, decision)
    }

    /// One exclusion per worker the task would take over the fairness bound, naming by how
    /// much, the first few of them; the rest counted together.
    func fairnessExclusions(_ over: [(worker: Int, overage: FairnessLedger.Overage)]) -> [Exclusion] {
        guard !over.isEmpty else { return [] }
        var exclusions: [Exclusion] = []
        let named = max(settings.explainedCandidates, 2)
        for (worker, overage) in over.prefix(named) {
            exclusions.append(Exclusion(rule: overage.rule, count: 1, examples: [workers[worker].worker.id.rawValue]))
        }
        if over.count > named {
            let rest = over.dropFirst(named)
            exclusions.append(Exclusion(
                rule: "fairness: share would be more than \(FairnessLedger.Overage.percent(settings.predictive.fairnessBound)) over the team's",
                count: rest.count, examples: rest.prefix(3).map { workers[$0.worker].worker.id.rawValue }))
        }
        return exclusions
    }

    func fairnessWaivedNote(_ over: [(worker: Int, overage: FairnessLedger.Overage)]) -> String {
        let rules = over.prefix(3).map { "\(workers[$0.worker].worker.id.rawValue) \($0.overage.rule)" }
        var note = "fairness waived: this task would take every eligible worker over the fairness bound (" + rules.joined(separator: "; ")
            + (over.count > 3 ? "; \(over.count - 3) more" : "") + "), and work does not wait for fairness"
        if over.contains(where: { $0.overage.hard != nil }) { note += "; it goes to those it takes least over on hard tasks" }
        return note
    }

    func unpredictedNote(_ unpredicted: [Int], type: String) -> String {
        let names = unpredicted.prefix(3).map { workers[$0].worker.id.rawValue }.joined(separator: ", ")
        let more = unpredicted.count > 3 ? " and \(unpredicted.count - 3) more" : ""
        return "no prediction for \(names)\(more) on \(type): skill fit used in place of the predicted fit"
    }

    // MARK: - Worker to task

    /// ``route(worker:now:)`` under the prediction policies: the head of each line this worker
    /// can serve, scored by its ordering terms (priorities, service-level risk, age) plus the
    /// bounded predicted fit of this worker for it. The fit weighs no more than the skill fit
    /// it replaces, so ``RoutingWeights/agingBound`` of ``RoutingWeights/predictive`` bounds the
    /// wait: a task that has waited 2,100 s is taken before any that arrived later.
    ///
    /// A task that would take this worker over the fairness bound is left to another free worker
    /// within it, or less over on hard tasks; when no one else can take it, this worker does: work
    /// does not wait for fairness.
    func routePredictive(worker id: WorkerID, now: Date) -> (task: TaskID, decision: RoutingDecision)? {
        guard let workerNumber = workerIndex[id] else { return nil }
        let worker = hot[workerNumber]
        guard worker.available else { return nil }
        guard workers[workerNumber].queues.contains(where: { queues[$0.queue].waitingCount > 0 }) else { return nil }
        let policy = settings.routingPolicy.parameters
        let weights = policy.weights
        let nowValue = now.timeIntervalSinceReferenceDate
        let idle = Self.idle(worker, now: nowValue)
        var best = TopCandidates(capacity: max(settings.explainedCandidates, 2))
        var heads: [(task: TaskID, queue: Int, channel: Int, terms: TaskTerms, skillFit: Double, ordering: Double)] = []
        var exclusions = ExclusionTally()
        var skipped: [TaskID] = []
        var candidateCount = 0
        var otherQueues: [QueueID] = []
        for eligibility in workers[workerNumber].queues {
            let queueNumber = eligibility.queue
            if queues[queueNumber].waitingCount == 0 { continue }
            if worker.serving >= 0, worker.serving != Int32(queueNumber) {
                otherQueues.append(queues[queueNumber].queue.id)
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
                            exclusions.add(.declined, skipped.count)
                            skipped.append(head.task)
                            continue
                        }
                        entry = other
                    }
                    if eligibility.delay > 0, entry.queuedAt + eligibility.delay > now {
                        exclusions.add(.relaxation(eligibility.delay), skipped.count)
                        skipped.append(entry.task)
                        continue
                    }
                    candidateCount += 1
                    let terms = Self.taskTerms(
                        queue: queue, priority: level + 1, queuedAt: entry.queuedAt, now: now, weights: weights)
                    heads.append((
                        entry.task, queueNumber, channel, terms, eligibility.skillFit,
                        Self.predictiveTotal(terms, fit: 0, idle: idle, weights)))
                }
            }
        }
        // Reading a task's type, value and promise costs more than its ordering terms: score the
        // heads from the best ordering down and stop once even a perfect fit could not reach the
        // places explained. Taken from a heap, one at a time, rather than sorting every head: the
        // loop usually stops after a few.
        var order = DescendingOrder(heads.map(\.ordering))
        var fitSlot = [Int32](repeating: -1, count: heads.count)
        var fitList: [(pair: PairFit, predicted: PredictedTask)] = []
        // Judged per task: one that would take this worker over the fairness bound is left to
        // another free worker within it, if there is one; otherwise taken, the rule waived.
        let checkFairness = !fairness.isEmpty
        var passedOver: [(task: TaskID, overage: FairnessLedger.Overage)] = []
        var waivedFor: [Int: FairnessLedger.Overage] = [:]
        while let index = order.next() {
            let ordering = heads[index].ordering
            if best.ranked.count == best.capacity, ordering + weights.skillFit <= best.ranked[best.capacity - 1].score {
                break
            }
            // Read in place: binding the task would copy it, every reference it holds retained.
            guard let position = tasks.index(forKey: heads[index].task) else { continue }
            let predicted = predictedTask(tasks.values[position])
            if checkFairness, let overage = fairnessOverage(workerNumber, type: predicted.predictions) {
                if hasFairAlternative(
                    to: workerNumber, queue: heads[index].queue, channel: heads[index].channel, task: heads[index].task,
                    type: predicted.predictions, now: now, rank: overage.waiverRank)
                {
                    passedOver.append((heads[index].task, overage))
                    continue
                }
                waivedFor[index] = overage
            }
            let pair = pairFit(predicted, worker: workerNumber, skillFit: heads[index].skillFit, now: nowValue)
            fitSlot[index] = Int32(fitList.count)
            fitList.append((pair, predicted))
            best.consider(index, score: ordering + weights.skillFit * pair.fit)
        }
        func fit(_ index: Int) -> (pair: PairFit, predicted: PredictedTask) { fitList[Int(fitSlot[index])] }
        guard !best.ranked.isEmpty else { return nil }
        let ranked = best.ranked
        var notes: [String] = []
        var excluded = lineHeadExclusions(exclusions, skipped: skipped, otherQueues: otherQueues, worker: workerNumber)
        if let first = passedOver.first {
            excluded.append(Exclusion(
                rule: "\(first.overage.rule) (for \(first.task.rawValue)): tasks another free worker within the bound can take",
                count: passedOver.count, examples: passedOver.prefix(3).map(\.task.rawValue)))
        }
        if let overage = waivedFor[ranked[0].index] {
            notes.append(
                "fairness waived: \(heads[ranked[0].index].task.rawValue) would take \(id.rawValue) over the bound "
                    + "(\(overage.rule)), but no other free worker within it, or less over on hard tasks, can take it, "
                    + "and work does not wait for fairness")
        }
        let candidates = ranked.map { entry in
            let head = heads[entry.index]
            return ScoredCandidate(
                id: head.task.rawValue, score: entry.score,
                terms: Self.predictiveTerms(head.terms, fit(entry.index).pair, idle: idle, weights))
        }
        let winner = heads[ranked[0].index]
        notes.insert(taskNotes(fit(ranked[0].index).predicted, id: winner.task), at: 0)
        let unpredicted = ranked.filter { fit($0.index).pair.score == nil && fit($0.index).predicted.predictions != nil }
        if !unpredicted.isEmpty {
            let names = unpredicted.prefix(3).map { heads[$0.index].task.rawValue }.joined(separator: ", ")
            notes.append("no prediction for \(id.rawValue) on the type of \(names): skill fit used in place of the predicted fit")
        }
        let decision = RoutingDecision(
            policy: policy.name, policyVersion: policy.version, direction: .workerToTask,
            candidates: candidates, candidateCount: candidateCount, excluded: excluded,
            runnerUpLost: Self.predictiveRunnerUpLost(candidates), models: predictions?.models ?? [:], notes: notes)
        return (winner.task, decision)
    }

    /// Whether a free worker other than `worker`, whom `task` (of `type`) would not take over the
    /// fairness bound — or would take less far over the hard-task bound than `rank`, this
    /// worker's ``FairnessLedger/Overage/waiverRank`` — could take it from queue number
    /// `queueNumber` on channel number `channel` now.
    func hasFairAlternative(
        to worker: Int, queue queueNumber: Int, channel: Int, task id: TaskID, type: PredictionIndex.TypeEntry?, now: Date,
        rank: Double = 0
    ) -> Bool {
        guard let position = tasks.index(forKey: id) else { return false }
        let queuedAt = tasks.values[position].queuedAt
        let declined = tasks.values[position].declinedBy
        let thisQueue = Int32(queueNumber)
        for eligibility in queues[queueNumber].eligible where eligibility.worker != worker {
            let other = hot[eligibility.worker]
            guard other.available, other.serving < 0 || other.serving == thisQueue, other.hasCapacity(on: channel),
                eligibility.delay <= 0 || queuedAt + eligibility.delay <= now,
                declined.isEmpty || !declined.contains(workers[eligibility.worker].worker.id),
                fairnessOverage(eligibility.worker, type: type).map({ $0.waiverRank < rank }) ?? true
            else { continue }
            return true
        }
        return false
    }
}

/// Indices of a list of keys from the largest key down, the lower index first among equals — the
/// order a stable sort by descending key gives — taken one at a time from a binary heap, so that
/// the first few of n cost about n comparisons rather than the n log n of sorting them all.
struct DescendingOrder {
    private let keys: [Double]
    private var heap: [Int32]

    init(_ keys: [Double]) {
        self.keys = keys
        heap = (0..<Int32(keys.count)).map { $0 }
        var parent = heap.count / 2 - 1
        while parent >= 0 {
            siftDown(parent)
            parent -= 1
        }
    }

    /// Whether index `a` comes before index `b`.
    @inline(__always)
    private func before(_ a: Int32, _ b: Int32) -> Bool {
        let ka = keys[Int(a)]
        let kb = keys[Int(b)]
        return ka > kb || (ka == kb && a < b)
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        let count = heap.count
        while true {
            let left = 2 * parent + 1
            if left >= count { return }
            var first = left
            if left + 1 < count, before(heap[left + 1], heap[left]) { first = left + 1 }
            if !before(heap[first], heap[parent]) { return }
            heap.swapAt(first, parent)
            parent = first
        }
    }

    /// The next index, or nil when every one has been taken.
    mutating func next() -> Int? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        return Int(top)
    }
}
