import Collections
import Foundation

/// Each team's load over the recent working period, and whether one more assignment would take
/// a worker's share of it past the fairness bound.
///
/// A worker's **load** is the time they spent on the team's work: for each visit (an accepted
/// offer until the task leaves them) the seconds it actually took once it has ended, and while
/// it is under way the predicted handling seconds of the table in force when it was accepted.
/// Observed time rather than predictions: a worker whose tickets run long carries that time,
/// and the policies' preference for the workers predicted quickest — whose predictions are, by
/// that very selection, the optimistic ones — does not hide it. The **period** is
/// ``PredictiveSettings/fairnessPeriod`` of time (half a working day by default), however many
/// assignments it holds: visits still under way, and those that ended within the period, count. A worker's **hard-task count** is their visits of hard
/// types (``PredictionTable/hardTaskTypes``) in the period.
///
/// The team's mean share is 1 / the workers with a visit in the period: those actually working.
/// The guardrail judges **prospectively**: a worker is over the bound for a task when taking it
/// would raise their share of the team's load — their load plus the task's predicted seconds,
/// over the team's plus the same — above the mean by more than ``PredictiveSettings/fairnessBound``
/// (relative: 0.3 → above 130% of the mean); for a hard task, likewise their hard-task count
/// plus one, unless their count is at or below the team's mean count (whole tasks split no
/// more evenly). Hard counts are judged with **one task of headroom**: taking this hard task must
/// leave room for one more within the bound — their count plus two, over the team's plus two —
/// since a count is judged only when its worker takes a task, and in between the sliding period
/// drops and adds the team's tasks a whole one at a time: workers held exactly at the bound at
/// every judgement ended a working day above it (measured in examples/learning-desk/README.md).
/// A worker passed over for want of that headroom is named so in the explanation (`leaving no
/// room for another within 30%`). Load needs none: it is time, not whole tasks, and each
/// judgement takes the task's upper quantile. Judging the share as it would be after the
/// assignment, rather than before it, keeps a worker just under the bound from stepping over it
/// with a long task. The guardrail acts, on
/// load and on hard tasks alike, once the team's period holds ``PredictiveSettings/fairnessMinimum``
/// visits. Being under the mean is never a reason to pass anyone over.
///
/// Routing passes such a worker over unless no one within the bound can take the task: work does
/// not wait for fairness. The task then goes to the worker it takes least over the hard-task
/// bound (those over on load only count as within it; see ``Overage/waiverRank``), the
/// best-scoring among equals. An assignment accepted while its worker was over the bound (hard
/// tasks' headroom included) is counted as **waived**, per worker over the period and in total, so that a desk sees how often
/// the rule gave way.
///
/// The ledger is a fold of the log: visits start at `OfferAccepted` (under the team the worker is
/// in then, with the table in force; without a published table nothing is counted) and end when
/// the task leaves the worker (completed, moved to the exception lane, cancelled, reassigned),
/// all at the events' times.
public struct FairnessLedger: Sendable, Hashable {
    /// Each team's load over the period, by team number (the order teams were first counted in).
    private(set) var loads: [TeamLoad] = []
    /// Each team's name, by team number.
    private(set) var teamNames: [String] = []
    /// Each team's number, by name.
    private var teamNumbers: [String: Int] = [:]
    /// Where each worker, by worker number, was last counted: routing judges a worker in the team
    /// they are in now, and when that is this one it is found by comparing the name rather than
    /// hashing it.
    private var placements: [Placement] = []
    /// The teams with a visit in their period.
    private var activeTeams = 0
    /// Visits under way, by task.
    private(set) var open: [TaskID: Visit] = [:]
    /// Assignments accepted while their worker was over the bound, since the ledger began.
    public private(set) var waivedTotal = 0
    /// Assignments counted since the ledger began.
    public private(set) var assignmentsTotal = 0
    /// The time of the latest event counted, in seconds since the reference date.
    private(set) var latest = -Double.infinity

    /// An empty ledger.
    public init() {}

    /// Each team with a visit in its period, by name.
    public var teams: [String: TeamLoad] {
        var teams: [String: TeamLoad] = [:]
        for number in loads.indices where loads[number].memberCount > 0 { teams[teamNames[number]] = loads[number] }
        return teams
    }

    /// A worker's team and place in it: indices into ``loads`` and the team's tallies, -1 for none.
    struct Placement: Sendable, Hashable {
        var team: Int32 = -1
        var slot: Int32 = -1
    }

    /// One visit under way: a worker holding an accepted task.
    struct Visit: Sendable, Hashable {
        /// The worker's number in the workspace (registration order).
        var worker: Int
        /// The number of the team whose load it counts in.
        var team: Int
        /// The worker's place in that team's tallies.
        var slot: Int
        /// When it was accepted, in seconds since the reference date.
        var start: Double
        /// Predicted handling seconds; 0 when the table had no prediction for it.
        var predicted: Double
        /// Whether the task was of a hard type.
        var hard: Bool
        /// Whether it was accepted over the bound.
        var waived: Bool
    }

    /// A visit that has ended, kept while it is inside the period.
    struct Ended: Sendable, Hashable {
        /// The worker's place in the team's tallies.
        var slot: Int
        /// When it ended, in seconds since the reference date.
        var end: Double
        /// The seconds it took.
        var seconds: Double
        var hard: Bool
        var waived: Bool
    }

    /// A worker's part of a team's period.
    public struct Tally: Sendable, Hashable {
        /// Visits in the period, under way or ended.
        public var visits = 0
        /// Load seconds: observed for ended visits, predicted for those under way.
        public var seconds = 0.0
        /// Visits of hard types.
        public var hard = 0
        /// Visits accepted over the bound.
        public var waived = 0
    }

    /// A team's load over the period.
    ///
    /// Each worker who has been counted in the team keeps a place (a slot) in its tallies, an
    /// array, so that judging a worker reads an element rather than hashing their number.
    public struct TeamLoad: Sendable, Hashable {
        /// Ended visits still inside the period, oldest end first.
        private(set) var ended: Deque<Ended> = []
        /// Each worker's part, by slot; a slot with no visits is a worker not in the period.
        private(set) var tallies: [Tally] = []
        /// The worker number of each slot.
        private(set) var slotWorkers: [Int] = []
        /// Each worker's slot, by worker number.
        private(set) var slots: [Int: Int] = [:]
        /// The workers with a visit in the period.
        public private(set) var memberCount = 0
        /// The team's load seconds.
        public private(set) var seconds = 0.0
        /// The team's hard visits.
        public private(set) var hard = 0
        /// The team's visits.
        public private(set) var visits = 0

        /// Each worker's part, by worker number: those with a visit in the period.
        public var members: [Int: Tally] {
            var members: [Int: Tally] = [:]
            for slot in tallies.indices where tallies[slot].visits > 0 { members[slotWorkers[slot]] = tallies[slot] }
            return members
        }

        /// The mean share: 1 / the workers with a visit in the period.
        public var meanShare: Double { memberCount == 0 ? 0 : 1 / Double(memberCount) }

        /// `worker`'s part; nil when they have no visit in the period.
        func tally(of worker: Int) -> Tally? {
            guard let slot = slots[worker], tallies[slot].visits > 0 else { return nil }
            return tallies[slot]
        }

        /// `worker`'s share of the team's load seconds; nil when there are none.
        public func loadShare(of worker: Int) -> Double? {
            seconds > 0 ? min(max(tally(of: worker)?.seconds ?? 0, 0) / seconds, 1) : nil
        }

        /// `worker`'s share of the team's hard visits; nil when there are none.
        public func hardShare(of worker: Int) -> Double? {
            hard > 0 ? Double(tally(of: worker)?.hard ?? 0) / Double(hard) : nil
        }

        /// `worker`'s slot, given one if they have none.
        mutating func slot(for worker: Int) -> Int {
            if let slot = slots[worker] { return slot }
            let slot = tallies.count
            tallies.append(Tally())
            slotWorkers.append(worker)
            slots[worker] = slot
            return slot
        }

        mutating func start(_ visit: Visit) {
            if tallies[visit.slot].visits == 0 { memberCount += 1 }
            tallies[visit.slot].visits += 1
            tallies[visit.slot].seconds += visit.predicted
            if visit.hard { tallies[visit.slot].hard += 1 }
            if visit.waived { tallies[visit.slot].waived += 1 }
            visits += 1
            seconds += visit.predicted
            if visit.hard { hard += 1 }
        }

        /// Replaces a visit's predicted seconds by what it took.
        mutating func end(_ visit: Visit, at time: Double) {
            let taken = max(time - visit.start, 0)
            tallies[visit.slot].seconds += taken - visit.predicted
            seconds += taken - visit.predicted
            ended.append(Ended(slot: visit.slot, end: time, seconds: taken, hard: visit.hard, waived: visit.waived))
        }

        /// Drops the ended visits that ended at or before `cutoff`.
        mutating func drop(endedBy cutoff: Double) {
            while let first = ended.first, first.end <= cutoff {
                ended.removeFirst()
                tallies[first.slot].visits -= 1
                if tallies[first.slot].visits == 0 {
                    // Sums kept by adding and subtracting drift: a worker out of the period
                    // starts from zero again.
                    tallies[first.slot] = Tally()
                    memberCount -= 1
                } else {
                    tallies[first.slot].seconds -= first.seconds
                    if first.hard { tallies[first.slot].hard -= 1 }
                    if first.waived { tallies[first.slot].waived -= 1 }
                }
                visits -= 1
                seconds -= first.seconds
                if first.hard { hard -= 1 }
            }
            // Likewise an empty period.
            if visits == 0 { seconds = 0 }
        }
    }

    /// How far over the bound a worker would be by taking a task; nil parts are within it.
    struct Overage: Sendable, Hashable {
        /// The team whose load the worker is judged in.
        var team: String
        /// share / mean − 1 for load after the assignment, when over.
        var load: Double?
        /// share / mean − 1 for hard tasks after the assignment, when over — or within the bound
        /// but with no room left for one more hard task (see ``FairnessLedger``'s headroom).
        var hard: Double?
        /// The bound the shares were judged against, when the hard-task share after the
        /// assignment is within it and only the headroom for one more was lacking.
        var headroomBound: Double?

        /// The rule an explanation names, such as `fairness: load share would be 41% over the team's`
        /// or `fairness: hard-task share would be 24% over the team's, leaving no room for another within 30%`.
        var rule: String {
            var parts: [String] = []
            if let load { parts.append("load share would be \(Self.percent(load)) over the team's") }
            if let hard {
                if let bound = headroomBound {
                    parts.append("hard-task share would be \(Self.percent(hard)) over the team's, leaving no room for another within \(Self.percent(bound))")
                } else {
                    parts.append("hard-task share would be \(Self.percent(hard)) over the team's")
                }
            }
            return "fairness: " + parts.joined(separator: ", ")
        }

        static func percent(_ value: Double) -> String { "\(Int((value * 100).rounded()))%" }

        /// How far over the hard-task bound the worker would be, 0 when within it: what the
        /// waiver ranks by when no one within the bound can take a task, least first.
        ///
        /// Hard tasks are counted whole, so a waiver that gave each to the best-scoring worker
        /// would give a run of them to the same one — the quickest on that type — and their count
        /// would stay over the bound for the rest of the period. Load needs no such ranking: it is
        /// time, which the next tasks' time evens out, and a worker passed over for being over on
        /// load only is no further from the team's hard-task share than one within it.
        var waiverRank: Double { hard ?? 0 }

        /// The penalty units `optimal-batch` charges for this pair: one for being over the bound,
        /// and one more for each tenth of the team's mean share the worker's hard-task share would
        /// be over it, so that among assignments equally over the bound the solver gives hard
        /// tasks to the workers least over on them.
        var penaltyUnits: Int { 1 + Int((waiverRank * 10 - 1e-9).rounded(.up)) }
    }

    /// Whether the ledger counts anything: when not, routing skips the check.
    var isEmpty: Bool { activeTeams == 0 }

    /// The number of `team` and worker number `worker`'s slot in it (-1 when they have none);
    /// nil when the team has no visit in its period.
    @inline(__always)
    func locate(_ worker: Int, team: String) -> (team: Int, slot: Int)? {
        if worker >= 0, worker < placements.count {
            let placement = placements[worker]
            if placement.team >= 0, teamNames[Int(placement.team)] == team {
                let number = Int(placement.team)
                return loads[number].memberCount > 0 ? (number, Int(placement.slot)) : nil
            }
        }
        guard let number = teamNumbers[team], loads[number].memberCount > 0 else { return nil }
        return (number, loads[number].slots[worker] ?? -1)
    }

    /// How far over the bound worker number `worker` of `team` would be by taking a task of
    /// `seconds` predicted handling time (hard or not); nil when within it.
    func overage(of worker: Int, team: String, seconds: Double, hard: Bool, settings: PredictiveSettings) -> Overage? {
        guard let (number, slot) = locate(worker, team: team) else { return nil }
        let teamVisits = loads[number].visits
        guard teamVisits >= settings.fairnessMinimum else { return nil }
        let tally = slot >= 0 ? loads[number].tallies[slot] : Tally()
        let workers = Double(loads[number].memberCount + (tally.visits == 0 ? 1 : 0))
        let limit = 1 + settings.fairnessBound + 1e-12
        var load: Double?
        let added = max(seconds, 0)
        let teamSeconds = loads[number].seconds
        if teamSeconds + added > 0 {
            // share / mean = (own + added) / (team + added) × workers
            let relative = max(tally.seconds + added, 0) / (teamSeconds + added) * workers
            if relative > limit { load = relative - 1 }
        }
        var hardOver: Double?
        var headroomBound: Double?
        // Hard shares are judged once the period holds the minimum of visits of any type: a team
        // that gets few hard tasks is where one worker could end up with all of them. Counted in
        // whole tasks, a worker at or below the team's mean count may always take one: no split
        // of whole tasks is fairer, and otherwise, while the team has few, every worker would be
        // over and the waiver would hand them all to the same one.
        let teamHard = loads[number].hard
        if hard, Double(tally.hard) * workers > Double(teamHard) {
            let relative = Double(tally.hard + 1) / Double(teamHard + 1) * workers
            // One whole task of headroom: the count is judged only when the worker takes one, and
            // between two judgements the sliding period drops and adds the team's tasks a whole
            // one at a time, so a worker held exactly at the bound at every judgement ends a day
            // above it. Taking this one must leave room for another within the bound.
            let withAnother = Double(tally.hard + 2) / Double(teamHard + 2) * workers
            if relative > limit {
                hardOver = relative - 1
            } else if withAnother > limit {
                hardOver = relative - 1
                headroomBound = settings.fairnessBound
            }
        }
        if load == nil && hardOver == nil { return nil }
        return Overage(team: team, load: load, hard: hardOver, headroomBound: headroomBound)
    }

    /// Whether worker number `worker` of `team` is over the bound already, on the shares as they
    /// stand (not prospectively): what ``FairnessShare/overBound`` reports.
    func isOver(_ worker: Int, team: String, settings: PredictiveSettings) -> Bool {
        guard let number = teamNumbers[team], loads[number].memberCount > 0 else { return false }
        let load = loads[number]
        guard load.tally(of: worker) != nil else { return false }
        let limit = load.meanShare * (1 + settings.fairnessBound) + 1e-12
        if load.visits >= settings.fairnessMinimum, let share = load.loadShare(of: worker), share > limit { return true }
        if load.hard >= max(settings.fairnessMinimum, 1), let share = load.hardShare(of: worker), share > limit { return true }
        return false
    }

    /// Counts an accepted task as a visit under way, at `time` (seconds since the reference
    /// date), with `predicted` seconds until it ends; a visit that, judged at `judged` seconds
    /// (what routing judges by), took its worker over the bound counts as waived.
    mutating func start(
        task: TaskID, worker: Int, team: String, predicted: Double, judged: Double, hard: Bool, at time: Double,
        settings: PredictiveSettings
    ) {
        advance(to: time, settings: settings)
        if let previous = open[task] { end(previous, task: task, at: time) }
        let waived = overage(of: worker, team: team, seconds: judged, hard: hard, settings: settings) != nil
        let number: Int
        if let known = teamNumbers[team] {
            number = known
        } else {
            number = loads.count
            loads.append(TeamLoad())
            teamNames.append(team)
            teamNumbers[team] = number
        }
        let slot = loads[number].slot(for: worker)
        if worker >= 0 {
            if worker >= placements.count { placements.append(contentsOf: repeatElement(Placement(), count: worker + 1 - placements.count)) }
            placements[worker] = Placement(team: Int32(number), slot: Int32(slot))
        }
        let visit = Visit(
            worker: worker, team: number, slot: slot, start: time, predicted: max(predicted, 0), hard: hard, waived: waived)
        open[task] = visit
        if loads[number].memberCount == 0 { activeTeams += 1 }
        loads[number].start(visit)
        assignmentsTotal += 1
        if waived { waivedTotal += 1 }
    }

    /// Ends the visit of `task`, if one is under way, at `time`: its load becomes what it took.
    mutating func end(task: TaskID, at time: Double, settings: PredictiveSettings) {
        guard let visit = open[task] else { return }
        end(visit, task: task, at: time)
        advance(to: time, settings: settings)
    }

    private mutating func end(_ visit: Visit, task: TaskID, at time: Double) {
        open[task] = nil
        loads[visit.team].end(visit, at: time)
    }

    /// Drops what ended before the period that ends at `time`.
    private mutating func advance(to time: Double, settings: PredictiveSettings) {
        latest = max(latest, time)
        let cutoff = latest - settings.fairnessPeriod
        for number in loads.indices {
            guard let first = loads[number].ended.first, first.end <= cutoff else { continue }
            loads[number].drop(endedBy: cutoff)
            if loads[number].memberCount == 0 { activeTeams -= 1 }
        }
    }

    /// Applies changed settings to what is already counted: a shorter period drops what ended
    /// before it (a longer one cannot bring back what was dropped).
    mutating func rejudge(settings: PredictiveSettings) {
        guard latest.isFinite else { return }
        advance(to: latest, settings: settings)
    }
}

/// A worker's share of their team's load over the fairness period, against the team's mean share.
public struct FairnessShare: Sendable, Hashable, Codable {
    /// The worker.
    public var worker: WorkerID
    /// The team whose load the shares are of.
    public var team: String
    /// The worker's visits in the period, under way or ended.
    public var assignments: Int
    /// Share of the team's load seconds, 0...1.
    public var loadShare: Double
    /// Share of the team's hard visits, 0...1; nil when the period holds none.
    public var hardShare: Double?
    /// The team's mean share: 1 / its workers with a visit in the period.
    public var teamMeanShare: Double
    /// Whether the worker's share is over the bound now (routing judges each task prospectively:
    /// a worker within the bound is passed over for a task that would take them over it).
    public var overBound: Bool
    /// The worker's load seconds: observed for ended visits, predicted for those under way.
    public var loadSeconds: Double
    /// Visits in the period the worker accepted while over the bound: the rule waived.
    public var waived: Int

    /// Creates a share.
    public init(
        worker: WorkerID, team: String, assignments: Int, loadShare: Double, hardShare: Double?,
        teamMeanShare: Double, overBound: Bool, loadSeconds: Double = 0, waived: Int = 0
    ) {
        self.worker = worker
        self.team = team
        self.assignments = assignments
        self.loadShare = loadShare
        self.hardShare = hardShare
        self.teamMeanShare = teamMeanShare
        self.overBound = overBound
        self.loadSeconds = loadSeconds
        self.waived = waived
    }

    /// loadShare / teamMeanShare − 1: how far the load share strays from the mean, relative.
    public var loadDeviation: Double { teamMeanShare > 0 ? loadShare / teamMeanShare - 1 : 0 }

    /// hardShare / teamMeanShare − 1, when there are hard tasks.
    public var hardDeviation: Double? { hardShare.map { teamMeanShare > 0 ? $0 / teamMeanShare - 1 : 0 } }
}
