import FlowtuneCore
import FlowtuneServer
import Foundation
import ServiceLifecycle

/// The demo's people, over HTTP: customers opening tickets at a rate that follows a compressed
/// day, the 25 agents of ``DemoDesk`` accepting offers and completing steps (some without the
/// evidence a step requires, which sends the ticket to the exception lane), an operator clearing
/// the exception lane, and a live line every few seconds.
///
/// A service beside the server in one service group: it starts once the server listens, and
/// when it finishes (after `duration`) the group shuts the server down gracefully.
struct DemoTraffic: Service {
    /// How busy the demo is and how it reports.
    struct Settings: Sendable {
        /// Tickets per second at the busiest moment of the day.
        var peak = 5.0
        /// The length of the compressed day, in seconds.
        var day = 120.0
        /// Scales every handling time; below 1 the agents work faster.
        var pace = 1.0
        /// Seconds between live lines.
        var reportEvery = 3.0
        /// Seconds to run; nil runs until SIGINT or SIGTERM.
        var duration: Double?
        /// The seed of every random choice.
        var seed: UInt64 = 2026
    }

    let server: FlowtuneServer
    let ports: AsyncStream<Int>
    let adminKey: String
    let workerKeys: [String: String]
    let settings: Settings
    let stats: DemoStats
    let output: @Sendable (String) -> Void

    func run() async throws {
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { return }
        let base = "http://127.0.0.1:\(port)"
        output("Flowtune demo: the support desk at \(base)")
        output("  admin key: \(adminKey)")
        output("  try: curl -H 'Authorization: Bearer \(adminKey)' \(base)/v1/tasks?lane=exception")
        output("  \(DemoDesk.roster.count) agents; tickets peak at \(Self.format(settings.peak))/s over a \(Int(settings.day))s day")
        let http = APIClient.makeHTTPClient(connections: DemoDesk.roster.count + 32)
        let api = APIClient(base: base, http: http)
        let start = ContinuousClock.now
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await arrivals(api, start: start) }
                for (index, member) in DemoDesk.roster.enumerated() {
                    group.addTask { await work(as: member, number: index, api) }
                }
                group.addTask { await operate(api) }
                group.addTask { await report(start: start) }
                if let duration = settings.duration {
                    group.addTask { try? await Task.sleep(for: .seconds(duration)) }
                    await group.next()
                    group.cancelAll()
                }
                await group.waitForAll()
            }
        }
        try? await http.shutdown()
    }

    // MARK: - Customers

    private func arrivals(_ api: APIClient, start: ContinuousClock.Instant) async {
        let curve = ArrivalCurve(peak: settings.peak, day: settings.day)
        var random = SeededRandom(seed: settings.seed)
        var elapsed = 0.0
        var number = 0
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                elapsed = curve.nextArrival(after: elapsed, using: &random)
                do {
                    try await Task.sleep(until: start + .seconds(elapsed), clock: .continuous)
                } catch {
                    break
                }
                number += 1
                let body = Self.ticket(number, using: &random)
                group.addTask {
                    do {
                        let answer = try await api.send(.POST, "/v1/tasks", key: adminKey, json: body)
                        if answer.isSuccess { await stats.taskCreated() } else { await stats.failed("create: \(answer.status)") }
                    } catch {
                        if !Task.isCancelled { await stats.failed("create: \(error)") }
                    }
                }
            }
        }
    }

    static func ticket(_ number: Int, using random: inout SeededRandom) -> String {
        let roll = random.unit()
        let channel = roll < 0.45 ? "chat" : roll < 0.85 ? "email" : "voice"
        let tiers = ["bronze", "silver", "gold", "platinum"]
        let subjects = ["login", "billing", "refund", "bug", "shipping", "account"]
        let tier = tiers[Int(random.unit() * Double(tiers.count))]
        let subject = subjects[Int(random.unit() * Double(subjects.count))]
        let priority = tier == "platinum" ? 2 : 3 + Int(random.unit() * 4)
        return jsonText(.object([
            "workflow": "support", "channel": .string(channel), "priority": .number(Double(priority)),
            "attributes": .object([
                "customer_tier": .string(tier), "subject": .string("\(subject) question #\(number)"), "language": "en",
            ]),
        ]))
    }

    // MARK: - Agents

    /// One agent: looks at their own offers and tasks a few times a second, accepts (now and
    /// then rejects) offers, and completes each step after its handling time.
    private func work(as member: DemoDesk.Member, number: Int, _ api: APIClient) async {
        guard let key = workerKeys[member.id] else { return }
        var random = SeededRandom(seed: settings.seed &+ UInt64(number + 1) &* 0x9E37_79B9)
        // Task id → the step being worked and when it will be done.
        var plans: [String: (step: String, due: ContinuousClock.Instant)] = [:]
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .milliseconds(200 + Int(random.unit() * 150)))
                let mine = try await api.send(.GET, "/v1/tasks", key: key)
                guard mine.isSuccess, case .array(let items) = mine.json["items"] else {
                    await stats.failed("list as \(member.id): \(mine.status)")
                    continue
                }
                var seen: Set<String> = []
                for item in items {
                    guard let id = item["id"]?.stringValue, let step = item["step"]?.stringValue else { continue }
                    seen.insert(id)
                    switch item["state"]?.stringValue {
                    case "offered":
                        if random.unit() < 0.03 {
                            let answer = try await api.send(.POST, "/v1/tasks/\(id)/reject", key: key, json: "{}")
                            if answer.isSuccess { await stats.offerRejected() }
                        } else {
                            let answer = try await api.send(.POST, "/v1/tasks/\(id)/accept", key: key, json: "{}")
                            if answer.isSuccess {
                                await stats.offerAccepted()
                                plans[id] = (step, .now + handling(step, using: &random))
                            }
                        }
                    case "assigned" where plans[id]?.step != step:
                        plans[id] = (step, .now + handling(step, using: &random))
                    default:
                        break
                    }
                }
                plans = plans.filter { seen.contains($0.key) }
                for (id, plan) in plans where plan.due <= .now {
                    plans[id] = nil
                    try await complete(id, step: plan.step, key: key, api, using: &random)
                }
            } catch {
                if Task.isCancelled { return }
                await stats.failed("\(member.id): \(error)")
            }
        }
    }

    private func handling(_ step: String, using random: inout SeededRandom) -> Duration {
        let base = step == "triage" ? 1.5 : step == "resolve" ? 4.0 : 6.0
        return .seconds(base * settings.pace * (0.4 + 1.2 * random.unit()))
    }

    private func complete(_ id: String, step: String, key: String, _ api: APIClient, using random: inout SeededRandom) async throws {
        var evidence: [String: JSONValue] = [:]
        var outcome: String?
        var withoutEvidence = false
        switch step {
        case "triage":
            evidence["category"] = .string(["billing", "login", "bug", "shipping"][Int(random.unit() * 4)])
        case "resolve":
            // Now and then an agent solves the ticket but forgets to say how: the step's rule
            // sends it to the exception lane, where the operator follows up.
            if random.unit() < 0.07 {
                withoutEvidence = true
            } else {
                evidence["resolution"] = "answered with the knowledge-base article"
            }
            outcome = random.unit() < 0.1 ? "escalate" : "solved"
        default:
            evidence["root_cause"] = "configuration drift after release"
            evidence["resolution"] = "patched and verified with the customer"
            outcome = "solved"
        }
        var body: [String: JSONValue] = ["evidence": .object(evidence)]
        if let outcome { body["outcome"] = .string(outcome) }
        let answer = try await api.send(.POST, "/v1/tasks/\(id)/complete", key: key, json: jsonText(.object(body)))
        if answer.isSuccess {
            await stats.stepCompleted(finishedTask: answer.json["state"]?.stringValue == "completed", withoutEvidence: withoutEvidence)
        } else {
            await stats.failed("complete \(id): \(answer.status) \(answer.json["detail"]?.stringValue ?? "")")
        }
    }

    // MARK: - Operator

    /// Clears the exception lane: each item is completed by the operator once it has been
    /// visible for a while, so the lane shows items arriving and leaving.
    private func operate(_ api: APIClient) async {
        var firstSeen: [String: ContinuousClock.Instant] = [:]
        while !Task.isCancelled {
            do {
                try await Task.sleep(for: .seconds(2))
                let lane = try await api.send(.GET, "/v1/tasks?lane=exception", key: adminKey)
                guard case .array(let items) = lane.json["items"] else { continue }
                let ids = items.compactMap { $0["id"]?.stringValue }
                firstSeen = firstSeen.filter { ids.contains($0.key) }
                for id in ids where firstSeen[id] == nil { firstSeen[id] = .now }
                for (id, seen) in firstSeen where ContinuousClock.now - seen > .seconds(8) {
                    let answer = try await api.send(
                        .POST, "/v1/exceptions/\(id)/resolve", key: adminKey,
                        json: #"{"resolution": "complete", "note": "resolution recorded by the operator after a call"}"#)
                    // A server without the exception routes leaves the lane to people.
                    if answer.status == 404, answer.json["field"] == nil { return }
                    if answer.isSuccess { await stats.exceptionResolved() }
                    firstSeen[id] = nil
                }
            } catch {
                if Task.isCancelled { return }
            }
        }
    }

    // MARK: - Live line

    private func report(start: ContinuousClock.Instant) async {
        let curve = ArrivalCurve(peak: settings.peak, day: settings.day)
        var lastCreated = 0
        var lastFinished = 0
        var last = ContinuousClock.now
        while !Task.isCancelled {
            do { try await Task.sleep(for: .seconds(settings.reportEvery)) } catch { return }
            let now = ContinuousClock.now
            let window = Double((now - last).components.seconds) + Double((now - last).components.attoseconds) / 1e18
            let elapsed = Double((now - start).components.seconds)
            last = now
            let totals = await stats.summary
            let snapshot = await WorkspaceSnapshot.read(server.host)
            let metrics = await server.host.board.current
            let answered = metrics.queues.values.reduce(0) { $0 + $1.waits.count }
            let within = metrics.queues.values.reduce(0) { $0 + $1.answeredWithinTarget }
            let level = answered == 0 ? "-" : "\(Int((Double(within) / Double(answered) * 100).rounded()))%"
            // Every move of the demo desk is within the automatic cost limit, so each proposal
            // numbered so far is a worker moved.
            let moves = await server.host.engine.currentState.nextReallocationNumber - 1
            let line = [
                String(format: "%5.0fs", elapsed),
                "\(Self.format(Double(totals.created - lastCreated) / window)) tasks/s (arriving at \(Self.format(curve.rate(at: elapsed)))/s)",
                "waiting \(snapshot.queueDepths.values.reduce(0, +))",
                "exceptions \(snapshot.exceptionLane)",
                "service level \(level)",
                "completed \(totals.finished) (+\(totals.finished - lastFinished))",
                "workers moved \(moves)",
            ].joined(separator: "  ")
            output(line)
            lastCreated = totals.created
            lastFinished = totals.finished
        }
    }

    static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
