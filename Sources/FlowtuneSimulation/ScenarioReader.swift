import FlowtuneCore
import Foundation
internal import Yams

/// Reads the `simulation:` section of a scenario file, recording every problem at its file,
/// line, column and field path, as the core's definition reader does; it never stops at the
/// first problem.
struct ScenarioReader {
    private(set) var issues: [DefinitionError.Issue] = []
    private var positions: [String: (line: Int, column: Int)] = [:]
    let file: String

    static let sectionKeys = [
        "name", "definitions", "start", "horizon", "warm_up", "drain", "replications", "seed", "policy", "accept_after",
        "task_types", "shifts", "replay", "utc_offset", "performance", "learning",
        "batch_interval",
    ]
    static let performanceKeys = ["workers", "generate"]
    static let performanceEntryKeys = ["speed", "resolution"]
    static let generatorKeys = ["seed", "types", "speed", "resolution", "specialists"]
    static let speedSpreadKeys = ["spread"]
    static let resolutionSpreadKeys = ["mean", "spread"]
    static let specialistKeys = ["share", "speed", "resolution", "types"]
    static let learningKeys = ["refresh", "history"]
    static let taskTypeKeys = ["name", "workflow", "channel", "priority", "attributes", "arrivals", "patience", "steps"]
    static let arrivalKeys = ["rate", "per", "interval", "rates"]
    static let stepKeys = ["handling", "skill", "exception", "outcomes", "rework"]
    static let reworkKeys = ["probability", "to"]
    static let shiftKeys = ["name", "workers", "teams", "start", "length", "days", "breaks"]
    static let breakKeys = ["after", "at", "length"]
    static let replayKeys = ["file", "events", "workspace", "columns"]
    static let columnKeys = ["time", "type", "channel", "priority", "attributes"]
    static let dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    static let skillKeys = ["name", "reference", "factor"]
    static let distributionKeys = ["distribution", "mean", "cv", "value", "values"]
    static let distributions = ["exponential", "lognormal", "gamma", "empirical", "constant"]

    init(file: String) {
        self.file = file
    }

    /// What the section says, with the pieces the whole-scenario checks need.
    struct Section {
        var name: String?
        var definitions: [String] = []
        var start: Date?
        var horizon: Double = 0
        var warmUp: Double = 0
        var drain: Double = 24 * 3600
        var replications = 10
        var seed: UInt64 = 1
        var policy: RoutingPolicyKind?
        var acceptance: Distribution?
        var taskTypes: [TaskType] = []
        /// The field path of each task type read, for checks against the workspace.
        var taskTypePaths: [String] = []
        var shifts: [Shift] = []
        var shiftPaths: [String] = []
        var replay: ReplaySpec?
        var utcOffset: Double = 0
        var performance: PerformanceTruth?
        /// Each written (worker, task type) entry with its field path, for checks against the workspace.
        var performanceEntries: [(worker: String, taskType: String, path: String)] = []
        /// Each task type name the generator or its specialists list, with its field path.
        var performanceTypes: [(taskType: String, path: String)] = []
        var learning: LearningSettings?
        var batchInterval: Double?
    }

    // MARK: - Entry

    /// Reads the scenario file's `simulation` section; nil when the text is not YAML or has none.
    mutating func read(_ yaml: String) -> Section? {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            report("invalid YAML: \(error)", at: "", nil)
            return nil
        }
        guard let root, case .mapping(let mapping) = root else {
            report("expected a mapping with a simulation section", at: "", root?.mark)
            return nil
        }
        guard let node = mapping["simulation"] else {
            report("missing required field simulation", at: "simulation", root.mark)
            return nil
        }
        record("simulation", node.mark)
        guard let fields = fields(node, at: "simulation", allowed: Self.sectionKeys) else { return nil }
        return section(fields)
    }

    /// The `definitions` a scenario file names, without checking anything else.
    static func definitions(in yaml: String) -> [String] {
        guard let root = try? Yams.compose(yaml: yaml), case .mapping(let mapping) = root,
            case .mapping(let section)? = mapping["simulation"], case .sequence(let list)? = section["definitions"]
        else { return [] }
        return list.compactMap { $0.scalar?.string }
    }

    private mutating func section(_ fields: Fields) -> Section {
        var section = Section()
        if let node = fields["name"] { section.name = text(node, at: fields.path("name")) }
        if let node = fields["definitions"] {
            if case .sequence(let list) = node {
                for (index, item) in list.enumerated() {
                    if let name = text(item, at: fields.path("definitions") + "[\(index)]") { section.definitions.append(name) }
                }
            } else {
                mismatch("a list of definition files such as [workspace.yaml]", node, at: fields.path("definitions"))
            }
        }
        if let node = fields["start"], let text = text(node, at: fields.path("start")) {
            if let date = ISO8601DateFormatter().date(from: text) {
                section.start = date
            } else {
                report("\"\(text)\" is not a time; write it like 2026-01-05T08:00:00Z", at: fields.path("start"), node.mark)
            }
        }
        if let horizon = requiredDuration(fields, "horizon") {
            if horizon > 0 {
                section.horizon = horizon
            } else {
                report("must be longer than zero", at: fields.path("horizon"), fields["horizon"]?.mark)
            }
        }
        if let node = fields["warm_up"], let warmUp = duration(node, at: fields.path("warm_up")) {
            if warmUp >= 0, section.horizon == 0 || warmUp < section.horizon {
                section.warmUp = warmUp
            } else {
                report("must be shorter than the horizon", at: fields.path("warm_up"), node.mark)
            }
        }
        if let node = fields["drain"], let drain = duration(node, at: fields.path("drain")) {
            section.drain = drain
        }
        if let node = fields["replications"], let count = wholeNumber(node, at: fields.path("replications")) {
            if count >= 1 {
                section.replications = count
            } else {
                report("must be at least 1, not \(count)", at: fields.path("replications"), node.mark)
            }
        }
        if let node = fields["seed"], let seed = wholeNumber(node, at: fields.path("seed")) {
            if seed >= 0 {
                section.seed = UInt64(seed)
            } else {
                report("must not be negative", at: fields.path("seed"), node.mark)
            }
        }
        if let node = fields["policy"], let name = text(node, at: fields.path("policy")) {
            if let policy = RoutingPolicyKind(rawValue: name) {
                section.policy = policy
            } else {
                report(
                    "unknown routing policy \"\(name)\"; expected \(RoutingPolicyKind.allCases.map(\.rawValue).joined(separator: ", "))",
                    at: fields.path("policy"), node.mark)
            }
        }
        if let node = fields["accept_after"] {
            section.acceptance = distributionOrDuration(node, at: fields.path("accept_after"))
        }
        if let node = fields["task_types"] {
            if case .sequence(let list) = node {
                for (index, item) in list.enumerated() {
                    let path = fields.path("task_types") + "[\(index)]"
                    record(path, item.mark)
                    if let type = self.fields(item, at: path, allowed: Self.taskTypeKeys), let read = taskType(type, index: index) {
                        section.taskTypes.append(read)
                        section.taskTypePaths.append(path)
                    }
                }
            } else {
                mismatch("a list of task types", node, at: fields.path("task_types"))
            }
        } else {
            reportMissing("task_types", in: fields)
        }
        if let node = fields["shifts"] {
            if case .sequence(let list) = node {
                for (index, item) in list.enumerated() {
                    let path = fields.path("shifts") + "[\(index)]"
                    record(path, item.mark)
                    if let shiftFields = self.fields(item, at: path, allowed: Self.shiftKeys), let shift = shift(shiftFields, index: index) {
                        section.shifts.append(shift)
                        section.shiftPaths.append(path)
                    }
                }
            } else {
                mismatch("a list of shifts", node, at: fields.path("shifts"))
            }
        }
        if let node = fields["utc_offset"] {
            if case .scalar(let scalar) = node {
                let written = scalar.string.trimmingCharacters(in: .whitespaces)
                let negative = written.hasPrefix("-")
                let magnitude = negative || written.hasPrefix("+") ? String(written.dropFirst()) : written
                if let seconds = DurationText.seconds(from: magnitude), seconds <= 14 * 3600 {
                    section.utcOffset = negative ? -seconds : seconds
                } else {
                    report("\"\(written)\" is not an offset from UTC; write it like -5h, +1h or +5h30m", at: fields.path("utc_offset"), node.mark)
                }
            } else {
                mismatch("an offset from UTC such as -5h or +1h", node, at: fields.path("utc_offset"))
            }
        }
        if let node = fields["replay"], let replayFields = self.fields(node, at: fields.path("replay"), allowed: Self.replayKeys) {
            section.replay = replay(replayFields)
        }
        if let node = fields["performance"],
            let performanceFields = self.fields(node, at: fields.path("performance"), allowed: Self.performanceKeys)
        {
            performance(performanceFields, into: &section)
        }
        if let node = fields["batch_interval"], let interval = duration(node, at: fields.path("batch_interval")) {
            if interval >= 0 {
                section.batchInterval = interval
            } else {
                report("must not be negative", at: fields.path("batch_interval"), node.mark)
            }
        }
        if let node = fields["learning"], let learningFields = self.fields(node, at: fields.path("learning"), allowed: Self.learningKeys) {
            section.learning = learning(learningFields)
        }
        return section
    }

    // MARK: - Performance and learning

    private mutating func performance(_ fields: Fields, into section: inout Section) {
        var truth = PerformanceTruth()
        if let node = fields["workers"] {
            if case .mapping(let workers) = node {
                for (key, value) in workers {
                    guard let worker = key.scalar?.string else { continue }
                    let workerPath = fields.path("workers") + ".\(worker)"
                    record(workerPath, key.mark)
                    guard case .mapping(let types) = value else {
                        mismatch("a mapping from task type to its speed and resolution, such as { billing: { speed: 0.8 } }", value, at: workerPath)
                        continue
                    }
                    for (typeKey, entry) in types {
                        guard let type = typeKey.scalar?.string else { continue }
                        let path = workerPath + ".\(type)"
                        record(path, typeKey.mark)
                        guard let entryFields = self.fields(entry, at: path, allowed: Self.performanceEntryKeys) else { continue }
                        var performance = WorkerPerformance()
                        if let node = entryFields["speed"], let speed = positiveNumber(node, at: entryFields.path("speed")) {
                            performance.speed = speed
                        }
                        if let node = entryFields["resolution"] {
                            performance.resolution = probability(node, at: entryFields.path("resolution"))
                        }
                        truth.workers[WorkerID(worker), default: [:]][type] = performance
                        section.performanceEntries.append((worker, type, path))
                    }
                }
            } else {
                mismatch("a mapping from worker id to task types, such as { ana: { billing: { speed: 0.8 } } }", node, at: fields.path("workers"))
            }
        }
        if let node = fields["generate"], let generate = self.fields(node, at: fields.path("generate"), allowed: Self.generatorKeys) {
            truth.generator = generator(generate, into: &section)
        }
        if fields["workers"] == nil, fields["generate"] == nil {
            report("give the truth per worker (workers:) or a generator (generate:)", atField: fields.path)
        }
        section.performance = truth
    }

    private mutating func generator(_ fields: Fields, into section: inout Section) -> PerformanceGenerator? {
        var generator = PerformanceGenerator(seed: 1)
        if let node = fields["seed"], let seed = wholeNumber(node, at: fields.path("seed")) {
            if seed >= 0 { generator.seed = UInt64(seed) } else { report("must not be negative", at: fields.path("seed"), node.mark) }
        }
        if let node = fields["types"] {
            let types = textList(node, at: fields.path("types"))
            generator.types = types
            for (index, type) in types.enumerated() { section.performanceTypes.append((type, fields.path("types") + "[\(index)]")) }
        }
        if let node = fields["speed"], let speed = self.fields(node, at: fields.path("speed"), allowed: Self.speedSpreadKeys) {
            if let node = speed["spread"], let spread = nonNegativeNumber(node, at: speed.path("spread")) {
                generator.speedSpread = spread
            } else if speed["spread"] == nil {
                reportMissing("spread", in: speed)
            }
        }
        if let node = fields["resolution"], let resolution = self.fields(node, at: fields.path("resolution"), allowed: Self.resolutionSpreadKeys) {
            if let node = resolution["mean"] {
                generator.resolutionMean = probability(node, at: resolution.path("mean"))
            } else {
                reportMissing("mean", in: resolution)
            }
            if let node = resolution["spread"], let spread = nonNegativeNumber(node, at: resolution.path("spread")) {
                generator.resolutionSpread = spread
            }
        }
        if let node = fields["specialists"], let specialists = self.fields(node, at: fields.path("specialists"), allowed: Self.specialistKeys) {
            var share: Double?
            if let node = specialists["share"] {
                share = probability(node, at: specialists.path("share"))
            } else {
                reportMissing("share", in: specialists)
            }
            var speed: Double?
            if let node = specialists["speed"] {
                speed = positiveNumber(node, at: specialists.path("speed"))
            } else {
                reportMissing("speed", in: specialists)
            }
            let resolution = specialists["resolution"].flatMap { probability($0, at: specialists.path("resolution")) }
            var types: [String]?
            if let node = specialists["types"] {
                types = textList(node, at: specialists.path("types"))
                for (index, type) in (types ?? []).enumerated() {
                    section.performanceTypes.append((type, specialists.path("types") + "[\(index)]"))
                }
            }
            if let share, let speed {
                generator.specialists = PerformanceGenerator.Specialists(share: share, speed: speed, resolution: resolution, types: types)
            }
        }
        return generator
    }

    private mutating func learning(_ fields: Fields) -> LearningSettings? {
        guard let refresh = requiredDuration(fields, "refresh") else { return nil }
        guard refresh > 0 else {
            report("must be longer than zero", at: fields.path("refresh"), fields["refresh"]?.mark)
            return nil
        }
        var settings = LearningSettings(refresh: refresh)
        if let node = fields["history"], let history = wholeNumber(node, at: fields.path("history")) {
            if history >= 0 {
                settings.history = history
            } else {
                report("must not be negative", at: fields.path("history"), node.mark)
            }
        }
        return settings
    }

    private mutating func probability(_ node: Node, at path: String) -> Double? {
        guard let value = number(node, at: path) else { return nil }
        guard (0...1).contains(value) else {
            report("must be a probability between 0 and 1, not \(value)", at: path, node.mark)
            return nil
        }
        return value
    }

    private mutating func positiveNumber(_ node: Node, at path: String) -> Double? {
        guard let value = number(node, at: path) else { return nil }
        guard value > 0 else {
            report("must be greater than zero", at: path, node.mark)
            return nil
        }
        return value
    }

    private mutating func nonNegativeNumber(_ node: Node, at path: String) -> Double? {
        guard let value = number(node, at: path) else { return nil }
        guard value >= 0 else {
            report("must not be negative", at: path, node.mark)
            return nil
        }
        return value
    }

    // MARK: - Shifts

    private mutating func shift(_ fields: Fields, index: Int) -> Shift? {
        let name = fields["name"].flatMap { text($0, at: fields.path("name")) } ?? "shift \(index + 1)"
        let workers = fields["workers"].map { textList($0, at: fields.path("workers")) } ?? []
        let teams = fields["teams"].map { textList($0, at: fields.path("teams")) } ?? []
        if workers.isEmpty, teams.isEmpty {
            report("a shift names its workers or teams (workers: [ana], teams: [support])", atField: fields.path("workers"))
        }
        var start: Double?
        if let node = fields["start"] {
            start = timeOfDay(node, at: fields.path("start"))
        } else {
            reportMissing("start", in: fields)
        }
        var length: Double?
        if let value = requiredDuration(fields, "length") {
            if value > 0, value <= 86_400 {
                length = value
            } else {
                report("must be longer than zero and at most 24h", at: fields.path("length"), fields["length"]?.mark)
            }
        }
        var days: Set<Int>?
        if let node = fields["days"] {
            var set = Set<Int>()
            for (position, day) in textList(node, at: fields.path("days")).enumerated() {
                let key = String(day.lowercased().prefix(3))
                if let number = Self.dayNames.firstIndex(of: key) {
                    set.insert(number + 1)
                } else {
                    report("\"\(day)\" is not a day; write mon, tue, wed, thu, fri, sat or sun", at: fields.path("days") + "[\(position)]", node.mark)
                }
            }
            days = set
        }
        var breaks: [ShiftBreak] = []
        if let node = fields["breaks"] {
            if case .sequence(let list) = node {
                for (position, item) in list.enumerated() {
                    let path = fields.path("breaks") + "[\(position)]"
                    guard let breakFields = self.fields(item, at: path, allowed: Self.breakKeys) else { continue }
                    var after: Double?
                    if let node = breakFields["after"] {
                        after = duration(node, at: breakFields.path("after"))
                    } else if let node = breakFields["at"], let time = timeOfDay(node, at: breakFields.path("at")), let start {
                        // A clock time inside a shift that crosses midnight lies on the next day.
                        after = time >= start ? time - start : time + 86_400 - start
                    } else if breakFields["at"] == nil {
                        report("give when the break starts: after (into the shift) or at (a time of day)", at: path, item.mark)
                    }
                    guard let after, let pause = requiredDuration(breakFields, "length") else { continue }
                    if let length, after + pause > length {
                        report("the break ends after the shift does", at: path, item.mark)
                        continue
                    }
                    breaks.append(ShiftBreak(after: after, length: pause))
                }
            } else {
                mismatch("a list of breaks such as [{ after: 4h, length: 30m }]", node, at: fields.path("breaks"))
            }
        }
        guard let start, let length else { return nil }
        return Shift(
            name: name, workers: workers.map { WorkerID($0) }, teams: teams, start: start, length: length, days: days,
            breaks: breaks)
    }

    /// "08:00" or "8:30:15" as seconds after midnight.
    private mutating func timeOfDay(_ node: Node, at path: String) -> Double? {
        guard case .scalar(let scalar) = node else {
            mismatch("a time of day such as \"08:00\"", node, at: path)
            return nil
        }
        let parts = scalar.string.split(separator: ":").map { Int($0) }
        if (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }) {
            let hours = parts[0]!, minutes = parts[1]!, seconds = parts.count == 3 ? parts[2]! : 0
            if (0..<24).contains(hours), (0..<60).contains(minutes), (0..<60).contains(seconds) {
                return Double(hours * 3600 + minutes * 60 + seconds)
            }
        }
        report("\"\(scalar.string)\" is not a time of day; write it like \"08:00\"", at: path, node.mark)
        return nil
    }

    private mutating func textList(_ node: Node, at path: String) -> [String] {
        guard case .sequence(let list) = node else {
            if case .scalar(let scalar) = node { return [scalar.string] }
            mismatch("a list such as [ana, ben]", node, at: path)
            return []
        }
        return list.enumerated().compactMap { index, item in
            record(path + "[\(index)]", item.mark)
            return text(item, at: path + "[\(index)]")
        }
    }

    // MARK: - Replay

    private mutating func replay(_ fields: Fields) -> ReplaySpec? {
        var spec = ReplaySpec(path: fields.path)
        if let node = fields["file"] { spec.file = text(node, at: fields.path("file")) }
        if let node = fields["events"] { spec.events = text(node, at: fields.path("events")) }
        if let node = fields["workspace"] { spec.workspace = text(node, at: fields.path("workspace")) }
        switch (spec.file, spec.events) {
        case (nil, nil):
            report("give a CSV file (file: arrivals.csv) or an event store (events: flowtune.db)", atField: fields.path)
            return nil
        case (_?, _?):
            report("give either file or events, not both", at: fields.path("events"), fields["events"]?.mark)
            return nil
        case (_?, nil):
            guard let node = fields["columns"], let columns = self.fields(node, at: fields.path("columns"), allowed: Self.columnKeys) else {
                if fields["columns"] == nil { reportMissing("columns", in: fields) }
                return nil
            }
            spec.timeColumn = requiredText(columns, "time")
            spec.typeColumn = columns["type"].flatMap { text($0, at: columns.path("type")) }
            spec.channelColumn = columns["channel"].flatMap { text($0, at: columns.path("channel")) }
            spec.priorityColumn = columns["priority"].flatMap { text($0, at: columns.path("priority")) }
            if let node = columns["attributes"] {
                if case .mapping(let mapping) = node {
                    for (key, value) in mapping {
                        guard let name = key.scalar?.string, let column = text(value, at: columns.path("attributes") + ".\(name)") else { continue }
                        spec.attributeColumns.append((name, column))
                    }
                } else {
                    mismatch("a mapping from attribute to column, such as { plan: plan_tier }", node, at: columns.path("attributes"))
                }
            }
            if spec.timeColumn == nil { return nil }
        case (nil, _?):
            if fields["columns"] != nil {
                report("an event store needs no columns: arrivals are its TaskCreated events", at: fields.path("columns"), fields["columns"]?.mark)
            }
        }
        return spec
    }

    // MARK: - Task types

    private mutating func taskType(_ fields: Fields, index: Int) -> TaskType? {
        guard let workflow = requiredText(fields, "workflow") else { return nil }
        var request = NewTask(workflow: WorkflowID(workflow))
        let name = fields["name"].flatMap { text($0, at: fields.path("name")) } ?? workflow
        if let node = fields["channel"], let channel = text(node, at: fields.path("channel")) {
            request.channel = Channel(channel)
        }
        if let node = fields["priority"], let priority = wholeNumber(node, at: fields.path("priority")) {
            if (1...9).contains(priority) {
                request.priority = priority
            } else {
                report("priority must be 1 (most urgent) to 9, not \(priority)", at: fields.path("priority"), node.mark)
            }
        }
        if let node = fields["attributes"] {
            if case .mapping = node {
                request.attributes = json(node)
            } else {
                mismatch("a mapping of attributes", node, at: fields.path("attributes"))
            }
        }
        var arrivals = Arrivals.constant(perSecond: 0)
        if let node = fields["arrivals"] {
            if case .scalar(let scalar) = node, scalar.string == "replay" {
                arrivals = .replay([])
            } else if let rate = arrivalRate(node, at: fields.path("arrivals")) {
                arrivals = .poisson(rate)
            }
        } else {
            reportMissing("arrivals", in: fields)
        }
        var patience: Distribution?
        if let node = fields["patience"] {
            if case .scalar(let scalar) = node, scalar.string == "none" {
                patience = nil
            } else {
                patience = distributionOrDuration(node, at: fields.path("patience"))
            }
        }
        var steps: [StepID: StepProfile] = [:]
        if let node = fields["steps"] {
            if case .mapping(let mapping) = node {
                for (key, value) in mapping {
                    guard let step = key.scalar?.string else { continue }
                    let path = fields.path("steps") + ".\(step)"
                    record(path, key.mark)
                    if let stepFields = self.fields(value, at: path, allowed: Self.stepKeys), let profile = stepProfile(stepFields) {
                        steps[StepID(step)] = profile
                    }
                }
            } else {
                mismatch("a mapping from step id to its handling", node, at: fields.path("steps"))
            }
        } else {
            reportMissing("steps", in: fields)
        }
        return TaskType(name: name, request: request, arrivals: arrivals, patience: patience, steps: steps)
    }

    private mutating func arrivalRate(_ node: Node, at path: String) -> ArrivalRate? {
        guard let fields = fields(node, at: path, allowed: Self.arrivalKeys) else { return nil }
        var per = 3600.0
        if let node = fields["per"], let value = duration(node, at: fields.path("per")) {
            if value > 0 { per = value } else { report("must be longer than zero", at: fields.path("per"), node.mark) }
        }
        if let node = fields["rate"] {
            if fields["rates"] != nil {
                report("give either rate or rates, not both", at: fields.path("rates"), fields["rates"]?.mark)
            }
            guard let rate = number(node, at: fields.path("rate")) else { return nil }
            guard rate >= 0 else {
                report("must not be negative", at: fields.path("rate"), node.mark)
                return nil
            }
            return .constant(perSecond: rate / per)
        }
        if let node = fields["rates"] {
            guard case .sequence(let list) = node, !list.isEmpty else {
                mismatch("a non-empty list of rates, one per interval", node, at: fields.path("rates"))
                return nil
            }
            var rates: [Double] = []
            for (index, item) in list.enumerated() {
                let itemPath = fields.path("rates") + "[\(index)]"
                guard let rate = number(item, at: itemPath) else { return nil }
                guard rate >= 0 else {
                    report("must not be negative", at: itemPath, item.mark)
                    return nil
                }
                rates.append(rate / per)
            }
            guard let interval = requiredDuration(fields, "interval") else { return nil }
            guard interval > 0 else {
                report("must be longer than zero", at: fields.path("interval"), fields["interval"]?.mark)
                return nil
            }
            return .piecewise(perSecond: rates, interval: interval)
        }
        report("give a constant rate (rate: 30, per: 1h) or a rate per interval (interval: 15m, rates: [...])", at: path, node.mark)
        return nil
    }

    private mutating func stepProfile(_ fields: Fields) -> StepProfile? {
        guard let node = fields["handling"] else {
            reportMissing("handling", in: fields)
            return nil
        }
        // Read on past a bad handling time, so the step's other problems are reported too.
        let handling = distribution(node, at: fields.path("handling"))
        var profile = StepProfile(handling: handling ?? .constant(0))
        if let node = fields["skill"], let skill = self.fields(node, at: fields.path("skill"), allowed: Self.skillKeys) {
            let name = requiredText(skill, "name")
            let reference = skill["reference"].flatMap { wholeNumber($0, at: skill.path("reference")) } ?? 5
            var factor = 1.0
            if let node = skill["factor"], let value = number(node, at: skill.path("factor")) {
                if value > 0 { factor = value } else { report("must be greater than zero", at: skill.path("factor"), node.mark) }
            } else if skill["factor"] == nil {
                reportMissing("factor", in: skill)
            }
            if let name { profile.skill = SkillEffect(skill: name, reference: reference, factor: factor) }
        }
        if let node = fields["exception"], let probability = number(node, at: fields.path("exception")) {
            if (0...1).contains(probability) {
                profile.exceptionProbability = probability
            } else {
                report("must be a probability between 0 and 1", at: fields.path("exception"), node.mark)
            }
        }
        if let node = fields["outcomes"] {
            if case .mapping(let mapping) = node {
                var outcomes: [(String, Double)] = []
                for (key, value) in mapping {
                    guard let outcome = key.scalar?.string else { continue }
                    let path = fields.path("outcomes") + ".\(outcome)"
                    record(path, key.mark)
                    if let probability = number(value, at: path) {
                        if probability >= 0 { outcomes.append((outcome, probability)) } else {
                            report("must not be negative", at: path, value.mark)
                        }
                    }
                }
                let total = outcomes.reduce(0) { $0 + $1.1 }
                if abs(total - 1) > 1e-9 {
                    report("the outcomes' probabilities add up to \(total), not 1", at: fields.path("outcomes"), node.mark)
                }
                profile.outcomes = outcomes
            } else {
                mismatch("a mapping from outcome to probability, such as { solved: 0.8, escalate: 0.2 }", node, at: fields.path("outcomes"))
            }
        }
        if let node = fields["rework"] {
            let path = fields.path("rework")
            if case .scalar = node {
                if let probability = number(node, at: path) {
                    if (0..<1).contains(probability) {
                        profile.rework = Rework(probability: probability)
                    } else {
                        report("must be a probability from 0 up to (not including) 1", at: path, node.mark)
                    }
                }
            } else if let rework = self.fields(node, at: path, allowed: Self.reworkKeys) {
                if let node = rework["probability"], let probability = number(node, at: rework.path("probability")) {
                    if (0..<1).contains(probability) {
                        let step = rework["to"].flatMap { text($0, at: rework.path("to")) }.map { StepID($0) }
                        profile.rework = Rework(probability: probability, step: step)
                    } else {
                        report("must be a probability from 0 up to (not including) 1", at: rework.path("probability"), node.mark)
                    }
                } else if rework["probability"] == nil {
                    reportMissing("probability", in: rework)
                }
            }
        }
        return handling == nil ? nil : profile
    }

    // MARK: - Distributions

    /// A distribution mapping, or a bare duration meaning "always this long".
    private mutating func distributionOrDuration(_ node: Node, at path: String) -> Distribution? {
        if case .scalar = node {
            return duration(node, at: path).map(Distribution.constant)
        }
        return distribution(node, at: path)
    }

    private mutating func distribution(_ node: Node, at path: String) -> Distribution? {
        guard let fields = fields(node, at: path, allowed: Self.distributionKeys) else { return nil }
        guard let kind = requiredText(fields, "distribution") else { return nil }
        func positive(_ key: String) -> Double? {
            guard let node = fields[key] else {
                reportMissing(key, in: fields)
                return nil
            }
            guard let value = duration(node, at: fields.path(key)) else { return nil }
            guard value > 0 else {
                report("must be longer than zero", at: fields.path(key), node.mark)
                return nil
            }
            return value
        }
        func cv() -> Double? {
            guard let node = fields["cv"] else {
                reportMissing("cv", in: fields)
                return nil
            }
            guard let value = number(node, at: fields.path("cv")) else { return nil }
            guard value > 0 else {
                report("the coefficient of variation must be greater than zero", at: fields.path("cv"), node.mark)
                return nil
            }
            return value
        }
        switch kind {
        case "exponential":
            return positive("mean").map { .exponential(mean: $0) }
        case "lognormal":
            guard let mean = positive("mean"), let cv = cv() else { return nil }
            return .lognormal(mean: mean, cv: cv)
        case "gamma":
            guard let mean = positive("mean"), let cv = cv() else { return nil }
            return .gamma(mean: mean, cv: cv)
        case "constant":
            guard let node = fields["value"] else {
                reportMissing("value", in: fields)
                return nil
            }
            return duration(node, at: fields.path("value")).map(Distribution.constant)
        case "empirical":
            guard let node = fields["values"], case .sequence(let list) = node, !list.isEmpty else {
                report("an empirical distribution needs a non-empty list of values", at: fields.path("values"), fields["values"]?.mark ?? node.mark)
                return nil
            }
            var values: [Double] = []
            for (index, item) in list.enumerated() {
                guard let value = duration(item, at: fields.path("values") + "[\(index)]") else { return nil }
                values.append(value)
            }
            return .empirical(values)
        default:
            let hint = Suggestion.closest(to: kind, among: Self.distributions).map { " (did you mean \($0)?)" }
                ?? "; expected \(Self.distributions.joined(separator: ", "))"
            report("unknown distribution \"\(kind)\"\(hint)", at: fields.path("distribution"), fields["distribution"]?.mark)
            return nil
        }
    }

    // MARK: - Fields

    struct Fields {
        let path: String
        var entries: [(name: String, value: Node)] = []

        func path(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

        subscript(key: String) -> Node? {
            guard let value = entries.first(where: { $0.name == key })?.value else { return nil }
            if case .scalar = value, value.tag.rawValue == Tag.Name.null.rawValue { return nil }
            return value
        }
    }

    private mutating func fields(_ node: Node, at path: String, allowed: [String]) -> Fields? {
        guard case .mapping(let mapping) = node else {
            mismatch("a mapping of fields", node, at: path)
            return nil
        }
        var fields = Fields(path: path)
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                report("field names must be plain text", at: path, key.mark)
                continue
            }
            let fieldPath = fields.path(name)
            guard allowed.contains(name) else {
                let hint = Suggestion.closest(to: name, among: allowed).map { " (did you mean \($0)?)" }
                    ?? "; expected one of: \(allowed.joined(separator: ", "))"
                report("unknown field \(name)\(hint)", at: fieldPath, key.mark)
                continue
            }
            if case .scalar = value { record(fieldPath, value.mark) } else { record(fieldPath, key.mark) }
            fields.entries.append((name, value))
        }
        return fields
    }

    private mutating func text(_ node: Node, at path: String) -> String? {
        guard case .scalar(let scalar) = node else {
            mismatch("text", node, at: path)
            return nil
        }
        return scalar.string
    }

    private mutating func requiredText(_ fields: Fields, _ key: String) -> String? {
        guard let node = fields[key] else {
            reportMissing(key, in: fields)
            return nil
        }
        return text(node, at: fields.path(key))
    }

    private mutating func wholeNumber(_ node: Node, at path: String) -> Int? {
        if case .scalar(let scalar) = node, node.tag.rawValue == Tag.Name.int.rawValue, let value = Int(scalar.string) {
            return value
        }
        mismatch("a whole number", node, at: path)
        return nil
    }

    private mutating func number(_ node: Node, at path: String) -> Double? {
        if case .scalar(let scalar) = node,
            node.tag.rawValue == Tag.Name.int.rawValue || node.tag.rawValue == Tag.Name.float.rawValue,
            let value = Double(scalar.string)
        {
            return value
        }
        mismatch("a number", node, at: path)
        return nil
    }

    private mutating func duration(_ node: Node, at path: String) -> Double? {
        guard case .scalar(let scalar) = node else {
            mismatch("a duration such as 15m", node, at: path)
            return nil
        }
        if let seconds = DurationText.seconds(from: scalar.string), seconds.isFinite { return seconds }
        report("\"\(scalar.string)\" is not a duration; write it like 90s, 15m, 4h, 1h30m or 2d", at: path, node.mark)
        return nil
    }

    private mutating func requiredDuration(_ fields: Fields, _ key: String) -> Double? {
        guard let node = fields[key] else {
            reportMissing(key, in: fields)
            return nil
        }
        return duration(node, at: fields.path(key))
    }

    private func json(_ node: Node) -> JSONValue {
        switch node {
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, value) in mapping { if let name = key.scalar?.string { members[name] = json(value) } }
            return .object(members)
        case .sequence(let list):
            return .array(list.map(json))
        case .alias:
            return .null
        case .scalar(let scalar):
            switch node.tag.rawValue {
            case Tag.Name.null.rawValue: return .null
            case Tag.Name.bool.rawValue: return .bool(Bool.construct(from: scalar) ?? false)
            case Tag.Name.int.rawValue, Tag.Name.float.rawValue: return Double(scalar.string).map(JSONValue.number) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        }
    }

    // MARK: - Reporting

    mutating func report(_ message: String, at path: String, _ mark: Mark?) {
        issues.append(DefinitionError.Issue(
            file: file, line: mark?.line ?? 1, column: mark?.column ?? 1, path: path, message: message))
    }

    /// Records a problem at the written position of `path`, or of the nearest enclosing field.
    mutating func report(_ message: String, atField path: String) {
        let position = location(of: path)
        issues.append(DefinitionError.Issue(file: file, line: position.line, column: position.column, path: path, message: message))
    }

    private mutating func mismatch(_ expected: String, _ node: Node, at path: String) {
        let found: String
        switch node {
        case .mapping: found = "a mapping"
        case .sequence: found = "a list"
        case .alias: found = "an alias"
        case .scalar(let scalar): found = "\"\(scalar.string)\""
        }
        report("expected \(expected), found \(found)", at: path, node.mark)
    }

    private mutating func reportMissing(_ key: String, in fields: Fields) {
        let position = location(of: fields.path)
        issues.append(DefinitionError.Issue(
            file: file, line: position.line, column: position.column, path: fields.path(key),
            message: "missing required field \(key)"))
    }

    private mutating func record(_ path: String, _ mark: Mark?) {
        guard let mark else { return }
        positions[path] = (mark.line, mark.column)
    }

    private func location(of path: String) -> (line: Int, column: Int) {
        var current = Substring(path)
        while true {
            if let position = positions[String(current)] { return position }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { return (1, 1) }
            current = current[..<cut]
        }
    }
}
