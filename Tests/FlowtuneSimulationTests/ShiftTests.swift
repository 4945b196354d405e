import FlowtuneCore
import FlowtuneSimulation
import Foundation
import Testing

@Suite("Shifts and breaks")
struct ShiftTests {
    /// A desk staffed by ana from 08:00 to 12:00 (a break at 10:00 for 15 minutes) and by ben from
    /// 14:00 to 18:00; nobody is on between 12:00 and 14:00. Ten-minute tasks arrive at fixed times.
    static func twoShiftDesk(arrivals: [Double]) -> Scenario {
        let queue = Queue(id: "desk", serviceLevel: ServiceLevelTarget(percent: 80, within: 60), offerTimeout: 1_000_000)
        let workers = [
            Worker(id: "ana", costPerHour: 30),
            // Two at once, so that the two tasks waiting at 14:00 are both taken then.
            Worker(id: "ben", channels: [.default: 2], costPerHour: 30),
        ]
        let workflow = Workflow(
            id: "call",
            steps: [Step(id: "serve", queue: "desk", ownership: OwnershipRule(sourceSystem: "pbx", decisionOwner: "lead", responseWindow: 86_400))])
        let type = TaskType(
            name: "call", request: NewTask(workflow: "call"),
            arrivals: .replay(arrivals.map { ReplayedArrival(time: $0) }),
            steps: ["serve": StepProfile(handling: .constant(600))])
        let weekdays: Set<Int> = [1, 2, 3, 4, 5]
        return Scenario(
            name: "two shifts", definition: WorkspaceDefinition(queues: [queue], workers: workers, workflows: [workflow]),
            start: Date(timeIntervalSince1970: 1_767_600_000),  // Monday 2026-01-05 08:00 UTC
            horizon: 12 * 3600, drain: 4 * 3600, replications: 2, seed: 5, policy: .longestIdle, taskTypes: [type],
            shifts: [
                Shift(name: "early", workers: ["ana"], start: 8 * 3600, length: 4 * 3600, days: weekdays,
                      breaks: [ShiftBreak(after: 2 * 3600, length: 900)]),
                Shift(name: "late", workers: ["ben"], start: 14 * 3600, length: 4 * 3600, days: weekdays),
            ])
    }

    @Test func tasksArrivingWhenNobodyIsOnWaitForTheNextShift() throws {
        // 09:00 ana is free; 10:05 ana is on her break until 10:15; 11:55 ana takes it and
        // finishes past her shift; 12:30 and 13:00 nobody is on until ben at 14:00.
        let scenario = Self.twoShiftDesk(arrivals: [3_600, 7_500, 14_100, 16_200, 18_000])
        let result = try Simulator(scenario: scenario).run(policy: .longestIdle, replication: 0)
        #expect(result["arrivals"] == 5)
        #expect(result["completed"] == 5)
        #expect(result["wait.mean"] == 1_920.0, "(0 + 600 + 0 + 5,400 + 3,600) / 5")
        #expect(Set(result.waitPercentiles) == [0, 600, 3_600, 5_400])
        #expect(result["wait.p99"] == 5_400)
        #expect(result["delayed"] == 3.0 / 5)
        // Utilization counts time available: ana 3h45m, of which she was busy 10 + 10 + 5 minutes
        // (the last five minutes of her 11:55 task fall after her shift); ben 4h, busy 10 minutes.
        #expect(result["worker.ana.utilization"] == 1_500.0 / 13_500)
        #expect(result["worker.ben.utilization"] == 600.0 / 14_400)
        #expect(result["staffed_hours"] == 7.75)
        // Paid time is the shifts, breaks included: 4h each at 30 an hour, over five tasks.
        #expect(result["cost_per_task"] == 240.0 / 5)
    }

    @Test func shiftTimesMayBeLocal() throws {
        // The same desk written in UTC+1 (09:00 and 15:00 local) behaves exactly as in UTC.
        var scenario = Self.twoShiftDesk(arrivals: [3_600, 7_500, 14_100, 16_200, 18_000])
        scenario.utcOffset = 3_600
        for index in scenario.shifts.indices { scenario.shifts[index].start += 3_600 }
        let local = try Simulator(scenario: scenario).run(policy: .longestIdle, replication: 0)
        let utc = try Simulator(scenario: Self.twoShiftDesk(arrivals: [3_600, 7_500, 14_100, 16_200, 18_000]))
            .run(policy: .longestIdle, replication: 0)
        #expect(local.measures == utc.measures)
        // Read from the file: utc_offset: -5h30m.
        let text = """
            simulation:
              horizon: 1h
              utc_offset: -5h30m
              task_types:
                - workflow: refund
                  channel: chat
                  arrivals: { rate: 10 }
                  steps:
                    check: { handling: { distribution: constant, value: 1m }, outcomes: { approve: 1 } }
            """
        let loaded = try Scenario.load([DefinitionSource(file: "s.yaml", text: text), DefinitionSource(file: "ws.yaml", text: ScenarioLoadingTests.workspace)])
        #expect(loaded.utcOffset == -19_800)
    }

    @Test func aTaskAtTheStartOfAShiftIsAnsweredAtOnce() throws {
        // 14:00 exactly: the shift's start is applied before the arrival at the same instant.
        let scenario = Self.twoShiftDesk(arrivals: [21_600])
        let result = try Simulator(scenario: scenario).run(policy: .skillScore, replication: 0)
        #expect(result["wait.mean"] == 0)
        #expect(result["worker.ben.utilization"] == 600.0 / 14_400)
    }

    @Test func shiftsDoNotRunOnDaysTheyOmit() throws {
        // Start on Saturday: the weekday shifts never come, so the task is still open at the end.
        var scenario = Self.twoShiftDesk(arrivals: [3_600])
        scenario.start = Date(timeIntervalSince1970: 1_767_600_000 - 2 * 86_400)
        scenario.drain = 3_600
        let result = try Simulator(scenario: scenario).run(policy: .longestIdle, replication: 0)
        #expect(result["completed"] == 0)
        #expect(result["open_at_end"] == 1)
        #expect(result["staffed_hours"] == 0)
    }

    @Test func aShiftAcrossMidnightCoversBothDays() throws {
        // A night shift 22:00–06:00 with a break at 02:00: a task at 01:00 is answered at once,
        // one at 02:10 waits for the end of the break at 02:30.
        var scenario = Self.twoShiftDesk(arrivals: [17 * 3_600, 18 * 3_600 + 600])
        scenario.horizon = 22 * 3_600
        scenario.shifts = [
            Shift(name: "night", workers: ["ana", "ben"], start: 22 * 3_600, length: 8 * 3_600,
                  breaks: [ShiftBreak(after: 4 * 3_600, length: 1_800)])
        ]
        let result = try Simulator(scenario: scenario).run(policy: .longestIdle, replication: 0)
        #expect(Set(result.waitPercentiles) == [0, 1_200])
    }

    @Test func shiftsAreReadFromTheScenarioFile() throws {
        let scenario = try Scenario.load([
            DefinitionSource(file: "s.yaml", text: """
                simulation:
                  horizon: 1d
                  shifts:
                    - name: early
                      workers: [ana]
                      start: "08:00"
                      length: 8h
                      days: [mon, tue, wed, thu, fri]
                      breaks:
                        - { at: "12:00", length: 30m }
                        - { after: 6h, length: 10m }
                    - teams: [night]
                      start: 22:00
                      length: 8h
                  task_types:
                    - workflow: refund
                      channel: chat
                      arrivals: { rate: 10 }
                      steps:
                        check: { handling: { distribution: constant, value: 1m }, outcomes: { approve: 1 } }
                """),
            DefinitionSource(file: "ws.yaml", text: ScenarioLoadingTests.workspace.replacingOccurrences(
                of: "workers:\n", with: "workers:\n  - { id: nick, team: night, channels: { chat: 1 } }\n")),
        ])
        #expect(scenario.shifts.count == 2)
        #expect(scenario.shifts[0] == Shift(
            name: "early", workers: ["ana"], start: 8 * 3600, length: 8 * 3600, days: [1, 2, 3, 4, 5],
            breaks: [ShiftBreak(after: 4 * 3600, length: 1800), ShiftBreak(after: 6 * 3600, length: 600)]))
        #expect(scenario.shifts[1].teams == ["night"] && scenario.shifts[1].start == 22 * 3600 && scenario.shifts[1].days == nil)
    }

    @Test func shiftErrorsNameFileLineAndField() throws {
        let text = """
            simulation:
              horizon: 1d
              shifts:
                - workers: [anna]
                  start: "25:00"
                  length: 8h
                  days: [monday, funday]
                  breaks:
                    - { after: 7h30m, length: 1h }
                - teams: [nobody]
                  start: "09:00"
              task_types:
                - workflow: refund
                  channel: chat
                  arrivals: { rate: 10 }
                  steps:
                    check: { handling: { distribution: constant, value: 1m }, outcomes: { approve: 1 } }
            """
        let error = try #require(throws: DefinitionError.self) {
            try Scenario.load([DefinitionSource(file: "bad.yaml", text: text), DefinitionSource(file: "ws.yaml", text: ScenarioLoadingTests.workspace)])
        }
        let lines = error.issues.map(\.description)
        #expect(lines.contains("bad.yaml:5:14: simulation.shifts[0].start: \"25:00\" is not a time of day; write it like \"08:00\""))
        #expect(lines.contains { $0.hasPrefix("bad.yaml:7:13: simulation.shifts[0].days[1]: \"funday\" is not a day") })
        #expect(lines.contains("bad.yaml:9:11: simulation.shifts[0].breaks[0]: the break ends after the shift does"))
        #expect(lines.contains { $0.hasPrefix("bad.yaml:10:7: simulation.shifts[1].length: missing required field length") })
        // Checked against the workspace once the file reads cleanly.
        let fixed = text.replacingOccurrences(of: "\"25:00\"", with: "\"08:00\"").replacingOccurrences(of: "funday", with: "fri")
            .replacingOccurrences(of: "7h30m", with: "4h").replacingOccurrences(of: "start: \"09:00\"", with: "start: \"09:00\"\n      length: 4h")
        let second = try #require(throws: DefinitionError.self) {
            try Scenario.load([DefinitionSource(file: "bad.yaml", text: fixed), DefinitionSource(file: "ws.yaml", text: ScenarioLoadingTests.workspace)])
        }
        let more = second.issues.map(\.description)
        #expect(more.contains("bad.yaml:4:17: simulation.shifts[0].workers[0]: no worker anna (did you mean ana?)"), "\(more)")
        #expect(more.contains { $0.hasPrefix("bad.yaml:10:15: simulation.shifts[1].teams[0]: no worker is in team nobody") }, "\(more)")
    }
}
