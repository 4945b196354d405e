/// What the demo's simulated people have done, counted as their requests are answered.
actor DemoStats {
    private(set) var created = 0
    private(set) var accepted = 0
    private(set) var rejected = 0
    private(set) var stepsCompleted = 0
    private(set) var finished = 0
    private(set) var sentWithoutEvidence = 0
    private(set) var exceptionsResolved = 0
    private(set) var failedRequests = 0
    private(set) var lastFailure: String?

    func taskCreated() { created += 1 }
    func offerAccepted() { accepted += 1 }
    func offerRejected() { rejected += 1 }
    func stepCompleted(finishedTask: Bool, withoutEvidence: Bool) {
        stepsCompleted += 1
        if finishedTask { finished += 1 }
        if withoutEvidence { sentWithoutEvidence += 1 }
    }
    func exceptionResolved() { exceptionsResolved += 1 }
    func failed(_ description: String) {
        failedRequests += 1
        lastFailure = description
    }

    /// The counts now.
    var summary: DemoSummary {
        DemoSummary(
            created: created, accepted: accepted, rejected: rejected, stepsCompleted: stepsCompleted, finished: finished,
            sentWithoutEvidence: sentWithoutEvidence, exceptionsResolved: exceptionsResolved, failedRequests: failedRequests,
            lastFailure: lastFailure)
    }
}

/// The demo's totals.
struct DemoSummary: Sendable, Hashable {
    var created: Int
    var accepted: Int
    var rejected: Int
    var stepsCompleted: Int
    var finished: Int
    var sentWithoutEvidence: Int
    var exceptionsResolved: Int
    var failedRequests: Int
    var lastFailure: String?
}
