import Foundation

/// A problem found in a definition, located by a field path such as `workflows[0].steps[1].queue`.
public struct ValidationIssue: Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is, as a field path.
    public var path: String
    /// What is wrong and how to fix it.
    public var message: String

    /// Creates an issue.
    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// Checks definitions for what would make them fail at run time: missing owners, unknown queues,
/// unreachable steps, cycles with no exit, queues no worker could ever serve, out-of-range values.
public enum WorkspaceValidator {
    /// Problems in a workflow, given the queues it may use and, when known, the workers.
    ///
    /// Paths are relative to the workflow (`steps[1].queue`).
    public static func issues(in workflow: Workflow, queues: [Queue], workers: [Worker]?) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if workflow.id.rawValue.isEmpty {
            issues.append(ValidationIssue(path: "id", message: "a workflow needs an id"))
        }
        if let band = workflow.alerts?.exceptionRate {
            for problem in band.problems() {
                issues.append(ValidationIssue(path: "alerts.exception_rate.\(problem.field)", message: problem.message))
            }
        }
        if workflow.steps.isEmpty {
            issues.append(ValidationIssue(path: "steps", message: "a workflow needs at least one step"))
            return issues
        }
        let queueIDs = Set(queues.map(\.id))
        var seen: Set<StepID> = []
        // The graph checks below need unique step ids and known targets; other problems do not
        // stop them, so that one pass reports as much as it can.
        var graphIsSound = true
        for (index, step) in workflow.steps.enumerated() {
            let path = "steps[\(index)]"
            if step.id.rawValue.isEmpty {
                issues.append(ValidationIssue(path: "\(path).id", message: "a step needs an id"))
                graphIsSound = false
            } else if !seen.insert(step.id).inserted {
                issues.append(ValidationIssue(path: "\(path).id", message: "step \(step.id) is defined twice"))
                graphIsSound = false
            }
            if !queueIDs.contains(step.queue) {
                issues.append(ValidationIssue(path: "\(path).queue", message: "unknown queue \(step.queue)"))
            }
            let owner = step.ownership
            if owner.decisionOwner.trimmingCharacters(in: .whitespaces).isEmpty {
                issues.append(ValidationIssue(path: "\(path).ownership.decision_owner", message: "step \(step.id) has no decision owner"))
            }
            if owner.sourceSystem.trimmingCharacters(in: .whitespaces).isEmpty {
                issues.append(ValidationIssue(path: "\(path).ownership.source_system", message: "step \(step.id) has no source system"))
            }
            if let adaptive = owner.adaptiveResponseWindow {
                let windowPath = "\(path).ownership.response_window"
                if !(owner.responseWindow > 0) {
                    issues.append(ValidationIssue(path: "\(windowPath).static", message: "the static response window must be longer than zero"))
                }
                for problem in adaptive.problems(staticWindow: owner.responseWindow) {
                    issues.append(ValidationIssue(path: "\(windowPath).\(problem.field)", message: problem.message))
                }
            } else if !(owner.responseWindow > 0) {
                issues.append(ValidationIssue(path: "\(path).ownership.response_window", message: "the response window must be longer than zero"))
            }
            for (stage, escalation) in owner.escalation.enumerated() {
                if escalation.after < 0 {
                    issues.append(ValidationIssue(path: "\(path).ownership.escalation[\(stage)].after", message: "cannot be negative"))
                }
                if stage > 0, escalation.after < owner.escalation[stage - 1].after {
                    issues.append(ValidationIssue(
                        path: "\(path).ownership.escalation[\(stage)].after",
                        message: "escalation stages must be in order of time"))
                }
                if case .reassignToBackup = escalation.action, owner.backupOwner == nil {
                    issues.append(ValidationIssue(
                        path: "\(path).ownership.backup_owner",
                        message: "step \(step.id) escalates to its backup owner but names none"))
                }
                if case .raisePriority(let levels) = escalation.action, levels < 1 {
                    issues.append(ValidationIssue(
                        path: "\(path).ownership.escalation[\(stage)].raise_priority", message: "must be at least 1"))
                }
            }
            for outcome in step.next.keys.sorted() {
                if case .step(let target) = step.next[outcome]!, workflow.step(target) == nil {
                    issues.append(ValidationIssue(path: "\(path).next.\(outcome)", message: "unknown step \(target)"))
                    graphIsSound = false
                }
            }
        }
        guard graphIsSound else { return issues }

        // Reachability from the entry step.
        let index = Dictionary(uniqueKeysWithValues: workflow.steps.enumerated().map { ($1.id, $0) })
        func successors(_ step: Step) -> [StepID] {
            step.next.keys.sorted().compactMap { if case .step(let id) = step.next[$0]! { id } else { nil } }
        }
        var reachable: Set<StepID> = [workflow.steps[0].id]
        var frontier = [workflow.steps[0].id]
        while let current = frontier.popLast() {
            for next in successors(workflow.steps[index[current]!]) where reachable.insert(next).inserted {
                frontier.append(next)
            }
        }
        for (position, step) in workflow.steps.enumerated() where !reachable.contains(step.id) {
            issues.append(ValidationIssue(
                path: "steps[\(position)]", message: "step \(step.id) cannot be reached from \(workflow.steps[0].id)"))
        }

        // Every reachable step must be able to reach the end; otherwise it sits in a cycle with no exit.
        var canEnd: Set<StepID> = Set(workflow.steps.filter { step in
            step.next.isEmpty || step.next.values.contains(.end)
        }.map(\.id))
        var changed = true
        while changed {
            changed = false
            for step in workflow.steps where !canEnd.contains(step.id) {
                if successors(step).contains(where: canEnd.contains) {
                    canEnd.insert(step.id)
                    changed = true
                }
            }
        }
        for (position, step) in workflow.steps.enumerated() where reachable.contains(step.id) && !canEnd.contains(step.id) {
            issues.append(ValidationIssue(
                path: "steps[\(position)].next",
                message: "step \(step.id) is in a cycle with no exit: no outcome ever leads to the end"))
        }

        if let workers {
            for (position, step) in workflow.steps.enumerated() {
                guard let queue = queues.first(where: { $0.id == step.queue }) else { continue }
                if !workers.contains(where: { queue.eligibilityDelay(for: $0) != nil }) {
                    issues.append(ValidationIssue(
                        path: "steps[\(position)].queue",
                        message: "no worker can ever serve queue \(queue.id) used by step \(step.id)"))
                }
            }
        }
        return issues
    }

    /// Problems in a queue definition.
    public static func issues(in queue: Queue) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if queue.id.rawValue.isEmpty { issues.append(ValidationIssue(path: "id", message: "a queue needs an id")) }
        if !(1...9).contains(queue.priority) {
            issues.append(ValidationIssue(path: "priority", message: "must be 1 (most urgent) to 9, not \(queue.priority)"))
        }
        if !(0...100).contains(queue.serviceLevel.percent) {
            issues.append(ValidationIssue(path: "service_level.percent", message: "must be 0 to 100"))
        }
        if !(queue.serviceLevel.within > 0) {
            issues.append(ValidationIssue(path: "service_level.within", message: "must be longer than zero"))
        }
        if !(queue.offerTimeout > 0) {
            issues.append(ValidationIssue(path: "offer_timeout", message: "must be longer than zero"))
        }
        issues += requirementIssues(queue.requirement, path: "requirement")
        for (index, stage) in queue.relaxation.enumerated() {
            issues += requirementIssues(stage.requirement, path: "relaxation[\(index)].requirement")
            if !(stage.after > 0) {
                issues.append(ValidationIssue(path: "relaxation[\(index)].after", message: "must be longer than zero"))
            }
        }
        return issues
    }

    /// Problems in a worker definition.
    public static func issues(in worker: Worker) -> [ValidationIssue] {
        var issues: [ValidationIssue] = []
        if worker.id.rawValue.isEmpty { issues.append(ValidationIssue(path: "id", message: "a worker needs an id")) }
        for (skill, level) in worker.skills.sorted(by: { $0.key < $1.key }) where !(0...10).contains(level) {
            issues.append(ValidationIssue(path: "skills.\(skill)", message: "skill levels run from 0 to 10, not \(level)"))
        }
        for (channel, capacity) in worker.channels.sorted(by: { $0.key < $1.key }) where capacity < 0 {
            issues.append(ValidationIssue(path: "channels.\(channel)", message: "capacity cannot be negative"))
        }
        if worker.costPerHour < 0 || !worker.costPerHour.isFinite {
            issues.append(ValidationIssue(path: "cost_per_hour", message: "must be zero or more"))
        }
        if worker.moveCost < 0 || !worker.moveCost.isFinite {
            issues.append(ValidationIssue(path: "move_cost", message: "must be zero or more"))
        }
        return issues
    }

    /// Skills `queue` requires — in its requirement or any relaxation stage — that no worker in
    /// `workers` has at any level: almost always a misspelling, and a queue that waits forever.
    ///
    /// Paths are relative to the queue (`requirement.skills.billing`).
    public static func unknownSkills(in queue: Queue, workers: [Worker]) -> [ValidationIssue] {
        let known = Set(workers.flatMap(\.skills.keys))
        let requirements = [("requirement", queue.requirement)]
            + queue.relaxation.enumerated().map { ("relaxation[\($0.offset)].requirement", $0.element.requirement) }
        return requirements.flatMap { path, requirement in
            requirement.skills.keys.sorted().filter { !known.contains($0) }.map { skill in
                ValidationIssue(
                    path: "\(path).skills.\(skill)",
                    message: "no worker has skill \(skill) at any level\(Suggestion.hint(for: skill, among: known.sorted()))")
            }
        }
    }

    private static func requirementIssues(_ requirement: Requirement, path: String) -> [ValidationIssue] {
        requirement.skills.sorted(by: { $0.key < $1.key }).compactMap { skill, level in
            (0...10).contains(level)
                ? nil : ValidationIssue(path: "\(path).skills.\(skill)", message: "skill levels run from 0 to 10, not \(level)")
        }
    }
}
