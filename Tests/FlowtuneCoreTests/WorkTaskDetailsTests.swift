import Foundation
import Testing

@testable import FlowtuneCore

/// The task record keeps what most tasks never set (evidence, an exception item, declines, a
/// decision's window and evidence, a learned window, the finishing time) out of line. These tests
/// hold it to behaving as the record with every field stored did.
@Suite("Task record: details out of line")
struct WorkTaskDetailsTests {
    static func task() -> WorkTask {
        WorkTask(
            id: "T1", workflow: "claims", workflowVersion: 1, step: "review", queue: "claims", priority: 3,
            channel: "chat", attributes: ["amount": 6200], createdAt: t0)
    }

    static let item = ExceptionItem(
        owner: "case-owner", due: t0 + 3600, reason: "missing evidence: invoice", context: ["step": "review"],
        recommendedAction: "obtain invoice")

    @Test("a new task carries no details, and the record routing copies stays small")
    func newTaskIsSlim() {
        let task = Self.task()
        #expect(task.details == nil)
        #expect(task.evidence.isEmpty && task.declinedBy.isEmpty)
        #expect(task.exception == nil && task.finishedAt == nil && task.responseWindow == nil)
        #expect(task.decidedEvidence == nil && task.learnedResponseWindow == nil)
        // 344 bytes with every field stored; 192 with the details behind one reference.
        #expect(MemoryLayout<WorkTask>.stride <= 192)
    }

    @Test("each detail reads back what was set, and emptying them all leaves no details")
    func setAndClear() {
        var task = Self.task()
        task.evidence = ["invoice": "INV-7"]
        task.exception = Self.item
        task.declinedBy.append("ana")
        task.declinedBy.append("bo")
        task.finishedAt = t0 + 90
        task.responseWindow = 600
        task.decidedEvidence = ["invoice"]
        task.learnedResponseWindow = 1200
        task.exception?.claimedBy = "cy"
        #expect(task.evidence == ["invoice": "INV-7"])
        #expect(task.exception?.claimedBy == "cy" && task.exception?.reason == Self.item.reason)
        #expect(task.declinedBy == ["ana", "bo"])
        #expect(task.finishedAt == t0 + 90)
        #expect(task.responseWindow == 600 && task.decidedEvidence == ["invoice"] && task.learnedResponseWindow == 1200)

        task.evidence = [:]
        task.exception = nil
        task.declinedBy = []
        task.finishedAt = nil
        task.responseWindow = nil
        task.decidedEvidence = nil
        #expect(task.details != nil)
        task.learnedResponseWindow = nil
        #expect(task.details == nil)
        #expect(task == Self.task())
        #expect(task.hashValue == Self.task().hashValue)
    }

    @Test("a copy of a task does not see changes made to the other")
    func valueSemantics() {
        var original = Self.task()
        original.declinedBy = ["ana"]
        var copy = original
        copy.declinedBy.append("bo")
        copy.exception = Self.item
        #expect(original.declinedBy == ["ana"] && original.exception == nil)
        #expect(copy.declinedBy == ["ana", "bo"] && copy.exception == Self.item)
        #expect(original != copy)
        original.declinedBy.append("bo")
        original.exception = Self.item
        #expect(original == copy)
        #expect(original.hashValue == copy.hashValue)
    }

    @Test("entering a step clears the step's details and keeps the exception item and finishing time")
    func clearStepDetails() {
        var task = Self.task()
        task.clearStepDetails()
        #expect(task.details == nil)
        task.declinedBy = ["ana"]
        task.responseWindow = 600
        task.decidedEvidence = ["invoice"]
        task.learnedResponseWindow = 1200
        task.evidence = ["invoice": "INV-7"]
        task.clearStepDetails()
        #expect(task.details == nil)
        task.declinedBy = ["ana"]
        task.exception = Self.item
        task.finishedAt = t0 + 90
        task.clearStepDetails()
        #expect(task.declinedBy.isEmpty && task.exception == Self.item && task.finishedAt == t0 + 90)
    }

    @Test("JSON keeps the record's keys: details written as fields, absent ones left out")
    func json() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let plain = String(decoding: try encoder.encode(Self.task()), as: UTF8.self)
        #expect(plain == #"{"attributes":{"amount":6200},"channel":"chat","createdAt":721692800,"declinedBy":[],"escalationLevel":0,"evidence":{},"id":"T1","lane":"routine","priority":3,"queue":"claims","queuedAt":721692800,"state":{"queued":{}},"step":"review","stepEnteredAt":721692800,"workflow":"claims","workflowVersion":1}"#)
        #expect(try JSONDecoder().decode(WorkTask.self, from: Data(plain.utf8)) == Self.task())

        var full = Self.task()
        full.evidence = ["invoice": "INV-7"]
        full.exception = Self.item
        full.declinedBy = ["ana"]
        full.finishedAt = t0 + 90
        full.responseWindow = 600
        full.decidedEvidence = ["invoice"]
        full.learnedResponseWindow = 1200
        let text = String(decoding: try encoder.encode(full), as: UTF8.self)
        for key in ["evidence", "exception", "declinedBy", "finishedAt", "responseWindow", "decidedEvidence", "learnedResponseWindow"] {
            #expect(text.contains("\"\(key)\":"))
        }
        #expect(try JSONDecoder().decode(WorkTask.self, from: Data(text.utf8)) == full)
    }
}
