import Foundation
import Testing

@testable import FlowtuneCore

/// The cursors that spare a command's events a second hash of the same id change nothing: a state
/// that keeps them decides exactly as one whose cursors are cleared before every command.
@Suite("Look-up cursors")
struct LookupCursorTests {
    @Test("random commands decide the same with the cursors kept and with them cleared before each")
    func cursorsChangeNothing() throws {
        var random = SeededGenerator(seed: 11)
        var kept = TestWorkspace()
        // More queues than are compared in turn, so that queues are found through the cursor or the index.
        let queues = (0..<(WorkspaceState.comparedInTurn + 4)).map { QueueID("q\($0)") }
        for queue in queues { try kept.queue(queue) }
        let workflows = queues.map { WorkflowID("w-\($0.rawValue)") }
        for (workflow, queue) in zip(workflows, queues) { try kept.simpleWorkflow(workflow, queue: queue) }
        for number in 0..<12 {
            try kept.worker(WorkerID("agent-\(number)"), channels: ["chat": 2, "email": 1])
        }
        var cleared = kept.state
        let context = { (seconds: Double) in CommandContext(now: t0 + seconds, actor: "tester", cause: "test") }
        var ended: [TaskID] = []
        for round in 0..<2_000 {
            let seconds = Double(round) * 5
            let open = kept.state.tasks.keys.sorted()
            let command: Command
            switch Int.random(in: 0..<9, using: &random) {
            case 0, 1, 2:
                // Some tasks are named by the caller, so that ids of every shape are looked up.
                let chat = Bool.random(using: &random)
                let named = Int.random(in: 0..<4, using: &random) == 0 ? TaskID("call-\(round)") : nil
                command = .createTask(NewTask(
                    id: named, workflow: workflows.randomElement(using: &random)!, channel: chat ? "chat" : "email"))
            case 3:
                guard let id = open.randomElement(using: &random), case .offered(let worker, _) = kept.state.task(id)?.state
                else { command = .fireTimers; break }
                command = Int.random(in: 0..<4, using: &random) == 0
                    ? .rejectOffer(id, worker: worker) : .acceptOffer(id, worker: worker)
            case 4, 5:
                guard let id = open.randomElement(using: &random), case .assigned(let worker) = kept.state.task(id)?.state
                else { command = .fireTimers; break }
                command = .completeStep(id, worker: worker, outcome: nil, evidence: [:])
            case 6:
                // A finished task's id, or an open one's: both paths of the look-up, and its refusal.
                let id = Bool.random(using: &random) ? ended.randomElement(using: &random) : open.randomElement(using: &random)
                command = id.map { .cancelTask($0, reason: "gone") } ?? .fireTimers
            case 7:
                let worker = WorkerID("agent-\(Int.random(in: 0..<12, using: &random))")
                let status: Worker.Status = Bool.random(using: &random) ? .available : .away
                command = .setWorkerStatus(worker, status)
            default:
                // A workflow defined again mid-run adds a version; a new one adds a key to the index.
                let fresh = Int.random(in: 0..<3, using: &random) == 0
                let id = fresh ? WorkflowID("w-new-\(round)") : workflows.randomElement(using: &random)!
                command = .defineWorkflow(Workflow(
                    id: id, name: id.rawValue,
                    steps: [Step(id: "handle", queue: queues.randomElement(using: &random)!, ownership: ownership())]))
            }
            // The reference hashes every id: no cursor can match.
            cleared.taskCursor = nil
            cleared.workflowCursor = nil
            cleared.workerCursor = cleared.workers.count
            cleared.queueCursor = cleared.queues.count
            let withCursors = Result { () throws(CommandError) in try kept.state.execute(command, context: context(seconds)) }
            let without = Result { () throws(CommandError) in try cleared.execute(command, context: context(seconds)) }
            #expect(withCursors == without, "round \(round): \(command)")
            #expect(kept.state == cleared, "round \(round)")
            if case .success(let events) = withCursors {
                for event in events {
                    if case .stepCompleted(let completion) = event.payload, case .end = completion.next {
                        ended.append(completion.task)
                    }
                    if case .taskCancelled(let task, _) = event.payload { ended.append(task) }
                }
            }
        }
        #expect(ended.count > 100, "enough tasks finished to move the index around")
    }

    @Test("workflows and queues compared in turn are found where hashing finds them, up to past the limit")
    func comparedInTurn() throws {
        var ws = TestWorkspace()
        for count in 1...(WorkspaceState.comparedInTurn + 3) {
            let queue = QueueID("queue-\(count)")
            try ws.queue(queue)
            try ws.simpleWorkflow(WorkflowID("flow-\(count)"), queue: queue)
            for number in 1...count {
                ws.state.workflowCursor = nil
                let workflow = WorkflowID("flow-\(number)")
                #expect(ws.state.workflowIndex(workflow) == ws.state.workflows.index(forKey: workflow))
                #expect(ws.state.queueNumber(QueueID("queue-\(number)")) == number - 1)
            }
            ws.state.workflowCursor = nil
            #expect(ws.state.workflowIndex("flow-none") == nil)
            #expect(ws.state.queueNumber("queue-none") == nil)
        }
    }
}
