import FlowtuneCore
import FlowtuneServer
import Foundation
import Testing

@Suite("Lifecycle driver against a live server")
struct LifecycleDriverTests {
    private func driverSettings(_ live: LiveServer, key: String = ServerFixture.adminKey) -> LifecycleDriver.Settings {
        var settings = LifecycleDriver.Settings(host: "127.0.0.1", port: live.port, key: key)
        settings.evidence = #"{"resolution":"fixed"}"#
        settings.duration = 30
        // The desk's one worker serves its queue a task at a time, so a task can wait for an offer
        // as long as the lifecycles before it take; with the whole suite running beside these
        // tests on two cores that is seconds each. Waits as long as the test run's own limits,
        // so that an abandoned lifecycle means a lost offer, not a busy machine.
        settings.offerWait = 300
        settings.grace = 300
        return settings
    }

    /// Runs `body` against a live server with the small desk (one worker, who holds one task at a time).
    private func withDesk(_ body: (FlowtuneServer, LiveServer) async throws -> Void) async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await FlowtuneServer.open(liveConfiguration(directory))
        try await defineDesk(server)
        let live = try await LiveServer.start(server)
        do {
            try await body(server, live)
        } catch {
            try await live.stop()
            try server.close()
            throw error
        }
        try await live.stop()
        try server.close()
    }

    @Test func runsEveryLifecycleToCompletion() async throws {
        try await withDesk { server, live in
            var settings = driverSettings(live)
            // Three clients and one worker who takes one task at a time: two of every three
            // tasks wait in the queue, and are read again until they are offered.
            settings.clients = 3
            settings.count = 12
            let report = try await LifecycleDriver.run(settings)
            #expect(report.lifecycles == 12)
            #expect(report.failures == 0, "\(report.lastFailure ?? "")")
            #expect(report.abandoned == 0)
            #expect(report.polls > 0)
            #expect(report.createToAssigned.count == 12)
            #expect(report.createToAccepted.count == 12)
            #expect(report.create.count == 12 && report.accept.count == 12 && report.complete.count == 12)
            #expect(zip(report.createToAssigned, report.createToAccepted).allSatisfy { $0 < $1 })
            let state = await server.host.engine.currentState
            #expect(state.finished.count == 12)
            #expect(state.finished.values.allSatisfy { $0 == .completed })
            #expect(state.tasks.isEmpty)
        }
    }

    @Test func learnsWhichStepsNeedAnOutcome() async throws {
        try await withDesk { server, live in
            let definition = try WorkspaceDefinition(yaml: """
                queues:
                  - id: inbox
                    requirement: { skills: { support: 3 } }
                workflows:
                  - id: branching
                    steps:
                      - id: first
                        queue: inbox
                        ownership: { source_system: helpdesk, decision_owner: lead, response_window: 1h }
                        next: { solved: end, escalate: second }
                      - id: second
                        queue: inbox
                        ownership: { source_system: helpdesk, decision_owner: lead, response_window: 1h }
                """)
            for command in definition.commands { try await server.host.engine.submit(command, actor: "fixture") }
            var settings = driverSettings(live)
            settings.workflow = "branching"
            settings.outcome = "solved"
            settings.clients = 1
            settings.count = 4
            let report = try await LifecycleDriver.run(settings)
            #expect(report.lifecycles == 4)
            #expect(report.failures == 0, "\(report.lastFailure ?? "")")
            // The first completion is refused for want of an outcome; every later one names it.
            #expect(report.complete.count == 5)
            #expect(await server.host.engine.currentState.finished.values.filter { $0 == .completed }.count == 4)
        }
    }

    @Test func countsRefusedRequestsAsFailures() async throws {
        try await withDesk { server, live in
            var settings = driverSettings(live, key: "not-a-key")
            settings.clients = 2
            settings.count = 6
            let report = try await LifecycleDriver.run(settings)
            #expect(report.lifecycles == 0)
            #expect(report.failures == 6)
            #expect(report.lastFailure?.hasPrefix("create: 401") == true)
            #expect(await server.host.engine.currentState.tasks.isEmpty)
        }
    }

    @Test func stopsStartingLifecyclesAtTheDeadline() async throws {
        try await withDesk { _, live in
            var settings = driverSettings(live)
            settings.clients = 2
            settings.count = 1_000_000
            settings.duration = 0.5
            let report = try await LifecycleDriver.run(settings)
            #expect(report.lifecycles > 0)
            #expect(report.lifecycles < 1_000_000)
            #expect(report.failures == 0, "\(report.lastFailure ?? "")")
        }
    }

    @Test func startsLifecyclesAtAFixedRateUntilTheDeadline() async throws {
        try await withDesk { server, live in
            var settings = driverSettings(live)
            settings.clients = 8
            settings.count = 1_000_000
            settings.rate = 100
            settings.duration = 0.25
            let report = try await LifecycleDriver.run(settings)
            // Due at 0, 10, …, 240 ms: the 26th would be due at the deadline itself. The desk's
            // one worker takes one task at a time, so some may still wait for a connection when
            // the deadline passes; those are never started, and counted.
            #expect(report.started + report.unstarted == 25)
            #expect(report.started > 0)
            #expect(report.lifecycles == report.started)
            #expect(report.abandoned == 0)
            #expect(report.failures == 0, "\(report.lastFailure ?? "")")
            #expect(report.createToAssigned.count == report.started)
            #expect(await server.host.engine.currentState.finished.count == report.started)
        }
    }

    @Test func keepsATimelineOfEveryCompletedLifecycle() async throws {
        try await withDesk { _, live in
            var settings = driverSettings(live)
            // Two connections for one worker who holds one task at a time: some creations queue
            // and are offered on a later read, so create→assigned is longer than the create's
            // round trip for them.
            settings.clients = 2
            settings.count = 10
            settings.rate = 200
            settings.keepsTimeline = true
            let report = try await LifecycleDriver.run(settings)
            #expect(report.lifecycles == 10)
            #expect(report.timeline.count == 10)
            #expect(report.startedAt > 1_000_000_000)
            // The same lifecycles as the summary's samples, in the order they completed.
            #expect(report.timeline.map(\.createToAssigned) == report.createToAssigned)
            // Due every 5 ms from the start, each once.
            let dues = report.timeline.map(\.due).sorted()
            for (index, due) in dues.enumerated() {
                #expect(due >= UInt64(index) * 5_000_000 && due < UInt64(index) * 5_000_000 + 1_000_000)
            }
            for sample in report.timeline {
                #expect(sample.startDelay + sample.createRoundTrip <= sample.createToAssigned)
                #expect(sample.createToAssigned < sample.completed)
            }
            #expect(report.timeline.contains { $0.startDelay + $0.createRoundTrip < $0.createToAssigned } || report.polls == 0)
        }
    }

    @Test func keepsNoTimelineUnlessAsked() async throws {
        try await withDesk { _, live in
            var settings = driverSettings(live)
            settings.count = 3
            let report = try await LifecycleDriver.run(settings)
            #expect(report.lifecycles == 3)
            #expect(report.timeline.isEmpty)
        }
    }

    @Test func fixedRateStopsAtTheCount() async throws {
        try await withDesk { _, live in
            var settings = driverSettings(live)
            settings.clients = 4
            settings.count = 7
            settings.rate = 1_000
            settings.duration = 30
            let report = try await LifecycleDriver.run(settings)
            #expect(report.started == 7)
            #expect(report.lifecycles == 7)
            #expect(report.seconds < 25)
        }
    }

    @Test func fixedRateMeasuresFromTheDueTime() async throws {
        try await withDesk { _, live in
            var settings = driverSettings(live)
            // One connection and a lifecycle due every 0.1 ms: each waits for the one before it
            // to end, three round trips at least, so nearly all start late, and their latencies
            // include the wait.
            settings.clients = 1
            settings.count = 10
            settings.rate = 10_000
            settings.lateAfter = 0
            let report = try await LifecycleDriver.run(settings)
            #expect(report.lifecycles == 10)
            #expect(report.late >= 9)
            let slowestRoundTrip = report.create.max() ?? 0
            #expect(report.longestStartDelay > slowestRoundTrip)
            // The last lifecycle waited for the nine before it: its create→assigned is at least
            // its delay, longer than any single create's round trip.
            #expect((report.createToAssigned.max() ?? 0) >= report.longestStartDelay)
            #expect((report.createToAssigned.max() ?? 0) > slowestRoundTrip)
        }
    }

    @Test func saysWhenNoServerAnswers() async throws {
        // A port that was just listened on and is now closed.
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try await FlowtuneServer.open(liveConfiguration(directory))
        let live = try await LiveServer.start(server)
        let port = live.port
        try await live.stop()
        try server.close()
        let settings = LifecycleDriver.Settings(host: "127.0.0.1", port: port, key: ServerFixture.adminKey)
        await #expect(throws: LifecycleDriver.ConnectionFailure.self) { try await LifecycleDriver.run(settings) }
    }
}
