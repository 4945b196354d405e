import FlowtuneCore
import FlowtuneServer
import Foundation
import Testing

@Suite("Background checkpoints of the store's log")
struct CheckpointServiceTests {
    @Test("the interval is 0 (off) unless the file or the environment sets it")
    func configuration() throws {
        var configuration = ServerConfiguration()
        #expect(configuration.checkpointInterval == 0)
        try configuration.apply(yaml: "store: { path: x.db, checkpoint_interval_ms: 20 }", file: "test.yaml")
        #expect(configuration.checkpointInterval == 20)
        #expect(configuration.databasePath == "x.db")
        try configuration.apply(environment: ["FLOWTUNE_CHECKPOINT_INTERVAL_MS": "0"])
        #expect(configuration.checkpointInterval == 0)
        try configuration.apply(environment: ["FLOWTUNE_CHECKPOINT_INTERVAL_MS": "50"])
        #expect(configuration.checkpointInterval == 50)

        for bad in ["-1", "60001", "soon"] {
            #expect(throws: ServerConfiguration.Problem.self) {
                var refused = ServerConfiguration()
                try refused.apply(yaml: "store: { checkpoint_interval_ms: \(bad) }", file: "test.yaml")
            }
            #expect(throws: ServerConfiguration.Problem.self) {
                var refused = ServerConfiguration()
                try refused.apply(environment: ["FLOWTUNE_CHECKPOINT_INTERVAL_MS": bad])
            }
        }
        #expect(throws: ServerConfiguration.Problem.self) {
            var unknown = ServerConfiguration()
            try unknown.apply(yaml: "store: { checkpoint_every: 20 }", file: "test.yaml")
        }
    }

    /// Serves `count` lifecycles with the given interval and returns the database file's size
    /// before and after, measured while the server still runs (closing the last connection
    /// checkpoints the whole log anyway).
    private func databaseGrowth(interval: Int, count: Int) async throws -> (before: Int, after: Int) {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var configuration = liveConfiguration(directory)
        configuration.checkpointInterval = interval
        let server = try await FlowtuneServer.open(configuration)
        try await defineDesk(server)
        let live = try await LiveServer.start(server)
        func size() throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: configuration.databasePath)[.size] as? Int) ?? 0
        }
        do {
            let before = try size()
            var settings = LifecycleDriver.Settings(host: "127.0.0.1", port: live.port, key: ServerFixture.adminKey)
            settings.evidence = #"{"resolution":"fixed"}"#
            settings.count = count
            let report = try await LifecycleDriver.run(settings)
            #expect(report.lifecycles == count, "\(report.lastFailure ?? "")")
            // A few intervals for the background pass to copy the last commits.
            try await Task.sleep(for: .milliseconds(max(interval, 10) * 10))
            let after = try size()
            try await live.stop()
            try server.close()
            return (before, after)
        } catch {
            try? await live.stop()
            try? server.close()
            throw error
        }
    }

    @Test("while serving, committed pages reach the database file in the background, not only once the log holds 1,000 pages")
    func copiesWhileServing() async throws {
        // A few dozen lifecycles write far fewer than the 1,000 pages after which SQLite's
        // writer would checkpoint by itself: without the background pass the database file
        // keeps the size it had, with it the file takes the new pages.
        let off = try await databaseGrowth(interval: 0, count: 40)
        #expect(off.after == off.before)
        let on = try await databaseGrowth(interval: 10, count: 40)
        #expect(on.after > on.before)
    }
}
