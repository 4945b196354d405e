import Foundation

/// Operational measures folded from a workspace's events: waits and service level per queue,
/// cycle time, exceptions and cost per workflow, load and utilization per worker.
///
/// It reads only events, so it can run live beside the engine, over a replayed log, or over a
/// simulated run, and always agrees with the log.
///
/// ```swift
/// var metrics = WorkspaceMetrics()
/// for event in events { metrics.record(event) }
/// metrics.queues["tier1"]?.serviceLevelAttainment
/// ```
public struct WorkspaceMetrics: Sendable {
    /// Measures per queue.
    public private(set) var queues: [QueueID: QueueMetrics] = [:]
    /// Measures per workflow.
    public private(set) var workflows: [WorkflowID: WorkflowMetrics] = [:]
    /// Measures per worker.
    public private(set) var workers: [WorkerID: WorkerMetrics] = [:]
    /// The first and last event times seen.
    public private(set) var firstEvent: Date?
    /// The last event time seen.
    public private(set) var lastEvent: Date?

    private var definitions: [WorkflowID: [Int: Workflow]] = [:]
    private var targets: [QueueID: ServiceLevelTarget] = [:]
    private var costs: [WorkerID: Double] = [:]
    private var open: [TaskID: OpenTask] = [:]
    /// Per worker: how many tasks it holds and since when it has held at least one.
    private var holding: [WorkerID: (count: Int, since: Date)] = [:]

    private struct OpenTask {
        var workflow: WorkflowID
        var version: Int
        var createdAt: Date
        var queue: QueueID
        var waitingSince: Date
        var assignedAt: Date?
        var worker: WorkerID?
        var cost: Double
    }

    /// Creates empty measures.
    public init() {}

    /// Folds one event into the measures.
    public mutating func record(_ event: Event) {
        let time = event.time
        if firstEvent == nil { firstEvent = time }
        lastEvent = time
        switch event.payload {
        case .workflowDefined(let workflow):
            definitions[workflow.id, default: [:]][workflow.version] = workflow
        case .queueDefined(let queue):
            targets[queue.id] = queue.serviceLevel
        case .workerRegistered(let worker):
            costs[worker.id] = worker.costPerHour
        case .taskCreated(let created):
            guard let queue = definitions[created.workflow]?[created.workflowVersion]?.firstStep?.queue else { return }
            open[created.task] = OpenTask(
                workflow: created.workflow, version: created.workflowVersion, createdAt: time, queue: queue,
                waitingSince: time, cost: 0)
            workflows[created.workflow, default: WorkflowMetrics()].created += 1
            queues[queue, default: QueueMetrics()].entered += 1
        case .decisionApplied(let application):
            // A decision that picks the step's queue moves the task before anyone could take it.
            guard let queue = application.queue, var task = open[application.task], task.queue != queue else { return }
            queues[task.queue, default: QueueMetrics()].entered -= 1
            queues[queue, default: QueueMetrics()].entered += 1
            task.queue = queue
            open[application.task] = task
        case .taskOffered(let id, _, _, _):
            guard let task = open[id] else { return }
            queues[task.queue, default: QueueMetrics()].offers += 1
        case .offerAccepted(let id, let worker):
            guard var task = open[id] else { return }
            let wait = time.timeIntervalSince(task.waitingSince)
            // Changed in place: taking the queue's measures out and back would copy every wait so far.
            queues[task.queue, default: QueueMetrics()].waits.append(wait)
            if let target = targets[task.queue], wait <= target.within {
                queues[task.queue, default: QueueMetrics()].answeredWithinTarget += 1
            }
            task.assignedAt = time
            task.worker = worker
            open[id] = task
            startHolding(worker, at: time)
        case .offerDeclined(let id, _, let reason):
            guard let task = open[id] else { return }
            if reason == .timedOut { queues[task.queue, default: QueueMetrics()].offerTimeouts += 1 }
            if reason == .rejected { queues[task.queue, default: QueueMetrics()].offerRejections += 1 }
        case .stepCompleted(let completion):
            guard var task = open[completion.task] else { return }
            closeWork(&task, at: time, handled: true)
            switch completion.next {
            case .end:
                finish(completion.task, task, at: time, completed: true)
            case .step(let next):
                if let queue = definitions[task.workflow]?[task.version]?.step(next)?.queue {
                    task.queue = queue
                    queues[queue, default: QueueMetrics()].entered += 1
                }
                task.waitingSince = time
                open[completion.task] = task
            }
        case .movedToException(let id, _):
            guard var task = open[id] else { return }
            closeWork(&task, at: time, handled: false)
            queues[task.queue, default: QueueMetrics()].exceptions += 1
            workflows[task.workflow, default: WorkflowMetrics()].exceptions += 1
            open[id] = task
        case .exceptionResolved(let id, let resolution, _):
            guard var task = open[id] else { return }
            switch resolution {
            case .complete: finish(id, task, at: time, completed: true)
            case .cancel: finish(id, task, at: time, completed: false)
            case .resume(let step):
                if let queue = definitions[task.workflow]?[task.version]?.step(step)?.queue {
                    task.queue = queue
                    queues[queue, default: QueueMetrics()].entered += 1
                }
                task.waitingSince = time
                open[id] = task
            }
        case .overrideApplied(let id, .reassign(let worker), _):
            guard var task = open[id] else { return }
            closeWork(&task, at: time, handled: false)
            task.assignedAt = time
            task.worker = worker
            open[id] = task
            startHolding(worker, at: time)
        case .taskCancelled(let id, _):
            guard var task = open[id] else { return }
            closeWork(&task, at: time, handled: false)
            finish(id, task, at: time, completed: false)
        case .escalated(let id, _, _, _):
            guard let task = open[id] else { return }
            queues[task.queue, default: QueueMetrics()].escalations += 1
        case .thresholdChanged(let change):
            workflows[change.workflow, default: WorkflowMetrics()].responseWindows[change.step] = change.to
            workflows[change.workflow, default: WorkflowMetrics()].thresholdChanges += 1
        case .exceptionRateAlert(let signal):
            workflows[signal.workflow, default: WorkflowMetrics()].exceptionRateAlerts += 1
            workflows[signal.workflow, default: WorkflowMetrics()].exceptionRateAlerting = true
        case .exceptionRateRecovered(let signal):
            workflows[signal.workflow, default: WorkflowMetrics()].exceptionRateAlerting = false
        case .workerStatusChanged, .policyChanged, .settingsChanged, .decisionPublished, .exceptionClaimed, .priorityChanged,
            .overrideApplied, .exceptionRateObserved, .queueAtRisk, .reallocationProposed, .workerReallocated,
            .reallocationDeclined, .predictionsPublished:
            break
        }
    }

    /// Tasks that have been waiting for a worker longer than `threshold`, as of `now`, per queue.
    public func stale(olderThan threshold: TimeInterval, now: Date) -> [QueueID: Int] {
        var counts: [QueueID: Int] = [:]
        for task in open.values where task.assignedAt == nil && now.timeIntervalSince(task.waitingSince) > threshold {
            counts[task.queue, default: 0] += 1
        }
        return counts
    }

    /// Tasks not yet finished.
    public var openTasks: Int { open.count }

    private mutating func closeWork(_ task: inout OpenTask, at time: Date, handled: Bool) {
        guard let start = task.assignedAt, let worker = task.worker else { return }
        let busy = time.timeIntervalSince(start)
        let cost = busy / 3600 * (costs[worker] ?? 0)
        var metrics = workers[worker, default: WorkerMetrics()]
        metrics.busySeconds += busy
        metrics.cost += cost
        if handled { metrics.stepsCompleted += 1 }
        workers[worker] = metrics
        stopHolding(worker, at: time)
        task.cost += cost
        task.assignedAt = nil
        task.worker = nil
    }

    private mutating func startHolding(_ worker: WorkerID, at time: Date) {
        let current = holding[worker] ?? (0, time)
        holding[worker] = (current.count + 1, current.count == 0 ? time : current.since)
    }

    private mutating func stopHolding(_ worker: WorkerID, at time: Date) {
        guard let current = holding[worker], current.count > 0 else { return }
        if current.count == 1 {
            workers[worker, default: WorkerMetrics()].occupiedSeconds += time.timeIntervalSince(current.since)
            holding[worker] = nil
        } else {
            holding[worker] = (current.count - 1, current.since)
        }
    }

    private mutating func finish(_ id: TaskID, _ task: OpenTask, at time: Date, completed: Bool) {
        // Changed in place: taking the workflow's measures out and back would copy every cycle time so far.
        if completed {
            workflows[task.workflow, default: WorkflowMetrics()].completed += 1
            workflows[task.workflow, default: WorkflowMetrics()].cycleTimes.append(time.timeIntervalSince(task.createdAt))
            workflows[task.workflow, default: WorkflowMetrics()].cost += task.cost
        } else {
            workflows[task.workflow, default: WorkflowMetrics()].cancelled += 1
        }
        open[id] = nil
    }

    /// Utilization of `worker` over the span of the events seen: the share of time it held at
    /// least one task. A worker handling several chats at once is busy, not more than busy.
    public func utilization(of worker: WorkerID) -> Double? {
        guard let first = firstEvent, let last = lastEvent, last > first, let metrics = workers[worker] else { return nil }
        var occupied = metrics.occupiedSeconds
        if let current = holding[worker], current.count > 0 { occupied += last.timeIntervalSince(current.since) }
        return occupied / last.timeIntervalSince(first)
    }
}

/// Measures of one queue.
public struct QueueMetrics: Sendable, Hashable {
    /// Creates empty measures.
    public init() {}

    /// Tasks that entered the queue.
    public var entered = 0
    /// Offers made.
    public var offers = 0
    /// Offers rejected by workers.
    public var offerRejections = 0
    /// Offers that lapsed.
    public var offerTimeouts = 0
    /// Waits from entering the queue to a worker accepting, in seconds.
    public var waits: [TimeInterval] = []
    /// Accepted within the service-level threshold.
    public var answeredWithinTarget = 0
    /// Tasks moved to the exception lane from this queue.
    public var exceptions = 0
    /// Escalation stages fired.
    public var escalations = 0

    /// Share of answered tasks answered within the threshold, 0–1.
    public var serviceLevelAttainment: Double? {
        waits.isEmpty ? nil : Double(answeredWithinTarget) / Double(waits.count)
    }

    /// Share of entering tasks that went to the exception lane, 0–1.
    public var exceptionRate: Double? {
        entered == 0 ? nil : Double(exceptions) / Double(entered)
    }
}

/// Measures of one workflow.
public struct WorkflowMetrics: Sendable, Hashable {
    /// Creates empty measures.
    public init() {}

    /// Tasks created.
    public var created = 0
    /// Tasks completed.
    public var completed = 0
    /// Tasks cancelled.
    public var cancelled = 0
    /// Moves to the exception lane.
    public var exceptions = 0
    /// Creation-to-completion times of completed tasks, in seconds.
    public var cycleTimes: [TimeInterval] = []
    /// Worker cost of completed tasks.
    public var cost = 0.0

    /// Cost per completed task.
    /// The adaptive response windows learned so far, per step, as last changed.
    public var responseWindows: [StepID: TimeInterval] = [:]
    /// How many times an adaptive response window moved.
    public var thresholdChanges = 0
    /// How many times the exception rate left its expected band.
    public var exceptionRateAlerts = 0
    /// Whether the exception rate is outside its expected band now.
    public var exceptionRateAlerting = false
    public var costPerTask: Double? { completed == 0 ? nil : cost / Double(completed) }
}

/// Measures of one worker.
public struct WorkerMetrics: Sendable, Hashable {
    /// Creates empty measures.
    public init() {}

    /// Steps completed.
    public var stepsCompleted = 0
    /// Time spent on accepted work, summed over tasks held at once, in seconds.
    public var busySeconds = 0.0
    /// Time spent holding at least one task, in seconds.
    public var occupiedSeconds = 0.0
    /// Cost of that time.
    public var cost = 0.0
}

/// Percentiles of samples, by the nearest-rank method.
public enum Percentile {
    /// The `p`-th percentile (0–1) of `samples`, or nil when there are none.
    public static func of(_ samples: [Double], _ p: Double) -> Double? {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        let rank = Int((p * Double(sorted.count)).rounded(.up)) - 1
        return sorted[min(max(rank, 0), sorted.count - 1)]
    }
}
