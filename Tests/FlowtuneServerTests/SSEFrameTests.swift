import FlowtuneCore
import FlowtuneStore
import Foundation
import Testing

@testable import FlowtuneServer

@Suite("SSE frames")
struct SSEFrameTests {
    static func event(_ sequence: Int64) -> StoredEvent {
        StoredEvent(
            workspace: "w", sequence: sequence,
            event: Event(time: Date(timeIntervalSince1970: 0), actor: "ana", payload: .offerAccepted(task: "T1", worker: "ana")))
    }

    @Test("a frame is the SSE form of the event: its id, its type, and its resource's JSON on one data line")
    func frames() throws {
        let frame = String(buffer: try EventStreamRoutes.frame(Self.event(1)))
        let json = try JSONEncoder.api.encode(EventResource(StoredEventView(sequence: 1, event: Self.event(1).event)))
        #expect(frame == "id: 1\nevent: OfferAccepted\ndata: " + String(decoding: json, as: UTF8.self) + "\n\n")
        #expect(frame.hasPrefix("id: 1\nevent: OfferAccepted\ndata: {"))
        #expect(frame.hasSuffix("}\n\n"))
    }

    /// Offers with decisions of every shape, their numbers drawn to cover whole, tiny, huge and
    /// negative values: the offer's own writer must give the encoder's bytes exactly.
    @Test("an offer's frame is byte for byte the encoder's, for decisions of every shape")
    func offerFrames() throws {
        var random = SeededGenerator(seed: 20_261_122)
        let names = ["skillFit", "idle", "a/b", "quote\"d", "tab\there", "über", "load\u{1}", ""]
        func number() -> Double {
            switch random.next() % 9 {
            case 0: return Double(Int(random.next() % 2_000)) - 1_000
            case 1: return Double(random.next() % 1_000_000) / 1_000
            case 2: return Double(bitPattern: random.next() >> 2)  // anything finite and positive
            case 3: return -0.0
            case 4: return 1e-7 * Double(random.next() % 100)
            case 5: return 1e17 * Double(random.next() % 100)
            case 6: return 0.1 + 0.2
            default: return Double(random.next() % 1_000_000_007) / Double(random.next() % 999 + 1)
            }
        }
        func text() -> String { names[Int(random.next() % UInt64(names.count))] }
        var checked = 0
        for sequence in 1...400 {
            let candidates = (0..<Int(random.next() % 4)).map { index in
                ScoredCandidate(
                    id: "w\(index)/\(text())", score: number(),
                    terms: (0..<Int(random.next() % 4)).map { _ in ScoreTerm(name: text(), value: number(), weight: number()) })
            }
            let models: [String: Int] = switch random.next() % 4 {
            case 0: [:]
            case 1: ["handling-time": Int(random.next() % 9)]
            case 2: [text(): 1]
            default: ["b": 1, "A": 2, "a10": 3, "a9": 4]
            }
            let decision = RoutingDecision(
                policy: text(), policyVersion: Int(random.next() % 5), direction: random.next() % 2 == 0 ? .taskToWorker : .workerToTask,
                candidates: candidates, candidateCount: Int(random.next() % 50),
                excluded: (0..<Int(random.next() % 3)).map { _ in
                    Exclusion(rule: "skill \(text()) 3 < 5", count: Int(random.next() % 9), examples: [text(), text()])
                },
                runnerUpLost: random.next() % 3 == 0 ? nil : "lost on \(text())", models: models,
                notes: (0..<Int(random.next() % 3)).map { _ in text() })
            let event = Event(
                time: Date(timeIntervalSince1970: 1_795_000_000 + Double(random.next() % 1_000_000) / 1_000),
                actor: random.next() % 2 == 0 ? "engine" : "key:admin", cause: random.next() % 2 == 0 ? nil : "cmd-\(sequence)",
                payload: .taskOffered(
                    task: TaskID("T\(sequence)"), worker: WorkerID("w/\(sequence)"),
                    expiresAt: Date(timeIntervalSince1970: 1_795_000_030.5), decision: decision))
            let stored = StoredEvent(workspace: "w", sequence: Int64(sequence), event: event)
            let frame = String(buffer: try EventStreamRoutes.frame(stored))
            let json = try JSONEncoder.api.encode(EventResource(StoredEventView(sequence: Int64(sequence), event: event)))
            #expect(frame == "id: \(sequence)\nevent: \(event.type)\ndata: " + String(decoding: json, as: UTF8.self) + "\n\n")
            if EventJSON.writesExactly(decision) { checked += 1 }
        }
        // Most took the offer's own writer; those with several models, the encoder.
        #expect(checked > 250 && checked < 400)
    }
}
