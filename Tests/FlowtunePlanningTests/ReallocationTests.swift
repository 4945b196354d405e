import FlowtuneCore
import Foundation
import Testing

@testable import FlowtunePlanning

private let handling = 240.0
private let promise = ServiceLevelTarget(percent: 80, within: 20)

private func queue(_ id: String, skill: String, level: Int) -> Queue {
    Queue(id: QueueID(id), serviceLevel: promise, requirement: Requirement(skills: [skill: level]))
}

private func member(
    _ id: String, serving: String?, skills: [String: Int] = [:], flexible: Bool = false, cost: Double = 0,
    status: Worker.Status = .available
) -> WorkerSnapshot {
    WorkerSnapshot(worker: Worker(id: WorkerID(id), skills: skills, status: status),
                   serving: serving.map(QueueID.init), flexible: flexible, moveCost: cost)
}

/// Erlang C's service level within 20 s for `agents` agents at `rate` calls per second.
private func erlangC(_ agents: Int, _ rate: Double) -> Double {
    ErlangCQueue(agents: agents, arrivalRate: rate, meanHandlingTime: handling).serviceLevel(within: 20)
}

/// The fewest agents giving 80% within 20 s at `rate`.
private func required(_ rate: Double) throws -> Int {
    try Staffing.agentsRequired(arrivalRate: rate, meanHandlingTime: handling,
                                target: StaffingTarget(serviceLevel: 0.8, answerTime: 20)).agents
}

@Suite("Reallocation: prediction")
struct ReallocationPredictionTests {
    @Test("Without backlog a stable queue's outlook is Erlang C's service level, interval by interval")
    func stationary() {
        let snapshot = QueueSnapshot(queue: queue("q", skill: "a", level: 1), waiting: 0,
                                     arrivalRates: [0.05, 0.06, 0.04], meanHandlingTime: handling)
        let outlook = QueueOutlook(snapshot: snapshot, agents: 16, intervalLength: 900)
        for (interval, rate) in zip(outlook.intervals, [0.05, 0.06, 0.04]) {
            #expect(abs(interval.serviceLevel - erlangC(16, rate)) < 1e-12)
            #expect(interval.backlogAtStart == 0)
            // The stationary mean queue, λ·E[wait], as the depth.
            let queue = ErlangCQueue(agents: 16, arrivalRate: rate, meanHandlingTime: handling)
            #expect(abs(interval.expectedDepth - rate * queue.averageSpeedOfAnswer) < 1e-12)
        }
        let weighted = (0.05 * erlangC(16, 0.05) + 0.06 * erlangC(16, 0.06) + 0.04 * erlangC(16, 0.04)) / 0.15
        #expect(abs(outlook.serviceLevel - weighted) < 1e-12)
    }

    @Test("A backlog grows by the arrivals the agents cannot serve and is carried into the next interval")
    func fluidBacklog() {
        // 10 agents serve 10/240 per second; 0.08 arrive: the backlog grows by (0.08 − 1/24)·900.
        let snapshot = QueueSnapshot(queue: queue("q", skill: "a", level: 1), waiting: 30,
                                     arrivalRates: [0.08, 0.08, 0.01], meanHandlingTime: handling)
        let outlook = QueueOutlook(snapshot: snapshot, agents: 10, intervalLength: 900)
        let growth = (0.08 - 10.0 / 240) * 900
        #expect(abs(outlook.intervals[0].expectedDepth - (30 + growth)) < 1e-9)
        #expect(abs(outlook.intervals[1].backlogAtStart - (30 + growth)) < 1e-9)
        #expect(abs(outlook.intervals[1].expectedDepth - (30 + 2 * growth)) < 1e-9)
        #expect(outlook.intervals[0].serviceLevel == 0)
        // The third interval has spare capacity to clear the 99 waiting: served as extra arrivals.
        let effective = 0.01 + (30 + 2 * growth) / 900
        #expect(abs(outlook.intervals[2].serviceLevel - erlangC(10, effective)) < 1e-12)
        #expect(outlook.intervals[2].expectedDepth < outlook.intervals[2].backlogAtStart)
    }

    @Test("With patience the backlog settles at (λ − cμ)·patience instead of growing without end")
    func patientBacklog() {
        let snapshot = QueueSnapshot(queue: queue("q", skill: "a", level: 1), waiting: 0,
                                     arrivalRates: [0.1, 0.1, 0.1, 0.1, 0.1, 0.1], meanHandlingTime: handling,
                                     patience: .exponential(meanPatience: 120))
        let outlook = QueueOutlook(snapshot: snapshot, agents: 20, intervalLength: 900)
        let equilibrium = (0.1 - 20.0 / 240) * 120
        let first = equilibrium * (1 - exp(-900.0 / 120))
        // The depth is at least the fluid backlog (the stationary Erlang A queue may be longer).
        #expect(outlook.intervals[0].expectedDepth >= first - 1e-9)
        #expect(abs(outlook.intervals[1].backlogAtStart - first) < 1e-9)
        #expect(abs(outlook.intervals[5].backlogAtStart - equilibrium) < 1e-3)
        #expect(outlook.intervals[0].abandonment > 0)
    }

    @Test("The risk margin is the configured one until enough errors, then mean + σ of the errors, capped")
    func margin() {
        var margin = RiskMargin(configured: 0.02, minimumSamples: 3, smoothing: 0.5, deviations: 1, ceiling: 0.1)
        margin.observe(predicted: 0.85, observed: 0.80)
        margin.observe(predicted: 0.85, observed: 0.82)
        #expect(margin.value == 0.02)
        margin.observe(predicted: 0.85, observed: 0.81)
        // Errors 0.05, 0.03, 0.04 with α = 0.5: mean 0.05 → 0.04 → 0.04, variance 0 → 0.0001 → 0.000_05.
        #expect(abs(margin.value - (0.04 + 0.000_05.squareRoot())) < 1e-12)
        for _ in 0..<20 { margin.observe(predicted: 0.9, observed: 0.5) }
        #expect(margin.value == 0.1)
        var optimistic = RiskMargin(minimumSamples: 1)
        optimistic.observe(predicted: 0.7, observed: 0.9)
        #expect(optimistic.value == 0)
    }
}

@Suite("Reallocation: proposals")
struct ReallocationProposalTests {
    @Test("No queue at risk: no moves, every queue assessed")
    func quiet() throws {
        let queues = [QueueSnapshot(queue: queue("a", skill: "a", level: 1), waiting: 0, arrivalRates: [0.05],
                                    meanHandlingTime: handling),
                      QueueSnapshot(queue: queue("b", skill: "b", level: 1), waiting: 0, arrivalRates: [0.05],
                                    meanHandlingTime: handling)]
        let workers = (0..<18).map { member("a\($0)", serving: "a", skills: ["a": 5, "b": 5], flexible: true) }
            + (0..<18).map { member("b\($0)", serving: "b", skills: ["a": 5, "b": 5], flexible: true) }
        let plan = try Reallocator(settings: ReallocationSettings(automaticCostLimit: 10))
            .plan(ReallocationSnapshot(time: Date(timeIntervalSince1970: 0), queues: queues, workers: workers))
        #expect(plan.moves.isEmpty)
        #expect(plan.queues.map(\.atRisk) == [false, false])
        #expect(plan.queues.allSatisfy { $0.serviceLevelAfter == $0.outlook.serviceLevel && $0.agentsAfter == 18 })
    }

    @Test("Bad input names the queue or worker and the field")
    func refusals() {
        let good = QueueSnapshot(queue: queue("a", skill: "a", level: 1), waiting: 0, arrivalRates: [0.05],
                                 meanHandlingTime: handling)
        let reallocator = Reallocator(settings: ReallocationSettings(automaticCostLimit: 1))
        func error(_ queues: [QueueSnapshot], _ workers: [WorkerSnapshot] = []) -> ReallocationError? {
            do {
                _ = try reallocator.plan(ReallocationSnapshot(time: Date(), queues: queues, workers: workers))
                return nil
            } catch { return error as? ReallocationError }
        }
        var empty = good
        empty.arrivalRates = []
        #expect(error([empty])?.field == "arrivalRates")
        var negative = good
        negative.arrivalRates = [0.1, -1]
        #expect(error([negative])?.description == "a: arrivalRates: -1.0 is not a finite rate ≥ 0")
        #expect(error([good, good])?.field == "queue")
        #expect(error([good], [member("w", serving: "nowhere")])?.subject == "w")
        #expect(error([good], [member("w", serving: "a", cost: -1)])?.field == "moveCost")
    }

    /// Billing's arrivals double at minute 3; sales and support staff above their need lend
    /// eligible flexible workers. Each minute's snapshot carries the moves applied so far; moves
    /// over the limit stay pending until an operator approves them at minute 6.
    @Test("A simulated surge: eligible flexible workers move in, donors keep their promise, dear moves wait")
    func surge() throws {
        let base = 1.0 / 30, surged = 2.0 / 30, donorRate = 0.2
        let queues = [queue("billing", skill: "billing", level: 5), queue("sales", skill: "sales", level: 3),
                      queue("support", skill: "support", level: 3)]
        // One agent above the bare need, so that billing clears the 2-point margin before the surge.
        let billingStaff = try required(base) + 1
        let donorStaff = try required(donorRate) + 6
        var workers = (0..<billingStaff).map { member("b\($0)", serving: "billing", skills: ["billing": 6]) }
        // Sales: four cheap and three dear eligible flexible workers, one flexible but below
        // billing's level, one eligible but not flexible, the rest sales only.
        workers += (0..<4).map { member("s-cheap\($0)", serving: "sales", skills: ["sales": 5, "billing": 7], flexible: true, cost: 2) }
        workers += (0..<3).map { member("s-dear\($0)", serving: "sales", skills: ["sales": 5, "billing": 9], flexible: true, cost: 10) }
        workers.append(member("s-novice", serving: "sales", skills: ["sales": 5, "billing": 3], flexible: true, cost: 1))
        workers.append(member("s-fixed", serving: "sales", skills: ["sales": 5, "billing": 8], flexible: false, cost: 1))
        workers += (0..<(donorStaff - 9)).map { member("s\($0)", serving: "sales", skills: ["sales": 5]) }
        // Support: four eligible flexible at cost 3, the rest support only; one more away.
        workers += (0..<4).map { member("p-flex\($0)", serving: "support", skills: ["support": 5, "billing": 5], flexible: true, cost: 3) }
        workers += (0..<(donorStaff - 4)).map { member("p\($0)", serving: "support", skills: ["support": 5]) }
        workers.append(member("p-away", serving: "support", skills: ["support": 5, "billing": 9], flexible: true, cost: 0, status: .away))

        let reallocator = Reallocator(settings: ReallocationSettings(intervalLength: 900, automaticCostLimit: 5))
        var waiting = 0.0
        var everApplied: [PlannedMove] = []
        var everPending: Set<WorkerID> = []
        let ineligible: Set<WorkerID> = [WorkerID("s-novice"), WorkerID("s-fixed"), WorkerID("p-away")]
        for minute in 0..<10 {
            let rate = minute < 3 ? base : surged
            let snapshot = ReallocationSnapshot(
                time: Date(timeIntervalSince1970: Double(minute) * 60),
                queues: [QueueSnapshot(queue: queues[0], waiting: Int(waiting.rounded()), arrivalRates: [rate, rate, rate, rate],
                                       meanHandlingTime: handling),
                         QueueSnapshot(queue: queues[1], waiting: 0, arrivalRates: [donorRate, donorRate, donorRate, donorRate],
                                       meanHandlingTime: handling),
                         QueueSnapshot(queue: queues[2], waiting: 0, arrivalRates: [donorRate, donorRate, donorRate, donorRate],
                                       meanHandlingTime: handling)],
                workers: workers)
            let plan = try reallocator.plan(snapshot)
            let billing = plan.queues[0]
            print("minute \(minute): billing waiting \(Int(waiting.rounded())), agents \(billing.outlook.agents), predicted \(Reallocator.percent(billing.outlook.serviceLevel)) → \(Reallocator.percent(billing.serviceLevelAfter)) (goal \(Reallocator.percent(billing.goal))), needed \(billing.agentsNeeded.map(String.init) ?? "-"), applied \(plan.applied.count), pending \(plan.pendingApproval.count)")
            if minute < 3 {
                #expect(plan.moves.isEmpty, "minute \(minute): nothing at risk before the surge")
            }
            for move in plan.moves {
                #expect(!ineligible.contains(move.worker), "\(move.worker) is not a candidate")
                let moved = workers.first { $0.worker.id == move.worker }!
                #expect(moved.flexible && queues[0].requirement.isMet(by: moved.worker))
                #expect(move.to == queues[0].id)
                #expect(move.needsApproval == (move.cost > 5))
                if let donor = move.explanation.donor { #expect(donor.after >= donor.goal) }
                // One agent may not lift a queue that cannot keep up; all of them together must.
                #expect(move.explanation.target.after >= move.explanation.target.before)
                #expect(move.explanation.targetAfterPlan >= move.explanation.target.after)
                // Those passed over carry the planner's reason codes, closest contenders first:
                // by reason in the order of ``PassOverReason``, then by cost.
                let ranks = move.explanation.passedOver.map { loser -> (Int, Double) in
                    let reason = PassOverReason(rawValue: loser.reason)
                    #expect(reason != nil, "\(loser.reason) is a reason code")
                    return (reason.flatMap { PassOverReason.allCases.firstIndex(of: $0) } ?? -1, loser.cost)
                }
                #expect(zip(ranks, ranks.dropFirst()).allSatisfy { $0 <= $1 })
                #expect(move.explanation.passedOver.count <= move.explanation.candidatesConsidered)
                #expect(move.explanation.passedOver.allSatisfy { loser in
                    ineligible.contains(loser.worker) ? loser.reason != PassOverReason.dearer.rawValue : true
                })
            }
            for assessment in plan.queues where assessment.queue != queues[0].id {
                #expect(assessment.serviceLevelAfter >= assessment.goal, "\(assessment.queue) stays at its goal")
            }
            // The engine's part: applied moves change the staffing; pending ones wait, and the
            // operator approves them at minute 6.
            everApplied += plan.applied
            everPending.formUnion(plan.pendingApproval.map(\.worker))
            var approved = plan.applied
            if minute == 6 { approved += plan.pendingApproval }
            for move in approved {
                let index = workers.firstIndex { $0.worker.id == move.worker }!
                workers[index].serving = move.to
            }
            let agents = workers.filter { $0.serving == queues[0].id && $0.worker.status == .available }.count
            waiting = max(0, waiting + (rate - Double(agents) / handling) * 60)
        }
        let billingAgents = workers.filter { $0.serving == queues[0].id }.count
        let salesAgents = workers.filter { $0.serving == queues[1].id }.count
        let supportAgents = workers.filter { $0.serving == queues[2].id && $0.worker.status == .available }.count
        // The surge alone would sink billing; the moves bring it back above its promise, and the
        // donors stay above theirs, by Erlang C on the final staffing.
        #expect(erlangC(billingStaff, surged) < 0.8)
        #expect(erlangC(billingAgents, surged) >= 0.8)
        #expect(erlangC(salesAgents, donorRate) >= 0.8)
        #expect(erlangC(supportAgents, donorRate) >= 0.8)
        // Cheap moves were applied at once; the dear ones waited for the operator.
        #expect(!everApplied.isEmpty && everApplied.allSatisfy { $0.cost <= 5 })
        #expect(!everPending.isEmpty && everPending.allSatisfy { $0.rawValue.hasPrefix("s-dear") })
        #expect(workers.filter { ineligible.contains($0.worker.id) }.allSatisfy { $0.serving != queues[0].id })
        print("surge: billing \(billingStaff) → \(billingAgents) agents, SL \(erlangC(billingStaff, surged)) → \(erlangC(billingAgents, surged)); sales \(donorStaff) → \(salesAgents) (\(erlangC(salesAgents, donorRate))), support \(donorStaff) → \(supportAgents) (\(erlangC(supportAgents, donorRate))); applied \(everApplied.count), pending \(everPending.sorted { $0.rawValue < $1.rawValue })")
        for move in everApplied.prefix(2) { print(move.explanation.summary) }
    }
}
