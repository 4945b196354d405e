import Collections
import Foundation

/// Each team's recent assignments, and the workers whose share of them is over the fairness bound.
///
/// The window of a team is its last ``PredictiveSettings/fairnessWindow`` accepted assignments
/// (a count, not a time span, so that a quiet hour and a busy one weigh alike). Within it a
/// worker's **load share** is their predicted handling seconds over the team's, and their
/// **hard share** their hard tasks (see ``PredictionTable/hardTaskTypes``) over the team's. The
/// team's mean share is 1 / the number of its workers with an assignment in the window: those
/// who are actually working. A worker whose share exceeds the mean by more than
/// ``PredictiveSettings/fairnessBound`` (relative: 0.3 → above 130% of the mean) is over the
/// bound, once the window holds ``PredictiveSettings/fairnessMinimum`` assignments (hard shares:
/// that many hard tasks). Being under the mean is never a reason to pass anyone over.
///
/// Assignments are counted when an offer is accepted, under the team the worker is in then,
/// with the predicted handling time of the table in force; without a published table nothing is
/// counted.
public struct FairnessLedger: Sendable, Hashable {
    /// The windows, by team name.
    public private(set) var teams: [String: TeamWindow] = [:]
    /// The workers over the bound, by worker number, with by how much.
    private(set) var over: [Int: Overage] = [:]

    /// An empty ledger.
    public init() {}

    /// One accepted assignment.
    public struct Assignment: Sendable, Hashable {
        /// The worker's number in the workspace (registration order).
        public var worker: Int
        /// Predicted handling seconds; 0 when the table had no prediction for it.
        public var seconds: Double
        /// Whether the task was of a hard type.
        public var hard: Bool
    }

    /// A worker's part of a team's window.
    public struct Tally: Sendable, Hashable {
        /// Assignments in the window.
        public var count = 0
        /// Their predicted handling seconds.
        public var seconds = 0.0
        /// How many were hard.
        public var hard = 0
    }

    /// A team's most recent assignments and their totals.
    public struct TeamWindow: Sendable, Hashable {
        /// The assignments, oldest first.
        public private(set) var recent: Deque<Assignment> = []
        /// Each worker's part of them, by worker number.
        public private(set) var members: [Int: Tally] = [:]
        /// Predicted handling seconds of the whole window.
        public private(set) var seconds = 0.0
        /// Hard tasks in the window.
        public private(set) var hard = 0

        mutating func add(_ assignment: Assignment, window: Int) {
            recent.append(assignment)
            members[assignment.worker, default: Tally()].count += 1
            members[assignment.worker]!.seconds += assignment.seconds
            seconds += assignment.seconds
            if assignment.hard {
                members[assignment.worker]!.hard += 1
                hard += 1
            }
            while recent.count > window { drop(recent.removeFirst()) }
        }

        private mutating func drop(_ assignment: Assignment) {
            guard var tally = members[assignment.worker] else { return }
            tally.count -= 1
            tally.seconds -= assignment.seconds
            seconds -= assignment.seconds
            if assignment.hard {
                tally.hard -= 1
                hard -= 1
            }
            if tally.count == 0 {
                members[assignment.worker] = nil
            } else {
                members[assignment.worker] = tally
            }
            // Sums kept by adding and subtracting drift; an empty window starts from zero again.
            if recent.isEmpty { seconds = 0 }
        }

        /// The mean share: 1 / the workers with an assignment in the window.
        public var meanShare: Double { members.isEmpty ? 0 : 1 / Double(members.count) }

        /// `worker`'s share of the window's predicted handling seconds; nil when there are none.
        public func loadShare(of worker: Int) -> Double? {
            seconds > 0 ? max(members[worker]?.seconds ?? 0, 0) / seconds : nil
        }

        /// `worker`'s share of the window's hard tasks; nil when there are none.
        public func hardShare(of worker: Int) -> Double? {
            hard > 0 ? Double(members[worker]?.hard ?? 0) / Double(hard) : nil
        }
    }

    /// How far over the bound a worker is; nil parts are within it.
    struct Overage: Sendable, Hashable {
        /// The team whose window the worker is over in.
        var team: String
        /// share / mean − 1 for load, when over.
        var load: Double?
        /// share / mean − 1 for hard tasks, when over.
        var hard: Double?

        /// The rule an explanation names, such as `fairness: load share 41% over the team's`.
        var rule: String {
            var parts: [String] = []
            if let load { parts.append("load share \(Self.percent(load)) over the team's") }
            if let hard { parts.append("hard-task share \(Self.percent(hard)) over the team's") }
            return "fairness: " + parts.joined(separator: ", ")
        }

        static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }
    }

    /// Counts an accepted assignment and re-judges the team's workers.
    mutating func record(_ assignment: Assignment, team: String, settings: PredictiveSettings) {
        teams[team, default: TeamWindow()].add(assignment, window: max(settings.fairnessWindow, 1))
        judge(team, settings: settings)
    }

    /// Re-judges every team, as after the bound or window changed.
    mutating func rejudge(settings: PredictiveSettings) {
        over = [:]
        for team in teams.keys { judge(team, settings: settings) }
    }

    private mutating func judge(_ team: String, settings: PredictiveSettings) {
        guard let window = teams[team] else { return }
        let mean = window.meanShare
        let limit = mean * (1 + settings.fairnessBound)
        let judgeLoad = window.recent.count >= settings.fairnessMinimum && window.seconds > 0
        let judgeHard = window.hard >= max(settings.fairnessMinimum, 1)
        // Workers who left the window are no longer over.
        for (worker, overage) in over where overage.team == team && window.members[worker] == nil { over[worker] = nil }
        for worker in window.members.keys {
            var overage = Overage(team: team)
            if judgeLoad, let share = window.loadShare(of: worker), share > limit + 1e-12 {
                overage.load = share / mean - 1
            }
            if judgeHard, let share = window.hardShare(of: worker), share > limit + 1e-12 {
                overage.hard = share / mean - 1
            }
            over[worker] = overage.load == nil && overage.hard == nil ? nil : overage
        }
    }

    /// Whether the ledger has passed anyone over: when not, routing skips the check.
    var anyoneOver: Bool { !over.isEmpty }

    /// Why `worker` is over the bound, or nil.
    @inline(__always)
    func overage(of worker: Int) -> Overage? {
        over.isEmpty ? nil : over[worker]
    }
}

/// A worker's share of their team's recent work, against the team's mean share.
public struct FairnessShare: Sendable, Hashable, Codable {
    /// The worker.
    public var worker: WorkerID
    /// The team whose window the shares are of.
    public var team: String
    /// The worker's assignments in the window.
    public var assignments: Int
    /// Share of the window's predicted handling seconds, 0...1.
    public var loadShare: Double
    /// Share of the window's hard tasks, 0...1; nil when the window holds none.
    public var hardShare: Double?
    /// The team's mean share: 1 / its workers with an assignment in the window.
    public var teamMeanShare: Double
    /// Whether routing passes the worker over now.
    public var overBound: Bool

    /// Creates a share.
    public init(
        worker: WorkerID, team: String, assignments: Int, loadShare: Double, hardShare: Double?,
        teamMeanShare: Double, overBound: Bool
    ) {
        self.worker = worker
        self.team = team
        self.assignments = assignments
        self.loadShare = loadShare
        self.hardShare = hardShare
        self.teamMeanShare = teamMeanShare
        self.overBound = overBound
    }

    /// loadShare / teamMeanShare − 1: how far the load share strays from the mean, relative.
    public var loadDeviation: Double { teamMeanShare > 0 ? loadShare / teamMeanShare - 1 : 0 }

    /// hardShare / teamMeanShare − 1, when there are hard tasks.
    public var hardDeviation: Double? { hardShare.map { teamMeanShare > 0 ? $0 / teamMeanShare - 1 : 0 } }
}
