import AsyncHTTPClient
import Foundation
import Logging
import LoyaltyCore
import LoyaltyStore
import NIOCore
import ServiceLifecycle

/// What one round of the sender did.
public struct WebhookRound: Sendable, Hashable, Encodable {
    public var queued = 0
    public var delivered = 0
    public var retried = 0
    public var dead = 0

    public init() {}
}

/// Delivers the outbox's events to the subscriptions: queues each subscription's new events, then POSTs
/// every due delivery, the oldest pending one of each member at a time (so a member's events arrive in
/// order), and records each attempt. At least once: a delivery is marked delivered only after a 2xx.
public struct WebhookSender: Sendable {
    public var store: LoyaltyStore
    public var policy: WebhookRetryPolicy
    /// Per request, connection included.
    public var timeout: Duration
    /// Deliveries in flight at once, per subscription.
    public var concurrency: Int
    public var logger: Logger
    var http: HTTPClient

    /// `http` is the caller's (see ``makeHTTPClient()``), who shuts it down.
    public init(store: LoyaltyStore, http: HTTPClient, policy: WebhookRetryPolicy, timeout: Duration, concurrency: Int, logger: Logger) {
        self.store = store
        self.http = http
        self.policy = policy
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        self.logger = logger
    }

    /// An HTTP client that does not follow redirects: a 301 or 302 to a POST would be followed as a GET
    /// without the body (and the signature sent to wherever the redirect points), and its 2xx taken for a
    /// delivery. A redirect is a failed attempt instead. Shut it down with `shutdown()` when done.
    public static func makeHTTPClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// One round over every active subscription, each on its own task so that a slow endpoint holds up
    /// only its own subscription, until nothing more is due now.
    public func runOnce() async throws(LoyaltyError) -> WebhookRound {
        let webhooks = try await store.webhooks(activeOnly: true)
        do {
            return try await withThrowingTaskGroup(of: WebhookRound.self) { group in
                for webhook in webhooks {
                    group.addTask { try await send(webhook) }
                }
                var total = WebhookRound()
                for try await round in group {
                    total.queued += round.queued
                    total.delivered += round.delivered
                    total.retried += round.retried
                    total.dead += round.dead
                }
                return total
            }
        } catch let error as LoyaltyError {
            throw error
        } catch {
            throw LoyaltyError(.internal, "webhook round: \(error)")
        }
    }

    func send(_ webhook: WebhookRecord) async throws(LoyaltyError) -> WebhookRound {
        var round = WebhookRound()
        let batch = 500
        while true {
            let queued = try await store.enqueueWebhookEvents(webhook.id, limit: batch)
            round.queued += queued
            if queued < batch { break }
        }
        let secret = try store.webhookSecret(webhook)
        // Between batches: a shutdown ends the round, and so does an endpoint that answered none of a batch
        // (down or unreachable): its deliveries wait for their next attempt instead of one time-out each now.
        while !Task.isShuttingDownGracefully {
            // The lease outlasts the batch's requests, which run at once, each within the time-out.
            let due = try await store.claimWebhookDeliveries(webhook.id, limit: concurrency, lease: timeout + .seconds(30))
            if due.isEmpty { break }
            let outcomes = await withTaskGroup(of: (DueWebhookDelivery, Int?, String?, Duration).self) { group in
                for delivery in due {
                    group.addTask { await attempt(delivery, to: webhook.url, secret: secret) }
                }
                var all: [(DueWebhookDelivery, Int?, String?, Duration)] = []
                for await outcome in group { all.append(outcome) }
                return all
            }
            for (delivery, status, error, duration) in outcomes {
                let outcome = try await store.recordWebhookAttempt(
                    delivery.id, statusCode: status, error: error, duration: duration, policy: policy)
                switch outcome {
                case "delivered": round.delivered += 1
                case "dead":
                    round.dead += 1
                    logger.warning(
                        "webhook delivery dead",
                        metadata: ["webhook": "\(webhook.id)", "delivery": "\(delivery.id)", "event": "\(delivery.event)"])
                case "retry": round.retried += 1
                default: break
                }
            }
            if outcomes.allSatisfy({ $0.1 == nil }) {
                logger.warning("webhook endpoint unreachable; its round ends", metadata: ["webhook": "\(webhook.id)"])
                break
            }
        }
        return round
    }

    /// One POST: the HTTP status (nil without a response) and an error text for anything but a 2xx.
    func attempt(_ delivery: DueWebhookDelivery, to url: String, secret: String) async -> (DueWebhookDelivery, Int?, String?, Duration) {
        let clock = ContinuousClock()
        let started = clock.now
        let timestamp = Int64(Date().timeIntervalSince1970)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "loyalty-webhooks/1")
        request.headers.add(name: "Loyalty-Event-Id", value: String(delivery.event))
        request.headers.add(name: "Loyalty-Delivery-Id", value: String(delivery.id))
        request.headers.add(name: "Loyalty-Delivery-Attempt", value: String(delivery.attempts + 1))
        request.headers.add(name: "Loyalty-Timestamp", value: String(timestamp))
        request.headers.add(name: "Loyalty-Signature", value: WebhookSignature.header(secret: secret, timestamp: timestamp, body: delivery.body))
        request.body = .bytes(ByteBuffer(string: delivery.body))
        do {
            let response = try await http.execute(request, timeout: .nanoseconds(timeout.nanosecondsClamped), logger: logger)
            // Read (a bounded part of) the answer so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let code = Int(response.status.code)
            let error = (200...299).contains(code) ? nil : "HTTP \(code)"
            return (delivery, code, error, clock.now - started)
        } catch {
            return (delivery, nil, String(describing: error).prefix(500).description, clock.now - started)
        }
    }
}

extension Duration {
    /// Whole nanoseconds, clamped to Int64.
    var nanosecondsClamped: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : scaled + attoseconds / 1_000_000_000
    }
}
