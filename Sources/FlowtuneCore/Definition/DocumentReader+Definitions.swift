import Foundation
internal import Yams

extension DocumentReader {
    static let documentKeys = ["workspace", "queues", "workers", "workflows"]
    static let workspaceKeys = ["routing_policy", "explained_candidates", "exception_due", "predictive"]
    static let predictiveKeys = [
        "type_attribute", "value_attribute", "task_value", "customer_cost_per_hour", "missed_promise_cost",
        "fairness_bound", "fairness_period", "fairness_window", "fairness_minimum", "batch_interval",
    ]
    static let queueKeys = ["id", "name", "priority", "service_level", "offer_timeout", "requirement", "relaxation"]
    static let serviceLevelKeys = ["percent", "within"]
    static let requirementKeys = ["skills", "certifications", "teams", "attributes"]
    static let relaxationKeys = ["after"] + requirementKeys
    static let workerKeys = [
        "id", "name", "kind", "team", "skills", "certifications", "channels", "cost_per_hour", "attributes", "status",
        "serving_queue", "flexible", "move_cost",
    ]
    static let workflowKeys = ["id", "name", "promise", "steps", "alerts"]
    static let promiseKeys = ["text", "within"]
    static let stepKeys = ["id", "name", "queue", "ownership", "next", "decisions"]
    static let ownershipKeys = [
        "source_system", "decision_owner", "backup_owner", "response_window", "escalation", "required_evidence",
        "missing_evidence",
    ]
    static let escalationActions = ["notify", "raise_priority", "reassign", "exception"]
    static let escalationKeys = ["after"] + escalationActions

    /// The word a `next` map or value uses for "the workflow is complete".
    static let endKeyword = "end"

    /// Reads a whole file: its settings, queues, workers and workflows.
    ///
    /// Returns the definition and, per queue, the written position of each relaxation stage in
    /// the order the queue keeps them (by `after`), to map a check's path back to the file.
    mutating func readDefinition(_ yaml: String) -> (definition: WorkspaceDefinition, relaxationOrder: [[Int]]) {
        var definition = WorkspaceDefinition()
        guard let root = rootFields(of: yaml) else { return (definition, []) }
        if let node = root["workspace"] {
            definition.settings = settings(node, at: root.path("workspace"))
        }
        var relaxationOrder: [[Int]] = []
        if let node = root["queues"] {
            let queues = list(
                node, at: root.path("queues"), of: "queue", allowed: Self.queueKeys, placeholder: (Queue(id: ""), [])
            ) { reader, fields in reader.queue(fields) }
            definition.queues = queues.map(\.0)
            relaxationOrder = queues.map(\.1)
        }
        if let node = root["workers"] {
            definition.workers = list(
                node, at: root.path("workers"), of: "worker", allowed: Self.workerKeys, placeholder: Worker(id: "")
            ) { reader, fields in reader.worker(fields) }
        }
        if let node = root["workflows"] {
            definition.workflows = list(
                node, at: root.path("workflows"), of: "workflow", allowed: Self.workflowKeys,
                placeholder: Workflow(id: "", steps: [])
            ) { reader, fields in reader.workflow(fields) }
        }
        return (definition, relaxationOrder)
    }

    // MARK: - Settings

    private mutating func settings(_ node: Node, at path: String) -> WorkspaceDefinition.Settings {
        var settings = WorkspaceDefinition.Settings()
        guard let fields = fields(of: node, at: path, allowed: Self.workspaceKeys, what: "a mapping of workspace settings")
        else { return settings }
        if let node = fields["routing_policy"] {
            settings.routingPolicy = choice(node, at: fields.path("routing_policy"), what: "routing policy")
        }
        if let node = fields["explained_candidates"], let count = wholeNumber(node, at: fields.path("explained_candidates")) {
            if count >= 1 {
                settings.explainedCandidates = count
            } else {
                report("must be at least 1, not \(count)", at: fields.path("explained_candidates"), node.mark)
            }
        }
        if let node = fields["exception_due"], let due = duration(node, at: fields.path("exception_due")) {
            if due > 0 {
                settings.exceptionDue = due
            } else {
                report("must be longer than zero", at: fields.path("exception_due"), node.mark)
            }
        }
        if let node = fields["predictive"] {
            settings.predictive = predictive(node, at: fields.path("predictive"))
        }
        return settings
    }

    /// Reads the `predictive` block; each value is checked here, where its line is known,
    /// against the same bounds ``PredictiveSettings/problem`` holds the settings to.
    private mutating func predictive(_ node: Node, at path: String) -> WorkspaceDefinition.Settings.Predictive {
        var settings = WorkspaceDefinition.Settings.Predictive()
        guard let fields = fields(of: node, at: path, allowed: Self.predictiveKeys, what: "a mapping of predictive settings")
        else { return settings }
        func attribute(_ reader: inout DocumentReader, _ key: String) -> String? {
            guard let node = fields[key], let name = reader.text(node, at: fields.path(key)) else { return nil }
            if name.isEmpty { reader.report("needs an attribute name", at: fields.path(key), node.mark) }
            return name.isEmpty ? nil : name
        }
        func amount(_ reader: inout DocumentReader, _ key: String, positive: Bool) -> Double? {
            guard let node = fields[key], let value = reader.number(node, at: fields.path(key)) else { return nil }
            if value.isFinite, positive ? value > 0 : value >= 0 { return value }
            reader.report("must be \(positive ? "more than 0" : "0 or more"), not \(value)", at: fields.path(key), node.mark)
            return nil
        }
        func span(_ reader: inout DocumentReader, _ key: String, positive: Bool) -> TimeInterval? {
            guard let node = fields[key], let value = reader.duration(node, at: fields.path(key)) else { return nil }
            if positive ? value > 0 : value >= 0 { return value }
            let rule = positive ? "longer than 0" : "0 or longer"
            reader.report("must be \(rule), not \(DurationText.format(value))", at: fields.path(key), node.mark)
            return nil
        }
        func count(_ reader: inout DocumentReader, _ key: String, atLeast minimum: Int) -> Int? {
            guard let node = fields[key], let value = reader.wholeNumber(node, at: fields.path(key)) else { return nil }
            if value >= minimum { return value }
            reader.report("must be at least \(minimum), not \(value)", at: fields.path(key), node.mark)
            return nil
        }
        settings.typeAttribute = attribute(&self, "type_attribute")
        settings.valueAttribute = attribute(&self, "value_attribute")
        settings.taskValue = amount(&self, "task_value", positive: true)
        settings.customerCostPerHour = amount(&self, "customer_cost_per_hour", positive: false)
        settings.missedPromiseCost = amount(&self, "missed_promise_cost", positive: false)
        settings.fairnessBound = amount(&self, "fairness_bound", positive: false)
        settings.fairnessPeriod = span(&self, "fairness_period", positive: true)
        if let node = fields["fairness_window"] {
            // The guardrail once counted a number of assignments; a file written then should say
            // what it means now rather than be read as something else.
            report(
                "is no longer a setting: load is counted over a span of time, fairness_period (such as 4h), not a number of assignments",
                at: fields.path("fairness_window"), node.mark)
        }
        settings.fairnessMinimum = count(&self, "fairness_minimum", atLeast: 0)
        settings.batchInterval = span(&self, "batch_interval", positive: false)
        return settings
    }

    // MARK: - Queues

    private mutating func queue(_ fields: Fields) -> (Queue, [Int]) {
        var queue = Queue(id: QueueID(requiredText(fields, "id") ?? ""))
        if let node = fields["name"], let name = text(node, at: fields.path("name")) {
            queue.name = name
        }
        if let node = fields["priority"], let priority = wholeNumber(node, at: fields.path("priority")) {
            queue.priority = priority
        }
        if let node = fields["service_level"],
            let target = self.fields(
                of: node, at: fields.path("service_level"), allowed: Self.serviceLevelKeys,
                what: "a service level such as { percent: 80, within: 5m }")
        {
            if let node = target["percent"], let percent = number(node, at: target.path("percent")) {
                queue.serviceLevel.percent = percent
            }
            if let node = target["within"], let within = duration(node, at: target.path("within")) {
                queue.serviceLevel.within = within
            }
        }
        if let node = fields["offer_timeout"], let timeout = duration(node, at: fields.path("offer_timeout")) {
            queue.offerTimeout = timeout
        }
        if let node = fields["requirement"],
            let requirement = self.fields(
                of: node, at: fields.path("requirement"), allowed: Self.requirementKeys,
                what: "a requirement with skills, certifications, teams or attributes")
        {
            queue.requirement = self.requirement(requirement)
        }
        var order: [Int] = []
        if let node = fields["relaxation"] {
            let stages = list(
                node, at: fields.path("relaxation"), of: "relaxation stage", allowed: Self.relaxationKeys,
                placeholder: RelaxationStage(after: 0, requirement: Requirement())
            ) { reader, stage in
                RelaxationStage(after: reader.requiredDuration(stage, "after") ?? 0, requirement: reader.requirement(stage))
            }
            // The queue keeps its stages in order of `after`; remember where each one is written.
            order = stages.indices.sorted { (stages[$0].after, $0) < (stages[$1].after, $1) }
            queue.relaxation = order.map { stages[$0] }
        }
        return (queue, order)
    }

    /// Reads the requirement fields of `fields`: a queue's `requirement`, or a relaxation stage,
    /// which writes them inline next to its `after`.
    private mutating func requirement(_ fields: Fields) -> Requirement {
        var requirement = Requirement()
        if let node = fields["skills"] {
            requirement.skills = dictionary(
                node, at: fields.path("skills"), what: "a map of skill to minimum level, such as { billing: 5 }"
            ) { reader, level, path in reader.wholeNumber(level, at: path) } ?? [:]
        }
        if let node = fields["certifications"] {
            requirement.certifications = textList(node, at: fields.path("certifications")) ?? []
        }
        if let node = fields["teams"] {
            requirement.teams = textList(node, at: fields.path("teams")) ?? []
        }
        if let node = fields["attributes"] {
            requirement.attributes = dictionary(
                node, at: fields.path("attributes"), what: "a map of attribute to value, such as { language: en }"
            ) { reader, value, path in reader.text(value, at: path) } ?? [:]
        }
        return requirement
    }

    // MARK: - Workers

    private mutating func worker(_ fields: Fields) -> Worker {
        var worker = Worker(id: WorkerID(requiredText(fields, "id") ?? ""))
        if let node = fields["name"], let name = text(node, at: fields.path("name")) {
            worker.name = name
        }
        if let node = fields["kind"], let kind: Worker.Kind = choice(node, at: fields.path("kind"), what: "worker kind") {
            worker.kind = kind
        }
        if let node = fields["team"], let team = text(node, at: fields.path("team")) {
            worker.team = team
        }
        if let node = fields["skills"] {
            worker.skills = dictionary(
                node, at: fields.path("skills"), what: "a map of skill to level, such as { billing: 7 }"
            ) { reader, level, path in reader.wholeNumber(level, at: path) } ?? [:]
        }
        if let node = fields["certifications"] {
            worker.certifications = textList(node, at: fields.path("certifications")) ?? []
        }
        if let node = fields["channels"],
            let channels = dictionary(
                node, at: fields.path("channels"), what: "a map of channel to capacity, such as { chat: 2, email: 5 }",
                value: { reader, capacity, path in reader.wholeNumber(capacity, at: path) })
        {
            worker.channels = Dictionary(uniqueKeysWithValues: channels.map { (Channel($0.key), $0.value) })
        }
        if let node = fields["cost_per_hour"], let cost = number(node, at: fields.path("cost_per_hour")) {
            worker.costPerHour = cost
        }
        if let node = fields["attributes"] {
            worker.attributes = dictionary(
                node, at: fields.path("attributes"), what: "a map of attribute to value, such as { language: en }"
            ) { reader, value, path in reader.text(value, at: path) } ?? [:]
        }
        if let node = fields["status"], let status: Worker.Status = choice(node, at: fields.path("status"), what: "worker status") {
            worker.status = status
        }
        if let node = fields["serving_queue"], let queue = text(node, at: fields.path("serving_queue")) {
            worker.servingQueue = QueueID(queue)
        }
        if let node = fields["flexible"], let flexible = flag(node, at: fields.path("flexible")) {
            worker.flexible = flexible
        }
        if let node = fields["move_cost"], let cost = number(node, at: fields.path("move_cost")) {
            worker.moveCost = cost
        }
        return worker
    }

    // MARK: - Workflows

    private mutating func workflow(_ fields: Fields) -> Workflow {
        var workflow = Workflow(id: WorkflowID(requiredText(fields, "id") ?? ""), steps: [])
        if let node = fields["name"], let name = text(node, at: fields.path("name")) {
            workflow.name = name
        }
        if let node = fields["promise"] {
            workflow.promise = promise(node, at: fields.path("promise"))
        }
        if let node = fields["alerts"] {
            workflow.alerts = alerts(node, at: fields.path("alerts"))
        }
        if let node = fields["steps"] {
            let blank = Step(id: "", queue: "", ownership: OwnershipRule(sourceSystem: "", decisionOwner: "", responseWindow: 0))
            workflow.steps = list(node, at: fields.path("steps"), of: "step", allowed: Self.stepKeys, placeholder: blank) {
                reader, step in reader.step(step)
            }
        }
        return workflow
    }

    /// A promise is written either as its text alone or as `{ text, within }`.
    private mutating func promise(_ node: Node, at path: String) -> Promise? {
        if case .scalar = node { return text(node, at: path).map { Promise(text: $0) } }
        guard let fields = fields(
            of: node, at: path, allowed: Self.promiseKeys,
            what: "a promise: its text, or { text: ..., within: 4h }")
        else { return nil }
        var promise = Promise(text: requiredText(fields, "text") ?? "")
        if let node = fields["within"], let within = duration(node, at: fields.path("within")) {
            if within > 0 {
                promise.within = within
            } else {
                report("must be longer than zero", at: fields.path("within"), node.mark)
            }
        }
        return promise
    }

    private mutating func step(_ fields: Fields) -> Step {
        let id = requiredText(fields, "id") ?? ""
        if id == Self.endKeyword {
            report("end marks the end of a workflow and cannot name a step; choose another id", atField: fields.path("id"))
        }
        let queue = requiredText(fields, "queue") ?? ""
        var ownership = OwnershipRule(sourceSystem: "", decisionOwner: "", responseWindow: 0)
        if let node = fields["ownership"] {
            if let rule = self.fields(
                of: node, at: fields.path("ownership"), allowed: Self.ownershipKeys,
                what: "an ownership rule with source_system, decision_owner and response_window")
            {
                ownership = ownershipRule(rule)
            }
        } else {
            reportMissing("ownership", in: fields)
        }
        var step = Step(id: StepID(id), queue: QueueID(queue), ownership: ownership)
        if let node = fields["name"], let name = text(node, at: fields.path("name")) {
            step.name = name
        }
        if let node = fields["next"] {
            step.next = transitions(node, at: fields.path("next"))
        }
        if let node = fields["decisions"],
            let uses = self.fields(
                of: node, at: fields.path("decisions"), allowed: DecisionPurpose.allCases.map(\.rawValue),
                what: "a mapping from purpose (lane, queue, priority, evidence, escalation) to a decision id")
        {
            for (name, _) in uses.entries {
                guard let purpose = DecisionPurpose(rawValue: name), let id = requiredText(uses, name) else { continue }
                step.decisions.append(StepDecision(purpose: purpose, decision: DecisionID(id)))
            }
        }
        return step
    }

    private mutating func ownershipRule(_ fields: Fields) -> OwnershipRule {
        var rule = OwnershipRule(
            sourceSystem: requiredText(fields, "source_system") ?? "",
            decisionOwner: requiredText(fields, "decision_owner") ?? "",
            responseWindow: 0)
        if let node = fields["response_window"], case .mapping = node {
            // An adaptive window: its static value is the rule's window until it has learned enough.
            let (adaptive, staticWindow) = adaptiveResponseWindow(node, at: fields.path("response_window"))
            rule.responseWindow = staticWindow ?? 0
            rule.adaptiveResponseWindow = adaptive
        } else {
            rule.responseWindow = requiredDuration(fields, "response_window") ?? 0
        }
        if let node = fields["backup_owner"] {
            rule.backupOwner = text(node, at: fields.path("backup_owner"))
        }
        if let node = fields["escalation"] {
            rule.escalation = list(
                node, at: fields.path("escalation"), of: "escalation stage", allowed: Self.escalationKeys,
                placeholder: EscalationStage(action: .notify(""))
            ) { reader, stage in reader.escalationStage(stage) }
        }
        if let node = fields["required_evidence"] {
            rule.requiredEvidence = textList(node, at: fields.path("required_evidence")) ?? []
        }
        if let node = fields["missing_evidence"],
            let policy: MissingEvidencePolicy = choice(node, at: fields.path("missing_evidence"), what: "missing-evidence policy")
        {
            rule.missingEvidence = policy
        }
        return rule
    }

    /// A stage takes exactly one action, so that the order of what happens is the order written.
    private mutating func escalationStage(_ fields: Fields) -> EscalationStage {
        var after: TimeInterval = 0
        if let node = fields["after"], let seconds = duration(node, at: fields.path("after")) {
            after = seconds
        }
        let written = fields.entries.filter { Self.escalationActions.contains($0.name) }
        guard let first = written.first else {
            report(
                "an escalation stage needs an action: \(Self.alternatives(Self.escalationActions))",
                atField: fields.path)
            return EscalationStage(after: after, action: .notify(""))
        }
        for extra in written.dropFirst() {
            report(
                "a stage takes one action, and this one already has \(first.name); split it into two stages",
                atField: fields.path(extra.name))
        }
        let path = fields.path(first.name)
        guard let node = fields[first.name] else {
            reportMissing(first.name, in: fields)
            return EscalationStage(after: after, action: .notify(""))
        }
        let action: EscalationAction?
        switch first.name {
        case "notify":
            action = text(node, at: path).map(EscalationAction.notify)
        case "raise_priority":
            action = wholeNumber(node, at: path).map(EscalationAction.raisePriority)
        case "reassign":
            guard let target = text(node, at: path) else {
                action = nil
                break
            }
            if target == "backup" {
                action = .reassignToBackup
            } else {
                report("reassign takes backup (the step's backup owner), not \"\(target)\"", at: path, node.mark)
                action = nil
            }
        default:
            action = text(node, at: path).map(EscalationAction.moveToException)
        }
        return EscalationStage(after: after, action: action ?? .notify(""))
    }

    /// `next` is a step id, `end`, or a map from outcome to step id or `end`.
    private mutating func transitions(_ node: Node, at path: String) -> [String: Transition] {
        func transition(_ target: String) -> Transition {
            target == Self.endKeyword ? .end : .step(StepID(target))
        }
        if case .scalar = node {
            guard let target = text(node, at: path) else { return [:] }
            // A single target is where the default outcome leads; `end` alone is the same as no `next`.
            return target == Self.endKeyword ? [:] : [Step.defaultOutcome: transition(target)]
        }
        return dictionary(
            node, at: path, what: "a step id, end, or a map of outcome to step such as { solved: end, escalate: tier2 }",
            pointAtValues: true
        ) { reader, target, path in reader.text(target, at: path).map(transition) } ?? [:]
    }
}
