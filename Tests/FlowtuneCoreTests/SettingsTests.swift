import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Workspace settings")
struct SettingsTests {
    @Test("settings are events: a fold of the log restores them without being told")
    func settingsSurviveFold() throws {
        var state = WorkspaceState()
        let context = CommandContext(now: Date(timeIntervalSince1970: 0), actor: "admin")
        let wanted = WorkspaceState.Settings(routingPolicy: .longestIdle, explainedCandidates: 3, exceptionDue: 1800)
        let events = try state.execute(.configure(wanted), context: context)
        #expect(events.map(\.type) == ["SettingsChanged"])
        #expect(state.settings == wanted)
        #expect(WorkspaceState.fold(events).settings == wanted)
        // Configuring what is already in force records nothing.
        #expect(try state.execute(.configure(wanted), context: context).isEmpty)
    }

    @Test("settings out of range are refused, naming the field")
    func invalidSettings() {
        var state = WorkspaceState()
        let context = CommandContext(now: Date(timeIntervalSince1970: 0))
        #expect {
            try state.execute(.configure(WorkspaceState.Settings(explainedCandidates: 0)), context: context)
        } throws: { error in
            (error as? CommandError)?.field == "explained_candidates"
        }
        #expect(state.version == 0)
    }
}
