import FlowtuneCore
import Foundation

/// Times single routing decisions, explanation included, on a large workspace:
/// a task looking for a worker, and a freed worker looking for a task.
///
/// Under `predictive` (or `optimal-batch`, whose single decisions are predictive) a prediction
/// table is published first: every task type (the workflows) with an overall prediction, and
/// seven in ten workers with their own, so that decisions read both and fall back for no one.
/// Then four hours of work go through the workspace (see ``history(_:workers:flows:table:from:generator:)``),
/// so that the fairness guardrail judges every candidate against a ledger as full as a working
/// desk's, rather than skipping its check on an empty one.
struct RoutingBenchmark {
    var workers = 1000
    var queues = 20
    var waiting = 10_000
    var decisions = 20_000
    var seed: UInt64 = 7
    var policy: RoutingPolicyKind = .skillScore
    /// Visits per worker in the four hours before the measured decisions, under a prediction policy.
    var historyVisits = 20

    struct Result {
        let taskToWorker: LatencySummary
        let workerToTask: LatencySummary
        let candidatesPerDecision: Double
    }

    func run() -> Result {
        var generator = SeededGenerator(seed: seed)
        var state = WorkspaceState()
        let start = BenchWorkspace.start
        let queueList = BenchWorkspace.queues(queues)
        for queue in queueList { BenchWorkspace.apply(.defineQueue(queue), to: &state, at: start) }
        var workerList = BenchWorkspace.workers(workers, generator: &generator)
        for index in workerList.indices { workerList[index].status = .away }
        for worker in workerList { BenchWorkspace.apply(.registerWorker(worker), to: &state, at: start) }
        let flows = BenchWorkspace.workflows(queues: queueList)
        for flow in flows { BenchWorkspace.apply(.defineWorkflow(flow), to: &state, at: start) }
        if policy != state.settings.routingPolicy { BenchWorkspace.apply(.setRoutingPolicy(policy), to: &state, at: start) }
        var open = start
        var past: Set<TaskID> = []
        if policy.usesPredictions {
            let table = Self.predictions(types: flows.map(\.id.rawValue), workers: workerList, generator: &generator)
            BenchWorkspace.apply(.publishPredictions(table), to: &state, at: start)
            past = history(&state, workers: workerList.map(\.id), flows: flows, table: table, from: start, generator: &generator)
            open = start + Self.historySpan
        }

        // Tasks arrive over ten minutes while everyone is away, so all of them wait.
        let spread = 600.0
        let channels = [Channel("chat"), Channel("email")]
        for index in 0..<waiting {
            let request = NewTask(
                workflow: flows.randomElement(using: &generator)!.id,
                channel: channels.randomElement(using: &generator)!,
                priority: Int.random(in: 1...9, using: &generator))
            BenchWorkspace.apply(
                .createTask(request), to: &state, at: open + spread * Double(index) / Double(waiting))
        }
        // Seven in ten workers come back. Applied as bare status events so that the waiting
        // tasks stay where they are and every measured decision sees the full workspace.
        let now = open + spread
        for worker in workerList where Double.random(in: 0..<1, using: &generator) < 0.7 {
            state.evolve(Event(time: now, actor: "bench", payload: .workerStatusChanged(worker: worker.id, status: .available)))
        }

        let taskIDs = Array(state.tasks.keys.filter { !past.contains($0) }).sorted()
        let available = workerList.map(\.id).filter { state.worker($0)?.worker.status == .available }
        var taskSamples: [UInt64] = []
        var workerSamples: [UInt64] = []
        taskSamples.reserveCapacity(decisions)
        workerSamples.reserveCapacity(decisions)
        var candidates = 0
        var checksum = 0
        for _ in 0..<decisions {
            let task = taskIDs.randomElement(using: &generator)!
            let begin = monotonicNanoseconds()
            let routed = state.route(task: task, now: now)
            taskSamples.append(monotonicNanoseconds() - begin)
            candidates += routed?.decision.candidateCount ?? 0
            checksum &+= routed?.decision.candidates.count ?? 0

            let worker = available.randomElement(using: &generator)!
            let begin2 = monotonicNanoseconds()
            let picked = state.route(worker: worker, now: now)
            workerSamples.append(monotonicNanoseconds() - begin2)
            checksum &+= picked?.decision.candidates.count ?? 0
        }
        precondition(checksum > 0, "routing found no candidates: the benchmark workspace is wrong")
        return Result(
            taskToWorker: LatencySummary(nanoseconds: taskSamples),
            workerToTask: LatencySummary(nanoseconds: workerSamples),
            candidatesPerDecision: Double(candidates) / Double(decisions))
    }

    /// How long the work before the measured decisions lasts: the fairness guardrail's default
    /// period, so that its ledger holds a full period when the decisions are timed.
    static let historySpan: TimeInterval = 4 * 3600

    /// Runs ``historySpan`` of work from `start` with every worker available: tasks of random type,
    /// channel and priority arrive evenly, ``historyVisits`` per worker in all, each routed by the
    /// policy, accepted at once and completed after 0.5–1.5 times its type's overall predicted
    /// time; arrivals stop half an hour before the end so that every visit has ended by then.
    /// Leaves every worker away again, and returns the tasks it created.
    func history(
        _ state: inout WorkspaceState, workers workerIDs: [WorkerID], flows: [Workflow], table: PredictionTable, from start: Date,
        generator: inout SeededGenerator
    ) -> Set<TaskID> {
        let context = { (time: Date) in CommandContext(now: time, actor: "bench", routingDetail: .choiceOnly) }
        func execute(_ command: Command, at time: Date) -> [Event] {
            do {
                return try state.execute(command, context: context(time))
            } catch {
                fatalError("benchmark history was refused: \(error)")
            }
        }
        for id in workerIDs { _ = execute(.setWorkerStatus(id, .available), at: start) }
        let channels = [Channel("chat"), Channel("email")]
        let mean = Dictionary(uniqueKeysWithValues: flows.map { ($0.id, table.types[$0.id.rawValue]?.everyone?.handlingTime ?? 600) })
        // Visits under way, latest end first, so that the next to end is the last.
        var running: [(end: Date, task: TaskID, worker: WorkerID)] = []
        var created: Set<TaskID> = []
        func accept(_ events: [Event], at time: Date, seconds: (TaskID) -> Double) {
            for event in events {
                guard case .taskOffered(let task, let worker, _, _) = event.payload else { continue }
                _ = execute(.acceptOffer(task, worker: worker), at: time)
                let end = time + seconds(task)
                let position = running.firstIndex { $0.end <= end } ?? running.count
                running.insert((end, task, worker), at: position)
            }
        }
        var length: [TaskID: Double] = [:]
        let arrivals = historyVisits * workerIDs.count
        let last = Self.historySpan - 1800
        for index in 0..<arrivals {
            let time = start + last * Double(index) / Double(arrivals)
            while let next = running.last, next.end <= time {
                running.removeLast()
                let events = execute(.completeStep(next.task, worker: next.worker, outcome: nil, evidence: [:]), at: next.end)
                accept(events, at: next.end) { length[$0] ?? 600 }
            }
            let flow = flows.randomElement(using: &generator)!
            let events = execute(
                .createTask(NewTask(
                    workflow: flow.id, channel: channels.randomElement(using: &generator)!,
                    priority: Int.random(in: 1...9, using: &generator))),
                at: time)
            for event in events {
                guard case .taskCreated(let task) = event.payload else { continue }
                created.insert(task.task)
                length[task.task] = (mean[flow.id] ?? 600) * Double.random(in: 0.5...1.5, using: &generator)
            }
            accept(events, at: time) { length[$0] ?? 600 }
        }
        while let next = running.popLast() {
            let events = execute(.completeStep(next.task, worker: next.worker, outcome: nil, evidence: [:]), at: next.end)
            accept(events, at: next.end) { length[$0] ?? 600 }
        }
        let end = start + Self.historySpan
        for id in workerIDs { _ = execute(.setWorkerStatus(id, .away), at: end) }
        return created
    }

    /// A table for `types`: an overall prediction each, and one per type for seven in ten workers.
    static func predictions(types: [String], workers: [Worker], generator: inout SeededGenerator) -> PredictionTable {
        var table = PredictionTable(models: ["handling-time": 1, "resolution": 1])
        for type in types {
            let mean = Double.random(in: 120...1200, using: &generator)
            table.set(Prediction(handlingTime: mean, handlingTimeUpper: mean * 2, resolution: 0.8), taskType: type)
            for worker in workers where Double.random(in: 0..<1, using: &generator) < 0.7 {
                let own = mean * Double.random(in: 0.5...1.5, using: &generator)
                table.set(
                    Prediction(
                        handlingTime: own, handlingTimeUpper: own * Double.random(in: 1.3...2.5, using: &generator),
                        resolution: Double.random(in: 0.5...1, using: &generator)),
                    taskType: type, worker: worker.id)
            }
        }
        return table
    }
}
