import FlowtuneCore
import FlowtuneSimulation
import Foundation

/// Queueing models built as workspaces: one queue, `servers` identical workers, a one-step
/// workflow; time in seconds. Offers never time out, so the only timers are the core's own.
enum Models {
    /// M/M/c (+M when `patienceMean` is given): Poisson arrivals at `lambda` per second,
    /// exponential service at `mu` per second.
    static func mmc(
        servers: Int, lambda: Double, mu: Double, patienceMean: Double? = nil, horizon: Double, warmUp: Double,
        replications: Int, seed: UInt64 = 2026, policy: RoutingPolicyKind = .longestIdle
    ) -> Scenario {
        let type = TaskType(
            name: "call", request: NewTask(workflow: "call"), arrivals: .constant(perSecond: lambda),
            patience: patienceMean.map { .exponential(mean: $0) },
            steps: ["serve": StepProfile(handling: .exponential(mean: 1 / mu))])
        return Scenario(
            name: "M/M/\(servers)\(patienceMean == nil ? "" : "+M")", definition: definition(servers: servers),
            horizon: horizon, warmUp: warmUp, drain: 3600, replications: replications, seed: seed, policy: policy,
            taskTypes: [type])
    }

    /// Two-class M/M/1 with non-preemptive priority: class 1 at task priority 1, class 2 at 9.
    static func priorityMM1(
        lambdas: [Double], mu: Double, horizon: Double, warmUp: Double, replications: Int, policy: RoutingPolicyKind
    ) -> Scenario {
        let types = lambdas.enumerated().map { index, lambda in
            TaskType(
                name: "class\(index + 1)", request: NewTask(workflow: "call", priority: index == 0 ? 1 : 9),
                arrivals: .constant(perSecond: lambda),
                steps: ["serve": StepProfile(handling: .exponential(mean: 1 / mu))])
        }
        return Scenario(
            name: "priority M/M/1", definition: definition(servers: 1), horizon: horizon, warmUp: warmUp, drain: 3600,
            replications: replications, seed: 7, policy: policy, taskTypes: types)
    }

    static func definition(servers: Int) -> WorkspaceDefinition {
        // A service-level threshold far beyond any wait keeps the routing score's service-level
        // term at zero, as a queueing model assumes.
        let queue = Queue(
            id: "line", serviceLevel: ServiceLevelTarget(percent: 80, within: 1_000_000), offerTimeout: 1_000_000)
        let workers = (1...servers).map { Worker(id: WorkerID("agent\($0)"), costPerHour: 30) }
        let workflow = Workflow(
            id: "call",
            steps: [Step(id: "serve", queue: "line", ownership: OwnershipRule(sourceSystem: "pbx", decisionOwner: "lead", responseWindow: 3600))])
        return WorkspaceDefinition(queues: [queue], workers: workers, workflows: [workflow])
    }
}
