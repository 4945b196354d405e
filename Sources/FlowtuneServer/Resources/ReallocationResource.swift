import FlowtuneCore
import Foundation

/// A proposed move of a worker between queues as the API shows it, with where it stands.
struct ReallocationResource: Encodable, Sendable {
    var id: String
    var worker: String
    var from: String?
    var to: String
    var cost: Double
    var needsApproval: Bool
    /// `pending`, `applied` or `declined`.
    var status: String
    var proposedAt: Date
    var decidedAt: Date?
    /// `system` for an automatic move, else the operator who decided.
    var decidedBy: String?
    /// Why an operator declined it.
    var reason: String?
    var explanation: ReallocationExplanation

    init(_ record: ReallocationRecord) {
        let proposal = record.proposal
        id = proposal.id.rawValue
        worker = proposal.worker.rawValue
        from = proposal.from?.rawValue
        to = proposal.to.rawValue
        cost = proposal.cost
        needsApproval = proposal.needsApproval
        status = record.status.rawValue
        proposedAt = record.proposedAt
        decidedAt = record.decidedAt
        decidedBy = record.decidedBy
        reason = record.reason
        explanation = proposal.explanation
    }
}
