import Foundation

/// The gist of an event for a caller that follows tasks and workers but keeps no log: what
/// happened, to which task, with which worker, and the step the task moved to.
///
/// ``WorkspaceState/execute(_:context:notingIn:)`` applies a command's events and hands back one
/// note for each instead of the events themselves; the simulator runs on notes, so that no event
/// (with its time, actor, cause and routing decision) is built, copied into a result and read back
/// on every command. The engine, which records every event, never uses them.
///
/// ```swift
/// var notes: [EventNote] = []
/// try state.execute(.createTask(NewTask(workflow: "support")), context: context, notingIn: &notes)
/// if let offer = notes.first(where: { $0.kind == .taskOffered }) { print(offer.task!, offer.worker!) }
/// ```
public struct EventNote: Sendable, Hashable {
    /// What happened.
    public var kind: Kind
    /// The task the event is about, if any.
    public var task: TaskID?
    /// The worker offered the task, who accepted or declined it, who completed the step, or to
    /// whom an override reassigned the task; nil otherwise.
    public var worker: WorkerID?
    /// The step a completion moved the task to (nil when it ended the task), or the step an
    /// exception was resolved to resume at; nil otherwise.
    public var step: StepID?
    /// When an offer lapses unanswered: set on ``Kind/taskOffered`` notes, nil otherwise.
    public var expiresAt: Date?

    /// The kinds of event a note tells apart; the rest are ``Kind/other``.
    public enum Kind: UInt8, Sendable, Hashable {
        /// `TaskCreated`.
        case taskCreated
        /// `TaskRouted`: an offer to ``EventNote/worker``.
        case taskOffered
        /// `OfferAccepted`.
        case offerAccepted
        /// `OfferDeclined`: rejected, lapsed or withdrawn.
        case offerDeclined
        /// `StepCompleted`.
        case stepCompleted
        /// `MovedToException`.
        case movedToException
        /// `ExceptionResolved`; ``EventNote/step`` is set when the task resumes at a step.
        case exceptionResolved
        /// `TaskCancelled`.
        case taskCancelled
        /// `Escalated`.
        case escalated
        /// `OverrideApplied`; ``EventNote/worker`` is set for a reassignment.
        case overrideApplied
        /// Any other event.
        case other
    }

    /// Creates a note.
    public init(kind: Kind, task: TaskID? = nil, worker: WorkerID? = nil, step: StepID? = nil, expiresAt: Date? = nil) {
        self.kind = kind
        self.task = task
        self.worker = worker
        self.step = step
        self.expiresAt = expiresAt
    }

    /// The note of an event with this payload.
    public init(_ payload: EventPayload) {
        switch payload {
        case .taskCreated(let created):
            self.init(kind: .taskCreated, task: created.task)
        case .taskOffered(let task, let worker, let expiresAt, _):
            self.init(kind: .taskOffered, task: task, worker: worker, expiresAt: expiresAt)
        case .offerAccepted(let task, let worker):
            self.init(kind: .offerAccepted, task: task, worker: worker)
        case .offerDeclined(let task, let worker, _):
            self.init(kind: .offerDeclined, task: task, worker: worker)
        case .stepCompleted(let completion):
            let next: StepID?
            switch completion.next {
            case .end: next = nil
            case .step(let step): next = step
            }
            self.init(kind: .stepCompleted, task: completion.task, worker: completion.worker, step: next)
        case .movedToException(let task, _):
            self.init(kind: .movedToException, task: task)
        case .exceptionResolved(let task, let resolution, _):
            if case .resume(let step) = resolution {
                self.init(kind: .exceptionResolved, task: task, step: step)
            } else {
                self.init(kind: .exceptionResolved, task: task)
            }
        case .taskCancelled(let task, _):
            self.init(kind: .taskCancelled, task: task)
        case .escalated(let task, _, _, _):
            self.init(kind: .escalated, task: task)
        case .overrideApplied(let task, let change, _):
            if case .reassign(let worker) = change {
                self.init(kind: .overrideApplied, task: task, worker: worker)
            } else {
                self.init(kind: .overrideApplied, task: task)
            }
        default:
            self.init(kind: .other, task: payload.taskID)
        }
    }
}
