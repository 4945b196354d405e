import Foundation
import Testing

@testable import FlowtuneMining

/// A log written out event by event, for tests: names instead of numbers, hours instead of seconds.
struct HandmadeLog {
    var builder = EventLogBuilder()

    /// Adds one event; `at` and `start` are in hours.
    mutating func add(
        _ caseID: String, _ activity: String, at hours: Double, start: Double? = nil, by resource: String? = nil,
        team: String? = nil, lifecycle: Lifecycle = .complete, attributes: [String: String] = [:]
    ) {
        let c = builder.caseIDs.intern(caseID)
        let a = builder.activities.intern(activity)
        let r = resource.map { builder.resources.intern($0) } ?? -1
        let g = team.map { builder.groups.intern($0) } ?? -1
        builder.add(RawEvent(
            caseIndex: c, activity: a, lifecycle: lifecycle, time: hours * 3600, startTime: start.map { $0 * 3600 } ?? .nan,
            resource: r, group: g))
        for (key, value) in attributes.sorted(by: { $0.key < $1.key }) {
            builder.setAttribute(key: builder.attributeKeys.intern(key), value: builder.attributeValues.intern(value))
        }
    }

    /// Adds a case of completions one hour apart from `from`, each activity optionally `name@resource/team`.
    mutating func trace(_ caseID: String, _ steps: [String], from: Double = 0, every: Double = 1) {
        for (index, step) in steps.enumerated() {
            var name = Substring(step)
            var resource: String?
            var team: String?
            if let slash = name.firstIndex(of: "/") {
                team = String(name[name.index(after: slash)...])
                name = name[..<slash]
            }
            if let at = name.firstIndex(of: "@") {
                resource = String(name[name.index(after: at)...])
                name = name[..<at]
            }
            add(caseID, String(name), at: from + Double(index) * every, by: resource, team: team)
        }
    }

    func build() -> EventLog { builder.build() }
}

@Suite("Analysis: directly-follows graphs and hand-off times")
struct AnalysisGraphTests {
    @Test("Frequencies, cases, start and end activities")
    func frequencies() throws {
        var log = HandmadeLog()
        log.trace("1", ["A", "B", "C"])
        log.trace("2", ["A", "B", "B", "C"])
        log.trace("3", ["A", "C"])
        let analysis = LogAnalysis(log.build())
        let graph = analysis.activityGraph
        #expect(graph.nodes == ["A", "B", "C"])
        #expect(graph.edge(from: "A", to: "B")?.count == 2)
        #expect(graph.edge(from: "B", to: "B")?.count == 1)
        #expect(graph.edge(from: "B", to: "C")?.count == 2)
        #expect(graph.edge(from: "A", to: "C")?.count == 1)
        #expect(graph.edge(from: "C", to: "A") == nil)
        #expect(graph.traversals == 6)
        #expect(graph.edges.map(\.count) == [2, 2, 1, 1], "most frequent first")
        #expect(graph.starts.map { [$0.name: $0.count] } == [["A": 3]])
        #expect(graph.ends.map { [$0.name: $0.count] } == [["C": 3]])
        let bc = try #require(graph.edge(from: "B", to: "C"))
        #expect(bc.cases == 2)
        #expect(analysis.cases == 3 && analysis.instances == 9)
    }

    @Test("Hand-off time runs from A's end to B's start, else B's end; overlap counts as no wait")
    func handoffTimes() throws {
        var log = HandmadeLog()
        // B's start is known: 2 h after A ended.
        log.add("1", "A", at: 1, start: 0)
        log.add("1", "B", at: 5, start: 3)
        // B's start unknown: its end stands in (4 h).
        log.add("2", "A", at: 1, start: 0)
        log.add("2", "B", at: 5)
        // B starts before A ends (overlapping work): 0, not −1.
        log.add("3", "A", at: 2, start: 0)
        log.add("3", "B", at: 5, start: 1)
        let edge = try #require(LogAnalysis(log.build()).activityGraph.edge(from: "A", to: "B"))
        #expect(edge.count == 3)
        #expect(edge.handoffTime.min == 0)
        #expect(edge.handoffTime.max == 4 * 3600)
        #expect(edge.handoffTime.total == 6 * 3600)
        #expect(edge.handoffTime.mean == 2 * 3600)
        #expect(edge.handoffTime.median == 2 * 3600)
    }

    @Test("Quantiles interpolate between order statistics as numpy's default does")
    func quantiles() {
        // numpy.percentile([1, 2, 3, 4, 10], [50, 90]) == [3.0, 7.6]
        let summary = DurationSummary(unsorted: [10, 1, 4, 3, 2])
        #expect(summary.median == 3)
        #expect(abs(summary.p90 - 7.6) < 1e-12)
        #expect(summary.mean == 4)
        #expect(abs(summary.standardDeviation - 3.535_533_905_932_737_6) < 1e-12)
        // numpy.percentile([60, 90, 120, 3600], [50, 90]) == [105.0, 2556.0]
        let four = DurationSummary(unsorted: [60, 3600, 120, 90])
        #expect(four.median == 105 && abs(four.p90 - 2556) < 1e-9)
        let one = DurationSummary(unsorted: [42])
        #expect(one.median == 42 && one.p90 == 42 && one.standardDeviation == 0)
        #expect(DurationSummary(unsorted: []) == .empty)
    }

    @Test("Selection finds the same median and p90 as sorting, runs of equal waits included")
    func selectionMatchesSorting() {
        var state: UInt64 = 7
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        for size in [1, 2, 3, 5, 10, 11, 100, 1001, 5000] {
            // Mostly zeros and a few distinct values, as the waits of a busy hand-off look.
            var values = (0..<size).map { _ in next() % 3 == 0 ? Double(next() % 50) : 0 }
            let sorted = values.sorted()
            let expected = sorted.withUnsafeBufferPointer { DurationSummary(sorted: $0) }
            let selected = values.withUnsafeMutableBufferPointer { DurationSummary(selecting: $0) }
            #expect(selected.median == expected.median && selected.p90 == expected.p90, "size \(size)")
            #expect(selected.min == expected.min && selected.max == expected.max && selected.count == size)
            #expect(abs(selected.mean - expected.mean) <= 1e-9 * max(1, expected.mean))
        }
    }

    @Test("Teams: every pair including within a team; pairs with no team left out and counted")
    func teamGraph() throws {
        var log = HandmadeLog()
        log.trace("1", ["A@ann/Sales", "B@bob/Sales", "C@cy/Billing", "D@dee"])
        log.trace("2", ["A@ann/Sales", "C@cy/Billing"])
        let analysis = LogAnalysis(log.build())
        let teams = analysis.teamGraph
        #expect(analysis.hasTeams)
        #expect(teams.edge(from: "Sales", to: "Sales")?.count == 1)
        #expect(teams.edge(from: "Sales", to: "Billing")?.count == 2)
        #expect(teams.edge(from: "Sales", to: "Billing")?.cases == 2)
        #expect(teams.unattributed == 1, "C → D: D names no team")
        #expect(teams.starts.map(\.name) == ["Sales"])
        #expect(teams.ends.map { [$0.name: $0.count] } == [["Billing": 1]], "case 1 ends at a step with no team")
        let people = analysis.resourceGraph
        #expect(people.edge(from: "cy", to: "dee")?.count == 1)
        #expect(people.traversals == 4 && people.unattributed == 0)
    }

    @Test("Variants: counts, shares, cycle times, most frequent first")
    func variants() throws {
        var log = HandmadeLog()
        log.trace("1", ["A", "B", "C"])
        log.trace("2", ["A", "C"], every: 5)
        log.trace("3", ["A", "B", "C"], every: 3)
        log.trace("4", ["A", "B", "C"], every: 2)
        let analysis = LogAnalysis(log.build())
        #expect(analysis.variants.count == 2)
        let first = analysis.variants[0]
        #expect(first.activities == ["A", "B", "C"])
        #expect(first.cases == 3 && first.share == 0.75 && first.exampleCase == "1")
        #expect(first.cycleTime.mean == 4 * 3600)  // 2, 6 and 4 hours
        #expect(first.cycleTime.median == 4 * 3600)
        #expect(analysis.variants[1].activities == ["A", "C"] && analysis.variants[1].cycleTime.mean == 5 * 3600)
        #expect(analysis.cycleTime.count == 4 && analysis.cycleTime.max == 6 * 3600)
    }
}

@Suite("Analysis: rework, ping-pong, reassignments")
struct AnalysisLaborTests {
    @Test("Rework: cases that redo an activity and the repeats")
    func rework() throws {
        var log = HandmadeLog()
        log.trace("1", ["A", "B", "A", "B", "A"])
        log.trace("2", ["A", "B"])
        log.trace("3", ["B", "B"])
        let analysis = LogAnalysis(log.build())
        let a = try #require(analysis.step("A"))
        #expect(a.instances == 4 && a.cases == 2)
        #expect(a.rework.cases == 1 && a.rework.repeats == 2 && a.rework.share == 0.5)
        let b = try #require(analysis.step("B"))
        #expect(b.cases == 3 && b.rework.cases == 2 && b.rework.repeats == 2)
        // Hand-offs into a repeat carry it as rework.
        #expect(analysis.activityGraph.edge(from: "B", to: "A")?.measures.rework == 2)
        #expect(analysis.activityGraph.edge(from: "A", to: "B")?.measures.rework == 1)
        #expect(analysis.activityGraph.edge(from: "B", to: "B")?.measures.rework == 1)
    }

    @Test("Ping-pong: r1 → r2 → r1, r2 may do several steps; nobody named breaks it")
    func pingPong() throws {
        var log = HandmadeLog()
        log.trace("1", ["A@ann", "B@bob", "C@ann"])  // one bounce
        log.trace("2", ["A@ann", "B@bob", "C@bob", "D@ann", "E@bob"])  // ann→bob→ann, then bob→ann→bob
        log.trace("3", ["A@ann", "B", "C@ann"])  // B names nobody: not a bounce
        log.trace("4", ["A@ann", "B@ann", "C@bob"])  // no return
        let analysis = LogAnalysis(log.build())
        let people = analysis.resourcePingPong
        #expect(people.occurrences == 3)
        #expect(people.cases == 2)
        #expect(people.pairs == [
            PingPongSummary.Pair(from: "ann", to: "bob", count: 2), PingPongSummary.Pair(from: "bob", to: "ann", count: 1),
        ])
        let graph = analysis.activityGraph
        #expect(graph.edge(from: "A", to: "B")?.measures.resourcePingPong == 2, "the outward legs of cases 1 and 2")
        #expect(graph.edge(from: "B", to: "C")?.measures.resourcePingPong == 1, "case 1's return; case 2's B → C stays with bob")
        #expect(graph.edge(from: "C", to: "D")?.measures.resourcePingPong == 1)
        #expect(graph.edge(from: "D", to: "E")?.measures.resourcePingPong == 1)
        #expect(analysis.teamPingPong.occurrences == 0)
    }

    @Test("Ping-pong between teams")
    func teamPingPong() throws {
        var log = HandmadeLog()
        log.trace("1", ["A@ann/Front", "B@bob/Back", "C@cy/Front"])
        let analysis = LogAnalysis(log.build())
        #expect(analysis.teamPingPong.occurrences == 1)
        #expect(analysis.teamPingPong.pairs.first?.from == "Front")
        #expect(analysis.activityGraph.edge(from: "B", to: "C")?.measures.teamPingPong == 1)
        #expect(analysis.activityGraph.edge(from: "B", to: "C")?.measures.resourcePingPong == 0)
        #expect(analysis.teamGraph.edge(from: "Back", to: "Front")?.measures.teamPingPong == 1)
    }

    @Test("Reassignments on instances and repeats done by someone new are hidden labor")
    func reassignments() throws {
        var log = HandmadeLog()
        log.add("1", "A", at: 0, by: "ann")
        log.add("1", "B", at: 1, by: "bob", lifecycle: .start)
        log.add("1", "B", at: 2, by: "cy", lifecycle: .reassign)
        log.add("1", "B", at: 3, by: "dee", lifecycle: .complete)
        log.add("1", "A", at: 4, by: "eve")  // a repeat of A by someone other than ann
        log.add("1", "A", at: 5, by: "eve")  // a repeat by the same person
        let analysis = LogAnalysis(log.build())
        let b = try #require(analysis.step("B"))
        #expect(b.reassignment.reassignments == 2, "a reassign event and a different person completing")
        #expect(b.reassignment.reassignedInstances == 1)
        let a = try #require(analysis.step("A"))
        #expect(a.reassignment.ownerChanges == 1)
        #expect(a.reassignment.rate == 1.0 / 3)
        let ab = try #require(analysis.activityGraph.edge(from: "A", to: "B"))
        #expect(ab.measures.reassignments == 2 && ab.measures.hiddenLabor == 2 && ab.measures.withHiddenLabor == 1)
        let ba = try #require(analysis.activityGraph.edge(from: "B", to: "A"))
        #expect(ba.measures.ownerChanges == 1 && ba.measures.rework == 1 && ba.measures.hiddenLabor == 2)
        let aa = try #require(analysis.activityGraph.edge(from: "A", to: "A"))
        #expect(aa.measures.ownerChanges == 0 && aa.measures.rework == 1)
    }
}

@Suite("Analysis: exceptions, ownership, stale work, promises")
struct AnalysisRulesTests {
    @Test("Exception rate per step, and per hand-off whether the case hit one afterwards")
    func exceptions() throws {
        var log = HandmadeLog()
        log.trace("1", ["A", "B", "Fix", "C"])
        log.trace("2", ["A", "B", "C"])
        log.add("3", "A", at: 0)
        log.add("3", "B", at: 1, attributes: ["outcome": "failed"])
        log.add("3", "C", at: 2)
        log.trace("4", ["A", "C"])
        let rules = LogRules(
            exceptions: Markers(activities: ["Fix"], attributes: ["outcome": ["failed"]]),
            rescue: Markers(activities: ["Fix"]))
        let analysis = LogAnalysis(log.build(), rules: rules)
        #expect(analysis.step("Fix")?.exceptions.share == 1)
        let b = try #require(analysis.step("B"))
        #expect(b.exceptions.marked == 1 && abs(b.exceptions.share - 1.0 / 3) < 1e-12)
        #expect(analysis.step("C")?.exceptions.marked == 0)
        let ab = try #require(analysis.activityGraph.edge(from: "A", to: "B"))
        #expect(ab.measures.exceptionAfter == 2, "case 1 hits Fix later, case 3 is marked at B")
        #expect(ab.measures.exceptionAtTarget == 1)
        #expect(analysis.activityGraph.edge(from: "B", to: "C")?.measures.exceptionAfter == 0)
        #expect(analysis.activityGraph.edge(from: "A", to: "C")?.measures.exceptionAfter == 0)
        #expect(analysis.casesWithException == 2)
        #expect(analysis.casesRescued == 1)
        #expect(analysis.activityGraph.edge(from: "B", to: "Fix")?.measures.rescued == 1)
    }

    @Test("Ownership: distinct owners, no-resource share, the top team's share")
    func ownership() throws {
        var log = HandmadeLog()
        log.trace("1", ["A@ann/Sales", "B@bob/Ops"])
        log.trace("2", ["A@al/Sales", "B/Ops"])
        log.trace("3", ["A@ann/Sales", "B@cy/Billing"])
        log.trace("4", ["A@ann/Sales", "B@bob/Ops"])
        let analysis = LogAnalysis(log.build())
        let a = try #require(analysis.step("A")).ownership
        #expect(a.resources == 2 && a.teams == 1 && a.topResource == "ann" && a.topResourceShare == 0.75)
        #expect(a.topTeam == "Sales" && a.topTeamShare == 1 && a.withoutResource == 0)
        #expect(a.unclarity == 0)
        let b = try #require(analysis.step("B")).ownership
        #expect(b.resources == 2 && b.teams == 2 && b.withoutResource == 1 && b.withoutResourceShare == 0.25)
        #expect(b.topTeam == "Ops" && b.topTeamShare == 0.75)
        #expect(b.unclarity == (0.25 + 0.25) / 2)
        #expect(analysis.activityGraph.edge(from: "A", to: "B")?.measures.receivingUnclarity == 0.25)
    }

    @Test("Without teams, ownership clarity rests on named resources")
    func ownershipWithoutTeams() throws {
        var log = HandmadeLog()
        log.trace("1", ["A@ann", "B"])
        log.trace("2", ["A@al", "B@bob"])
        let analysis = LogAnalysis(log.build())
        #expect(!analysis.hasTeams)
        #expect(analysis.step("A")?.ownership.unclarity == 0)
        #expect(analysis.step("B")?.ownership.unclarity == 0.5)
        #expect(analysis.teamGraph.edges.isEmpty && analysis.teamGraph.unattributed == 2)
    }

    @Test("Stale hand-offs past the window after A, a step's own window over the default")
    func staleHandoffs() throws {
        var log = HandmadeLog()
        log.add("1", "A", at: 0)
        log.add("1", "B", at: 5)  // 5 h after A: past A's 4 h
        log.add("1", "C", at: 6)  // 1 h after B: within the 2 h default
        log.add("2", "A", at: 0)
        log.add("2", "B", at: 3)
        log.add("2", "C", at: 6)  // 3 h after B: past 2 h
        let rules = LogRules(responseWindow: 2 * 3600, responseWindows: ["A": 4 * 3600])
        let analysis = LogAnalysis(log.build(), rules: rules)
        #expect(analysis.measuresLateness)
        #expect(analysis.activityGraph.edge(from: "A", to: "B")?.measures.stale == 1)
        #expect(analysis.activityGraph.edge(from: "B", to: "C")?.measures.stale == 1)
        #expect(analysis.activityGraph.edge(from: "B", to: "C")?.measures.windowed == 2)
        #expect(analysis.stale.handoffsWithWindow == 4 && analysis.stale.handoffsPastWindow == 2)
        #expect(analysis.stale.openCases == 0, "no end activities: every case is closed")
    }

    @Test("Open cases past the window after their latest step, as of the rules' moment")
    func staleCases() throws {
        var log = HandmadeLog()
        log.trace("done", ["A@ann", "Close@ann"])
        log.trace("waiting", ["A@ann/Sales", "B@bob/Ops"])  // B ended at 1 h
        log.trace("fresh", ["A@ann"], from: 9)  // A ended at 9 h
        log.trace("reopened", ["A", "Close", "A@al"], from: 2)  // work after Close reopens it; last at 4 h
        let rules = LogRules(responseWindow: 4 * 3600, endActivities: ["Close"], asOf: 10 * 3600)
        let analysis = LogAnalysis(log.build(), rules: rules)
        #expect(analysis.stale.asOf == 10 * 3600)
        #expect(analysis.stale.openCases == 3)
        #expect(analysis.stale.staleCases.map(\.caseID) == ["waiting", "reopened"], "longest waiting first")
        let waiting = analysis.stale.staleCases[0]
        #expect(waiting.lastActivity == "B" && waiting.lastResource == "bob" && waiting.lastTeam == "Ops")
        #expect(waiting.waiting == 9 * 3600 && waiting.window == 4 * 3600 && waiting.since == 3600)
    }

    @Test("With no moment given, open cases are judged at the log's latest time")
    func asOfDefault() {
        var log = HandmadeLog()
        log.trace("1", ["A"], from: 0)
        log.trace("2", ["A", "Close"], from: 10)
        let analysis = LogAnalysis(log.build(), rules: LogRules(responseWindow: 3600, endActivities: ["Close"]))
        #expect(analysis.asOf == 11 * 3600)
        #expect(analysis.stale.staleCases.map(\.caseID) == ["1"])
    }

    @Test("Promises: kept, breached, overdue, pending, not reached, not started")
    func promises() throws {
        var log = HandmadeLog()
        log.trace("kept", ["Open", "Answer", "Close"])  // answered 1 h after opening
        log.trace("late", ["Open", "Triage", "Answer", "Close"], every: 3)  // 6 h
        log.trace("overdue", ["Open", "Triage"], from: 0)  // open, 20 h since opening as of 20 h
        log.trace("pending", ["Open"], from: 18)  // open, 2 h
        log.trace("closed", ["Open", "Close"])  // closed without an answer
        let rules = LogRules(
            promises: [
                .init(name: "first answer within 4 h", to: "Answer", within: 4 * 3600),
                .init(name: "answer within 2 h of triage", from: .activity("Triage"), to: "Answer", within: 2 * 3600),
            ],
            endActivities: ["Close"], asOf: 20 * 3600)
        let analysis = LogAnalysis(log.build(), rules: rules)
        let first = try #require(analysis.promise("first answer within 4 h"))
        #expect(first.kept == 1 && first.breached == 1 && first.overdue == 1 && first.pending == 1)
        #expect(first.notReached == 1 && first.notStarted == 0)
        #expect(first.breachRate == 2.0 / 3)
        #expect(first.timeToKeep.count == 2 && first.timeToKeep.min == 3600 && first.timeToKeep.max == 6 * 3600)
        let triage = try #require(analysis.promise("answer within 2 h of triage"))
        #expect(triage.breached == 1, "3 h from Triage's end to Answer")
        #expect(triage.overdue == 1)
        #expect(triage.notStarted == 3)
        // The hand-offs inside a broken promise carry it; those after the answer do not.
        let graph = analysis.activityGraph
        #expect(graph.edge(from: "Open", to: "Triage")?.measures.onBreachedPromise == 2, "late and overdue")
        #expect(graph.edge(from: "Triage", to: "Answer")?.measures.onBreachedPromise == 1)
        #expect(graph.edge(from: "Answer", to: "Close")?.measures.onBreachedPromise == 0)
        #expect(graph.edge(from: "Open", to: "Answer")?.measures.late == 0)
    }

    @Test("The analysis encodes to JSON and back unchanged")
    func codable() throws {
        var log = HandmadeLog()
        log.trace("1", ["A@ann/Sales", "B@bob/Ops", "A@ann/Sales"])
        log.trace("2", ["A@ann/Sales", "B/Ops"])
        let analysis = LogAnalysis(
            log.build(),
            rules: LogRules(
                exceptions: Markers(activities: ["B"]), responseWindow: 1800,
                promises: [.init(name: "p", to: "B", within: 60)]))
        let data = try JSONEncoder().encode(analysis)
        #expect(try JSONDecoder().decode(LogAnalysis.self, from: data) == analysis)
    }
}
