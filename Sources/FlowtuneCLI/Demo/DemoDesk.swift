import FlowtuneCore
import Foundation

/// The demo's support desk: the support-desk workflow of `examples/support-desk` with its three
/// queues, staffed by 25 people with mixed skills, languages and channels.
///
/// The roster is fixed rather than random so that every demo routes the same way for the same
/// traffic.
enum DemoDesk {
    /// A person at the desk: the profile the definition gives them.
    struct Member: Sendable {
        var id: String
        var name: String
        var team: String
        var skills: [String: Int]
        var certifications: [String]
        var channels: [String: Int]
        var language: String
        var costPerHour: Int
        /// The queue the member serves, one reallocation may move them from; nil serves every
        /// queue they are eligible for and is never moved.
        var servingQueue: String? = nil
    }

    /// The support agents who fully meet tier 1's requirement, split between the two queues
    /// they can work and free to be moved: when one queue falls behind its promise, the
    /// engine's reallocation pass moves some of them over.
    static let flexible: [String: String] = [
        "ben": "tier1", "emma": "tier1", "jon": "tier1", "omar": "tier1",
        "dev": "triage", "ines": "triage", "nora": "triage", "quinn": "triage",
    ]

    static let roster: [Member] = {
        let first = [
            "Ana", "Ben", "Chloé", "Dev", "Emma", "Farid", "Grace", "Hugo", "Inès", "Jon", "Kim", "Lena", "Mateo",
            "Nora", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tomás", "Uma", "Viktor", "Wen", "Yara", "Zoe",
        ]
        let languages = ["en", "en", "fr", "en", "en", "ar", "en", "fr", "en", "en", "en", "de", "es"]
        let channelMixes: [[String: Int]] = [
            ["chat": 2, "email": 4], ["chat": 3], ["email": 5], ["chat": 2, "voice": 1], ["voice": 1, "email": 3],
            ["chat": 2, "email": 2, "voice": 1],
        ]
        return first.enumerated().map { index, name in
            let id = name.lowercased().folding(options: .diacriticInsensitive, locale: nil)
            // The last six are tier-2 specialists; the others work triage and tier 1.
            let specialist = index >= 19
            let skills: [String: Int] = specialist
                ? ["tech": 7 + index % 3, "billing": 3 + index % 4]
                : ["triage": 4 + index % 5, "billing": 3 + (index * 5) % 6, "tech": 2 + (index * 7) % 5]
            return Member(
                id: id, name: name,
                team: specialist ? "specialists" : "support", skills: skills,
                certifications: specialist || index % 4 == 0 ? ["pci"] : [],
                channels: specialist ? ["email": 3, "chat": 1] : channelMixes[index % channelMixes.count],
                language: languages[index % languages.count], costPerHour: specialist ? 50 + index % 8 : 24 + index % 10,
                servingQueue: flexible[id])
        }
    }()

    /// The definition as YAML: the same document `flowtune validate` reads.
    static var yaml: String {
        var text = """
            workspace:
              routing_policy: skill-score
              explained_candidates: 5
              exception_due: 4h

            queues:
              - id: triage
                name: Triage
                priority: 2
                service_level: { percent: 90, within: 20s }
                offer_timeout: 20s
                requirement:
                  skills: { triage: 4 }
                  teams: [support]
              - id: tier1
                name: Tier 1 resolution
                priority: 3
                service_level: { percent: 80, within: 30s }
                offer_timeout: 20s
                requirement:
                  skills: { billing: 5, tech: 3 }
                  attributes: { language: en }
                relaxation:
                  - after: 15s
                    skills: { billing: 3, tech: 2 }
                    attributes: { language: en }
                  - after: 45s
                    skills: { billing: 3, tech: 2 }
              - id: tier2
                name: Tier 2 specialists
                priority: 2
                service_level: { percent: 80, within: 60s }
                offer_timeout: 30s
                requirement:
                  skills: { tech: 7 }
                  certifications: [pci]
                  teams: [specialists]

            workers:

            """
        for member in roster {
            let skills = member.skills.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            let channels = member.channels.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            text += """
                  - id: \(member.id)
                    name: \(member.name)
                    team: \(member.team)
                    skills: { \(skills) }
                    certifications: [\(member.certifications.joined(separator: ", "))]
                    channels: { \(channels) }
                    cost_per_hour: \(member.costPerHour)
                    attributes: { language: \(member.language) }

                """
            if let serving = member.servingQueue {
                text += """
                        serving_queue: \(serving)
                        flexible: true
                        move_cost: 1

                    """
            }
        }
        text += """

            workflows:
              - id: support
                name: Support desk
                promise: { text: "Every ticket answered within the hour", within: 1h }
                steps:
                  - id: triage
                    queue: triage
                    ownership:
                      source_system: zendesk
                      decision_owner: support-lead
                      backup_owner: dev
                      response_window: 2m
                      escalation:
                        - notify: support-lead
                        - after: 1m
                          raise_priority: 2
                        - after: 3m
                          exception: "no response from triage"
                      required_evidence: [category]
                      missing_evidence: refuse
                    next: resolve
                  - id: resolve
                    queue: tier1
                    ownership:
                      source_system: zendesk
                      decision_owner: support-lead
                      backup_owner: emma
                      response_window: 5m
                      escalation:
                        - notify: support-lead
                        - after: 5m
                          exception: "tier 1 resolution overdue"
                      required_evidence: [resolution]
                      missing_evidence: exception
                    next: { solved: end, escalate: tier2 }
                  - id: tier2
                    queue: tier2
                    ownership:
                      source_system: jira
                      decision_owner: engineering-manager
                      backup_owner: grace
                      response_window: 10m
                      escalation:
                        - notify: engineering-manager
                        - after: 10m
                          exception: "specialist investigation overdue"
                      required_evidence: [root_cause, resolution]
                      missing_evidence: refuse
                    next: { solved: end }

            """
        return text
    }

    /// The loaded definition.
    static func definition() throws -> WorkspaceDefinition {
        try WorkspaceDefinition.load([DefinitionSource(file: "demo-desk.yaml", text: yaml)])
    }
}
