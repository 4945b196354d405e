import Foundation
import Testing

@testable import FlowtuneCore

/// Random command sequences over a small but complete workspace: several workers with mixed skills
/// and channels, three queues (one with relaxation), a two-step workflow with required evidence and
/// an escalation ladder, a chat workflow that refuses missing evidence; a clock that advances by
/// fractional seconds, timers fired as it goes, and a share of commands that must be refused.
@Suite("Random command sequences")
struct PropertyTests {
    /// Sized to keep the suite fast in debug; set FLOWTUNE_PROPERTY_SEQUENCES (and
    /// FLOWTUNE_PROPERTY_COMMANDS) for a deeper run.
    static let sequences = Int(ProcessInfo.processInfo.environment["FLOWTUNE_PROPERTY_SEQUENCES"] ?? "") ?? 64
    static let commandsPerSequence = Int(ProcessInfo.processInfo.environment["FLOWTUNE_PROPERTY_COMMANDS"] ?? "") ?? 200

    @Test("folding the log rebuilds the live state, and the invariants hold after every command")
    func foldAndInvariants() throws {
        var totals = Simulation.Totals()
        for seed in 0..<UInt64(Self.sequences) {
            var simulation = try Simulation(seed: seed)
            try simulation.run(commands: Self.commandsPerSequence, checkInvariants: true)
            totals.add(simulation.totals)
            if !simulation.violations.isEmpty {
                Issue.record("seed \(seed): \(simulation.violations.prefix(5).joined(separator: "\n"))")
                return
            }
            let rebuilt = WorkspaceState.fold(simulation.ws.log, settings: simulation.ws.settings)
            #expect(rebuilt == simulation.ws.state, "seed \(seed): the fold of the log differs from the live state")
            #expect(simulation.ws.state.version == Int64(simulation.ws.log.count))
        }
        // The sequences must actually exercise the domain, or the properties hold vacuously.
        for kind in ["TaskCreated", "TaskRouted", "OfferAccepted", "OfferDeclined", "StepCompleted", "MovedToException",
            "ExceptionClaimed", "ExceptionResolved", "Escalated", "PriorityChanged", "OverrideApplied", "TaskCancelled",
            "WorkerStatusChanged", "WorkerRegistered"]
        {
            #expect(totals.events[kind, default: 0] > 20, "only \(totals.events[kind, default: 0]) \(kind) events")
        }
        #expect(totals.refused > 100, "only \(totals.refused) refused commands")
        #expect(totals.declinedTimedOut > 20)
        #expect(totals.relaxedOffers > 5, "only \(totals.relaxedOffers) offers relied on relaxation")
    }

    @Test("the same command sequence yields the same events, every time")
    func deterministic() throws {
        for seed in [UInt64(7), 42, 1234] {
            var first = try Simulation(seed: seed)
            try first.run(commands: Self.commandsPerSequence, checkInvariants: false)
            var second = try Simulation(seed: seed)
            try second.run(commands: Self.commandsPerSequence, checkInvariants: false)
            #expect(first.ws.log == second.ws.log, "seed \(seed)")
            #expect(first.ws.state == second.ws.state)
            #expect(first.ws.log.count > Self.commandsPerSequence / 2)

            // Replaying the recorded commands on a fresh workspace gives the same events too.
            var replay = try Simulation(seed: seed)
            for (command, context) in first.commands {
                if let events = try? replay.ws.state.execute(command, context: context) { replay.ws.log += events }
            }
            #expect(replay.ws.log == first.ws.log, "seed \(seed): replay")
        }
    }
}

/// One random run.
struct Simulation {
    struct Totals {
        var events: [String: Int] = [:]
        var refused = 0
        var declinedTimedOut = 0
        var relaxedOffers = 0

        mutating func add(_ other: Totals) {
            events.merge(other.events, uniquingKeysWith: +)
            refused += other.refused
            declinedTimedOut += other.declinedTimedOut
            relaxedOffers += other.relaxedOffers
        }
    }

    var ws: TestWorkspace
    var rng: SeededGenerator
    var violations: [String] = []
    var totals = Totals()
    var commands: [(Command, CommandContext)] = []
    private var setupCount = 0
    private var commandNumber = 0

    static let workers: [Worker] = [
        Worker(id: "w1", skills: ["triage": 6, "review": 3], channels: [.default: 2, "chat": 1]),
        Worker(id: "w2", skills: ["triage": 3], channels: [.default: 1]),
        Worker(id: "w3", skills: ["review": 8], channels: [.default: 1, "chat": 2]),
        Worker(id: "w4", skills: ["triage": 8, "review": 5], channels: [.default: 1]),
        Worker(id: "w5", channels: ["chat": 2]),
    ]
    static let actors = ["lead-1", "lead-2", "w1", "api"]

    init(seed: UInt64) throws {
        ws = TestWorkspace(policy: [RoutingPolicyKind.skillScore, .roundRobin, .longestIdle][Int(seed % 3)], exceptionDue: 900)
        rng = SeededGenerator(seed: seed &* 0x9E37_79B9 &+ 17)
        try ws.queue(
            "intake", priority: 3, within: 120, requirement: Requirement(skills: ["triage": 5]),
            relaxation: [RelaxationStage(after: 90, requirement: Requirement(skills: ["triage": 3]))], offerTimeout: 45)
        try ws.queue("review", priority: 6, within: 600, requirement: Requirement(skills: ["review": 1]), offerTimeout: 60)
        try ws.queue("chatq", priority: 4, within: 60, offerTimeout: 30)
        try ws.workflow("claim", steps: [
            Step(
                id: "intake", queue: "intake",
                ownership: ownership(owner: "intake-lead", backup: "w1", window: 300, escalation: [
                    EscalationStage(after: 0, action: .notify("intake-lead")),
                    EscalationStage(after: 60, action: .raisePriority(2)),
                    EscalationStage(after: 120, action: .reassignToBackup),
                    EscalationStage(after: 240, action: .moveToException("intake overdue")),
                ]),
                next: ["approve": .step("review"), "reject": .end]),
            Step(
                id: "review", queue: "review",
                ownership: ownership(
                    owner: "review-lead", backup: "supervisors", window: 600,
                    escalation: [EscalationStage(after: 0, action: .reassignToBackup)],
                    evidence: ["ref"], missing: .exception)),
        ])
        try ws.workflow("chat", steps: [
            Step(
                id: "answer", queue: "chatq",
                ownership: ownership(owner: "chat-lead", backup: "w3", window: 200, escalation: [
                    EscalationStage(after: 0, action: .raisePriority(1)),
                    EscalationStage(after: 100, action: .reassignToBackup),
                ], evidence: ["summary"])),
        ])
        for worker in Self.workers { try ws.run(.registerWorker(worker)) }
        setupCount = ws.log.count
    }

    // MARK: Random choices

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func pick<T>(_ items: [T]) -> T? { items.isEmpty ? nil : items[int(0...items.count - 1)] }

    /// Open tasks matching `filter`, in id order, so that choices do not depend on dictionary order.
    func openTasks(_ filter: (WorkTask) -> Bool = { _ in true }) -> [WorkTask] {
        ws.state.tasks.values.filter(filter).sorted { $0.id < $1.id }
    }

    mutating func nextCommand() -> Command {
        let roll = int(0...99)
        let anyWorker = WorkerID(pick(Self.workers.map(\.id.rawValue) + ["ghost"])!)
        switch roll {
        case 0..<20:
            let workflow: WorkflowID = chance(0.7) ? "claim" : (chance(0.95) ? "chat" : "nope")
            let channel: Channel = workflow == "chat" ? (chance(0.8) ? "chat" : .default) : (chance(0.9) ? .default : "chat")
            let priority = chance(0.97) ? int(1...9) : int(10...12)
            let key = chance(0.2) ? "key-\(int(0...4))" : nil
            let attributes: JSONValue = ["customer": .string("c\(int(0...3))")]
            return .createTask(NewTask(workflow: workflow, channel: channel, priority: priority, attributes: attributes, idempotencyKey: key))
        case 20..<35:
            let offered = openTasks { $0.state.name == "offered" }
            guard let task = pick(offered) else { return .fireTimers }
            return .acceptOffer(task.id, worker: chance(0.9) ? task.state.worker! : anyWorker)
        case 35..<43:
            let offered = openTasks { $0.state.name == "offered" }
            guard let task = pick(offered) else { return .fireTimers }
            return .rejectOffer(task.id, worker: chance(0.9) ? task.state.worker! : anyWorker)
        case 43..<58:
            let assigned = openTasks { $0.state.name == "assigned" }
            guard let task = pick(assigned) ?? pick(openTasks()) else { return .fireTimers }
            let outcomes: [String?] = task.step == "intake" ? ["approve", "approve", "reject", "maybe"] : [nil, "done", "x"]
            var evidence: [String: JSONValue] = [:]
            if chance(0.75) { evidence["ref"] = .string("R-\(int(1...99))") }
            if chance(0.75) { evidence["summary"] = chance(0.9) ? "answered" : "" }
            let worker = chance(0.92) ? (task.state.worker ?? anyWorker) : anyWorker
            return .completeStep(task.id, worker: worker, outcome: pick(outcomes)!, evidence: evidence)
        case 58..<61:
            guard let task = pick(openTasks()) else { return .fireTimers }
            return .cancelTask(task.id, reason: "customer withdrew")
        case 61..<67:
            let status = pick(Worker.Status.allCases)!
            if chance(0.25) {
                // The same profile registered again, with a status: how a directory sync looks.
                var profile = pick(Self.workers)!
                profile.status = status
                return .registerWorker(profile)
            }
            return .setWorkerStatus(chance(0.95) ? WorkerID(pick(Self.workers)!.id.rawValue) : "ghost", status)
        case 67..<71:
            guard let task = pick(openTasks()) else { return .fireTimers }
            return .flagException(task.id, reason: chance(0.9) ? "needs a look" : "", context: ["source": "sim"])
        case 71..<74:
            let items = openTasks { $0.lane == .exception }
            guard let task = pick(items) ?? pick(openTasks()) else { return .fireTimers }
            return .claimException(task.id)
        case 74..<78:
            let items = openTasks { $0.lane == .exception }
            guard let task = pick(items) ?? pick(openTasks()) else { return .fireTimers }
            let resolution: ExceptionResolution = pick([.resume(task.step), .resume("review"), .resume("bogus"), .complete, .cancel])!
            return .resolveException(task.id, resolution, note: "resolved")
        case 78..<83:
            guard let task = pick(openTasks()) else { return .fireTimers }
            let change: Override = pick([.reassign(anyWorker), .priority(int(0...9)), .lane(pick(Lane.allCases)!)])!
            return .override(task.id, change, reason: chance(0.95) ? "operator call" : " ")
        default:
            ws.advance(Double(int(0...900)) / 10)
            return .fireTimers
        }
    }

    mutating func run(commands count: Int, checkInvariants: Bool) throws {
        for _ in 0..<count {
            commandNumber += 1
            let command = nextCommand()
            let actor = pick(Self.actors)!
            let context = CommandContext(now: ws.now, actor: actor, cause: "sim")
            commands.append((command, context))
            let before = ws.state
            let predicted = commandNumber % 5 == 0 ? try? before.decide(command, context: context) : nil
            do {
                let events = try ws.state.execute(command, context: context)
                ws.log += events
                for event in events {
                    totals.events[event.type, default: 0] += 1
                    if case .escalated(let id, let step, let level, _) = event.payload,
                        let task = before.task(id) ?? ws.state.task(id),
                        let rule = ws.state.workflow(task.workflow, version: task.workflowVersion)?.step(step)?.ownership,
                        level < rule.escalation.count
                    {
                        let due = task.stepEnteredAt + rule.responseWindow + rule.escalation[level].after
                        if event.time < due || task.step != step {
                            violations.append("#\(commandNumber): stage \(level) of \(step) fired early for \(id) (due \(due))")
                        }
                    }
                    if case .offerDeclined(_, _, .timedOut) = event.payload { totals.declinedTimedOut += 1 }
                    if case .taskOffered(let id, let worker, _, _) = event.payload,
                        let task = ws.state.task(id), let queue = ws.state.queue(task.queue),
                        let profile = ws.state.worker(worker)?.worker, !queue.requirement.isMet(by: profile)
                    {
                        totals.relaxedOffers += 1
                    }
                }
                if let predicted, predicted != events {
                    violations.append("#\(commandNumber) \(command): decide and execute disagree")
                }
            } catch {
                totals.refused += 1
                if ws.state != before { violations.append("#\(commandNumber) \(command) was refused (\(error)) but changed the state") }
            }
            if checkInvariants {
                var problems = Invariants.check(ws.state, now: ws.now)
                if command == .fireTimers { problems += Invariants.timersCaughtUp(ws.state, now: ws.now) }
                for problem in problems {
                    violations.append("#\(commandNumber) after \(command): \(problem)")
                }
                if !violations.isEmpty { return }
            }
        }
    }
}

extension Invariants {
    /// Once timers have fired at `now`, nothing is overdue: no offer past its deadline, no
    /// escalation stage of a routine task past its time.
    static func timersCaughtUp(_ state: WorkspaceState, now: Date) -> [String] {
        var problems: [String] = []
        for task in state.tasks.values {
            if case .offered(let worker, let expiresAt) = task.state, expiresAt <= now {
                problems.append("the offer of \(task.id) to \(worker) expired at \(expiresAt) but is still open")
            }
            guard task.lane == .routine,
                let rule = state.workflow(task.workflow, version: task.workflowVersion)?.step(task.step)?.ownership,
                task.escalationLevel < rule.escalation.count
            else { continue }
            let due = task.stepEnteredAt + rule.responseWindow + rule.escalation[task.escalationLevel].after
            if due <= now {
                problems.append("stage \(task.escalationLevel) of \(task.id) at \(task.step) was due at \(due) and has not fired")
            }
        }
        return problems
    }
}

/// What must be true of a workspace after every command, checked from the tasks themselves rather
/// than from the indexes routing keeps.
enum Invariants {
    static func check(_ state: WorkspaceState, now: Date) -> [String] {
        var problems: [String] = []
        let tasks = Array(state.tasks.values)

        // Worker load is exactly the tasks offered to or held by the worker, and within capacity.
        var expected: [WorkerID: [Channel: Int]] = [:]
        for task in tasks {
            if let worker = task.state.worker { expected[worker, default: [:]][task.channel, default: 0] += 1 }
        }
        for record in state.workers {
            let id = record.worker.id
            if record.load != expected[id, default: [:]] {
                problems.append("\(id) load \(record.load) but holds \(expected[id, default: [:]])")
            }
            for (channel, load) in record.load where load > record.worker.capacity(on: channel) {
                problems.append("\(id) holds \(load) on \(channel), capacity \(record.worker.capacity(on: channel))")
            }
        }

        // Each queued task waits exactly once, in its own queue; nothing else waits.
        var waitingIn: [TaskID: [QueueID]] = [:]
        for record in state.queues {
            let waiting = record.waitingTasks
            for id in waiting {
                waitingIn[id, default: []].append(record.queue.id)
            }
            if record.waitingCount != waiting.count {
                problems.append("queue \(record.queue.id) counts \(record.waitingCount) but lists \(waiting.count)")
            }
        }
        for task in tasks {
            let places = waitingIn[task.id] ?? []
            if task.state == .queued {
                if places != [task.queue] { problems.append("queued \(task.id) waits in \(places), expected [\(task.queue)]") }
            } else if !places.isEmpty {
                problems.append("\(task.id) is \(task.state.name) but waits in \(places)")
            }
        }
        for id in waitingIn.keys where state.tasks[id] == nil {
            problems.append("finished \(id) still waits")
        }

        // Lanes: exception ⇔ held with an item.
        for task in tasks {
            let inException = task.lane == .exception
            if inException != (task.state == .held) || inException != (task.exception != nil) {
                problems.append("\(task.id): lane \(task.lane), state \(task.state.name), item \(task.exception != nil)")
            }
        }
        for id in state.finished.keys where state.tasks[id] != nil {
            problems.append("\(id) is both finished and open")
        }

        // No queued task has an idle eligible worker with room for it (declines and relaxation
        // stages not yet due aside).
        let free = state.workers.filter { record in
            record.worker.status == .available && record.worker.channels.contains { record.hasCapacity(on: $0.key) }
        }
        if !free.isEmpty {
            for task in tasks where task.state == .queued {
                guard let queue = state.queue(task.queue) else { continue }
                var requirement = queue.requirement
                for stage in queue.relaxation where task.queuedAt + stage.after <= now {
                    requirement = stage.requirement
                }
                for record in free where record.hasCapacity(on: task.channel)
                    && !task.declinedBy.contains(record.worker.id) && requirement.isMet(by: record.worker)
                {
                    problems.append("\(task.id) waits in \(task.queue) while \(record.worker.id) is free to take it")
                }
            }
        }
        return problems
    }
}
