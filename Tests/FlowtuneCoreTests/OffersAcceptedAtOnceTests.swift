import Foundation
import Testing

@testable import FlowtuneCore

/// A noted command whose offers are accepted as they are made — the simulator's workers who
/// answer at once — leaves the state that accepting each offer by command afterwards leaves, as
/// the simulator did, and sets no expiry timer that could only find its offer taken.
@Suite("Offers accepted at once")
struct OffersAcceptedAtOnceTests {
    @Test("accepted at once: the same state and notes as accepting each offer after the command, and no expiry timers")
    func sameAsAcceptingAfterwards() throws {
        var random = SeededGenerator(seed: 23)
        // Escalation timers that raise the priority and hand the task to its backup owner, beside
        // the offers' expiries; a second step, so that a freed worker may take the task on.
        let floor = try TestWorkspace.escalatingDesk(
            workers: [("ana", 2), ("ben", 1), ("cy", 1)], window: 60, backupAfter: 45)
        var atOnce = floor.state
        var byCommand = floor.state
        var notes: [EventNote] = []
        var commandNotes: [EventNote] = []
        var seconds = 0.0
        var acceptedAtOnce = 0
        // Offers a timer of the same command took back before they could be accepted by command:
        // accepted at once, they count one event more.
        var takenBack = 0
        for round in 0..<500 {
            seconds += Double(Int.random(in: 0...30, using: &random))
            let open = atOnce.tasks.keys.sorted()
            let anyOpen = open.randomElement(using: &random)
            let command: Command
            switch Int.random(in: 0..<10, using: &random) {
            case 0, 1, 2:
                let chat = Bool.random(using: &random)
                command = .createTask(NewTask(
                    workflow: chat ? "talk" : "write", channel: chat ? "chat" : "email",
                    priority: Int.random(in: 3...7, using: &random)))
            case 3, 4:
                guard let id = anyOpen, case .assigned(let worker) = atOnce.task(id)?.state
                else { command = .fireTimers; break }
                let outcome = atOnce.task(id)?.step == "answer" ? (Bool.random(using: &random) ? "solved" : "more") : nil
                command = .completeStep(id, worker: worker, outcome: outcome, evidence: [:])
            case 5:
                command = anyOpen.map { .cancelTask($0, reason: "gone") } ?? .fireTimers
            case 6:
                guard let id = anyOpen else { command = .fireTimers; break }
                if atOnce.task(id)?.lane == .exception {
                    command = .resolveException(id, .resume(atOnce.task(id)!.step), note: "back")
                } else {
                    command = .flagException(id, reason: "odd", context: [:])
                }
            case 7:
                let worker = ["ana", "ben", "cy"].randomElement(using: &random)!
                let away = atOnce.worker(WorkerID(worker))?.worker.status == .available
                command = .setWorkerStatus(WorkerID(worker), away ? .away : .available)
            default:
                command = .fireTimers
            }
            let context = CommandContext(now: t0 + seconds, actor: "tester", routingDetail: .choiceOnly)
            notes.removeAll(keepingCapacity: true)
            commandNotes.removeAll(keepingCapacity: true)
            let atOnceResult = Result { () throws(CommandError) in
                try atOnce.execute(command, context: context, notingIn: &notes, acceptingOffersAtOnce: true)
            }
            let byCommandResult = Result { () throws(CommandError) in
                try byCommand.execute(command, context: context, notingIn: &commandNotes)
            }
            #expect(atOnceResult.isSuccess == byCommandResult.isSuccess, "round \(round): \(command)")
            // The simulator accepted the command's offers once it was done, the last made first.
            let offers = commandNotes.filter { $0.kind == .taskOffered }
            var acceptances: [EventNote] = []
            for offer in offers.reversed() {
                guard case .offered(offer.worker!, _)? = byCommand.task(offer.task!)?.state else {
                    takenBack += 1
                    continue
                }
                var accepted: [EventNote] = []
                try byCommand.execute(
                    .acceptOffer(offer.task!, worker: offer.worker!), context: context, notingIn: &accepted)
                acceptances += accepted
            }
            // Each offer is followed by its acceptance; without those, the notes are the command's.
            for (index, note) in notes.enumerated() where note.kind == .taskOffered {
                #expect(index + 1 < notes.count && notes[index + 1] == EventNote(kind: .offerAccepted, task: note.task, worker: note.worker))
            }
            let accepted = notes.filter { $0.kind == .offerAccepted }
            #expect(notes.filter { $0.kind != .offerAccepted } == commandNotes, "round \(round): \(command)")
            #expect(accepted.filter { acceptances.contains($0) } == acceptances.reversed(), "round \(round): \(command)")
            acceptedAtOnce += accepted.count
            var counted = atOnce
            counted.version -= Int64(takenBack)
            #expect(counted == byCommand, "round \(round): \(command)")
            #expect(!atOnce.tasks.values.contains { if case .offered = $0.state { true } else { false } })
            // The timers left are the others' timers, less the offers' expiries.
            #expect(Self.timers(atOnce) == Self.timers(byCommand).filter { !$0.hasPrefix("expiry") })
            #expect(!Self.timers(atOnce).contains { $0.hasPrefix("expiry") })
        }
        #expect(acceptedAtOnce > 50, "offers were made and accepted at once")
    }

    @Test("offers stay open while an adaptive response window learns from acceptances")
    func openWhileAWindowLearns() throws {
        var ws = try AdaptiveWiringTests.workspace(step: AdaptiveWiringTests.adaptiveStep(minimumSamples: 5))
        var notes: [EventNote] = []
        try ws.state.execute(
            .createTask(NewTask(workflow: "claims")), context: CommandContext(now: t0 + 10, actor: "tester"),
            notingIn: &notes, acceptingOffersAtOnce: true)
        #expect(notes.map(\.kind) == [.taskCreated, .taskOffered])
        #expect(ws.offeredTo("T1") == "ana")
        #expect(Self.timers(ws.state).contains { $0.hasPrefix("expiry") })
    }

    /// The pending timers, each as text, in the order they come due.
    static func timers(_ state: WorkspaceState) -> [String] {
        state.timers.unordered.sorted().map { timer in
            switch timer.kind {
            case .offerExpiry(let worker, let offeredAt):
                "expiry \(timer.due.timeIntervalSince(t0)) \(timer.task!) \(worker) \(offeredAt.timeIntervalSince(t0))"
            case .escalation(let level, let step, let entered):
                "escalation \(timer.due.timeIntervalSince(t0)) \(timer.task!) \(level) \(step) \(entered.timeIntervalSince(t0))"
            case .relaxation(let queuedAt):
                "relaxation \(timer.due.timeIntervalSince(t0)) \(timer.task!) \(queuedAt.timeIntervalSince(t0))"
            case .slotEnd(let workflow):
                "slot end \(timer.due.timeIntervalSince(t0)) \(workflow)"
            }
        }
    }
}

extension Result {
    fileprivate var isSuccess: Bool {
        if case .success = self { true } else { false }
    }
}
