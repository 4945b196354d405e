import FlowtuneCore
import FlowtuneStore
import Foundation
import Testing

/// Kills a real `flowtune` process in the middle of writing and checks that every command it had
/// acknowledged is in the log, and that the log still folds to a consistent workspace.
@Suite("Crash recovery")
struct CrashRecoveryTests {
    /// The `flowtune` binary built beside the test bundle.
    static var binary: URL {
        get throws {
            let directory = Bundle.main.bundleURL.deletingLastPathComponent()
            let candidates = [
                Bundle.main.bundleURL.appendingPathComponent("flowtune"),
                directory.appendingPathComponent("flowtune"),
                URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("flowtune"),
            ]
            guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
                throw BinaryMissing(searched: candidates.map(\.path))
            }
            return found
        }
    }

    struct BinaryMissing: Error, CustomStringConvertible {
        let searched: [String]
        var description: String { "build the flowtune product first; looked in \(searched.joined(separator: ", "))" }
    }

    @Test("SIGKILL mid-write loses no acknowledged command")
    func killMidWrite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("flowtune-crash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("crash.db").path

        let process = Process()
        process.executableURL = try Self.binary
        process.arguments = ["bench", "lifecycles", "--db", db, "--count", "1000000", "--clients", "16", "--workers", "32", "--print-acks"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()

        // Read acknowledgements until enough have arrived, then kill without warning.
        var text = ""
        let reader = output.fileHandleForReading
        let deadline = Date().addingTimeInterval(60)
        // n occurrences split the text into n + 1 pieces: read until more than 300 completions.
        while text.components(separatedBy: "ack completed").count <= 301, Date() < deadline {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        // Whatever was already in the pipe was acknowledged before the kill.
        text += String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)

        var created: Set<TaskID> = []
        var completed: Set<TaskID> = []
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "ack" else { continue }
            if parts[1] == "created" { created.insert(TaskID(String(parts[2]))) }
            if parts[1] == "completed" { completed.insert(TaskID(String(parts[2]))) }
        }
        #expect(completed.count > 300)

        let store = try SQLiteEventStore(path: db)
        defer { try? store.close() }
        var state = WorkspaceState()
        var logCreated: Set<TaskID> = []
        var logCompleted: Set<TaskID> = []
        var sequence: Int64 = 0
        for stored in try await store.read("bench", after: 0, limit: .max) {
            sequence += 1
            #expect(stored.sequence == sequence)
            state.evolve(stored.event)
            switch stored.event.payload {
            case .taskCreated(let event): logCreated.insert(event.task)
            case .stepCompleted(let event): logCompleted.insert(event.task)
            default: break
            }
        }
        #expect(created.subtracting(logCreated).isEmpty, "acknowledged creations missing from the log")
        #expect(completed.subtracting(logCompleted).isEmpty, "acknowledged completions missing from the log")
        // The recovered workspace is consistent: every open task's worker holds it.
        for task in state.tasks.values {
            if let worker = task.state.worker {
                #expect(state.worker(worker)?.totalLoad ?? 0 > 0)
            }
        }
        #expect(try await store.version(of: "bench") == sequence)
    }
}
