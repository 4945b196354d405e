/// One distinct sequence of activities, with the cases that followed it.
public struct Variant: Sendable, Hashable, Codable {
    /// The activities, in the order the cases did them.
    public var activities: [String]
    /// How many cases followed it.
    public var cases: Int
    /// ``cases`` over all cases.
    public var share: Double
    /// Their cycle times: from the first instance's start (or end, when unknown) to the latest
    /// end in the case.
    public var cycleTime: DurationSummary
    /// The first case (in log order) that followed it, to look one up.
    public var exampleCase: String

    /// Creates a variant.
    public init(activities: [String], cases: Int, share: Double, cycleTime: DurationSummary, exampleCase: String) {
        self.activities = activities
        self.cases = cases
        self.share = share
        self.cycleTime = cycleTime
        self.exampleCase = exampleCase
    }
}

/// Work that bounced: r1 → r2 → r1 within a case, where r2 may do several instances in a row
/// before handing back. Pairs where any of the three names nobody are not counted.
public struct PingPongSummary: Sendable, Hashable, Codable {
    /// One ordered pair: `from` handed to `to`, who handed back.
    public struct Pair: Sendable, Hashable, Codable {
        /// Who sent the work and got it back.
        public var from: String
        /// Who sent it back.
        public var to: String
        /// How many times.
        public var count: Int

        /// Creates a pair.
        public init(from: String, to: String, count: Int) {
            self.from = from
            self.to = to
            self.count = count
        }
    }

    /// How many bounces.
    public var occurrences: Int
    /// Cases with at least one.
    public var cases: Int
    /// The pairs, most bounces first (ties by name).
    public var pairs: [Pair]

    /// Creates a summary.
    public init(occurrences: Int, cases: Int, pairs: [Pair]) {
        self.occurrences = occurrences
        self.cases = cases
        self.pairs = pairs
    }
}

/// A case still open that has waited longer than the response window after its latest step.
public struct StaleCase: Sendable, Hashable, Codable {
    /// The case id.
    public var caseID: String
    /// The activity of its latest instance.
    public var lastActivity: String
    /// Who did that instance, if named: the last owner to ask.
    public var lastResource: String?
    /// That instance's team, if named.
    public var lastTeam: String?
    /// When that instance ended (its start, when it is still in progress), seconds since 1970 UTC.
    public var since: Double
    /// How long it has waited as of the analysis, in seconds.
    public var waiting: Double
    /// The response window after that activity, in seconds.
    public var window: Double

    /// Creates a stale case.
    public init(
        caseID: String, lastActivity: String, lastResource: String?, lastTeam: String?, since: Double, waiting: Double,
        window: Double
    ) {
        self.caseID = caseID
        self.lastActivity = lastActivity
        self.lastResource = lastResource
        self.lastTeam = lastTeam
        self.since = since
        self.waiting = waiting
        self.window = window
    }
}

/// Work that waited past its response window: at hand-offs, and in cases still open.
///
/// A case is open when ``LogRules/endActivities`` is not empty and its latest instance is not
/// one of them (work after an end activity reopens it). It is stale when, as of ``asOf``, more
/// time than the window after its latest activity has passed since that instance ended.
public struct StaleSummary: Sendable, Hashable, Codable {
    /// The moment the log was read at, seconds since 1970 UTC.
    public var asOf: Double
    /// Hand-offs for which a window applied.
    public var handoffsWithWindow: Int
    /// Hand-offs whose wait exceeded it.
    public var handoffsPastWindow: Int
    /// Cases still open.
    public var openCases: Int
    /// Open cases past their window, longest waiting first.
    public var staleCases: [StaleCase]

    /// Creates a summary.
    public init(asOf: Double, handoffsWithWindow: Int, handoffsPastWindow: Int, openCases: Int, staleCases: [StaleCase]) {
        self.asOf = asOf
        self.handoffsWithWindow = handoffsWithWindow
        self.handoffsPastWindow = handoffsPastWindow
        self.openCases = openCases
        self.staleCases = staleCases
    }
}

/// How the cases fared against one ``LogRules/Promise``.
///
/// Each case falls in exactly one of: kept (reached in time), breached (reached late), overdue
/// (not reached, still open, and past the promise as of the analysis), pending (not reached,
/// still open, within the promise), not reached (closed without reaching the activity), or not
/// started (the clock's starting activity never happened).
public struct PromiseOutcome: Sendable, Hashable, Codable {
    /// The promise's name.
    public var name: String
    /// How long it allows, in seconds.
    public var within: Double
    /// Cases that reached the activity in time.
    public var kept: Int
    /// Cases that reached it late.
    public var breached: Int
    /// Open cases not there yet, past the promise.
    public var overdue: Int
    /// Open cases not there yet, within the promise.
    public var pending: Int
    /// Closed cases that never reached it.
    public var notReached: Int
    /// Cases whose clock never started.
    public var notStarted: Int
    /// Breached and overdue over kept, breached and overdue; 0 when there are none.
    public var breachRate: Double
    /// From the clock's start to the activity, over the cases that reached it.
    public var timeToKeep: DurationSummary

    /// Creates an outcome.
    public init(
        name: String, within: Double, kept: Int, breached: Int, overdue: Int, pending: Int, notReached: Int,
        notStarted: Int, breachRate: Double, timeToKeep: DurationSummary
    ) {
        self.name = name
        self.within = within
        self.kept = kept
        self.breached = breached
        self.overdue = overdue
        self.pending = pending
        self.notReached = notReached
        self.notStarted = notStarted
        self.breachRate = breachRate
        self.timeToKeep = timeToKeep
    }
}
