import Foundation

/// The waiting tasks and free capacity of one `optimal-batch` run, with what each pairing scores.
///
/// Columns are a worker's free capacity on one channel (a task only uses capacity on its own
/// channel); rows are the waiting tasks in line order: queue, channel, priority, waiting time.
/// The problem's cost of a pair is −score, plus, for a pair that would take its worker over the
/// fairness bound (judged prospectively, pair by pair: see ``FairnessLedger``), a penalty of more
/// than twice any difference of total score for each of its units
/// (``FairnessLedger/Overage/penaltyUnits``: one, and one more per tenth of the team's mean share
/// a hard-task share would be over), so that among the assignments that serve the most tasks the
/// solver first uses over-bound workers as little as it can — only where no one else can take
/// the task, and then those least over on hard tasks — and then takes the best total score.
public struct BatchAssignment: Sendable {
    /// One waiting task.
    public struct Row: Sendable {
        /// The task.
        public var task: TaskID
        /// Its queue's number.
        var queue: Int
        /// Its channel's number.
        var channel: Int
        /// Its ordering terms.
        var terms: TaskTerms
        /// Its type, value and promise.
        var predicted: PredictedTask
    }

    /// One worker's free capacity on one channel.
    public struct Column: Sendable {
        /// The worker's number.
        var worker: Int
        /// The channel's number.
        var channel: Int
        /// Free slots.
        var free: Int
    }

    /// The tasks, in line order.
    public internal(set) var rows: [Row] = []
    /// The free capacity.
    var columns: [Column] = []
    /// The score of each eligible pair, row-major; nil where ineligible.
    public internal(set) var scores: [Double?] = []
    /// The penalty units of each pair, row-major: 0 within the fairness bound.
    var overUnits: [Int] = []
    /// The problem handed to the solver.
    public internal(set) var problem: AssignmentProblem?
    /// The cost added per penalty unit of a pair with a worker over the fairness bound.
    public internal(set) var penalty = 1.0

    /// The score of `row` on `column`, or nil.
    public func score(row: Int, column: Int) -> Double? { scores[row * columns.count + column] }

    /// Whether giving `row` to `column` would take the column's worker over the fairness bound.
    public func isOverBound(row: Int, column: Int) -> Bool { overUnits[row * columns.count + column] > 0 }

    /// The penalty units of giving `row` to `column`: 0 within the fairness bound, else 1 and one
    /// more per tenth of the team's mean share the worker's hard-task share would be over it.
    public func penaltyUnits(row: Int, column: Int) -> Int { overUnits[row * columns.count + column] }

    /// The number of columns.
    public var columnCount: Int { columns.count }

    /// The sum of scores of an assignment (row → column), ignoring the fairness penalty.
    public func totalScore(_ columnOfRow: [Int?]) -> Double {
        var total = 0.0
        for (row, column) in columnOfRow.enumerated() {
            if let column, let score = score(row: row, column: column) { total += score }
        }
        return total
    }

    /// How many pairs of an assignment would take their worker over the fairness bound.
    public func overBoundCount(_ columnOfRow: [Int?]) -> Int {
        var count = 0
        for (row, column) in columnOfRow.enumerated() where column.map({ isOverBound(row: row, column: $0) }) == true {
            count += 1
        }
        return count
    }
}

extension WorkspaceState {
    /// The assignment problem of the waiting tasks and the free capacity as they stand at `now`.
    public func batchAssignment(now: Date) -> BatchAssignment {
        var batch = BatchAssignment()
        let policy = settings.routingPolicy.parameters
        let weights = policy.weights
        let nowValue = now.timeIntervalSinceReferenceDate
        // Free capacity, by worker and channel.
        var columnOf: [Int: Int] = [:]
        for (number, worker) in hot.enumerated() where worker.available {
            for channel in channelList.indices where worker.capacity[channel] > worker.load[channel] {
                columnOf[number * Self.maxChannels + channel] = batch.columns.count
                batch.columns.append(BatchAssignment.Column(
                    worker: number, channel: channel, free: Int(worker.capacity[channel] - worker.load[channel])))
            }
        }
        guard !batch.columns.isEmpty else { return batch }
        for queueNumber in queues.indices where queues[queueNumber].waitingCount > 0 {
            let queue = queues[queueNumber].queue
            for channel in queues[queueNumber].channels {
                for level in 0..<9 {
                    for entry in queues[queueNumber].waiting[channel][level] {
                        guard let task = tasks[entry.task] else { continue }
                        batch.rows.append(BatchAssignment.Row(
                            task: entry.task, queue: queueNumber, channel: channel,
                            terms: Self.taskTerms(
                                queue: queue, priority: level + 1, queuedAt: entry.queuedAt, now: now, weights: weights),
                            predicted: predictedTask(task)))
                    }
                }
            }
        }
        let columnCount = batch.columns.count
        batch.scores = [Double?](repeating: nil, count: batch.rows.count * columnCount)
        batch.overUnits = [Int](repeating: 0, count: batch.rows.count * columnCount)
        let checkFairness = !fairness.isEmpty
        var lowest = Double.infinity
        var highest = -Double.infinity
        for (rowNumber, row) in batch.rows.enumerated() {
            let thisQueue = Int32(row.queue)
            let declined = tasks[row.task]?.declinedBy ?? []
            let queuedAt = tasks[row.task]?.queuedAt ?? now
            for eligibility in queues[row.queue].eligible {
                guard let column = columnOf[eligibility.worker * Self.maxChannels + row.channel] else { continue }
                let worker = hot[eligibility.worker]
                if worker.serving >= 0, worker.serving != thisQueue { continue }
                if eligibility.delay > 0, queuedAt + eligibility.delay > now { continue }
                if !declined.isEmpty, declined.contains(workers[eligibility.worker].worker.id) { continue }
                let pair = pairFit(row.predicted, worker: eligibility.worker, skillFit: eligibility.skillFit, now: nowValue)
                let score = Self.predictiveTotal(row.terms, fit: pair.fit, idle: Self.idle(worker, now: nowValue), weights)
                batch.scores[rowNumber * columnCount + column] = score
                if checkFairness, let overage = fairnessOverage(eligibility.worker, type: row.predicted.predictions) {
                    batch.overUnits[rowNumber * columnCount + column] = overage.penaltyUnits
                }
                lowest = min(lowest, score)
                highest = max(highest, score)
            }
        }
        // More than twice the spread of any two assignments' total scores: one penalty unit fewer
        // always outweighs any gain in score, and a difference of costs splits uniquely into
        // penalty units and score.
        let pairs = Double(min(batch.rows.count, batch.columns.reduce(0) { $0 + $1.free }))
        let penalty = lowest <= highest ? 2 * (highest - lowest) * pairs + 1 : 1
        batch.penalty = penalty
        var costs = [Double](repeating: .infinity, count: batch.scores.count)
        for index in costs.indices {
            guard let score = batch.scores[index] else { continue }
            costs[index] = -score + Double(batch.overUnits[index]) * penalty
        }
        batch.problem = try? AssignmentProblem(
            taskCount: batch.rows.count, workerCount: columnCount, costs: costs, capacities: batch.columns.map(\.free))
        return batch
    }

    /// Assigns the waiting tasks to the free capacity at once and offers each its worker, as
    /// `TaskRouted` events whose decisions explain the pairing and what the best assignment
    /// without it would cost.
    mutating func routeBatch(_ run: inout Run) {
        let now = run.context.now
        // Nothing to assign: the common case on a busy floor or a quiet one, answered before
        // building anything.
        guard queues.contains(where: { $0.waitingCount > 0 }),
            hot.contains(where: { $0.available && Self.hasFreeCapacity($0, channels: channelList.count) })
        else { return }
        let batch = batchAssignment(now: now)
        guard let problem = batch.problem, problem.taskCount > 0 else { return }
        let solution = AssignmentSolver.solve(problem)
        guard solution.assignedCount > 0 else { return }
        let columnOfRow = solution.workerOfTask
        var alternatives: [Int: AssignmentAlternative] = [:]
        for alternative in solution.alternatives(for: problem) { alternatives[alternative.task] = alternative }
        var offers: [(task: TaskID, worker: WorkerID, queue: Int, decision: RoutingDecision)] = []
        for (row, column) in columnOfRow.enumerated() {
            guard let column else { continue }
            let alternative = alternatives[row].map { Self.alternativeText($0, penalty: batch.penalty) }
                ?? "no alternative assignment was found"
            let decision = batchDecision(
                batch, row: row, column: column, alternative: alternative, assigned: solution.assignedCount,
                unassigned: solution.unassignedTasks, now: now)
            offers.append((batch.rows[row].task, workers[batch.columns[column].worker].worker.id, batch.rows[row].queue, decision))
        }
        for offer in offers {
            let expiresAt = now + queues[offer.queue].queue.offerTimeout
            emit(.taskOffered(task: offer.task, worker: offer.worker, expiresAt: expiresAt, decision: offer.decision), &run, actor: "system")
        }
    }

    private static func hasFreeCapacity(_ worker: WorkerHot, channels: Int) -> Bool {
        for channel in 0..<min(channels, maxChannels) where worker.capacity[channel] > worker.load[channel] { return true }
        return false
    }

    /// "the best assignment without this pairing costs X more", in score points, from the
    /// solver's alternative: its extra cost splits into penalty units over the fairness bound
    /// (each costing `penalty`) and score, since the score part is less than half the penalty.
    static func alternativeText(_ alternative: AssignmentAlternative, penalty: Double) -> String {
        if alternative.lostAssignments > 0 {
            let fewer = alternative.lostAssignments
            return "without this pairing \(fewer == 1 ? "one task" : "\(fewer) tasks") fewer could be served now"
        }
        let over = (alternative.extraCost / penalty).rounded()
        let score = alternative.extraCost - over * penalty
        var text = "the best assignment without this pairing costs \(format(score)) more"
        if over >= 1 {
            let count = Int(over)
            text += " and goes \(count) \(count == 1 ? "step" : "steps") further over the fairness bound"
                + " (a task given to a worker over it, or a tenth of the team's mean share on hard tasks)"
        }
        return text
    }

    /// The decision of one pairing of a batch: the chosen worker and the task's other candidates
    /// among the free capacity, each with every term.
    func batchDecision(
        _ batch: BatchAssignment, row: Int, column: Int, alternative: String, assigned: Int, unassigned: [Int],
        now: Date
    ) -> RoutingDecision {
        let policy = settings.routingPolicy.parameters
        let weights = policy.weights
        let nowValue = now.timeIntervalSinceReferenceDate
        let task = batch.rows[row]
        let chosenWorker = batch.columns[column].worker
        // Workers the task would take over the fairness bound are candidates only when the chosen
        // one is taken over it too.
        let chosenOver = batch.isOverBound(row: row, column: column)
        var others: [(column: Int, score: Double)] = []
        var overOthers: [(worker: Int, overage: FairnessLedger.Overage)] = []
        for other in 0..<batch.columnCount where other != column {
            guard let score = batch.score(row: row, column: other) else { continue }
            if batch.isOverBound(row: row, column: other), !chosenOver {
                let worker = batch.columns[other].worker
                if let overage = fairnessOverage(worker, type: task.predicted.predictions) { overOthers.append((worker, overage)) }
            } else {
                others.append((other, score))
            }
        }
        others.sort { $0.score > $1.score }
        let shown = [(column, batch.score(row: row, column: column) ?? 0)]
            + others.prefix(max(settings.explainedCandidates, 2) - 1)
        let eligibleSkill = Dictionary(
            queues[task.queue].eligible.map { ($0.worker, $0.skillFit) }, uniquingKeysWith: { first, _ in first })
        let candidates = shown.map { entry in
            let worker = batch.columns[entry.column].worker
            let pair = pairFit(task.predicted, worker: worker, skillFit: eligibleSkill[worker] ?? 0, now: nowValue)
            return ScoredCandidate(
                id: workers[worker].worker.id.rawValue, score: entry.score,
                terms: Self.predictiveTerms(task.terms, pair, idle: Self.idle(hot[worker], now: nowValue), weights))
        }
        var notes = [taskNotes(task.predicted, id: task.task)]
        notes.append("batch: \(assigned) of \(batch.rows.count) waiting tasks assigned at once to \(batch.columns.reduce(0) { $0 + $1.free }) free places; \(alternative)")
        var excluded: [Exclusion] = []
        if chosenOver, let overage = fairnessOverage(chosenWorker, type: task.predicted.predictions) {
            notes.append(
                "fairness waived: \(workers[chosenWorker].worker.id.rawValue) \(overage.rule), but no assignment serving as many tasks "
                    + "leaves this task to a worker within the bound, or less over on hard tasks, and work does not wait for fairness")
        } else {
            excluded.append(contentsOf: fairnessExclusions(overOthers))
        }
        let unpredicted = shown.filter { task.predicted.predictions != nil && prediction(task.predicted.predictions, worker: batch.columns[$0.column].worker) == nil }
        if !unpredicted.isEmpty {
            notes.append(unpredictedNote(unpredicted.map { batch.columns[$0.column].worker }, type: task.predicted.type))
        }
        var runnerUpLost: String?
        if candidates.count > 1 {
            let runnerUp = candidates[1]
            if runnerUp.score > candidates[0].score {
                runnerUpLost = "\(runnerUp.id) scored \(Self.format(runnerUp.score)) for this task alone against "
                    + "\(Self.format(candidates[0].score)), but the batch as a whole does best with \(candidates[0].id) here: \(alternative)"
            } else {
                runnerUpLost = (Self.predictiveRunnerUpLost(candidates) ?? "") + "; \(alternative)"
            }
        } else {
            runnerUpLost = alternative
        }
        if let left = leftWaiting(batch, for: row, column: column, unassigned: unassigned, now: now) {
            runnerUpLost = (runnerUpLost.map { $0 + "; " } ?? "") + left
        }
        return RoutingDecision(
            policy: policy.name, policyVersion: policy.version, direction: .taskToWorker, candidates: candidates,
            candidateCount: others.count + 1, excluded: excluded, runnerUpLost: runnerUpLost,
            models: predictions?.models ?? [:], notes: notes)
    }
}

extension WorkspaceState {
    /// Routes a task that joined its line under a prediction policy: `predictive` offers it to
    /// the best free worker; `optimal-batch` runs the batch now, or leaves it for the next
    /// `routeWaiting` when batches run on an interval.
    mutating func offerPredictive(task id: TaskID, queueNumber: Int, _ run: inout Run) {
        if settings.routingPolicy == .optimalBatch {
            if settings.predictive.batchInterval == 0 { routeBatch(&run) }
            return
        }
        guard let (worker, decision) = routePredictive(task: id, now: run.context.now), let worker else { return }
        let expiresAt = run.context.now + queues[queueNumber].queue.offerTimeout
        emit(.taskOffered(task: id, worker: worker, expiresAt: expiresAt, decision: decision), &run, actor: "system")
    }
}

extension WorkspaceState {
    /// Of the tasks the batch left waiting, the one that scored best on this pairing's worker,
    /// and why this task was served there instead: the term that counted most, as a freed
    /// worker's decision would name it.
    func leftWaiting(_ batch: BatchAssignment, for row: Int, column: Int, unassigned: [Int], now: Date) -> String? {
        var best: (row: Int, score: Double)?
        for other in unassigned {
            guard let score = batch.score(row: other, column: column) else { continue }
            if best == nil || score > best!.score { best = (other, score) }
        }
        guard let best, let chosenScore = batch.score(row: row, column: column) else { return nil }
        let weights = settings.routingPolicy.parameters.weights
        let nowValue = now.timeIntervalSinceReferenceDate
        let worker = batch.columns[column].worker
        let skill = queues[batch.rows[row].queue].eligible.first { $0.worker == worker }?.skillFit ?? 0
        let otherSkill = queues[batch.rows[best.row].queue].eligible.first { $0.worker == worker }?.skillFit ?? 0
        let idle = Self.idle(hot[worker], now: nowValue)
        let chosen = ScoredCandidate(
            id: batch.rows[row].task.rawValue, score: chosenScore,
            terms: Self.predictiveTerms(
                batch.rows[row].terms, pairFit(batch.rows[row].predicted, worker: worker, skillFit: skill, now: nowValue),
                idle: idle, weights))
        let waiting = ScoredCandidate(
            id: batch.rows[best.row].task.rawValue, score: best.score,
            terms: Self.predictiveTerms(
                batch.rows[best.row].terms,
                pairFit(batch.rows[best.row].predicted, worker: worker, skillFit: otherSkill, now: nowValue), idle: idle, weights))
        let name = workers[worker].worker.id.rawValue
        if best.score <= chosenScore, let why = Self.whyRunnerUpLost([chosen, waiting]) {
            return "left waiting: \(why), on \(name)"
        }
        return "left waiting: \(waiting.id) scored \(Self.format(best.score)) on \(name) against \(Self.format(chosenScore)), "
            + "but no assignment serving as many tasks does better with it here"
    }
}
