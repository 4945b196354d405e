import Foundation

/// A proposed move of a worker between queues and what became of it.
public struct ReallocationRecord: Sendable, Hashable {
    /// The proposal as recorded.
    public internal(set) var proposal: ReallocationProposal
    /// When it was proposed.
    public internal(set) var proposedAt: Date
    /// Pending, applied or declined.
    public internal(set) var status: Status
    /// When it was applied or declined.
    public internal(set) var decidedAt: Date?
    /// `system` for an automatic move, else the operator who approved or declined it.
    public internal(set) var decidedBy: String?
    /// The operator's reason for declining it.
    public internal(set) var reason: String?

    /// Where a proposal stands.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting for an operator.
        case pending
        /// Carried out: the worker serves the proposal's queue.
        case applied
        /// Declined by an operator.
        case declined
    }

    /// Whether the proposal is still open.
    public var isPending: Bool { status == .pending }
}
