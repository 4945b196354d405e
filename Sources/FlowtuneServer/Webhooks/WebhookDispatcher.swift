import AsyncHTTPClient
import FlowtuneCore
import FlowtuneStore
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// Delivers committed events to webhook subscriptions, at least once, in log order per
/// subscription.
///
/// Each subscription has a deliverer reading the log from its durable cursor: it POSTs every
/// event it subscribes to, retrying failures with backoff and jitter up to the policy's attempts,
/// logs every attempt, and moves the cursor on only once an event is delivered or given up on.
/// After a restart (or a crash mid-delivery) it resumes from the cursor, so an event may arrive
/// twice but is never skipped while attempts remain; receivers deduplicate on
/// `Flowtune-Event-Id`. A slow or failing receiver holds back only its own subscription.
struct WebhookDispatcher: Service {
    let host: WorkspaceHost
    let repository: WebhookRepository
    let policy: WebhookPolicy
    let client: HTTPClient
    let logger: Logger

    func run() async throws {
        // The newest committed sequence, fed by the engine's stream so that idle deliverers
        // read the store only when there is something new.
        let newest = Newest(await host.engine.committedVersion)
        let commits = await host.engine.subscribeToCommits()
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await commit in commits {
                        if let last = commit.last { newest.raise(to: last.sequence) }
                    }
                }
                group.addTask { await supervise(newest) }
                // The engine's stream ends only with the server; the supervisor ends on cancellation.
                await group.next()
                group.cancelAll()
            }
        }
    }

    /// Starts a deliverer for each subscription and stops those whose subscription was deleted,
    /// checking the table every poll interval.
    private func supervise(_ newest: Newest) async {
        var running: [String: Task<Void, Never>] = [:]
        while !Task.isCancelled {
            do {
                let current = try repository.subscriptions()
                let ids = Set(current.map(\.id))
                for (id, task) in running where !ids.contains(id) {
                    task.cancel()
                    running[id] = nil
                }
                for subscription in current where running[subscription.id] == nil {
                    running[subscription.id] = Task { await deliver(subscription, newest: newest) }
                }
            } catch {
                logger.error("webhooks: cannot read subscriptions", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: policy.pollInterval)
        }
        for task in running.values { task.cancel() }
        for task in running.values { await task.value }
    }

    /// Delivers the log to one subscription from its cursor until cancelled.
    private func deliver(_ subscription: WebhookSubscription, newest: Newest) async {
        var cursor = subscription.cursor
        var logger = logger
        logger[metadataKey: "webhook"] = .string(subscription.id)
        while !Task.isCancelled {
            guard newest.value > cursor else {
                try? await Task.sleep(for: policy.pollInterval)
                continue
            }
            let batch: [StoredEvent]
            do {
                batch = try await host.store.read(host.workspace, after: cursor, limit: 256)
            } catch {
                logger.error("webhooks: cannot read the log", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: policy.pollInterval)
                continue
            }
            var skipped = false
            for stored in batch {
                if subscription.wants(stored.event.type) {
                    // Cancelled mid-delivery: the cursor stays before this event, which is sent
                    // again on the next start.
                    guard let finished = await send(stored, to: subscription, logger: logger) else { return }
                    if !finished {
                        logger.warning(
                            "webhooks: gave up on an event", metadata: ["event": "\(stored.sequence)", "attempts": "\(policy.maxAttempts)"])
                    }
                    cursor = stored.sequence
                    save(cursor, of: subscription, logger: logger)
                    skipped = false
                } else {
                    cursor = stored.sequence
                    skipped = true
                }
            }
            if skipped { save(cursor, of: subscription, logger: logger) }
            if batch.isEmpty {
                // The stream announced events the store does not show yet; look again shortly.
                try? await Task.sleep(for: policy.pollInterval)
            }
        }
    }

    private func save(_ cursor: Int64, of subscription: WebhookSubscription, logger: Logger) {
        do {
            try repository.advanceCursor(of: subscription.id, to: cursor)
        } catch {
            logger.error("webhooks: cannot save the cursor", metadata: ["error": "\(error)"])
        }
    }

    /// Sends one event until it is delivered or attempts run out: true when delivered, false
    /// when given up on, nil when cancelled before either.
    private func send(_ stored: StoredEvent, to subscription: WebhookSubscription, logger: Logger) async -> Bool? {
        let body: Data
        do {
            body = try WebhookEvent(stored).body()
        } catch {
            logger.error("webhooks: cannot encode an event", metadata: ["event": "\(stored.sequence)", "error": "\(error)"])
            return false
        }
        for attempt in 1...policy.maxAttempts {
            if Task.isCancelled { return nil }
            let started = Date()
            let clock = ContinuousClock.now
            let timestamp = Int(started.timeIntervalSince1970)
            var request = HTTPClientRequest(url: subscription.url.absoluteString)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "flowtune-webhooks")
            request.headers.add(name: "Flowtune-Event-Id", value: String(stored.sequence))
            request.headers.add(name: "Flowtune-Event-Type", value: stored.event.type)
            request.headers.add(name: "Flowtune-Timestamp", value: String(timestamp))
            request.headers.add(
                name: "Flowtune-Signature", value: WebhookSignature.sign(secret: subscription.secret, timestamp: timestamp, body: body))
            request.body = .bytes(ByteBuffer(bytes: body))
            var status: Int?
            var failure: String?
            do {
                let response = try await client.execute(request, timeout: .nanoseconds(Int64(policy.timeout / .nanoseconds(1))))
                status = Int(response.status.code)
                // Read (a little of) the answer so the connection can be reused.
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if !(200..<300).contains(Int(response.status.code)) { failure = "HTTP \(response.status.code)" }
            } catch {
                if Task.isCancelled { return nil }
                failure = "\(error)"
            }
            let elapsed = ContinuousClock.now - clock
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            do {
                try repository.log(
                    subscription: subscription.id, eventID: stored.sequence, eventType: stored.event.type, attempt: attempt,
                    status: status, durationMs: milliseconds, error: failure, at: started)
            } catch {
                logger.error("webhooks: cannot log a delivery", metadata: ["error": "\(error)"])
            }
            if failure == nil { return true }
            logger.debug(
                "webhooks: attempt failed",
                metadata: ["event": "\(stored.sequence)", "attempt": "\(attempt)", "error": .string(failure ?? "")])
            if attempt < policy.maxAttempts {
                do {
                    try await Task.sleep(for: policy.delay(after: attempt, unit: policy.random()))
                } catch {
                    return nil
                }
            }
        }
        return false
    }
}

/// The newest committed sequence, raised by the engine's stream and read by every deliverer.
private final class Newest: Sendable {
    private let storage: Mutex<Int64>

    init(_ value: Int64) { storage = Mutex(value) }

    var value: Int64 { storage.withLock { $0 } }

    func raise(to value: Int64) {
        storage.withLock { $0 = max($0, value) }
    }
}
