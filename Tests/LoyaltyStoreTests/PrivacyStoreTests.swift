import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

@Suite("Privacy: consent history, export, erasure, retention (PostgreSQL)", .timeLimit(.minutes(6)))
struct PrivacyStoreTests {
    /// A member with every personal field filled in, consent to email, enrolled by `actor`.
    func fullMember(_ db: TestDatabase, actor: String = "alice", email: String = "ada@example.com") async throws -> MemberReference {
        let result = try await db.store.enroll(
            NewMember(
                firstName: "Ada", lastName: "Lovelace", email: try EmailAddress(parsing: email),
                phone: try PhoneNumber(parsing: "+4915112345678", defaultRegion: .unitedStates),
                birthDate: try CalendarDate(parsing: "1815-12-10", argument: "birth-date"), emailConsent: true,
                address: PostalAddress(line1: "1 Analytical Row", line2: "Flat 2", postalCode: "10115", city: "Berlin", country: "DE"),
                preferredStore: "berlin-01", sourceChannel: "web", sourceCampaign: "spring flyer", externalID: "CRM-77",
                tags: ["vip", "newsletter"]),
            origin: .admin(actor: actor))
        return .number(try MemberNumber(parsing: result.member))
    }

    func memberID(_ db: TestDatabase, _ member: MemberReference) async throws -> Int64 {
        try await db.scalar("select id::int8 from members where number = \(member.value)")
    }

    /// Gives the member an interaction (an open complaint), a follow-up and a campaign send-list entry.
    func addCRMRecords(_ db: TestDatabase, _ member: MemberReference) async throws {
        let id = try await memberID(db, member)
        try await db.client.query(
            """
            insert into interactions (member_id, kind, channel, author, summary, body, status, owner)
            values (\(id), 'complaint', 'phone', 'zoe', 'Ada Lovelace called about her card', 'lives at 1 Analytical Row', 'open', 'zoe')
            """, logger: db.logger)
        try await db.client.query(
            """
            insert into followups (member_id, due_on, owner, title, created_by)
            values (\(id), current_date, 'zoe', 'Call Ada back on +4915112345678', 'zoe')
            """, logger: db.logger)
        try await db.client.query(
            """
            insert into campaigns (code, name, channel, starts_on, currency, created_by)
            values ('spring', 'Spring', 'email', current_date, 'EUR', 'zoe')
            """, logger: db.logger)
        try await db.client.query(
            """
            insert into campaign_members (campaign_id, member_id, arm, contacted_at, address)
            values ((select id from campaigns where code = 'spring'), \(id), 'contacted', now(), 'ada@example.com')
            """, logger: db.logger)
    }

    // MARK: Consent history

    @Test("consent history records each source: admin add and update with the actor, till ENROLL with the terminal, import by the setting")
    func consentSources() async throws {
        try await withTestDatabase { db in
            let member = try await fullMember(db, actor: "alice")
            var update = MemberUpdate()
            update.emailConsent = false
            update.smsConsent = true
            _ = try await db.store.updateMember(member, update, actor: "bob")
            // An update that does not touch consent writes no consent event.
            var rename = MemberUpdate()
            rename.city = .set("Hamburg")
            _ = try await db.store.updateMember(member, rename, actor: "carol")

            let (terminal, _) = try await db.store.addTerminal(name: "till-7", storeCode: "berlin-01", actor: "test")
            let enrolled = try await db.store.enroll(
                NewMember(firstName: "Till", lastName: "Customer", emailConsent: true, smsConsent: true),
                origin: .terminal(id: terminal.id, request: try RequestID(parsing: "e1"), fingerprint: "ENROLL till customer"))

            // An import declares itself in its transaction, and the functions it calls keep its declaration.
            try await db.client.withTransaction(logger: db.logger) { connection in
                try await connection.query(
                    "select set_config('loyalty.consent_source', 'import', true), set_config('loyalty.consent_actor', 'dave', true)",
                    logger: db.logger)
                try await connection.query(
                    """
                    select loyalty_enroll(null, null, null, 'dave', 'Imported', 'Person', null, null, null, true, false,
                                          null, null, null, null, null, null, null, null, null, null)
                    """, logger: db.logger)
            }

            let history = try await db.store.consentHistory(member)
            #expect(!history.email.granted)
            #expect(history.sms.granted)
            #expect(history.events(of: .email).map { [$0.granted ? "granted" : "withdrawn", $0.source.rawValue, $0.actor ?? ""] }
                == [["granted", "admin", "alice"], ["withdrawn", "admin", "bob"]])
            #expect(history.events(of: .sms).map { [$0.granted ? "granted" : "withdrawn", $0.source.rawValue, $0.actor ?? ""] }
                == [["granted", "admin", "bob"]])

            // The fingerprint, which names the person, is stored keyed; a retry still replays.
            #expect(
                try await db.scalar(
                    "select count(*)::int8 from terminal_requests where verb = 'ENROLL' and fingerprint = sha256(convert_to('ENROLL till customer', 'UTF8'))"
                ) == 0)
            let retry = try await db.store.enroll(
                NewMember(firstName: "Till", lastName: "Customer", emailConsent: true, smsConsent: true),
                origin: .terminal(id: terminal.id, request: try RequestID(parsing: "e1"), fingerprint: "ENROLL till customer"))
            #expect(retry.member == enrolled.member)
            // Without the installation key, a till's ENROLL is refused rather than stored with a plain fingerprint.
            let keyless = LoyaltyStore(client: db.client, logger: db.logger)
            let refused = await #expect(throws: LoyaltyError.self) {
                try await keyless.enroll(
                    NewMember(firstName: "No", lastName: "Key"),
                    origin: .terminal(id: terminal.id, request: try RequestID(parsing: "e2"), fingerprint: "ENROLL no key"))
            }
            #expect(refused?.code == .configuration)
            #expect(try await db.scalar("select count(*)::int8 from members where first_name = 'No'") == 0)
            let till = try await db.store.consentHistory(.number(try MemberNumber(parsing: enrolled.member)))
            #expect(till.events.map(\.source) == [.till, .till])
            #expect(till.events.map(\.actor) == ["till-7", "till-7"])
            #expect(Set(till.events.map(\.channel)) == [.email, .sms])

            #expect(
                try await db.texts(
                    "select e.source || ':' || e.actor from consent_events e join members m on m.id = e.member_id where m.first_name = 'Imported'"
                ) == ["import:dave"])
            // The declarations were taken back: nothing after the calls is attributed to them.
            #expect(try await db.scalar("select count(*)::int8 from consent_events") == 6)
        }
    }

    @Test("consent history of an unknown member is NOT_FOUND")
    func consentUnknown() async throws {
        try await withTestDatabase { db in
            await expectStoreError(.notFound) {
                _ = try await db.store.consentHistory(.number(try MemberNumber(parsing: "0001000009")))
            }
        }
    }

    // MARK: Export

    @Test("export-data holds the profile, consent, ledger, purchases, vouchers and gift cards (last four), CRM records and audit rows; and is audited")
    func exportContents() async throws {
        try await withTestDatabase { db in
            let member = try await fullMember(db)
            try await addCRMRecords(db, member)
            _ = try await db.store.earn(member, points: 25, purchase: try eur("25.99"), receipt: "R-1", origin: admin)
            _ = try await db.store.adjust(member, points: 5, reason: "goodwill", actor: "alice")
            _ = try await db.store.addReward(
                try RewardDefinition(code: RewardCode(parsing: "coffee"), name: "Free coffee", cost: 10), actor: "test")
            let granted = try await db.store.grantVouchers(
                try RewardCode(parsing: "coffee"), to: [try MemberNumber(parsing: member.value)], reason: "opening", actor: "alice")
            let till = try await GiftTill.open(db)
            let card = try #require(try await till.issue(1, amount: 2500, active: true).first)
            _ = try await db.store.linkGiftCard(.code(card.code), to: member, actor: "alice")

            let text = try await db.store.exportMemberData(member, actor: "erin")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(document["schema"] as? String == "loyalty-member-export/1")
            let profile = try #require(document["profile"] as? [String: Any])
            #expect(profile["number"] as? String == member.value)
            #expect(profile["first_name"] as? String == "Ada")
            #expect(profile["email"] as? String == "ada@example.com")
            #expect(profile["phone"] as? String == "+4915112345678")
            #expect(profile["birth_date"] as? String == "1815-12-10")
            #expect((profile["address"] as? [String: Any])?["city"] as? String == "Berlin")
            #expect(profile["external_id"] as? String == "CRM-77")
            #expect(profile["tags"] as? [String] == ["newsletter", "vip"] || profile["tags"] as? [String] == ["vip", "newsletter"])

            let consent = try #require(document["consent"] as? [String: Any])
            #expect((consent["email"] as? [String: Any])?["granted"] as? Bool == true)
            let consentHistory = try #require(consent["history"] as? [[String: Any]])
            #expect(consentHistory.map { $0["source"] as? String } == ["admin"])

            let points = try #require(document["points"] as? [String: Any])
            #expect(points["balance"] as? Int == 30)
            let entries = try #require(points["entries"] as? [[String: Any]])
            #expect(entries.map { $0["kind"] as? String } == ["earn", "adjust"])
            #expect(entries.map { $0["points"] as? Int } == [25, 5])
            #expect(entries.first?["receipt"] as? String == "R-1")

            let purchases = try #require(document["purchases"] as? [[String: Any]])
            #expect(purchases.count == 1)
            #expect(purchases.first?["amount_minor"] as? Int == 2599)
            #expect(purchases.first?["currency"] as? String == "EUR")

            let vouchers = try #require(document["vouchers"] as? [[String: Any]])
            #expect(vouchers.count == 1)
            let code = try #require(granted.first?.code)
            #expect(vouchers.first?["last4"] as? String == code.last4)
            #expect(vouchers.first?["reward"] as? String == "coffee")
            let cards = try #require(document["gift_cards"] as? [[String: Any]])
            #expect(cards.first?["last4"] as? String == card.code.last4)
            #expect(cards.first?["balance_minor"] as? Int == 2500)
            // No code is ever exported: only the last four characters are held.
            #expect(!text.contains(code.canonical))
            #expect(!text.contains(card.code.canonical))
            #expect(!text.contains("code_hash"))

            let interactions = try #require(document["interactions"] as? [[String: Any]])
            #expect(interactions.first?["summary"] as? String == "Ada Lovelace called about her card")
            let followups = try #require(document["followups"] as? [[String: Any]])
            #expect(followups.first?["title"] as? String == "Call Ada back on +4915112345678")
            let campaigns = try #require(document["campaigns"] as? [[String: Any]])
            #expect(campaigns.first?["campaign"] as? String == "spring")
            #expect(campaigns.first?["address"] as? String == "ada@example.com")

            let audit = try #require(document["audit"] as? [[String: Any]])
            #expect(audit.compactMap { $0["action"] as? String } == ["member.add", "points.earn", "points.adjust", "reward.grant"])
            #expect(document["tier"] is NSNull)
            #expect(document["purchase_metrics"] != nil)

            #expect(
                try await db.scalar(
                    """
                    select count(*)::int8 from audit_log
                     where action = 'member.export-data' and actor = 'erin' and subject = \(member.value)
                       and (details->>'ledger_entries')::int = 2 and (details->>'purchases')::int = 1
                    """) == 1)
        }
    }

    // MARK: Erasure

    /// The sums that must not change when a member is erased: the ledger, the balances, purchases, lots,
    /// gift cards and the count of ledger entries.
    func figures(_ db: TestDatabase) async throws -> [Int64] {
        [
            try await db.scalar("select coalesce(sum(points), 0)::int8 from point_entries"),
            try await db.scalar("select count(*)::int8 from point_entries"),
            try await db.scalar("select coalesce(sum(balance), 0)::int8 from point_accounts"),
            try await db.scalar("select coalesce(sum(amount_minor), 0)::int8 from purchases"),
            try await db.scalar("select count(*)::int8 from purchases"),
            try await db.scalar("select coalesce(sum(remaining), 0)::int8 from point_lots"),
            try await db.scalar("select coalesce(sum(balance), 0)::int8 from gift_cards"),
            try await db.scalar(
                "select count(*)::int8 from point_accounts a where a.balance <> (select coalesce(sum(points), 0) from point_entries e where e.member_id = a.member_id)"),
        ]
    }

    @Test("erase removes every personal field, withdraws consent as 'erasure', blanks CRM text and send-list addresses, keeps ledger and purchases")
    func eraseRemovesPersonalData() async throws {
        try await withTestDatabase { db in
            let member = try await fullMember(db)
            var smsOn = MemberUpdate()
            smsOn.smsConsent = true
            _ = try await db.store.updateMember(member, smsOn, actor: "alice")
            try await addCRMRecords(db, member)
            _ = try await db.store.earn(member, points: 25, purchase: try eur("25.99"), receipt: "R-1", origin: admin)
            let till = try await GiftTill.open(db)
            let card = try #require(try await till.issue(1, amount: 2500, active: true).first)
            _ = try await db.store.linkGiftCard(.code(card.code), to: member, actor: "alice")
            let other = try await db.newMember("Grace", "Hopper", email: "grace@example.com")
            _ = try await db.store.earn(other, points: 7, purchase: try eur("7.00"), receipt: "R-2", origin: admin)
            let before = try await figures(db)

            let result = try await db.store.eraseMember(member, reason: "customer asked (ticket 42)", actor: "alice")
            #expect(result.member == member.value)
            #expect(result.closed)
            #expect(result.removed == [
                "name", "email", "phone", "birth_date", "address", "external_id", "source_campaign", "tags", "email_consent",
                "sms_consent",
            ])
            #expect(result.interactions == 1 && result.followups == 1 && result.campaignAddresses == 1)

            let record = try await db.store.member(member)
            #expect(record.firstName == "Erased" && record.lastName == "Member")
            #expect(record.email == nil && record.phone == nil && record.birthDate == nil)
            #expect(record.addressLine1 == nil && record.addressLine2 == nil && record.postalCode == nil)
            #expect(record.city == nil && record.country == nil && record.externalID == nil && record.sourceCampaign == nil)
            #expect(record.tags.isEmpty && !record.emailConsent && !record.smsConsent)
            #expect(record.status == .closed && record.closedAt != nil && record.erasedAt != nil)
            #expect(record.points == 25)

            let history = try await db.store.consentHistory(member)
            #expect(history.events.filter { $0.source == .erasure }.map { "\($0.channel.rawValue):\($0.granted)" }.sorted()
                == ["email:false", "sms:false"])

            let id = try await memberID(db, member)
            #expect(try await db.texts("select summary || '|' || body || '|' || status from interactions where member_id = \(id)")
                == ["(erased)||resolved"])
            #expect(try await db.texts("select title || '|' || done_by from followups where member_id = \(id)") == ["(erased)|alice"])
            #expect(try await db.scalar("select count(*)::int8 from campaign_members where member_id = \(id) and address is not null") == 0)
            #expect(try await db.scalar("select count(*)::int8 from campaign_members where member_id = \(id)") == 1)

            // Nothing of the personal values is left anywhere in the database's text of the member's rows.
            for value in ["Lovelace", "ada@example.com", "4915112345678", "1815-12-10", "Analytical", "CRM-77", "spring flyer", "vip"] {
                #expect(
                    try await db.scalar(
                        """
                        select (select count(*) from members m where m.id = \(id) and m::text like '%' || \(value) || '%')
                             + (select count(*) from interactions i where i.member_id = \(id) and i::text like '%' || \(value) || '%')
                             + (select count(*) from followups f where f.member_id = \(id) and f::text like '%' || \(value) || '%')
                             + (select count(*) from campaign_members c where c.member_id = \(id) and c::text like '%' || \(value) || '%')
                             + (select count(*) from audit_log l where l::text like '%' || \(value) || '%')
                        """) == 0, "\(value) is still held")
            }

            #expect(try await figures(db) == before)
            #expect(try await db.scalar("select count(*)::int8 from gift_cards where member_id = \(id)") == 1)
            let audit = try await db.texts(
                "select details::text from audit_log where action = 'member.erase' and subject = \(member.value) and actor = 'alice'")
            #expect(audit.count == 1)
            #expect(audit.first?.contains("customer asked (ticket 42)") == true)
            #expect(audit.first?.contains("\"by\": \"admin\"") == true)
        }
    }

    @Test("an erased member refuses every change: the store with MEMBER_ERASED, direct writes at the database")
    func erasedIsFinal() async throws {
        try await withTestDatabase { db in
            let member = try await fullMember(db)
            _ = try await db.store.eraseMember(member, reason: "request", actor: "alice")
            let id = try await memberID(db, member)
            let snapshot = try await db.texts("select m::text from members m where id = \(id)")
            let auditRows = try await db.scalar("select count(*)::int8 from audit_log where subject = \(member.value)")

            var update = MemberUpdate()
            update.email = .set(try EmailAddress(parsing: "ada@example.com"))
            await expectStoreError(.memberErased) { _ = try await db.store.updateMember(member, update, actor: "alice") }
            await expectStoreError(.memberErased) {
                _ = try await db.store.setMemberStatus(member, to: .active, reason: nil, actor: "alice")
            }
            await expectStoreError(.memberErased) { _ = try await db.store.eraseMember(member, reason: "again", actor: "alice") }

            for statement: PostgresQuery in [
                "update members set first_name = 'Ada' where id = \(id)",
                "update members set status = 'active', closed_at = null, erased_at = null where id = \(id)",
                "update members set email_consent = true where id = \(id)",
                "update members set updated_at = now() where id = \(id)",
                "delete from members where id = \(id)",
                """
                insert into interactions (member_id, kind, channel, author, summary) values (\(id), 'note', 'phone', 'zoe', 'Ada again')
                """,
                "insert into followups (member_id, due_on, owner, title, created_by) values (\(id), current_date, 'zoe', 'x', 'zoe')",
            ] {
                let error = await #expect(throws: PSQLError.self) { try await db.client.query(statement, logger: db.logger) }
                #expect(error?.serverInfo?[.sqlState] == "LY450", "\(statement.sql)")
            }
            // Stamping erased_at on a record that still holds personal data is refused too.
            let other = try await fullMember(db, email: "grace@example.com")
            let otherID = try await memberID(db, other)
            let stamp = await #expect(throws: PSQLError.self) {
                try await db.client.query(
                    "update members set status = 'closed', closed_at = now(), erased_at = now() where id = \(otherID)", logger: db.logger)
            }
            #expect(stamp?.serverInfo?[.constraintName] == "members_erased_anonymous")

            #expect(try await db.texts("select m::text from members m where id = \(id)") == snapshot)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where subject = \(member.value)") == auditRows)
        }
    }

    @Test("erase refuses an empty reason and an unknown member and changes nothing")
    func eraseRefusals() async throws {
        try await withTestDatabase { db in
            let member = try await fullMember(db)
            let snapshot = try await db.texts("select m::text from members m")
            await expectStoreError(.badArgument) { _ = try await db.store.eraseMember(member, reason: "", actor: "alice") }
            await expectStoreError(.notFound) {
                _ = try await db.store.eraseMember(.number(try MemberNumber(parsing: "0001000017")), reason: "x", actor: "alice")
            }
            #expect(try await db.texts("select m::text from members m") == snapshot)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action = 'member.erase'") == 0)
        }
    }

    // MARK: Retention

    @Test("retention erases only members closed longer than the period; a dry run counts them and changes nothing; a rerun erases nobody")
    func retention() async throws {
        try await withTestDatabase { db in
            let old1 = try await fullMember(db, email: "old1@example.com")
            let old2 = try await db.newMember("Old", "Two", email: "old2@example.com")
            let recent = try await db.newMember("Recent", "Three", email: "recent@example.com")
            let open = try await db.newMember("Open", "Four", email: "open@example.com")
            for member in [old1, old2] {
                _ = try await db.store.setMemberStatus(member, to: .closed, reason: nil, actor: "test")
            }
            try await db.travel(days: 40)
            _ = try await db.store.setMemberStatus(recent, to: .closed, reason: nil, actor: "test")
            let period = try RetentionPeriod(days: 30)
            let before = try await db.texts("select m::text from members m order by id")
            let auditRows = try await db.scalar("select count(*)::int8 from audit_log")

            let dry = try await db.store.runRetention(period: period, actor: "job", dryRun: true)
            #expect(dry == RetentionRun(retentionDays: 30, erased: 2, dryRun: true))
            #expect(try await db.texts("select m::text from members m order by id") == before)
            #expect(try await db.scalar("select count(*)::int8 from audit_log") == auditRows)

            // Batches of one: the loop goes on until a batch comes back short.
            let run = try await db.store.runRetention(period: period, actor: "job", batchSize: 1)
            #expect(run == RetentionRun(retentionDays: 30, erased: 2, dryRun: false))
            #expect(try await db.store.member(old1).erasedAt != nil)
            #expect(try await db.store.member(old2).erasedAt != nil)
            #expect(try await db.store.member(recent).erasedAt == nil)
            #expect(try await db.store.member(recent).lastName == "Three")
            #expect(try await db.store.member(open).erasedAt == nil)
            #expect(
                try await db.scalar(
                    """
                    select count(*)::int8 from audit_log
                     where action = 'job.retention' and actor = 'job' and (details->>'erased')::int = 2
                       and (details->>'retention_days')::int = 30
                    """) == 1)
            #expect(
                try await db.scalar(
                    "select count(*)::int8 from audit_log where action = 'member.erase' and details->>'by' = 'retention'") == 2)

            let again = try await db.store.runRetention(period: period, actor: "job")
            #expect(again.erased == 0)
        }
    }

    @Test("retention periods outside 30...36500 days are refused")
    func retentionPeriodRange() {
        expectError(.badArgument) { () throws(LoyaltyError) in try RetentionPeriod(days: 29) }
        expectError(.badArgument) { () throws(LoyaltyError) in try RetentionPeriod(days: 36_501) }
        #expect((try? RetentionPeriod(days: 30))?.days == 30)
        #expect((try? RetentionPeriod(days: 36_500))?.days == 36_500)
    }

    @Test("a member with a done follow-up is erased, by hand and by the retention job")
    func erasureBlanksDoneFollowUps() async throws {
        try await withTestDatabase { db in
            let byHand = try await db.newMember("Done", "Followup")
            let byJob = try await db.newMember("Old", "Followup")
            for member in [byHand, byJob] {
                try await db.client.query(
                    """
                    insert into followups (member_id, due_on, owner, title, created_by, done_at, done_by)
                    select id, current_date, 'sam', 'called about the parcel', 'test', now(), 'sam' from members where number = \(member.value)
                    """,
                    logger: db.logger)
            }
            _ = try await db.store.eraseMember(byHand, reason: "request", actor: "test")
            _ = try await db.store.setMemberStatus(byJob, to: .closed, reason: nil, actor: "test")
            try await db.travel(days: 40)
            let run = try await db.store.runRetention(period: try RetentionPeriod(days: 30), actor: "job")
            #expect(run.erased == 1)
            #expect(try await db.texts("select distinct title from followups") == ["(erased)"])
            #expect(try await db.scalar("select count(*)::int8 from members where erased_at is not null") == 2)
        }
    }

}
