/// What the log says about one activity (step): how often it runs, how often it is redone, how
/// often work is handed around inside it, how often it is an exception, and who owns it.
public struct StepAnalysis: Sendable, Hashable, Codable {
    /// The activity.
    public var activity: String
    /// Its instances.
    public var instances: Int
    /// The cases that did it at least once.
    public var cases: Int
    /// Repeats within a case.
    public var rework: StepRework
    /// Hand-overs between people.
    public var reassignment: StepReassignment
    /// Exception and rescue marks.
    public var exceptions: StepExceptions
    /// Who does it.
    public var ownership: StepOwnership

    /// Creates a step's analysis.
    public init(
        activity: String, instances: Int, cases: Int, rework: StepRework, reassignment: StepReassignment,
        exceptions: StepExceptions, ownership: StepOwnership
    ) {
        self.activity = activity
        self.instances = instances
        self.cases = cases
        self.rework = rework
        self.reassignment = reassignment
        self.exceptions = exceptions
        self.ownership = ownership
    }
}

/// An activity done more than once in the same case.
public struct StepRework: Sendable, Hashable, Codable {
    /// Cases that did the activity twice or more.
    public var cases: Int
    /// Instances beyond each case's first: the work done again.
    public var repeats: Int
    /// ``cases`` over the cases that did the activity at all.
    public var share: Double

    /// Creates the figures.
    public init(cases: Int, repeats: Int, share: Double) {
        self.cases = cases
        self.repeats = repeats
        self.share = share
    }
}

/// Work on an activity passed between people: hidden labor the process map does not show.
public struct StepReassignment: Sendable, Hashable, Codable {
    /// Hand-overs recorded on the instances (``ActivityInstance/reassignments``).
    public var reassignments: Int
    /// Instances with at least one hand-over.
    public var reassignedInstances: Int
    /// Repeats of the activity in a case done by someone else than the time before.
    public var ownerChanges: Int
    /// Reassignments and owner changes over the instances.
    public var rate: Double

    /// Creates the figures.
    public init(reassignments: Int, reassignedInstances: Int, ownerChanges: Int, rate: Double) {
        self.reassignments = reassignments
        self.reassignedInstances = reassignedInstances
        self.ownerChanges = ownerChanges
        self.rate = rate
    }
}

/// How often an activity's instances carry the exception or rescue marks of ``LogRules``.
public struct StepExceptions: Sendable, Hashable, Codable {
    /// Instances marked as exceptions.
    public var marked: Int
    /// ``marked`` over the instances.
    public var share: Double
    /// Instances marked as a manager's rescue.
    public var rescued: Int
    /// ``rescued`` over the instances.
    public var rescueShare: Double

    /// Creates the figures.
    public init(marked: Int, share: Double, rescued: Int, rescueShare: Double) {
        self.marked = marked
        self.share = share
        self.rescued = rescued
        self.rescueShare = rescueShare
    }
}

/// Who does an activity, and how clearly one owner stands out.
///
/// ``unclarity`` folds the figures into one number from 0 (clear) to 1: the mean of the share of
/// instances that name no resource and, when the log names teams at all, one minus the top team's
/// share (instances with no team count against it). Many people sharing a step is normal for a
/// team that pools work, so the number of distinct resources is reported but not held against
/// the step; work split across teams, or done by nobody named, is.
public struct StepOwnership: Sendable, Hashable, Codable {
    /// Distinct resources that did it.
    public var resources: Int
    /// Distinct teams that did it.
    public var teams: Int
    /// Instances naming no resource.
    public var withoutResource: Int
    /// ``withoutResource`` over the instances.
    public var withoutResourceShare: Double
    /// Instances naming no team.
    public var withoutTeam: Int
    /// ``withoutTeam`` over the instances.
    public var withoutTeamShare: Double
    /// The resource that did the most instances, or nil when none is named.
    public var topResource: String?
    /// Its share of all the activity's instances.
    public var topResourceShare: Double
    /// The team that did the most instances, or nil when none is named.
    public var topTeam: String?
    /// Its share of all the activity's instances.
    public var topTeamShare: Double
    /// From 0 (one team, everyone named) to 1; see the type's notes.
    public var unclarity: Double

    /// Creates the figures.
    public init(
        resources: Int, teams: Int, withoutResource: Int, withoutResourceShare: Double, withoutTeam: Int,
        withoutTeamShare: Double, topResource: String?, topResourceShare: Double, topTeam: String?, topTeamShare: Double,
        unclarity: Double
    ) {
        self.resources = resources
        self.teams = teams
        self.withoutResource = withoutResource
        self.withoutResourceShare = withoutResourceShare
        self.withoutTeam = withoutTeam
        self.withoutTeamShare = withoutTeamShare
        self.topResource = topResource
        self.topResourceShare = topResourceShare
        self.topTeam = topTeam
        self.topTeamShare = topTeamShare
        self.unclarity = unclarity
    }
}
