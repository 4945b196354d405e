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
        let (value, given) = taskValue(attributes: task.attributes)
        return PredictedTask(
            type: type, predictions: predictionIndex.types[type], value: value, valueGiven: given,
            promiseDeadline: promiseDeadline(of: task))
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
        pairFit(
            prediction: prediction(task.predictions, worker: number), value: task.value,
            promiseDeadline: task.promiseDeadline, worker: number, skillFit: skillFit, now: now)
    }

    /// The fit of worker number `number`, given their `prediction` (nil: the skill fit stands
    /// in), for a task worth `value` whose response window ends at `promiseDeadline`.
    @inline(__always)
    func pairFit(
        prediction: Prediction?, value: Double, promiseDeadline: Double?, worker number: Int, skillFit: Double, now: Double
    ) -> PairFit {
        guard let prediction else { return PairFit(fit: skillFit, prediction: nil, score: nil) }
        let score = PredictiveScore(
            prediction: prediction, taskValue: value, costPerHour: workers[number].worker.costPerHour,
            customerCostPerHour: settings.predictive.customerCostPerHour, promiseSlack: promiseDeadline.map { $0 - now },
            missedPromiseCost: settings.predictive.missedPromiseCost)
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
    ///
    /// Returns the chosen task with the number of the queue it waits in, which the caller would
    /// otherwise find by copying the task out of `tasks` again.
    func routePredictive(worker id: WorkerID, now: Date) -> (task: TaskID, queue: Int, decision: RoutingDecision)? {
        guard let workerNumber = workerIndex[id] else { return nil }
        let worker = hot[workerNumber]
        guard worker.available else { return nil }
        guard workers[workerNumber].queues.contains(where: { queues[$0.queue].waitingCount > 0 }) else { return nil }
        let policy = settings.routingPolicy.parameters
        let weights = policy.weights
        let nowValue = now.timeIntervalSinceReferenceDate
        let idle = Self.idle(worker, now: nowValue)
        var best = TopCandidates(capacity: max(settings.explainedCandidates, 2))
        var heads: [LineHead] = []
        var orderings: [Double] = []
        // A head per priority level and channel of each queue this worker serves, at most: one
        // allocation each.
        let lines = min(workers[workerNumber].queues.count * 9 * max(channelList.count, 1), 512)
        heads.reserveCapacity(lines)
        orderings.reserveCapacity(lines)
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
                    // Read where it waits: binding the line would retain and release it.
                    guard let head = queues[queueNumber].waiting[channel][level].first else { continue }
                    var entry = head
                    var slot = 0
                    if !head.declinedBy.isEmpty, head.declinedBy.contains(id) {
                        guard
                            let other = queues[queueNumber].waiting[channel][level].firstIndex(where: {
                                !$0.declinedBy.contains(id)
                            })
                        else {
                            exclusions.add(.declined, skipped.count)
                            skipped.append(head.task)
                            continue
                        }
                        entry = queues[queueNumber].waiting[channel][level][other]
                        slot = other
                    }
                    if eligibility.delay > 0, entry.queuedAt + eligibility.delay > now {
                        exclusions.add(.relaxation(eligibility.delay), skipped.count)
                        skipped.append(entry.task)
                        continue
                    }
                    candidateCount += 1
                    let terms = Self.taskTerms(
                        queue: queue, priority: level + 1, queuedAt: entry.queuedAt, now: now, weights: weights)
                    heads.append(LineHead(
                        task: entry.task, queuedAt: entry.queuedAt, queue: queueNumber, channel: channel, level: level,
                        slot: slot, declined: !entry.declinedBy.isEmpty, type: entry.type, terms: terms,
                        skillFit: eligibility.skillFit))
                    orderings.append(Self.predictiveTotal(terms, fit: 0, idle: idle, weights))
                }
            }
        }
        // Reading a task's type, value and promise costs more than its ordering terms: score the
        // heads from the best ordering down and stop once even a perfect fit could not reach the
        // places explained. Taken from a heap, one at a time, rather than sorting every head: the
        // loop usually stops after a few. A head is read for what it needs at that point only —
        // its type to judge fairness, then its value and promise to score it — and the
        // explanation is built for the places explained alone, once the loop is done.
        var order = DescendingOrder(orderings)
        // Judged per task: one that would take this worker over the fairness bound is left to
        // another free worker within it, if there is one; otherwise taken, the rule waived.
        // Both judgements depend on the task only through its type (and, for the other worker,
        // its line, wait and refusals), so each decision remembers them rather than judging
        // every head afresh: a worker over the bound meets it on every head it looks at.
        let checkFairness = !fairness.isEmpty
        var judged = FairnessJudgements()
        var alternatives = FairAlternatives()
        var passedOver = PassedOver()
        var waivedFor: [Int: FairnessLedger.Overage] = [:]
        var lastTypeName: String?
        var lastType = -1
        while let index = order.next() {
            let ordering = orderings[index]
            if best.ranked.count == best.capacity, ordering + weights.skillFit <= best.ranked[best.capacity - 1].score {
                break
            }
            // The type is read where the head waits: a head passed over for fairness is neither
            // found in `tasks` nor copied out of it.
            let typeName = heads[index].type
            let type: Int
            if typeName == lastTypeName {
                type = lastType
            } else {
                type = typeNumber(typeName)
                lastTypeName = typeName
                lastType = type
            }
            if checkFairness, let overage = judged.overage(type: type, { fairnessOverage(workerNumber, type: type) }) {
                if hasFairAlternative(
                    to: workerNumber, head: heads[index], type: type, rank: overage.waiverRank, now: now, memo: &alternatives)
                {
                    passedOver.add(heads[index].task, overage)
                    continue
                }
                waivedFor[index] = overage
            }
            guard let position = tasks.index(forKey: heads[index].task) else { continue }
            // Copied once: each read of a field through the dictionary would copy the task again.
            let task = tasks.values[position]
            let pair = pairFit(
                taskFacts(task, type: type), worker: workerNumber, skillFit: heads[index].skillFit, now: nowValue)
            best.consider(index, score: ordering + weights.skillFit * pair.fit)
        }
        guard !best.ranked.isEmpty else { return nil }
        let ranked = best.ranked
        var explained: [(pair: PairFit, predicted: PredictedTask)] = []
        explained.reserveCapacity(ranked.count)
        for entry in ranked {
            // Found in the loop, and nothing has changed since.
            guard let position = tasks.index(forKey: heads[entry.index].task) else { return nil }
            let predicted = predictedTask(tasks.values[position])
            let pair = pairFit(predicted, worker: workerNumber, skillFit: heads[entry.index].skillFit, now: nowValue)
            explained.append((pair, predicted))
        }
        var notes: [String] = []
        var excluded = lineHeadExclusions(exclusions, skipped: skipped, otherQueues: otherQueues, worker: workerNumber)
        if let first = passedOver.first {
            excluded.append(Exclusion(
                rule: "\(first.overage.rule) (for \(first.task.rawValue)): tasks another free worker within the bound can take",
                count: passedOver.count, examples: passedOver.examples.map(\.rawValue)))
        }
        if let overage = waivedFor[ranked[0].index] {
            notes.append(
                "fairness waived: \(heads[ranked[0].index].task.rawValue) would take \(id.rawValue) over the bound "
                    + "(\(overage.rule)), but no other free worker within it, or less over on hard tasks, can take it, "
                    + "and work does not wait for fairness")
        }
        let candidates = ranked.indices.map { place in
            ScoredCandidate(
                id: heads[ranked[place].index].task.rawValue, score: ranked[place].score,
                terms: Self.predictiveTerms(heads[ranked[place].index].terms, explained[place].pair, idle: idle, weights))
        }
        let winner = heads[ranked[0].index]
        notes.insert(taskNotes(explained[0].predicted, id: winner.task), at: 0)
        let unpredicted = ranked.indices.filter { explained[$0].pair.score == nil && explained[$0].predicted.predictions != nil }
        if !unpredicted.isEmpty {
            let names = unpredicted.prefix(3).map { heads[ranked[$0].index].task.rawValue }.joined(separator: ", ")
            notes.append("no prediction for \(id.rawValue) on the type of \(names): skill fit used in place of the predicted fit")
        }
        let decision = RoutingDecision(
            policy: policy.name, policyVersion: policy.version, direction: .workerToTask,
            candidates: candidates, candidateCount: candidateCount, excluded: excluded,
            runnerUpLost: Self.predictiveRunnerUpLost(candidates), models: predictions?.models ?? [:], notes: notes)
        return (winner.task, winner.queue, decision)
    }

    /// Whether a free worker other than `worker`, whom a task of type number `type` would not take
    /// over the fairness bound — or would take less far over the hard-task bound than `rank`, this
    /// worker's ``FairnessLedger/Overage/waiverRank`` — could take line head `head` now.
    ///
    /// What it finds is remembered in `memo` for the decision: the other worker found can take any
    /// head of the same line (queue and channel), type and rank that has waited at least as long
    /// and that no one declined; and where no one could, no one can take such a head that has
    /// waited less. Only the relaxation delays and refusals depend on the head itself.
    func hasFairAlternative(
        to worker: Int, head: LineHead, type: Int, rank: Double, now: Date, memo: inout FairAlternatives
    ) -> Bool {
        let key = FairAlternatives.Key(queue: head.queue, channel: head.channel, type: type, rank: rank)
        if head.declined {
            let declinedBy = queues[head.queue].waiting[head.channel][head.level][head.slot].declinedBy
            return fairAlternative(to: worker, key: key, queuedAt: head.queuedAt, declinedBy: declinedBy, now: now) != nil
        }
        if let known = memo.answer(key, queuedAt: head.queuedAt, now: now) { return known }
        let found = fairAlternative(to: worker, key: key, queuedAt: head.queuedAt, declinedBy: [], now: now)
        memo.record(key, found: found, queuedAt: head.queuedAt)
        return found != nil
    }

    /// The first free worker other than `worker` (in the queue's order of eligible workers) who
    /// could take a task of `key`'s line and type, queued at `queuedAt` and declined by
    /// `declinedBy`, now, and whom it would not take over the fairness bound — or less far over
    /// the hard-task bound than `key`'s rank; with the wait after which they qualify.
    func fairAlternative(
        to worker: Int, key: FairAlternatives.Key, queuedAt: Date, declinedBy declined: [WorkerID], now: Date
    ) -> (worker: Int, delay: TimeInterval)? {
        let thisQueue = Int32(key.queue)
        for eligibility in queues[key.queue].eligible where eligibility.worker != worker {
            let other = hot[eligibility.worker]
            guard other.available, other.serving < 0 || other.serving == thisQueue, other.hasCapacity(on: key.channel),
                eligibility.delay <= 0 || queuedAt + eligibility.delay <= now,
                declined.isEmpty || !declined.contains(workers[eligibility.worker].worker.id),
                fairnessOverage(eligibility.worker, type: key.type).map({ $0.waiverRank < key.rank }) ?? true
            else { continue }
            return (eligibility.worker, eligibility.delay)
        }
        return nil
    }
}

/// A line head a freed worker may take, as the scan of its lines found it.
struct LineHead {
    var task: TaskID
    var queuedAt: Date
    /// Where it waits: `queues[queue].waiting[channel][level][slot]`.
    var queue: Int
    var channel: Int
    var level: Int
    var slot: Int
    /// Whether any worker declined it.
    var declined: Bool
    /// The task's type in the prediction table, as its waiting entry keeps it.
    var type: String
    var terms: TaskTerms
    var skillFit: Double
}

/// One worker's fairness judgement per task type, made once in a decision: it depends on the
/// worker, the type (its predicted seconds and whether it is hard) and the ledger only.
struct FairnessJudgements {
    /// By type number + 1 (0 for a type without predictions): nil while not judged, then the
    /// overage, nil inside when within the bound.
    private var judged: [FairnessLedger.Overage??] = []

    @inline(__always)
    mutating func overage(type: Int, _ judge: () -> FairnessLedger.Overage?) -> FairnessLedger.Overage? {
        let slot = type + 1
        if slot < judged.count, let known = judged[slot] { return known }
        let overage = judge()
        if slot >= judged.count { judged.append(contentsOf: repeatElement(nil, count: slot + 1 - judged.count)) }
        judged[slot] = .some(overage)
        return overage
    }
}

/// What a decision has learned about other free workers within the fairness bound, per line,
/// type and rank: see ``WorkspaceState/hasFairAlternative(to:head:type:rank:now:memo:)``.
struct FairAlternatives {
    struct Key: Equatable {
        var queue: Int
        var channel: Int
        var type: Int
        var rank: Double
    }

    private struct Known {
        var key: Key
        /// A worker found, and the wait after which they qualify.
        var worker: (number: Int, delay: TimeInterval)?
        /// The earliest queueing time a scan found no one for: a head queued then or later waited
        /// no longer, so no one qualifies for it either.
        var noneFrom: Date?
    }

    /// Few: one per line, type and rank met in the decision.
    private var known: [Known] = []

    /// The answer for a head of `key` queued at `queuedAt` that no one declined, when what is
    /// known gives it; nil when a scan is needed.
    @inline(__always)
    func answer(_ key: Key, queuedAt: Date, now: Date) -> Bool? {
        for entry in known where entry.key == key {
            if let worker = entry.worker, worker.delay <= 0 || queuedAt + worker.delay <= now { return true }
            if let noneFrom = entry.noneFrom, queuedAt >= noneFrom { return false }
            return nil
        }
        return nil
    }

    /// Records a scan's result for a head of `key` queued at `queuedAt`.
    mutating func record(_ key: Key, found: (worker: Int, delay: TimeInterval)?, queuedAt: Date) {
        let place: Int
        if let index = known.firstIndex(where: { $0.key == key }) {
            place = index
        } else {
            known.append(Known(key: key))
            place = known.count - 1
        }
        if let found {
            known[place].worker = (found.worker, found.delay)
        } else if known[place].noneFrom.map({ queuedAt < $0 }) ?? true {
            known[place].noneFrom = queuedAt
        }
    }
}

/// The tasks a freed worker passed over for the fairness bound: how many, the first with its
/// overage, and the first few, without keeping them all.
struct PassedOver {
    private(set) var count = 0
    private(set) var first: (task: TaskID, overage: FairnessLedger.Overage)?
    private(set) var examples: [TaskID] = []

    mutating func add(_ task: TaskID, _ overage: FairnessLedger.Overage) {
        if first == nil { first = (task, overage) }
        if examples.count < 3 { examples.append(task) }
        count += 1
    }
}

/// Indices of a list of keys from the largest key down, the lower index first among equals — the
/// order a stable sort by descending key gives — taken one at a time from a binary heap, so that
/// the first few of n cost about n comparisons rather than the n log n of sorting them all.
struct DescendingOrder {
    /// A key with its index, kept together so that a comparison reads one place.
    private struct Node {
        var key: Double
        var index: Int32
    }

    private var heap: [Node]

    init(_ keys: [Double]) {
        heap = []
        heap.reserveCapacity(keys.count)
        for index in keys.indices { heap.append(Node(key: keys[index], index: Int32(index))) }
        heap.withUnsafeMutableBufferPointer { nodes in
            var parent = nodes.count / 2 - 1
            while parent >= 0 {
                Self.siftDown(nodes, from: parent)
                parent -= 1
            }
        }
    }

    /// Whether `a` comes before `b`.
    @inline(__always)
    private static func before(_ a: Node, _ b: Node) -> Bool {
        a.key > b.key || (a.key == b.key && a.index < b.index)
    }

    private static func siftDown(_ nodes: UnsafeMutableBufferPointer<Node>, from start: Int) {
        var parent = start
        let count = nodes.count
        let moving = nodes[parent]
        while true {
            let left = 2 * parent + 1
            if left >= count { break }
            var first = left
            if left + 1 < count, before(nodes[left + 1], nodes[left]) { first = left + 1 }
            if !before(nodes[first], moving) { break }
            nodes[parent] = nodes[first]
            parent = first
        }
        nodes[parent] = moving
    }

    /// The next index, or nil when every one has been taken.
    mutating func next() -> Int? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap.withUnsafeMutableBufferPointer { nodes in
                nodes[0] = last
                Self.siftDown(nodes, from: 0)
            }
        }
        return Int(top.index)
    }
}
