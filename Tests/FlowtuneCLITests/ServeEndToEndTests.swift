import FlowtuneCore
import FlowtuneStore
import Foundation
import Testing

@testable import FlowtuneCLI

/// Starts the real `flowtune serve` binary on a free loopback port, drives a task's life over
/// HTTP, stops it with SIGTERM and checks it exits cleanly with everything in its log.
@Suite("flowtune serve end to end")
struct ServeEndToEndTests {
    static let adminKey = "e2e-admin-secret"
    static let anaKey = "e2e-ana-secret"

    /// A running `flowtune serve` process and what it has written to standard error.
    final class ServeProcess: Sendable {
        let process: Process
        let errors = Locked("")

        init(arguments: [String]) throws {
            process = Process()
            process.executableURL = try CrashRecoveryTests.binary
            process.arguments = ["serve"] + arguments
            var environment = ProcessInfo.processInfo.environment
            environment["FLOWTUNE_LOG_FORMAT"] = "json"
            environment.removeValue(forKey: "FLOWTUNE_API_KEYS")
            process.environment = environment
            let pipe = Pipe()
            process.standardError = pipe
            process.standardOutput = FileHandle.nullDevice
            let errors = errors
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let chunk = String(decoding: handle.availableData, as: UTF8.self)
                errors.withLock { $0 += chunk }
            }
            try process.run()
        }

        /// The port from the server's JSON "listening" log line, waiting up to 30 seconds.
        func port() async throws -> Int {
            for _ in 0..<300 {
                let text = errors.withLock { $0 }
                for line in text.split(separator: "\n") where line.contains("listening on 127.0.0.1:") {
                    if let value = try? JSONDecoder().decode(JSONValue.self, from: Data(line.utf8)),
                        let message = value["message"]?.stringValue,
                        let port = message.split(separator: ":").last.flatMap({ Int($0) })
                    {
                        return port
                    }
                }
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw NotListening(log: errors.withLock { $0 })
        }

        /// Sends SIGTERM and waits up to 30 seconds for the exit.
        func terminate() async throws {
            kill(process.processIdentifier, SIGTERM)
            for _ in 0..<300 where process.isRunning {
                try await Task.sleep(for: .milliseconds(100))
            }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                Issue.record("flowtune serve did not stop within 30 s of SIGTERM")
            }
            process.waitUntilExit()
        }
    }

    struct NotListening: Error, CustomStringConvertible {
        let log: String
        var description: String { "flowtune serve did not report a port; its log:\n\(log)" }
    }

    @Test("serve: a lifecycle over HTTP, SIGTERM, a clean exit with the store closed; a restart adds nothing")
    func serve() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("flowtune.yaml")
        try """
            log: { format: json, level: info }
            api_keys:
              - { name: root, role: admin, key: "\(Self.adminKey)" }
              - { name: ana, role: worker, worker: ana, key: "\(Self.anaKey)" }
            """.write(to: config, atomically: true, encoding: .utf8)
        let desk = directory.appendingPathComponent("desk.yaml")
        try """
            queues:
              - id: inbox
                requirement: { skills: { support: 3 } }
            workers:
              - { id: ana, skills: { support: 8 } }
            workflows:
              - id: support
                steps:
                  - id: answer
                    queue: inbox
                    ownership:
                      source_system: helpdesk
                      decision_owner: lead
                      response_window: 1h
                      required_evidence: [resolution]
            """.write(to: desk, atomically: true, encoding: .utf8)
        let db = directory.appendingPathComponent("serve.db").path
        let arguments = ["--config", config.path, "--port", "0", "--db", db, "--define", desk.path]

        let server = try ServeProcess(arguments: arguments)
        let port: Int
        do {
            port = try await server.port()
        } catch {
            try await server.terminate()
            throw error
        }
        let http = APIClient.makeHTTPClient(connections: 2)
        let api = APIClient(base: "http://127.0.0.1:\(port)", http: http)
        do {
            #expect(try await api.send(.GET, "/health", key: "").status == 200)
            #expect(try await api.send(.GET, "/v1/tasks", key: "wrong").status == 401)
            let created = try await api.send(.POST, "/v1/tasks", key: Self.adminKey, json: #"{"workflow": "support"}"#)
            #expect(created.status == 201)
            let id = try #require(created.json["id"]?.stringValue)
            #expect(created.json["state"]?.stringValue == "offered")
            #expect(created.json["worker"]?.stringValue == "ana")
            #expect(try await api.send(.POST, "/v1/tasks/\(id)/accept", key: Self.anaKey, json: "{}").json["state"]?.stringValue == "assigned")
            let completed = try await api.send(
                .POST, "/v1/tasks/\(id)/complete", key: Self.anaKey, json: #"{"evidence": {"resolution": "reset the password"}}"#)
            #expect(completed.json["state"]?.stringValue == "completed")
            let metrics = try await api.send(.GET, "/metrics", key: Self.adminKey)
            #expect(metrics.status == 200)
        } catch {
            try? await http.shutdown()
            try await server.terminate()
            throw error
        }
        try await http.shutdown()
        try await server.terminate()
        #expect(server.process.terminationReason == .exit)
        #expect(server.process.terminationStatus == 0)
        #expect(server.errors.withLock { $0 }.contains("stopped; store closed"))

        let store = try SQLiteEventStore(path: db)
        let log = try await store.read("default", after: 0, limit: .max)
        try store.close()
        #expect(log.map(\.event.type).suffix(4) == ["TaskCreated", "TaskRouted", "OfferAccepted", "StepCompleted"])

        // The same files again: nothing is redefined, so the log does not grow.
        let again = try ServeProcess(arguments: arguments)
        _ = try await again.port()
        try await again.terminate()
        #expect(again.process.terminationStatus == 0)
        let reopened = try SQLiteEventStore(path: db)
        #expect(try await reopened.version(of: "default") == Int64(log.count))
        try reopened.close()
    }
}
