/// Merges the documents of a workspace into one definition and checks it as a whole: duplicate
/// ids across files, references between queues, workers and workflows, and everything
/// ``WorkspaceValidator`` knows, each problem located in the file that causes it.
struct DefinitionAssembly {
    /// Where a queue, worker or workflow is written: which document, which item, its path.
    private struct Origin {
        var document: Int
        var index: Int
        var path: String
    }

    private let documents: [WorkspaceDocument]
    /// Whether every file parsed as YAML; when one did not, references into it cannot be judged.
    private let isComplete: Bool
    /// Per document, problems that stand on their own: structure, duplicates, references.
    private var primary: [[DefinitionError.Issue]]
    /// Per document, problems found by ``WorkspaceValidator`` on the values read. A value the
    /// reader could not read is left at its default, and the validator would complain about the
    /// default too; a derived problem within a field that already has a primary one is dropped.
    private var derived: [[DefinitionError.Issue]]

    /// Prepares to assemble documents read with the problems their reading found.
    init(_ reads: [(document: WorkspaceDocument, issues: [DefinitionError.Issue], isWellFormed: Bool)]) {
        documents = reads.map(\.document)
        primary = reads.map(\.issues)
        derived = Array(repeating: [], count: reads.count)
        isComplete = reads.allSatisfy(\.isWellFormed)
    }

    /// The merged definition, or every problem found in any document.
    mutating func assemble() throws(DefinitionError) -> WorkspaceDefinition {
        let settings = mergeSettings()
        let queues = merge(\.queues, section: "queues", noun: "queue") { $0.id.rawValue }
        let workers = merge(\.workers, section: "workers", noun: "worker") { $0.id.rawValue }
        let workflows = merge(\.workflows, section: "workflows", noun: "workflow") { $0.id.rawValue }
        // A queue or a worker can be checked on its own. What refers across items — skills,
        // queues, steps — cannot be judged while part of the files is unreadable.
        let staff = isComplete ? workers.map(\.value) : []
        check(queues: queues, workers: staff)
        check(workers: workers)
        if isComplete {
            // Without any worker in the files, staff is registered some other way: checks that
            // need the staff (unserved queues) cannot be made.
            check(workflows: workflows, queues: queues, workers: staff.isEmpty ? nil : staff)
        }
        let issues = collectedIssues()
        if !issues.isEmpty { throw DefinitionError(issues: issues) }
        return WorkspaceDefinition(
            settings: settings, queues: queues.map(\.value), workers: workers.map(\.value),
            workflows: workflows.map(\.value))
    }

    // MARK: - Merging

    private mutating func merge<Value>(
        _ items: KeyPath<WorkspaceDefinition, [Value]>, section: String, noun: String, id: (Value) -> String
    ) -> [(value: Value, origin: Origin)] {
        var first: [String: Origin] = [:]
        var merged: [(value: Value, origin: Origin)] = []
        for (document, contents) in documents.enumerated() {
            for (index, value) in contents.definition[keyPath: items].enumerated() {
                let origin = Origin(document: document, index: index, path: "\(section)[\(index)]")
                let key = id(value)
                if let earlier = first[key] {
                    let place = self.place(of: "\(earlier.path).id", in: earlier.document, seenFrom: document)
                    addPrimary(document, "\(origin.path).id", "\(noun) \(key) is already defined \(place)")
                } else if !key.isEmpty {
                    first[key] = origin
                }
                merged.append((value, origin))
            }
        }
        return merged
    }

    private mutating func mergeSettings() -> WorkspaceDefinition.Settings {
        var settings = WorkspaceDefinition.Settings()
        var setIn: [String: Int] = [:]
        for (document, contents) in documents.enumerated() {
            let given = contents.definition.settings
            mergeSetting(&settings.routingPolicy, given.routingPolicy, "routing_policy", document, &setIn) { $0.rawValue }
            mergeSetting(&settings.explainedCandidates, given.explainedCandidates, "explained_candidates", document, &setIn) {
                String($0)
            }
            mergeSetting(&settings.exceptionDue, given.exceptionDue, "exception_due", document, &setIn) {
                DurationText.format($0)
            }
            mergePredictive(&settings.predictive, given.predictive, document, &setIn)
        }
        return settings
    }

    private mutating func mergePredictive(
        _ settings: inout WorkspaceDefinition.Settings.Predictive, _ given: WorkspaceDefinition.Settings.Predictive,
        _ document: Int, _ setIn: inout [String: Int]
    ) {
        let text: (String) -> String = { $0 }
        let number: (Double) -> String = { String($0) }
        let count: (Int) -> String = { String($0) }
        mergeSetting(&settings.typeAttribute, given.typeAttribute, "predictive.type_attribute", document, &setIn, describe: text)
        mergeSetting(&settings.valueAttribute, given.valueAttribute, "predictive.value_attribute", document, &setIn, describe: text)
        mergeSetting(&settings.taskValue, given.taskValue, "predictive.task_value", document, &setIn, describe: number)
        mergeSetting(
            &settings.customerCostPerHour, given.customerCostPerHour, "predictive.customer_cost_per_hour", document, &setIn,
            describe: number)
        mergeSetting(
            &settings.missedPromiseCost, given.missedPromiseCost, "predictive.missed_promise_cost", document, &setIn,
            describe: number)
        mergeSetting(&settings.fairnessBound, given.fairnessBound, "predictive.fairness_bound", document, &setIn, describe: number)
        mergeSetting(&settings.fairnessPeriod, given.fairnessPeriod, "predictive.fairness_period", document, &setIn) {
            DurationText.format($0)
        }
        mergeSetting(
            &settings.fairnessMinimum, given.fairnessMinimum, "predictive.fairness_minimum", document, &setIn, describe: count)
        mergeSetting(&settings.batchInterval, given.batchInterval, "predictive.batch_interval", document, &setIn) {
            DurationText.format($0)
        }
    }

    /// Files may repeat a setting, but not contradict one another about it.
    private mutating func mergeSetting<Value: Equatable>(
        _ current: inout Value?, _ given: Value?, _ key: String, _ document: Int, _ setIn: inout [String: Int],
        describe: (Value) -> String
    ) {
        guard let given else { return }
        guard let existing = current, let earlier = setIn[key] else {
            current = given
            setIn[key] = document
            return
        }
        if existing != given {
            let place = place(of: "workspace.\(key)", in: earlier, seenFrom: document)
            addPrimary(document, "workspace.\(key)", "\(key) is already set to \(describe(existing)) \(place)")
        }
    }

    // MARK: - Checks

    private mutating func check(queues: [(value: Queue, origin: Origin)], workers: [Worker]) {
        for (queue, origin) in queues {
            let order = documents[origin.document].relaxationOrder[origin.index]
            var issues = WorkspaceValidator.issues(in: queue)
            if !workers.isEmpty { issues += WorkspaceValidator.unknownSkills(in: queue, workers: workers) }
            for issue in issues {
                let path = Self.writtenPath(ofQueueIssue: issue.path, relaxationOrder: order)
                addDerived(origin.document, "\(origin.path).\(path)", issue.message)
            }
        }
    }

    private mutating func check(workers: [(value: Worker, origin: Origin)]) {
        for (worker, origin) in workers {
            for issue in WorkspaceValidator.issues(in: worker) {
                addDerived(origin.document, "\(origin.path).\(issue.path)", issue.message)
            }
        }
    }

    private mutating func check(
        workflows: [(value: Workflow, origin: Origin)], queues: [(value: Queue, origin: Origin)], workers: [Worker]?
    ) {
        let queueIDs = queues.map(\.value.id.rawValue).filter { !$0.isEmpty }
        for (workflow, origin) in workflows {
            let document = origin.document
            let sourceMap = documents[document].sourceMap
            let stepIDs = workflow.steps.map(\.id.rawValue).filter { !$0.isEmpty }
            var firstStep: [StepID: Int] = [:]
            for (index, step) in workflow.steps.enumerated() {
                let path = "\(origin.path).steps[\(index)]"
                if let earlier = firstStep[step.id] {
                    let line = sourceMap.location(of: "\(origin.path).steps[\(earlier)].id").line
                    addPrimary(document, "\(path).id", "step \(step.id) is already defined at line \(line)")
                } else if !step.id.rawValue.isEmpty {
                    firstStep[step.id] = index
                }
                if !step.queue.rawValue.isEmpty, !queueIDs.contains(step.queue.rawValue) {
                    addPrimary(
                        document, "\(path).queue",
                        "unknown queue \(step.queue)\(Suggestion.hint(for: step.queue.rawValue, among: queueIDs))")
                }
                for (outcome, transition) in step.next.sorted(by: { $0.key < $1.key }) {
                    guard case .step(let target) = transition, !target.rawValue.isEmpty, workflow.step(target) == nil
                    else { continue }
                    // `next: resolve` is stored as the default outcome but written without one.
                    let written = sourceMap.contains("\(path).next.\(outcome)") ? "\(path).next.\(outcome)" : "\(path).next"
                    addPrimary(
                        document, written, "unknown step \(target)\(Suggestion.hint(for: target.rawValue, among: stepIDs))")
                }
            }
            let all = queues.map(\.value)
            for issue in WorkspaceValidator.issues(in: workflow, queues: all, workers: workers) {
                addDerived(document, "\(origin.path).\(issue.path)", issue.message)
            }
        }
    }

    // MARK: - Issues

    private mutating func addPrimary(_ document: Int, _ path: String, _ message: String) {
        primary[document].append(DefinitionError.Issue(
            at: documents[document].sourceMap.location(of: path), path: path, message: message))
    }

    private mutating func addDerived(_ document: Int, _ path: String, _ message: String) {
        let issue = DefinitionError.Issue(at: documents[document].sourceMap.location(of: path), path: path, message: message)
        // The validator repeats itself for some problems (one per escalation stage that needs a backup owner).
        if !derived[document].contains(issue) { derived[document].append(issue) }
    }

    /// Every issue, by file in the order given, then by position, then in the order found.
    private func collectedIssues() -> [DefinitionError.Issue] {
        documents.indices.flatMap { document in
            let covered = primary[document].map(\.path)
            let kept = derived[document].filter { issue in
                !covered.contains { Self.path(issue.path, isWithin: $0) }
            }
            return (primary[document] + kept).enumerated()
                .sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }
                .map(\.element)
        }
    }

    private static func path(_ path: String, isWithin enclosing: String) -> Bool {
        enclosing.isEmpty || path == enclosing || path.hasPrefix(enclosing + ".") || path.hasPrefix(enclosing + "[")
    }

    /// `at line 3` within the same file, `in queues.yaml at line 3` across files.
    private func place(of path: String, in document: Int, seenFrom other: Int) -> String {
        let location = documents[document].sourceMap.location(of: path)
        return document == other ? "at line \(location.line)" : "in \(location.file) at line \(location.line)"
    }

    /// The validator names relaxation stages by their index in the queue, which keeps them in
    /// order of `after`, and nests their fields under `requirement`; a file writes stages in
    /// its own order with the fields inline.
    static func writtenPath(ofQueueIssue path: String, relaxationOrder: [Int]) -> String {
        let prefix = "relaxation["
        guard path.hasPrefix(prefix), let close = path.firstIndex(of: "]"),
            let index = Int(path[path.index(path.startIndex, offsetBy: prefix.count)..<close]),
            relaxationOrder.indices.contains(index)
        else { return path }
        var rest = path[path.index(after: close)...]
        if rest.hasPrefix(".requirement") { rest = rest.dropFirst(".requirement".count) }
        return "relaxation[\(relaxationOrder[index])]\(rest)"
    }
}
