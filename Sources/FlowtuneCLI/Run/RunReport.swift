import FlowtuneCore
import Foundation

/// The terminal report of a `flowtune run`.
struct RunReport {
    let workspace: WorkspaceID
    let db: String
    let definition: WorkspaceDefinition
    let file: TaskFile
    let tasksPath: String
    let report: Runner.Report
    /// Every committed event of the workspace, definitions included.
    let log: [Event]
    let state: WorkspaceState
    let committed: Int64
    let show: Int

    func print() {
        var metrics = WorkspaceMetrics()
        for event in log { metrics.record(event) }
        let start = report.events.first?.time ?? report.end
        let policy = state.policy

        Swift.print("Flowtune run: workspace \(workspace) in \(db)")
        Swift.print("  \(ValidateCommand.summary(of: definition).dropFirst(4)); routing policy \(policy.name) v\(policy.version) (aging bound \(DurationText.format(policy.weights.agingBound)))")
        Swift.print("  \(file.entries.count) tasks read from \(tasksPath), \(report.created) created; \(committed) events committed")
        Swift.print("")

        Swift.print("Assignments (\(min(show, report.assignments.count)) of \(report.assignments.count))")
        var rows: [[String]] = [["time", "task", "worker", "score", "candidates", "runner-up lost because"]]
        for assignment in report.assignments.prefix(show) {
            let decision = assignment.decision
            let chosen = decision.candidates.first
            let subject = decision.direction == .workerToTask ? "\(assignment.task) (picked by \(assignment.worker))" : assignment.task.rawValue
            rows.append([
                Self.clock(assignment.time, from: start), subject, assignment.worker.rawValue,
                chosen.map { String(format: "%.3f", $0.score) } ?? "-", "\(decision.candidateCount)",
                decision.runnerUpLost ?? "no runner-up",
            ])
        }
        Self.table(rows)
        if let first = report.assignments.first {
            Swift.print("")
            Swift.print("Why \(first.task) went to \(first.worker):")
            for candidate in first.decision.candidates.prefix(3) {
                let terms = candidate.terms.map { String(format: "%@ %.2f×%.2f", $0.name, $0.value, $0.weight) }
                Swift.print("  \(candidate.id): \(String(format: "%.3f", candidate.score)) = \(terms.joined(separator: " + "))")
            }
            for exclusion in first.decision.excluded {
                Swift.print("  excluded \(exclusion.count) (\(exclusion.rule)): \(exclusion.examples.joined(separator: ", "))")
            }
        }

        Swift.print("")
        let exceptions = state.exceptionLane
        Swift.print("Exception lane (\(exceptions.count) open)")
        if !exceptions.isEmpty {
            var rows: [[String]] = [["task", "step", "owner", "due", "reason", "recommended action"]]
            for task in exceptions {
                guard let item = task.exception else { continue }
                rows.append([task.id.rawValue, task.step.rawValue, item.owner, Self.clock(item.due, from: start), item.reason, item.recommendedAction])
            }
            Self.table(rows)
        }
        if !report.refusals.isEmpty {
            Swift.print("")
            Swift.print("Refused commands (\(report.refusals.count))")
            for refusal in report.refusals.prefix(20) {
                Swift.print("  \(Self.clock(refusal.time, from: start)) \(refusal.what): \(refusal.error)")
            }
        }

        Swift.print("")
        Swift.print("Queues")
        var queueRows: [[String]] = [["queue", "entered", "answered", "wait p50", "wait p90", "service level", "target", "exceptions", "escalations", "waiting now"]]
        for queue in definition.queues {
            let measures = metrics.queues[queue.id] ?? QueueMetrics()
            let attainment: String = measures.serviceLevelAttainment.map { String(format: "%.0f%%", $0 * 100) } ?? "-"
            let target = "\(Int(queue.serviceLevel.percent))% in \(DurationText.format(queue.serviceLevel.within))"
            let waiting = state.queues.first { $0.queue.id == queue.id }?.waitingCount ?? 0
            queueRows.append([
                queue.id.rawValue, "\(measures.entered)", "\(measures.waits.count)",
                Percentile.of(measures.waits, 0.5).map(DurationText.format) ?? "-",
                Percentile.of(measures.waits, 0.9).map(DurationText.format) ?? "-",
                attainment, target, "\(measures.exceptions)", "\(measures.escalations)", "\(waiting)",
            ])
        }
        Self.table(queueRows)

        Swift.print("")
        Swift.print("Workflows")
        var flowRows: [[String]] = [["workflow", "created", "completed", "cycle p50", "cycle p90", "exception rate", "cost per task", "open"]]
        for workflow in definition.workflows {
            let measures = metrics.workflows[workflow.id] ?? WorkflowMetrics()
            let open = state.tasks.values.filter { $0.workflow == workflow.id }.count
            let exceptionRate = measures.created == 0
                ? "-" : String(format: "%.0f%%", Double(measures.exceptions) / Double(measures.created) * 100)
            let cost: String = measures.costPerTask.map { String(format: "%.2f", $0) } ?? "-"
            flowRows.append([
                workflow.id.rawValue, "\(measures.created)", "\(measures.completed)",
                Percentile.of(measures.cycleTimes, 0.5).map(DurationText.format) ?? "-",
                Percentile.of(measures.cycleTimes, 0.9).map(DurationText.format) ?? "-",
                exceptionRate, cost, "\(open)",
            ])
        }
        Self.table(flowRows)

        Swift.print("")
        Swift.print("Workers")
        var workerRows: [[String]] = [["worker", "team", "steps done", "busy", "utilization", "cost"]]
        for worker in definition.workers {
            let measures = metrics.workers[worker.id] ?? WorkerMetrics()
            workerRows.append([
                worker.id.rawValue, worker.team, "\(measures.stepsCompleted)", DurationText.format(measures.busySeconds),
                metrics.utilization(of: worker.id).map { String(format: "%.0f%%", $0 * 100) } ?? "-",
                String(format: "%.2f", measures.cost),
            ])
        }
        Self.table(workerRows)
    }

    /// `+HH:MM:SS` since the start of the run.
    static func clock(_ time: Date, from start: Date) -> String {
        let seconds = Int(time.timeIntervalSince(start).rounded())
        return String(format: "+%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
    }

    /// Prints rows as left-aligned columns, the first row as the header.
    static func table(_ rows: [[String]]) {
        guard let header = rows.first else { return }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        for (index, row) in rows.enumerated() {
            let line = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
            Swift.print("  " + line)
            if index == 0 { Swift.print("  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
    }
}
