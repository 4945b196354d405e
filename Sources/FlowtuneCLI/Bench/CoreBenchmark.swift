import FlowtuneCore
import Foundation

/// The core's command path alone: the lifecycles of ``LifecycleBenchmark`` — create (routed in
/// the same command), accept, complete — decided and applied on a bare ``WorkspaceState`` on one
/// thread, with no engine, store or concurrency. It is the serial part of the engine's work, and
/// what the simulator runs.
struct CoreBenchmark {
    var lifecycles = 200_000
    /// Tasks in flight at once, as the lifecycle benchmark's clients keep them.
    var inFlight = 1000
    var workers = 150
    var capacity = 8

    struct Result {
        let lifecycles: Int
        let seconds: Double
        /// CPU time of the measuring thread, which a busy machine's other work does not inflate.
        let cpuSeconds: Double
        var perSecond: Double { Double(lifecycles) / seconds }
        var perCPUSecond: Double { Double(lifecycles) / cpuSeconds }
    }

    func run() throws -> Result {
        var state = WorkspaceState()
        var clock = Date(timeIntervalSinceReferenceDate: 800_000_000)
        func context(_ actor: String = "bench") -> CommandContext {
            clock += 0.0001
            return CommandContext(now: clock, actor: actor)
        }
        try state.execute(.defineQueue(Queue(id: "inbox", requirement: Requirement(skills: ["general": 1]))), context: context())
        for index in 0..<workers {
            try state.execute(
                .registerWorker(Worker(
                    id: WorkerID("w\(index)"), skills: ["general": 1 + index % 10], channels: [.default: capacity],
                    costPerHour: 30)),
                context: context())
        }
        try state.execute(
            .defineWorkflow(Workflow(
                id: "ticket",
                steps: [Step(
                    id: "handle", queue: "inbox",
                    ownership: OwnershipRule(sourceSystem: "bench", decisionOwner: "lead", responseWindow: 3600))])),
            context: context())

        func create(_ client: Int) throws -> (TaskID, WorkerID) {
            let events = try state.execute(
                .createTask(NewTask(workflow: "ticket", attributes: ["client": .number(Double(client))])),
                context: context())
            for event in events {
                if case .taskOffered(let task, let worker, _, _) = event.payload { return (task, worker) }
            }
            throw BenchFailure("a task was not routed; add workers")
        }
        var open: [(TaskID, WorkerID)] = []
        for client in 0..<inFlight { open.append(try create(client)) }
        let begin = monotonicNanoseconds()
        let cpuBegin = threadCPUNanoseconds()
        var done = 0
        while done < lifecycles {
            let slot = done % inFlight
            let (task, worker) = open[slot]
            try state.execute(.acceptOffer(task, worker: worker), context: context(worker.rawValue))
            try state.execute(
                .completeStep(task, worker: worker, outcome: nil, evidence: [:]), context: context(worker.rawValue))
            open[slot] = try create(slot)
            done += 1
        }
        let cpu = Double(threadCPUNanoseconds() - cpuBegin) / 1e9
        let seconds = Double(monotonicNanoseconds() - begin) / 1e9
        return Result(lifecycles: lifecycles, seconds: seconds, cpuSeconds: cpu)
    }
}

/// CPU time consumed by the calling thread, in nanoseconds.
func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}
