import FlowtuneCore
import FlowtuneStore
import Foundation
import Testing

@testable import FlowtuneServer

@Suite("SSE frames")
struct SSEFrameCacheTests {
    static func event(_ sequence: Int64) -> StoredEvent {
        StoredEvent(
            workspace: "w", sequence: sequence,
            event: Event(time: Date(timeIntervalSince1970: 0), actor: "ana", payload: .offerAccepted(task: "T1", worker: "ana")))
    }

    @Test("a frame is the SSE form of the event, the same for every subscriber, and old frames are dropped")
    func frames() throws {
        let cache = SSEFrameCache(capacity: 2)
        let first = try cache.frame(for: Self.event(1))
        let text = String(buffer: first)
        #expect(text.hasPrefix("id: 1\nevent: OfferAccepted\ndata: {"))
        #expect(text.hasSuffix("}\n\n"))
        #expect(try cache.frame(for: Self.event(1)) == first)
        _ = try cache.frame(for: Self.event(2))
        _ = try cache.frame(for: Self.event(3))
        #expect(try cache.frame(for: Self.event(1)) == EventStreamRoutes.frame(Self.event(1)))
    }
}
