import FlowtuneCore
import Foundation

extension Scenario {
    /// Reads a scenario from its files: one file with a top-level `simulation:` section, and the
    /// workspace definition (queues, workers, workflows, decision tables) in the same file or in
    /// the others.
    ///
    /// Every problem is reported together, each at its file, line, column and field, in the
    /// `file:line:column: path: message` form of ``DefinitionError``.
    ///
    /// ```swift
    /// let scenario = try Scenario.load([
    ///     DefinitionSource(file: "scenario.yaml", text: scenarioText),
    ///     DefinitionSource(file: "workspace.yaml", text: workspaceText),
    /// ])
    /// ```
    ///
    /// A scenario whose `replay` section names a CSV file or an event store needs its contents in
    /// `replay`: the shell reads them (see ``replayReference(in:)``).
    public static func load(_ sources: [DefinitionSource], replay: ReplayData? = nil) throws(DefinitionError) -> Scenario {
        let scenarioFiles = sources.filter { isScenarioFile($0.text) }
        guard let scenarioFile = scenarioFiles.first else {
            throw DefinitionError(issues: [DefinitionError.Issue(
                file: sources.first?.file ?? "scenario.yaml", line: 1, column: 1, path: "simulation",
                message: "no file has a simulation section; a scenario needs one")])
        }
        var issues: [DefinitionError.Issue] = []
        for extra in scenarioFiles.dropFirst() {
            issues.append(DefinitionError.Issue(
                file: extra.file, line: 1, column: 1, path: "simulation",
                message: "a second simulation section; \(scenarioFile.file) already has one"))
        }
        var reader = ScenarioReader(file: scenarioFile.file)
        let section = reader.read(scenarioFile.text)
        issues += reader.issues

        // The scenario file may define the workspace too: the core reads it with the simulation
        // section blanked out line for line, so its positions stay true.
        var definitionSources = sources.filter { !isScenarioFile($0.text) }
        definitionSources.insert(DefinitionSource(file: scenarioFile.file, text: withoutSimulation(scenarioFile.text)), at: 0)
        var definition = WorkspaceDefinition()
        do {
            definition = try WorkspaceDefinition.load(definitionSources)
        } catch {
            issues += error.issues
        }
        guard let section, issues.isEmpty else { throw DefinitionError(issues: issues) }
        check(section, against: definition, &reader)
        checkShifts(section, against: definition, &reader)
        checkPerformance(section, against: definition, &reader)
        if !reader.issues.isEmpty { throw DefinitionError(issues: reader.issues) }
        var taskTypes = section.taskTypes
        var start = section.start
        try replayed(section, replay, into: &taskTypes, start: &start, &reader)
        return Scenario(
            name: section.name ?? baseName(of: scenarioFile.file), definition: definition,
            start: start ?? Scenario.defaultStart, horizon: section.horizon, warmUp: section.warmUp,
            drain: section.drain, replications: section.replications, seed: section.seed, policy: section.policy,
            acceptance: section.acceptance, taskTypes: taskTypes, shifts: section.shifts, utcOffset: section.utcOffset,
            performance: section.performance, learning: section.learning, batchInterval: section.batchInterval)
    }

    /// Where the scenario's replayed arrivals come from, if it replays any: the shell reads the
    /// file (relative to the scenario file) or the event store and passes it to ``load(_:replay:)``.
    public static func replayReference(in source: DefinitionSource) -> ReplayReference? {
        var reader = ScenarioReader(file: source.file)
        return reader.read(source.text)?.replay?.reference
    }

    /// Fills the task types that say `arrivals: replay` from the replayed history.
    private static func replayed(
        _ section: ScenarioReader.Section, _ data: ReplayData?, into taskTypes: inout [TaskType], start: inout Date?,
        _ reader: inout ScenarioReader
    ) throws(DefinitionError) {
        let replayTypes = taskTypes.indices.filter { taskTypes[$0].arrivals.replayed != nil }
        guard let spec = section.replay else {
            for index in replayTypes {
                reader.report("arrivals: replay needs a replay section naming the history", atField: "\(section.taskTypePaths[index]).arrivals")
            }
            if !reader.issues.isEmpty { throw DefinitionError(issues: reader.issues) }
            return
        }
        guard !replayTypes.isEmpty else {
            throw DefinitionError(issues: [issue(reader, "no task type says arrivals: replay, so nothing replays this history", at: spec.path)])
        }
        if spec.file != nil, spec.typeColumn == nil, replayTypes.count > 1 {
            throw DefinitionError(issues: [issue(
                reader, "several task types replay arrivals; name the column that says which under columns.type", at: spec.path + ".columns")])
        }
        var replayReader = ReplayReader()
        let rows: [ReplayReader.Row]
        switch data {
        case .csv(let source)? where spec.file != nil:
            rows = replayReader.rows(csv: source, spec: spec, replayTypes: replayTypes.map { (taskTypes[$0].name, $0) })
        case .events(_, let events)? where spec.events != nil:
            rows = replayReader.rows(events: events, replayTypes: replayTypes.map { (taskTypes[$0].request, $0) })
        default:
            let what = spec.file.map { "the CSV file \($0)" } ?? "the event store \(spec.events ?? "")"
            throw DefinitionError(issues: [issue(reader, "\(what) was not read; pass its contents to Scenario.load", at: spec.path)])
        }
        if !replayReader.issues.isEmpty { throw DefinitionError(issues: replayReader.issues) }
        start = start ?? ReplayReader.defaultStart(for: rows)
        let arrivals = ReplayReader.arrivals(
            rows, start: start ?? Scenario.defaultStart, end: section.horizon + section.drain, types: taskTypes.count)
        let source: String
        switch data {
        case .csv(let file)?: source = file.file
        case .events(let file, _)?: source = file
        case nil: source = ""
        }
        // A history that misses the measured window would run and measure nothing: say where it lies.
        let measured = replayTypes.contains { index in
            arrivals[index].contains { $0.time >= section.warmUp && $0.time < section.horizon }
        }
        if !measured {
            let origin = start ?? Scenario.defaultStart
            let times = rows.map { $0.instant ?? origin + $0.offset }
            let formatter = ISO8601DateFormatter()
            let span = times.min().flatMap { first in times.max().map { "\(formatter.string(from: first)) to \(formatter.string(from: $0))" } } ?? "nowhere"
            throw DefinitionError(issues: [issue(
                reader,
                "no arrival in \(source) falls inside the measured window, \(formatter.string(from: origin + section.warmUp)) to "
                    + "\(formatter.string(from: origin + section.horizon)); the history runs from \(span) (set start and horizon to cover it)",
                at: spec.path)])
        }
        for index in replayTypes { taskTypes[index].arrivals = .replay(arrivals[index]) }
    }

    private static func issue(_ reader: ScenarioReader, _ message: String, at path: String) -> DefinitionError.Issue {
        var copy = reader
        copy.report(message, atField: path)
        return copy.issues[copy.issues.count - 1]
    }

    /// Checks that shifts name workers and teams the workspace has, and steps sent back to exist.
    private static func checkShifts(_ section: ScenarioReader.Section, against definition: WorkspaceDefinition, _ reader: inout ScenarioReader) {
        let workerIDs = definition.workers.map(\.id.rawValue)
        let teams = Set(definition.workers.map(\.team))
        for (shift, path) in zip(section.shifts, section.shiftPaths) {
            for (index, worker) in shift.workers.enumerated() where !workerIDs.contains(worker.rawValue) {
                let hint = Suggestion.closest(to: worker.rawValue, among: workerIDs).map { " (did you mean \($0)?)" } ?? ""
                reader.report("no worker \(worker)\(hint)", atField: "\(path).workers[\(index)]")
            }
            for (index, team) in shift.teams.enumerated() where !teams.contains(team) {
                let hint = Suggestion.closest(to: team, among: teams.sorted()).map { " (did you mean \($0)?)" } ?? ""
                reader.report("no worker is in team \(team)\(hint)", atField: "\(path).teams[\(index)]")
            }
        }
        for (type, path) in zip(section.taskTypes, section.taskTypePaths) {
            guard let workflow = definition.workflows.first(where: { $0.id == type.request.workflow }) else { continue }
            for (step, profile) in type.steps.sorted(by: { $0.key < $1.key }) {
                guard let target = profile.rework?.step, workflow.step(target) == nil else { continue }
                let hint = Suggestion.closest(to: target.rawValue, among: workflow.steps.map(\.id.rawValue)).map { " (did you mean \($0)?)" } ?? ""
                reader.report("workflow \(workflow.id) has no step \(target)\(hint)", atField: "\(path).steps.\(step).rework.to")
            }
        }
    }

    /// Checks that the performance truth names workers the workspace has and the scenario's task types.
    private static func checkPerformance(
        _ section: ScenarioReader.Section, against definition: WorkspaceDefinition, _ reader: inout ScenarioReader
    ) {
        let workerIDs = definition.workers.map(\.id.rawValue)
        let typeNames = section.taskTypes.map(\.name)
        func checkType(_ type: String, at path: String) {
            guard !typeNames.contains(type) else { return }
            let hint = Suggestion.closest(to: type, among: typeNames).map { " (did you mean \($0)?)" }
                ?? "; the task types are \(typeNames.joined(separator: ", "))"
            reader.report("no task type \(type)\(hint)", atField: path)
        }
        var reportedWorkers: Set<String> = []
        for entry in section.performanceEntries {
            if !workerIDs.contains(entry.worker), reportedWorkers.insert(entry.worker).inserted {
                let hint = Suggestion.closest(to: entry.worker, among: workerIDs).map { " (did you mean \($0)?)" } ?? ""
                reader.report("no worker \(entry.worker)\(hint)", atField: String(entry.path.dropLast(entry.taskType.count + 1)))
            }
            checkType(entry.taskType, at: entry.path)
        }
        for entry in section.performanceTypes { checkType(entry.taskType, at: entry.path) }
    }

    /// The definition files a scenario file names in `simulation.definitions`, as written
    /// (relative to the scenario file); the shell reads them and passes them to ``load(_:)``.
    public static func referencedDefinitions(in source: DefinitionSource) -> [String] {
        ScenarioReader.definitions(in: source.text)
    }

    /// Whether the text has a top-level `simulation:` section.
    public static func isScenarioFile(_ text: String) -> Bool {
        text.split(separator: "\n", omittingEmptySubsequences: true).contains { $0.hasPrefix("simulation:") }
    }

    /// The text with the `simulation:` block replaced by empty lines.
    static func withoutSimulation(_ text: String) -> String {
        var inside = false
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> Substring in
            if line.hasPrefix("simulation:") {
                inside = true
                return ""
            }
            if inside, let first = line.first, first != " ", first != "\t", first != "#" { inside = false }
            return inside ? "" : line
        }
        return lines.joined(separator: "\n")
    }

    private static func baseName(of file: String) -> String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        if let dot = name.lastIndex(of: "."), dot != name.startIndex { return String(name[..<dot]) }
        return name
    }

    /// Checks the traffic against the workspace: workflows exist, every step has a handling
    /// time, outcomes are the steps' own.
    private static func check(_ section: ScenarioReader.Section, against definition: WorkspaceDefinition, _ reader: inout ScenarioReader) {
        if section.taskTypes.isEmpty {
            reader.report("a scenario needs at least one task type", atField: "simulation.task_types")
        }
        for (type, path) in zip(section.taskTypes, section.taskTypePaths) {
            guard let workflow = definition.workflows.first(where: { $0.id == type.request.workflow }) else {
                let known = definition.workflows.map(\.id.rawValue)
                let hint = Suggestion.closest(to: type.request.workflow.rawValue, among: known).map { " (did you mean \($0)?)" }
                    ?? (known.isEmpty ? "; the workspace defines no workflows" : "; defined: \(known.joined(separator: ", "))")
                reader.report("no workflow \(type.request.workflow)\(hint)", atField: "\(path).workflow")
                continue
            }
            if !definition.workers.contains(where: { $0.capacity(on: type.request.channel) > 0 }) {
                reader.report("no worker serves channel \(type.request.channel)", atField: "\(path).channel")
            }
            let stepIDs = workflow.steps.map(\.id)
            for step in type.steps.keys.sorted() where !stepIDs.contains(step) {
                let hint = Suggestion.closest(to: step.rawValue, among: stepIDs.map(\.rawValue)).map { " (did you mean \($0)?)" } ?? ""
                reader.report("workflow \(workflow.id) has no step \(step)\(hint)", atField: "\(path).steps.\(step)")
            }
            for step in workflow.steps {
                guard let profile = type.steps[step.id] else {
                    reader.report("no handling time for step \(step.id) of workflow \(workflow.id)", atField: "\(path).steps")
                    continue
                }
                let known = step.next.keys.sorted()
                if let outcomes = profile.outcomes {
                    for outcome in outcomes.map(\.outcome) where step.transition(for: outcome) == nil {
                        reader.report(
                            "step \(step.id) has no outcome \(outcome); expected one of \(known.joined(separator: ", "))",
                            atField: "\(path).steps.\(step.id).outcomes.\(outcome)")
                    }
                } else if step.next.count > 1 {
                    reader.report(
                        "step \(step.id) has several outcomes (\(known.joined(separator: ", "))); give each a probability under outcomes",
                        atField: "\(path).steps.\(step.id)")
                }
            }
        }
    }
}
