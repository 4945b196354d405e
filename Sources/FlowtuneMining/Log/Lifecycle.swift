/// Where an event sits in the life of one activity instance: the XES standard lifecycle
/// transitions, of which timing uses `start` and `complete`.
///
/// An event with no lifecycle attribute is a `complete`: most exports record only when work
/// was finished.
public enum Lifecycle: UInt8, Sendable, Hashable, CaseIterable, Codable {
    case complete, start, schedule, assign, reassign, suspend, resume, abort, withdraw, other

    /// The transition named by an XES `lifecycle:transition` value or a CSV column, ignoring case:
    /// `start`, `complete`, `schedule`, `assign`, `reassign`, `suspend`, `resume`, `ate_abort`,
    /// `pi_abort`, `withdraw`, `autoskip`, `manualskip`. Anything else is `other`.
    public init(name: some StringProtocol) {
        switch name.lowercased() {
        case "complete", "completed", "end": self = .complete
        case "start", "started", "begin": self = .start
        case "schedule": self = .schedule
        case "assign": self = .assign
        case "reassign": self = .reassign
        case "suspend": self = .suspend
        case "resume": self = .resume
        case "ate_abort", "pi_abort", "abort": self = .abort
        case "withdraw": self = .withdraw
        default: self = .other
        }
    }
}
