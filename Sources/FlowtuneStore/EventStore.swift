import FlowtuneCore
import Foundation

/// An event as stored: its position in the workspace's log and the event itself.
public struct StoredEvent: Sendable, Hashable {
    /// The workspace the event belongs to.
    public var workspace: WorkspaceID
    /// The event's position in its workspace's log, starting at 1 with no gaps.
    public var sequence: Int64
    /// The event.
    public var event: Event

    /// Creates a stored event.
    public init(workspace: WorkspaceID, sequence: Int64, event: Event) {
        self.workspace = workspace
        self.sequence = sequence
        self.event = event
    }
}

/// An append-only log of events per workspace.
///
/// The engine appends the events of many commands in one call (group commit) and acknowledges
/// those commands only after `append` returns: a returned append is durable. Appends carry the
/// version the writer expects the log to have, so two writers can never interleave in one
/// workspace. Implementations: ``SQLiteEventStore``; a PostgreSQL store follows the same contract.
public protocol EventStore: Sendable {
    /// Appends `events` atomically after the workspace's event number `expectedVersion`, and
    /// returns the new version. Throws ``EventStoreError/versionConflict`` and appends nothing
    /// when the log has moved on.
    func append(_ events: [Event], to workspace: WorkspaceID, expectedVersion: Int64) async throws -> Int64

    /// Appends a batch the engine encoded as it decided it (``EventBatchEncoder``), atomically as
    /// one append, like ``append(_:to:expectedVersion:)`` with its events.
    ///
    /// How the engine hands over a group commit: the events were encoded while they were fresh,
    /// and the callers that only wait for an acknowledgement never held them. A store that keeps
    /// the same encoding writes the bytes as they are; the default decodes the events and appends
    /// them.
    func append(_ batch: EncodedEvents, to workspace: WorkspaceID, expectedVersion: Int64) async throws -> Int64

    /// The number of events in the workspace's log.
    func version(of workspace: WorkspaceID) async throws -> Int64

    /// Up to `limit` events with sequence greater than `after`, in order.
    func read(_ workspace: WorkspaceID, after: Int64, limit: Int) async throws -> [StoredEvent]

    /// Every event of the workspace after `after`, in order, handed over in batches: how a restart folds the log.
    func replay(
        _ workspace: WorkspaceID, after: Int64, batch: @Sendable ([StoredEvent]) throws -> Void
    ) async throws

    /// The events about one task, in order.
    func events(of task: TaskID, in workspace: WorkspaceID) async throws -> [StoredEvent]

    /// The workspaces that have events.
    func workspaces() async throws -> [WorkspaceID]
}

extension EventStore {
    /// Decodes the batch's events and appends them.
    public func append(_ batch: EncodedEvents, to workspace: WorkspaceID, expectedVersion: Int64) async throws -> Int64 {
        try await append(batch.events(), to: workspace, expectedVersion: expectedVersion)
    }
}

/// Why the store refused an operation.
public struct EventStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public var code: Code
    /// What happened.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }

    /// The kinds of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// The code's stable name, such as `version-conflict`, for logs and problem documents.
        public var description: String { name }

        /// Another writer appended first: the expected version is stale.
        public static let versionConflict = Code("version-conflict")
        /// A stored event could not be decoded.
        public static let corrupt = Code("corrupt")
        /// An event holds a value the storage format cannot represent, such as JSON nested deeper
        /// than ``EventCodec/maximumJSONDepth``; nothing was written.
        public static let invalidEvent = Code("invalid-event")
    }
}
