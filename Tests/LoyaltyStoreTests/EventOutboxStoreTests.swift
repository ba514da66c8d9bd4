import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// The event outbox (0024): every business event is written with the change that causes it, holds no
/// personal data, and a reader's windows of finished transactions never skip an event nor repeat one.
@Suite("Event outbox (PostgreSQL)", .timeLimit(.minutes(6)))
struct EventOutboxStoreTests {
    /// The events' types in position order, read through the store as a reader would.
    static func types(_ db: TestDatabase, after position: EventPosition = .start, filter: [String]? = nil, member: MemberReference? = nil)
        async throws -> [String]
    {
        try await lines(db, after: position, filter: filter, member: member).map { try #require($0["type"] as? String) }
    }

    static func lines(_ db: TestDatabase, after position: EventPosition = .start, filter: [String]? = nil, member: MemberReference? = nil)
        async throws -> [[String: Any]]
    {
        try await db.settleEvents()
        var position = position
        var all: [[String: Any]] = []
        while true {
            // A small batch, so that the reads run over several batches.
            let batch = try await db.store.events(after: position, types: filter, member: member, limit: 3)
            for line in batch.lines {
                all.append(try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(line)"))
            }
            position = batch.next
            if batch.caughtUp { return all }
        }
    }

    @Test("each kind of change writes its event, in order, with the member's number and no personal data")
    func everyEvent() async throws {
        try await withTestDatabase { db in
            try await ConsistencyCheckStoreTests.consistentState(db)
            let ada = MemberReference.number(try MemberNumber(parsing: try #require(try await db.texts("select number from members order by id limit 1").first)))
            var update = MemberUpdate()
            update.city = .set("Secret City")
            update.smsConsent = true
            _ = try await db.store.updateMember(ada, update, actor: "test")
            let issued = try await db.store.issueGiftCards(try NewGiftCardBatch(count: 1, currency: .euro, amount: 2500), actor: "admin")
            _ = try await db.store.administerGiftCard(.code(issued.cards[0].code), .block, reason: "lost", actor: "admin")
            let carol = try await db.newMember("Carol", "Shaw", email: "carol@example.com")
            _ = try await db.store.setMemberStatus(carol, to: .closed, reason: nil, actor: "test")
            _ = try await db.store.eraseMember(carol, reason: "asked", actor: "test")

            let types = try await Self.types(db)
            let expected = [
                "member.enrolled", "member.enrolled",  // Ada, Bob
                "points.earned", "tier.changed",  // Ada's first earn qualifies her for silver
                "points.redeemed", "points.reversed", "points.adjusted", "points.adjusted",
                "points.merged", "points.merged", "member.merged",  // Bob's points move to Ada, and his record
            ]
            #expect(Array(types.prefix(expected.count)) == expected, "\(types)")
            for type in [
                "reward.claimed", "points.redeemed", "voucher.used", "gift_card.activated", "gift_card.redeemed",
                "gift_card.held", "gift_card.captured", "member.updated", "gift_card.blocked", "member.enrolled",
                "member.updated", "member.erased",
            ] {
                #expect(types.contains(type), "\(type) missing from \(types)")
            }
            #expect(Set(types).isSubset(of: Set(EventType.all)), "\(Set(types).subtracting(EventType.all))")

            let updated = try await Self.lines(db, filter: ["member.updated"], member: ada)
            let changed = try #require((updated.first?["data"] as? [String: Any])?["changed"] as? [String])
            #expect(changed == ["city", "sms_consent", "sms_consent_at"], "\(changed)")
            // Names of fields, never their values; nor a code, a PIN or an email anywhere in the outbox.
            let everything = try await db.texts("select data::text from events").joined(separator: "\n")
            for secret in ["Secret City", "Lovelace", "carol@example.com", issued.cards[0].code.description] {
                #expect(!everything.contains(secret), "\(secret) in the outbox")
            }
            let blocked = try #require(try await Self.lines(db, filter: ["gift_card.blocked"]).first)
            #expect((blocked["data"] as? [String: Any])?["card"] as? String == issued.cards[0].code.last4)
            let earned = try #require(try await Self.lines(db, filter: ["points.earned"]).first)
            #expect(earned["member"] as? String == ada.value)
            #expect((earned["data"] as? [String: Any])?["terminal"] as? String == "till-1")
        }
    }

    @Test("a refused request and a rolled-back transaction write no event")
    func refusalsWriteNothing() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            let (terminal, _) = try await db.store.addTerminal(name: "till-1", storeCode: "S1", actor: "test")
            let before = try await db.scalar("select count(*)::int8 from events")
            let refused = await expectStoreError(.insufficientPoints) {
                _ = try await db.store.redeem(
                    member, points: 10, receipt: "R1",
                    origin: .terminal(id: terminal.id, request: try RequestID(parsing: "r1"), fingerprint: "r1"))
            }
            #expect(refused != nil)
            try await db.client.withConnection { connection in
                _ = try await connection.query("begin", logger: db.logger)
                _ = try await connection.query(
                    "insert into members (number, first_name, last_name) values (loyalty_next_member_number(), 'Roll', 'Back')",
                    logger: db.logger)
                _ = try await connection.query("rollback", logger: db.logger)
            }
            #expect(try await db.scalar("select count(*)::int8 from events") == before)
        }
    }

    @Test("a reader waits for a transaction still running, then gets its events and the later ones, none twice")
    func windowsOfFinishedTransactions() async throws {
        try await withTestDatabase { db in
            let member = try await db.newMember()
            try await db.settleEvents()
            var position = try await db.store.eventHorizon()
            #expect(try await Self.types(db, after: position) == [])
            try await db.client.withConnection { connection in
                _ = try await connection.query("begin", logger: db.logger)
                _ = try await connection.query(
                    "insert into members (number, first_name, last_name) values (loyalty_next_member_number(), 'Slow', 'Writer')",
                    logger: db.logger)
                // A later transaction commits while the first still runs: the reader must not pass it by,
                // so it sees neither until the first has finished.
                _ = try await db.store.adjust(member, points: 5, reason: "later", actor: "test")
                let held = try await db.store.events(after: position, types: nil, member: nil, limit: 100)
                #expect(held.lines == [], "\(held.lines)")
                #expect(held.caughtUp)
                position = held.next
                _ = try await connection.query("commit", logger: db.logger)
            }
            try await db.settleEvents()
            let batch = try await db.store.events(after: position, types: nil, member: nil, limit: 100)
            let types = try batch.lines.map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])["type"] as? String
            }
            #expect(types == ["member.enrolled", "points.adjusted"], "\(batch.lines)")
            let again = try await db.store.events(after: batch.next, types: nil, member: nil, limit: 100)
            #expect(again.lines == [])
        }
    }

    @Test("filters by type and prefix and member; resuming after an event id gives exactly the rest")
    func filtersAndResume() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember("Ada", "Lovelace")
            let bob = try await db.newMember("Bob", "Babbage")
            for points in 1...4 {
                _ = try await db.store.adjust(ada, points: Int64(points), reason: "a\(points)", actor: "test")
                _ = try await db.store.adjust(bob, points: Int64(points), reason: "b\(points)", actor: "test")
            }
            #expect(try await Self.types(db, filter: ["member."]) == ["member.enrolled", "member.enrolled"])
            #expect(try await Self.types(db, filter: ["points.adjusted"], member: bob).count == 4)
            #expect(try await Self.types(db, filter: ["member.enrolled", "points."], member: ada).count == 5)
            let all = try await Self.lines(db)
            #expect(all.count == 10)
            let ids = all.compactMap { $0["id"] as? Int }
            #expect(ids == ids.sorted())
            let fourth = try #require(ids.dropFirst(3).first)
            let rest = try await Self.lines(db, after: try await db.store.eventPosition(after: Int64(fourth)))
            #expect(rest.compactMap { $0["id"] as? Int } == Array(ids.dropFirst(4)))
            let missing = await expectStoreError(.notFound) { _ = try await db.store.eventPosition(after: 999_999) }
            #expect(missing != nil)
        }
    }

    @Test("the events job tells of expiring points and lapses once each, and prunes events past the retention")
    func eventJob() async throws {
        try await withTestDatabase { db in
            let store = LoyaltyStore(
                client: db.client, logger: db.logger, rules: try rules(expiry: .lifetime(months: 12)),
                trackerRules: TrackerRules(currency: .euro, lapse: .standard), installationKey: testInstallationKey)
            let eve = try await db.newMember("Eve", "Expiry")
            _ = try await store.earn(eve, points: 100, purchase: try eur("100.00"), receipt: nil, origin: admin)
            try await db.importSales(store, customer: "C-1", daysFromToday: [-400])
            _ = try await store.refreshPurchaseMetrics(all: true)
            // Nothing expires within 30 days yet, and nothing is old enough to prune.
            let first = try await store.runEventJob(noticeDays: 30, retentionDays: 90, actor: "job")
            #expect(first == EventJobRun(expiring: 0, lapsed: 1, pruned: 0))
            let lapse = try #require(try await Self.lines(db, filter: ["member.lapsed"]).first)
            #expect((lapse["data"] as? [String: Any])?["days_since"] as? Int == 400, "\(lapse)")
            try await db.travel(days: 340)
            let second = try await store.runEventJob(noticeDays: 30, retentionDays: 90, actor: "job")
            #expect(second.expiring == 1 && second.lapsed == 0, "the lapse is told once: \(second)")
            // The travel made every earlier event, the lapse's too, older than 90 days.
            #expect(second.pruned == 4, "enrolled twice, earned, lapsed: \(second)")
            let third = try await store.runEventJob(noticeDays: 30, retentionDays: 90, actor: "job")
            #expect(third == EventJobRun(expiring: 0, lapsed: 0, pruned: 0))
            let told = try await Self.lines(db, filter: ["points.expiring", "member.lapsed"])
            #expect(told.map { $0["type"] as? String } == ["points.expiring"], "\(told)")
            #expect((told.last?["data"] as? [String: Any])?["points"] as? Int == 100)
            #expect(told.last?["member"] as? String == eve.value)
            // A finished delivery goes after the retention too, with its attempts; a pending one stays.
            // (Settled first: a subscription starts at the horizon, which other tests' transactions hold back.)
            try await db.settleEvents()
            let (hook, _) = try await db.store.addWebhook(url: "http://127.0.0.1:9/x", types: ["points."], note: nil, actor: "t")
            _ = try await store.adjust(eve, points: 1, reason: "one", actor: "t")
            _ = try await store.adjust(eve, points: 2, reason: "two", actor: "t")
            try await db.settleEvents()
            #expect(try await db.store.enqueueWebhookEvents(hook.id, limit: 10) == 2)
            let queued = try await db.store.claimWebhookDeliveries(hook.id, limit: 10, lease: .seconds(60))
            // Leased: a second sender gets nothing while the lease holds.
            #expect(try await db.store.claimWebhookDeliveries(hook.id, limit: 10, lease: .seconds(60)).isEmpty)
            let policy = WebhookRetryPolicy(maximumAttempts: 1)
            _ = try await db.store.recordWebhookAttempt(try #require(queued.first).id, statusCode: 500, error: "HTTP 500", duration: .zero, policy: policy)
            try await db.travel(days: 100)
            let fourth = try await store.runEventJob(noticeDays: 30, retentionDays: 90, actor: "job")
            #expect(fourth.prunedDeliveries == 1, "\(fourth)")
            #expect(try await db.scalar("select count(*)::int8 from webhook_deliveries where status = 'pending'") == 1)
            #expect(try await db.scalar("select count(*)::int8 from webhook_attempts") == 0)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'job.events'") == 4)
        }
    }
    @Test("every kind the ledgers allow maps to a known event type, never to the `.other` fallback")
    func everyKindIsMapped() async throws {
        try await withTestDatabase { db in
            for (subject, constraint) in [("points", "point_entries_kind_check"), ("gift_card", "gift_card_activities_kind_check")] {
                let kinds = try await db.texts(
                    """
                    select m[1] from pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') m
                     where c.conname = \(constraint)
                    """)
                #expect(kinds.count >= 7, "\(constraint): \(kinds)")
                for kind in kinds {
                    let type = try #require(try await db.texts("select loyalty_event_type(\(subject), \(kind))").first)
                    #expect(EventType.all.contains(type), "\(subject) \(kind) → \(type)")
                }
            }
            #expect(try await db.texts("select loyalty_event_type('points', 'future_kind')") == ["points.other"])
        }
    }
    @Test("an outbox restored from another cluster is refused until rebased; the rebase queues what was unread")
    func rebase() async throws {
        try await withTestDatabase { db in
            let ada = try await db.newMember("Ada", "Lovelace")
            try await db.settleEvents()
            let (hook, _) = try await db.store.addWebhook(url: "http://127.0.0.1:1/hook", types: ["points."], note: nil, actor: "t")
            _ = try await db.store.adjust(ada, points: 1, reason: "before the dump", actor: "t")
            let rebaseRefused = await expectStoreError(.badArgument) { _ = try await db.store.rebaseEvents(actor: "t") }
            #expect(rebaseRefused != nil, "this cluster's own outbox")
            // What a restore into a new cluster leaves: ids far above this cluster's.
            try await db.client.query(
                """
                do $x$ begin
                    perform set_config('session_replication_role', 'replica', true);
                    update events set xid = (xid::text::int8 + 900000000)::text::xid8;
                    update webhooks set position_xid = (position_xid::text::int8 + 900000000)::text::xid8;
                end $x$
                """, logger: db.logger)
            let refused = await expectStoreError(.configuration) {
                _ = try await db.store.events(after: .start, types: nil, member: nil, limit: 10)
            }
            #expect(refused?.message.contains("events rebase") == true, "\(String(describing: refused))")
            _ = await expectStoreError(.configuration) { _ = try await db.store.enqueueWebhookEvents(hook.id, limit: 10) }
            #expect(try await db.store.rebaseEvents(actor: "t") == 1, "the adjustment the subscription had not read")
            _ = try await db.store.adjust(ada, points: 2, reason: "after the restore", actor: "t")
            try await db.settleEvents()
            #expect(try await db.store.enqueueWebhookEvents(hook.id, limit: 10) == 1)
            #expect(try await db.scalar("select count(*)::int8 from webhook_deliveries") == 2)
            #expect(try await Self.types(db) == ["member.enrolled", "points.adjusted", "points.adjusted"])
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'events.rebase'") == 1)
        }
    }
}
