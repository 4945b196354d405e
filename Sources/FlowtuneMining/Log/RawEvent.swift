/// One event as an importer reads it, before events are paired into activity instances.
///
/// Names are numbers in the builder's tables; a missing resource or group is -1.
public struct RawEvent: Sendable, Hashable {
    /// The case, a number in ``EventLogBuilder/caseIDs``.
    public var caseIndex: Int32
    /// The activity, a number in ``EventLogBuilder/activities``.
    public var activity: Int32
    /// The lifecycle transition; `complete` when the source has none.
    public var lifecycle: Lifecycle
    /// When it happened, seconds since 1970 UTC.
    public var time: Double
    /// When the work began, for sources that write start and complete in one row; NaN otherwise.
    public var startTime: Double
    /// Who did it, a number in ``EventLogBuilder/resources``, or -1.
    public var resource: Int32
    /// The team or group, a number in ``EventLogBuilder/groups``, or -1.
    public var group: Int32

    /// Creates an event.
    public init(
        caseIndex: Int32, activity: Int32, lifecycle: Lifecycle = .complete, time: Double,
        startTime: Double = .nan, resource: Int32 = -1, group: Int32 = -1
    ) {
        self.caseIndex = caseIndex
        self.activity = activity
        self.lifecycle = lifecycle
        self.time = time
        self.startTime = startTime
        self.resource = resource
        self.group = group
    }
}
