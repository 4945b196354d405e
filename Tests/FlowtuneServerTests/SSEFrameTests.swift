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
}
