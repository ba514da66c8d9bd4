import Crypto
import Foundation
import Logging
import LoyaltyCore
import LoyaltyStore
import LoyaltyTesting
import LoyaltyWebhooks
import Testing

/// The sender against a real HTTP server and a real database: signed POSTs, at least once, a member's
/// events in order, retries with backoff, dead letters and replays.
@Suite("Webhook sender (PostgreSQL, HTTP)", .timeLimit(.minutes(6)))
struct WebhookSenderTests {
    /// One HTTP client for the whole suite run (each test would otherwise need to shut its own down).
    static let http = WebhookSender.makeHTTPClient()

    func sender(_ db: TestDatabase, _ policy: WebhookRetryPolicy = WebhookRetryPolicy(maximumAttempts: 3, backoffSeconds: 60)) -> WebhookSender {
        WebhookSender(store: db.store, http: Self.http, policy: policy, timeout: .seconds(5), concurrency: 4, logger: db.logger)
    }

    func withReceiver<T>(_ body: (HTTPReceiver) async throws -> T) async throws -> T {
        let receiver = try await HTTPReceiver.start()
        do {
            let result = try await body(receiver)
            await receiver.stop()
            return result
        } catch {
            await receiver.stop()
            throw error
        }
    }

    @Test("a redirect is a failed attempt, not followed (it would turn the POST into a GET without the body)")
    func redirectsAreFailures() async throws {
        try await withTestDatabase { db in
            try await withReceiver { receiver in
                let (hook, _) = try await db.store.addWebhook(url: receiver.url, types: ["points."], note: nil, actor: "test")
                let ada = try await db.newMember("Ada", "Lovelace")
                _ = try await db.store.adjust(ada, points: 1, reason: "a1", actor: "test")
                try await db.settleEvents()
                receiver.answer(301)
                let round = try await sender(db).runOnce()
                #expect(round.retried == 1 && round.delivered == 0, "\(round)")
                #expect(receiver.requests.map(\.method) == ["POST"])
                let log = try #require(try await db.store.webhookDeliveries(webhook: hook.id, status: "pending", limit: 1).first)
                #expect(log.lastStatus == 301 && log.lastError == "HTTP 301")
            }
        }
    }

    @Test("the outbox's retention keeps what a paused subscription has not read; resumed, it gets it")
    func retentionWaitsForSubscriptions() async throws {
        try await withTestDatabase { db in
            try await withReceiver { receiver in
                let (hook, _) = try await db.store.addWebhook(url: receiver.url, types: ["points."], note: nil, actor: "test")
                try await db.store.setWebhookStatus(hook.id, to: "paused", actor: "test")
                let ada = try await db.newMember("Ada", "Lovelace")
                _ = try await db.store.adjust(ada, points: 1, reason: "while paused", actor: "test")
                try await db.travel(days: 100)
                let job = try await db.store.runEventJob(noticeDays: 30, retentionDays: 90, actor: "job")
                #expect(job.pruned == 0, "both events are past the paused subscription's position: \(job)")
                try await db.store.setWebhookStatus(hook.id, to: "active", actor: "test")
                try await db.settleEvents()
                #expect(try await sender(db).runOnce().delivered == 1)
                #expect(try reasons(receiver) == ["while paused"])
            }
        }
    }

    /// The reason of each adjustment the receiver got, in arrival order.
    func reasons(_ receiver: HTTPReceiver) throws -> [String] {
        try receiver.requests.map { request in
            let event = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
            return try #require((event["data"] as? [String: Any])?["reason"] as? String)
        }
    }

    @Test("each event is POSTed once with a valid signature, its ids and a fresh timestamp")
    func signedDeliveries() async throws {
        try await withTestDatabase { db in
            try await withReceiver { receiver in
                let (hook, secret) = try await db.store.addWebhook(url: receiver.url, types: ["points."], note: nil, actor: "test")
                let ada = try await db.newMember("Ada", "Lovelace")
                for n in 1...3 { _ = try await db.store.adjust(ada, points: Int64(n), reason: "a\(n)", actor: "test") }
                try await db.settleEvents()
                let round = try await sender(db).runOnce()
                #expect(round.queued == 3 && round.delivered == 3, "\(round)")
                #expect(try reasons(receiver) == ["a1", "a2", "a3"], "one member's events in order, and no member.enrolled")
                let now = Int64(Date().timeIntervalSince1970)
                for request in receiver.requests {
                    #expect(request.method == "POST" && request.path == "/hook")
                    #expect(request.headers["content-type"] == "application/json")
                    let signature = try #require(request.headers["loyalty-signature"])
                    let parts = Dictionary(uniqueKeysWithValues: signature.split(separator: ",").map { part in
                        let pair = part.split(separator: "=", maxSplits: 1)
                        return (String(pair[0]), String(pair[1]))
                    })
                    let timestamp = try #require(parts["t"].flatMap { Int64($0) })
                    #expect(abs(timestamp - now) < 300)
                    #expect(request.headers["loyalty-timestamp"] == String(timestamp))
                    // Recomputed here with swift-crypto, as a receiver would.
                    let expected = HMAC<SHA256>.authenticationCode(
                        for: Array("\(timestamp).\(request.body)".utf8), using: SymmetricKey(data: Array(secret.utf8)))
                    #expect(parts["v1"] == expected.map { String(format: "%02x", $0) }.joined())
                    let event = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
                    #expect(request.headers["loyalty-event-id"] == "\(try #require(event["id"] as? Int))")
                    #expect(request.headers["loyalty-delivery-attempt"] == "1")
                }
                // Delivered is delivered: another round sends nothing.
                #expect(try await sender(db).runOnce() == WebhookRound())
                #expect(receiver.requests.count == 3)
                let listed = try #require(try await db.store.webhooks(id: hook.id).first)
                #expect(listed.delivered == 3 && listed.pending == 0)
                #expect(try await db.store.webhookSecret(listed) == secret, "the secret is derived again, not stored")
                let stored = try await db.texts("select to_jsonb(w)::text from webhooks w union all select details::text from audit_log")
                #expect(!stored.joined().contains(secret.dropFirst(6)), "the secret is stored nowhere")
            }
        }
    }

    @Test("a failing endpoint: retried after the backoff, a member's later events wait, dead after the last attempt, replayed")
    func retriesAndDeadLetters() async throws {
        try await withTestDatabase { db in
            try await withReceiver { receiver in
                let (hook, _) = try await db.store.addWebhook(url: receiver.url, types: ["points.adjusted"], note: nil, actor: "test")
                let ada = try await db.newMember("Ada", "Lovelace")
                let bob = try await db.newMember("Bob", "Babbage")
                _ = try await db.store.adjust(ada, points: 1, reason: "a1", actor: "test")
                _ = try await db.store.adjust(ada, points: 2, reason: "a2", actor: "test")
                _ = try await db.store.adjust(bob, points: 3, reason: "b1", actor: "test")
                try await db.settleEvents()
                receiver.answer(503)
                let first = try await sender(db).runOnce()
                #expect(first.queued == 3 && first.retried == 2 && first.delivered == 0, "\(first)")
                // Ada's second event waits behind her first; Bob's goes on its own.
                #expect(Set(try reasons(receiver)) == ["a1", "b1"])
                // Not due again before the backoff.
                #expect(try await sender(db).runOnce() == WebhookRound())
                let log = try await db.store.webhookDeliveries(webhook: hook.id, status: "pending", limit: 10)
                #expect(log.count == 3)
                #expect(log.filter { $0.attempts == 1 }.allSatisfy { $0.lastStatus == 503 && $0.lastError == "HTTP 503" })
                #expect(log.allSatisfy { $0.attempts == 0 || $0.nextAttemptAt.map { $0 > Date().addingTimeInterval(30) } == true })

                // With no backoff and two attempts, the second failure makes them dead, and a dead delivery no
                // longer holds its member's later events back.
                let hasty = WebhookRetryPolicy(maximumAttempts: 2, backoffSeconds: 0)
                try await db.client.query("update webhook_deliveries set next_attempt_at = now()", logger: db.logger)
                let second = try await sender(db, hasty).runOnce()
                #expect(second.dead == 3, "\(second)")
                #expect(try reasons(receiver).filter { $0 == "a1" }.count == 2)
                #expect(try await db.store.webhookDeliveries(webhook: hook.id, status: "dead", limit: 10).count == 3)

                receiver.answer(200)
                #expect(try await db.store.replayWebhookDeliveries(webhook: hook.id, deliveries: nil, actor: "test") == 3)
                let before = receiver.requests.count
                let third = try await sender(db, hasty).runOnce()
                #expect(third.delivered == 3, "\(third)")
                let replayed = try reasons(receiver).dropFirst(before)
                #expect(replayed.firstIndex(of: "a1").map { $0 < (replayed.firstIndex(of: "a2") ?? -1) } == true, "\(replayed)")
                #expect(try await db.scalar("select count(*)::int8 from webhook_attempts") == Int64(receiver.requests.count))
                #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'webhook.replay'") == 1)
            }
        }
    }

    @Test("an endpoint that does not answer: the error is logged, nothing is lost; paused and removed subscriptions get nothing")
    func unreachableAndPaused() async throws {
        try await withTestDatabase { db in
            // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
            let (hook, _) = try await db.store.addWebhook(url: "http://127.0.0.1:1/hook", types: ["member."], note: nil, actor: "test")
            _ = try await db.newMember("Ada", "Lovelace")
            try await db.settleEvents()
            let round = try await sender(db).runOnce()
            #expect(round.retried == 1, "\(round)")
            let log = try #require(try await db.store.webhookDeliveries(webhook: hook.id, status: nil, limit: 10).first)
            #expect(log.lastStatus == nil && log.lastError?.isEmpty == false, "\(log)")

            try await withReceiver { receiver in
                // A subscription starts at the horizon, which other tests' transactions may hold back
                // before Ada's enrolment: settle so it starts after it.
                try await db.settleEvents()
                let (paused, _) = try await db.store.addWebhook(url: receiver.url, types: ["member."], note: nil, actor: "test")
                try await db.store.setWebhookStatus(paused.id, to: "paused", actor: "test")
                try await db.store.setWebhookStatus(hook.id, to: "removed", actor: "test")
                _ = try await db.newMember("Bob", "Babbage")
                try await db.settleEvents()
                #expect(try await sender(db).runOnce() == WebhookRound())
                #expect(receiver.requests.isEmpty)
                // Resumed, it gets what happened while it was paused.
                try await db.store.setWebhookStatus(paused.id, to: "active", actor: "test")
                #expect(try await sender(db).runOnce().delivered == 1)
                #expect(receiver.requests.count == 1)
                let missing = await #expect(throws: LoyaltyError.self) {
                    try await db.store.setWebhookStatus(hook.id, to: "active", actor: "test")
                }
                #expect(missing?.code == .notFound)
            }
        }
    }
    @Test("a claim is a lease: a second sender gets none of the claimed deliveries until the lease ends")
    func claimsAreLeases() async throws {
        try await withTestDatabase { db in
            let (hook, _) = try await db.store.addWebhook(url: "http://127.0.0.1:1/hook", types: ["points."], note: nil, actor: "test")
            for name in ["Ada", "Bob"] {
                _ = try await db.store.adjust(try await db.newMember(name, "Test"), points: 1, reason: name, actor: "test")
            }
            try await db.settleEvents()
            #expect(try await db.store.enqueueWebhookEvents(hook.id, limit: 10) == 2)
            let first = try await db.store.claimWebhookDeliveries(hook.id, limit: 10, lease: .seconds(60))
            #expect(first.count == 2)
            #expect(try await db.store.claimWebhookDeliveries(hook.id, limit: 10, lease: .seconds(60)).isEmpty)
            // The claimer died: when the lease ends, the deliveries are due again, attempts unchanged.
            try await db.client.query("update webhook_deliveries set next_attempt_at = now() - interval '1 second'", logger: db.logger)
            let again = try await db.store.claimWebhookDeliveries(hook.id, limit: 10, lease: .seconds(60))
            #expect(again.map(\.id) == first.map(\.id) && again.allSatisfy { $0.attempts == 0 })
        }
    }
}
