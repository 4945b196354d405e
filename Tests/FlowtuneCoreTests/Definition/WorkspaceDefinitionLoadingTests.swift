import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Loading workspace definitions")
struct WorkspaceDefinitionLoadingTests {
    @Test("the support-desk example loads with every field it writes")
    func supportDeskExample() throws {
        let definition = try WorkspaceDefinition.load([DefinitionFixtures.example("support-desk")])
        #expect(definition.queues.map(\.id) == ["triage", "tier1", "tier2"])
        #expect(definition.workers.count == 12)
        #expect(definition.workflows.map(\.id) == ["support"])
        #expect(definition.settings == WorkspaceDefinition.Settings(
            routingPolicy: .skillScore, explainedCandidates: 5, exceptionDue: 4 * 3600))

        let tier1 = try #require(definition.queues.first { $0.id == "tier1" })
        #expect(tier1.name == "Tier 1 resolution")
        #expect(tier1.priority == 3)
        #expect(tier1.serviceLevel == ServiceLevelTarget(percent: 80, within: 300))
        #expect(tier1.offerTimeout == 60)
        #expect(tier1.requirement == Requirement(skills: ["billing": 5, "tech": 3], attributes: ["language": "en"]))
        #expect(tier1.relaxation == [
            RelaxationStage(after: 120, requirement: Requirement(skills: ["billing": 3, "tech": 2], attributes: ["language": "en"])),
            RelaxationStage(after: 600, requirement: Requirement(skills: ["billing": 3, "tech": 2])),
        ])

        let triageBot = try #require(definition.workers.first { $0.id == "triage-bot" })
        #expect(triageBot.kind == .automation)
        #expect(triageBot.channels == ["chat": 20, "email": 50])
        #expect(triageBot.costPerHour == 0.5)
        let farid = try #require(definition.workers.first { $0.id == "farid" })
        #expect(farid.status == .away)
        #expect(farid.attributes == ["language": "ar"])

        let support = try #require(definition.workflows.first)
        #expect(support.promise == Promise(text: "Every ticket answered within 24h", within: 86400))
        #expect(support.steps.map(\.id) == ["triage", "resolve", "tier2"])
        let triage = support.steps[0]
        #expect(triage.ownership == OwnershipRule(
            sourceSystem: "zendesk", decisionOwner: "support-lead", backupOwner: "dev", responseWindow: 900,
            escalation: [
                EscalationStage(after: 0, action: .notify("support-lead")),
                EscalationStage(after: 600, action: .raisePriority(2)),
                EscalationStage(after: 1800, action: .reassignToBackup),
                EscalationStage(after: 3600, action: .moveToException("no response from triage")),
            ],
            requiredEvidence: ["category"], missingEvidence: .refuse))
        #expect(triage.next == [Step.defaultOutcome: .step("resolve")])
        #expect(support.steps[1].next == ["solved": .end, "escalate": .step("tier2")])
        #expect(support.steps[1].ownership.missingEvidence == .exception)
    }

    @Test("the lead follow-up example loads")
    func leadFollowupExample() throws {
        let definition = try WorkspaceDefinition.load([DefinitionFixtures.example("lead-followup")])
        #expect(definition.queues.map(\.id) == ["qualification", "first-call", "proposals"])
        #expect(definition.workers.count == 8)
        #expect(definition.settings.routingPolicy == .longestIdle)
        let workflow = try #require(definition.workflows.first)
        #expect(workflow.id == "lead-followup")
        #expect(workflow.promise == Promise(text: "Every qualified lead gets a first call within 4h"))
        #expect(workflow.steps.map(\.id) == ["qualify", "first-call", "proposal"])
        #expect(workflow.steps[1].ownership.responseWindow == 3 * 3600 + 30 * 60)
        #expect(workflow.steps[1].next == ["interested": .step("proposal"), "not_now": .end, "no_answer": .step("first-call")])
        // `next: end` is the same as no `next`: any outcome completes the task.
        #expect(workflow.steps[2].next.isEmpty)
    }

    @Test("commands build the support desk in an empty workspace")
    func commandsBuildTheWorkspace() throws {
        let definition = try WorkspaceDefinition.load([DefinitionFixtures.example("support-desk")])
        var state = WorkspaceState(settings: definition.settings.applied())
        let commands = definition.commands
        #expect(commands.count == 1 + 3 + 12 + 1)
        #expect(commands.first == .configure(definition.settings.applied()))
        for command in commands {
            try state.execute(command, context: CommandContext(now: Date(timeIntervalSince1970: 0)))
        }
        #expect(state.settings == WorkspaceState.Settings(routingPolicy: .skillScore, explainedCandidates: 5, exceptionDue: 4 * 3600))
        #expect(state.queues.map(\.queue) == definition.queues)
        #expect(state.workers.map(\.worker) == definition.workers)
        let workflow = try #require(state.workflow("support"))
        #expect(workflow.version == 1)
        #expect(workflow == definition.workflows[0])

        // The example is meant to run: a chat ticket goes to someone in support who can triage.
        let events = try state.execute(
            .createTask(NewTask(id: "T1", workflow: "support", channel: "chat")),
            context: CommandContext(now: Date(timeIntervalSince1970: 1)))
        let offeredTo = try #require(events.lazy.compactMap { event -> WorkerID? in
            if case .taskOffered(_, let worker, _, _) = event.payload { return worker }
            return nil
        }.first)
        let worker = try #require(definition.workers.first { $0.id == offeredTo })
        #expect(worker.team == "support")
        #expect((worker.skills["triage"] ?? 0) >= 4)
        #expect(worker.capacity(on: "chat") > 0)
        #expect(worker.status == .available)
    }

    @Test("commands start with the routing policy only when a file sets one")
    func commandsWithoutPolicy() throws {
        let definition = try WorkspaceDefinition(yaml: DefinitionFixtures.minimal)
        #expect(definition.commands == [
            .defineQueue(Queue(id: "tier1")),
            .registerWorker(Worker(id: "ana")),
            .defineWorkflow(definition.workflows[0]),
        ])
    }

    @Test("the sample from the format description reads field by field")
    func formatSample() throws {
        let yaml = """
            workspace:
              routing_policy: round-robin
              explained_candidates: 3
              exception_due: 1h30m
            queues:
              - id: tier1
                name: Tier 1
                priority: 3
                service_level: { percent: 80, within: 5m }
                offer_timeout: 60s
                requirement:
                  skills: { billing: 5 }
                  certifications: [pci]
                  teams: [support]
                  attributes: { language: en }
                relaxation:
                  - after: 2m
                    skills: { billing: 3 }
            workers:
              - id: ana
                name: Ana
                kind: human
                team: support
                skills: { billing: 7, tech: 4 }
                certifications: [pci]
                channels: { chat: 2, email: 5 }
                cost_per_hour: 32
                attributes: { language: en }
                status: available
            workflows:
              - id: support
                name: Support desk
                promise: { text: "Every ticket answered within 24h", within: 24h }
                steps:
                  - id: triage
                    name: Triage
                    queue: tier1
                    ownership:
                      source_system: zendesk
                      decision_owner: support-lead
                      backup_owner: ana
                      response_window: 15m
                      escalation:
                        - notify: support-lead
                        - after: 10m
                          raise_priority: 2
                      required_evidence: [category]
                      missing_evidence: exception
                    next: end
            """
        let definition = try WorkspaceDefinition(yaml: yaml)
        #expect(definition.settings == WorkspaceDefinition.Settings(
            routingPolicy: .roundRobin, explainedCandidates: 3, exceptionDue: 5400))
        #expect(definition.queues == [Queue(
            id: "tier1", name: "Tier 1", priority: 3, serviceLevel: ServiceLevelTarget(percent: 80, within: 300),
            requirement: Requirement(
                skills: ["billing": 5], certifications: ["pci"], teams: ["support"], attributes: ["language": "en"]),
            relaxation: [RelaxationStage(after: 120, requirement: Requirement(skills: ["billing": 3]))],
            offerTimeout: 60)])
        #expect(definition.workers == [Worker(
            id: "ana", name: "Ana", kind: .human, skills: ["billing": 7, "tech": 4], certifications: ["pci"],
            channels: ["chat": 2, "email": 5], team: "support", costPerHour: 32, attributes: ["language": "en"],
            status: .available)])
        #expect(definition.workflows == [Workflow(
            id: "support", name: "Support desk", promise: Promise(text: "Every ticket answered within 24h", within: 86400),
            steps: [Step(
                id: "triage", name: "Triage", queue: "tier1",
                ownership: OwnershipRule(
                    sourceSystem: "zendesk", decisionOwner: "support-lead", backupOwner: "ana", responseWindow: 900,
                    escalation: [
                        EscalationStage(action: .notify("support-lead")),
                        EscalationStage(after: 600, action: .raisePriority(2)),
                    ],
                    requiredEvidence: ["category"], missingEvidence: .exception),
                next: [:])])])
    }

    @Test("fields left out take the domain's defaults")
    func defaults() throws {
        let definition = try WorkspaceDefinition(yaml: DefinitionFixtures.minimal)
        #expect(definition.settings == WorkspaceDefinition.Settings())
        #expect(definition.queues == [Queue(id: "tier1")])
        #expect(definition.workers == [Worker(id: "ana")])
        #expect(definition.workers[0].channels == [.default: 1])
        let step = try #require(definition.workflows.first?.steps.first)
        #expect(step.name == "triage")
        #expect(step.next.isEmpty)
        #expect(step.ownership.missingEvidence == .refuse)
        #expect(definition.settings.applied() == WorkspaceState.Settings())
    }

    @Test("an empty file, or one with only comments, defines nothing")
    func emptyFiles() throws {
        #expect(try WorkspaceDefinition(yaml: "") == WorkspaceDefinition())
        #expect(try WorkspaceDefinition(yaml: "# nothing here yet\n") == WorkspaceDefinition())
    }

    @Test("relaxation stages are kept in order of time, whatever order they are written in")
    func relaxationOrder() throws {
        let yaml = """
            queues:
              - id: tier1
                requirement: { skills: { billing: 7 } }
                relaxation:
                  - after: 10m
                    skills: { billing: 1 }
                  - after: 2m
                    skills: { billing: 4 }
            workers:
              - id: ana
                skills: { billing: 2 }
            """
        let queue = try #require(try WorkspaceDefinition(yaml: yaml).queues.first)
        #expect(queue.relaxation.map(\.after) == [120, 600])
        #expect(queue.requirement(afterWaiting: 180).skills == ["billing": 4])
    }

    @Test("merge keys share fields between workers; fields written out win")
    func mergeKeys() throws {
        let yaml = """
            workers:
              - id: ana
                team: support
                skills: &agent { billing: 5, tech: 3 }
                channels: { chat: 2 }
              - id: ben
                <<: { team: support, channels: { chat: 2 }, cost_per_hour: 20 }
                skills: *agent
                cost_per_hour: 25
            """
        let workers = try WorkspaceDefinition(yaml: yaml).workers
        #expect(workers.count == 2)
        #expect(workers[1].team == "support")
        #expect(workers[1].skills == ["billing": 5, "tech": 3])
        #expect(workers[1].channels == ["chat": 2])
        #expect(workers[1].costPerHour == 25)
    }

    @Test("a promise may be written as its text alone")
    func promiseAsText() throws {
        let yaml = DefinitionFixtures.minimal.replacingOccurrences(
            of: "  - id: support\n", with: "  - id: support\n    promise: Every ticket answered\n")
        let workflow = try #require(try WorkspaceDefinition(yaml: yaml).workflows.first)
        #expect(workflow.promise == Promise(text: "Every ticket answered"))
    }

    @Test("the definition and its documents are values")
    func valueSemantics() throws {
        let source = try DefinitionFixtures.example("support-desk")
        let first = try WorkspaceDefinition.load([source])
        let second = try WorkspaceDefinition.load([source])
        #expect(first == second)
        #expect(Set([first, second]).count == 1)
        let document = try WorkspaceDocument(yaml: source.text, file: source.file)
        #expect(document.definition == first)
        #expect(try WorkspaceDefinition(merging: [document]) == first)
    }
}
