import FlowtuneCore
import FlowtuneLearning

/// The models a replication trains from its own outcomes, and the tables it publishes from them.
///
/// One loop per replication, fed the same way under every policy: a finished visit teaches the
/// handling-time model its seconds and the resolution model whether it came back. Each table
/// published is a new version of both models, so every routing decision names the version it used.
struct LearningLoop {
    private(set) var handling = HandlingTimeModel()
    private(set) var resolution = ResolutionModel()
    /// The workers tables predict for, with their teams, by worker number.
    let members: [PredictionTable.Member]
    /// How many tables were published.
    private(set) var published = 0

    init(workers: [Worker]) {
        members = workers.map { PredictionTable.Member(id: $0.id, team: $0.team) }
    }

    /// Learns from one finished visit of `step` of a task of type `taskType` by worker number
    /// `worker`: its handling time, and whether the work came back for rework.
    mutating func observe(taskType: String, step: StepID, worker: Int, seconds: Double, cameBack: Bool) {
        let member = members[worker]
        if seconds > 0, seconds.isFinite {
            try? handling.observe(HandlingTimeObservation(
                taskType: taskType, step: step, worker: member.id, team: member.team, seconds: seconds))
        }
        resolution.observe(ResolutionObservation(
            taskType: taskType, worker: member.id, team: member.team, resolvedFirstTime: !cameBack))
    }

    /// The next table: both models' versions advance by one.
    mutating func nextTable() -> PredictionTable {
        published += 1
        handling.reference.version = published
        resolution.reference.version = published
        return PredictionTable(handlingTime: handling, resolution: resolution, members: members)
    }
}

extension NewTask {
    /// The type the core will name a task made from this request by: the string attribute
    /// `attribute`, else the workflow's id (as `WorkspaceState.taskType(of:)` reads a task).
    func typeName(attribute: String) -> String {
        if case .object(let members) = attributes, case .string(let type)? = members[attribute] { return type }
        return workflow.rawValue
    }
}
