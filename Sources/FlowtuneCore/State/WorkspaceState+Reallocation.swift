import Foundation

extension WorkspaceState {
    /// Pending proposals, oldest first.
    public var pendingReallocations: [ReallocationRecord] {
        reallocations.values.filter(\.isPending)
    }

    /// The proposal named `id`, pending or recently decided.
    public func reallocation(_ id: ReallocationID) -> ReallocationRecord? {
        reallocations[id]
    }

    /// Why `worker` cannot be moved to `queue` now, or nil when they can: only an available,
    /// flexible worker who fully meets the queue's requirement (a relaxed requirement is for
    /// tasks that have waited, not for staffing) and does not already serve it.
    public func reallocationProblem(_ worker: Worker, to queue: Queue) -> String? {
        if worker.status != .available { return "worker \(worker.id) is \(worker.status.rawValue)" }
        if !worker.flexible { return "worker \(worker.id) is not flexible" }
        if worker.servingQueue == queue.id { return "worker \(worker.id) already serves queue \(queue.id)" }
        if queue.eligibilityDelay(for: worker) != 0 {
            let unmet = queue.requirement.unmet(by: worker) ?? "requirement not met"
            return "worker \(worker.id) is not eligible for queue \(queue.id): \(unmet)"
        }
        return nil
    }

    mutating func reallocate(_ round: ReallocationRound, _ run: inout Run) throws(CommandError) {
        // Everything is checked before the first event, so a refused round changes nothing.
        for (index, risk) in round.risks.enumerated() where queue(risk.queue) == nil {
            throw CommandError(.notFound, "no queue \(risk.queue)", field: "risks[\(index)].queue")
        }
        var moved = Set<WorkerID>()
        for (index, move) in round.moves.enumerated() {
            guard let record = worker(move.worker) else {
                throw CommandError(.notFound, "no worker \(move.worker)", field: "moves[\(index)].worker")
            }
            guard let target = queue(move.to) else {
                throw CommandError(.notFound, "no queue \(move.to)", field: "moves[\(index)].to")
            }
            if let problem = reallocationProblem(record.worker, to: target) {
                throw CommandError(.conflict, problem, field: "moves[\(index)].worker")
            }
            guard move.cost >= 0, move.cost.isFinite else {
                throw CommandError(.invalid, "a move's cost must be zero or more, not \(move.cost)", field: "moves[\(index)].cost")
            }
            guard moved.insert(move.worker).inserted else {
                throw CommandError(.invalid, "worker \(move.worker) is moved twice", field: "moves[\(index)].worker")
            }
        }
        for risk in round.risks {
            emit(.queueAtRisk(risk), &run)
        }
        for move in round.moves {
            // The planner sees a worker whose move waits for an operator where they still are, and
            // picks them again each minute: the open proposal stands for them.
            if reallocations.values.contains(where: { $0.isPending && $0.proposal.worker == move.worker }) { continue }
            let id = ReallocationID("R\(nextReallocationNumber)")
            let proposal = ReallocationProposal(
                id: id, worker: move.worker, from: move.from, to: move.to, cost: move.cost,
                explanation: move.explanation, needsApproval: move.needsApproval)
            emit(.reallocationProposed(proposal), &run)
            if !move.needsApproval {
                applyReallocation(proposal, approval: .automatic, by: "system", &run)
            }
        }
    }

    mutating func approveReallocation(_ id: ReallocationID, _ run: inout Run) throws(CommandError) {
        let record = try openReallocation(id)
        let proposal = record.proposal
        guard let worker = worker(proposal.worker)?.worker else {
            throw CommandError(.conflict, "worker \(proposal.worker) is no longer registered", field: "worker")
        }
        guard let target = queue(proposal.to) else {
            throw CommandError(.conflict, "queue \(proposal.to) is no longer defined", field: "to")
        }
        if let serving = worker.servingQueue, serving != proposal.from, serving != proposal.to {
            throw CommandError(
                .conflict, "worker \(worker.id) has moved to queue \(serving) since the proposal", field: "worker")
        }
        if let problem = reallocationProblem(worker, to: target) {
            throw CommandError(.conflict, problem, field: "worker")
        }
        applyReallocation(proposal, approval: .operator, by: run.context.actor, &run)
    }

    mutating func declineReallocation(_ id: ReallocationID, reason: String, _ run: inout Run) throws(CommandError) {
        _ = try openReallocation(id)
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CommandError(.invalid, "declining a move needs a reason", field: "reason")
        }
        emit(.reallocationDeclined(ReallocationDecline(proposal: id, by: run.context.actor, reason: reason)), &run)
    }

    private func openReallocation(_ id: ReallocationID) throws(CommandError) -> ReallocationRecord {
        guard let record = reallocations[id] else {
            throw CommandError(.notFound, "no proposed move \(id)", field: "id")
        }
        guard record.isPending else {
            let by = record.decidedBy.map { " by \($0)" } ?? ""
            throw CommandError(.conflict, "move \(id) was already \(record.status.rawValue)\(by)", field: "id")
        }
        return record
    }

    /// Moves the worker and lets them take the waiting work of their new queue at once.
    private mutating func applyReallocation(
        _ proposal: ReallocationProposal, approval: ReallocationApproval, by approver: String, _ run: inout Run
    ) {
        let move = WorkerReallocation(
            proposal: proposal.id, worker: proposal.worker, from: proposal.from, to: proposal.to,
            explanation: proposal.explanation, approval: approval, approvedBy: approver)
        emit(.workerReallocated(move), &run, actor: approval == .automatic ? "system" : nil)
        fill(worker: proposal.worker, &run)
    }
}
