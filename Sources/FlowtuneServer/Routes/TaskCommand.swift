import FlowtuneCore
import FlowtuneEngine
import HTTPTypes

/// One of a task's lifecycle commands as the task routes submit it, and how its outcome is
/// answered: one definition for the router's handlers and ``TaskRouteShortcut``, which submits it
/// from an event loop without a task.
struct TaskCommand: Sendable {
    /// How the outcome becomes the answer.
    enum Answer: Sendable {
        /// The task made (201) or, for a retried creation, found (200), with its location.
        case created
        /// The task as the command left it, or where it ended.
        case reported(TaskID)
    }

    var command: Command
    /// What the events record as the command's cause.
    var cause: String
    var answer: Answer

    /// The answer to the command's outcome; the task comes from the outcome (`reportingTask`), so
    /// answering needs no second call to the engine.
    func answer(to outcome: CommandOutcome) throws -> JSONAnswer {
        switch answer {
        case .created:
            guard let id = outcome.createdTask, let task = outcome.task else {
                let id = outcome.createdTask?.rawValue ?? "?"
                throw Problem(.conflict, title: "Task already finished", detail: "task \(id) made with this key has finished")
            }
            // A retry with the same key returns the task it made, as 200 rather than 201.
            return JSONAnswer(
                status: outcome.events.isEmpty ? .ok : .created, headers: [.location: "/v1/tasks/\(id)"],
                json: try TaskResource(task).json())
        case .reported(let id):
            if let task = outcome.task { return JSONAnswer(json: try TaskResource(task).json()) }
            return JSONAnswer(json: JSONResponse.finishedJSON(id.rawValue, state: outcome.finishedState?.name ?? "unknown"))
        }
    }
}
