import Foundation

/// What the prediction policies need of a waiting task to score it for one worker: its type by
/// number in the prediction index, its value and the end of its step's response window.
struct TaskFacts {
    /// The number of the task's type in ``PredictionIndex/entries``; -1 when the table has no
    /// predictions for it.
    var type: Int
    /// What resolving the task is worth.
    var value: Double
    /// When the step's response window ends, as seconds since the reference date.
    var promiseDeadline: Double?
}

extension WorkspaceState {
    /// The number of a type's entry in the prediction index; -1 when it has none.
    @inline(__always)
    func typeNumber(_ name: String) -> Int {
        predictionIndex.numbers[name] ?? -1
    }

    /// The value and promise of `task`, of type number `type`: what ``predictedTask(_:)`` reads,
    /// without the type's name and entry.
    @inline(__always)
    func taskFacts(_ task: WorkTask, type: Int) -> TaskFacts {
        TaskFacts(type: type, value: taskValue(attributes: task.attributes).value, promiseDeadline: promiseDeadline(of: task))
    }

    /// What a task with `attributes` is worth: its ``PredictiveSettings/valueAttribute`` when
    /// that is a finite number of at least 0 (`given`), else ``PredictiveSettings/taskValue``.
    @inline(__always)
    func taskValue(attributes: JSONValue) -> (value: Double, given: Bool) {
        if case .object(let members) = attributes, case .number(let number)? = members[settings.predictive.valueAttribute],
            number.isFinite, number >= 0
        {
            return (number, true)
        }
        return (settings.predictive.taskValue, false)
    }

    /// When the response window of `task`'s current step ends, as seconds since the reference
    /// date; nil when its workflow version or step is gone. The step is read where it is stored
    /// rather than copied out with its workflow.
    @inline(__always)
    func promiseDeadline(of task: WorkTask) -> Double? {
        guard let step = stepLocation(task.step, of: task.workflow, version: task.workflowVersion) else { return nil }
        let window = task.responseWindow ?? task.learnedResponseWindow ?? step.steps[step.position].ownership.responseWindow
        return task.stepEnteredAt.timeIntervalSinceReferenceDate + window
    }

    /// The prediction for worker number `number` on the type numbered `type`: their own, else
    /// everyone's; nil for type -1.
    @inline(__always)
    func prediction(type: Int, worker number: Int) -> Prediction? {
        guard type >= 0 else { return nil }
        if number < predictionIndex.entries[type].workers.count {
            return predictionIndex.entries[type].workers[number] ?? predictionIndex.entries[type].everyone
        }
        return predictions?.types[predictionIndex.entries[type].name]?.workers[workers[number].worker.id]
            ?? predictionIndex.entries[type].everyone
    }

    /// The fit of worker number `number` for a task of `facts`, at `now`: ``pairFit(_:worker:skillFit:now:)``
    /// from the type's number.
    @inline(__always)
    func pairFit(_ facts: TaskFacts, worker number: Int, skillFit: Double, now: Double) -> PairFit {
        pairFit(
            prediction: prediction(type: facts.type, worker: number), value: facts.value,
            promiseDeadline: facts.promiseDeadline, worker: number, skillFit: skillFit, now: now)
    }

    /// How far over the fairness bound worker number `number` would be by taking a task of the
    /// type numbered `type` (-1: a type without predictions): ``fairnessOverage(_:type:)`` from
    /// the type's number.
    @inline(__always)
    func fairnessOverage(_ number: Int, type: Int) -> FairnessLedger.Overage? {
        if fairness.isEmpty { return nil }
        let seconds = prediction(type: type, worker: number)?.handlingTimeUpper ?? 0
        return fairness.overage(
            of: number, team: workers[number].worker.team, seconds: seconds,
            hard: type >= 0 ? predictionIndex.entries[type].hard : false, settings: settings.predictive)
    }
}
