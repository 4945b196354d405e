import FlowtuneCore
import Foundation
import Prometheus
import Synchronization

/// The server's Prometheus measures: requests per route and status, routing-decision latency,
/// and, read at each scrape, queue depths, service-level attainment and the exception lane.
///
/// One per server, shared by the request middleware, the routing-latency feed and `GET /metrics`.
public final class ServerTelemetry: Sendable {
    /// The registry every measure is registered in; exposed so that callers can add their own.
    public let registry: PrometheusCollectorRegistry
    private let routingLatency: DurationHistogram

    /// Request latency buckets: sub-millisecond loopback calls up to slow definition uploads.
    static let requestBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .seconds(2.5),
    ]

    /// Creates the measures in a fresh registry.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        routingLatency = registry.makeDurationHistogram(
            name: "flowtune_routing_decision_seconds", buckets: Self.requestBuckets,
            help: "Time from a routing decision (the engine's clock when it decided) until it was durably committed and published")
    }

    /// Counts one answered request and its latency, under the route's pattern (such as
    /// `/v1/tasks/{id}`) rather than its path, so that task ids do not make new series.
    public func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let key = RequestSeries(route: route, method: method, status: status)
        let measures = requestMeasures.withLock { $0[key] } ?? makeRequestMeasures(key)
        measures.count.increment()
        measures.latency.record(duration)
    }

    /// The counter and histogram of one route, method and status, looked up in the registry
    /// once and then kept: the registry's lookup builds and checks the labels every time.
    private func makeRequestMeasures(_ key: RequestSeries) -> RequestMeasures {
        let labels = [("route", key.route), ("method", key.method), ("status", String(key.status))]
        let measures = RequestMeasures(
            count: registry.makeCounter(name: "flowtune_http_requests_total", labels: labels, help: "HTTP requests answered"),
            latency: registry.makeDurationHistogram(
                name: "flowtune_http_request_duration_seconds", labels: labels, buckets: Self.requestBuckets,
                help: "HTTP request latency, from the request's arrival to its response"))
        requestMeasures.withLock { $0[key] = measures }
        return measures
    }

    private struct RequestSeries: Hashable, Sendable {
        var route: String
        var method: String
        var status: Int
    }

    private struct RequestMeasures: Sendable {
        var count: Counter
        var latency: DurationHistogram
    }

    private let requestMeasures = Mutex<[RequestSeries: RequestMeasures]>([:])

    /// Records the latency of one routing decision.
    public func recordRoutingDecision(_ latency: Duration) {
        routingLatency.record(latency)
    }

    /// The Prometheus text exposition, with the workspace gauges set from `snapshot` first.
    public func exposition(_ snapshot: WorkspaceSnapshot) -> String {
        for (queue, depth) in snapshot.queueDepths {
            registry.makeGauge(
                name: "flowtune_queue_depth", labels: [("queue", queue)], help: "Tasks waiting in a queue for a worker"
            ).set(Double(depth))
        }
        for (queue, attainment) in snapshot.serviceLevels {
            registry.makeGauge(
                name: "flowtune_queue_service_level_attainment", labels: [("queue", queue)],
                help: "Share of accepted offers answered within the queue's service-level target, 0 to 1"
            ).set(attainment)
        }
        for (key, seconds) in snapshot.responseWindows {
            registry.makeGauge(
                name: "flowtune_step_response_window_seconds", labels: [("workflow", key.workflow), ("step", key.step)],
                help: "The response window a task entering the step gets now; adaptive steps follow their learned quantile"
            ).set(seconds)
        }
        for (workflow, alerting) in snapshot.exceptionRateAlerting {
            registry.makeGauge(
                name: "flowtune_exception_rate_alerting", labels: [("workflow", workflow)],
                help: "1 while the workflow's exception rate is outside its expected band, else 0"
            ).set(alerting ? 1.0 : 0.0)
        }
        registry.makeGauge(name: "flowtune_exception_lane_size", help: "Tasks in the exception lane")
            .set(Double(snapshot.exceptionLane))
        registry.makeGauge(name: "flowtune_open_tasks", help: "Tasks created and not yet finished")
            .set(Double(snapshot.openTasks))
        registry.makeGauge(name: "flowtune_log_version", help: "Events durably committed to the workspace's log")
            .set(Double(snapshot.logVersion))
        return registry.emitToString()
    }
}

/// The workspace figures a scrape reports, read from the engine's state and the live measures.
public struct WorkspaceSnapshot: Sendable, Hashable {
    /// Waiting tasks per queue id, every defined queue included.
    public var queueDepths: [String: Int]
    /// Service-level attainment per queue id, for queues with a target and answered offers.
    public var serviceLevels: [String: Double]
    /// Tasks in the exception lane.
    public var exceptionLane: Int
    /// Tasks not yet finished.
    public var openTasks: Int
    /// The committed log version.
    public var logVersion: Int64
    /// The adaptive response window now, in seconds, per workflow and step that declares one.
    public var responseWindows: [StepLabel: Double]
    /// Whether each workflow watching its exception rate is alerting.
    public var exceptionRateAlerting: [String: Bool]

    /// A workflow and step, as gauge labels.
    public struct StepLabel: Sendable, Hashable {
        /// The workflow id.
        public var workflow: String
        /// The step id.
        public var step: String
    }

    /// Creates a snapshot.
    public init(
        queueDepths: [String: Int], serviceLevels: [String: Double], exceptionLane: Int, openTasks: Int, logVersion: Int64,
        responseWindows: [StepLabel: Double] = [:], exceptionRateAlerting: [String: Bool] = [:]
    ) {
        self.queueDepths = queueDepths
        self.serviceLevels = serviceLevels
        self.exceptionLane = exceptionLane
        self.openTasks = openTasks
        self.logVersion = logVersion
        self.responseWindows = responseWindows
        self.exceptionRateAlerting = exceptionRateAlerting
    }

    /// Reads the snapshot of `host` now.
    public static func read(_ host: WorkspaceHost) async -> WorkspaceSnapshot {
        let state = await host.engine.currentState
        let version = await host.engine.committedVersion
        let metrics = await host.board.current
        var depths: [String: Int] = [:]
        for record in state.queues { depths[record.queue.id.rawValue] = record.waitingCount }
        var levels: [String: Double] = [:]
        for (queue, measures) in metrics.queues where state.queue(queue) != nil {
            if let attainment = measures.serviceLevelAttainment { levels[queue.rawValue] = attainment }
        }
        var windows: [StepLabel: Double] = [:]
        for (key, window) in state.responseWindows {
            windows[StepLabel(workflow: key.workflow.rawValue, step: key.step.rawValue)] = window.value
        }
        return WorkspaceSnapshot(
            queueDepths: depths, serviceLevels: levels, exceptionLane: state.tasks.values.lazy.filter { $0.lane == .exception }.count,
            openTasks: state.tasks.count, logVersion: version, responseWindows: windows,
            exceptionRateAlerting: Dictionary(uniqueKeysWithValues: state.exceptionRates.map { ($0.key.rawValue, $0.value.isAlerting) }))
    }
}
