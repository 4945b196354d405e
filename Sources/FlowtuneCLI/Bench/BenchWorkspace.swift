import FlowtuneCore
import Foundation

/// Builds the workspaces the benchmarks measure, from seeded random choices.
enum BenchWorkspace {
    static let start = Date(timeIntervalSince1970: 1_767_225_600)
    static let skills = (0..<10).map { "skill\($0)" }

    /// Queues each requiring one skill at level 5, relaxing to 3 after two minutes.
    static func queues(_ count: Int) -> [Queue] {
        (0..<count).map { index in
            Queue(
                id: QueueID("q\(index)"), priority: 1 + index % 9,
                serviceLevel: ServiceLevelTarget(percent: 80, within: 60 + Double(index % 5) * 60),
                requirement: Requirement(skills: [skills[index % skills.count]: 5]),
                relaxation: [RelaxationStage(after: 120, requirement: Requirement(skills: [skills[index % skills.count]: 3]))])
        }
    }

    /// Workers with four random skills each, on chat (capacity 2) and email (capacity 3).
    static func workers(_ count: Int, generator: inout SeededGenerator) -> [Worker] {
        (0..<count).map { index in
            var levels: [String: Int] = [:]
            for _ in 0..<4 { levels[skills.randomElement(using: &generator)!] = Int.random(in: 2...10, using: &generator) }
            return Worker(
                id: WorkerID("w\(index)"), skills: levels, channels: [Channel("chat"): 2, Channel("email"): 3],
                team: "team\(index % 8)", costPerHour: 30)
        }
    }

    /// A one-step workflow per queue.
    static func workflows(queues: [Queue]) -> [Workflow] {
        queues.map { queue in
            Workflow(
                id: WorkflowID("wf-\(queue.id)"),
                steps: [Step(
                    id: "handle", queue: queue.id,
                    ownership: OwnershipRule(sourceSystem: "bench", decisionOwner: "lead", responseWindow: 3600))])
        }
    }

    /// Applies `command` at `time`, failing loudly: benchmark set-up must not be refused.
    static func apply(_ command: Command, to state: inout WorkspaceState, at time: Date) {
        do {
            try state.execute(command, context: CommandContext(now: time))
        } catch {
            fatalError("benchmark set-up was refused: \(error)")
        }
    }
}
