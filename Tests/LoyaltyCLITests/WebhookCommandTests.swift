import Crypto
import Foundation
import LoyaltyTesting
import Testing

/// `loyalty webhook …` through the real binary, against a real HTTP receiver.
@Suite("Webhook CLI (PostgreSQL, HTTP, subprocess)", .timeLimit(.minutes(6)))
struct WebhookCommandTests {
    func loyalty(_ db: TestDatabase, key: String, _ arguments: String...) async throws -> LoyaltyProcess.Outcome {
        try await LoyaltyProcess.run(
            arguments,
            environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_ACTOR": "alice", "LOYALTY_SECURITY_KEY_FILE": key])
    }

    @Test("bad input is a one-line BAD_ARGUMENT or NOT_FOUND and changes nothing")
    func badInput() async throws {
        try await withTestDatabase { db in
            try await withTemporaryDirectory { directory in
                let key = directory + "/secret.key"
                let refusals: [[String]] = [
                    ["add", "ftp://example.com/x", "--events", "points."], ["add", "http:///nohost", "--events", "points."],
                    ["add", "https://example.com/a b", "--events", "points."], ["add", "https://example.com/x"],
                    ["add", "https://example.com/x", "--events", "pts."], ["add", "https://example.com/x", "--events", "points.,"],
                    ["add", "https://example.com/x", "--events", "all", "--note", String(repeating: "n", count: 501)],
                    ["set", "0", "pause"], ["set", "x", "pause"], ["set", "1", "explode"], ["deliveries", "--status", "lost"],
                    ["deliveries", "--limit", "0"], ["replay"], ["replay", "1", "--dead"], ["replay", "--dead"],
                    ["run", "--once", "--interval", "0"],
                ]
                for arguments in refusals {
                    let outcome = try await LoyaltyProcess.run(
                        ["webhook"] + arguments, environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_SECURITY_KEY_FILE": key])
                    #expect(outcome.status != 0, "\(arguments)")
                    #expect(outcome.stderr.contains("BAD_ARGUMENT"), "\(arguments): \(outcome.stderr)")
                }
                for arguments in [["set", "7", "pause"], ["replay", "7"], ["replay", "--dead", "--webhook", "7"]] {
                    let outcome = try await LoyaltyProcess.run(
                        ["webhook"] + arguments, environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_SECURITY_KEY_FILE": key])
                    #expect(outcome.stderr.contains("NOT_FOUND"), "\(arguments): \(outcome.stderr)")
                }
                #expect(try await db.scalar("select count(*)::int8 from webhooks") == 0)
                #expect(try await db.scalar("select count(*)::int8 from audit_log where action like 'webhook.%'") == 0)
            }
        }
    }

    @Test("add prints the secret once; run --once delivers signed events; list, deliveries, pause and replay; all audited")
    func endToEnd() async throws {
        try await withTestDatabase { db in
            try await withTemporaryDirectory { directory in
                let key = directory + "/secret.key"
                let receiver = try await HTTPReceiver.start()
                defer { Task { await receiver.stop() } }
                let added = try await loyalty(db, key: key, "webhook", "add", receiver.url, "--events", "points.", "--events", "tier.changed", "--format", "json")
                #expect(added.status == 0, "\(added.stderr)")
                let json = try added.jsonObject()
                let secret = try #require(json["secret"] as? String)
                let id = try #require(json["webhook"] as? Int)
                #expect(secret.hasPrefix("whsec_") && secret.count == 70)
                #expect(json["events"] as? [String] == ["points.", "tier.changed"])
                let audit = try await db.texts("select details::text from audit_log where action = 'webhook.add'")
                #expect(audit.count == 1 && !audit[0].contains(secret))

                let ada = try await db.newMember("Ada", "Lovelace")
                _ = try await db.store.adjust(ada, points: 5, reason: "welcome", actor: "test")
                try await db.settleEvents()
                let run = try await loyalty(db, key: key, "webhook", "run", "--once", "--format", "json")
                #expect(run.status == 0, "\(run.stderr)")
                #expect(try run.jsonObject()["delivered"] as? Int == 1, "\(run.stdout)")
                let request = try #require(receiver.requests.first)
                #expect(receiver.requests.count == 1)
                let signature = try #require(request.headers["loyalty-signature"])
                let timestamp = try #require(request.headers["loyalty-timestamp"])
                let mac = HMAC<SHA256>.authenticationCode(for: Array("\(timestamp).\(request.body)".utf8), using: SymmetricKey(data: Array(secret.utf8)))
                #expect(signature == "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined())

                let list = try await loyalty(db, key: key, "webhook", "list", "--format", "json")
                let hooks = try #require(try list.json() as? [[String: Any]])
                #expect(hooks.count == 1 && hooks[0]["delivered"] as? Int == 1 && hooks[0]["secret_salt"] == nil, "\(list.stdout)")
                let deliveries = try #require(try await loyalty(db, key: key, "webhook", "deliveries", "--format", "json").json() as? [[String: Any]])
                #expect(deliveries.first?["status"] as? String == "delivered" && deliveries.first?["type"] as? String == "points.adjusted")
                let delivery = try #require(deliveries.first?["id"] as? Int)

                #expect(try await loyalty(db, key: key, "webhook", "set", "\(id)", "pause").status == 0)
                _ = try await db.store.adjust(ada, points: 6, reason: "while paused", actor: "test")
                try await db.settleEvents()
                #expect(try await loyalty(db, key: key, "webhook", "run", "--once").status == 0)
                #expect(receiver.requests.count == 1, "a paused subscription gets nothing")
                #expect(try await loyalty(db, key: key, "webhook", "set", "\(id)", "resume").status == 0)
                // A receiver that lost a delivery asks for it again.
                #expect(try await loyalty(db, key: key, "webhook", "replay", "\(delivery)").status == 0)
                #expect(try await loyalty(db, key: key, "webhook", "run", "--once").status == 0)
                #expect(receiver.requests.count == 3, "the replayed one and the one made while paused")
                let actions = try await db.texts("select action from audit_log where action like 'webhook.%' order by id")
                #expect(actions == ["webhook.add", "webhook.pause", "webhook.resume", "webhook.replay"])
            }
        }
    }

    @Test("webhook run as a service delivers as events happen and stops cleanly on SIGTERM")
    func service() async throws {
        try await withTestDatabase { db in
            try await withTemporaryDirectory { directory in
                let key = directory + "/secret.key"
                let receiver = try await HTTPReceiver.start()
                defer { Task { await receiver.stop() } }
                #expect(try await loyalty(db, key: key, "webhook", "add", receiver.url, "--events", "member.enrolled").status == 0)
                let log = URL(fileURLWithPath: directory + "/run.log")
                let sender = try LoyaltyProcess.start(
                    ["webhook", "run", "--interval", "0.2"],
                    environment: ["LOYALTY_DATABASE_URL": db.url.redacted, "LOYALTY_SECURITY_KEY_FILE": key], log: log)
                defer { LoyaltyProcess.killIfRunning(sender) }
                _ = try await db.newMember("Ada", "Lovelace")
                let deadline = ContinuousClock.now + .seconds(60)
                while receiver.requests.isEmpty, ContinuousClock.now < deadline {
                    #expect(sender.isRunning, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(receiver.requests.count == 1)
                let (reason, status) = try await LoyaltyProcess.terminate(sender)
                #expect(reason == .exit && status == 0, "\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
            }
        }
    }
}
