/// Who or what hands work to whom: how often one node directly follows another within a case,
/// how long work waited at each hand-off, and what went wrong around it.
///
/// Three graphs come out of one ``LogAnalysis``, differing in what a node is:
/// - activities: A → B when an instance of B is the next instance after one of A in a case;
/// - teams: the group of one instance → the group of the next, *including* X → X, so a heat map's
///   diagonal shows how much work stays within a team (the scorecard only scores X → Y with
///   X ≠ Y, since work passed within one team is not a team hand-off);
/// - resources: the same between people and systems, X → X included; its ping-pong is in
///   ``LogAnalysis/resourcePingPong``.
///
/// A pair of instances where either names no team (or no resource) is left out of that graph and
/// counted in ``unattributed``.
///
/// ```swift
/// let analysis = LogAnalysis(log, rules: rules)
/// if let edge = analysis.activityGraph.edge(from: "check ticket", to: "decide") {
///     print(edge.count, edge.handoffTime.median, edge.handoffTime.p90)
/// }
/// ```
public struct DirectlyFollowsGraph: Sendable, Hashable, Codable {
    /// What a node stands for.
    public enum Level: String, Sendable, Hashable, Codable {
        /// Activities (steps).
        case activity
        /// Teams or groups (`org:group`).
        case team
        /// Resources: people or systems (`org:resource`).
        case resource
    }

    /// One A → B edge.
    public struct Edge: Sendable, Hashable, Codable {
        /// The sending node, a position in ``DirectlyFollowsGraph/nodes``.
        public var source: Int
        /// The receiving node, a position in ``DirectlyFollowsGraph/nodes``.
        public var target: Int
        /// The sending node's name.
        public var from: String
        /// The receiving node's name.
        public var to: String
        /// How many times B directly followed A (pm4py's frequency DFG counts the same).
        public var count: Int
        /// In how many cases it happened at least once.
        public var cases: Int
        /// The hand-off time of each occurrence: from the end of A's instance to the start of B's,
        /// or to B's end when B's start is unknown (a log of completions only), as pm4py's
        /// performance DFG measures it. When B began before A ended (overlapping work) the wait is
        /// 0, not negative: nobody waited.
        public var handoffTime: DurationSummary
        /// What went wrong around the hand-off.
        public var measures: HandoffMeasures

        /// Creates an edge.
        public init(
            source: Int, target: Int, from: String, to: String, count: Int, cases: Int, handoffTime: DurationSummary,
            measures: HandoffMeasures
        ) {
            self.source = source
            self.target = target
            self.from = from
            self.to = to
            self.count = count
            self.cases = cases
            self.handoffTime = handoffTime
            self.measures = measures
        }
    }

    /// How many cases begin (or end) at a node.
    public struct Endpoint: Sendable, Hashable, Codable {
        /// A position in ``DirectlyFollowsGraph/nodes``.
        public var node: Int
        /// The node's name.
        public var name: String
        /// How many cases.
        public var count: Int

        /// Creates an endpoint.
        public init(node: Int, name: String, count: Int) {
            self.node = node
            self.name = name
            self.count = count
        }
    }

    /// What a node stands for.
    public var level: Level
    /// Node names, by position: every activity, team or resource the log names.
    public var nodes: [String]
    /// The edges, most frequent first (ties by source, then target position).
    public var edges: [Edge]
    /// The nodes cases begin at, with counts, most frequent first.
    public var starts: [Endpoint]
    /// The nodes cases end at (their last instance), with counts, most frequent first.
    public var ends: [Endpoint]
    /// Consecutive pairs left out because one of the two names no node (no team, no resource).
    public var unattributed: Int

    /// Creates a graph.
    public init(
        level: Level, nodes: [String], edges: [Edge], starts: [Endpoint], ends: [Endpoint], unattributed: Int = 0
    ) {
        self.level = level
        self.nodes = nodes
        self.edges = edges
        self.starts = starts
        self.ends = ends
        self.unattributed = unattributed
    }

    /// The edge from `from` to `to`, by name, or nil when B never directly follows A.
    public func edge(from: String, to: String) -> Edge? {
        edges.first { $0.from == from && $0.to == to }
    }

    /// How many hand-offs the graph counts: the sum of its edges' counts.
    public var traversals: Int { edges.reduce(0) { $0 + $1.count } }
}

/// What went wrong around the occurrences of one hand-off A → B: lateness, exceptions and the
/// hidden labor spent on the receiving side. Every count is of occurrences (traversals).
///
/// Hidden labor at a hand-off is work nobody planned that the receiving instance shows: a repeat
/// of an activity the case already did (rework), hand-overs between people before it was done
/// (reassignments), a repeat done by someone else than last time (owner change), a leg of a
/// ping-pong (r1 → r2 → r1, between resources or between teams), and a manager's rescue.
public struct HandoffMeasures: Sendable, Hashable, Codable {
    /// Occurrences for which a response window applied after A.
    public var windowed: Int = 0
    /// Occurrences whose wait exceeded the response window after A.
    public var stale: Int = 0
    /// Occurrences inside a broken promise: between where its clock started and the activity that
    /// kept it late, or the case's latest instance for a case still open past the promise.
    public var onBreachedPromise: Int = 0
    /// Occurrences that were stale or inside a broken promise.
    public var late: Int = 0
    /// Occurrences after which the case hit an exception: B itself or any later instance marked.
    public var exceptionAfter: Int = 0
    /// Occurrences whose B instance is itself marked as an exception.
    public var exceptionAtTarget: Int = 0
    /// Occurrences whose B repeats an activity the case already did.
    public var rework: Int = 0
    /// Hand-overs between people on the B instances before they were done.
    public var reassignments: Int = 0
    /// Occurrences whose B repeats an activity done by someone else the time before.
    public var ownerChanges: Int = 0
    /// Occurrences that are a leg of a ping-pong between resources.
    public var resourcePingPong: Int = 0
    /// Occurrences that are a leg of a ping-pong between teams.
    public var teamPingPong: Int = 0
    /// Occurrences whose B instance is marked as a manager's rescue.
    public var rescued: Int = 0
    /// The sum of rework, reassignments, owner changes, ping-pong legs and rescues.
    public var hiddenLabor: Int = 0
    /// Occurrences with any hidden labor.
    public var withHiddenLabor: Int = 0
    /// The mean, over occurrences, of the receiving step's ``StepOwnership/unclarity``.
    public var receivingUnclarity: Double = 0

    /// No occurrences yet.
    public init() {}
}
