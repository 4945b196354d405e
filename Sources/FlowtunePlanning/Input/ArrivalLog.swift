import Foundation
import FlowtuneCore

/// The arrivals of a Flowtune event log: each task arrives at its workflow's queue when it is
/// created, and its handling time is the time from the offer's acceptance to the completion of
/// the step it was accepted for — the time a worker spent on it.
///
/// Fed events in log order, in batches as a replay delivers them; holds only the tasks still
/// being worked, so a long log is read in bounded memory beside the arrivals themselves.
///
/// ```swift
/// var log = ArrivalLog()
/// try await store.replay(workspace, after: 0) { batch in log.add(batch.map(\.event)) }
/// log.arrivals   // every TaskCreated, with handling seconds where the step was completed
/// ```
public struct ArrivalLog: Sendable {
    /// The arrivals so far, in log order.
    public private(set) var arrivals: [Arrival] = []
    /// Per task, the index of its arrival and when its accepted offer was accepted.
    private var open: [TaskID: (index: Int, accepted: Double?)] = [:]

    /// An empty log.
    public init() {}

    /// Folds `events`, the next ones of the log.
    public mutating func add(_ events: some Sequence<Event>) {
        for event in events {
            let time = event.time.timeIntervalSince1970
            switch event.payload {
            case .taskCreated(let created):
                open[created.task] = (arrivals.count, nil)
                arrivals.append(Arrival(utc: time, local: time, queue: created.workflow.rawValue))
            case .offerAccepted(let task, _):
                open[task]?.accepted = time
            case .stepCompleted(let completion):
                // The first step worked is the task's handling; later steps are other work.
                if let entry = open.removeValue(forKey: completion.task), let accepted = entry.accepted,
                   arrivals[entry.index].handling == nil {
                    arrivals[entry.index].handling = max(0, time - accepted)
                }
            case .taskCancelled(let task, _):
                open.removeValue(forKey: task)
            default:
                continue
            }
        }
    }
}
