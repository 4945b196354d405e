import FlowtuneCore
import FlowtuneSimulation
import Foundation
import Testing

@Suite("Example scenarios")
struct ExampleScenarioTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("examples")

    static func load(_ path: String) throws -> Scenario {
        let url = examples.appendingPathComponent(path)
        let directory = url.deletingLastPathComponent()
        let scenario = DefinitionSource(file: url.path, text: try String(contentsOf: url, encoding: .utf8))
        var sources = [scenario]
        for name in Scenario.referencedDefinitions(in: scenario) {
            let file = directory.appendingPathComponent(name)
            sources.append(DefinitionSource(file: file.path, text: try String(contentsOf: file, encoding: .utf8)))
        }
        var replay: ReplayData?
        if case .csv(let name)? = Scenario.replayReference(in: scenario) {
            let file = directory.appendingPathComponent(name)
            replay = .csv(DefinitionSource(file: file.path, text: try String(contentsOf: file, encoding: .utf8)))
        }
        return try Scenario.load(sources, replay: replay)
    }

    @Test func theLeadFollowUpWeekRunsWithItsShifts() throws {
        var scenario = try Self.load("lead-followup/scenario.yaml")
        #expect(scenario.shifts.map(\.name) == ["sdr-emea", "sdr-amer", "ae-emea", "ae-amer"])
        scenario.replications = 1
        let result = try Simulator(scenario: scenario).run(policy: .longestIdle, replication: 0)
        // Tuesday to Friday: EMEA reps 7.5h a day, Tom 7.5h, Victor and Yara 8.25h, Wendy 8.25h
        // (after the break), and the automation and away Xavier around the clock.
        let people: Double = 4 * (3 * 7.5 + 3 * 8.25)
        let aroundTheClock: Double = 2 * 4 * 24
        #expect(result["staffed_hours"] == people + aroundTheClock)
        #expect((result["reworked"] ?? 0) > 0)
    }

    @Test func theReplayedLeadsKeepTheirTimes() throws {
        let scenario = try Self.load("lead-followup/replay.yaml")
        let web = try #require(scenario.taskTypes[0].arrivals.replayed)
        let phone = try #require(scenario.taskTypes[1].arrivals.replayed)
        #expect(web.count + phone.count == 40)
        #expect(web.first?.time == 164 && web.first?.attributes["source"] == .string("webinar"))
        let result = try Simulator(scenario: scenario).run(policy: .longestIdle, replication: 0)
        #expect(result["arrivals"] == 40)
        // The phone lead of 11:34:15 waits for the end of both EMEA reps' break at 12:00.
        #expect(result["queue.qualification.wait.mean"] == 1_545.0 / 40)
    }

    @Test func theContactCentreMonthLoads() throws {
        let scenario = try Self.load("contact-centre-month/scenario.yaml")
        #expect(scenario.definition.workers.count == 300 && scenario.definition.queues.count == 10)
        #expect(scenario.shifts.count == 60 && scenario.horizon == 30 * 86_400)
        // Every agent is on exactly one shift a day.
        let covered = Set(scenario.definition.workers.filter { worker in scenario.shifts.contains { $0.covers(worker) } }.map(\.id))
        #expect(covered.count == 300)
    }
}
