import NIOCore

/// One connection of a ``LifecycleDriver`` run: it runs one lifecycle at a time, each request
/// sent when the answer before it has been read.
///
/// It lives on the run's event loop; every callback, including the timer that reads a queued
/// task again, runs there.
final class LifecycleConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Waiting {
        case nothing
        case create
        case poll
        case accept
        case complete(withOutcome: Bool)
    }

    private static let taskFields = JSONFieldReader(["id", "state", "worker", "step"])
    private static let problemFields = JSONFieldReader(["detail", "field"])
    private static let taskMember = JSONFieldReader(["task"])

    private let run: LifecycleRun
    private var context: ChannelHandlerContext?
    private var reader = HTTPResponseReader()
    private var waiting = Waiting.nothing
    private var serverCloses = false
    private var ended = false
    /// Reused for every request: by the time the next is written the last has left.
    private var outbound = ByteBuffer()
    private var body = ByteBuffer()

    // The lifecycle under way.
    private var task = ""
    private var worker = ""
    private var step = ""
    private var began: UInt64 = 0
    private var sent: UInt64 = 0
    /// When the create was sent, and its round trip: for the run's timeline.
    private var createSent: UInt64 = 0
    private var createRoundTrip: UInt64 = 0
    /// Create sent → offered, and → accepted, once reached; recorded when the lifecycle completes.
    private var assigned: UInt64?
    private var accepted: UInt64?
    private var offerUntil: UInt64 = 0
    private var stepsLeft = 0

    init(run: LifecycleRun) {
        self.run = run
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        reader.append(unwrapInboundIn(data))
        do {
            while let response = try reader.next() {
                if response.closes { serverCloses = true }
                answered(response)
            }
        } catch {
            abort("\(error)")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .nothing = waiting {} else { lost("the server closed the connection") }
        end()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        abort("\(error)")
    }

    /// Ends the lifecycle under way as failed, and the connection.
    func abort(_ reason: String) {
        lost(reason)
        context?.close(promise: nil)
    }

    private func lost(_ reason: String) {
        if case .nothing = waiting { return }
        waiting = .nothing
        run.failed(reason)
    }

    private func end() {
        guard !ended else { return }
        ended = true
        run.ended()
    }

    // MARK: Lifecycle

    /// Whether the connection can start another lifecycle.
    var isUsable: Bool { !ended && !serverCloses && context != nil }

    /// Hands the connection back to the run, which starts its next lifecycle, keeps it for a
    /// later one or closes it.
    private func nextLifecycle() {
        waiting = .nothing
        run.free(self)
    }

    /// Closes the connection: the run has no more lifecycles for it.
    func close() {
        waiting = .nothing
        context?.close(promise: nil)
    }

    /// Starts a lifecycle whose clock started at `scheduled`: now, for a closed loop; the
    /// lifecycle's slot in the schedule, for a fixed rate, so that a late start counts in its
    /// latencies. Returns false, starting nothing, when the connection cannot be used.
    @discardableResult
    func begin(at scheduled: UInt64) -> Bool {
        guard isUsable else { return false }
        assigned = nil
        accepted = nil
        stepsLeft = 16
        began = scheduled
        offerUntil = LifecycleRun.now() + UInt64(run.settings.offerWait * 1e9)
        waiting = .create
        send(run.createRequest)
        createSent = sent
        return true
    }

    private func answered(_ response: HTTPResponseReader.Response) {
        let now = LifecycleRun.now()
        let took = now - sent
        switch waiting {
        case .nothing:
            abort("an answer to no request")
        case .create:
            run.report.create.append(took)
            createRoundTrip = took
            guard (200..<300).contains(response.status), let fields = Self.taskFields.strings(in: response.body),
                let id = fields[0]
            else { return fail("create", response) }
            task = id
            reached(fields[1], worker: fields[2], step: fields[3], at: now)
        case .poll:
            var state: String?
            var worker: String?
            var step: String?
            if (200..<300).contains(response.status), let task = Self.taskMember.value(in: response.body),
                let fields = Self.taskFields.strings(in: task)
            {
                (state, worker, step) = (fields[1], fields[2], fields[3])
            }
            // A task that has left the live state while waiting (cancelled, say) is not offered:
            // it is given up when the wait runs out.
            reached(state ?? "queued", worker: worker, step: step, at: now)
        case .accept:
            run.report.accept.append(took)
            guard (200..<300).contains(response.status) else { return fail("accept", response) }
            if accepted == nil { accepted = now - began }
            complete(withOutcome: run.needsOutcome.contains(step))
        case .complete(let withOutcome):
            run.report.complete.append(took)
            if response.status == 422, !withOutcome, Self.problemFields.strings(in: response.body)?[1] == "outcome" {
                run.needsOutcome.insert(step)
                return complete(withOutcome: true)
            }
            guard (200..<300).contains(response.status), let fields = Self.taskFields.strings(in: response.body) else {
                return fail("complete", response)
            }
            stepsLeft -= 1
            guard stepsLeft > 0 else {
                run.failed("task \(task) did not finish within 16 steps")
                return nextLifecycle()
            }
            reached(fields[1], worker: fields[2], step: fields[3], at: now)
        }
    }

    /// Goes on from the task's state as an answer showed it.
    private func reached(_ state: String?, worker: String?, step: String?, at now: UInt64) {
        switch state {
        case "completed":
            run.report.lifecycles += 1
            // Only lifecycles that completed are timed, so that every sample has its lifecycle.
            run.report.createToAssigned.append(assigned ?? 0)
            run.report.createToAccepted.append(accepted ?? 0)
            if run.settings.keepsTimeline {
                run.report.timeline.append(LifecycleDriver.LifecycleSample(
                    due: began - run.begun, startDelay: createSent - began, createRoundTrip: createRoundTrip,
                    createToAssigned: assigned ?? 0, completed: now - began))
            }
            nextLifecycle()
        case "offered":
            guard let worker, let step else {
                run.failed("task \(task) offered without a worker")
                return nextLifecycle()
            }
            if assigned == nil { assigned = now - began }
            self.worker = worker
            self.step = step
            accept()
        case "queued":
            guard now < offerUntil else {
                run.report.abandoned += 1
                return nextLifecycle()
            }
            waiting = .poll
            // Not waiting on the server in between: a close now is not a lost request.
            let interval = TimeAmount.milliseconds(Int64(run.settings.pollInterval))
            context?.eventLoop.assumeIsolated().scheduleTask(in: interval) { self.poll() }
        default:
            run.failed("task \(task) is \(state ?? "in no state") where offered, queued or completed was expected")
            nextLifecycle()
        }
    }

    private func fail(_ request: String, _ response: HTTPResponseReader.Response) {
        let detail = Self.problemFields.strings(in: response.body)?[0] ?? ""
        run.failed("\(request): \(response.status) \(detail)")
        nextLifecycle()
    }

    // MARK: Requests

    private func poll() {
        guard case .poll = waiting, !ended else { return }
        run.report.polls += 1
        outbound.clear()
        outbound.writeStaticString("GET /v1/tasks/")
        RequestBytes.writePathSegment(task, into: &outbound)
        outbound.writeStaticString(" HTTP/1.1\r\n")
        outbound.writeImmutableBuffer(run.headers)
        outbound.writeStaticString("\r\n")
        send(outbound)
    }

    private func accept() {
        waiting = .accept
        body.clear()
        body.writeStaticString("{\"worker\":")
        RequestBytes.writeJSONString(worker, into: &body)
        body.writeStaticString("}")
        postToTask(action: "/accept HTTP/1.1\r\n")
    }

    private func complete(withOutcome: Bool) {
        waiting = .complete(withOutcome: withOutcome)
        body.clear()
        body.writeStaticString("{\"evidence\":")
        body.writeImmutableBuffer(run.evidence)
        if withOutcome {
            body.writeStaticString(",\"outcome\":")
            body.writeImmutableBuffer(run.outcome)
        }
        body.writeStaticString(",\"worker\":")
        RequestBytes.writeJSONString(worker, into: &body)
        body.writeStaticString("}")
        postToTask(action: "/complete HTTP/1.1\r\n")
    }

    /// Sends `body` as a POST to the task's `action` (the rest of the request line after its id).
    private func postToTask(action: StaticString) {
        outbound.clear()
        outbound.writeStaticString("POST /v1/tasks/")
        RequestBytes.writePathSegment(task, into: &outbound)
        outbound.writeStaticString(action)
        RequestBytes.writeJSONBody(&body, headers: run.headers, into: &outbound)
        send(outbound)
    }

    private func send(_ request: ByteBuffer) {
        guard let context, !serverCloses else {
            return abort("the server closed the connection")
        }
        sent = LifecycleRun.now()
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }
}
