import FlowtuneCore
import FlowtunePlanning
import FlowtuneSimulation
import Foundation
import Testing

/// The multi-skill check against Erlang C: single-skill pools must agree with it (the simulator
/// runs the core's routing, Erlang is the independent reference), shared agents must show what the
/// per-queue split misses, and a short desk must be reported. Every tolerance is the run's own 95%
/// interval; runs are sized for a debug build (about 1,200 calls per queue per replication).
@Suite("Multi-skill staffing check")
struct MultiSkillCheckTests {
    /// 0.1 calls/s of 30 s calls: 3 erlangs per queue; 80% answered within 20 s.
    static let rate = 0.1
    static let handling = 30.0

    static func queue(_ id: String, percent: Double = 80) -> Queue {
        Queue(id: QueueID(id), serviceLevel: ServiceLevelTarget(percent: percent, within: 20),
              requirement: Requirement(skills: [id: 1]))
    }

    static func agents(_ count: Int, prefix: String, skills: [String]) -> [Worker] {
        (1...count).map { Worker(id: WorkerID("\(prefix)\($0)"), skills: Dictionary(uniqueKeysWithValues: skills.map { ($0, 5) })) }
    }

    static func loads(_ queues: [String]) -> [MultiSkillCheck.QueueLoad] {
        queues.map { .init(queue: QueueID($0), arrivalRate: rate, meanHandlingTime: handling) }
    }

    static func erlangC(agents: Int, rate: Double) -> Double {
        ErlangCQueue(agents: agents, arrivalRate: rate, meanHandlingTime: handling).serviceLevel(within: 20)
    }

    @Test func singleSkillPoolsAgreeWithErlangC() throws {
        // Billing with 4 agents, tech with 5: nobody shared, so each queue is an M/M/c.
        let check = MultiSkillCheck(
            queues: [Self.queue("billing"), Self.queue("tech")],
            workers: Self.agents(4, prefix: "b", skills: ["billing"]) + Self.agents(5, prefix: "t", skills: ["tech"]),
            loads: Self.loads(["billing", "tech"]), horizon: 12_000, replications: 8, seed: 11)
        #expect(check.erlangAgents() == [4, 5])
        let report = try check.run()
        for (id, agents) in [("billing", 4), ("tech", 5)] {
            let result = try #require(report[QueueID(id)])
            print("single-skill \(result.summary)")
            let reference = Self.erlangC(agents: agents, rate: Self.rate)
            #expect(result.erlangServiceLevel == reference)
            #expect(result.dedicatedAgents == agents && result.eligibleAgents == agents)
            #expect(result.simulated.contains(reference), "\(id): \(result.simulated.mean) ± \(result.simulated.halfWidth), Erlang C \(reference)")
        }
        // 4 agents on 3 erlangs give 73.9%, short of 80%; 5 give 91.4%.
        #expect(report[QueueID("billing")]?.holds == false)
        #expect(report[QueueID("tech")]?.holds == true)
    }

    @Test func sharedAgentsBeatThePerQueueSplit() throws {
        // Eight agents for two 3-erlang queues. Split 4 + 4 single-skilled, each queue misses 80%;
        // the same eight skilled in both pool the queues, and Erlang's per-queue split — which
        // credits each queue with 4 — is pessimistic.
        let queues = [Self.queue("billing"), Self.queue("tech")]
        let split = MultiSkillCheck(
            queues: queues,
            workers: Self.agents(4, prefix: "b", skills: ["billing"]) + Self.agents(4, prefix: "t", skills: ["tech"]),
            loads: Self.loads(["billing", "tech"]), horizon: 12_000, replications: 8, seed: 5)
        let pooled = MultiSkillCheck(
            queues: queues, workers: Self.agents(8, prefix: "a", skills: ["billing", "tech"]),
            loads: Self.loads(["billing", "tech"]), horizon: 12_000, replications: 8, seed: 5)
        #expect(pooled.erlangAgents() == [4, 4])
        let splitReport = try split.run()
        let pooledReport = try pooled.run()
        let perQueue = Self.erlangC(agents: 4, rate: Self.rate)
        // Equal queue priorities and targets make the shared desk first-come first-served across
        // both queues: one M/M/8 on 6 erlangs.
        let merged = Self.erlangC(agents: 8, rate: 2 * Self.rate)
        for id in ["billing", "tech"] {
            let alone = try #require(splitReport[QueueID(id)])
            let shared = try #require(pooledReport[QueueID(id)])
            print("split \(alone.summary)")
            print("pooled \(shared.summary); M/M/8 \(merged)")
            #expect(shared.erlangServiceLevel == perQueue && alone.erlangServiceLevel == perQueue)
            #expect(shared.eligibleAgents == 8 && shared.dedicatedAgents == 0)
            #expect(alone.simulated.contains(perQueue))
            #expect(shared.simulated.lower > perQueue, "pooling beats Erlang's split")
            #expect(shared.erlangGap > 0.05)
            #expect(shared.simulated.lower > alone.simulated.upper, "same staff, higher level when shared")
            #expect(shared.simulated.contains(merged), "\(shared.simulated.mean) ± \(shared.simulated.halfWidth), M/M/8 \(merged)")
            #expect(!alone.holds && alone.verdict != .holds)
            #expect(shared.holds && shared.verdict == .holds)
        }
        #expect(!splitReport.holds && pooledReport.holds)
        #expect(pooledReport.missReport().isEmpty)
    }

    @Test func aShortDeskIsReportedMissing() throws {
        // Seven agents skilled in both for 6 erlangs at 90% in 20 s: Erlang's per-queue split
        // (3.5 agents each) and the simulated desk both fall far short.
        let check = MultiSkillCheck(
            queues: [Self.queue("billing", percent: 90), Self.queue("tech", percent: 90)],
            workers: Self.agents(7, prefix: "a", skills: ["billing", "tech"]),
            loads: Self.loads(["billing", "tech"]), horizon: 10_000, replications: 6, seed: 3, rule: .upperBound)
        let report = try check.run()
        #expect(check.erlangAgents() == [3.5, 3.5])
        #expect(!report.holds)
        #expect(report.misses.map(\.queue) == [QueueID("billing"), QueueID("tech")])
        for result in report.queues {
            print("short \(result.summary)")
            #expect(result.verdict == .misses)
            #expect(result.simulated.upper < 0.9)
            #expect(result.erlangAgentsRequired == 5, "3 erlangs need 5 agents for 90% in 20 s (93.8%; 4 give 73.9%)")
        }
        let text = report.missReport()
        print(text)
        #expect(text.contains("billing:") && text.contains("tech:"))
        #expect(text.contains("Erlang alone needs 5 for the target, 1.50 more."))
        #expect(text.contains("add an agent eligible for billing"))
    }

    @Test func refusesAQueueNobodyCanServe() {
        let check = MultiSkillCheck(
            queues: [Self.queue("billing"), Self.queue("legal")],
            workers: Self.agents(3, prefix: "b", skills: ["billing"]),
            loads: Self.loads(["billing", "legal"]), horizon: 1_000, replications: 2)
        #expect(throws: StaffingError(reason: "queue legal: no available worker meets its requirement")) { try check.run() }
        var missingLoad = check
        missingLoad.workers += Self.agents(1, prefix: "l", skills: ["legal"])
        missingLoad.loads.removeLast()
        #expect(throws: StaffingError(reason: "loads: queue legal has 0 loads; it needs exactly one")) { try missingLoad.run() }
    }
}
