import Foundation
import NIOCore
import NIOPosix

/// Drives full task lifecycles against a Flowtune server on this machine, spending as little
/// CPU as it can so that what it measures is the server: N keep-alive connections on one
/// event-loop thread, requests written as bytes, answers read for their status and the few
/// fields needed.
///
/// Each connection creates a task, accepts its offer as the worker it was offered to and
/// completes each step with the evidence given until the task finishes; at most `count`
/// lifecycles are started, none after `duration`.
///
/// Without a `rate` the run is a closed loop: each connection starts its next lifecycle as soon
/// as the last one ends, so the load is whatever the server saturates at. With a `rate` it is
/// an open loop: lifecycles are due at fixed, evenly spread times, each started on a connection
/// that is free (as few as that takes, up to `clients`), and every latency is measured from the
/// time the lifecycle was due, not from when it could be sent — a start that waited for a free
/// connection counts its wait, so a slow server cannot hide its queueing by slowing the load.
///
/// ```swift
/// var settings = LifecycleDriver.Settings(host: "127.0.0.1", port: 8080, key: "s3cret")
/// settings.clients = 64
/// let report = try await LifecycleDriver.run(settings)
/// print(report.lifecycles, report.seconds)
/// ```
package enum LifecycleDriver {
    /// What to run and how hard.
    package struct Settings: Sendable {
        /// The server's address; it must be a loopback address.
        package var host: String
        /// The server's port.
        package var port: Int
        /// An admin key: it creates tasks and acts for workers.
        package var key: String
        /// Connections, each running one lifecycle at a time.
        package var clients = 16
        /// Lifecycles to start per second, evenly spread; nil for a closed loop, in which each
        /// connection starts its next lifecycle as soon as the last one ends.
        package var rate: Double?
        /// How long after its due time a lifecycle may start before it counts as late, in
        /// nanoseconds (fixed rate only).
        package var lateAfter: UInt64 = 1_000_000
        /// The most lifecycles to start.
        package var count = 10_000
        /// The most seconds to start lifecycles for.
        package var duration = 30.0
        /// The workflow of the tasks.
        package var workflow = "support"
        /// The channel of the tasks; the server's default when nil.
        package var channel: String?
        /// Evidence sent with every completion, as JSON object text.
        package var evidence = "{}"
        /// The outcome named at steps that ask for one.
        package var outcome = "solved"
        /// The longest a task may wait for an offer before its lifecycle is abandoned, in seconds.
        package var offerWait = 5.0
        /// How often a task waiting for an offer is read again, in milliseconds.
        package var pollInterval = 2
        /// How long after `duration` answers are still waited for, in seconds.
        package var grace = 10.0
        /// Whether to keep one ``LifecycleSample`` per completed lifecycle in ``Report/timeline``,
        /// so that a tail can be placed in time (bursts, or spread through the run).
        package var keepsTimeline = false

        /// Settings for a server at `host`:`port`, with `key`.
        package init(host: String, port: Int, key: String) {
            self.host = host
            self.port = port
            self.key = key
        }
    }

    /// What a run measured; latencies are in nanoseconds, one sample per lifecycle or request.
    package struct Report: Sendable {
        /// Lifecycles that ended with the task completed.
        package var lifecycles = 0
        /// Lifecycles given up because no offer came within `offerWait`.
        package var abandoned = 0
        /// Lifecycles that ended on a refused request or a lost connection.
        package var failures = 0
        /// What the last failure was.
        package var lastFailure: String?
        /// From the first request to the last answer.
        package var seconds = 0.0
        /// Create sent (due, at a fixed rate) → the answer that shows the task offered (the
        /// create's own, unless it queued), one per completed lifecycle.
        package var createToAssigned: [UInt64] = []
        /// Create sent (due, at a fixed rate) → the offer accepted, one per completed lifecycle.
        package var createToAccepted: [UInt64] = []
        /// Round trips of creations.
        package var create: [UInt64] = []
        /// Round trips of acceptances.
        package var accept: [UInt64] = []
        /// Round trips of completions, refused ones included.
        package var complete: [UInt64] = []
        /// Reads of a task waiting in its queue for an offer.
        package var polls = 0
        /// Lifecycles started.
        package var started = 0
        /// Lifecycles started more than `lateAfter` after they were due (fixed rate only), such
        /// as when every connection was busy.
        package var late = 0
        /// Lifecycles due before the deadline that had not started when it passed (waiting for a
        /// free connection, or for the timer), and were never started (fixed rate only).
        package var unstarted = 0
        /// The longest any lifecycle waited past its due time to start, in nanoseconds.
        package var longestStartDelay: UInt64 = 0

        /// With ``Settings/keepsTimeline``: one sample per completed lifecycle, in the order they
        /// completed.
        package var timeline: [LifecycleSample] = []
        /// When the run's clock started, in seconds since 1970 (the wall clock, to line the
        /// timeline up with other traces of the same moment, such as a server's system calls).
        package var startedAt = 0.0

        /// Lifecycles completed per second.
        package var rate: Double { seconds > 0 ? Double(lifecycles) / seconds : 0 }
    }

    /// One completed lifecycle, placed in the run: nanoseconds, from the run's start for `due`
    /// and from `due` for the others.
    package struct LifecycleSample: Sendable, Hashable {
        /// When the lifecycle was due (fixed rate) or started (closed loop), since the run began.
        package var due: UInt64
        /// How long after `due` the create was sent: the wait for a free connection.
        package var startDelay: UInt64
        /// The create's own round trip.
        package var createRoundTrip: UInt64
        /// Due → the answer showing the task offered.
        package var createToAssigned: UInt64
        /// Due → the task completed.
        package var completed: UInt64
    }

    /// The server could not be reached, or is not on this machine.
    package struct ConnectionFailure: Error, CustomStringConvertible {
        /// What happened.
        package var description: String
    }

    /// Runs the lifecycles and reports what they measured.
    package static func run(_ settings: Settings) async throws -> Report {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let report = try await run(settings, on: group.next())
            try await group.shutdownGracefully()
            return report
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private static func run(_ settings: Settings, on loop: any EventLoop) async throws -> Report {
        let run = try await loop.submit { NIOLoopBound(LifecycleRun(settings: settings, loop: loop), eventLoop: loop) }.get()
        // Connect every client before the clock starts, so that the rate is of lifecycles alone.
        var channels: [any Channel] = []
        do {
            for _ in 0..<max(settings.clients, 1) {
                let channel = try await ClientBootstrap(group: loop)
                    .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        do {
                            let connection = LifecycleConnection(run: run.value)
                            try channel.pipeline.syncOperations.addHandler(connection)
                            run.value.connections.append(connection)
                            return channel.eventLoop.makeSucceededVoidFuture()
                        } catch {
                            return channel.eventLoop.makeFailedFuture(error)
                        }
                    }
                    .connect(host: settings.host, port: settings.port).get()
                channels.append(channel)
                if channels.count == 1, !isLoopback(channel.remoteAddress) {
                    throw ConnectionFailure(
                        description: "\(settings.host) is \(channel.remoteAddress?.description ?? "?"), not this machine's loopback")
                }
            }
        } catch {
            for channel in channels { try? await channel.close() }
            if error is ConnectionFailure { throw error }
            throw ConnectionFailure(description: "no server at \(settings.host):\(settings.port): \(error)")
        }
        return try await loop.flatSubmit { run.value.start() }.get()
    }

    private static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let ip = address?.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}

/// What every connection of a run shares; it lives on the run's one event loop and is touched
/// only there.
final class LifecycleRun {
    let settings: LifecycleDriver.Settings
    let loop: any EventLoop
    let promise: EventLoopPromise<LifecycleDriver.Report>
    var connections: [LifecycleConnection] = []
    var report = LifecycleDriver.Report()
    /// Steps whose completion must name an outcome; learned from the server's answer.
    var needsOutcome: Set<String> = []
    private var started = 0
    private var open = 0
    private(set) var begun: UInt64 = 0
    private(set) var deadline: UInt64 = 0

    // Request bytes written once.
    let createRequest: ByteBuffer
    let headers: ByteBuffer
    let evidence: ByteBuffer
    let outcome: ByteBuffer

    init(settings: LifecycleDriver.Settings, loop: any EventLoop) {
        self.settings = settings
        self.loop = loop
        promise = loop.makePromise()
        var headers = ByteBuffer()
        headers.writeString("Host: \(settings.host):\(settings.port)\r\nAuthorization: Bearer \(settings.key)\r\n")
        self.headers = headers
        var body = ByteBuffer()
        body.writeStaticString("{\"workflow\":")
        RequestBytes.writeJSONString(settings.workflow, into: &body)
        if let channel = settings.channel {
            body.writeStaticString(",\"channel\":")
            RequestBytes.writeJSONString(channel, into: &body)
        }
        body.writeStaticString("}")
        var create = ByteBuffer()
        create.writeStaticString("POST /v1/tasks HTTP/1.1\r\n")
        RequestBytes.writeJSONBody(&body, headers: headers, into: &create)
        createRequest = create
        evidence = ByteBuffer(string: settings.evidence)
        var outcome = ByteBuffer()
        RequestBytes.writeJSONString(settings.outcome, into: &outcome)
        self.outcome = outcome
    }

    static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }

    /// Starts every connection; the future completes when all have finished.
    func start() -> EventLoopFuture<LifecycleDriver.Report> {
        begun = Self.now()
        report.startedAt = Date().timeIntervalSince1970
        deadline = begun + UInt64(settings.duration * 1e9)
        open = connections.count
        if open == 0 { finish() }
        if let rate = settings.rate {
            interval = 1e9 / rate
            // Popped from the end: the first connections take the load, the rest stay idle
            // unless it needs them.
            idle = connections.reversed()
            startDue()
        } else {
            for connection in connections { free(connection) }
        }
        // Answers that never come end the run rather than hang it.
        loop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64((settings.duration + settings.grace) * 1e9))) {
            for connection in self.connections { connection.abort("no answer within \(Int(self.settings.grace)) s of the end") }
        }
        return promise.futureResult
    }

    /// A connection has ended a lifecycle (or not begun one): it starts the next, is kept for a
    /// later one or, when the run has no more lifecycles to start, is closed.
    func free(_ connection: LifecycleConnection) {
        guard settings.rate != nil else {
            if connection.isUsable, started < settings.count, Self.now() < deadline {
                started += 1
                report.started = started
                connection.begin(at: Self.now())
            } else {
                connection.close()
            }
            return
        }
        idle.append(connection)
        startDue()
    }

    // MARK: Fixed rate

    /// Nanoseconds between due times.
    private var interval = 0.0
    /// Connections with no lifecycle under way, the most recently freed last.
    private var idle: [LifecycleConnection] = []
    private var timerArmed = false

    /// When the `index`th lifecycle is due.
    private func due(_ index: Int) -> UInt64 {
        begun + UInt64(Double(index) * interval)
    }

    /// Whether the run has lifecycles still to start: under the count, due before the deadline,
    /// and the deadline not passed — one still waiting for a connection then is never started.
    private func moreToStart(at now: UInt64) -> Bool {
        started < settings.count && due(started) < deadline && now < deadline
    }

    /// Starts every lifecycle that is due on a free connection; those left wait for the next
    /// connection freed. Then waits for the next due time, or closes the idle connections when
    /// there is nothing left to start.
    private func startDue() {
        let now = Self.now()
        while moreToStart(at: now), due(started) <= now, let connection = idle.popLast() {
            let scheduled = due(started)
            guard connection.begin(at: scheduled) else { continue }
            started += 1
            report.started = started
            let delay = now - scheduled
            if delay > settings.lateAfter { report.late += 1 }
            report.longestStartDelay = max(report.longestStartDelay, delay)
        }
        if !moreToStart(at: now) {
            closeIdle()
        } else if !idle.isEmpty, !timerArmed {
            // A due lifecycle with no free connection is started by the next one freed; the
            // timer is for the next that is not due yet.
            timerArmed = true
            let wait = Int64(due(started)) - Int64(now)
            loop.assumeIsolated().scheduleTask(in: .nanoseconds(max(wait, 0))) {
                self.timerArmed = false
                self.startDue()
            }
        }
    }

    /// Closes the connections that have nothing to do; each freed later is closed in turn.
    private func closeIdle() {
        while let connection = idle.popLast() { connection.close() }
    }

    func failed(_ reason: String) {
        report.failures += 1
        report.lastFailure = reason
    }

    /// A connection has finished its last lifecycle and closed.
    func ended() {
        open -= 1
        if open == 0 { finish() }
    }

    private func finish() {
        report.seconds = Double(Self.now() - begun) / 1e9
        if let rate = settings.rate {
            let due = min(settings.count, Int((settings.duration * rate).rounded(.up)))
            report.unstarted = max(due - started, 0)
        }
        promise.succeed(report)
    }
}

/// Request bytes: JSON strings and paths written straight into buffers.
enum RequestBytes {
    /// `text` as a JSON string, escaped where it must be.
    static func writeJSONString(_ text: String, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                buffer.writeInteger(UInt8(ascii: "\\"))
                buffer.writeInteger(byte)
            case 0..<0x20:
                buffer.writeStaticString("\\u00")
                buffer.writeInteger(hex(byte >> 4))
                buffer.writeInteger(hex(byte & 0xF))
            default:
                buffer.writeInteger(byte)
            }
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// `text` as a path segment: unreserved characters as they are, the rest percent-encoded.
    static func writePathSegment(_ text: String, into buffer: inout ByteBuffer) {
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                buffer.writeInteger(byte)
            default:
                buffer.writeInteger(UInt8(ascii: "%"))
                buffer.writeInteger(hex(byte >> 4))
                buffer.writeInteger(hex(byte & 0xF))
            }
        }
    }

    /// The end of a request line onwards: the shared headers, the JSON headers and `body`.
    static func writeJSONBody(_ body: inout ByteBuffer, headers: ByteBuffer, into buffer: inout ByteBuffer) {
        buffer.writeImmutableBuffer(headers)
        buffer.writeStaticString("Content-Type: application/json\r\nContent-Length: ")
        writeDecimal(body.readableBytes, into: &buffer)
        buffer.writeStaticString("\r\n\r\n")
        buffer.writeBuffer(&body)
    }

    static func writeDecimal(_ value: Int, into buffer: inout ByteBuffer) {
        // A short string is stored inline: no allocation.
        buffer.writeString(String(value))
    }

    private static func hex(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 48 + nibble : 87 + nibble
    }
}
