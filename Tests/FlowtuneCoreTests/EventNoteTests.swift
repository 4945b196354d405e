import Foundation
import Testing

@testable import FlowtuneCore

/// Executing with notes instead of events — how the simulator runs the core — leaves the same
/// state as executing with events, and notes exactly what the events say.
@Suite("Event notes")
struct EventNoteTests {
    @Test("noted commands leave the state the kept events leave, with one matching note per event")
    func notesMatchEvents() throws {
        var random = SeededGenerator(seed: 11)
        // Two steps whose first escalates — raising the priority, then handing the task to the
        // backup owner, a registered worker — and a one-step workflow on email.
        var kept = try TestWorkspace.escalatingDesk(
            workers: ["ana", "ben", "cy", "dee"].map { (WorkerID($0), 2) }, window: 90, backupAfter: 60)
        var noted = kept.state
        var events: [Event] = []
        var notes: [EventNote] = []
        var seen = Set<String>()
        var seconds = 0.0
        for round in 0..<600 {
            seconds += Double(Int.random(in: 1...40, using: &random))
            let open = kept.state.tasks.keys.sorted()
            let anyOpen = open.randomElement(using: &random)
            let command: Command
            switch Int.random(in: 0..<12, using: &random) {
            case 0, 1, 2:
                let chat = Bool.random(using: &random)
                command = .createTask(NewTask(
                    workflow: chat ? "talk" : "write", channel: chat ? "chat" : "email",
                    priority: Int.random(in: 3...7, using: &random)))
            case 3:
                guard let id = anyOpen, case .offered(let worker, _) = kept.state.task(id)?.state
                else { command = .fireTimers; break }
                command = Bool.random(using: &random) ? .acceptOffer(id, worker: worker) : .rejectOffer(id, worker: worker)
            case 4, 5:
                guard let id = anyOpen, case .assigned(let worker) = kept.state.task(id)?.state
                else { command = .fireTimers; break }
                let outcome = kept.state.task(id)?.step == "answer" ? (Bool.random(using: &random) ? "solved" : "more") : nil
                command = .completeStep(id, worker: worker, outcome: outcome, evidence: [:])
            case 6:
                command = anyOpen.map { .cancelTask($0, reason: "gone") } ?? .fireTimers
            case 7:
                guard let id = anyOpen else { command = .fireTimers; break }
                if kept.state.task(id)?.lane == .exception {
                    command = .resolveException(id, .resume(kept.state.task(id)!.step), note: "back")
                } else {
                    command = .flagException(id, reason: "odd", context: [:])
                }
            case 8:
                guard let id = anyOpen else { command = .fireTimers; break }
                let worker = ["ana", "ben", "cy", "dee"].randomElement(using: &random)!
                command = Bool.random(using: &random)
                    ? .override(id, .reassign(WorkerID(worker)), reason: "knows the customer")
                    : .override(id, .priority(Int.random(in: 1...9, using: &random)), reason: "urgent")
            case 9:
                let worker = ["ana", "ben", "cy", "dee"].randomElement(using: &random)!
                let away = kept.state.worker(WorkerID(worker))?.worker.status == .available
                command = .setWorkerStatus(WorkerID(worker), away ? .away : .available)
            default:
                command = .fireTimers
            }
            let context = CommandContext(now: t0 + seconds, actor: "tester", cause: "test")
            events.removeAll(keepingCapacity: true)
            notes.removeAll(keepingCapacity: true)
            let keptResult = Result { () throws(CommandError) -> [EventNote] in
                try kept.state.execute(command, context: context, appendingTo: &events)
                return events.map { EventNote($0.payload) }
            }
            let notedResult = Result { () throws(CommandError) -> [EventNote] in
                try noted.execute(command, context: context, notingIn: &notes)
                return notes
            }
            #expect(keptResult == notedResult, "round \(round): \(command)")
            if case .failure = notedResult { #expect(notes.isEmpty, "a refused command notes nothing") }
            #expect(noted == kept.state, "round \(round): \(command)")
            kept.log += events
            for note in notes {
                seen.insert("\(note.kind)\(note.worker == nil ? "" : "+worker")\(note.step == nil ? "" : "+step")")
            }
        }
        // Every kind the simulator follows came up, in each of its forms.
        let expected: Set<String> = [
            "taskCreated", "taskOffered+worker", "offerAccepted+worker", "offerDeclined+worker",
            "stepCompleted+worker", "stepCompleted+worker+step", "movedToException", "exceptionResolved+step",
            "taskCancelled", "escalated", "overrideApplied", "overrideApplied+worker",
        ]
        #expect(expected.subtracting(seen).isEmpty, "not exercised: \(expected.subtracting(seen).sorted())")
        #expect(WorkspaceState.fold(kept.log, settings: kept.settings) == noted)
    }

    @Test("a window that an accepted offer moves is recorded right after it, noted as when kept")
    func adaptiveMoveAfterNotedAcceptance() throws {
        // Every fifth acceptance may move the learned response window (p90 of the last 100
        // response times once five are known): the move is recorded as its own event straight
        // after the acceptance that caused it, in both modes.
        var kept = try AdaptiveWiringTests.workspace(step: AdaptiveWiringTests.adaptiveStep(minimumSamples: 5))
        var noted = kept.state
        var events: [Event] = []
        var notes: [EventNote] = []
        var random = SeededGenerator(seed: 5)
        var seconds = 0.0
        var moves = 0
        for round in 0..<40 {
            for step in 0..<3 {
                seconds += Double(Int.random(in: 30...900, using: &random))
                let open = kept.state.tasks.keys.sorted().first
                let command: Command
                switch (step, open.flatMap { kept.state.task($0)?.state }) {
                case (0, _), (_, nil): command = .createTask(NewTask(workflow: "claims"))
                case (1, .offered(let worker, _)?): command = .acceptOffer(open!, worker: worker)
                case (2, .assigned(let worker)?): command = .completeStep(open!, worker: worker, outcome: nil, evidence: [:])
                default: command = .fireTimers
                }
                let context = CommandContext(now: t0 + seconds, actor: "tester")
                events.removeAll(keepingCapacity: true)
                notes.removeAll(keepingCapacity: true)
                try kept.state.execute(command, context: context, appendingTo: &events)
                try noted.execute(command, context: context, notingIn: &notes)
                #expect(notes == events.map { EventNote($0.payload) }, "round \(round): \(command)")
                #expect(noted == kept.state, "round \(round): \(command)")
                let changes = events.indices.filter { if case .thresholdChanged = events[$0].payload { true } else { false } }
                for index in changes {
                    #expect(index > 0 && events[index - 1].payload.type == "OfferAccepted", "recorded after the acceptance")
                }
                moves += changes.count
                kept.log += events
            }
        }
        #expect(moves >= 2, "the learned window moved during the run")
        #expect(WorkspaceState.fold(kept.log, settings: kept.settings) == noted)
    }

    @Test("a note carries the task, the worker and the step its event names")
    func noteOfEachPayload() {
        let decision = RoutingDecision(
            policy: "skill-score", policyVersion: 1, direction: .taskToWorker, candidates: [], candidateCount: 0,
            excluded: [], runnerUpLost: nil)
        #expect(EventNote(.taskOffered(task: "T1", worker: "ana", expiresAt: t0, decision: decision))
            == EventNote(kind: .taskOffered, task: "T1", worker: "ana", expiresAt: t0))
        #expect(EventNote(.stepCompleted(StepCompletion(
            task: "T1", step: "answer", worker: "ana", outcome: "more", evidence: [:], next: .step("follow"))))
            == EventNote(kind: .stepCompleted, task: "T1", worker: "ana", step: "follow"))
        #expect(EventNote(.stepCompleted(StepCompletion(
            task: "T1", step: "follow", worker: nil, outcome: "done", evidence: [:], next: .end)))
            == EventNote(kind: .stepCompleted, task: "T1"))
        #expect(EventNote(.exceptionResolved(task: "T2", resolution: .resume("answer"), note: ""))
            == EventNote(kind: .exceptionResolved, task: "T2", step: "answer"))
        #expect(EventNote(.exceptionResolved(task: "T2", resolution: .cancel, note: ""))
            == EventNote(kind: .exceptionResolved, task: "T2"))
        #expect(EventNote(.overrideApplied(task: "T3", change: .reassign("ben"), reason: "r"))
            == EventNote(kind: .overrideApplied, task: "T3", worker: "ben"))
        #expect(EventNote(.overrideApplied(task: "T3", change: .priority(2), reason: "r"))
            == EventNote(kind: .overrideApplied, task: "T3"))
        #expect(EventNote(.priorityChanged(task: "T3", from: 5, to: 2)) == EventNote(kind: .other, task: "T3"))
        #expect(EventNote(.workerStatusChanged(worker: "ana", status: .away)) == EventNote(kind: .other))
    }
}
