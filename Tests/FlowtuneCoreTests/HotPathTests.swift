import Foundation
import Testing

@testable import FlowtuneCore

/// The command path's shortcuts give exactly what the plain way gave.
@Suite("Command path shortcuts")
struct HotPathTests {
    @Test("numbering skips the numbers callers took, before and after a restart")
    func numberingSkipsTakenIDs() throws {
        var ws = TestWorkspace()
        try ws.queue("inbox")
        try ws.worker("ana", capacity: 20)
        try ws.simpleWorkflow("ticket", queue: "inbox")
        let first = try ws.create("ticket")
        #expect(first == "T1")
        #expect(!ws.state.taskNumbersTaken)
        // Exactly the id numbering would give: nothing is taken ahead of numbering.
        try ws.create("ticket", id: "T2")
        #expect(!ws.state.taskNumbersTaken)
        // Ids that are not of the numbered form never collide.
        try ws.create("ticket", id: "T-refund")
        try ws.create("ticket", id: "T05")
        #expect(ws.state.taskNumbersTaken, "T05 is of the form, so numbering looks from now on")
        // Callers take numbers ahead of numbering, one of them already finished.
        try ws.create("ticket", id: "T6")
        try ws.create("ticket", id: "T7")
        _ = try ws.accept("T7")
        _ = try ws.complete("T7")
        #expect(ws.state.task("T7") == nil)
        var created: [TaskID] = []
        for _ in 0..<3 { created.append(try ws.create("ticket")) }
        #expect(created == ["T8", "T9", "T10"], "T7 is taken by a finished task")

        // A restart folds the log to the same state, flag included, and numbers on without a clash.
        var restarted = WorkspaceState.fold(ws.log, settings: ws.settings)
        #expect(restarted == ws.state)
        #expect(restarted.taskNumbersTaken)
        let events = try restarted.execute(
            .createTask(NewTask(workflow: "ticket")), context: CommandContext(now: ws.now, actor: "tester"))
        let next = try #require(events.compactMap { event -> TaskID? in
            if case .taskCreated(let created) = event.payload { return created.task }
            return nil
        }.first)
        #expect(restarted.finished[next] == nil)
        #expect(next == "T11")
    }

    @Test("a caller's id ahead of numbering is skipped when numbering reaches it")
    func numberingReachesCallerID() throws {
        var ws = TestWorkspace()
        try ws.queue("inbox")
        try ws.worker("ana", capacity: 20)
        try ws.simpleWorkflow("ticket", queue: "inbox")
        try ws.create("ticket", id: "T2")  // nextTaskNumber is 1: taken ahead
        #expect(ws.state.taskNumbersTaken)
        #expect(try ws.create("ticket") == "T3", "T1 was skipped by the creation count, T2 is taken")
        #expect(WorkspaceState.fold(ws.log, settings: ws.settings) == ws.state)
    }

    @Test(
        "which ids are numbering's own",
        arguments: [
            ("T7", 7, true), ("T7", 8, false), ("T07", 7, false), ("T0", 0, false), ("T", 1, true),
            ("T-7", 7, true), ("X7", 7, true), ("", 1, true), ("T1234567890123456789012", 1, false),
        ])
    func numberedForm(id: String, number: Int, expected: Bool) {
        #expect(WorkspaceState.isNumbered(TaskID(id), as: number) == expected)
    }

    @Test("the runner-up explanation reads as it always did")
    func runnerUpExplanationUnchanged() {
        var random = SystemRandomNumberGenerator()
        let names = ["skillFit", "queuePriority", "taskPriority", "taskAge", "slaRisk", "idleTime", "rotation"]
        for round in 0..<2_000 {
            func candidate(_ id: String, shuffled: Bool) -> ScoredCandidate {
                var terms = names.map { name in
                    ScoreTerm(
                        name: name, value: round % 7 == 0 ? 0.5 : Double.random(in: -3...3, using: &random),
                        weight: [0, 0.2, 1, 0.5][Int.random(in: 0..<4, using: &random)])
                }
                if shuffled { terms.shuffle(using: &random) }
                if round % 11 == 0 { terms.removeLast() }
                return ScoredCandidate(
                    id: id, score: terms.reduce(0) { $0 + $1.contribution }, terms: terms)
            }
            let winner = candidate("w\(round)", shuffled: false)
            let runnerUp = candidate("runner-\(round)", shuffled: round % 3 == 0)
            let candidates = round % 13 == 0 ? [winner, winner] : [winner, runnerUp]
            #expect(WorkspaceState.whyRunnerUpLost(candidates) == Reference.whyRunnerUpLost(candidates))
        }
        #expect(WorkspaceState.whyRunnerUpLost([candidate1]) == nil)
        for value in [0.0, -0.0, 1e-9, -0.0005, 0.0005, 999.9995, -1234.5678, 1e12, .infinity, -.infinity, .nan] {
            #expect(WorkspaceState.format(value) == Reference.format(value), "\(value)")
        }
    }

    private var candidate1: ScoredCandidate { ScoredCandidate(id: "a", score: 1, terms: []) }

    /// The explanation as it was written before it was built from bytes.
    enum Reference {
        static func whyRunnerUpLost(_ candidates: [ScoredCandidate]) -> String? {
            guard candidates.count > 1 else { return nil }
            let winner = candidates[0]
            let runnerUp = candidates[1]
            var worst: (name: String, gap: Double, winner: Double, runnerUp: Double)?
            for term in winner.terms {
                guard let other = runnerUp.terms.first(where: { $0.name == term.name }) else { continue }
                let gap = term.contribution - other.contribution
                if gap > (worst?.gap ?? 0) { worst = (term.name, gap, term.value, other.value) }
            }
            let margin = winner.score - runnerUp.score
            guard let worst else {
                return "\(runnerUp.id) tied at \(format(runnerUp.score)); \(winner.id) comes first in order"
            }
            return "\(runnerUp.id) scored \(format(runnerUp.score)) against \(format(winner.score)) (−\(format(margin))),"
                + " mostly on \(worst.name): \(format(worst.runnerUp)) against \(format(worst.winner))"
        }

        static func format(_ value: Double) -> String {
            guard value.isFinite else { return "\(value)" }
            let scaled = Int64((abs(value) * 1000).rounded())
            let fraction = scaled % 1000
            let digits = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
            return "\(value < 0 && scaled != 0 ? "-" : "")\(scaled / 1000).\(digits)"
        }
    }
}

/// Executing into a caller's buffer, and keeping a worker's load per channel in a short list,
/// give what executing into a fresh array and the dictionary gave.
@Suite("Command buffer and channel load")
struct CommandBufferTests {
    @Test("executing into a reused buffer appends exactly the events a fresh array gets")
    func bufferMatchesFreshArray() throws {
        var random = SeededGenerator(seed: 7)
        var plain = TestWorkspace()
        try plain.queue("chat")
        try plain.queue("mail")
        for name in ["ana", "ben", "cy"] {
            try plain.worker(WorkerID(name), channels: ["chat": 2, "email": 1])
        }
        try plain.simpleWorkflow("talk", queue: "chat")
        try plain.simpleWorkflow("write", queue: "mail")
        var buffered = plain.state
        var buffer: [Event] = []
        let context = { (seconds: Double) in CommandContext(now: t0 + seconds, actor: "tester", cause: "test") }
        for round in 0..<400 {
            let seconds = Double(round) * 7
            let open = plain.state.tasks.keys.sorted()
            let command: Command
            switch Int.random(in: 0..<5, using: &random) {
            case 0, 1:
                let chat = Bool.random(using: &random)
                command = .createTask(NewTask(workflow: chat ? "talk" : "write", channel: chat ? "chat" : "email"))
            case 2:
                guard let id = open.randomElement(using: &random), case .offered(let worker, _) = plain.state.task(id)?.state
                else { command = .fireTimers; break }
                command = Bool.random(using: &random) ? .acceptOffer(id, worker: worker) : .rejectOffer(id, worker: worker)
            case 3:
                guard let id = open.randomElement(using: &random), case .assigned(let worker) = plain.state.task(id)?.state
                else { command = .cancelTask(TaskID("T\(round)"), reason: "not there"); break }
                command = .completeStep(id, worker: worker, outcome: nil, evidence: [:])
            default:
                command = open.randomElement(using: &random).map { .cancelTask($0, reason: "gone") } ?? .fireTimers
            }
            let kept = buffer.count
            let fresh = Result { () throws(CommandError) in try plain.state.execute(command, context: context(seconds)) }
            let appended = Result { () throws(CommandError) -> [Event] in
                try buffered.execute(command, context: context(seconds), appendingTo: &buffer)
                return Array(buffer[kept...])
            }
            #expect(fresh == appended, "round \(round): \(command)")
            if case .failure = appended { #expect(buffer.count == kept, "a refused command appends nothing") }
            #expect(buffered == plain.state, "round \(round)")
            if buffer.count > 50 { buffer.removeAll(keepingCapacity: true) }
        }
    }

    @Test("a worker's load per channel reads as a dictionary of the channels in use")
    func loadPerChannel() throws {
        var ws = TestWorkspace()
        try ws.queue("inbox")
        try ws.worker("ana", channels: ["chat": 2, "email": 1])
        try ws.simpleWorkflow("ticket", queue: "inbox")
        #expect(ws.state.worker("ana")?.load == [:])
        let chat = try ws.create("ticket", channel: "chat")
        let email = try ws.create("ticket", channel: "email")
        try ws.create("ticket", channel: "email")  // waits: ana's one email place is taken
        var record = try #require(ws.state.worker("ana"))
        #expect(record.load == ["chat": 1, "email": 1])
        #expect(record.totalLoad == 2)
        #expect(record.load(on: "chat") == 1 && record.load(on: "voice") == 0)
        #expect(record.hasCapacity(on: "chat") && !record.hasCapacity(on: "email"))
        _ = try ws.accept(chat)
        _ = try ws.complete(chat)
        record = try #require(ws.state.worker("ana"))
        #expect(record.load == ["email": 1], "a channel whose count went back to zero is left out")
        _ = try ws.accept(email)
        _ = try ws.complete(email)
        record = try #require(ws.state.worker("ana"))
        #expect(record.load == ["email": 1], "the waiting email task took the freed place")
        #expect(WorkspaceState.fold(ws.log, settings: ws.settings) == ws.state)
    }
}
