import FlowtuneCore
import Foundation

/// A workflow version as the API shows it, in the shape a definition file writes it, so that what
/// a GET returns can be uploaded again.
struct WorkflowResource: Encodable, Sendable {
    var id: String
    var version: Int
    var name: String
    var promise: PromiseResource?
    var steps: [StepResource]

    init(_ workflow: Workflow) {
        id = workflow.id.rawValue
        version = workflow.version
        name = workflow.name
        promise = workflow.promise.map { PromiseResource(text: $0.text, within: $0.within.map(DurationText.format)) }
        steps = workflow.steps.map(StepResource.init)
    }

    struct PromiseResource: Encodable, Sendable {
        var text: String
        var within: String?
    }

    struct StepResource: Encodable, Sendable {
        var id: String
        var name: String
        var queue: String
        var ownership: OwnershipResource
        /// Outcome to the next step's id, or `end`.
        var next: [String: String]
        /// Purpose (`lane`, `queue`, `priority`, `evidence`, `escalation`) to the decision that
        /// sets it; absent when the step names none.
        var decisions: [String: String]?

        init(_ step: Step) {
            id = step.id.rawValue
            name = step.name
            queue = step.queue.rawValue
            ownership = OwnershipResource(step.ownership)
            next = step.next.mapValues { transition in
                switch transition {
                case .end: "end"
                case .step(let target): target.rawValue
                }
            }
            if !step.decisions.isEmpty {
                decisions = Dictionary(
                    step.decisions.map { ($0.purpose.rawValue, $0.decision.rawValue) }, uniquingKeysWith: { first, _ in first })
            }
        }
    }

    struct OwnershipResource: Encodable, Sendable {
        var sourceSystem: String
        var decisionOwner: String
        var backupOwner: String?
        var responseWindow: String
        var escalation: [EscalationResource]
        var requiredEvidence: [String]
        var missingEvidence: String

        enum CodingKeys: String, CodingKey {
            case escalation
            case sourceSystem = "source_system"
            case decisionOwner = "decision_owner"
            case backupOwner = "backup_owner"
            case responseWindow = "response_window"
            case requiredEvidence = "required_evidence"
            case missingEvidence = "missing_evidence"
        }

        init(_ rule: OwnershipRule) {
            sourceSystem = rule.sourceSystem
            decisionOwner = rule.decisionOwner
            backupOwner = rule.backupOwner
            responseWindow = DurationText.format(rule.responseWindow)
            escalation = rule.escalation.map(EscalationResource.init)
            requiredEvidence = rule.requiredEvidence
            missingEvidence = rule.missingEvidence.rawValue
        }
    }

    /// One escalation stage: `after` and exactly one action, keyed as a definition file keys it.
    struct EscalationResource: Encodable, Sendable {
        var after: String
        var action: EscalationAction

        init(_ stage: EscalationStage) {
            after = DurationText.format(stage.after)
            action = stage.action
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: AnyKey.self)
            try container.encode(after, forKey: AnyKey("after"))
            switch action {
            case .notify(let target): try container.encode(target, forKey: AnyKey("notify"))
            case .raisePriority(let levels): try container.encode(levels, forKey: AnyKey("raise_priority"))
            case .reassignToBackup: try container.encode("backup", forKey: AnyKey("reassign"))
            case .moveToException(let reason): try container.encode(reason, forKey: AnyKey("exception"))
            }
        }
    }
}
