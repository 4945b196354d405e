import FlowtuneCore
import Foundation
import Testing

@testable import FlowtuneMining

/// A short workspace history made by hand: three workers in two teams, a two-step workflow, and
/// four tasks — one through reassignment, escalation and an exception, one cancelled, one left
/// open, one moved to the exception lane while waiting and cancelled there.
private enum History {
    static let t0 = 1_700_000_000.0

    static func at(_ offset: Double, _ actor: String, _ payload: EventPayload) -> Event {
        Event(time: Date(timeIntervalSince1970: t0 + offset), actor: actor, payload: payload)
    }

    static let workflow = Workflow(
        id: "claims", version: 1,
        steps: [
            Step(
                id: "review", queue: "adjusters",
                ownership: OwnershipRule(sourceSystem: "claims-db", decisionOwner: "claims-team", responseWindow: 60),
                next: ["approved": .step("payout"), "rejected": .end]),
            Step(
                id: "payout", queue: "finance",
                ownership: OwnershipRule(sourceSystem: "ledger", decisionOwner: "finance-team", responseWindow: 3600)),
        ])

    static func created(_ task: TaskID, _ attributes: JSONValue = .object([:])) -> EventPayload {
        .taskCreated(TaskCreated(
            task: task, workflow: "claims", workflowVersion: 1, channel: "email", priority: 4, attributes: attributes))
    }

    static func completed(_ task: TaskID, _ step: StepID, by worker: WorkerID, _ outcome: String, next: Transition) -> EventPayload {
        .stepCompleted(StepCompletion(task: task, step: step, worker: worker, outcome: outcome, evidence: [:], next: next))
    }

    static func exception(_ reason: String) -> ExceptionItem {
        ExceptionItem(
            owner: "claims-team", due: Date(timeIntervalSince1970: t0 + 86400), reason: reason, recommendedAction: "review")
    }

    static let events: [Event] = [
        at(-100, "admin", .workflowDefined(workflow)),
        at(-90, "admin", .workerRegistered(Worker(id: "ann", team: "front"))),
        at(-90, "admin", .workerRegistered(Worker(id: "bob", team: "back"))),
        at(-90, "admin", .workerRegistered(Worker(id: "cat", team: "leads"))),
        // T1: accepted by ann, escalated, reassigned to bob who completes; payout goes to the
        // exception lane, is claimed and resumed by cat, then completed by ann.
        at(0, "api:intake", created("T1", ["amount": .number(6200), "tier": "gold", "vip": .bool(true), "tags": ["a"], "note": .null])),
        at(10, "system", .taskOffered(task: "T1", worker: "ann", expiresAt: Date(timeIntervalSince1970: t0 + 70), decision: RoutingDecision(
            policy: "round-robin", policyVersion: 1, direction: .taskToWorker, candidates: [], candidateCount: 1, excluded: [],
            runnerUpLost: nil))),
        at(20, "ann", .offerAccepted(task: "T1", worker: "ann")),
        // T2 and T3 are created while T1 is under way.
        at(50, "api:intake", created("T2")),
        at(60, "ann", .offerAccepted(task: "T2", worker: "ann")),
        at(70, "api:intake", created("T3")),
        at(80, "bob", .offerAccepted(task: "T3", worker: "bob")),
        at(90, "api:intake", created("T4")),
        at(100, "system", .escalated(task: "T1", step: "review", level: 0, action: .notify("#claims"))),
        at(120, "api:intake", .taskCancelled(task: "T2", reason: "duplicate")),
        at(140, "system", .escalated(task: "T4", step: "review", level: 0, action: .moveToException("late"))),
        at(150, "system", .movedToException(task: "T4", item: exception("response window passed"))),
        at(160, "cat", .exceptionResolved(task: "T4", resolution: .cancel, note: "customer withdrew")),
        at(200, "manager", .overrideApplied(task: "T1", change: .reassign("bob"), reason: "ann is out")),
        at(300, "bob", completed("T1", "review", by: "bob", "approved", next: .step("payout"))),
        at(400, "ann", .offerAccepted(task: "T1", worker: "ann")),
        at(500, "ann", .movedToException(task: "T1", item: exception("missing evidence: receipt"))),
        at(600, "cat", .exceptionClaimed(task: "T1", by: "cat")),
        at(700, "cat", .exceptionResolved(task: "T1", resolution: .resume("payout"), note: "receipt found")),
        at(800, "ann", .offerAccepted(task: "T1", worker: "ann")),
        at(900, "ann", completed("T1", "payout", by: "ann", "done", next: .end)),
    ]
}

/// One instance as the tests compare it: activity, resource, group, start and end offsets from t0.
private struct Row: Equatable, CustomStringConvertible {
    var activity: String
    var resource: String?
    var group: String?
    var start: Double?
    var end: Double
    var status: ActivityInstance.Status
    var reassignments: Int32 = 0

    var description: String {
        "\(activity) \(resource ?? "-") \(group ?? "-") \(start.map { "\($0)" } ?? "?")–\(end) \(status) r\(reassignments)"
    }
}

private func rows(_ log: EventLog, _ task: String) throws -> [Row] {
    let c = Int(try #require(log.caseIDs.index(of: task)))
    return log.instances(ofCase: c).map { instance in
        Row(
            activity: log.activities[instance.activity], resource: log.resourceName(instance), group: log.groupName(instance),
            start: instance.start.isNaN ? nil : instance.start - History.t0, end: instance.end - History.t0,
            status: instance.status, reassignments: instance.reassignments)
    }
}

@Suite("Flowtune's own event log")
struct FlowtuneEventLogReaderTests {
    @Test("Tasks are cases; the workflow, channel, priority and scalar attributes are case attributes")
    func cases() {
        let log = EventLog(flowtuneEvents: History.events)
        #expect(log.caseCount == 4)
        #expect((0..<4).map { log.caseIDs[Int32($0)] } == ["T1", "T2", "T3", "T4"])
        #expect(log.attribute("workflow", ofCase: 0) == "claims")
        #expect(log.attribute("workflow_version", ofCase: 0) == "1")
        #expect(log.attribute("channel", ofCase: 0) == "email")
        #expect(log.attribute("priority", ofCase: 0) == "4")
        #expect(log.attribute("amount", ofCase: 0) == "6200")
        #expect(log.attribute("tier", ofCase: 0) == "gold")
        #expect(log.attribute("vip", ofCase: 0) == "true")
        #expect(log.attribute("tags", ofCase: 0) == nil)  // not a scalar
        #expect(log.attribute("note", ofCase: 0) == nil)  // null
        #expect(log.attribute("amount", ofCase: 1) == nil)
    }

    @Test("Steps run from acceptance to completion, by the worker and the worker's team, through reassignment and an exception")
    func routedTask() throws {
        let log = EventLog(flowtuneEvents: History.events)
        #expect(try rows(log, "T1") == [
            Row(activity: "created", resource: "api:intake", group: nil, start: 0, end: 0, status: .completed),
            Row(activity: "review", resource: "bob", group: "back", start: 20, end: 300, status: .completed, reassignments: 1),
            Row(activity: "payout", resource: "ann", group: "front", start: 400, end: 500, status: .aborted),
            Row(activity: "exception", resource: "ann", group: "front", start: 500, end: 500, status: .completed),
            Row(activity: "resolve exception", resource: "cat", group: "leads", start: 600, end: 700, status: .completed),
            Row(activity: "payout", resource: "ann", group: "front", start: 800, end: 900, status: .completed),
        ])
        let first = log.range(ofCase: 0).lowerBound
        #expect(log.attribute("escalation_level", ofInstance: first + 1) == "1")
        #expect(log.attribute("escalation_action", ofInstance: first + 1) == "notify #claims")
        #expect(log.attribute("outcome", ofInstance: first + 1) == "approved")
        #expect(log.attribute("lane", ofInstance: first + 1) == nil)
        #expect(log.attribute("lane", ofInstance: first + 2) == "exception")
        #expect(log.attribute("reason", ofInstance: first + 3) == "missing evidence: receipt")
        #expect(log.attribute("owner", ofInstance: first + 3) == "claims-team")
        #expect(log.attribute("resolution", ofInstance: first + 4) == "resume at payout")
        #expect(log.attribute("outcome", ofInstance: first + 5) == "done")
        #expect(log.attribute("lane", ofInstance: first + 5) == nil)
    }

    @Test("A cancelled task ends its step aborted and gets a cancelled instance with the reason")
    func cancelled() throws {
        let log = EventLog(flowtuneEvents: History.events)
        #expect(try rows(log, "T2") == [
            Row(activity: "created", resource: "api:intake", group: nil, start: 50, end: 50, status: .completed),
            Row(activity: "review", resource: "ann", group: "front", start: 60, end: 120, status: .aborted),
            Row(activity: "cancelled", resource: "api:intake", group: nil, start: 120, end: 120, status: .completed),
        ])
        let c = log.range(ofCase: 1)
        #expect(log.attribute("reason", ofInstance: c.upperBound - 1) == "duplicate")
    }

    @Test("A step accepted and not completed is an open instance")
    func open() throws {
        let log = EventLog(flowtuneEvents: History.events)
        #expect(try rows(log, "T3") == [
            Row(activity: "created", resource: "api:intake", group: nil, start: 70, end: 70, status: .completed),
            Row(activity: "review", resource: "bob", group: "back", start: 80, end: 80, status: .open),
        ])
    }

    @Test("An exception while the step waits records the step, never accepted, in the exception lane")
    func exceptionWhileWaiting() throws {
        let log = EventLog(flowtuneEvents: History.events)
        #expect(try rows(log, "T4") == [
            Row(activity: "created", resource: "api:intake", group: nil, start: 90, end: 90, status: .completed),
            Row(activity: "review", resource: nil, group: nil, start: nil, end: 150, status: .aborted),
            Row(activity: "exception", resource: "system", group: nil, start: 150, end: 150, status: .completed),
            Row(activity: "resolve exception", resource: "cat", group: "leads", start: nil, end: 160, status: .completed),
            Row(activity: "cancelled", resource: "cat", group: "leads", start: 160, end: 160, status: .completed),
        ])
        let review = log.range(ofCase: 3).lowerBound + 1
        #expect(log.attribute("lane", ofInstance: review) == "exception")
        #expect(log.attribute("escalation_action", ofInstance: review) == "move to exception: late")
        #expect(log.attribute("resolution", ofInstance: review + 2) == "cancel")
    }

    @Test("Building does not end the reading: later events complete what was open")
    func incremental() throws {
        var reader = FlowtuneEventLogReader()
        for event in History.events { reader.add(event) }
        let before = reader.build()
        #expect(try rows(before, "T3").last?.status == .open)
        reader.add(History.at(1000, "bob", History.completed("T3", "review", by: "bob", "rejected", next: .end)))
        let after = reader.build()
        #expect(try rows(after, "T3").last == Row(
            activity: "review", resource: "bob", group: "back", start: 80, end: 1000, status: .completed))
        #expect(after.instances.count == before.instances.count)
        #expect(after.eventCount == before.eventCount + 1)
    }

    @Test("A task created before the log starts is a case named by its steps' completions")
    func olderThanTheLog() throws {
        let log = EventLog(flowtuneEvents: [
            History.at(0, "ann", .offerAccepted(task: "T9", worker: "ann")),
            History.at(30, "ann", History.completed("T9", "review", by: "ann", "approved", next: .step("payout"))),
        ])
        #expect(try rows(log, "T9") == [
            Row(activity: "review", resource: "ann", group: nil, start: 0, end: 30, status: .completed),
        ])
        #expect(log.caseAttributes.isEmpty)
    }
}
