import Foundation

extension WorkspaceState {
    /// The latest published version of a decision: the one that decides new tasks.
    public func decision(_ id: DecisionID) -> PublishedDecision? {
        decisions[id]?.last
    }

    /// Publishes a decision file as its decision's next version.
    ///
    /// The file must load without errors and pass its example cases. Publishing the text the
    /// latest version already has changes nothing.
    mutating func publishDecision(_ source: DefinitionSource, restores: Int?, _ run: inout Run) throws(CommandError) {
        let document: DecisionDocument
        do {
            document = try DecisionDocument(source: source)
        } catch {
            let first = error.issues[0]
            let more = error.issues.count > 1 ? " (and \(error.issues.count - 1) more problems)" : ""
            throw CommandError(.invalid, "\(first.location): \(first.message)\(more)", field: first.path)
        }
        let outcomes = document.table.runTests(now: run.context.now.timeIntervalSince1970)
        if let failed = outcomes.first(where: { !$0.passed }) {
            throw CommandError(
                .invalid, "example \"\(failed.name)\" fails: \(failed.mismatches.joined(separator: "; "))", field: "tests")
        }
        let id = document.table.id
        let versions = decisions[id] ?? []
        if restores == nil, versions.last?.publication.text == source.text { return }
        emit(.decisionPublished(DecisionPublication(
            decision: id, version: (versions.last?.version ?? 0) + 1, file: source.file, text: source.text,
            restores: restores)), &run)
    }

    /// Evaluates the decisions of the step a task has just entered and applies their outputs:
    /// queue, priority, evidence and response window first, then the lane.
    ///
    /// What cannot follow the standard path goes to the exception lane, visibly: a lane decision
    /// that says so, a decision that cannot decide (several rules under UNIQUE), an output the
    /// step cannot use (a queue that does not exist, a priority outside 1–9), or a decision
    /// that was never published. After an operator resumes a task from the exception lane, its
    /// lane decision is not asked again: the operator has decided.
    mutating func applyStepDecisions(to id: TaskID, _ run: inout Run, afterException: Bool = false) {
        guard let entered = tasks[id],
            let step = self.step(entered.step, of: entered.workflow, version: entered.workflowVersion),
            !step.decisions.isEmpty
        else { return }
        var order: [DecisionID] = []
        var uses: [DecisionID: [DecisionPurpose]] = [:]
        for use in step.decisions where !(afterException && use.purpose == .lane) {
            if uses[use.decision] == nil { order.append(use.decision) }
            uses[use.decision, default: []].append(use.purpose)
        }
        let input = decisionInput(for: entered, now: run.context.now)
        for decisionID in order {
            guard let task = tasks[id], task.lane == .routine else { return }
            guard let published = decision(decisionID) else {
                moveToException(
                    task, reason: "decision \(decisionID) is not published", context: ["decision": decisionID.rawValue],
                    action: "publish decision \(decisionID), then resume at \(step.id)", &run)
                return
            }
            var (result, trace) = published.table.evaluateTraced(input)
            trace.version = published.version
            var application = DecisionApplication(task: id, step: step.id, purposes: uses[decisionID] ?? [], trace: trace)
            var problems: [String] = result.failure.map { [$0.message] } ?? []
            var exception: (reason: String, owner: String?, action: String?)?
            if result.failure == nil {
                for purpose in application.purposes {
                    switch purpose {
                    case .lane:
                        switch result["lane"] {
                        case .null, .string("routine"): break
                        case .string("exception"):
                            let rule = result.firstMatchedRule.map { " rule \($0 + 1)" } ?? ""
                            exception = (
                                result["reason"].stringValue ?? "decision \(decisionID)\(rule)", result["owner"].stringValue,
                                result["action"].stringValue)
                        case let other: problems.append("lane must be routine or exception, not \(other)")
                        }
                    case .queue:
                        switch result["queue"] {
                        case .null: break
                        case .string(let name) where queueIndex[QueueID(name)] != nil: application.queue = QueueID(name)
                        case let other: problems.append("queue \(other) does not exist")
                        }
                    case .priority:
                        switch result["priority"] {
                        case .null: break
                        case .number(let value) where (1...9).contains(value) && value.rounded() == value:
                            application.priority = Int(value)
                        case let other: problems.append("priority must be a whole number from 1 to 9, not \(other)")
                        }
                    case .evidence:
                        switch result["evidence"] {
                        case .null: break
                        case .string(let text):
                            application.requiredEvidence = text.split(separator: ",")
                                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                        case .list(let values) where values.allSatisfy({ $0.stringValue != nil }):
                            application.requiredEvidence = values.compactMap(\.stringValue)
                        case let other: problems.append("evidence must be field names, not \(other)")
                        }
                    case .escalation:
                        let value = result["escalate_after"] == .null ? result["response_window"] : result["escalate_after"]
                        switch value {
                        case .null: break
                        case .duration(let seconds) where seconds > 0: application.responseWindow = seconds
                        case .number(let seconds) where seconds > 0: application.responseWindow = seconds
                        case let other: problems.append("escalate_after must be a duration longer than zero, not \(other)")
                        }
                    }
                }
            }
            emit(.decisionApplied(application), &run, actor: "system")
            guard let current = tasks[id] else { return }
            let context = [
                "decision": decisionID.rawValue, "version": String(published.version),
                "rules": trace.selectedRules.map(String.init).joined(separator: ","),
            ]
            if !problems.isEmpty {
                moveToException(
                    current, reason: "decision \(decisionID) v\(published.version) could not be applied: \(problems.joined(separator: "; "))",
                    context: context, action: "fix decision \(decisionID) or route by hand, then resume at \(step.id)", &run)
                return
            }
            if let exception {
                moveToException(
                    current, reason: exception.reason, context: context, owner: exception.owner, action: exception.action, &run)
                return
            }
        }
    }

    /// What a step's decisions read: the task (its attributes, and its own fields where the
    /// attributes do not use the name), no worker yet, and the model outputs that arrived with
    /// the task under `model`.
    func decisionInput(for task: WorkTask, now: Date) -> ExpressionInput {
        var fields = task.attributes.objectValue ?? [:]
        let own: [(String, JSONValue)] = [
            ("id", .string(task.id.rawValue)), ("workflow", .string(task.workflow.rawValue)),
            ("step", .string(task.step.rawValue)), ("queue", .string(task.queue.rawValue)),
            ("channel", .string(task.channel.rawValue)), ("priority", .number(Double(task.priority))),
            ("lane", .string(task.lane.rawValue)),
        ]
        for (name, value) in own where fields[name] == nil { fields[name] = value }
        let roots = ExpressionScope.decision.roots.map { root -> JSONValue in
            switch root {
            case "task": .object(fields)
            case "model": task.attributes["model"] ?? .null
            default: .null
            }
        }
        return ExpressionInput(roots: roots, now: now.timeIntervalSince1970)
    }
}
