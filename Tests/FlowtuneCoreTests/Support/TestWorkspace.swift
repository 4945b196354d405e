import Foundation
import Testing

@testable import FlowtuneCore

/// The instant every test workspace starts at.
let t0 = Date(timeIntervalSince1970: 1_700_000_000)

/// A workspace under test: the state, a hand-moved clock and the log of every event it produced.
///
/// ```swift
/// var ws = TestWorkspace()
/// try ws.queue("billing")
/// try ws.worker("ana", skills: ["billing": 7])
/// try ws.workflow("refund", steps: [step("check", queue: "billing")])
/// let task = try ws.create("refund")
/// ```
struct TestWorkspace {
    var state: WorkspaceState
    var now: Date = t0
    var log: [Event] = []
    let settings: WorkspaceState.Settings

    init(policy: RoutingPolicyKind = .skillScore, exceptionDue: TimeInterval = 4 * 3600) {
        settings = WorkspaceState.Settings(routingPolicy: policy, explainedCandidates: 5, exceptionDue: exceptionDue)
        state = WorkspaceState(settings: settings)
    }

    /// Executes `command` at the current time and records its events.
    @discardableResult
    mutating func run(_ command: Command, actor: String = "tester") throws(CommandError) -> [Event] {
        let events = try state.execute(command, context: CommandContext(now: now, actor: actor, cause: "test"))
        log += events
        return events
    }

    /// Moves the clock forward.
    mutating func advance(_ seconds: TimeInterval) {
        now += seconds
    }

    /// Moves the clock to `t0 + seconds` and fires every timer due.
    @discardableResult
    mutating func fire(at seconds: TimeInterval) throws -> [Event] {
        now = t0 + seconds
        return try run(.fireTimers)
    }

    /// Runs `command` expecting a refusal and returns the error; checks the state and log are exactly
    /// as before. Throws when the command is accepted.
    mutating func refusal(
        _ command: Command, actor: String = "tester", sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> CommandError {
        let before = state
        let logCount = log.count
        do {
            let events = try run(command, actor: actor)
            throw TestFailure("expected \(command) to be refused, got \(events.map(\.type))")
        } catch let error as CommandError {
            #expect(state == before, "a refused command changed the state", sourceLocation: sourceLocation)
            #expect(log.count == logCount, sourceLocation: sourceLocation)
            return error
        }
    }

    // MARK: Definitions

    mutating func queue(
        _ id: QueueID, priority: Int = 5, within: TimeInterval = 300, requirement: Requirement = Requirement(),
        relaxation: [RelaxationStage] = [], offerTimeout: TimeInterval = 60
    ) throws {
        try run(.defineQueue(Queue(
            id: id, priority: priority, serviceLevel: ServiceLevelTarget(percent: 80, within: within),
            requirement: requirement, relaxation: relaxation, offerTimeout: offerTimeout)))
    }

    mutating func worker(
        _ id: WorkerID, skills: [String: Int] = [:], capacity: Int = 1, channels: [Channel: Int]? = nil,
        status: Worker.Status = .available, team: String = "default"
    ) throws {
        try run(.registerWorker(Worker(
            id: id, skills: skills, channels: channels ?? [.default: capacity], team: team, status: status)))
    }

    mutating func workflow(_ id: WorkflowID, steps: [Step]) throws {
        try run(.defineWorkflow(Workflow(id: id, steps: steps)))
    }

    /// A one-step workflow named after its queue.
    mutating func simpleWorkflow(_ id: WorkflowID, queue: QueueID, ownership: OwnershipRule = ownership()) throws {
        try workflow(id, steps: [Step(id: "work", queue: queue, ownership: ownership)])
    }

    // MARK: Tasks

    /// Creates a task and returns its id.
    @discardableResult
    mutating func create(
        _ workflow: WorkflowID, id: TaskID? = nil, priority: Int = 5, channel: Channel = .default,
        attributes: JSONValue = [:]
    ) throws -> TaskID {
        let events = try run(.createTask(NewTask(
            id: id, workflow: workflow, channel: channel, priority: priority, attributes: attributes)))
        guard case .taskCreated(let created) = events.first?.payload else {
            throw TestFailure("createTask produced no TaskCreated event")
        }
        return created.task
    }

    /// Accepts the open offer of `task`, whoever it is offered to, and returns that worker.
    @discardableResult
    mutating func accept(_ task: TaskID) throws -> WorkerID {
        guard case .offered(let worker, _) = state.task(task)?.state else {
            throw TestFailure("task \(task) has no open offer (\(state.task(task)?.state.name ?? "gone"))")
        }
        try run(.acceptOffer(task, worker: worker))
        return worker
    }

    /// Completes the current step of `task` by whoever holds it.
    @discardableResult
    mutating func complete(
        _ task: TaskID, outcome: String? = nil, evidence: [String: JSONValue] = [:]
    ) throws -> [Event] {
        guard case .assigned(let worker) = state.task(task)?.state else {
            throw TestFailure("task \(task) is not assigned (\(state.task(task)?.state.name ?? "gone"))")
        }
        return try run(.completeStep(task, worker: worker, outcome: outcome, evidence: evidence))
    }

    /// The worker the task is offered to, if it is offered.
    func offeredTo(_ task: TaskID) -> WorkerID? {
        if case .offered(let worker, _) = state.task(task)?.state { return worker }
        return nil
    }

    /// The worker the task is assigned to, if it is assigned.
    func assignedTo(_ task: TaskID) -> WorkerID? {
        if case .assigned(let worker) = state.task(task)?.state { return worker }
        return nil
    }

    func load(of worker: WorkerID) -> Int {
        state.worker(worker)?.totalLoad ?? -1
    }
}

extension TestWorkspace {
    /// A chat desk whose first step escalates — raising the priority at once, then handing the
    /// task to its backup owner `ben` after `backupAfter` seconds — with a second step a freed
    /// worker may take on, beside a one-step email workflow whose offers lapse after 30 s. Each
    /// worker has `chats` chat slots and one email slot, registered in the order given.
    static func escalatingDesk(
        workers: [(name: WorkerID, chats: Int)], window: TimeInterval, backupAfter: TimeInterval
    ) throws -> TestWorkspace {
        var desk = TestWorkspace()
        try desk.queue("chat")
        try desk.queue("mail", offerTimeout: 30)
        for worker in workers {
            try desk.worker(worker.name, channels: ["chat": worker.chats, "email": 1])
        }
        try desk.workflow("talk", steps: [
            Step(
                id: "answer", queue: "chat",
                ownership: ownership(
                    backup: "ben", window: window,
                    escalation: [
                        EscalationStage(after: 0, action: .raisePriority(1)),
                        EscalationStage(after: backupAfter, action: .reassignToBackup),
                    ]),
                next: ["solved": .end, "more": .step("follow")]),
            Step(id: "follow", queue: "chat", ownership: ownership()),
        ])
        try desk.simpleWorkflow("write", queue: "mail")
        return desk
    }
}

/// A failure in a test's own set-up.
struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// An ownership rule with defaults that keep escalation out of the way.
func ownership(
    owner: String = "ops-lead", backup: String? = nil, window: TimeInterval = 24 * 3600,
    escalation: [EscalationStage] = [], evidence: [String] = [], missing: MissingEvidencePolicy = .refuse
) -> OwnershipRule {
    OwnershipRule(
        sourceSystem: "crm", decisionOwner: owner, backupOwner: backup, responseWindow: window,
        escalation: escalation, requiredEvidence: evidence, missingEvidence: missing)
}

/// A routing offer found in a list of events.
struct Offer {
    var task: TaskID
    var worker: WorkerID
    var expiresAt: Date
    var decision: RoutingDecision
}

extension Array where Element == Event {
    /// The offers among the events, in order.
    var offers: [Offer] {
        compactMap { event in
            if case .taskOffered(let task, let worker, let expiresAt, let decision) = event.payload {
                return Offer(task: task, worker: worker, expiresAt: expiresAt, decision: decision)
            }
            return nil
        }
    }

    /// The event type names, in order.
    var types: [String] { map(\.type) }
}

extension RoutingDecision {
    /// The candidate named `id`.
    func candidate(_ id: String) -> ScoredCandidate? { candidates.first { $0.id == id } }

    /// The exclusion group of `rule`.
    func exclusion(_ rule: String) -> Exclusion? { excluded.first { $0.rule == rule } }
}

extension ScoredCandidate {
    func term(_ name: String) -> ScoreTerm? { terms.first { $0.name == name } }
}
