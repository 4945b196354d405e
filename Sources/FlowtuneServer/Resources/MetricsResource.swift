import FlowtuneCore
import Foundation

/// The workspace's operational measures: per queue, per workflow and per worker.
///
/// Counts and times come from the measures folded from the log (``WorkspaceMetrics``); what
/// is true only now — waiting tasks, stale items, worker status and load — from the live state.
/// Times are in seconds, rates and shares from 0 to 1; a measure with no samples yet is left out.
struct MetricsResource: Encodable, Sendable {
    /// When the measures were read.
    var asOf: Date
    /// The first event measured; throughput is per hour since then.
    var since: Date?
    /// The last log position folded in.
    var logPosition: Int64
    var queues: [QueueMeasures]
    var workflows: [WorkflowMeasures]
    var workers: [WorkerMeasures]

    struct QueueMeasures: Encodable, Sendable {
        var id: String
        /// Tasks waiting now.
        var waiting: Int
        /// Tasks that entered the queue.
        var entered: Int
        /// Tasks a worker accepted from the queue.
        var answered: Int
        /// Answered per hour over the measured span.
        var throughputPerHour: Double?
        var waitP50: Double?
        var waitP90: Double?
        var serviceLevel: ServiceLevel
        /// Share of entering tasks that went to the exception lane.
        var exceptionRate: Double?
        /// Tasks waiting for a worker longer than the service-level threshold, now.
        var stale: Int
        var offerRejections: Int
        var offerTimeouts: Int
        var escalations: Int
    }

    struct ServiceLevel: Encodable, Sendable {
        /// The promised share, 0–1.
        var target: Double
        /// The threshold, in seconds of waiting.
        var within: Double
        /// The share answered within the threshold, 0–1.
        var attained: Double?
        /// Whether the attained share meets the target; null before anything is answered.
        var met: Bool?
    }

    struct WorkflowMeasures: Encodable, Sendable {
        var id: String
        var created: Int
        var completed: Int
        var cancelled: Int
        /// Completed per hour over the measured span.
        var throughputPerHour: Double?
        var cycleTimeP50: Double?
        var cycleTimeP90: Double?
        /// Moves to the exception lane per created task.
        var exceptionRate: Double?
        var costPerTask: Double?
    }

    struct WorkerMeasures: Encodable, Sendable {
        var id: String
        var status: String
        var load: Int
        var stepsCompleted: Int
        /// Share of the measured span the worker held at least one task.
        var utilization: Double?
        var busySeconds: Double
        var cost: Double
    }

    init(metrics: WorkspaceMetrics, position: Int64, state: WorkspaceState, now: Date) {
        asOf = now
        since = metrics.firstEvent
        logPosition = position
        let hours = metrics.firstEvent.map { now.timeIntervalSince($0) / 3600 }.flatMap { $0 > 0 ? $0 : nil }
        func perHour(_ count: Int) -> Double? { hours.map { Double(count) / $0 } }

        queues = state.queues.map { record in
            let queue = record.queue
            let measured = metrics.queues[queue.id] ?? QueueMetrics()
            let threshold = queue.serviceLevel.within
            let stale = state.tasks.values.filter { task in
                guard task.queue == queue.id, task.lane == .routine else { return false }
                switch task.state {
                case .queued, .offered: return now.timeIntervalSince(task.queuedAt) > threshold
                default: return false
                }
            }.count
            let attained = measured.serviceLevelAttainment
            return QueueMeasures(
                id: queue.id.rawValue, waiting: record.waitingCount, entered: measured.entered,
                answered: measured.waits.count, throughputPerHour: perHour(measured.waits.count),
                waitP50: Percentile.of(measured.waits, 0.5), waitP90: Percentile.of(measured.waits, 0.9),
                serviceLevel: ServiceLevel(
                    target: queue.serviceLevel.percent / 100, within: threshold, attained: attained,
                    met: attained.map { $0 * 100 >= queue.serviceLevel.percent }),
                exceptionRate: measured.exceptionRate, stale: stale, offerRejections: measured.offerRejections,
                offerTimeouts: measured.offerTimeouts, escalations: measured.escalations)
        }
        workflows = state.workflows.keys.sorted().map { id in
            let measured = metrics.workflows[id] ?? WorkflowMetrics()
            return WorkflowMeasures(
                id: id.rawValue, created: measured.created, completed: measured.completed, cancelled: measured.cancelled,
                throughputPerHour: perHour(measured.completed),
                cycleTimeP50: Percentile.of(measured.cycleTimes, 0.5), cycleTimeP90: Percentile.of(measured.cycleTimes, 0.9),
                exceptionRate: measured.created == 0 ? nil : Double(measured.exceptions) / Double(measured.created),
                costPerTask: measured.costPerTask)
        }
        workers = state.workers.map { record in
            let id = record.worker.id
            let measured = metrics.workers[id] ?? WorkerMetrics()
            return WorkerMeasures(
                id: id.rawValue, status: record.worker.status.rawValue, load: record.totalLoad,
                stepsCompleted: measured.stepsCompleted, utilization: metrics.utilization(of: id),
                busySeconds: measured.busySeconds, cost: measured.cost)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: AnyKey.self)
        try container.encode(asOf, forKey: AnyKey("asOf"))
        // Null rather than absent, so that clients see every field whether or not it has a value.
        try container.encode(since, forKey: AnyKey("since"))
        try container.encode(logPosition, forKey: AnyKey("logPosition"))
        try container.encode(queues, forKey: AnyKey("queues"))
        try container.encode(workflows, forKey: AnyKey("workflows"))
        try container.encode(workers, forKey: AnyKey("workers"))
    }
}
