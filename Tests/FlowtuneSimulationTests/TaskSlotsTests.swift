import FlowtuneCore
import Testing

@testable import FlowtuneSimulation

/// The window of task numbers against the plainest reference: a dictionary from id to slot.
@Suite("Task slots")
struct TaskSlotsTests {
    /// Tasks arrive numbered in order (with the odd number skipped and the odd id of another form)
    /// and leave in a random order, some staying open long enough to push the window past its
    /// limit; every id ever used is looked up after every change.
    @Test("the same slots as a dictionary", arguments: [1, 2, 3])
    func matchesReference(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var slots = TaskSlots()
        var reference: [TaskID: Int32] = [:]
        var open: [TaskID] = []
        var used: [TaskID] = []
        var next = 1
        let longStay = TaskID("T1")
        for step in 0..<200_000 {
            if open.isEmpty || Int.random(in: 0..<100, using: &random) < 52 {
                let id: TaskID
                switch Int.random(in: 0..<200, using: &random) {
                case 0: id = TaskID("chosen-\(step)")
                case 1: id = TaskID("T0\(next)")
                case 2:
                    next += Int.random(in: 2...40, using: &random)
                    id = TaskID("T\(next)")
                default: id = TaskID("T\(next)")
                }
                next += 1
                let slot = Int32.random(in: 0..<1_000, using: &random)
                slots.insert(id, slot: slot)
                reference[id] = slot
                open.append(id)
                if used.count < 5_000 || step % 50 == 0 { used.append(id) }
            } else {
                // Mostly the oldest leave first, as customers do; T1 stays for the whole run.
                let position = Int.random(in: 0..<100, using: &random) < 70
                    ? 0 : Int.random(in: 0..<open.count, using: &random)
                let id = open[position]
                if id == longStay { continue }
                open.remove(at: position)
                slots.remove(id)
                reference[id] = nil
            }
            if step % 997 == 0 {
                for id in used { #expect(slots.slot(of: id) == reference[id], "\(id) at step \(step)") }
            }
        }
        for id in used { #expect(slots.slot(of: id) == reference[id]) }
        #expect(slots.slot(of: longStay) == reference[longStay])
        #expect(next > TaskSlots.windowLimit)
    }

    @Test("only T and a number without a leading zero is read as a number")
    func numbers() {
        #expect(TaskSlots.number(of: "T1") == 1)
        #expect(TaskSlots.number(of: "T690001") == 690_001)
        #expect(TaskSlots.number(of: "T0") == nil)
        #expect(TaskSlots.number(of: "T01") == nil)
        #expect(TaskSlots.number(of: "T") == nil)
        #expect(TaskSlots.number(of: "t1") == nil)
        #expect(TaskSlots.number(of: "T1a") == nil)
        #expect(TaskSlots.number(of: "X12") == nil)
    }
}
