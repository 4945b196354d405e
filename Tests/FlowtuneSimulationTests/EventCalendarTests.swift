import FlowtuneCore
import Testing

@testable import FlowtuneSimulation

/// The calendar's binary heap against the plainest reference: a list searched for its earliest
/// entry, ties going to the one scheduled first.
@Suite("Event calendar")
struct EventCalendarTests {
    @Test("entries come out by time, then in the order scheduled", arguments: [1, 2, 3])
    func matchesReference(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var calendar = EventCalendar()
        var reference: [(time: Double, order: Int, type: Int)] = []
        var scheduled = 0
        for _ in 0..<4_000 {
            if reference.isEmpty || Int.random(in: 0..<5, using: &random) < 3 {
                // Few distinct times, so that many entries tie.
                let time = Double(Int.random(in: 0..<50, using: &random)) / 4
                calendar.schedule(.arrival(type: scheduled), at: time)
                reference.append((time, scheduled, scheduled))
                scheduled += 1
            } else {
                let expected = Self.takeEarliest(&reference)
                #expect(calendar.nextTime == expected.time)
                guard let entry = calendar.next(), case .arrival(let type) = entry.kind else {
                    Issue.record("the calendar ran dry with \(reference.count + 1) entries left")
                    return
                }
                #expect(entry.time == expected.time && type == expected.type)
            }
            #expect(calendar.count == reference.count)
        }
        while let entry = calendar.next() {
            let expected = Self.takeEarliest(&reference)
            guard case .arrival(let type) = entry.kind else { continue }
            #expect(entry.time == expected.time && type == expected.type)
        }
        #expect(reference.isEmpty)
        #expect(calendar.nextTime == .infinity)
    }

    /// Removes and returns the reference's earliest entry, the first scheduled among equal times.
    private static func takeEarliest(
        _ reference: inout [(time: Double, order: Int, type: Int)]
    ) -> (time: Double, order: Int, type: Int) {
        let earliest = reference.indices.min {
            (reference[$0].time, reference[$0].order) < (reference[$1].time, reference[$1].order)
        }!
        return reference.remove(at: earliest)
    }
}
