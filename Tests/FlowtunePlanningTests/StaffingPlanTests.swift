import Foundation
import Testing

@testable import FlowtunePlanning

/// Whether `agents` meets `target`, computed from the queues' own figures.
private func meets(_ agents: Int, calls: Double, handling: Double, target: StaffingTarget, patience: CallerPatience) -> Bool {
    let performance = Staffing.performance(agents: agents, arrivalRate: calls, meanHandlingTime: handling,
                                           answerTime: target.answerTime, patience: patience)
    if let level = target.serviceLevel, performance.serviceLevel < level { return false }
    if let asa = target.maxAverageSpeedOfAnswer, performance.averageSpeedOfAnswer > asa { return false }
    if let abandonment = target.maxAbandonment, performance.abandonment > abandonment { return false }
    if let occupancy = target.maxOccupancy, performance.occupancy > occupancy { return false }
    return true
}

@Suite("Staffing")
struct StaffingPlanTests {
    static let targets: [StaffingTarget] = [
        StaffingTarget(serviceLevel: 0.8, answerTime: 20),
        StaffingTarget(serviceLevel: 0.9, answerTime: 10, maxOccupancy: 0.85),
        StaffingTarget(serviceLevel: nil, maxAverageSpeedOfAnswer: 15),
        StaffingTarget(serviceLevel: 0.7, answerTime: 60, maxAbandonment: 0.03),
        StaffingTarget(serviceLevel: nil, maxAbandonment: 0.1),
        StaffingTarget(serviceLevel: 0.95, answerTime: 0),
    ]

    @Test("Agents required is the smallest count meeting the target, by brute force, for Erlang C and A")
    func bruteForce() throws {
        let loads = [0.05, 0.5, 1.7, 4, 9.5, 23, 60, 145, 310]
        for patience in [CallerPatience.unlimited, .exponential(meanPatience: 90), .exponential(meanPatience: 600)] {
            for target in Self.targets {
                if target.maxAbandonment != nil, patience == .unlimited, target.serviceLevel == nil { continue }
                for load in loads {
                    let handling = 240.0, calls = load / handling
                    let found = try Staffing.agentsRequired(arrivalRate: calls, meanHandlingTime: handling,
                                                            target: target, patience: patience)
                    var smallest = 1
                    while !meets(smallest, calls: calls, handling: handling, target: target, patience: patience) { smallest += 1 }
                    #expect(found.agents == smallest, "\(patience) \(target) at \(load) erlangs")
                    #expect(found.offeredLoad == load)
                }
            }
        }
    }

    @Test("Every figure reported for the required agents meets the target")
    func reportedFiguresMeetTarget() throws {
        let target = StaffingTarget(serviceLevel: 0.8, answerTime: 20, maxAverageSpeedOfAnswer: 12, maxAbandonment: 0.02,
                                    maxOccupancy: 0.9)
        let needed = try Staffing.agentsRequired(arrivalRate: 150.0 / 300, meanHandlingTime: 300, target: target,
                                                 patience: .exponential(meanPatience: 180))
        #expect(needed.serviceLevel >= 0.8 && needed.averageSpeedOfAnswer <= 12)
        #expect(needed.abandonment <= 0.02 && needed.occupancy <= 0.9)
        let fewer = Staffing.performance(agents: needed.agents - 1, arrivalRate: 150.0 / 300, meanHandlingTime: 300,
                                         answerTime: 20, patience: .exponential(meanPatience: 180))
        #expect(fewer.serviceLevel < 0.8 || fewer.averageSpeedOfAnswer > 12 || fewer.abandonment > 0.02 || fewer.occupancy > 0.9)
    }

    @Test("Occupancy caps large queues: 45 erlangs at 90% need 50 agents")
    func occupancyFloor() throws {
        let needed = try Staffing.agentsRequired(arrivalRate: 45.0 / 100, meanHandlingTime: 100,
                                                 target: StaffingTarget(serviceLevel: nil, maxOccupancy: 0.9))
        #expect(needed.agents == 50)
    }

    @Test("A day's plan: shrinkage rounds up, empty intervals need the minimum, every interval meets the promise")
    func dayPlan() throws {
        let calls: [Double] = (0..<96).map { index in
            let hour = Double(index) / 4
            return hour < 7 || hour >= 22 ? 0 : (120 * exp(-0.5 * pow((hour - 11) / 2.5, 2)) + 20).rounded()
        }
        let plan = try StaffingPlan(
            arrivals: IntervalSeries(start: 1_700_000_000, interval: 900, values: calls), meanHandlingTime: 270,
            target: StaffingTarget(serviceLevel: 0.8, answerTime: 20), shrinkage: 0.3)
        #expect(plan.intervals.count == 96)
        for (index, interval) in plan.intervals.enumerated() {
            if calls[index] == 0 {
                #expect(interval.agents == 0 && interval.scheduled == 0)
            } else {
                #expect(interval.serviceLevel >= 0.8)
                #expect(interval.scheduled == Int((Double(interval.agents) / 0.7 - 1e-9).rounded(.up)))
            }
            #expect(interval.start == 1_700_000_000 + Double(index) * 900)
        }
        #expect(plan.intervals[44].offeredLoad == calls[44] / 900 * 270)
        #expect(plan.overallServiceLevel >= 0.8)
        #expect(StaffingPlan.scheduled(agents: 7, shrinkage: 0.3) == 10)
        #expect(StaffingPlan.scheduled(agents: 8, shrinkage: 0.3) == 12)
        let open = try StaffingPlan(
            arrivals: IntervalSeries(start: 0, interval: 900, values: [0, 5]), meanHandlingTime: 200,
            target: StaffingTarget(), minimumAgents: 2)
        let needed = try Staffing.agentsRequired(arrivalRate: 5.0 / 900, meanHandlingTime: 200, target: StaffingTarget())
        #expect(needed.agents == 3)
        #expect(open.requiredAgents == [2, 3])
    }

    @Test("Errors name the interval and what is wrong")
    func errors() {
        let arrivals = IntervalSeries(start: 0, interval: 900, values: [10, 12, 8])
        #expect(throws: StaffingError(interval: 1, reason: "mean handling time 0.0 s is not a positive, finite time")) {
            try StaffingPlan(arrivals: arrivals, handlingTime: IntervalSeries(start: 0, interval: 900, values: [200, 0, 200]),
                             target: StaffingTarget())
        }
        #expect(throws: StaffingError(reason: "shrinkage 1.0 is not in [0, 1)")) {
            try StaffingPlan(arrivals: arrivals, meanHandlingTime: 200, target: StaffingTarget(), shrinkage: 1)
        }
        #expect(throws: StaffingError(reason: "service level 1.0 is not between 0 and 1 (exclusive)")) {
            try StaffingPlan(arrivals: arrivals, meanHandlingTime: 200, target: StaffingTarget(serviceLevel: 1))
        }
    }
}
