/// One execution of an activity within a case: from its start (when known) to its completion.
///
/// A `start` event and the next `complete` of the same activity in the case make one instance;
/// a `complete` with no open start makes an instance whose start is unknown (NaN), which is
/// how most ticketing exports look.
public struct ActivityInstance: Sendable, Hashable {
    /// How the instance ended.
    public enum Status: UInt8, Sendable, Hashable, Codable {
        /// It was completed.
        case completed
        /// It was started and never completed in the log.
        case open
        /// It was aborted or withdrawn.
        case aborted
    }

    /// The activity, a number in ``EventLog/activities``.
    public var activity: Int32
    /// Who did it, a number in ``EventLog/resources``, or -1 when the log names nobody.
    public var resource: Int32
    /// The team or group, a number in ``EventLog/groups``, or -1.
    public var group: Int32
    /// When work began, seconds since 1970 UTC; NaN when the log records completion only.
    public var start: Double
    /// When it was completed (or aborted); for an open instance, its start.
    public var end: Double
    /// Hand-overs of this instance between people before it was completed: `reassign`
    /// transitions, and a different resource on the `complete` than on the `start`.
    public var reassignments: Int32
    /// How it ended.
    public var status: Status

    /// Creates an instance.
    public init(
        activity: Int32, resource: Int32 = -1, group: Int32 = -1, start: Double = .nan, end: Double,
        reassignments: Int32 = 0, status: Status = .completed
    ) {
        self.activity = activity
        self.resource = resource
        self.group = group
        self.start = start
        self.end = end
        self.reassignments = reassignments
        self.status = status
    }

    /// When the instance is placed in its case's order: its start, else its end.
    public var orderTime: Double { start.isNaN ? end : start }

    /// How long the work took, when the start is known.
    public var duration: Double? { start.isNaN ? nil : end - start }
}
