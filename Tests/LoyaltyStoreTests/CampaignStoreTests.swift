import Foundation
import LoyaltyCore
import LoyaltyStore
import LoyaltyTestSupport
import LoyaltyTesting
import PostgresNIO
import Testing

/// Campaigns: the send (consent, holdout split, a single send), the send list and its guards, and the
/// win-back promotion for contacted members only (docs/campaigns.md).
@Suite("Campaigns (PostgreSQL)", .timeLimit(.minutes(6)))
struct CampaignStoreTests {
    /// A segment `club` of the members tagged `club`.
    func clubSegment(_ store: LoyaltyStore) async throws {
        var filter = SegmentFilter()
        filter.tags = ["club"]
        _ = try await store.saveSegment(try SegmentName(parsing: "club"), description: "", filter: filter, replace: false, actor: "test")
    }

    func campaign(
        _ code: String, channel: ContactChannel = .email, holdout: Int = 10, promo: String? = nil
    ) throws -> CampaignDefinition {
        try CampaignDefinition(
            code: RecordCode(parsing: code, argument: "code"), name: "Campaign \(code)", channel: channel,
            segment: SegmentName(parsing: "club"), startsOn: nil, endsOn: nil, cost: eur("100.00"), holdoutPercent: holdout,
            promotion: try promo.map { try PromotionCode(parsing: $0) })
    }

    /// `count` club members with an email address and email consent, in one statement.
    func clubMembers(_ db: TestDatabase, count: Int, consent: Bool = true, prefix: String = "m") async throws {
        // One row back, so that the statement has run to its end before the call returns: a result of 400
        // rows nobody reads may be cut short.
        let enrolled = try await db.scalar(
            """
            select count(loyalty_enroll(null, null, null, 'test', 'First' || i, 'Last', \(prefix) || i || '@example.com', null, null,
                                        \(consent), false, null, null, null, null, null, null, null, null, null, array['club']))
              from generate_series(1, \(count)) i
            """)
        #expect(enrolled == Int64(count))
    }

    func code(_ text: String) throws -> RecordCode { try RecordCode(parsing: text, argument: "code") }

    @Test("send: only active, consented members with an address; the others counted by reason; the list is recorded with addresses")
    func sendRespectsConsent() async throws {
        try await withTestDatabase { db in
            let store = db.store
            try await clubSegment(store)
            func add(_ first: String, email: String?, phone: String? = nil, emailConsent: Bool, smsConsent: Bool = false) async throws
                -> MemberReference
            {
                let result = try await store.enroll(
                    NewMember(
                        firstName: first, lastName: "Club", email: try email.map { try EmailAddress(parsing: $0) },
                        phone: try phone.map { try PhoneNumber(parsing: $0, defaultRegion: .unitedStates) }, emailConsent: emailConsent,
                        smsConsent: smsConsent, tags: ["club"]),
                    origin: admin)
                return .number(try MemberNumber(parsing: result.member))
            }
            _ = try await add("ok", email: "ok@example.com", emailConsent: true)
            _ = try await add("noconsent", email: "nc@example.com", emailConsent: false)
            _ = try await add("noaddress", email: nil, phone: "+4915112345678", emailConsent: true, smsConsent: true)
            let suspended = try await add("suspended", email: "s@example.com", emailConsent: true)
            _ = try await store.setMemberStatus(suspended, to: .suspended, reason: nil, actor: "test")
            let closed = try await add("closed", email: "c@example.com", emailConsent: true)
            _ = try await store.setMemberStatus(closed, to: .closed, reason: nil, actor: "test")
            _ = try await store.enroll(NewMember(firstName: "outsider", lastName: "X", email: try EmailAddress(parsing: "x@example.com"), emailConsent: true), origin: admin)

            _ = try await store.addCampaign(try campaign("hello", holdout: 0), actor: "alice")
            let summary = try await store.sendCampaign(try code("hello"), actor: "alice")
            #expect(summary == CampaignSendSummary(contacted: 1, holdout: 0, leftOut: ["no consent": 1, "no address": 1, "suspended": 1, "closed": 1]))
            #expect(try await db.texts("select address from campaign_members where arm = 'contacted'") == ["ok@example.com"])
            var rows: [CampaignSendRow] = []
            let written = try await store.campaignSendList(try code("hello"), actor: "alice", audit: true) { rows.append($0) }
            #expect(written == 1 && rows.map(\.firstName) == ["ok"] && rows.map(\.address) == ["ok@example.com"])
            let record = try await store.campaign(try code("hello"))
            #expect(record.sentAt != nil && record.sentBy == "alice" && record.contacted == 1 && record.holdout == 0)
            #expect(record.segmentFilter?.contains("club") == true)
            #expect(try await db.scalar("select count(*)::int8 from audit_log where action in ('campaign.add', 'campaign.send', 'campaign.export')") == 3)
            // The export is on record before its first row leaves: one that breaks off is audited too.
            struct Interrupted: Error {}
            await #expect(throws: (any Error).self) {
                _ = try await store.campaignSendList(try code("hello"), actor: "bob", audit: true) { _ in throw Interrupted() }
            }
            #expect(try await db.texts("select details::text from audit_log where action = 'campaign.export' order by id") == [
                #"{"exported": 1}"#, #"{"exported": 1}"#,
            ])

            // By SMS, the member with a phone and SMS consent is reached.
            _ = try await store.addCampaign(try campaign("text", channel: .sms, holdout: 0), actor: "alice")
            let sms = try await store.sendCampaign(try code("text"), actor: "alice")
            #expect(sms.contacted == 1 && sms.leftOut["no consent"] == 2 && sms.leftOut["suspended"] == 1)
        }
    }

    @Test("the holdout share is right within a tolerance on 400 members, and the split is the hash of campaign and member")
    func holdoutSplit() async throws {
        try await withTestDatabase { db in
            let store = db.store
            try await clubSegment(store)
            try await clubMembers(db, count: 400)
            _ = try await store.addCampaign(try campaign("split", holdout: 20), actor: "alice")
            let summary = try await store.sendCampaign(try code("split"), actor: "alice")
            #expect(summary.contacted + summary.holdout == 400)
            // 80 expected; the binomial standard deviation is 8, so ±25 is over three of them.
            #expect((55...105).contains(summary.holdout), "holdout \(summary.holdout)")
            // Reproducible: every member's arm is the one its hash gives.
            #expect(
                try await db.scalar(
                    """
                    select count(*)::int8 from campaign_members cm join campaigns c on c.id = cm.campaign_id
                     where c.code = 'split' and (cm.arm = 'holdout') <> (loyalty_campaign_bucket(c.id, cm.member_id) < 20)
                    """) == 0)
            // Holdout members are never contacted and no address was used for them.
            #expect(try await db.scalar("select count(*)::int8 from campaign_members where arm = 'holdout' and (contacted_at is not null or address is not null)") == 0)
            // Another campaign over the same members draws another holdout (the campaign is part of the hash).
            _ = try await store.addCampaign(try campaign("split-2", holdout: 20), actor: "alice")
            _ = try await store.sendCampaign(try code("split-2"), actor: "alice")
            let same = try await db.scalar(
                """
                select count(*)::int8 from campaign_members a join campaign_members b on a.member_id = b.member_id
                 where a.campaign_id = (select id from campaigns where code = 'split') and a.arm = 'holdout'
                   and b.campaign_id = (select id from campaigns where code = 'split-2') and b.arm = 'holdout'
                """)
            #expect(same < summary.holdout)
        }
    }

    @Test("a second send is refused and changes nothing; the send list and a sent campaign cannot be changed directly")
    func sendOnce() async throws {
        try await withTestDatabase { db in
            let store = db.store
            try await clubSegment(store)
            try await clubMembers(db, count: 30)
            _ = try await store.addCampaign(try campaign("once", holdout: 30), actor: "alice")
            _ = try await store.sendCampaign(try code("once"), actor: "alice")
            func snapshot() async throws -> [Int64] {
                [
                    try await db.scalar("select count(*)::int8 from campaign_members"),
                    try await db.scalar("select count(*)::int8 from audit_log"),
                    try await db.scalar("select extract(epoch from sent_at)::int8 from campaigns where code = 'once'"),
                ]
            }
            let before = try await snapshot()
            let error = await expectStoreError(.alreadyExists) { _ = try await store.sendCampaign(try code("once"), actor: "bob") }
            #expect(error?.message.contains("sent once") == true)
            // A member who joins the segment later is not added by a second send either.
            try await clubMembers(db, count: 1, prefix: "late")
            #expect(try await db.scalar("select count(*)::int8 from campaign_members") == before[0])
            #expect(try await snapshot()[1] == before[1] + 1)  // the member just added is audited, nothing else
            // Direct writes that would rewrite the send are refused by the database.
            for statement: PostgresQuery in [
                "update campaign_members set arm = 'contacted', contacted_at = now() where arm = 'holdout'",
                "delete from campaign_members",
                "insert into campaign_members (campaign_id, member_id, arm) select c.id, m.id, 'holdout' from campaigns c, members m where c.code = 'once' and m.last_name = 'Last' and not exists (select 1 from campaign_members x where x.member_id = m.id)",
                "update campaigns set sent_at = now() - interval '1 day' where code = 'once'",
                "update campaigns set holdout_percent = 0 where code = 'once'",
                "delete from campaigns where code = 'once'",
                "truncate campaign_members",
            ] {
                await #expect(throws: PSQLError.self, "\(statement.sql)") { try await db.client.query(statement, logger: db.logger) }
            }
            #expect(try await db.scalar("select count(*)::int8 from campaign_members") == before[0])
            // Blanking an address (erasure) is the one change allowed.
            try await db.client.query("update campaign_members set address = null where arm = 'contacted'", logger: db.logger)
            // Unknown campaign, unknown segment or promotion at add: refused, nothing created.
            await expectStoreError(.notFound) { _ = try await store.sendCampaign(try code("nope"), actor: "alice") }
            await expectStoreError(.alreadyExists) { _ = try await store.addCampaign(try campaign("once"), actor: "alice") }
            await expectStoreError(.badArgument) { _ = try await store.addCampaign(try campaign("promo", promo: "missing"), actor: "alice") }
            let lonely = try CampaignDefinition(
                code: code("lonely"), name: "Lonely", channel: .email, segment: SegmentName(parsing: "nobody"), startsOn: nil, endsOn: nil,
                cost: eur("0"), promotion: nil)
            await expectStoreError(.badArgument) { _ = try await store.addCampaign(lonely, actor: "alice") }
            #expect(try await db.scalar("select count(*)::int8 from campaigns") == 1)
        }
    }

    @Test("a campaign's promotion rewards its contacted members only: not the holdout, not others, not before the send")
    func promotionForContactedOnly() async throws {
        try await withTestDatabase { db in
            let store = db.store
            try await clubSegment(store)
            try await clubMembers(db, count: 40)
            let today = try CalendarDate(parsing: try await db.dateText())
            _ = try await store.addPromotion(
                try PromotionDefinition(
                    code: PromotionCode(parsing: "winback"), name: "Win-back", startsOn: today, endsOn: today, bonus: .points(100)),
                actor: "alice")
            _ = try await store.addPromotion(
                try PromotionDefinition(code: PromotionCode(parsing: "everyone"), name: "All", startsOn: today, endsOn: today, bonus: .points(1)),
                actor: "alice")
            _ = try await store.addCampaign(try campaign("winback", holdout: 50, promo: "winback"), actor: "alice")
            let outsider = try await db.newMember("Out", "Sider")
            func earn(_ member: MemberReference) async throws -> [String] {
                let money = try eur("10.00")
                let result = try await store.earn(member, points: 10, purchase: money, receipt: nil, origin: admin)
                return (result.promotions ?? []).map(\.code)
            }
            func member(_ arm: String) async throws -> MemberReference {
                let number = try #require(
                    try await db.texts(
                        "select m.number from campaign_members cm join members m on m.id = cm.member_id where cm.arm = \(arm) order by m.number limit 1"
                    ).first)
                return .number(try MemberNumber(parsing: number))
            }
            let someone = MemberReference.number(
                try MemberNumber(parsing: try #require(try await db.texts("select number from members where 'club' = any(tags) order by number limit 1").first)))
            // Before the send, the campaign's promotion rewards nobody; other promotions are unaffected.
            #expect(try await earn(someone) == ["everyone"])
            _ = try await store.sendCampaign(try code("winback"), actor: "alice")
            #expect(try await earn(try await member("contacted")) == ["everyone", "winback"])
            #expect(try await earn(try await member("holdout")) == ["everyone"])
            #expect(try await earn(outsider) == ["everyone"])
        }
    }
}
