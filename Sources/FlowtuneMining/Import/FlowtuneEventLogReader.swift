import FlowtuneCore
import Foundation

/// Turns Flowtune's own event log into a mining log, so that the hand-offs of work routed by
/// Flowtune are scored like those of any imported history.
///
/// Each task is a case (its id the case id). The mapping, event by event:
///
/// | engine event | in the mining log |
/// |---|---|
/// | `WorkflowDefined` | remembered: the first step of each workflow version, where tasks start |
/// | `WorkerRegistered` | remembered: the worker's team, the group of what the worker does from then on |
/// | `TaskCreated` | case attributes `workflow`, `workflow_version`, `channel`, `priority` and each top-level scalar of the task's attributes (strings as written, numbers without a needless `.0`, `true`/`false`; the engine's four win a clash); an instance `created` at that time, by the actor |
/// | `OfferAccepted` | the start of an instance of the current step, named by the step id; resource the worker, group the worker's team |
/// | `StepCompleted` | its completion, by the completing worker, with attribute `outcome`; the task moves to the next step |
/// | `OverrideApplied` reassign (by a person, or an escalation's reassignment to the backup owner) | a `reassign` transition of the step's instance to the new worker, who holds it from then on; it starts the instance when no one had accepted it |
/// | `Escalated` | attributes `escalation_level` (stages fired, from 1) and `escalation_action` on the step's instance; the last escalation wins |
/// | `MovedToException` | the step's instance ends, aborted, with attribute `lane=exception` (an instance is recorded even when no one had accepted the step, so that the exception counts against it); then an instance `exception` at that time, by the actor, with attributes `reason` and `owner` |
/// | `ExceptionClaimed` | the start of the next `resolve exception` instance, by the claimer |
/// | `ExceptionResolved` | an instance `resolve exception` ending then, by the actor (a different claimer counts as a reassignment), with attribute `resolution` (`resume at <step>`, `complete`, `cancel`); on `resume` the task waits at that step again, on `cancel` an instance `cancelled` follows |
/// | `TaskCancelled` | an accepted, unfinished step instance ends, aborted; then an instance `cancelled`, by the actor, with attribute `reason` |
///
/// Offers made and declined, priority changes, decisions and workspace settings are left out:
/// they are routing's business, not the path of the work. A step still waiting for a worker
/// when the log ends has no instance; one accepted and not completed is an open instance.
///
/// ```swift
/// var reader = FlowtuneEventLogReader()
/// for event in events { reader.add(event) }      // in the order of the log
/// let log = reader.build()
/// // or: let log = EventLog(flowtuneEvents: events)
/// ```
public struct FlowtuneEventLogReader: Sendable {
    /// The activity recorded when a task is created.
    public static let createdActivity = "created"
    /// The activity recorded when a task moves to the exception lane.
    public static let exceptionActivity = "exception"
    /// The activity recorded when an exception is resolved.
    public static let resolveExceptionActivity = "resolve exception"
    /// The activity recorded when a task is cancelled.
    public static let cancelledActivity = "cancelled"
    /// The activity of a step instance whose step the log never names (the task's creation and
    /// its workflow are older than the log).
    public static let unknownStepActivity = "(unknown step)"

    private struct WorkflowVersion: Hashable, Sendable {
        var id: WorkflowID
        var version: Int
    }

    private struct Holder: Sendable {
        var time: Double
        var resource: Int32
        var group: Int32
    }

    /// Where a task is: its case, its current step and what is known of that step's instance.
    private struct Track: Sendable {
        var caseIndex: Int32
        var step: StepID?
        /// Who accepted the step's instance, and when; nil while it waits for a worker.
        var start: Holder?
        /// Reassignments of the instance, in order.
        var reassigns: [Holder] = []
        var attributes: [(key: Int32, value: Int32)] = []
        var claim: Holder?
        var finished = false

        /// Who holds the step's instance now: the last reassignment's worker, else the acceptor.
        var currentHolder: Holder? { reassigns.last ?? start }
    }

    private var builder = EventLogBuilder()
    private var firstSteps: [WorkflowVersion: StepID] = [:]
    private var teams: [String: Int32] = [:]
    private var tracks: [TaskID: Track] = [:]
    /// Tasks in the order first seen, so that what is left open is written in a stable order.
    private var order: [TaskID] = []

    /// An empty reader.
    public init() {}

    /// How many tasks (cases) have been seen.
    public var caseCount: Int { builder.caseIDs.count }

    /// Adds the next event of the log; events must come in the log's order.
    public mutating func add(_ event: Event) {
        let time = event.time.timeIntervalSince1970
        switch event.payload {
        case .workflowDefined(let workflow):
            if let first = workflow.firstStep { firstSteps[WorkflowVersion(id: workflow.id, version: workflow.version)] = first.id }

        case .workerRegistered(let worker):
            teams[worker.id.rawValue] = builder.groups.intern(worker.team)

        case .taskCreated(let created):
            var track = self.track(created.task)
            if case .object(let members) = created.attributes {
                for key in members.keys.sorted() {
                    if let text = Self.scalarText(members[key]!) { setCaseAttribute(track.caseIndex, key, text) }
                }
            }
            setCaseAttribute(track.caseIndex, "workflow", created.workflow.rawValue)
            setCaseAttribute(track.caseIndex, "workflow_version", String(created.workflowVersion))
            setCaseAttribute(track.caseIndex, "channel", created.channel.rawValue)
            setCaseAttribute(track.caseIndex, "priority", String(created.priority))
            emitPoint(Self.createdActivity, track.caseIndex, holder(event.actor, time), [])
            track.step = firstSteps[WorkflowVersion(id: created.workflow, version: created.workflowVersion)]
            tracks[created.task] = track

        case .decisionApplied(let application):
            modify(application.task) { track in if track.step == nil { track.step = application.step } }

        case .offerAccepted(let task, let worker):
            let holder = holder(worker.rawValue, time)
            modify(task) { track in
                if track.start == nil {
                    track.start = holder
                } else if track.currentHolder?.resource != holder.resource {
                    track.reassigns.append(holder)
                }
            }

        case .stepCompleted(let completion):
            let worker = completion.worker.map { holder($0.rawValue, time) }
            let outcome = (builder.attributeKeys.intern("outcome"), builder.attributeValues.intern(completion.outcome))
            modify(completion.task) { track, reader in
                track.step = completion.step
                track.attributes.append(outcome)
                reader.closeStep(&track, at: time, lifecycle: .complete, by: worker)
                switch completion.next {
                case .step(let next): track.step = next
                case .end: track.finished = true
                }
            }

        case .overrideApplied(let task, let change, _):
            guard case .reassign(let worker) = change else { return }
            let holder = holder(worker.rawValue, time)
            modify(task) { track in
                if track.start == nil { track.start = holder }
                track.reassigns.append(holder)
            }

        case .escalated(let task, _, let level, let action):
            let attributes = [
                (builder.attributeKeys.intern("escalation_level"), builder.attributeValues.intern(String(level + 1))),
                (builder.attributeKeys.intern("escalation_action"), builder.attributeValues.intern(Self.describe(action))),
            ]
            modify(task) { track in track.attributes.append(contentsOf: attributes) }

        case .movedToException(let task, let item):
            let actor = holder(event.actor, time)
            let attributes = [
                (builder.attributeKeys.intern("reason"), builder.attributeValues.intern(item.reason)),
                (builder.attributeKeys.intern("owner"), builder.attributeValues.intern(item.owner)),
            ]
            let lane = (builder.attributeKeys.intern("lane"), builder.attributeValues.intern(Lane.exception.rawValue))
            modify(task) { track, reader in
                if track.step != nil {
                    track.attributes.append(lane)
                    reader.closeStep(&track, at: time, lifecycle: .abort, by: nil, evenIfWaiting: true)
                }
                reader.emitPoint(Self.exceptionActivity, track.caseIndex, actor, attributes)
            }

        case .exceptionClaimed(let task, let by):
            let claimer = holder(by, time)
            modify(task) { track in track.claim = claimer }

        case .exceptionResolved(let task, let resolution, _):
            let actor = holder(event.actor, time)
            let text: String
            switch resolution {
            case .resume(let step): text = "resume at \(step.rawValue)"
            case .complete: text = "complete"
            case .cancel: text = "cancel"
            }
            let attribute = (builder.attributeKeys.intern("resolution"), builder.attributeValues.intern(text))
            let activity = builder.activities.intern(Self.resolveExceptionActivity)
            modify(task) { track, reader in
                // Any step instance was closed when the task left the routine lane.
                if let claim = track.claim {
                    reader.builder.add(RawEvent(
                        caseIndex: track.caseIndex, activity: activity, lifecycle: .start, time: claim.time,
                        resource: claim.resource, group: claim.group))
                }
                reader.builder.add(RawEvent(
                    caseIndex: track.caseIndex, activity: activity, lifecycle: .complete, time: time,
                    resource: actor.resource, group: actor.group))
                reader.builder.setAttribute(key: attribute.0, value: attribute.1)
                track.claim = nil
                switch resolution {
                case .resume(let step):
                    track.step = step
                case .complete:
                    track.finished = true
                case .cancel:
                    reader.emitPoint(Self.cancelledActivity, track.caseIndex, actor, [])
                    track.finished = true
                }
            }

        case .taskCancelled(let task, let reason):
            let actor = holder(event.actor, time)
            let attribute = (builder.attributeKeys.intern("reason"), builder.attributeValues.intern(reason))
            modify(task) { track, reader in
                if track.start != nil { reader.closeStep(&track, at: time, lifecycle: .abort, by: nil) }
                reader.emitPoint(Self.cancelledActivity, track.caseIndex, actor, [attribute])
                track.finished = true
            }

        case .decisionPublished, .queueDefined, .workerStatusChanged, .policyChanged, .settingsChanged, .taskOffered,
            .offerDeclined, .priorityChanged, .thresholdChanged, .exceptionRateObserved, .exceptionRateAlert,
            .exceptionRateRecovered, .queueAtRisk, .reallocationProposed, .workerReallocated, .reallocationDeclined,
            .predictionsPublished:
            return
        }
    }

    /// The mining log of the events added so far; steps accepted and not completed are open
    /// instances. The reader can go on taking events after.
    public func build() -> EventLog {
        var reader = self
        for task in order {
            guard let track = reader.tracks[task], !track.finished, let start = track.start else { continue }
            let activity = reader.builder.activities.intern(track.step?.rawValue ?? Self.unknownStepActivity)
            let holder = track.currentHolder ?? start
            // The reassignments first, counted against the start that follows them at the same or
            // an earlier time, so that the attributes can go on the start, the instance's only event.
            for reassign in track.reassigns {
                reader.builder.add(RawEvent(
                    caseIndex: track.caseIndex, activity: activity, lifecycle: .reassign, time: reassign.time,
                    resource: reassign.resource, group: reassign.group))
            }
            reader.builder.add(RawEvent(
                caseIndex: track.caseIndex, activity: activity, lifecycle: .start, time: start.time,
                resource: holder.resource, group: holder.group))
            for (key, value) in track.attributes { reader.builder.setAttribute(key: key, value: value) }
        }
        return reader.builder.build()
    }

    // MARK: - Steps

    /// Writes the current step's instance, ending at `time`: its start (when accepted), its
    /// reassignments, and its end with the attributes gathered. A step no one accepted is
    /// written only when `evenIfWaiting`, as an end with no start.
    private mutating func closeStep(
        _ track: inout Track, at time: Double, lifecycle: Lifecycle, by holder: Holder?, evenIfWaiting: Bool = false
    ) {
        defer {
            track.start = nil
            track.reassigns = []
            track.attributes = []
        }
        guard track.start != nil || evenIfWaiting || lifecycle == .complete else { return }
        let activity = builder.activities.intern(track.step?.rawValue ?? Self.unknownStepActivity)
        if let start = track.start {
            builder.add(RawEvent(
                caseIndex: track.caseIndex, activity: activity, lifecycle: .start, time: start.time,
                resource: start.resource, group: start.group))
        }
        for reassign in track.reassigns {
            builder.add(RawEvent(
                caseIndex: track.caseIndex, activity: activity, lifecycle: .reassign, time: reassign.time,
                resource: reassign.resource, group: reassign.group))
        }
        builder.add(RawEvent(
            caseIndex: track.caseIndex, activity: activity, lifecycle: lifecycle, time: time,
            resource: holder?.resource ?? -1, group: holder?.group ?? -1))
        for (key, value) in track.attributes { builder.setAttribute(key: key, value: value) }
    }

    /// Writes an instance that takes no time, such as `created` or `exception`.
    private mutating func emitPoint(_ name: String, _ caseIndex: Int32, _ holder: Holder, _ attributes: [(Int32, Int32)]) {
        builder.add(RawEvent(
            caseIndex: caseIndex, activity: builder.activities.intern(name), lifecycle: .complete, time: holder.time,
            startTime: holder.time, resource: holder.resource, group: holder.group))
        for (key, value) in attributes { builder.setAttribute(key: key, value: value) }
    }

    // MARK: - Bookkeeping

    private mutating func track(_ task: TaskID) -> Track {
        if let track = tracks[task] { return track }
        order.append(task)
        return Track(caseIndex: builder.caseIDs.intern(task.rawValue))
    }

    /// Changes a task's track in place; a task first seen here (its creation older than the
    /// log) becomes a case without attributes.
    private mutating func modify(_ task: TaskID, _ change: (inout Track) -> Void) {
        var track = self.track(task)
        change(&track)
        tracks[task] = track
    }

    private mutating func modify(_ task: TaskID, _ change: (inout Track, inout FlowtuneEventLogReader) -> Void) {
        var track = self.track(task)
        change(&track, &self)
        tracks[task] = track
    }

    /// A person or system at a time: the resource, and the group of a registered worker.
    private mutating func holder(_ name: String, _ time: Double) -> Holder {
        Holder(time: time, resource: builder.resources.intern(name), group: teams[name] ?? -1)
    }

    private mutating func setCaseAttribute(_ caseIndex: Int32, _ key: String, _ value: String) {
        builder.setCaseAttribute(
            caseIndex: caseIndex, key: builder.attributeKeys.intern(key), value: builder.attributeValues.intern(value))
    }

    /// A JSON scalar as an operator reads it; nil for null, arrays and objects.
    static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number):
            number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .null, .array, .object: nil
        }
    }

    static func describe(_ action: EscalationAction) -> String {
        switch action {
        case .notify(let whom): "notify \(whom)"
        case .reassignToBackup: "reassign to backup"
        case .raisePriority(let levels): "raise priority by \(levels)"
        case .moveToException(let reason): "move to exception: \(reason)"
        }
    }
}

extension EventLog {
    /// The mining log of Flowtune's own events, in the log's order; see
    /// ``FlowtuneEventLogReader`` for how engine events become cases and activities.
    ///
    /// ```swift
    /// let log = EventLog(flowtuneEvents: try store.events(of: workspace))
    /// ```
    public init(flowtuneEvents events: some Sequence<Event>) {
        var reader = FlowtuneEventLogReader()
        for event in events { reader.add(event) }
        self = reader.build()
    }
}
