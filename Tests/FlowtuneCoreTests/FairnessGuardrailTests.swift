import Foundation
import Testing

@testable import FlowtuneCore

@Suite("Fairness guardrail")
struct FairnessGuardrailTests {
    @Test("hard task types are the top third by overall predicted handling time, ties included")
    func hardTypes() {
        var table = PredictionTable()
        for (type, seconds) in [("a", 100.0), ("b", 200), ("c", 300), ("d", 300), ("e", 50)] {
            table.set(Prediction(handlingTime: seconds, handlingTimeUpper: seconds * 2, resolution: 0.9), taskType: type)
        }
        table.set(Prediction(handlingTime: 9999, handlingTimeUpper: 9999, resolution: 0.9), taskType: "own", worker: "w")
        // Five timed types: the top ⌈5/3⌉ = 2 are c and d, both at 300 s; "own" has no overall figure.
        #expect(table.hardTaskTypes == ["c", "d"])
        #expect(deskTable().hardTaskTypes == ["fraud"])
        #expect(PredictionTable().hardTaskTypes.isEmpty)
    }

    @Test("shares are counted over the team's last assignments, against 1 / the workers in the window")
    func ledgerShares() {
        let settings = PredictiveSettings(fairnessBound: 0.3, fairnessWindow: 4, fairnessMinimum: 2)
        var ledger = FairnessLedger()
        func record(_ worker: Int, _ seconds: Double, hard: Bool = false) {
            ledger.record(.init(worker: worker, seconds: seconds, hard: hard), team: "desk", settings: settings)
        }
        record(0, 300)
        #expect(ledger.overage(of: 0) == nil, "one assignment is below the minimum")
        record(1, 100)
        // 300 / 400 = 0.75 against a mean of 0.5: 50% over, beyond the 30% bound.
        #expect(ledger.overage(of: 0)?.load.map { abs($0 - 0.5) < 1e-12 } == true)
        #expect(ledger.overage(of: 0)?.rule == "fairness: load share 50% over the team's")
        #expect(ledger.overage(of: 1) == nil)
        record(2, 300)
        record(1, 300)
        // Window: 0 300, 1 100, 2 300, 1 300 → 0: 300/1000 = 0.3 against 1/3: within.
        #expect(ledger.overage(of: 0) == nil)
        #expect(ledger.overage(of: 1) == nil, "400 / 1000 = 0.4 is 20% over 1/3, within 30%")
        record(1, 300)
        // The first assignment rolls out: 1 100, 2 300, 1 300, 1 300 → worker 0 has left the window;
        // 1: 700 / 1000 = 0.7 against 1/2: 40% over.
        let window = ledger.teams["desk"]!
        #expect(window.recent.count == 4)
        #expect(window.members[0] == nil)
        #expect(abs(window.loadShare(of: 1)! - 0.7) < 1e-12)
        #expect(ledger.overage(of: 1)?.rule == "fairness: load share 40% over the team's")
        record(2, 600, hard: true)
        record(2, 600, hard: true)
        // 1 300, 1 300, 2 600 h, 2 600 h → 2: 1200/1800 = 0.667, 33% over; hard 2 of 2 = 100% over.
        #expect(ledger.overage(of: 2)?.rule == "fairness: load share 33% over the team's, hard-task share 100% over the team's")
        #expect(ledger.overage(of: 1) == nil)
        // A looser bound, applied to what is already counted.
        ledger.rejudge(settings: PredictiveSettings(fairnessBound: 1.5, fairnessWindow: 4, fairnessMinimum: 2))
        #expect(!ledger.anyoneOver)
    }

    /// ana does six billing tasks (240 s each) while bo and cy are away, then bo one (600 s):
    /// ana's load share is 1440 / 2040 = 0.706 against a mean of ½ — 41% over the 30% bound.
    private func unevenDesk(minimum: Int = 7) throws -> TestWorkspace {
        var ws = TestWorkspace(policy: .predictive)
        var settings = ws.settings
        settings.predictive.fairnessMinimum = minimum
        try ws.run(.configure(settings))
        try ws.desk()
        try ws.paidWorker("ana", cost: 40)
        try ws.paidWorker("bo", cost: 30, status: .away)
        try ws.paidWorker("cy", cost: 20, status: .away)
        try ws.run(.publishPredictions(deskTable()))
        for number in 1...6 {
            let id = try ws.create("support", id: TaskID("A\(number)"), attributes: ["type": "billing"])
            #expect(try ws.accept(id) == "ana")
            ws.advance(240)
            try ws.complete(id)
        }
        try ws.set(["ana"], .away)
        try ws.set(["bo"], .available)
        let id = try ws.create("support", id: "B1", attributes: ["type": "billing"])
        #expect(try ws.accept(id) == "bo")
        ws.advance(600)
        try ws.complete(id)
        return ws
    }

    @Test("a worker over the bound is passed over, and the decision names the rule and the share")
    func overShareWorkerExcluded() throws {
        var ws = try unevenDesk()
        let shares = Dictionary(uniqueKeysWithValues: ws.state.fairnessShares().map { ($0.worker, $0) })
        let ana = try #require(shares["ana"])
        #expect(abs(ana.loadShare - 1440.0 / 2040) < 1e-12)
        #expect(ana.teamMeanShare == 0.5)
        #expect(ana.overBound)
        #expect(abs(ana.loadDeviation - (1440.0 / 2040 / 0.5 - 1)) < 1e-12)
        #expect(shares["bo"]?.overBound == false)

        try ws.set(["ana", "cy"], .available)
        let offer = try #require(try ws.run(.createTask(NewTask(id: "T", workflow: "support", attributes: ["type": "billing"]))).offers.first)
        // ana has the best prediction (net 90.2 against bo's 79.5) but is over the bound.
        #expect(offer.worker == "bo")
        let rule = "fairness: load share \(Int((ana.loadDeviation * 100).rounded()))% over the team's"
        #expect(rule == "fairness: load share 41% over the team's")
        #expect(offer.decision.exclusion(rule)?.examples == ["ana"])
        #expect(offer.decision.candidate("ana") == nil)
        #expect(!offer.decision.notes.contains { $0.hasPrefix("fairness waived") })
    }

    @Test("when no one within the bound can take the task, the worker over it does, and the decision says the rule was waived")
    func waivedWhenNoOneElse() throws {
        var ws = try unevenDesk()
        try ws.set(["ana"], .available)
        try ws.set(["bo"], .away)
        let offer = try #require(try ws.run(.createTask(NewTask(id: "T", workflow: "support", attributes: ["type": "billing"]))).offers.first)
        #expect(offer.worker == "ana")
        let note = try #require(offer.decision.notes.first { $0.hasPrefix("fairness waived") })
        #expect(note.contains("ana fairness: load share 41% over the team's"))
        #expect(note.contains("work does not wait for fairness"))
        #expect(offer.decision.exclusion("fairness: load share 41% over the team's") == nil)
    }

    @Test("a freed worker over the bound still takes a waiting task no one else within the bound can take")
    func freedWorkerWaived() throws {
        var ws = try unevenDesk()
        // Only ana, over the bound, is on the floor: she takes X1 as no one else can.
        try ws.set(["bo"], .away)
        try ws.set(["ana"], .available)
        try ws.create("support", id: "X1", attributes: ["type": "billing"])
        #expect(try ws.accept("X1") == "ana")
        try ws.create("support", id: "W", attributes: ["type": "billing"])
        #expect(ws.offeredTo("W") == nil, "everyone is busy: W waits")
        ws.advance(240)
        let offer = try #require(try ws.complete("X1").offers.first)
        #expect(offer.task == "W" && offer.worker == "ana")
        #expect(offer.decision.direction == .workerToTask)
        #expect(offer.decision.notes.contains {
            $0.hasPrefix("fairness waived: ana is over the bound (fairness: load share") && $0.hasSuffix("work does not wait for fairness")
        })
    }

    @Test("the guardrail waits for the window to hold the minimum number of assignments")
    func minimumRespected() throws {
        var ws = try unevenDesk(minimum: 8)
        #expect(ws.state.fairnessShares().allSatisfy { !$0.overBound })
        try ws.set(["ana", "cy"], .available)
        let offer = try #require(try ws.run(.createTask(NewTask(id: "T", workflow: "support", attributes: ["type": "billing"]))).offers.first)
        #expect(offer.worker == "ana")
    }
}
