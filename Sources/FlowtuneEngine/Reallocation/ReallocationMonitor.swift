import FlowtuneCore
import FlowtunePlanning
import Foundation

/// What the reallocation pass learns from the events it sees, minute to minute: per queue an
/// arrival rate, a handling time, the learned risk margin and whether the queue was at risk at
/// the last pass.
///
/// The arrival forecast is the exponentially weighted arrival rate of the recent past, held flat
/// over the horizon, unless an operator set a forecast for the queue. Each pass divides the
/// arrivals counted since the last one by the seconds between them and folds that rate in with
/// weight `1 − exp(−Δt / τ)` (τ = ``ReallocationConfiguration/arrivalTimeConstant``): a continuous
/// exponential average that weighs a second of history the same however often the pass runs.
/// The first pass takes its window's rate as it is. Handling time is the exponentially smoothed
/// time from acceptance to completion. The margin (``RiskMargin``) learns from each ended
/// interval: the first interval's predicted service level against the share of the tasks
/// accepted in it that waited no longer than the promise's time.
///
/// All of it lives in memory: after a restart the rates and margins start again, and a queue
/// still at risk is reported once more.
struct ReallocationMonitor: Sendable {
    var configuration: ReallocationConfiguration
    private var queues: [QueueID: QueueWatch] = [:]
    /// Tasks accepted and not yet completed: when, and in which queue.
    private var accepted: [TaskID: (time: Date, queue: QueueID)] = [:]
    private var lastPass: Date?
    /// When the interval whose service level is being measured started.
    private var intervalStart: Date?
    /// Arrival forecasts an operator set, per second for each interval from now.
    var forecasts: [QueueID: [Double]] = [:]

    struct QueueWatch: Sendable {
        var arrivalsSincePass = 0
        var rate: Double?
        var handlingTime: Double?
        var margin = RiskMargin()
        var atRisk = false
        /// The service level predicted for the interval being measured.
        var predicted: Double?
        var accepted = 0
        var acceptedInTime = 0
    }

    init(configuration: ReallocationConfiguration) {
        self.configuration = configuration
    }

    /// Starts counting arrivals from `now`.
    mutating func start(at now: Date) {
        lastPass = now
        for id in queues.keys { queues[id]!.arrivalsSincePass = 0 }
    }

    // MARK: - Observing

    /// Folds in the events of one command; `state` is the state they left.
    mutating func observe(_ events: [Event], state: WorkspaceState) {
        for event in events {
            switch event.payload {
            case .taskCreated(let created):
                if let queue = state.task(created.task)?.queue { queues[queue, default: QueueWatch()].arrivalsSincePass += 1 }
            case .stepCompleted(let completion):
                if let start = accepted.removeValue(forKey: completion.task) {
                    let seconds = event.time.timeIntervalSince(start.time)
                    if seconds > 0 {
                        let smoothing = configuration.handlingSmoothing
                        let old = queues[start.queue, default: QueueWatch()].handlingTime
                        queues[start.queue, default: QueueWatch()].handlingTime = old.map { $0 + smoothing * (seconds - $0) } ?? seconds
                    }
                }
                if case .step = completion.next, let queue = state.task(completion.task)?.queue {
                    queues[queue, default: QueueWatch()].arrivalsSincePass += 1
                }
            case .exceptionResolved(let task, .resume, _):
                if let queue = state.task(task)?.queue { queues[queue, default: QueueWatch()].arrivalsSincePass += 1 }
            case .offerAccepted(let id, _):
                guard let task = state.task(id) else { continue }
                accepted[id] = (event.time, task.queue)
                let within = state.queue(task.queue)?.serviceLevel.within ?? 0
                queues[task.queue, default: QueueWatch()].accepted += 1
                if event.time.timeIntervalSince(task.queuedAt) <= within {
                    queues[task.queue, default: QueueWatch()].acceptedInTime += 1
                }
            case .overrideApplied(let id, .reassign, _):
                if let task = state.task(id) { accepted[id] = (event.time, task.queue) }
            case .movedToException(let id, _), .taskCancelled(let id, _):
                accepted[id] = nil
            default:
                continue
            }
        }
    }

    // MARK: - A pass

    /// Closes the arrival window and, when one has ended, the measured interval.
    mutating func advance(to now: Date) {
        if let last = lastPass {
            let seconds = now.timeIntervalSince(last)
            if seconds > 0 {
                let weight = 1 - exp(-seconds / configuration.arrivalTimeConstant)
                for id in queues.keys {
                    let observed = Double(queues[id]!.arrivalsSincePass) / seconds
                    queues[id]!.rate = queues[id]!.rate.map { $0 + weight * (observed - $0) } ?? observed
                    queues[id]!.arrivalsSincePass = 0
                }
                lastPass = now
            }
        } else {
            lastPass = now
        }
        if let start = intervalStart, now.timeIntervalSince(start) >= configuration.intervalLength {
            for id in queues.keys {
                let watch = queues[id]!
                if let predicted = watch.predicted, watch.accepted > 0 {
                    queues[id]!.margin.observe(predicted: predicted, observed: Double(watch.acceptedInTime) / Double(watch.accepted))
                }
                queues[id]!.predicted = nil
                queues[id]!.accepted = 0
                queues[id]!.acceptedInTime = 0
            }
            intervalStart = nil
        }
    }

    /// The snapshot of `state` the reallocator plans from.
    func snapshot(of state: WorkspaceState, at now: Date) -> ReallocationSnapshot {
        let horizon = configuration.horizonIntervals
        var planned = Set<QueueID>()
        var queueSnapshots: [QueueSnapshot] = []
        for record in state.queues {
            let queue = record.queue
            // A promise of 0% or 100% cannot be at risk in the reallocator's sense.
            guard queue.serviceLevel.percent > 0, queue.serviceLevel.percent < 100 else { continue }
            let watch = queues[queue.id] ?? QueueWatch()
            var rates = forecasts[queue.id] ?? Array(repeating: watch.rate ?? 0, count: horizon)
            if rates.count < horizon { rates += Array(repeating: rates.last ?? 0, count: horizon - rates.count) }
            queueSnapshots.append(QueueSnapshot(
                queue: queue, waiting: record.waitingCount, arrivalRates: Array(rates.prefix(horizon)),
                meanHandlingTime: watch.handlingTime ?? configuration.defaultHandlingTime, riskMargin: watch.margin))
            planned.insert(queue.id)
        }
        let workers = state.workers.map { record -> WorkerSnapshot in
            let worker = record.worker
            // A worker serving every queue they are eligible for counts on a queue only when there
            // is just one; otherwise they float, are counted on none and are not moved.
            let serving = worker.servingQueue ?? {
                let queues = state.queues.filter { $0.queue.eligibilityDelay(for: worker) == 0 }
                return queues.count == 1 ? queues[0].queue.id : nil
            }()
            guard let serving else { return WorkerSnapshot(worker: worker, serving: nil, flexible: false, moveCost: worker.moveCost) }
            guard planned.contains(serving) else {
                return WorkerSnapshot(worker: worker, serving: nil, flexible: false, moveCost: worker.moveCost)
            }
            return WorkerSnapshot(worker: worker, serving: serving, flexible: worker.flexible, moveCost: worker.moveCost)
        }
        return ReallocationSnapshot(time: now, queues: queueSnapshots, workers: workers)
    }

    /// What the core is to record for `plan`: the queues that have turned at risk since the last
    /// pass, and every move. Remembers which queues are at risk now, and the first interval's
    /// prediction of each queue for the margin to learn from.
    mutating func round(for plan: ReallocationPlan, snapshot: ReallocationSnapshot, at now: Date) -> ReallocationRound {
        var risks: [QueueRisk] = []
        let horizon = configuration.intervalLength * Double(configuration.horizonIntervals)
        if intervalStart == nil { intervalStart = now }
        for (assessment, queue) in zip(plan.queues, snapshot.queues) {
            var watch = queues[assessment.queue] ?? QueueWatch()
            if assessment.atRisk, !watch.atRisk {
                risks.append(QueueRisk(
                    queue: assessment.queue, predictedServiceLevel: assessment.outlook.serviceLevel, goal: assessment.goal,
                    horizon: horizon, waiting: queue.waiting, agents: assessment.outlook.agents))
            }
            watch.atRisk = assessment.atRisk
            if watch.predicted == nil { watch.predicted = assessment.outlook.intervals.first?.serviceLevel }
            queues[assessment.queue] = watch
        }
        return ReallocationRound(risks: risks, moves: plan.moves)
    }

    /// The learned margin of `queue`, for tests and reports.
    func margin(of queue: QueueID) -> RiskMargin? { queues[queue]?.margin }

    /// The smoothed arrival rate of `queue`, per second.
    func arrivalRate(of queue: QueueID) -> Double? { queues[queue]?.rate }
}
