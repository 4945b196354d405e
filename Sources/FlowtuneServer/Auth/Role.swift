/// What an API key may do.
///
/// | role | may |
/// |---|---|
/// | `admin` | everything |
/// | `operator` | read everything; overrides, the exception lane, workers and their status |
/// | `worker` | its own offers and tasks: read, accept, reject, complete, flag |
/// | `viewer` | read everything, change nothing |
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    case admin
    case `operator`
    case worker
    case viewer

    /// Whether the role grants `access`.
    public func allows(_ access: Access) -> Bool {
        switch (self, access) {
        case (.admin, _): true
        case (.operator, .read), (.operator, .operate): true
        case (.viewer, .read): true
        case (.worker, .work): true
        default: false
        }
    }
}

/// The kinds of access a route needs.
public enum Access: String, Sendable, Hashable, CaseIterable {
    /// Read workspaces, tasks, metrics, audit and events.
    case read
    /// Overrides, exceptions, workers and their status.
    case operate
    /// Act on one's own offers and tasks. A worker key acts as its worker; an admin names one.
    case work
    /// Define workflows and queues, create tasks, manage webhooks.
    case administer
}
