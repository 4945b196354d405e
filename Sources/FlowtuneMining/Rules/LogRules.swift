/// What an operator tells Flowtune about a log that the log cannot say itself: what marks an
/// exception or a manager's rescue, how long each step may wait before it is stale, which
/// promises the workflow makes, and which activities end a case.
///
/// Analysis, the scorecard, the pilot comparison and the weekly review all read the same rules,
/// so a hand-off is judged the same way in each.
public struct LogRules: Sendable, Hashable {
    /// A promise to the customer, measured from a case's start (or an activity) to the first
    /// instance of an activity.
    public struct Promise: Sendable, Hashable {
        /// Where the clock starts.
        public enum Anchor: Sendable, Hashable {
            /// The case's first instance.
            case caseStart
            /// The end of the first instance of this activity.
            case activity(String)
        }

        /// The promise as operators say it, such as "first answer within 4 h".
        public var name: String
        /// Where the clock starts.
        public var from: Anchor
        /// The activity that keeps the promise; its first instance's start (or end when the start
        /// is unknown) stops the clock.
        public var to: String
        /// How long the promise allows, in seconds.
        public var within: Double

        /// Creates a promise.
        public init(name: String, from: Anchor = .caseStart, to: String, within: Double) {
            self.name = name
            self.from = from
            self.to = to
            self.within = within
        }
    }

    /// What marks an instance as an exception.
    public var exceptions: Markers
    /// What marks an instance as a manager's rescue: work someone had to step in and do.
    public var rescue: Markers
    /// How long the next step may wait after any step, in seconds; nil: no window.
    public var responseWindow: Double?
    /// Per activity name, how long the next step may wait after it, overriding the default.
    public var responseWindows: [String: Double]
    /// The promises to check.
    public var promises: [Promise]
    /// Activities that close a case; empty: every case in the log is taken as closed.
    public var endActivities: [String]
    /// The moment the log is read at, seconds since 1970 UTC, for cases still open; nil: the
    /// latest time in the log.
    public var asOf: Double?

    /// Creates rules; the defaults mark nothing and set no windows.
    public init(
        exceptions: Markers = Markers(), rescue: Markers = Markers(), responseWindow: Double? = nil,
        responseWindows: [String: Double] = [:], promises: [Promise] = [], endActivities: [String] = [],
        asOf: Double? = nil
    ) {
        self.exceptions = exceptions
        self.rescue = rescue
        self.responseWindow = responseWindow
        self.responseWindows = responseWindows
        self.promises = promises
        self.endActivities = endActivities
        self.asOf = asOf
    }

    /// The response window after `activity`, in seconds, or nil.
    public func window(after activity: String) -> Double? {
        responseWindows[activity] ?? responseWindow
    }
}
