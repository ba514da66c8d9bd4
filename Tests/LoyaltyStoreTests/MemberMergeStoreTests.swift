import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// `loyalty_merge_members`: one person's two records become one, in one transaction.
@Suite("Member merge (PostgreSQL)", .timeLimit(.minutes(6)))
struct MemberMergeStoreTests {
    @Test("points move with their dates, everything personal moves, the other is closed and its number resolves to the kept")
    func mergeMovesEverything() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try rules(pendingDays: 14, expiry: .lifetime(months: 12)))
            let keep = try await store.enroll(
                NewMember(
                    firstName: "Jon", lastName: "Smith", email: try EmailAddress(parsing: "jon@example.com"), tags: ["vip"]),
                origin: admin)
            let other = try await store.enroll(
                NewMember(
                    firstName: "John", lastName: "Smith", phone: try PhoneNumber(parsing: "+4915112345678", defaultRegion: .unitedStates),
                    birthDate: try CalendarDate(parsing: "1980-05-01", argument: "birth"), smsConsent: true,
                    address: PostalAddress(line1: "Main St 1", postalCode: "10115", city: "Berlin", country: "DE"),
                    externalID: "C-17", tags: ["newsletter"]),
                origin: admin)
            let keepRef = MemberReference.number(try MemberNumber(parsing: keep.member))
            let otherRef = MemberReference.number(try MemberNumber(parsing: other.member))

            _ = try await store.earn(keepRef, points: 40, purchase: nil, receipt: nil, origin: admin)
            _ = try await store.earn(otherRef, points: 100, purchase: nil, receipt: nil, origin: admin)
            // A purchase's points are pending for 14 days and expire after 12 months.
            _ = try await store.earn(otherRef, points: 25, purchase: try eur("25.00"), receipt: "R-1", origin: admin)
            let otherID = try await db.scalar("select id from members where number = \(other.member)")
            let keepID = try await db.scalar("select id from members where number = \(keep.member)")
            let interaction = try await db.scalar(
                """
                insert into interactions (member_id, kind, channel, author, summary, status, owner)
                values (\(otherID), 'complaint', 'phone', 'test', 'late delivery', 'open', 'sam') returning id
                """)
            try await db.client.query(
                """
                insert into followups (member_id, interaction_id, due_on, owner, title, created_by)
                values (\(otherID), \(interaction), current_date, 'sam', 'call back', 'test'),
                       (\(otherID), null, current_date, 'sam', 'send voucher', 'test')
                """,
                logger: db.logger)
            // Two campaigns' send lists: one names only the other member, one names both.
            try await db.client.query(
                """
                with c as (
                    insert into campaigns (code, name, channel, starts_on, currency, created_by)
                    values ('spring', 'Spring', 'email', current_date, 'EUR', 'test'), ('autumn', 'Autumn', 'email', current_date, 'EUR', 'test')
                    returning id, code
                )
                insert into campaign_members (campaign_id, member_id, arm, contacted_at, address)
                select c.id, m.id, 'contacted', now(), 'x@example.com' from c, members m
                 where m.id = \(otherID) or (c.code = 'autumn' and m.id = \(keepID))
                """,
                logger: db.logger)
            let till = try await GiftTill.open(db)
            let card = try #require(try await till.issue(1, active: true).first)
            _ = try await store.linkGiftCard(.code(card.code), to: otherRef, actor: "test")

            let result = try await store.mergeMembers(keep: keepRef, other: otherRef, reason: "same person", actor: "admin-1")
            #expect(result.kept == keep.member && result.merged == other.member)
            #expect(result.points == 125 && result.balance == 165)
            #expect(result.purchases == 1 && result.giftCards == 1 && result.interactions == 1 && result.followups == 2)
            #expect(result.campaigns == 1)
            #expect(Set(result.filled) == ["phone", "birth_date", "address", "external_id", "tags"])

            // Pending points stay pending, with the same day; the expiry dates come along.
            let card1 = try await store.memberCard(keepRef, terminal: nil)
            #expect(card1.points == 165 && card1.pending == 25 && card1.spendable == 140)
            #expect(
                try await db.scalar(
                    """
                    select count(*)::int8 from point_lots k join point_lots o
                      on o.member_id = \(otherID) and k.member_id = \(keepID) and k.points = o.points
                     and k.available_at = o.available_at and k.expires_at = o.expires_at
                    """) == 1)
            try await expectConsistent(db)

            // The old number resolves to the kept member; the record itself is closed and says where it went.
            #expect(try await store.member(otherRef).number == keep.member)
            #expect(try await db.scalar("select count(*)::int8 from members where id = \(otherID) and status = 'closed' and merged_into = \(keepID)") == 1)
            // The merged record keeps no personal data of its own: what the kept one did not take is erased.
            #expect(
                try await db.scalar(
                    """
                    select count(*)::int8 from members where id = \(otherID) and erased_at is not null and phone is null
                       and birth_date is null and first_name = 'Erased' and not sms_consent
                    """) == 1)
            let kept = try await store.member(keepRef)
            #expect(kept.phone == "+4915112345678" && kept.email == "jon@example.com" && kept.externalID == "C-17")
            #expect(kept.city == "Berlin" && kept.birthDate == "1980-05-01" && kept.tags == ["newsletter", "vip"])
            // The phone came from the other record, and its SMS consent with it (recorded as a merge).
            #expect(kept.smsConsent)
            #expect(try await db.scalar("select count(*)::int8 from consent_events where member_id = \(keepID) and channel = 'sms' and granted and source = 'merge'") == 1)
            #expect(try await store.giftCards(of: keepRef).count == 1)
            #expect(try await db.scalar("select count(*)::int8 from purchases where member_id = \(keepID)") == 1)
            #expect(try await db.scalar("select count(*)::int8 from purchase_metrics_queue where member_id = \(keepID)") == 1)
            #expect(try await db.scalar("select count(*)::int8 from interactions where member_id = \(keepID)") == 1)
            #expect(try await db.scalar("select count(*)::int8 from followups where member_id = \(keepID)") == 2)
            #expect(try await db.scalar("select count(*)::int8 from campaign_members where member_id = \(keepID)") == 2)
            #expect(try await db.scalar("select count(*)::int8 from campaign_members where member_id = \(otherID)") == 1)
            #expect(try await db.scalar("select count(*)::int8 from member_merges where kept_id = \(keepID) and merged_id = \(otherID)") == 1)
            #expect(
                try await db.texts("select details ->> 'merged' from audit_log where action = 'member.merge' and actor = 'admin-1'")
                    == [other.member])
            // The history of the ledger stays where it was: the other member's entries are not edited.
            #expect(try await db.scalar("select count(*)::int8 from point_entries where member_id = \(otherID)") == 3)
        }
    }

    @Test("points past their expiry stay behind for the expiry job; nothing is double-counted")
    func expiredPointsStay() async throws {
        try await withTestDatabase { db in
            let store = db.store(rules: try rules(expiry: .lifetime(months: 1)))
            let keep = try await db.newMember("Keep", "Me")
            let other = try await db.newMember("Other", "Me")
            _ = try await store.earn(other, points: 70, purchase: nil, receipt: nil, origin: admin)
            try await db.travel(days: 40)
            _ = try await store.earn(other, points: 30, purchase: nil, receipt: nil, origin: admin)
            let result = try await store.mergeMembers(keep: keep, other: other, reason: "dup", actor: "test")
            #expect(result.points == 30 && result.balance == 30)
            let otherID = try await db.scalar("select id from members where number = \(result.merged)")
            #expect(try await db.scalar("select balance from point_accounts where member_id = \(otherID)") == 70)
            #expect(try await store.expirePoints(actor: "job") == ExpiryRun(members: 1, points: 70))
            try await expectConsistent(db)
        }
    }

    @Test("the kept member takes the other's tier when it is higher")
    func betterTier() async throws {
        try await withTestDatabase { db in
            let store = db.store
            try await db.client.query(
                "insert into tiers (code, name, rank, threshold) values ('member', 'Member', 0, 0), ('gold', 'Gold', 2, 1000)",
                logger: db.logger)
            let keep = try await db.newMember("Keep", "Tier")
            let other = try await db.newMember("Other", "Tier")
            _ = try await store.setMemberTier(other, tier: try TierCode(parsing: "gold"), reason: "status match", until: nil, actor: "test")
            let result = try await store.mergeMembers(keep: keep, other: other, reason: "dup", actor: "test")
            #expect(result.tier)
            #expect(try await store.memberCard(keep, terminal: nil).tier == "gold")
            #expect(try await db.texts("select note from tier_changes where reason = 'manual' order by id desc limit 1") == ["merged from \(result.merged)"])
        }
    }

    @Test("a birthday bonus the merged record had this year is the kept member's too")
    func birthdayBonusCarriesOver() async throws {
        try await withTestDatabase { db in
            let keep = try await db.newMember("Keep", "Birthday")
            let other = try await db.newMember("Other", "Birthday")
            let entry = try await db.scalar(
                """
                insert into point_entries (member_id, kind, points, admin_actor, reason)
                select id, 'bonus', 100, 'job', 'birthday bonus 2026' from members where number = \(other.value) returning id
                """)
            try await db.client.query(
                "insert into birthday_bonuses (member_id, year, entry_id) select id, 2026, \(entry) from members where number = \(other.value)",
                logger: db.logger)
            _ = try await db.store.mergeMembers(keep: keep, other: other, reason: "dup", actor: "test")
            #expect(
                try await db.scalar(
                    "select count(*)::int8 from birthday_bonuses b join members m on m.id = b.member_id where m.number = \(keep.value) and b.year = 2026"
                ) == 1)
        }
    }

    @Test("a merged member's number follows a chain of merges")
    func chain() async throws {
        try await withTestDatabase { db in
            let a = try await db.newMember("A", "Chain")
            let b = try await db.newMember("B", "Chain")
            let c = try await db.newMember("C", "Chain")
            _ = try await db.store.mergeMembers(keep: b, other: a, reason: "dup", actor: "test")
            let last = try await db.store.mergeMembers(keep: c, other: b, reason: "dup", actor: "test")
            #expect(try await db.store.member(a).number == last.kept)
        }
    }

    @Test("refusals change nothing: itself, a closed member, no reason, an unknown member")
    func refusals() async throws {
        try await withTestDatabase { db in
            let store = db.store
            let keep = try await db.newMember("Keep", "Refusal")
            let other = try await db.newMember("Other", "Refusal")
            let closed = try await db.newMember("Closed", "Refusal")
            _ = try await store.earn(other, points: 10, purchase: nil, receipt: nil, origin: admin)
            _ = try await store.setMemberStatus(closed, to: .closed, reason: nil, actor: "test")
            let before = try await counts(db)

            let itself = await #expect(throws: LoyaltyError.self) {
                try await store.mergeMembers(keep: keep, other: keep, reason: "dup", actor: "test")
            }
            #expect(itself?.code == .badArgument)
            let closedOne = await #expect(throws: LoyaltyError.self) {
                try await store.mergeMembers(keep: keep, other: closed, reason: "dup", actor: "test")
            }
            #expect(closedOne?.code == .memberInactive)
            let noReason = await #expect(throws: LoyaltyError.self) {
                try await store.mergeMembers(keep: keep, other: other, reason: " ", actor: "test")
            }
            #expect(noReason?.code == .badArgument)
            let unknown = await #expect(throws: LoyaltyError.self) {
                try await store.mergeMembers(keep: keep, other: .number(try MemberNumber(parsing: "0009999996")), reason: "dup", actor: "test")
            }
            #expect(unknown?.code == .notFound)
            #expect(try await counts(db) == before)
        }
    }

    @Test("the database refuses a merged member that is still open, or one merged into itself")
    func databaseRefusesBadMergeState() async throws {
        try await withTestDatabase { db in
            let a = try await db.newMember("A", "State")
            let b = try await db.newMember("B", "State")
            guard case .number(let aNumber) = a, case .number(let bNumber) = b else { return }
            for statement: PostgresQuery in [
                "update members set merged_into = (select id from members where number = \(bNumber.digits)), merged_at = now() where number = \(aNumber.digits)",
                "update members set status = 'closed', closed_at = now(), merged_into = id, merged_at = now() where number = \(aNumber.digits)",
            ] {
                let error = await #expect(throws: PSQLError.self) { try await db.client.query(statement, logger: db.logger) }
                #expect(error?.serverInfo?[.sqlState] == "23514")
            }
            _ = try await db.store.mergeMembers(keep: a, other: b, reason: "dup", actor: "test")
            let edit = await #expect(throws: PSQLError.self) {
                try await db.client.query("update member_merges set reason = 'x'", logger: db.logger)
            }
            #expect(edit?.serverInfo?[.sqlState] == "LY405")
        }
    }

    @Test("property: for random ledgers, the merge conserves points, pending points and expiry dates", arguments: [1, 2, 3] as [UInt64])
    func conservation(seed: UInt64) async throws {
        var random = SplitMix64(seed: seed)
        try await withTestDatabase { db in
            let store = db.store(rules: try rules(pendingDays: 10, expiry: .lifetime(months: 6)))
            let keep = try await db.newMember("Keep", "Property")
            let other = try await db.newMember("Other", "Property")
            for step in 0..<40 {
                let member = Bool.random(using: &random) ? keep : other
                switch Int.random(in: 0..<4, using: &random) {
                case 0:
                    _ = try await store.earn(member, points: Int64.random(in: 1...200, using: &random), purchase: nil, receipt: nil, origin: admin)
                case 1:
                    let points = Int64.random(in: 1...200, using: &random)
                    _ = try await store.earn(member, points: points, purchase: try eur("\(points).00"), receipt: "P\(step)", origin: admin)
                case 2:
                    let spendable = try await store.memberCard(member, terminal: nil).spendable
                    if spendable > 0 {
                        _ = try await store.redeem(member, points: Int64.random(in: 1...spendable, using: &random), receipt: nil, origin: admin)
                    }
                default:
                    try await db.travel(days: Int.random(in: 1...20, using: &random))
                }
            }
            let keepBefore = try await store.memberCard(keep, terminal: nil)
            let otherBefore = try await store.memberCard(other, terminal: nil)
            let expiring: PostgresQuery = """
                select coalesce(sum(l.remaining), 0)::int8 from point_lots l join members m on m.id = l.member_id
                 where m.number = any(\([keep, other].map(\.value))) and l.remaining > 0 and l.expires_at > now()
                """
            let expiringBefore = try await db.scalar(expiring)
            let expiredOther = try await db.scalar(
                """
                select coalesce(sum(l.remaining), 0)::int8 from point_lots l join members m on m.id = l.member_id
                 where m.number = \(other.value) and l.remaining > 0 and l.expires_at <= now()
                """)

            let result = try await store.mergeMembers(keep: keep, other: other, reason: "property", actor: "test")
            let after = try await store.memberCard(keep, terminal: nil)
            #expect(result.points == otherBefore.points - expiredOther)
            #expect(after.points == keepBefore.points + otherBefore.points - expiredOther)
            #expect(after.pending == keepBefore.pending + otherBefore.pending)
            #expect(after.spendable == keepBefore.spendable + otherBefore.spendable)
            #expect(try await db.scalar(expiring) == expiringBefore)
            try await expectConsistent(db)
        }
    }
}

/// Rows in the tables a merge writes, to show that a refused merge wrote none.
private func counts(_ db: TestDatabase) async throws -> [Int64] {
    [
        try await db.scalar("select count(*)::int8 from point_entries"),
        try await db.scalar("select count(*)::int8 from audit_log"),
        try await db.scalar("select count(*)::int8 from member_merges"),
        try await db.scalar("select count(*)::int8 from members where status = 'closed'"),
    ]
}
