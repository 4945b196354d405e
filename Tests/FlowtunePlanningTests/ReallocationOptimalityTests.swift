import FlowtuneCore
import Foundation
import Testing

@testable import FlowtunePlanning


@Suite("Reallocation: optimality")
struct ReallocationOptimalityTests {
    /// Two queues short of agents, two with some to spare, six flexible candidates with random
    /// homes, skills and costs. Every assignment of the candidates (stay, or move to a short queue
    /// they are eligible for) is tried; among those keeping every donor at its promise, the best
    /// restores the most short queues and then costs least. Whenever some assignment restores both,
    /// the reallocator's plan must restore both at that least cost (its min-cost flow is exact
    /// then); otherwise its plan must still be feasible.
    @Test("Min-cost moves match brute force over every assignment of six candidates")
    func bruteForce() throws {
        let handling = 240.0
        let names = ["a", "b", "c", "d"]
        let queues = names.map {
            Queue(id: QueueID($0), serviceLevel: ServiceLevelTarget(percent: 80, within: 20),
                  requirement: Requirement(skills: [$0: 5]))
        }
        func level(_ agents: Int, _ rate: Double) -> Double {
            ErlangCQueue(agents: agents, arrivalRate: rate, meanHandlingTime: handling).serviceLevel(within: 20)
        }
        var fullyRestorable = 0
        var instances = 0
        for seed in 1...60 as ClosedRange<UInt64> {
            var random = SeededGenerator(seed: seed)
            let rates = (0..<4).map { _ in Double.random(in: 0.02...0.06, using: &random) }
            var agents = try rates.map {
                try Staffing.agentsRequired(arrivalRate: $0, meanHandlingTime: handling,
                                            target: StaffingTarget(serviceLevel: 0.8, answerTime: 20)).agents
            }
            agents[0] -= Int.random(in: 1...2, using: &random)
            agents[1] -= 1
            agents[2] += Int.random(in: 0...3, using: &random)
            agents[3] += Int.random(in: 0...3, using: &random)
            // Six candidates: home c, d or none; eligible for a, b or both; integer costs so that
            // ties are exact.
            var candidates: [WorkerSnapshot] = []
            var candidateHome: [Int?] = []
            for index in 0..<6 {
                let home: Int? = [2, 3, nil][Int.random(in: 0...2, using: &random)]
                var skills: [String: Int] = [names[home ?? 2]: 5]
                switch Int.random(in: 0...2, using: &random) {
                case 0: skills["a"] = 6
                case 1: skills["b"] = 6
                default: skills["a"] = 7; skills["b"] = 4 + Int.random(in: 0...2, using: &random)
                }
                candidates.append(WorkerSnapshot(
                    worker: Worker(id: WorkerID("w\(index)"), skills: skills), serving: home.map { queues[$0].id },
                    flexible: true, moveCost: Double(Int.random(in: 0...9, using: &random))))
                candidateHome.append(home)
            }
            var workers = candidates
            for queue in 0..<4 {
                let present = candidateHome.filter { $0 == queue }.count
                for index in 0..<max(agents[queue] - present, 0) {
                    workers.append(WorkerSnapshot(worker: Worker(id: WorkerID("\(names[queue])\(index)"), skills: [names[queue]: 5]),
                                                  serving: queues[queue].id, flexible: false, moveCost: 0))
                }
                agents[queue] = max(agents[queue], present)
            }
            let snapshot = ReallocationSnapshot(
                time: Date(timeIntervalSince1970: 0),
                queues: (0..<4).map {
                    QueueSnapshot(queue: queues[$0], waiting: 0, arrivalRates: [rates[$0]], meanHandlingTime: handling,
                                  riskMargin: RiskMargin(configured: 0))
                },
                workers: workers)
            let plan = try Reallocator(settings: ReallocationSettings(automaticCostLimit: 5)).plan(snapshot)
            let atRisk = (0..<4).map { level(agents[$0], rates[$0]) < 0.8 }
            #expect(plan.queues.map(\.atRisk) == atRisk, "seed \(seed)")
            guard atRisk == [true, true, false, false] else { continue }
            instances += 1

            // Brute force: 3^6 assignments, 0 stay, 1 to a, 2 to b.
            var best: (restored: Int, cost: Double) = (0, 0)
            for code in 0..<729 {
                var rest = code
                var staffing = agents
                var cost = 0.0
                var valid = true
                var losing = Set<Int>()
                for (index, candidate) in candidates.enumerated() {
                    let choice = rest % 3
                    rest /= 3
                    guard choice > 0 else { continue }
                    let target = choice - 1
                    guard queues[target].requirement.isMet(by: candidate.worker) else { valid = false; break }
                    staffing[target] += 1
                    if let home = candidateHome[index] { staffing[home] -= 1; losing.insert(home) }
                    cost += candidate.moveCost
                }
                guard valid, losing.allSatisfy({ level(staffing[$0], rates[$0]) >= 0.8 }) else { continue }
                let restored = (0..<2).filter { level(staffing[$0], rates[$0]) >= 0.8 }.count
                if restored > best.restored || (restored == best.restored && cost < best.cost) {
                    best = (restored, cost)
                }
            }

            // The plan, replayed on the staffing by hand.
            var staffing = agents
            for move in plan.moves {
                let candidate = candidates.first { $0.worker.id == move.worker }
                #expect(candidate != nil, "seed \(seed): only candidates move")
                let target = names.firstIndex(of: move.to.rawValue)!
                #expect(queues[target].requirement.isMet(by: candidate!.worker), "seed \(seed): eligible")
                staffing[target] += 1
                if let from = move.from { staffing[names.firstIndex(of: from.rawValue)!] -= 1 }
            }
            for donor in 2..<4 where staffing[donor] < agents[donor] {
                #expect(level(staffing[donor], rates[donor]) >= 0.8, "seed \(seed): donor \(names[donor]) kept")
            }
            let cost = plan.moves.reduce(0) { $0 + $1.cost }
            if best.restored == 2 {
                fullyRestorable += 1
                #expect((0..<2).allSatisfy { level(staffing[$0], rates[$0]) >= 0.8 }, "seed \(seed): both restored")
                #expect(cost == best.cost, "seed \(seed): cost \(cost) against the optimum \(best.cost)")
            }
        }
        // The comparison must have bitten on enough instances to mean something.
        #expect(instances >= 20)
        #expect(fullyRestorable >= 8)
        print("optimality: \(instances) instances with both short, \(fullyRestorable) fully restorable, all at the brute-force optimum")
    }
}
