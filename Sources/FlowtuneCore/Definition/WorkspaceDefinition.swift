import Foundation

/// The queues, workers and workflows of a workspace as written in definition files, merged
/// from every file and checked as a whole.
///
/// Load one with ``load(_:)``; turn it into a running workspace by executing ``commands`` in order.
///
/// ```swift
/// let definition = try WorkspaceDefinition.load([DefinitionSource(file: "support.yaml", text: yaml)])
/// var state = WorkspaceState(settings: definition.settings.applied())
/// for command in definition.commands {
///     try state.execute(command, context: CommandContext(now: clock.now()))
/// }
/// ```
public struct WorkspaceDefinition: Sendable, Hashable {
    /// Workspace-wide settings the files set; unset ones keep the workspace's values.
    public var settings: Settings
    /// Queues, in file order.
    public var queues: [Queue]
    /// Workers, in file order.
    public var workers: [Worker]
    /// Workflows, in file order.
    public var workflows: [Workflow]
    /// Decision files, published before the workflows whose steps name them.
    public var decisions: [DefinitionSource] = []

    /// Creates a definition.
    public init(settings: Settings = Settings(), queues: [Queue] = [], workers: [Worker] = [], workflows: [Workflow] = []) {
        self.settings = settings
        self.queues = queues
        self.workers = workers
        self.workflows = workflows
    }

    /// The commands that build this definition in a workspace: the routing policy if one is set,
    /// then every queue, every worker, and every workflow.
    ///
    /// Queues come before workflows because a workflow may only use queues the workspace knows,
    /// and workers before workflows so that routing sees the whole staff once tasks arrive.
    /// ``Settings/explainedCandidates`` and ``Settings/exceptionDue`` have no command; create
    /// the state with ``Settings/applied(to:)`` to carry them.
    public var commands: [Command] {
        var commands: [Command] = []
        if settings != Settings() { commands.append(.configure(settings.applied())) }
        commands += queues.map(Command.defineQueue)
        commands += workers.map(Command.registerWorker)
        commands += decisions.map(Command.publishDecision)
        commands += workflows.map(Command.defineWorkflow)
        return commands
    }

    /// The workspace settings a file may set, each optional so that several files can share
    /// the job and a file that says nothing changes nothing.
    public struct Settings: Sendable, Hashable {
        /// The routing policy, `routing_policy`.
        public var routingPolicy: RoutingPolicyKind?
        /// How many candidates each decision explains in full, `explained_candidates`.
        public var explainedCandidates: Int?
        /// How long an exception item may stay open by default, `exception_due`, in seconds.
        public var exceptionDue: TimeInterval?
        /// The settings of the prediction policies, the `predictive` block.
        public var predictive: Predictive

        /// Creates settings.
        public init(
            routingPolicy: RoutingPolicyKind? = nil, explainedCandidates: Int? = nil, exceptionDue: TimeInterval? = nil,
            predictive: Predictive = Predictive()
        ) {
            self.routingPolicy = routingPolicy
            self.explainedCandidates = explainedCandidates
            self.exceptionDue = exceptionDue
            self.predictive = predictive
        }

        /// `base` with every setting given here in place of its own.
        public func applied(to base: WorkspaceState.Settings = WorkspaceState.Settings()) -> WorkspaceState.Settings {
            var settings = base
            if let routingPolicy { settings.routingPolicy = routingPolicy }
            if let explainedCandidates { settings.explainedCandidates = explainedCandidates }
            if let exceptionDue { settings.exceptionDue = exceptionDue }
            settings.predictive = predictive.applied(to: settings.predictive)
            return settings
        }

        /// The ``PredictiveSettings`` a file may set under `workspace.predictive`, each optional
        /// like the other settings.
        ///
        /// ```yaml
        /// workspace:
        ///   routing_policy: optimal-batch
        ///   predictive:
        ///     type_attribute: category
        ///     value_attribute: order_value
        ///     customer_cost_per_hour: 40
        ///     fairness_bound: 0.25
        ///     batch_interval: 30s
        /// ```
        public struct Predictive: Sendable, Hashable {
            /// ``PredictiveSettings/typeAttribute``, `type_attribute`.
            public var typeAttribute: String?
            /// ``PredictiveSettings/valueAttribute``, `value_attribute`.
            public var valueAttribute: String?
            /// ``PredictiveSettings/taskValue``, `task_value`.
            public var taskValue: Double?
            /// ``PredictiveSettings/customerCostPerHour``, `customer_cost_per_hour`.
            public var customerCostPerHour: Double?
            /// ``PredictiveSettings/missedPromiseCost``, `missed_promise_cost`.
            public var missedPromiseCost: Double?
            /// ``PredictiveSettings/fairnessBound``, `fairness_bound`.
            public var fairnessBound: Double?
            /// ``PredictiveSettings/fairnessPeriod``, `fairness_period`, in seconds.
            public var fairnessPeriod: TimeInterval?
            /// ``PredictiveSettings/fairnessMinimum``, `fairness_minimum`.
            public var fairnessMinimum: Int?
            /// ``PredictiveSettings/batchInterval``, `batch_interval`, in seconds.
            public var batchInterval: TimeInterval?

            /// Creates settings; every one unset unless given.
            public init(
                typeAttribute: String? = nil, valueAttribute: String? = nil, taskValue: Double? = nil,
                customerCostPerHour: Double? = nil, missedPromiseCost: Double? = nil, fairnessBound: Double? = nil,
                fairnessPeriod: TimeInterval? = nil, fairnessMinimum: Int? = nil, batchInterval: TimeInterval? = nil
            ) {
                self.typeAttribute = typeAttribute
                self.valueAttribute = valueAttribute
                self.taskValue = taskValue
                self.customerCostPerHour = customerCostPerHour
                self.missedPromiseCost = missedPromiseCost
                self.fairnessBound = fairnessBound
                self.fairnessPeriod = fairnessPeriod
                self.fairnessMinimum = fairnessMinimum
                self.batchInterval = batchInterval
            }

            /// `base` with every setting given here in place of its own.
            public func applied(to base: PredictiveSettings = PredictiveSettings()) -> PredictiveSettings {
                var settings = base
                if let typeAttribute { settings.typeAttribute = typeAttribute }
                if let valueAttribute { settings.valueAttribute = valueAttribute }
                if let taskValue { settings.taskValue = taskValue }
                if let customerCostPerHour { settings.customerCostPerHour = customerCostPerHour }
                if let missedPromiseCost { settings.missedPromiseCost = missedPromiseCost }
                if let fairnessBound { settings.fairnessBound = fairnessBound }
                if let fairnessPeriod { settings.fairnessPeriod = fairnessPeriod }
                if let fairnessMinimum { settings.fairnessMinimum = fairnessMinimum }
                if let batchInterval { settings.batchInterval = batchInterval }
                return settings
            }
        }
    }
}
