/// What one case came to, by the measures a pilot and a weekly review compare: how long it took,
/// how long owners let it wait, and whether it met an exception, was reworked, went stale, or
/// finished without a manager stepping in.
///
/// Under a hand-off scope the measures are taken on the stretch from the hand-off's first A to
/// its last B (see ``PilotScope``); ``start`` and ``end`` are always the whole case's, since
/// periods and weeks are chosen by them.
public struct CaseOutcome: Sendable, Hashable, Codable {
    /// The case, a number in ``EventLog/caseIDs``.
    public var caseIndex: Int
    /// The case id.
    public var caseID: String
    /// When the case began: its first instance's start, or end when the start is unknown;
    /// seconds since 1970 UTC.
    public var start: Double
    /// The latest end of any of the case's instances.
    public var end: Double
    /// Whether the measured work is finished: the case closed — no ``LogRules/endActivities``
    /// given, or its latest instance is one of them, as the analysis reads it — or under a
    /// hand-off scope, the last B completed.
    public var closed: Bool
    /// From the first instance's start (end when unknown) to the last end, in seconds; nil
    /// while the work is not finished, because an open case's time so far is not a cycle time.
    public var cycleTime: Double?
    /// The mean wait between consecutive instances, in seconds: from one's end to the next's
    /// start (end when unknown), overlapping work counting as no wait. Under a hand-off scope,
    /// the mean wait of its A → B hand-overs. Nil when there is no wait to measure.
    public var responseTime: Double?
    /// Whether an instance is marked by ``LogRules/exceptions``.
    public var exception: Bool
    /// Whether an activity was done more than once.
    public var rework: Bool
    /// Whether some wait exceeded the response window after the step before it
    /// (``LogRules/window(after:)``), or, for work not finished, the wait from its latest
    /// instance's end (its start, while in progress) to ``CaseMeasurer/asOf`` does.
    public var stale: Bool
    /// Whether an instance is marked by ``LogRules/rescue``.
    public var rescued: Bool

    /// Whether the work finished with no manager's rescue.
    public var finishedWithoutRescue: Bool { closed && !rescued }

    /// Creates an outcome.
    public init(
        caseIndex: Int, caseID: String, start: Double, end: Double, closed: Bool, cycleTime: Double?,
        responseTime: Double?, exception: Bool, rework: Bool, stale: Bool, rescued: Bool
    ) {
        self.caseIndex = caseIndex
        self.caseID = caseID
        self.start = start
        self.end = end
        self.closed = closed
        self.cycleTime = cycleTime
        self.responseTime = responseTime
        self.exception = exception
        self.rework = rework
        self.stale = stale
        self.rescued = rescued
    }
}

/// Measures cases of one log under one set of rules and one scope, each name matched once.
///
/// ```swift
/// let measurer = try CaseMeasurer(log: log, rules: rules, scope: .handOff(from: "Triage", to: "Assess"))
/// let outcomes = (0..<log.caseCount).compactMap(measurer.outcome(ofCase:))
/// ```
public struct CaseMeasurer: Sendable {
    /// The log measured.
    public let log: EventLog
    /// The rules it is read by.
    public let rules: LogRules
    /// Which cases count and around what they are measured.
    public let scope: PilotScope
    /// The moment open work is measured to: ``LogRules/asOf``, else the latest time in the log
    /// (0 for an empty log).
    public let asOf: Double

    private let exceptionFlags: [Bool]
    private let rescueFlags: [Bool]
    private let windows: [Double]
    private let ends: [Bool]
    private let inScope: [Bool]?
    private let handOff: (from: Int32, to: Int32, byGroup: Bool)?

    /// Prepares to measure `log`; throws when the scope names an activity, team, attribute or
    /// value the log does not have.
    public init(log: EventLog, rules: LogRules, scope: PilotScope = .workflow) throws(ComparisonError) {
        self.log = log
        self.rules = rules
        self.scope = scope
        // As the analysis reads it; an empty log has no latest time, and zero keeps it finite.
        let latest = log.instances.reduce(-Double.infinity) { max($0, $1.end, $1.orderTime) }
        asOf = rules.asOf ?? (latest.isFinite ? latest : 0)
        exceptionFlags = rules.exceptions.flags(in: log)
        rescueFlags = rules.rescue.flags(in: log)
        windows = log.activities.names.map { rules.window(after: $0) ?? .infinity }
        ends = log.activities.names.map { !rules.endActivities.isEmpty && Markers.matches($0, rules.endActivities) }

        if let filter = scope.filter {
            guard let values = Self.caseValues(of: filter.key, in: log) else {
                throw ComparisonError(field: "filter", message: "no attribute '\(filter.key)' in the log")
            }
            let wanted = log.attributeValues.index(of: filter.value)
            let matches = values.map { $0 >= 0 && $0 == wanted }
            guard matches.contains(true) else {
                let seen = Set(values.filter { $0 >= 0 }).map { log.attributeValues[$0] }.sorted()
                throw ComparisonError(
                    field: "filter",
                    message: "no case has \(filter.key) = '\(filter.value)'; the log has "
                        + (seen.isEmpty ? "no values for it" : seen.prefix(10).joined(separator: ", ")))
            }
            inScope = matches
        } else {
            inScope = nil
        }

        if let handOff = scope.handOff {
            let table = handOff.level == .group ? log.groups : log.activities
            let kind = handOff.level == .group ? "team" : "activity"
            guard let from = table.index(of: handOff.from) else {
                throw ComparisonError(field: "hand-off", message: "no \(kind) '\(handOff.from)' in the log")
            }
            guard let to = table.index(of: handOff.to) else {
                throw ComparisonError(field: "hand-off", message: "no \(kind) '\(handOff.to)' in the log")
            }
            self.handOff = (from, to, handOff.level == .group)
        } else {
            handOff = nil
        }
    }

    /// Per case, the value (a number in ``EventLog/attributeValues``) of attribute `key`: the case
    /// attribute, else the first value of the event attribute in the case; -1 where there is
    /// none. Nil when the log has no attribute `key` at all.
    public static func caseValues(of key: String, in log: EventLog) -> [Int32]? {
        guard let k = log.attributeKeys.index(of: key) else { return nil }
        if let column = log.caseAttributes[k] { return column }
        guard let column = log.instanceAttributes[k] else { return nil }
        return (0..<log.caseCount).map { c in
            log.range(ofCase: c).lazy.map { column[$0] }.first { $0 >= 0 } ?? -1
        }
    }

    /// When case `index` began (its first instance's order time), or nil for a case with no
    /// instances.
    public func start(ofCase index: Int) -> Double? {
        let range = log.range(ofCase: index)
        return range.isEmpty ? nil : log.instances[range.lowerBound].orderTime
    }

    /// The outcome of case `index`, or nil when the scope leaves it out.
    public func outcome(ofCase index: Int) -> CaseOutcome? {
        let range = log.range(ofCase: index)
        guard !range.isEmpty, inScope?[index] ?? true else { return nil }
        let instances = log.instances
        var caseEnd = -Double.infinity
        for i in range { caseEnd = max(caseEnd, instances[i].end) }
        // Closed as the analysis has it: its latest instance is an end activity, since work after
        // one reopens the case.
        let tail = range.upperBound - 1
        let caseClosed = rules.endActivities.isEmpty || ends[Int(instances[tail].activity)]

        let span: ClosedRange<Int>
        let closed: Bool
        let responseTime: Double?
        // The instance whose end open work has waited on since, when the work is not finished.
        let waitingOn: Int?
        if let handOff {
            var first: Int?
            var last = 0
            var total = 0.0
            var count = 0
            for i in range.lowerBound..<(range.upperBound - 1)
            where matches(instances[i], handOff.from, handOff.byGroup) && matches(instances[i + 1], handOff.to, handOff.byGroup) {
                if first == nil { first = i }
                last = i + 1
                total += wait(from: i)
                count += 1
            }
            if let first {
                span = first...last
                closed = instances[last].status == .completed
                responseTime = total / Double(count)
                waitingOn = nil
            } else {
                // No hand-over yet: in scope only while the case waits on it.
                guard !caseClosed, matches(instances[tail], handOff.from, handOff.byGroup) else { return nil }
                span = tail...tail
                closed = false
                responseTime = nil
                waitingOn = tail
            }
        } else {
            span = range.lowerBound...(range.upperBound - 1)
            closed = caseClosed
            if span.count > 1 {
                var total = 0.0
                for i in span.dropLast() { total += wait(from: i) }
                responseTime = total / Double(span.count - 1)
            } else {
                responseTime = nil
            }
            waitingOn = caseClosed ? nil : tail
        }

        var exception = false, rescued = false, stale = false
        var spanEnd = -Double.infinity
        for i in span {
            exception = exception || exceptionFlags[i]
            rescued = rescued || rescueFlags[i]
            spanEnd = max(spanEnd, instances[i].end)
            if i < span.upperBound, wait(from: i) > windows[Int(instances[i].activity)] { stale = true }
        }
        if let waitingOn, asOf - instances[waitingOn].end > windows[Int(instances[waitingOn].activity)] {
            stale = true
        }
        return CaseOutcome(
            caseIndex: index, caseID: log.caseIDs[Int32(index)], start: instances[range.lowerBound].orderTime,
            end: caseEnd, closed: closed,
            cycleTime: closed ? max(0, spanEnd - instances[span.lowerBound].orderTime) : nil,
            responseTime: responseTime, exception: exception, rework: repeats(span), stale: stale, rescued: rescued)
    }

    /// The outcomes of every case in scope that began in `range`.
    public func outcomes(startingIn range: TimeRange) -> [CaseOutcome] {
        (0..<log.caseCount).compactMap { c in
            guard let start = start(ofCase: c), range.contains(start) else { return nil }
            return outcome(ofCase: c)
        }
    }

    /// The wait after instance `i` until instance `i + 1` began; overlapping work is no wait.
    private func wait(from i: Int) -> Double {
        max(0, log.instances[i + 1].orderTime - log.instances[i].end)
    }

    private func matches(_ instance: ActivityInstance, _ name: Int32, _ byGroup: Bool) -> Bool {
        byGroup ? instance.group == name : instance.activity == name
    }

    /// Whether an activity occurs twice among the instances in `span`.
    private func repeats(_ span: ClosedRange<Int>) -> Bool {
        let instances = log.instances
        if span.count <= 16 {
            // Short cases are the common case; a pairwise look beats building a set.
            for i in span {
                for j in (i + 1)..<(span.upperBound + 1) where instances[i].activity == instances[j].activity {
                    return true
                }
            }
            return false
        }
        var seen = Set<Int32>()
        for i in span where !seen.insert(instances[i].activity).inserted { return true }
        return false
    }
}
