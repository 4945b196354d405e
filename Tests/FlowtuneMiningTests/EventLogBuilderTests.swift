import Testing

@testable import FlowtuneMining

@Suite("Event log builder")
struct EventLogBuilderTests {
    @Test("Events are grouped by case and ordered by time, ties in the order read")
    func groupsAndOrders() {
        var builder = EventLogBuilder()
        let c1 = builder.caseIDs.intern("c1")
        let c2 = builder.caseIDs.intern("c2")
        let a = builder.activities.intern("A")
        let b = builder.activities.intern("B")
        let c = builder.activities.intern("C")
        builder.add(RawEvent(caseIndex: c1, activity: b, time: 20))
        builder.add(RawEvent(caseIndex: c2, activity: a, time: 5))
        builder.add(RawEvent(caseIndex: c1, activity: a, time: 10))
        builder.add(RawEvent(caseIndex: c1, activity: c, time: 20))
        let log = builder.build()
        #expect(log.caseCount == 2)
        #expect(log.instances(ofCase: 0).map { log.activities[$0.activity] } == ["A", "B", "C"])
        #expect(log.instances(ofCase: 1).map { log.activities[$0.activity] } == ["A"])
    }

    @Test("A start and the next complete of the same activity make one instance")
    func pairsLifecycle() {
        var builder = EventLogBuilder()
        let k = builder.caseIDs.intern("k")
        let a = builder.activities.intern("A")
        let b = builder.activities.intern("B")
        let ann = builder.resources.intern("Ann")
        let bob = builder.resources.intern("Bob")
        builder.add(RawEvent(caseIndex: k, activity: a, lifecycle: .start, time: 0, resource: ann))
        builder.add(RawEvent(caseIndex: k, activity: a, lifecycle: .complete, time: 60, resource: bob))
        builder.add(RawEvent(caseIndex: k, activity: b, lifecycle: .start, time: 100))
        builder.add(RawEvent(caseIndex: k, activity: b, lifecycle: .reassign, time: 110, resource: ann))
        builder.add(RawEvent(caseIndex: k, activity: b, lifecycle: .complete, time: 200))
        builder.add(RawEvent(caseIndex: k, activity: a, lifecycle: .start, time: 300))
        let log = builder.build()
        let instances = Array(log.instances(ofCase: 0))
        #expect(instances.count == 3)
        #expect(instances[0].start == 0 && instances[0].end == 60)
        #expect(instances[0].resource == bob && instances[0].reassignments == 1)
        #expect(instances[1].reassignments == 1 && instances[1].resource == ann)
        #expect(instances[2].status == .open)
        #expect(log.eventCount == 6)
        #expect(log.lifecycleCounts[.start] == 3)
    }

    @Test("Names intern to one number each, from strings or bytes")
    func interns() {
        var table = NameTable()
        for i in 0..<1000 { table.intern("name-\(i)") }
        #expect(table.count == 1000)
        #expect(table.index(of: "name-999") == 999)
        #expect(table.intern("name-5") == 5)
        #expect(table.index(of: "absent") == nil)
    }

    @Test("Timestamps with a space, fractions and offsets; a zone for those without")
    func timestamps() throws {
        #expect(Timestamp.parse("2011-10-11 13:45:40.276000+02:00") == 1_318_333_540.276)
        #expect(Timestamp.parse("2010-12-30T14:32:00.000+01:00") == 1_293_715_920)
        #expect(Timestamp.parse("2010-12-30") == 1_293_667_200)
        #expect(Timestamp.parse("2010-12-30T14:32Z") == 1_293_719_520)
        #expect(Timestamp.parse("2010-13-30") == nil)
        #expect(Timestamp.parse("30/12/2010") == nil)
        let amsterdam = try TimeZoneRule(named: "Europe/Amsterdam")
        #expect(Timestamp.parse("2011-10-11 13:45:40", zone: amsterdam) == Timestamp.parse("2011-10-11T11:45:40Z"))
        #expect(Timestamp.parse("2011-01-11 13:45:40", zone: amsterdam) == Timestamp.parse("2011-01-11T12:45:40Z"))
        #expect(Timestamp.parse("2011-01-11 13:45", zone: try TimeZoneRule(named: "-05:00")) == Timestamp.parse("2011-01-11T18:45Z"))
        #expect(throws: UnknownTimeZone.self) { try TimeZoneRule(named: "Mars/Olympus") }
    }
}
