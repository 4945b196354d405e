import Collections
import FlowtuneCore
import FlowtuneEngine
import FlowtuneStore
import Foundation

/// Plays a task file through a workspace engine on a virtual clock: tasks arrive at their times,
/// workers accept offers after a short delay, work each step for its handling time, and complete
/// it with the file's outcomes and evidence. Timers — offer timeouts, escalations, relaxations —
/// fire when the clock reaches them. Every command goes through the engine and its store.
struct Runner {
    var acceptAfter: TimeInterval = 10
    var defaultHandle: TimeInterval = 8 * 60
    /// How long after the last arrival timers keep firing for work left open.
    var drain: TimeInterval = 24 * 3600

    /// What happened during a run.
    struct Report {
        var assignments: [Assignment] = []
        var refusals: [Refusal] = []
        var events: [Event] = []
        var created = 0
        var end: Date
    }

    struct Assignment {
        var time: Date
        var task: TaskID
        var worker: WorkerID
        var decision: RoutingDecision
    }

    struct Refusal {
        var time: Date
        var what: String
        var error: CommandError
    }

    private enum Action: Comparable {
        case arrive(Int)
        case accept(TaskID, WorkerID)
        case complete(TaskID, WorkerID)

        static func < (lhs: Action, rhs: Action) -> Bool { false }
    }

    private struct Scheduled: Comparable {
        var time: Date
        var sequence: Int
        var action: Action

        static func < (lhs: Scheduled, rhs: Scheduled) -> Bool { (lhs.time, lhs.sequence) < (rhs.time, rhs.sequence) }
        static func == (lhs: Scheduled, rhs: Scheduled) -> Bool { lhs.sequence == rhs.sequence }
    }

    func run(_ file: TaskFile, engine: WorkspaceEngine, clock: ManualClock) async throws -> Report {
        let start = clock.now()
        var report = Report(end: start)
        var agenda = Heap<Scheduled>()
        var sequence = 0
        func schedule(_ action: Action, at time: Date) {
            sequence += 1
            agenda.insert(Scheduled(time: time, sequence: sequence, action: action))
        }
        for (index, entry) in file.entries.enumerated() {
            schedule(.arrive(index), at: start + entry.offset)
        }
        var entryOf: [TaskID: Int] = [:]
        var stepsDone: [TaskID: Int] = [:]

        func absorb(_ events: [Event]) {
            for event in events {
                report.events.append(event)
                switch event.payload {
                case .taskOffered(let task, let worker, _, let decision):
                    report.assignments.append(Assignment(time: event.time, task: task, worker: worker, decision: decision))
                    schedule(.accept(task, worker), at: event.time + acceptAfter)
                case .offerAccepted(let task, let worker), .overrideApplied(let task, .reassign(let worker), _):
                    let handle = entryOf[task].flatMap { file.entries[$0].handle } ?? defaultHandle
                    schedule(.complete(task, worker), at: event.time + handle)
                default:
                    break
                }
            }
        }

        let horizon = start + (file.entries.map(\.offset).max() ?? 0) + drain
        while true {
            let timer = await engine.nextTimerDue
            let next = agenda.min
            if next == nil && timer == nil { break }
            if let timer, next == nil || timer < next!.time {
                if timer > horizon { break }
                clock.set(max(timer, clock.now()))
                absorb(try await engine.submit(.fireTimers, actor: "system", cause: "timer").events)
                continue
            }
            let item = agenda.removeMin()
            clock.set(max(item.time, clock.now()))
            let command: Command
            let actor: String
            switch item.action {
            case .arrive(let index):
                command = .createTask(file.entries[index].request)
                actor = "task-file"
            case .accept(let task, let worker):
                command = .acceptOffer(task, worker: worker)
                actor = worker.rawValue
            case .complete(let task, let worker):
                let entry = entryOf[task].map { file.entries[$0] }
                let step = stepsDone[task, default: 0]
                let outcome = entry.flatMap { step < $0.outcomes.count ? $0.outcomes[step] : nil }
                command = .completeStep(task, worker: worker, outcome: outcome, evidence: entry?.evidence ?? [:])
                actor = worker.rawValue
            }
            do {
                let outcome = try await engine.submit(command, actor: actor, cause: "task-file")
                if case .arrive(let index) = item.action, let task = outcome.createdTask {
                    entryOf[task] = index
                    if !outcome.events.isEmpty { report.created += 1 }
                }
                if case .complete(let task, _) = item.action,
                    outcome.events.contains(where: { if case .stepCompleted = $0.payload { true } else { false } })
                {
                    stepsDone[task, default: 0] += 1
                }
                absorb(outcome.events)
            } catch let error as CommandError {
                // An accept that lost its offer to a timeout or an escalation is expected; the
                // rest are what a person would need to see.
                if case .accept = item.action, error.code == .conflict || error.code == .forbidden { continue }
                if case .complete = item.action, error.code == .conflict || error.code == .forbidden { continue }
                report.refusals.append(Refusal(time: clock.now(), what: describe(item.action, file), error: error))
                if case .complete(let task, _) = item.action, error.code == .missingEvidence {
                    // The worker could not finish without the evidence: the task leaves the standard path.
                    let flagged = try? await engine.submit(
                        .flagException(task, reason: "could not complete: \(error.message)", context: ["refused": error.description]),
                        actor: actor, cause: "task-file")
                    absorb(flagged?.events ?? [])
                }
            }
        }
        report.end = clock.now()
        return report
    }

    private func describe(_ action: Action, _ file: TaskFile) -> String {
        switch action {
        case .arrive(let index): "line \(file.entries[index].line): create task"
        case .accept(let task, let worker): "\(worker) accepts \(task)"
        case .complete(let task, let worker): "\(worker) completes \(task)"
        }
    }
}
