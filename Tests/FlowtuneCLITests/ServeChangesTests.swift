import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneCLI

@Suite("flowtune serve: re-applying the workspace files")
struct ServeChangesTests {
    private static func definition(salesSkill: Int) throws -> WorkspaceDefinition {
        try WorkspaceDefinition(yaml: """
            queues:
              - id: sales
                requirement: { skills: { sales: 3 } }
              - id: billing
                requirement: { skills: { billing: 3 } }
            workers:
              - id: ana
                skills: { sales: \(salesSkill), billing: 5 }
                serving_queue: sales
                flexible: true
              - id: ben
                skills: { sales: 4, billing: 4 }
            """)
    }

    private static func apply(_ commands: [Command], to state: inout WorkspaceState) throws {
        for command in commands {
            _ = try state.execute(command, context: CommandContext(now: Date(timeIntervalSince1970: 0), actor: "test", cause: nil))
        }
    }

    @Test("a worker moved to another queue and set away since start-up stays so when the same files are applied again")
    func liveStateWins() throws {
        let definition = try Self.definition(salesSkill: 5)
        var state = WorkspaceState()
        try Self.apply(definition.commands, to: &state)
        #expect(ServeCommand.changes(definition, from: state).isEmpty)

        var moved = try #require(state.worker("ana")?.worker)
        moved.servingQueue = "billing"
        try Self.apply([.registerWorker(moved), .setWorkerStatus("ana", .away)], to: &state)
        #expect(ServeCommand.changes(definition, from: state).isEmpty)
    }

    @Test("a profile the files change is replaced, keeping the queue the worker serves now")
    func changedProfileKeepsServingQueue() throws {
        var state = WorkspaceState()
        try Self.apply(try Self.definition(salesSkill: 5).commands, to: &state)
        var moved = try #require(state.worker("ana")?.worker)
        moved.servingQueue = "billing"
        try Self.apply([.registerWorker(moved)], to: &state)

        let edited = try Self.definition(salesSkill: 7)
        let commands = ServeCommand.changes(edited, from: state)
        #expect(commands.count == 1)
        try Self.apply(commands, to: &state)
        let ana = try #require(state.worker("ana")?.worker)
        #expect(ana.skills["sales"] == 7)
        #expect(ana.servingQueue == "billing")
        #expect(ServeCommand.changes(edited, from: state).isEmpty)
    }
}
