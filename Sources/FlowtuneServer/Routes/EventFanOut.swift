import DequeModule
import FlowtuneCore
import FlowtuneEngine
import FlowtuneStore
import Foundation
import NIOCore
import Synchronization

/// Committed events fanned out to every event stream of a server through one engine
/// subscription.
///
/// Each event is encoded once into a shared, bounded buffer of recent frames; streams read from
/// it at their own pace and write everything that is ready in one write. The engine never waits
/// for a stream: a stream that falls further behind than the buffer holds is told so and ends,
/// and its client resumes with `Last-Event-ID` from the store.
///
/// Frames become visible in segments: the first event after a quiet spell at once, then at most
/// one segment per `sealInterval`, so that under load a stream wakes and writes once per
/// interval rather than once per event. The subscription exists only while some stream does.
final class EventFanOut: Sendable {
    /// How the fan-out buffers and paces its streams.
    struct Settings: Sendable {
        /// Seconds between heartbeat comments on a quiet stream.
        var heartbeat: TimeInterval = 15
        /// The most bytes of recent frames kept for streams that lag; a stream behind the oldest
        /// kept frame is ended.
        var retainedBytes = 64 << 20
        /// The shortest time between two segments: how long frames may wait to be batched.
        var sealInterval: Duration = .milliseconds(20)
        /// The most bytes a stream gathers into one write.
        var writeLimit = 1 << 20
    }

    let host: WorkspaceHost
    let settings: Settings
    private let current = Mutex<FanOutGeneration?>(nil)

    init(host: WorkspaceHost, settings: Settings) {
        self.host = host
        self.settings = settings
    }

    /// Joins the fan-out: once this returns, every event committed from then on reaches the
    /// returned member, or the member finds itself behind and reads the store.
    func join() async -> FanOutMember {
        let (generation, admitted) = current.withLock { current in
            if let generation = current, let admitted = generation.admit() { return (generation, admitted) }
            let generation = FanOutGeneration(host: host, settings: settings)
            current = generation
            return (generation, generation.admit()!)
        }
        await generation.ready()
        return FanOutMember(generation: generation, id: admitted.id, tick: admitted.tick)
    }

    /// Subscribers of the generation now serving, for tests.
    var memberCount: Int {
        current.withLock { $0?.memberCount ?? 0 }
    }
}

/// What a stream finds when it asks for frames after the last one it sent.
enum FanOutTake {
    /// Frames ready to write (possibly none, when all were filtered out) up to `last`.
    case frames([ByteBuffer], last: Int64)
    /// Nothing new, but a heartbeat is due.
    case heartbeat(tick: Int)
    /// Nothing new yet.
    case wait
    /// The next event is older than the oldest frame kept.
    case behind(oldest: Int64)
    /// The stream is to end: the server is stopping or the client has gone.
    case end
}

/// One stream's place in the fan-out.
struct FanOutMember: Sendable {
    let generation: FanOutGeneration
    let id: Int
    /// The heartbeat count when the member joined.
    let tick: Int

    func take(after sent: Int64, types: Set<String>?, tick: Int) -> FanOutTake {
        generation.take(id, after: sent, types: types, tick: tick)
    }

    /// Waits until frames after `sent` are ready, a heartbeat is due, or the stream is to end.
    func wait(after sent: Int64, tick: Int) async {
        await generation.wait(id, after: sent, tick: tick)
    }

    /// Ends the stream: its waits return and its next take says `end`.
    func end() { generation.end(id) }

    /// Leaves the fan-out; the last member to leave drops the engine subscription.
    func leave() { generation.leave(id) }
}

/// The fan-out from one engine subscription, from the first member joining until the last
/// leaves or the engine ends its subscriptions.
final class FanOutGeneration: Sendable {
    /// Frames made visible together: contiguous events from `first`.
    struct Segment {
        var first: Int64
        var buffer: ByteBuffer
        /// The end offset of each frame in `buffer`.
        var ends: [Int]
        /// Each frame's event type, for streams that filter.
        var types: [String]

        var count: Int { ends.count }
        var last: Int64 { first + Int64(ends.count) - 1 }

        func start(of index: Int) -> Int { index == 0 ? buffer.readerIndex : ends[index - 1] }
    }

    struct State {
        var members = 0
        var nextMember = 0
        /// No member is left: the subscription is dropped and nobody may join.
        var stopped = false
        /// The engine ended its subscriptions: the server is stopping.
        var finished = false
        var isReady = false
        var readyWaiters: [UnsafeContinuation<Void, Never>] = []
        var segments: Deque<Segment> = []
        var retained = 0
        /// The oldest sequence kept.
        var first: Int64 = 0
        /// The sequence after the last visible frame.
        var next: Int64 = 0
        /// Frames not yet visible.
        var open = Segment(first: 0, buffer: ByteBuffer(), ends: [], types: [])
        var lastSeal = ContinuousClock.now
        var sealScheduled = false
        var tick = 0
        var waiters: [Int: UnsafeContinuation<Void, Never>] = [:]
        var ended: Set<Int> = []
        var tasks: [Task<Void, Never>] = []
    }

    let settings: Settings
    private let state = Mutex(State())

    typealias Settings = EventFanOut.Settings

    init(host: WorkspaceHost, settings: Settings) {
        self.settings = settings
        let forward = Task { [self] in
            let live = await host.engine.subscribeToCommits()
            // Events after this version all come through `live`; earlier ones are in the store.
            let base = await host.engine.committedVersion
            becomeReady(after: base)
            for await commit in live { append(commit, after: base) }
            finish()
        }
        let heartbeat = settings.heartbeat
        let tick = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(heartbeat))
                guard !Task.isCancelled, let self else { break }
                self.beat()
            }
        }
        state.withLock { $0.tasks = [forward, tick] }
    }

    var memberCount: Int { state.withLock { $0.members } }

    /// A new member's id and the current heartbeat count, or nil once the generation has
    /// stopped or finished.
    func admit() -> (id: Int, tick: Int)? {
        state.withLock { state in
            guard !state.stopped, !state.finished else { return nil }
            state.members += 1
            state.nextMember += 1
            return (state.nextMember, state.tick)
        }
    }

    func ready() async {
        await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
            let now = state.withLock { state in
                if state.isReady || state.finished || state.stopped { return true }
                state.readyWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    private func becomeReady(after base: Int64) {
        let waiters = state.withLock { state in
            state.first = base + 1
            state.next = base + 1
            state.open.first = base + 1
            state.isReady = true
            defer { state.readyWaiters = [] }
            return state.readyWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    // MARK: Producing

    /// Encodes the frames of one commit's events after `base`, outside the lock, and adds them
    /// to the open segment in one step.
    private func append(_ commit: [StoredEvent], after base: Int64) {
        var frames = ByteBufferAllocator().buffer(capacity: commit.count * 768)
        var ends: [Int] = []
        var types: [String] = []
        ends.reserveCapacity(commit.count)
        types.reserveCapacity(commit.count)
        var first: Int64?
        for index in commit.indices where commit[index].sequence > base {
            let start = frames.writerIndex
            // A frame that cannot be encoded is sent empty, keeping its place in the sequence.
            do { try EventStreamRoutes.writeFrame(commit[index], into: &frames) } catch { frames.moveWriterIndex(to: start) }
            if first == nil { first = commit[index].sequence }
            ends.append(frames.writerIndex)
            types.append(commit[index].event.type)
        }
        guard let first else { return }
        let (wake, schedule) = state.withLock { state -> ([UnsafeContinuation<Void, Never>], Duration?) in
            guard !state.stopped else { return ([], nil) }
            if state.open.ends.isEmpty {
                state.open.first = first
                state.open.buffer = ByteBufferAllocator().buffer(capacity: max(64 << 10, frames.readableBytes))
            }
            let offset = state.open.buffer.writerIndex - frames.readerIndex
            state.open.buffer.writeImmutableBuffer(frames)
            for end in ends { state.open.ends.append(end + offset) }
            state.open.types.append(contentsOf: types)
            if state.sealScheduled { return ([], nil) }
            let now = ContinuousClock.now
            let due = state.lastSeal + settings.sealInterval
            if now >= due { return (Self.seal(&state, now: now, limit: settings.retainedBytes), nil) }
            state.sealScheduled = true
            return ([], due - now)
        }
        for waiter in wake { waiter.resume() }
        if let schedule {
            Task { [self] in
                try? await Task.sleep(for: schedule)
                let wake = state.withLock { state -> [UnsafeContinuation<Void, Never>] in
                    state.sealScheduled = false
                    return Self.seal(&state, now: .now, limit: settings.retainedBytes)
                }
                for waiter in wake { waiter.resume() }
            }
        }
    }

    /// Makes the open frames visible, drops the oldest segments over the limit, and returns the
    /// waiting members to wake.
    private static func seal(_ state: inout State, now: ContinuousClock.Instant, limit: Int) -> [UnsafeContinuation<Void, Never>] {
        guard !state.open.ends.isEmpty else { return [] }
        let segment = state.open
        state.open = Segment(first: segment.last + 1, buffer: ByteBuffer(), ends: [], types: [])
        state.segments.append(segment)
        state.retained += segment.buffer.readableBytes
        state.next = segment.last + 1
        while state.retained > limit, state.segments.count > 1, let oldest = state.segments.popFirst() {
            state.retained -= oldest.buffer.readableBytes
            state.first = oldest.last + 1
        }
        state.lastSeal = now
        return takeWaiters(&state)
    }

    private static func takeWaiters(_ state: inout State) -> [UnsafeContinuation<Void, Never>] {
        guard !state.waiters.isEmpty else { return [] }
        defer { state.waiters.removeAll(keepingCapacity: true) }
        return Array(state.waiters.values)
    }

    private func beat() {
        let wake = state.withLock { state in
            state.tick += 1
            return Self.takeWaiters(&state)
        }
        for waiter in wake { waiter.resume() }
    }

    /// The engine ended the subscription: what is open becomes visible, and every stream ends
    /// once it has written it.
    private func finish() {
        let wake = state.withLock { state in
            var wake = Self.seal(&state, now: .now, limit: .max)
            state.finished = true
            wake += Self.takeWaiters(&state)
            wake += state.readyWaiters
            state.readyWaiters = []
            return wake
        }
        for waiter in wake { waiter.resume() }
    }

    // MARK: Consuming

    func take(_ member: Int, after sent: Int64, types: Set<String>?, tick: Int) -> FanOutTake {
        state.withLock { state in
            if state.ended.contains(member) || state.stopped { return .end }
            let from = sent + 1
            if from < state.first { return .behind(oldest: state.first) }
            if from >= state.next {
                if state.finished { return .end }
                return state.tick != tick ? .heartbeat(tick: state.tick) : .wait
            }
            // The segment holding `from`: usually one of the last few.
            var index = state.segments.count - 1
            while index > 0, state.segments[index].first > from { index -= 1 }
            var pieces: [ByteBuffer] = []
            var bytes = 0
            var last = sent
            while index < state.segments.count, bytes < settings.writeLimit {
                let segment = state.segments[index]
                let start = Int(max(from, segment.first) - segment.first)
                if let types {
                    for frame in start..<segment.count where bytes < settings.writeLimit {
                        last = segment.first + Int64(frame)
                        guard types.contains(segment.types[frame]) else { continue }
                        let offset = segment.start(of: frame)
                        let length = segment.ends[frame] - offset
                        pieces.append(segment.buffer.getSlice(at: offset, length: length)!)
                        bytes += length
                    }
                } else {
                    let offset = segment.start(of: start)
                    let length = segment.ends[segment.count - 1] - offset
                    pieces.append(segment.buffer.getSlice(at: offset, length: length)!)
                    bytes += length
                    last = segment.last
                }
                index += 1
            }
            return .frames(pieces, last: last)
        }
    }

    func wait(_ member: Int, after sent: Int64, tick: Int) async {
        await withTaskCancellationHandler {
            await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                let now = state.withLock { state in
                    if state.ended.contains(member) || state.stopped || state.finished || sent + 1 < state.next
                        || sent + 1 < state.first || state.tick != tick
                    {
                        return true
                    }
                    state.waiters[member] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            end(member)
        }
    }

    func end(_ member: Int) {
        let waiter = state.withLock { state in
            state.ended.insert(member)
            return state.waiters.removeValue(forKey: member)
        }
        waiter?.resume()
    }

    func leave(_ member: Int) {
        let (waiter, tasks) = state.withLock { state -> (UnsafeContinuation<Void, Never>?, [Task<Void, Never>]) in
            let waiter = state.waiters.removeValue(forKey: member)
            state.ended.remove(member)
            state.members -= 1
            guard state.members == 0 else { return (waiter, []) }
            state.stopped = true
            state.segments = []
            state.open = Segment(first: 0, buffer: ByteBuffer(), ends: [], types: [])
            state.retained = 0
            defer { state.tasks = [] }
            return (waiter, state.tasks)
        }
        waiter?.resume()
        for task in tasks { task.cancel() }
    }
}
